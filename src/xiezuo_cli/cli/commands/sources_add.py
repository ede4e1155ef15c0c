"""`xiezuo sources add`: a source (an article), its text held beside the database if given."""

import os
from contextlib import suppress
from typing import NamedTuple

from xiezuo_cli.authoring import documents, texts
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.writing import NOTE, changing, data_dir, note, say
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Command, Opt
from xiezuo_cli.errors import UsageProblem

_TEXTS = ("id", "title", "publisher", "author", "published", "url", "reprint_of", "note")


class SourceAddParams(NamedTuple):
    id: str | None
    title: str | None
    publisher: str | None
    author: str | None
    published: str | None
    published_inferred: bool
    url: str | None
    reprint_of: str | None
    excerpt_only: bool
    text: str | None  # the file whose text is held
    note: str | None
    target: WriteTarget

    def fields(self) -> dict[str, object]:
        """authoring.source_document's fields."""
        given = {name: getattr(self, name) for name in _TEXTS if getattr(self, name) is not None}
        return {
            **given,
            "published_inferred": self.published_inferred,
            "excerpt_only": self.excerpt_only,
            "text_held": self.text is not None,
        }


def check(params: SourceAddParams) -> None:
    for name in ("id", "publisher", "published"):
        if getattr(params, name) is None:
            raise UsageProblem(f"--{name} is required")


def sources_add(params: SourceAddParams) -> None:
    held = None
    if params.text is not None:
        # One reading rule for every article: extract's, so the quotes it drafts are in the
        # held text as they stand.
        from xiezuo_cli.extract.text import MAX_ARTICLE_BYTES, read_article
        from xiezuo_cli.storage.inputs import read_at_most

        data = read_at_most(params.text, MAX_ARTICLE_BYTES, "a text file")
        held = read_article(data, params.text)
    folder = data_dir(params.target.path)
    created: str | None = None
    try:
        with changing(params.target, "sources add") as tables:
            document = documents.source_document(params.fields(), tables)
            if held is not None:
                path, new = texts.write_source_text(folder, document["id"], held.text)
                created = path if new else None
            tables["source"].append(document)
    except BaseException:
        if created is not None:  # the database does not know it: take it back
            with suppress(OSError):
                os.unlink(created)
        raise
    if held is not None:
        text_file = document["text_file"]
        if held.converted:
            note(f"{text_file}: converted to simplified Chinese (OpenCC)")
        if held.glosses:
            note(f"{text_file}: {held.glosses} pinyin glosses dropped (報(bào)道 → 报道)")
    say(document["id"])


def _text(name: str, help: str, metavar: str = "TEXT") -> Opt:
    return Opt(name, ("--" + name.replace("_", "-"),), help, metavar=metavar, type=to.nonempty)


# A source's fields as sources add and sources edit both take them, declared once.
DESCRIBED = (
    _text("title", "The article's title."),
    _text("publisher", "Who published it."),
    _text("author", "Who wrote it."),
    Opt(
        "published",
        ("--published",),
        "When: 2021, 2021-11 or 2021-11-17.",
        metavar="DATE",
        type=to.date,
    ),
)
FOUND = (
    _text("url", "Where it is (or was).", "URL"),
    _text("reprint_of", "The original publisher, when this is a reprint.", "PUBLISHER"),
)


COMMAND = Command(
    "sources add",
    "Add a source (an article); with --text, hold its text beside the database "
    "(sources/<id>.txt) so quotes can be checked. Prints its id.",
    (
        "xiezuo sources add --id cangxi-2021-11-17 --title 余杭·苍溪 --publisher "
        "广元市农业农村局 --published 2021-11-17 --text article.txt --db my.json",
    ),
    (
        Opt("id", ("--id",), "The source's id, an ASCII slug.", metavar="ID", type=to.slug),
        *DESCRIBED,
        Opt(
            "published_inferred",
            ("--published-inferred",),
            "The date is read from a URL or context, not printed on the article.",
            kind="flag",
        ),
        *FOUND,
        Opt(
            "excerpt_only",
            ("--excerpt-only",),
            "Only part of the article was seen.",
            kind="flag",
        ),
        _text(
            "text",
            "A file with the article's text (UTF-8 or GB18030, at most 4 MiB), held as "
            "sources/<id>.txt beside the database, cleaned as `extract` reads an article "
            "(traditional characters converted by OpenCC's tables, pinyin glosses dropped, "
            "punctuation made Chinese), so the quotes `extract` drafts are found in it.",
            "FILE",
        ),
        NOTE,
        write_target("sources add"),
    ),
    SourceAddParams,
    sources_add,
    check,
)
