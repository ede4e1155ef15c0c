"""`xiezuo extract ARTICLE`: draft one row per figure of an article, in the columns `import`
takes (extract.engine.SHEET_COLUMNS), for a person to check and import.

A read command: it reads the article (a file, ``-`` for stdin, or a FIFO, never more than
MAX_ARTICLE_BYTES + 1 bytes of it) and the database in use (its places and pairings, and the
source --source names) and writes nothing but its output. The engine is imported only when the
command runs: no query command loads it.
"""

from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.common import load
from xiezuo_cli.cli.groups import DATABASE, Database, output_group
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.present.options import OutputOptions

STDIN = "-"  # = storage.inputs.STDIN, kept light here


class ExtractParams(NamedTuple):
    article: str  # a path, or - for stdin
    pair: str | None
    source: str | None
    published: str | None
    output: OutputOptions
    database: Database

    @property
    def inputs(self) -> tuple[str, ...]:
        """What the command reads besides the database: -o may not name it."""
        return () if self.article == STDIN else (self.article,)


def extract_article(params: ExtractParams) -> None:
    from xiezuo_cli.cli.commands.writing import note
    from xiezuo_cli.extract import drafting
    from xiezuo_cli.extract.engine import SHEET_COLUMNS
    from xiezuo_cli.extract.text import MAX_ARTICLE_BYTES
    from xiezuo_cli.present.emit import emit
    from xiezuo_cli.storage.inputs import read_at_most, shown_name

    data = load(params.database)
    asked = drafting.request(
        data.pairings,
        data.sources,
        pair=params.pair,
        source=params.source,
        published=params.published,
    )
    name = shown_name(params.article)
    article = read_at_most(params.article, MAX_ARTICLE_BYTES, "an article", streams=True)
    drafted = drafting.draft(article, name, asked, data.places.values(), data.pairings.values())
    output = params.output
    if drafted.empty and not output.is_table:
        note(drafted.empty)  # the rows are none: the header (CSV) or [] (JSON) only

    def table() -> None:
        from xiezuo_cli.present.extract_view import drafts_table

        labels = {pairing.id: pairing.label for pairing in data.pairings.values()}
        drafts_table(drafted, output, name, labels)

    emit((draft.row() for draft in drafted.drafts), SHEET_COLUMNS, output, table)


COMMAND = Command(
    "extract",
    "Draft one row per figure of an article (money, counts, rates), in the columns `import` "
    "takes, for you to check: the sentence quoted, the amount in exact yuan, the bound (余 超 "
    "约 近), category, stage, period, 其中 parts, the pairing; what was guessed marked (？).",
    (
        "xiezuo extract article.txt",
        "xiezuo extract article.txt --source art1 --db my.json --csv > drafts.csv",
        "xiezuo import drafts.csv --dry-run --db my.json   # once drafts.csv is checked",
        "xiezuo extract article.txt --pair 苍溪 --published 2021-11-17 --json",
        "curl -s URL | xiezuo extract - --published 2022-02-10 --json",
    ),
    (
        Arg(
            "article",
            "The article's text: a file in UTF-8 or GB18030 (traditional characters are "
            "converted, pinyin glosses such as 報(bào) dropped), or - for stdin. At most 4 MiB.",
            "ARTICLE",
            type=to.nonempty,
        ),
        Opt(
            "pair",
            ("--pair", "-p"),
            "Every figure is this pairing's, by any name form (苍溪, 余杭-苍溪, yuhang-cangxi, "
            "510824); a name that fits several (萧山) is refused with the list. Default: each "
            "figure's pairing from the places its sentence or paragraph names.",
            metavar="NAME",
            complete="pairing",
            type=to.word,
        ),
        Opt(
            "source",
            ("--source",),
            "The source (文章) of the database the figures are cited from: its id goes in the "
            "source column and the drafts' ids, its publication date resolves 今年, 去年, 目前.",
            metavar="ID",
            type=to.word,
        ),
        Opt(
            "published",
            ("--published",),
            "The article's date (2022, 2022-02 or 2022-02-10), to resolve 今年, 去年, 目前, "
            "上半年; overrides the date of --source.",
            metavar="DATE",
            type=to.date,
        ),
        output_group(),
        DATABASE,
    ),
    ExtractParams,
    extract_article,
)
