"""The option groups commands share, each declared once with its converters and the one value it
makes: where the answer goes and how it looks (``output_group``: OutputOptions), which database
is read (``DATABASE``: Database) or changed (``write_target``: WriteTarget), which records
(``FILTERS``: query's Filters) and in what order (``selection_group``: Selection).

A command composes the groups it takes with its own options (cli/commands/*.py); ``spec.bind``
makes each group's value from what was typed.
"""

import os
import sys
from collections.abc import Callable
from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.spec import Group, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.vocab import (
    ACTORS,
    CATEGORIES,
    DISPLAY_UNITS,
    KINDS,
    LEVELS,
    STAGES,
    check_choice,
)
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import FORMATS
from xiezuo_cli.query.filters import Filters
from xiezuo_cli.query.sorting import Selection

# ─── output ───────────────────────────────────────────────────────────────────────────────

TABLE_UNITS = tuple(DISPLAY_UNITS)  # 元, 万元, 亿元
DEFAULT_UNIT = "万元"

OUT = Opt(
    "output",
    ("--output", "-o"),
    "Write to FILE instead of stdout, atomically (a temporary file, then a rename); - is stdout.",
    metavar="FILE",
)
FORMAT_HELP = (
    "Output format: " + ", ".join(FORMATS) + ". Default: table on a terminal, csv in a pipe."
)


def _output_options(format_help: str, unit: bool) -> tuple[Opt, ...]:
    return (
        Opt(
            "format",
            ("--format", "-f"),
            format_help,
            metavar="FORMAT",
            complete=FORMATS,
            type=lambda text, option: text.strip().lower(),
        ),
        Opt("csv", ("--csv",), "Shortcut for --format csv.", kind="flag"),
        Opt("json", ("--json",), "Shortcut for --format json.", kind="flag"),
        Opt("no_headers", ("--no-headers",), "CSV/TSV without the header row.", kind="flag"),
        Opt(
            "excel",
            ("--excel",),
            "CSV for Excel: a UTF-8 BOM, and text cells starting with = + - @ guarded with '.",
            kind="flag",
        ),
        *(
            [
                Opt(
                    "unit",
                    ("--unit",),
                    "Money unit in tables: " + ", ".join(TABLE_UNITS) + " (default 万元).",
                    metavar="UNIT",
                    complete=TABLE_UNITS,
                    type=to.choice_or(DEFAULT_UNIT, TABLE_UNITS),
                    default=DEFAULT_UNIT,
                )
            ]
            if unit
            else []
        ),
        Opt("no_color", ("--no-color",), "No colour (also: NO_COLOR=1 or TERM=dumb).", kind="flag"),
        Opt(
            "no_pager",
            ("--no-pager",),
            "Never page long tables (also: XIEZUO_PAGER= or PAGER=cat).",
            kind="flag",
        ),
        OUT,
    )


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _file(output: str | None) -> str | None:
    """-o FILE; None for stdout (not given, or - or /dev/stdout: destination.STDOUT_NAMES)."""
    if output is None:
        return None
    if not output.strip():
        raise UsageProblem("--output is empty: give a file, or - for stdout")
    from xiezuo_cli.storage.destination import is_stdout

    return None if is_stdout(output) else output


# Formats that are files, not text: written by their command to -o FILE (or a piped stdout).
BINARY_FORMATS = {"sqlite": "a database file", "xlsx": "an Excel workbook"}


def output_group(
    *,
    sqlite: bool = False,
    xlsx: bool = False,
    default_format: str = "csv",
    format_help: str = FORMAT_HELP,
    unit: bool = True,
) -> Group:
    """The output options. ``sqlite``: --format sqlite -o FILE is one more format (export);
    ``xlsx``: --format xlsx -o FILE (import --template)."""
    formats = (*FORMATS, *(("sqlite",) if sqlite else ()), *(("xlsx",) if xlsx else ()))

    def make(
        *,
        format: str | None,
        csv: bool,
        json: bool,
        no_headers: bool,
        excel: bool,
        no_color: bool,
        no_pager: bool,
        output: str | None,
        unit: str = DEFAULT_UNIT,
    ) -> OutputOptions:
        chosen = [
            value
            for value in (format, "csv" if csv else None, "json" if json else None)
            if value is not None
        ]
        if len(set(chosen)) > 1:
            raise UsageProblem(
                "choose one output format: --format, --csv and --json disagree "
                f"({', '.join(chosen)})"
            )
        path = _file(output)
        if chosen:
            fmt = check_choice(chosen[0], formats, "--format")
            if fmt in BINARY_FORMATS and path is None:
                what = BINARY_FORMATS[fmt]
                if output is None:
                    raise UsageProblem(f"--format {fmt} writes {what}: give -o FILE")
                if _stdout_is_terminal():  # -o - on a terminal: binary is for a file or a pipe
                    raise UsageProblem(
                        f"--format {fmt} -o -: {what} is binary; redirect stdout to a "
                        "file or a pipe, or give -o FILE"
                    )
        elif path is None and _stdout_is_terminal():
            fmt = "table"
        else:
            fmt = default_format
        if excel and fmt != "csv":
            raise UsageProblem(
                f"--excel makes CSV for spreadsheets; it does not go with --format {fmt}"
            )
        if no_headers and fmt not in ("csv", "tsv"):
            raise UsageProblem(f"--no-headers is for CSV and TSV; --format {fmt} has no header row")
        color = not (no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb")
        return OutputOptions(
            format=fmt,
            headers=not no_headers,
            excel=excel,
            unit=unit,
            color=color,
            pager=not no_pager,
            path=path,
            chosen=bool(chosen),
        )

    return Group("output", _output_options(format_help, unit), make)


def _text_output(*, output: str | None) -> OutputOptions:
    """One line of text (validate): only -o applies."""
    return OutputOptions(
        format="text",
        headers=True,
        excel=False,
        unit=DEFAULT_UNIT,
        color=False,
        pager=False,
        path=_file(output),
    )


TEXT_OUTPUT = Group("output", (OUT,), _text_output)

# ─── the database read ────────────────────────────────────────────────────────────────────


class Database(NamedTuple):
    """The database a command reads: a file, or None for the bundled data; and whether its
    derived index and snapshot may answer (--no-index: the file itself)."""

    path: str | None
    use_index: bool = True


def database_path(db: str | None) -> str | None:
    """--db, else $XIEZUO_DB, else None (the bundled file). An empty value of either is a
    mistake (a script's unset variable), never a silent choice of the bundled data."""
    if db is not None:
        if not db.strip():
            raise UsageProblem("--db is empty: give a database file")
        return db
    from_env = os.environ.get("XIEZUO_DB")
    if from_env is not None:
        if not from_env.strip():
            raise UsageProblem(
                "XIEZUO_DB is set but empty: give it a database file, or unset it to use the "
                "bundled data"
            )
        return from_env
    return None


DB = Opt(
    "db",
    ("--db",),
    "Database file to read. Default: $XIEZUO_DB, else the data bundled with xiezuo. An empty "
    "value (a script's unset variable) is an error, never the bundled data.",
    metavar="PATH",
)
NO_INDEX = Opt(
    "no_index",
    ("--no-index",),
    "Read the database file itself, not its derived index or snapshot in the cache folder, "
    "and write none (also: XIEZUO_NO_INDEX=1).",
    kind="flag",
)


def _database(*, db: str | None, no_index: bool) -> Database:
    return Database(database_path(db), use_index=not no_index)


DATABASE = Group("database", (DB, NO_INDEX), _database)

# ─── the database changed ─────────────────────────────────────────────────────────────────


class WriteTarget(NamedTuple):
    """The database a write command changes (never the bundled data), and how long it waits
    for another writer's lock."""

    path: str
    timeout: float = to.DEFAULT_TIMEOUT


TIMEOUT = Opt(
    "timeout",
    ("--timeout",),
    f"Seconds to wait while another command writes the database (default "
    f"{to.DEFAULT_TIMEOUT:g}); then exit 1.",
    metavar="SECONDS",
    type=to.seconds,
    default=to.DEFAULT_TIMEOUT,
)
WRITE_DB = Opt(
    "db",
    ("--db",),
    "Database file to change (make one with `xiezuo init PATH`). Default: $XIEZUO_DB. The data "
    "bundled with xiezuo is never changed; the file is never created here.",
    metavar="PATH",
)


def write_target(command: str) -> Group:
    """--db (or $XIEZUO_DB) naming a database that is not the bundled data, and --timeout."""

    def make(*, db: str | None, timeout: float) -> WriteTarget:
        from xiezuo_cli.storage import dataset

        path = database_path(db)
        if path is None or dataset.is_bundled(path):
            raise UsageProblem(
                f"xiezuo {command} changes a database and the bundled data is read-only: make one "
                "with `xiezuo init PATH` and give --db PATH (or XIEZUO_DB)"
            )
        return WriteTarget(path, timeout)

    return Group("target", (WRITE_DB, TIMEOUT), make)


# ─── which records ────────────────────────────────────────────────────────────────────────

PAIR = Opt(
    "pair",
    ("--pair", "-p"),
    "Pairing by place name, any form: 苍溪, 苍溪县, 蒼溪, cangxi, 余杭-苍溪, yuhang-cangxi. "
    "Repeatable; a name that fits several pairings (萧山) selects them all.",
    kind="multi",
    metavar="NAME",
    complete="pairing",
)
_NOT_PAIR = (
    Opt(
        "place_in",
        ("--in",),
        "Receiver is this place or inside it (any name form or code): --in 广元 selects 苍溪, "
        "旺苍, 朝天 and 广元市's own pairings. Repeatable.",
        kind="multi",
        metavar="PLACE",
        complete="place",
    ),
    Opt(
        "place_from",
        ("--from",),
        "Provider is this place or inside it: --from 杭州, --from 浙江. Repeatable.",
        kind="multi",
        metavar="PLACE",
        complete="place",
    ),
    Opt(
        "level",
        ("--level",),
        "Pairing level (its receiver's): "
        + ", ".join(LEVELS)
        + " (全国, 省级, 市级, 县级). Repeatable.",
        kind="multi",
        metavar="LEVEL",
        complete=to.LEVEL_CHOICES,
        type=to.level,
    ),
    Opt(
        "kind",
        ("--kind",),
        "Programme: " + ", ".join(KINDS) + ".",
        metavar="KIND",
        complete=KINDS,
        type=to.optional_text,
    ),
    Opt(
        "category",
        ("--category", "-c"),
        "Category, repeatable or comma-separated: " + ", ".join(CATEGORIES) + ".",
        kind="multi",
        metavar="CATEGORY",
        complete=CATEGORIES,
        type=to.choice(CATEGORIES),
    ),
    Opt(
        "stage",
        ("--stage",),
        "Stage, repeatable: "
        + ", ".join(STAGES)
        + " (实际, 安排/分配, 签约/意向, 规划, 预计). funds counts actual unless given.",
        kind="multi",
        metavar="STAGE",
        complete=STAGES,
        type=to.choice(STAGES),
    ),
    Opt(
        "actor",
        ("--actor",),
        "Who gives, repeatable: " + ", ".join(ACTORS) + " (政府, 企业, 社会, 混合, 不详).",
        kind="multi",
        metavar="ACTOR",
        complete=ACTORS,
        type=to.choice(ACTORS),
    ),
    Opt(
        "year",
        ("--year", "-y"),
        "Figures in these years, their period lying within them: 2021, or 2021-2023. A "
        "multi-year figure (2021–2024) is in no single year; funds names those that reach "
        "beyond.",
        metavar="YEARS",
        type=to.years,
    ),
    Opt(
        "during",
        ("--during",),
        "Figures whose period overlaps these years: 2022, or 2021-2023. Totals add only those "
        "in the years and show the others apart (跨出), as rows of their own.",
        metavar="YEARS",
        type=to.window,
    ),
    Opt(
        "since",
        ("--since",),
        "Figures as of (截至) this date or later: 2021, 2021-06, 2021-06-15, 'June 2021', "
        "2021年6月.",
        metavar="DATE",
        type=to.first_day,
    ),
    Opt(
        "until",
        ("--until",),
        "Figures as of this date or earlier (same forms).",
        metavar="DATE",
        type=to.last_day,
    ),
    Opt(
        "as_of",
        ("--as-of",),
        "Only what was published by this date; totals use each revised figure's latest value "
        "known then (same date forms).",
        metavar="DATE",
        type=to.last_day,
    ),
    Opt(
        "min_amount",
        ("--min",),
        "Money at least: 39000000, 3900万, 3900万元, 2.22亿.",
        metavar="AMOUNT",
        type=to.yuan,
    ),
    Opt(
        "max_amount",
        ("--max",),
        "Money at most (same forms).",
        metavar="AMOUNT",
        type=to.yuan,
    ),
    Opt("money", ("--money",), "Money records only.", kind="flag"),
    Opt(
        "search",
        ("--search", "-s"),
        "Text in the item or a quote (原文).",
        metavar="TEXT",
        type=to.folded,
    ),
)


def _filters(
    *,
    place_in: tuple[str, ...],
    place_from: tuple[str, ...],
    level: tuple[str, ...],
    kind: str | None,
    category: tuple[str, ...],
    stage: tuple[str, ...],
    actor: tuple[str, ...],
    year: tuple[int, int] | None,
    during: tuple[str, str] | None,
    since: to.Day | None,
    until: to.Day | None,
    as_of: to.Day | None,
    min_amount: to.Yuan | None,
    max_amount: to.Yuan | None,
    money: bool,
    search: str | None,
    pair: tuple[str, ...] = (),
) -> Filters:
    if since is not None and until is not None and since.iso > until.iso:
        raise UsageProblem(f"--since {since.text} is after --until {until.text}")
    if min_amount is not None and max_amount is not None and min_amount.amount > max_amount.amount:
        raise UsageProblem(
            f"--min {min_amount.text} is above --max {max_amount.text}: nothing can match"
        )
    return Filters(
        pair_names=pair,
        in_names=place_in,
        from_names=place_from,
        levels=frozenset(level),
        kind=kind,
        categories=frozenset(category),
        stages=frozenset(stage),
        actors=frozenset(actor),
        years=year,
        during=during,
        since=since.iso if since else None,
        until=until.iso if until else None,
        known_by=as_of.iso if as_of else None,
        min_yuan=min_amount.amount if min_amount else None,
        max_yuan=max_amount.amount if max_amount else None,
        money_only=money,
        search=search,
    )


FILTERS = Group("filters", (PAIR, *_NOT_PAIR), _filters)
# show names its pairing as its argument: every shared filter but --pair.
FILTERS_BUT_PAIR = Group("filters", _NOT_PAIR, _filters)

# ─── in what order, how many ──────────────────────────────────────────────────────────────

COLUMNS = Opt(
    "columns",
    ("--columns",),
    "Fields to show, comma-separated, e.g. id,item,amount_yuan. Default: all contract "
    "fields in CSV/JSON, a readable set in tables.",
    kind="multi",
    metavar="A,B,C",
    complete="field",
    type=to.record_field,
)


def _selection(
    *, sort: tuple[str, ...], desc: bool, limit: int | None, columns: tuple[str, ...] = ()
) -> Selection:
    if desc and not sort:
        raise UsageProblem("--desc sorts in descending order: give --sort FIELD with it")
    return Selection(sort=sort, desc=desc, limit=limit, columns=columns)


def selection_group(
    what: str, fields: str, sort_type: Callable[[str, str], str], *, columns: bool = False
) -> Group:
    """--sort (each field checked by ``sort_type``), --desc, --limit, and for records
    --columns."""
    options = (
        Opt(
            "sort",
            ("--sort",),
            f"Sort {what} by these fields, in order (repeatable or comma-separated): {fields}. "
            "Chinese text sorts by pinyin.",
            kind="multi",
            metavar="FIELD",
            complete="field" if what == "records" else None,
            type=sort_type,
        ),
        Opt("desc", ("--desc",), "Sort in descending order (needs --sort).", kind="flag"),
        Opt("limit", ("--limit", "-n"), f"Show at most N {what}.", metavar="N", type=to.count),
    )
    return Group("selection", (*options, *([COLUMNS] if columns else [])), _selection)


RECORD_SELECTION = selection_group(
    "records", "any field, see `xiezuo fields`", to.record_field, columns=True
)

CHART = Opt("chart", ("--chart",), "Also draw the amounts as horizontal bars.", kind="flag")
