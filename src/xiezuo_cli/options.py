"""Every command's options and arguments, declared once as data.

Typer builds the documented interface (help, completion, error messages) from these
declarations in cli.py, and argv.py reads the same declarations to parse a well-formed command
line without importing Typer at all. Values stay the text the user typed (str, bool, list of
str) until the core parses them, so a bad value gives the same one-line error on either path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from xiezuo_cli.amounts import DISPLAY_UNITS
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import ACTORS, CATEGORIES, KINDS, LEVELS, STAGES
from xiezuo_cli.output import FORMATS


class Opt(NamedTuple):
    name: str  # the keyword the command receives
    flags: tuple[str, ...]
    help: str
    kind: str = "text"  # text | flag | multi (repeatable text)
    metavar: str | None = None
    complete: str | None = None  # "pairing": complete with the pairing names of the database


class Arg(NamedTuple):
    name: str
    help: str
    metavar: str
    multiple: bool = False


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
    "Database file to read. Default: $XIEZUO_DB, else the data bundled with xiezuo.",
    metavar="PATH",
)

TABLE_UNITS = tuple(DISPLAY_UNITS)  # 元, 万元, 亿元

OUTPUT = (
    Opt(
        "format",
        ("--format", "-f"),
        "Output format: " + ", ".join(FORMATS) + ". Default: table on a terminal, csv in a pipe.",
        metavar="FORMAT",
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
    ),
    Opt("no_color", ("--no-color",), "No colour (also: NO_COLOR=1 or TERM=dumb).", kind="flag"),
)

PAIR = Opt(
    "pair",
    ("--pair", "-p"),
    "Pairing by place name, any form: 苍溪, 苍溪县, 蒼溪, cangxi, 余杭-苍溪, yuhang-cangxi. "
    "Repeatable; a name that fits several pairings (萧山) selects them all.",
    kind="multi",
    metavar="NAME",
    complete="pairing",
)
KIND = Opt("kind", ("--kind",), "Programme: " + ", ".join(KINDS) + ".", metavar="KIND")

PLACE_FILTERS = (
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
        "Pairing level (its receiver's): " + ", ".join(LEVELS) + " (省级, 市级, 县级). Repeatable.",
        kind="multi",
        metavar="LEVEL",
    ),
)

FILTERS = (
    PAIR,
    *PLACE_FILTERS,
    KIND,
    Opt(
        "category",
        ("--category", "-c"),
        "Category, repeatable: " + ", ".join(CATEGORIES) + ".",
        kind="multi",
        metavar="CATEGORY",
    ),
    Opt(
        "stage",
        ("--stage",),
        "Stage, repeatable: "
        + ", ".join(STAGES)
        + " (实际, 安排/分配, 签约/意向, 规划, 预计). funds counts actual unless given.",
        kind="multi",
        metavar="STAGE",
    ),
    Opt(
        "actor",
        ("--actor",),
        "Who gives, repeatable: " + ", ".join(ACTORS) + " (政府, 企业, 社会, 混合, 不详).",
        kind="multi",
        metavar="ACTOR",
    ),
    Opt(
        "year",
        ("--year", "-y"),
        "Figures whose period lies within these years: 2021, or 2021-2023. A multi-year "
        "figure (2021–2024) is in no single year.",
        metavar="YEARS",
    ),
    Opt(
        "during",
        ("--during",),
        "Figures whose period overlaps these years: 2022, or 2021-2023.",
        metavar="YEARS",
    ),
    Opt(
        "since",
        ("--since",),
        "Figures as of (截至) this date or later: 2021, 2021-06, 2021-06-15, 'June 2021', "
        "2021年6月.",
        metavar="DATE",
    ),
    Opt("until", ("--until",), "Figures as of this date or earlier (same forms).", metavar="DATE"),
    Opt(
        "as_of",
        ("--as-of",),
        "Only what was published by this date; totals use each revised figure's latest value "
        "known then (same date forms).",
        metavar="DATE",
    ),
    Opt(
        "min_amount",
        ("--min",),
        "Money at least: 39000000, 3900万, 3900万元, 2.22亿.",
        metavar="AMOUNT",
    ),
    Opt("max_amount", ("--max",), "Money at most (same forms).", metavar="AMOUNT"),
    Opt("money", ("--money",), "Money records only.", kind="flag"),
    Opt("search", ("--search", "-s"), "Text in the item or a quote (原文).", metavar="TEXT"),
)

FILTER_NAMES = tuple(opt.name for opt in FILTERS)
MULTI_FILTERS = tuple(opt.name for opt in FILTERS if opt.kind == "multi")

SELECTION = (
    Opt("sort", ("--sort",), "Sort by a field (see --columns).", metavar="FIELD"),
    Opt("desc", ("--desc",), "Sort in descending order.", kind="flag"),
    Opt("limit", ("--limit", "-n"), "Show at most N records.", metavar="N"),
    Opt(
        "columns",
        ("--columns",),
        "Fields to show, comma-separated, e.g. id,item,amount_yuan. Default: all contract "
        "fields in CSV/JSON, a readable set in tables.",
        metavar="A,B,C",
    ),
)

CHART = Opt("chart", ("--chart",), "Also draw the amounts as horizontal bars.", kind="flag")


def _spec(name: str, help: str, examples: tuple[str, ...], *options: Opt, args=()) -> CommandSpec:
    return CommandSpec(name, help, examples, (*options, *OUTPUT, DB), tuple(args))


COMMANDS: tuple[CommandSpec, ...] = (
    _spec(
        "pairs",
        "One row per pairing: kind, provider → receiver, since, records, 财政援助 total.",
        ("xiezuo pairs", "xiezuo pairs --kind 东西部协作 --json", "xiezuo pairs --year 2021"),
        *FILTERS,
    ),
    _spec(
        "list",
        "Records, narrowed by the shared filters, sorted and cut as you ask.",
        (
            "xiezuo list --pair 苍溪 --category 财政援助",
            "xiezuo list --money --min 1000万 --sort amount_yuan --desc --limit 5",
            "xiezuo list --search 校服 --columns id,item,value,unit --csv",
        ),
        *FILTERS,
        *SELECTION,
    ),
    _spec(
        "filter",
        "Records matching every 'field OP value' expression (OP: = != > >= < <= ~).",
        (
            "xiezuo filter 'amount_yuan>=1000万' 'category=财政援助'",
            "xiezuo filter 'quote~校服' 'year=2021' --json",
            "xiezuo filter 'as_of<2022-01' 'unit=人'",
        ),
        *FILTERS,
        *SELECTION,
        args=(Arg("expressions", "Expressions such as amount_yuan>=3900万.", "EXPR...", True),),
    ),
    _spec(
        "funds",
        "Money totals by pairing and category, counting nothing twice.",
        (
            "xiezuo funds --pair 苍溪",
            "xiezuo funds --by year --by category --json",
            "xiezuo funds --pair 萧山 --explain",
            "xiezuo funds --in 四川 --roll-up province",
            "xiezuo funds --pair 康定 --category 产业合作 --stage pledged --as-of 2022-06-30",
        ),
        *FILTERS,
        Opt(
            "by",
            ("--by",),
            "Group by, repeatable: pairing, year, category, measure, kind, level, stage, actor, "
            "provider, receiver. Default: pairing and category. Category, measure, level and "
            "stage are always kept apart; year puts a multi-year figure on a row of its own.",
            kind="multi",
            metavar="FIELD",
        ),
        Opt(
            "roll_up",
            ("--roll-up",),
            "Sum county (and city) figures up to their city or province, beside the figures "
            "reported at that level (never added to them): city or province.",
            metavar="LEVEL",
        ),
        Opt(
            "explain", ("--explain",), "List the records summed and skipped, with why.", kind="flag"
        ),
        CHART,
    ),
    _spec(
        "report",
        "One table per pairing (or per year): its records, subtotals per category, sources.",
        ("xiezuo report --pair 旺苍", "xiezuo report --per year --chart"),
        *FILTERS,
        Opt("per", ("--per",), "pairing (default) or year.", metavar="pairing|year"),
        CHART,
    ),
    _spec(
        "show",
        "One pairing's dossier: funds by category, people and counts, other figures, sources.",
        ("xiezuo show 苍溪", "xiezuo show kangding --json", "xiezuo show 旺苍 --category 财政援助"),
        *FILTERS[1:],  # every shared filter but --pair: PAIR names the pairing
        args=(Arg("name", "The pairing: 苍溪, 康定, 余杭-苍溪, yuhang-cangxi …", "PAIR"),),
    ),
    _spec(
        "cite",
        "One record with its quote (原文) and its source: title, publisher, date, URL.",
        ("xiezuo cite cangxi-special-fund", "xiezuo cite wangcang-donations --json"),
        args=(Arg("record", "The record id, as `list` shows it.", "ID"),),
    ),
)

EXPORT_FORMATS = ("json", "jsonl", "csv", "tsv")

COMMANDS += (
    CommandSpec(
        "validate",
        "Check the database file and print a short summary. Checks the schema version, every "
        "field's type, the categories, references to pairings and sources, and that part_of "
        "points at a record of the same pairing that is no smaller, with no cycles; exit 3 "
        "with the first problem found.",
        ("xiezuo validate", "xiezuo validate --db my-copy.json"),
        (DB,),
    ),
    CommandSpec(
        "export",
        "Print every record with the contract fields, in id order: id, pairing, kind, "
        "provider, receiver, category, item, metric, value, unit, amount_yuan, approx, year, "
        "as_of, cumulative, stage, part_of, source, quote, note.",
        (
            "xiezuo export > records.json",
            "xiezuo export --format csv > records.csv",
            "xiezuo export | jq '[.[] | select(.category==\"财政援助\")] | length'",
        ),
        (
            Opt(
                "format",
                ("--format", "-f"),
                "json (one array, the default), jsonl, csv or tsv.",
                metavar="FORMAT",
            ),
            DB,
        ),
    ),
)

COMMANDS_BY_NAME = {spec.name: spec for spec in COMMANDS}


class OutputOptions(NamedTuple):
    format: str
    headers: bool
    excel: bool
    unit: str
    color: bool

    @property
    def is_table(self) -> bool:
        return self.format == "table"

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> OutputOptions:
        chosen = [
            str(value)
            for value in (
                raw.get("format"),
                "csv" if raw.get("csv") else None,
                "json" if raw.get("json") else None,
            )
            if value is not None
        ]
        if len(set(chosen)) > 1:
            raise UsageProblem(
                "choose one output format: --format, --csv and --json disagree "
                f"({', '.join(chosen)})"
            )
        fmt = check_choice(
            str(chosen[0]).strip().lower() if chosen else _default_format(), FORMATS, "--format"
        )
        unit = check_choice(str(raw.get("unit") or "万元").strip(), TABLE_UNITS, "--unit")
        color = not (
            raw.get("no_color") or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb"
        )
        return cls(
            format=fmt,
            headers=not raw.get("no_headers"),
            excel=bool(raw.get("excel")),
            unit=unit,
            color=color,
        )


def check_choice(value: str, allowed: Sequence[str], option: str) -> str:
    if value not in allowed:
        raise UsageProblem(f"invalid {option} {value!r}: choose one of {', '.join(allowed)}")
    return value


def _default_format() -> str:
    return "table" if sys.stdout.isatty() else "csv"


def parse_limit(text: object) -> int | None:
    if text is None or text == "":
        return None
    try:
        value = int(str(text).strip())
    except ValueError:
        raise UsageProblem(f"invalid --limit {text!r}: use a whole number") from None
    if value < 0:
        raise UsageProblem(f"invalid --limit {text!r}: use 0 or more")
    return value
