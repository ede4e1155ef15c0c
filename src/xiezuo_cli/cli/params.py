"""Option values, as typed on the command line, turned into one typed value per command.

Both command-line paths (the pre-parser in argv.py and Typer in cli.py) hand ``parse`` the same
raw values: a flag is a bool, every other option a list of the values given (so a single-valued
option given twice is caught here, on both paths alike), an argument its text or list of texts.
Everything that can be checked without the data is checked here, before the database is read:
choices, numbers, dates, amounts, conflicting options. What needs the data (place names, kinds
present) is resolved by the core (query.Filters.resolve).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from xiezuo_cli.cli.given import Raw, _values, flag, many, one, output_file, parse_db, parse_output
from xiezuo_cli.cli.options import COMMANDS_BY_NAME
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import check_choice
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.filters import Filters
from xiezuo_cli.query.funds import GROUP_FIELDS, ROLL_UP_LEVELS


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


def _flag_of(command: str, name: str) -> str:
    spec = COMMANDS_BY_NAME[command]
    for opt in spec.options:
        if opt.name == name:
            return opt.flags[0]
    return f"--{name}"


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
