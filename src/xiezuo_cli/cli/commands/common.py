"""What several query commands do alike: load the database asked for, and print records."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from itertools import islice

from xiezuo_cli.cli.groups import Database
from xiezuo_cli.model.records import RECORD_FIELDS, Record
from xiezuo_cli.present.emit import check_table_size, emit, flat, no_table
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.filters import Filters, field_value, why_nothing
from xiezuo_cli.query.sorting import Selection, sort_by
from xiezuo_cli.storage import dataset
from xiezuo_cli.storage.dataset import Dataset, ProgressBar


def load(database: Database) -> Dataset:
    """The database read, its long jobs shown on stderr when that is a terminal."""
    path = database.path if database.path is not None else dataset.bundled_path()
    return dataset.load(path, use_index=database.use_index, progress=_progress)


def _progress() -> AbstractContextManager[ProgressBar | None]:
    """A bar on stderr for a long job (present.progress, imported only when one starts)."""
    from xiezuo_cli.present.progress import on_stderr

    return on_stderr()


def sorted_rows(
    rows: list[dict[str, object]], selection: Selection, data: Dataset
) -> list[dict[str, object]]:
    """Rows of a command (pairs, funds) sorted and cut as --sort, --desc and --limit ask."""
    if selection.sort:
        rows = sort_by(rows, selection.sort, selection.desc, _row_value, data.pinyin)
    return rows if selection.limit is None else rows[: selection.limit]


def _row_value(row: dict[str, object], name: str) -> object:
    return row.get(name)


def records_out(
    data: Dataset,
    records: Iterable[Record],
    output: OutputOptions,
    selection: Selection,
    filters: Filters,
) -> None:
    """Records in rows. Machine formats stream: without --sort, rows are written as the
    records are read, so a million of them start printing at once in flat memory."""
    if selection.sort:
        records = sort_by(list(records), selection.sort, selection.desc, field_value, data.pinyin)
    if selection.limit is not None:
        records = islice(records, selection.limit)
    columns = selection.columns
    fields = columns or RECORD_FIELDS
    if output.is_table:
        shown = list(records)
        check_table_size(len(shown), output)
        empty = why_nothing(data, filters) if not shown else None

        def table() -> None:
            from xiezuo_cli.present import render

            revised = data.superseded(filters.known_by)
            render.records_table(data, shown, output, columns, revised, empty)

        emit((), fields, output, table)
        return
    as_flat = flat(output)
    emit((record.as_dict(fields, flat=as_flat) for record in records), fields, output, no_table)


def during_option(filters: Filters) -> str:
    """--during with the years --year asked for: the command that shows what reaches beyond."""
    if filters.years is None:
        return "--during"
    first, last = filters.years
    return f"--during {first}" + (f"-{last}" if last != first else "")
