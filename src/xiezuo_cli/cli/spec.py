"""How a command line is declared: options, arguments, commands; and the options most commands
share (output, database).

Both command-line paths read these declarations: Typer builds the documented interface from them
(app.py), and argv.py parses a well-formed command line with them without importing Typer.
"""

from __future__ import annotations

from typing import NamedTuple

from xiezuo_cli.model.vocab import DISPLAY_UNITS
from xiezuo_cli.present.output import FORMATS


class Opt(NamedTuple):
    name: str  # the keyword the command receives
    flags: tuple[str, ...]
    help: str
    kind: str = "text"  # text (one value) | flag | multi (repeatable, and comma lists)
    metavar: str | None = None
    # What completion offers: a tuple of fixed choices, or the name of a kind of thing in the
    # database in use: "pairing", "place", "record", "field".
    complete: tuple[str, ...] | str | None = None


class Arg(NamedTuple):
    name: str
    help: str
    metavar: str
    multiple: bool = False
    complete: str | None = None


class CommandSpec(NamedTuple):
    name: str
    help: str  # first line: the summary `xiezuo --help` lists
    examples: tuple[str, ...]
    options: tuple[Opt, ...]
    arguments: tuple[Arg, ...] = ()

    def option(self, flag: str) -> Opt | None:
        return next((opt for opt in self.options if flag in opt.flags), None)


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

TABLE_UNITS = tuple(DISPLAY_UNITS)  # 元, 万元, 亿元

OUT = Opt(
    "output",
    ("--output", "-o"),
    "Write to FILE instead of stdout, atomically (a temporary file, then a rename); - is stdout.",
    metavar="FILE",
)
PAGER = Opt(
    "no_pager",
    ("--no-pager",),
    "Never page long tables (also: XIEZUO_PAGER= or PAGER=cat).",
    kind="flag",
)

OUTPUT = (
    Opt(
        "format",
        ("--format", "-f"),
        "Output format: " + ", ".join(FORMATS) + ". Default: table on a terminal, csv in a pipe.",
        metavar="FORMAT",
        complete=FORMATS,
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
    Opt(
        "unit",
        ("--unit",),
        "Money unit in tables: " + ", ".join(TABLE_UNITS) + " (default 万元).",
        metavar="UNIT",
        complete=TABLE_UNITS,
    ),
    Opt("no_color", ("--no-color",), "No colour (also: NO_COLOR=1 or TERM=dumb).", kind="flag"),
    PAGER,
    OUT,
)
