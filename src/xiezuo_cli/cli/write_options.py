"""The write commands' options and arguments, declared as data like the query commands'.

options.py adds these to its COMMANDS (``COMMANDS += write_options.commands()``), so Typer
(app.py) and the pre-parser (argv.py) build them as they build every other command;
write_commands.py parses the values and runs them. Two of them are two words, ``pairs add`` and
``sources add``: ``join_words`` makes the command line's first two words one name before either
parser looks it up.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from xiezuo_cli.cli.spec import Arg, CommandSpec, Opt

NAMES = frozenset(("init", "pairs add", "sources add", "add", "edit", "remove"))
# Commands of two words: the first word, and the second words it takes.
TWO_WORDS = {"pairs": ("add",), "sources": ("add",)}
CLEAR_FIELDS = (
    *("part_of", "revises", "note", "period", "as_of", "approx", "figure", "derivation"),
)


def join_words(argv: Sequence[str]) -> list[str]:
    """``pairs add --kind …`` → ``pairs add`` (one command name), ``--kind …``."""
    words = list(argv)
    if len(words) >= 2 and words[1] in TWO_WORDS.get(words[0], ()):
        return [f"{words[0]} {words[1]}", *words[2:]]
    return words


@functools.cache
def commands() -> tuple[CommandSpec, ...]:
    """The write commands' declarations."""
    from xiezuo_cli.model.vocab import ACTORS, APPROX, CATEGORIES, KINDS, SCOPES, STAGES

    DB = Opt(
        "db",
        ("--db",),
        "Database file to change (make one with `xiezuo init PATH`). Default: $XIEZUO_DB. The data "
        "bundled with xiezuo is never changed; the file is never created here.",
        metavar="PATH",
    )
    TIMEOUT = Opt(
        "timeout",
        ("--timeout",),
        "Seconds to wait while another command writes the database (default 10); then exit 1.",
        metavar="SECONDS",
    )
    WRITE = (DB, TIMEOUT)

    PAIR = Opt(
        "pair",
        ("--pair", "-p"),
        "The pairing: its id or any name form (苍溪, 余杭-苍溪, yuhang-cangxi); one that fits "
        "several pairings (萧山) is an error.",
        metavar="NAME",
        complete="pairing",
    )
    CATEGORY = Opt(
        "category",
        ("--category", "-c"),
        "Category: " + ", ".join(CATEGORIES) + ".",
        metavar="CATEGORY",
        complete=CATEGORIES,
    )
    MEASURE = Opt(
        "measure",
        ("--measure",),
        "What is counted: 协作资金, 财政捐赠, 各类帮扶资金, 捐款捐物, 采购额, 帮助销售额, 投资额, "
        "到位资金; 人数, 企业数, 项目数 … (see README, Vocabularies).",
        metavar="MEASURE",
    )
    ITEM = Opt("item", ("--item",), "What the figure is about, in Chinese.", metavar="TEXT")
    AMOUNT = Opt(
        "amount",
        ("--amount",),
        "Money as the article gives it: 3900万, 3900万元, 2.22亿, 100余万元, 39000000 (yuan). The "
        "figure is stored as typed; 余/超/多 make it at_least, 约/近 about.",
        metavar="AMOUNT",
    )
    VALUE = Opt(
        "value",
        ("--value",),
        "A count or measure's number (with --unit): 1200, 79.5.",
        metavar="NUMBER",
    )
    UNIT = Opt(
        "unit",
        ("--unit",),
        "Its unit: 人, 个, 家, 亩, %, 元/人·年 … (万元 or 亿元 make it money).",
        metavar="UNIT",
    )
    FIGURE = Opt(
        "figure",
        ("--figure",),
        "The figure exactly as the article writes it (3900万元, 万余名), when it differs from "
        "--amount or --value/--unit as typed; it must give the same number.",
        metavar="TEXT",
    )
    APPROX_OPT = Opt(
        "approx",
        ("--approx",),
        "Override what the wording gives: " + ", ".join(APPROX) + ".",
        metavar="APPROX",
        complete=APPROX,
    )
    STAGE = Opt(
        "stage",
        ("--stage",),
        "Stage: " + ", ".join(STAGES) + " (default actual).",
        metavar="STAGE",
        complete=STAGES,
    )
    ACTOR = Opt(
        "actor",
        ("--actor",),
        "Who gives: " + ", ".join(ACTORS) + " (default unknown).",
        metavar="ACTOR",
        complete=ACTORS,
    )
    SCOPE = Opt(
        "scope",
        ("--scope",),
        "item (one flow or count, the default) or running_total (累计, 自结对以来).",
        metavar="SCOPE",
        complete=SCOPES,
    )
    PERIOD = Opt(
        "period",
        ("--period",),
        "The period the figure covers: 2021-05..2021-11, 2021 (that year), 2021-05.. or ..2021-11 "
        "(one end open). Dates: 2021, 2021-05 or 2021-05-17.",
        metavar="START..END",
    )
    AS_OF = Opt(
        "as_of",
        ("--as-of",),
        "The 截至 date the article gives (default: the source's publication date).",
        metavar="DATE",
    )
    PART_OF = Opt(
        "part_of",
        ("--part-of",),
        "The id of the figure that already contains this one (same pairing or one above it, same "
        "unit, not smaller).",
        metavar="ID",
        complete="record",
    )
    REVISES = Opt(
        "revises",
        ("--revises",),
        "The id of the earlier figure this one gives a new value for (same pairing, category, "
        "measure and unit).",
        metavar="ID",
        complete="record",
    )
    SOURCE = Opt(
        "source",
        ("--source",),
        "The source's id (xiezuo sources add).",
        metavar="SOURCE",
    )
    QUOTE = Opt(
        "quote",
        ("--quote",),
        "The sentence the figure comes from, verbatim from the source's held text, holding the "
        "figure's number. Only for a source whose text is held; left out, the one sentence of the "
        "text that holds the figure is taken.",
        metavar="TEXT",
    )
    CITATION_NOTE = Opt(
        "citation_note",
        ("--citation-note",),
        "A note on this citation, in Chinese.",
        metavar="TEXT",
    )
    NOTE = Opt("note", ("--note",), "Why a decision was made, in Chinese.", metavar="TEXT")
    DERIVATION = Opt(
        "derivation",
        ("--derivation",),
        "For a figure worked out from the article's numbers rather than given by it: how, in "
        "Chinese (3978万元 ÷ 79.5% ≈ 5003.8万元). Marks it derived (推算); its quote, given, need "
        "not hold the figure.",
        metavar="TEXT",
    )
    RECORD_ID = Opt(
        "id",
        ("--id",),
        "The new record's id, an ASCII slug (cangxi-special-fund). Default: r-<n>, one more "
        "than the largest r-<n> there.",
        metavar="ID",
    )

    RECORD_OPTIONS = (
        PAIR,
        CATEGORY,
        MEASURE,
        ITEM,
        AMOUNT,
        VALUE,
        UNIT,
        FIGURE,
        APPROX_OPT,
        STAGE,
        ACTOR,
        SCOPE,
        PERIOD,
        AS_OF,
        PART_OF,
        REVISES,
        DERIVATION,
    )

    specs = (
        CommandSpec(
            "init",
            "Make a new, empty database at PATH (the current schema, the bundled place table with "
            "its official codes, no pairings, sources or records); never overwrites.",
            ("xiezuo init my.json", "export XIEZUO_DB=$PWD/my.json"),
            (TIMEOUT,),
            (Arg("path", "The new database file.", "PATH"),),
        ),
        CommandSpec(
            "pairs add",
            "Add a pairing of two places of the database's place table; prints its id.",
            (
                "xiezuo pairs add --kind 东西部协作 --provider 余杭 --receiver 苍溪 "
                "--since 2021-05 --db my.json",
                "xiezuo pairs add --kind 对口支援 --provider 330000 --receiver 513300 "
                "--id zj-ganzi --db my.json",
            ),
            (
                Opt(
                    "kind",
                    ("--kind",),
                    "Programme: " + ", ".join(KINDS) + ".",
                    "text",
                    "KIND",
                    KINDS,
                ),
                Opt(
                    "provider",
                    ("--provider",),
                    "The giving place: any name form or its code (余杭, 杭州市余杭区, 330110).",
                    metavar="PLACE",
                    complete="place",
                ),
                Opt(
                    "receiver",
                    ("--receiver",),
                    "The receiving place (same forms); the pairing's level is its level.",
                    metavar="PLACE",
                    complete="place",
                ),
                Opt(
                    "id",
                    ("--id",),
                    "The pairing's id, an ASCII slug. Default: provider-receiver in pinyin "
                    "(yuhang-cangxi).",
                    metavar="ID",
                ),
                Opt(
                    "since",
                    ("--since",),
                    "When the pairing began: 2021 or 2021-05.",
                    metavar="YYYY[-MM]",
                ),
                Opt("source", ("--source",), "The source that says so (its id).", metavar="SOURCE"),
                NOTE,
                *WRITE,
            ),
        ),
        CommandSpec(
            "sources add",
            "Add a source (an article); with --text, hold its text beside the database "
            "(sources/<id>.txt) so quotes can be checked. Prints its id.",
            (
                "xiezuo sources add --id cangxi-2021-11-17 --title 余杭·苍溪 --publisher "
                "广元市农业农村局 --published 2021-11-17 --text article.txt --db my.json",
            ),
            (
                Opt("id", ("--id",), "The source's id, an ASCII slug.", metavar="ID"),
                Opt("title", ("--title",), "The article's title.", metavar="TEXT"),
                Opt("publisher", ("--publisher",), "Who published it.", metavar="TEXT"),
                Opt("author", ("--author",), "Who wrote it.", metavar="TEXT"),
                Opt(
                    "published",
                    ("--published",),
                    "When: 2021, 2021-11 or 2021-11-17.",
                    metavar="DATE",
                ),
                Opt(
                    "published_inferred",
                    ("--published-inferred",),
                    "The date is read from a URL or context, not printed on the article.",
                    kind="flag",
                ),
                Opt("url", ("--url",), "Where it is (or was).", metavar="URL"),
                Opt(
                    "reprint_of",
                    ("--reprint-of",),
                    "The original publisher, when this is a reprint.",
                    metavar="PUBLISHER",
                ),
                Opt(
                    "excerpt_only",
                    ("--excerpt-only",),
                    "Only part of the article was seen.",
                    kind="flag",
                ),
                Opt(
                    "text",
                    ("--text",),
                    "A file with the article's text (UTF-8 or GB18030), copied to sources/<id>.txt "
                    "beside the database; converted to simplified Chinese if OpenCC is installed.",
                    metavar="FILE",
                ),
                NOTE,
                *WRITE,
            ),
        ),
        CommandSpec(
            "add",
            "Add a figure (a record) with its source, checked as every loaded file is; prints its "
            "id. With --cite ID: add a citation to an existing figure.",
            (
                "xiezuo add --pair 苍溪 --category 财政援助 --measure 协作资金 --item "
                "东西部协作专项资金 --amount 3900万元 --period 2021-05..2021-11 "
                "--source cangxi-2021-11-17 --db my.json",
                "xiezuo add --pair 苍溪 --category 人才交流 --measure 人数 --item 选派干部 "
                "--value 12 --unit 人 --source s1 --db my.json",
                "xiezuo add --cite r-1 --source another-article --db my.json",
            ),
            (
                *RECORD_OPTIONS,
                SOURCE,
                QUOTE,
                CITATION_NOTE,
                NOTE,
                RECORD_ID,
                Opt(
                    "cite",
                    ("--cite",),
                    "Add a citation (--source, --quote, --citation-note) to this existing record "
                    "instead of a new record.",
                    metavar="ID",
                    complete="record",
                ),
                *WRITE,
            ),
        ),
        CommandSpec(
            "edit",
            "Change a figure: what depends on a changed field is derived again (a new --amount "
            "gives a new figure, amount_yuan and approx; a new --period a new year), and the whole "
            "is checked again. Prints its id.",
            (
                "xiezuo edit r-1 --note 截至发稿 --db my.json",
                "xiezuo edit r-2 --amount 2360万元 --part-of r-1 --db my.json",
                "xiezuo edit r-2 --clear part_of --db my.json",
            ),
            (
                *RECORD_OPTIONS,
                NOTE,
                Opt(
                    "source",
                    ("--source",),
                    "With --quote: the citation whose quote changes (default: the first).",
                    metavar="SOURCE",
                ),
                Opt(
                    "quote",
                    ("--quote",),
                    "A new quote for a citation of a held text (verbatim, holding the number).",
                    metavar="TEXT",
                ),
                Opt(
                    "clear",
                    ("--clear",),
                    "Remove a field's value: " + ", ".join(CLEAR_FIELDS) + " (approx and figure go "
                    "back to what the number gives). Repeatable.",
                    kind="multi",
                    metavar="FIELD",
                    complete=CLEAR_FIELDS,
                ),
                *WRITE,
            ),
            (Arg("record", "The record's id.", "ID", complete="record"),),
        ),
        CommandSpec(
            "remove",
            "Remove a record, pairing or source; refused while anything refers to it (a part_of, a "
            "revision, a pairing's records, a source's citations).",
            (
                "xiezuo remove r-3 --db my.json",
                "xiezuo remove cangxi-2021 --table source --db my.json",
            ),
            (
                Opt(
                    "table",
                    ("--table",),
                    "What ID names, when it is not clear: record, pairing or source.",
                    metavar="TABLE",
                    complete=("record", "pairing", "source"),
                ),
                *WRITE,
            ),
            (Arg("id", "The id of what to remove.", "ID"),),
        ),
    )
    assert {spec.name for spec in specs} == NAMES
    return specs
