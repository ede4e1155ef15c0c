"""Every command's options and arguments, declared once as data.

Typer builds the documented interface (help, completion, error messages) from these
declarations in cli.py, and argv.py reads the same declarations to parse a well-formed command
line without importing Typer at all. Both hand the values, as typed, to params.py, which turns
them into one typed value per command (the one place option text becomes typed values), so a bad
value gives the same one-line error on either path.
"""

from __future__ import annotations

from xiezuo_cli.cli import import_command, write_options
from xiezuo_cli.cli.spec import DB, NO_INDEX, OUT, OUTPUT, Arg, CommandSpec, Opt
from xiezuo_cli.model.vocab import ACTORS, CATEGORIES, KINDS, LEVELS, STAGES
from xiezuo_cli.query.funds import GROUP_FIELDS, ROLL_UP_LEVELS

PAIR = Opt(
    "pair",
    ("--pair", "-p"),
    "Pairing by place name, any form: 苍溪, 苍溪县, 蒼溪, cangxi, 余杭-苍溪, yuhang-cangxi. "
    "Repeatable; a name that fits several pairings (萧山) selects them all.",
    kind="multi",
    metavar="NAME",
    complete="pairing",
)
KIND = Opt(
    "kind", ("--kind",), "Programme: " + ", ".join(KINDS) + ".", metavar="KIND", complete=KINDS
)
LEVEL_CHOICES = (*LEVELS, "省级", "市级", "县级")

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
        complete=LEVEL_CHOICES,
    ),
)

FILTERS = (
    PAIR,
    *PLACE_FILTERS,
    KIND,
    Opt(
        "category",
        ("--category", "-c"),
        "Category, repeatable or comma-separated: " + ", ".join(CATEGORIES) + ".",
        kind="multi",
        metavar="CATEGORY",
        complete=CATEGORIES,
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
    ),
    Opt(
        "actor",
        ("--actor",),
        "Who gives, repeatable: " + ", ".join(ACTORS) + " (政府, 企业, 社会, 混合, 不详).",
        kind="multi",
        metavar="ACTOR",
        complete=ACTORS,
    ),
    Opt(
        "year",
        ("--year", "-y"),
        "Figures in these years, their period lying within them: 2021, or 2021-2023. A "
        "multi-year figure (2021–2024) is in no single year; funds names those that reach "
        "beyond.",
        metavar="YEARS",
    ),
    Opt(
        "during",
        ("--during",),
        "Figures whose period overlaps these years: 2022, or 2021-2023. Totals add only those "
        "in the years and show the others apart (跨出), as rows of their own.",
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


def _sort(what: str, fields: str) -> tuple[Opt, ...]:
    return (
        Opt(
            "sort",
            ("--sort",),
            f"Sort {what} by these fields, in order (repeatable or comma-separated): {fields}. "
            "Chinese text sorts by pinyin.",
            kind="multi",
            metavar="FIELD",
            complete="field" if what == "records" else None,
        ),
        Opt("desc", ("--desc",), "Sort in descending order (needs --sort).", kind="flag"),
        Opt("limit", ("--limit", "-n"), f"Show at most N {what}.", metavar="N"),
    )


RECORD_SELECTION = (
    *_sort("records", "any field, see `xiezuo fields`"),
    Opt(
        "columns",
        ("--columns",),
        "Fields to show, comma-separated, e.g. id,item,amount_yuan. Default: all contract "
        "fields in CSV/JSON, a readable set in tables.",
        kind="multi",
        metavar="A,B,C",
        complete="field",
    ),
)

CHART = Opt("chart", ("--chart",), "Also draw the amounts as horizontal bars.", kind="flag")


def _spec(name: str, help: str, examples: tuple[str, ...], *options: Opt, args=()) -> CommandSpec:
    return CommandSpec(name, help, examples, (*options, *OUTPUT, DB, NO_INDEX), tuple(args))


COMMANDS: tuple[CommandSpec, ...] = (
    _spec(
        "pairs",
        "One row per pairing: kind, level, provider → receiver, since, records, 财政援助 total.",
        (
            "xiezuo pairs",
            "xiezuo pairs --kind 东西部协作 --json",
            "xiezuo pairs --sort fiscal_aid_yuan --desc --limit 3",
        ),
        *FILTERS,
        *_sort("pairings", "any pairs column, e.g. fiscal_aid_yuan, records, since, id"),
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
        *RECORD_SELECTION,
    ),
    _spec(
        "filter",
        "Records matching every condition: field OP value as three words, no quoting needed "
        "(amount_yuan ge 3900万), or one quoted word ('amount_yuan>=3900万'). OP: eq ne gt ge "
        "lt le has in, or = != > >= < <= ~. `xiezuo fields` lists the fields.",
        (
            "xiezuo filter amount_yuan ge 1000万 category eq 财政援助",
            "xiezuo filter category in 财政援助,社会帮扶 year eq 2021-2022 --json",
            "xiezuo filter provider eq 萧山 part_of eq null --columns id,item,amount_yuan",
            "xiezuo filter quote has 校服 as_of lt 2023",
            "xiezuo filter 'amount_yuan>=3900万' 'year=2021'",
        ),
        *FILTERS,
        *RECORD_SELECTION,
        args=(
            Arg(
                "expressions",
                "Conditions: amount_yuan ge 3900万 (three words) or one quoted word "
                "'amount_yuan>=3900万'. A value starting with - goes after --.",
                "CONDITION...",
                True,
            ),
        ),
    ),
    _spec(
        "funds",
        "Money totals by pairing and category, counting nothing twice.",
        (
            "xiezuo funds --pair 苍溪",
            "xiezuo funds --by year,category --json",
            "xiezuo funds --pair 萧山 --explain",
            "xiezuo funds --in 四川 --roll-up province",
            "xiezuo funds --pair 康定 --category 产业合作 --stage pledged --as-of 2022-06-30",
            "xiezuo funds --counts --unit-of 人",
        ),
        *FILTERS,
        Opt(
            "by",
            ("--by",),
            "Group by, repeatable or comma-separated: "
            + ", ".join(GROUP_FIELDS)
            + ". Default: pairing and category. Category, measure, level and stage are always "
            "kept apart; year puts a multi-year figure on a row of its own.",
            kind="multi",
            metavar="FIELD",
            complete=GROUP_FIELDS,
        ),
        Opt(
            "roll_up",
            ("--roll-up",),
            "Sum county (and city) figures up to their city or province, beside the figures "
            "reported at that level (never added to them): city or province.",
            metavar="LEVEL",
            complete=ROLL_UP_LEVELS,
        ),
        Opt(
            "counts",
            ("--counts",),
            "Total people and other counts instead of money, under the same rules: one unit "
            "per row (人 with 人, 个 with 个, never across units).",
            kind="flag",
        ),
        Opt(
            "unit_of",
            ("--unit-of",),
            "With --counts: only figures in these units (人, 个, 家 …), repeatable.",
            kind="multi",
            metavar="UNIT",
        ),
        Opt(
            "explain", ("--explain",), "List the records summed and skipped, with why.", kind="flag"
        ),
        Opt(
            "no_derived",
            ("--no-derived",),
            "Leave out the figures worked out from an article's numbers (推算, such as 旺苍's "
            "3978万 ÷ 79.5%), counted by default; their parts count in their place.",
            kind="flag",
        ),
        *_sort("rows", "amount_yuan, records or a grouping field"),
        CHART,
    ),
    _spec(
        "report",
        "One table per pairing (or per year): its records, subtotals per measure, sources.",
        ("xiezuo report --pair 旺苍", "xiezuo report --per year --chart"),
        *FILTERS,
        Opt(
            "per",
            ("--per",),
            "pairing (default) or year.",
            metavar="pairing|year",
            complete=("pairing", "year"),
        ),
        CHART,
    ),
    _spec(
        "show",
        "One pairing's dossier: funds by category, people and counts, other figures, sources.",
        ("xiezuo show 苍溪", "xiezuo show kangding --json", "xiezuo show 旺苍 --category 财政援助"),
        *FILTERS[1:],  # every shared filter but --pair: PAIR names the pairing
        args=(
            Arg(
                "name",
                "The pairing: 苍溪, 康定, 余杭-苍溪, yuhang-cangxi …",
                "PAIR",
                complete="pairing",
            ),
        ),
    ),
    _spec(
        "cite",
        "One record with every citation (原文 where held) and its sources: title, publisher, "
        "date, URL; and its revision history.",
        ("xiezuo cite cangxi-special-fund", "xiezuo cite kangding-tea-investment-2023 --json"),
        args=(Arg("record", "The record id, as `list` shows it.", "ID", complete="record"),),
    ),
    _spec(
        "export",
        "Every record with the contract fields, in id order (default JSON; also --format sqlite "
        "-o FILE, a SQLite database with a fund_totals view): the shared filters and output "
        "options apply.",
        (
            "xiezuo export > records.json",
            "xiezuo export --format csv --in 四川 -o sichuan.csv",
            "xiezuo export --format sqlite -o xiezuo.sqlite",
            "xiezuo export | jq '[.[] | select(.category==\"财政援助\")] | length'",
        ),
        *FILTERS,
    ),
    CommandSpec(
        "fields",
        "The fields filter, --sort and --columns take: type, an example value, meaning.",
        ("xiezuo fields", "xiezuo fields --json", "xiezuo fields --csv"),
        tuple(opt for opt in OUTPUT if opt.name not in ("unit",)),
    ),
    CommandSpec(
        "validate",
        "Check the database file and print a short summary: strict JSON, the schema version, "
        "every field's type and bounds, references, and the model's rules (part_of, revises, "
        "running totals); exit 3 with the first problem found.",
        ("xiezuo validate", "xiezuo validate --db my-copy.json"),
        (OUT, DB, NO_INDEX),
    ),
)

COMMANDS += write_options.commands()
COMMANDS += (import_command.spec(),)
COMMANDS_BY_NAME = {spec.name: spec for spec in COMMANDS}
