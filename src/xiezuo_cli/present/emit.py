"""An answer out: a table for people (paged when long) or rows in a machine format.

Every query command hands its rows, their fields and a function that draws its table to
``emit``; the output options say which is wanted. ``check_table_size`` refuses a table too long
to read on a terminal that has no pager.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import write_rows

# More rows than anyone reads on a terminal: such a table asks for --limit, unless it is paged.
TABLE_ROWS_MAX = 5000


def flat(output: OutputOptions) -> bool:
    """CSV, TSV, Markdown and tables carry a citation count; JSON and JSONL the citations."""
    return output.format not in ("json", "jsonl")


def emit(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    output: OutputOptions,
    table: Callable[[], None],
) -> None:
    if output.is_table:
        from xiezuo_cli.present import pager

        with pager.paging(output.pager):
            table()
    else:
        write_rows(
            rows, fields, output.format, sys.stdout, headers=output.headers, excel=output.excel
        )


def no_table() -> None:
    raise AssertionError("a machine format has no table")


def check_table_size(rows: int, output: OutputOptions) -> None:
    if rows <= TABLE_ROWS_MAX:
        return
    from xiezuo_cli.present import pager, terminal

    if not terminal.is_terminal(sys.stdout):
        return
    if output.pager and pager.pager_command() is not None:
        return
    raise UsageProblem(
        f"{rows:,} rows are too many for a table on a terminal (the most is "
        f"{TABLE_ROWS_MAX:,}): narrow it with filters or --limit N, use a pager, or --csv"
    )
