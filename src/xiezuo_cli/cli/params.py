"""Option values, as typed on the command line, turned into one typed value per command.

Both command-line paths (the pre-parser in argv.py and Typer in cli.py) hand ``parse`` the same
raw values: a flag is a bool, every other option a list of the values given (so a single-valued
option given twice is caught here, on both paths alike), an argument its text or list of texts.
Everything that can be checked without the data is checked here, before the database is read:
choices, numbers, dates, amounts, conflicting options. What needs the data (place names, kinds
present) is resolved by the core (query.Filters.resolve).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from xiezuo_cli.cli import write_options
from xiezuo_cli.cli.options import COMMANDS_BY_NAME, TABLE_UNITS, OutputOptions, check_choice
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.present.output import FORMATS
from xiezuo_cli.query.filters import Filters
from xiezuo_cli.query.funds import GROUP_FIELDS, ROLL_UP_LEVELS

Raw = Mapping[str, object]

# Commands whose default machine format is not CSV.
_DEFAULT_FORMAT = {"export": "json"}


class Selection(NamedTuple):
    """--sort, --desc, --limit and --columns."""

    sort: tuple[str, ...] = ()
    desc: bool = False
    limit: int | None = None
    columns: tuple[str, ...] = ()


class Params(NamedTuple):
    """What one command was asked for, typed. Fields a command has no option for keep their
    defaults, so every command reads the same shape."""

    command: str
    db: str | None
    output: OutputOptions
    index: bool = True  # False: --no-index
    filters: Filters = Filters()
    selection: Selection = Selection()
    expressions: tuple[str, ...] = ()  # filter
    by: tuple[str, ...] = ()  # funds
    roll_up: str | None = None
    counts: bool = False
    units: tuple[str, ...] = ()
    explain: bool = False
    no_derived: bool = False
    chart: bool = False
    per: str = "pairing"  # report
    name: str = ""  # show
    record: str = ""  # cite


def _values(raw: Raw, name: str) -> list[str]:
    """Every value given for an option: a list from the parsers, or a single text."""
    value = raw.get(name)
    if value is None or value is False:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]  # type: ignore[attr-defined]


def one(raw: Raw, name: str, option: str) -> str | None:
    """A single-valued option: given once at most. None when not given."""
    values = _values(raw, name)
    if len(values) > 1:
        raise UsageProblem(f"{option} was given {len(values)} times; give it once")
    return values[0] if values else None


def many(raw: Raw, name: str, option: str) -> tuple[str, ...]:
    """A repeatable option, each value also a comma list: --by pairing,year --by kind. An
    empty value (--pair= from a script's unset variable) is a mistake, not "no filter"."""
    found: list[str] = []
    for value in _values(raw, name):
        parts = [part.strip() for part in value.replace("，", ",").split(",")]
        if not any(parts):
            raise UsageProblem(f"{option} is empty: give a value")
        found.extend(part for part in parts if part)
    return tuple(found)


def flag(raw: Raw, name: str) -> bool:
    return bool(raw.get(name))


def _flag_of(command: str, name: str) -> str:
    spec = COMMANDS_BY_NAME[command]
    for opt in spec.options:
        if opt.name == name:
            return opt.flags[0]
    return f"--{name}"


def parse_db(raw: Raw) -> str | None:
    """--db, else $XIEZUO_DB, else None (the bundled file). An empty value of either is a
    mistake (a script's unset variable), never a silent choice of the bundled data."""
    given = one(raw, "db", "--db")
    if given is not None:
        if not given.strip():
            raise UsageProblem("--db is empty: give a database file")
        return given
    from_env = os.environ.get("XIEZUO_DB")
    if from_env is not None:
        if not from_env.strip():
            raise UsageProblem(
                "XIEZUO_DB is set but empty: give it a database file, or unset it to use the "
                "bundled data"
            )
        return from_env
    return None


def output_file(raw: Raw) -> str | None:
    """-o FILE; None for stdout (not given, or - or /dev/stdout: destination.STDOUT_NAMES).
    An empty value is a mistake."""
    from xiezuo_cli.storage.destination import is_stdout

    path = one(raw, "output", "--output")
    if path is not None and not path.strip():
        raise UsageProblem("--output is empty: give a file, or - for stdout")
    return None if path is None or is_stdout(path) else path


def parse_output(raw: Raw, command: str) -> OutputOptions:
    given = one(raw, "format", "--format")
    chosen = [
        value
        for value in (
            given.strip().lower() if given is not None else None,
            "csv" if flag(raw, "csv") else None,
            "json" if flag(raw, "json") else None,
        )
        if value is not None
    ]
    if len(set(chosen)) > 1:
        raise UsageProblem(
            f"choose one output format: --format, --csv and --json disagree ({', '.join(chosen)})"
        )
    path = output_file(raw)
    to_file = path is not None
    if chosen:
        allowed = (*FORMATS, "sqlite") if command == "export" else FORMATS
        fmt = check_choice(chosen[0], allowed, "--format")
        if fmt == "sqlite" and not to_file:
            if one(raw, "output", "--output") is None:
                raise UsageProblem("--format sqlite writes a database file: give -o FILE")
            if _stdout_is_terminal():  # -o - on a terminal: binary is for a file or a pipe
                raise UsageProblem(
                    "--format sqlite -o -: a SQLite file is binary; redirect stdout to a file "
                    "or a pipe, or give -o FILE"
                )
    elif not to_file and _stdout_is_terminal():
        fmt = "table"
    else:
        fmt = _DEFAULT_FORMAT.get(command, "csv")
    headers = not flag(raw, "no_headers")
    excel = flag(raw, "excel")
    if excel and fmt != "csv":
        raise UsageProblem(
            f"--excel makes CSV for spreadsheets; it does not go with --format {fmt}"
        )
    if not headers and fmt not in ("csv", "tsv"):
        raise UsageProblem(f"--no-headers is for CSV and TSV; --format {fmt} has no header row")
    unit = check_choice((one(raw, "unit", "--unit") or "万元").strip(), TABLE_UNITS, "--unit")
    color = not (
        flag(raw, "no_color") or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb"
    )
    return OutputOptions(
        format=fmt,
        headers=headers,
        excel=excel,
        unit=unit,
        color=color,
        pager=not flag(raw, "no_pager"),
        path=path,
    )


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def parse_limit(text: str | None) -> int | None:
    if text is None:
        return None
    if len(text.strip()) > 20:  # more than any count of rows (int() refuses past 4300 digits)
        raise UsageProblem(f"invalid --limit {shown(text)}: too large")
    try:
        value = int(text.strip())
    except ValueError:
        raise UsageProblem(f"invalid --limit {shown(text)}: use a whole number") from None
    if value < 0:
        raise UsageProblem(f"invalid --limit {shown(text)}: use 0 or more")
    return value


def parse_selection(raw: Raw, sortable: Sequence[str] | None = None) -> Selection:
    """--sort/--desc/--limit (and --columns): ``sortable`` names the fields one may sort by;
    None means the record fields."""
    from xiezuo_cli.query.filters import check_fields

    sort = many(raw, "sort", "--sort")
    if sortable is None:
        sort = check_fields(sort, "--sort")
    else:
        for name in sort:
            check_choice(name, sortable, "--sort")
    desc = flag(raw, "desc")
    if desc and not sort:
        raise UsageProblem("--desc sorts in descending order: give --sort FIELD with it")
    columns = check_fields(many(raw, "columns", "--columns"), "--columns")
    return Selection(
        sort=sort, desc=desc, limit=parse_limit(one(raw, "limit", "--limit")), columns=columns
    )


def parse_filters(raw: Raw, command: str) -> Filters:
    values: dict[str, object] = {}
    for name in ("pair", "place_in", "place_from", "level", "category", "stage", "actor"):
        values[name] = many(raw, name, _flag_of(command, name))
    for name in (
        "kind",
        "year",
        "during",
        "since",
        "until",
        "as_of",
        "min_amount",
        "max_amount",
        "search",
    ):
        values[name] = one(raw, name, _flag_of(command, name))
    values["money"] = flag(raw, "money")
    return Filters.parse(**values)  # type: ignore[arg-type]


# Columns funds and pairs may sort by, besides the grouping fields.
FUNDS_SORT = (*GROUP_FIELDS, "span", "amount_yuan", "records", "value", "unit")
PAIRS_SORT = (
    "id",
    "kind",
    "level",
    "provider",
    "provider_code",
    "receiver",
    "receiver_code",
    "since",
    "records",
    "fiscal_aid_yuan",
)


def parse(command: str, raw: Raw) -> Params:
    """The typed value of one command line; raises UsageProblem with one line."""
    if command in write_options.NAMES:
        from xiezuo_cli.cli import write_commands

        return write_commands.parse(command, raw)  # type: ignore[return-value]
    spec = COMMANDS_BY_NAME[command]
    names = {opt.name for opt in spec.options}
    output = parse_output(raw, command) if "format" in names else _plain_output(raw)
    params = Params(
        command=command, db=parse_db(raw), output=output, index=not flag(raw, "no_index")
    )
    if "pair" in names or "place_in" in names:
        params = params._replace(filters=parse_filters(raw, command))
    if command in ("list", "filter"):
        params = params._replace(selection=parse_selection(raw))
    elif command == "funds":
        params = params._replace(selection=parse_selection(raw, FUNDS_SORT))
    elif command == "pairs":
        params = params._replace(selection=parse_selection(raw, PAIRS_SORT))
    if command == "filter":
        from xiezuo_cli.query.expressions import parse_words

        words = tuple(_values(raw, "expressions"))
        parse_words(words)  # a malformed condition is a usage error before any data is read
        params = params._replace(expressions=words)
    if command == "funds":
        by = many(raw, "by", "--by")
        for name in by:
            check_choice(name, GROUP_FIELDS, "--by")
        roll = one(raw, "roll_up", "--roll-up")
        if roll is not None:
            check_choice(roll.strip(), ROLL_UP_LEVELS, "--roll-up")
        counts = flag(raw, "counts")
        units = many(raw, "unit_of", "--unit-of")
        if units and not counts:
            raise UsageProblem("--unit-of picks units of counts: give --counts with it")
        if counts and roll is not None:
            raise UsageProblem("--roll-up sums money; it does not go with --counts")
        params = params._replace(
            by=by,
            roll_up=roll.strip() if roll else None,
            counts=counts,
            units=units,
            explain=flag(raw, "explain"),
            no_derived=flag(raw, "no_derived"),
            chart=flag(raw, "chart"),
        )
    if command == "report":
        per = (one(raw, "per", "--per") or "pairing").strip()
        params = params._replace(
            per=check_choice(per, ("pairing", "year"), "--per"), chart=flag(raw, "chart")
        )
    if command == "show":
        params = params._replace(name=str(raw.get("name") or ""))
    if command == "cite":
        params = params._replace(record=str(raw.get("record") or "").strip())
    return params


def _plain_output(raw: Raw) -> OutputOptions:
    """validate writes one line of text: only -o applies."""
    return OutputOptions(
        format="text",
        headers=True,
        excel=False,
        unit="万元",
        color=False,
        pager=False,
        path=output_file(raw),
    )
