"""`xiezuo sources edit ID`: a source's title, URL, publisher, date, author and notes."""

from typing import NamedTuple

from xiezuo_cli.authoring import editing
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.sources_add import DESCRIBED, FOUND
from xiezuo_cli.cli.commands.writing import NOTE, changing, say, slug_named
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown

_TEXTS = ("title", "publisher", "author", "published", "url", "reprint_of", "note")
_YES_NO = ("true", "false")


class SourceEditParams(NamedTuple):
    id: str
    title: str | None
    publisher: str | None
    author: str | None
    published: str | None
    published_inferred: str | None
    url: str | None
    reprint_of: str | None
    excerpt_only: str | None
    note: str | None
    clear: tuple[str, ...]
    target: WriteTarget

    def changes(self) -> dict[str, object]:
        given: dict[str, object] = {
            name: getattr(self, name) for name in _TEXTS if getattr(self, name) is not None
        }
        for flag in ("published_inferred", "excerpt_only"):
            value = getattr(self, flag)
            if value is not None:
                given[flag] = value == "true"
        return given


def check(params: SourceEditParams) -> None:
    changes = params.changes()
    if not changes and not params.clear:
        raise UsageProblem("nothing to change: give a field's option or --clear")
    for field in params.clear:
        if field in changes:
            raise UsageProblem(f"--clear {field} and a new value for it: give one")


def sources_edit(params: SourceEditParams) -> None:
    with changing(params.target, "sources edit") as tables:
        found = [i for i, s in enumerate(tables["source"]) if s.get("id") == params.id]
        if not found:
            raise UsageProblem(f"no source {shown(params.id)}")
        index = found[0]
        tables["source"][index] = editing.edited_source(
            tables["source"][index], params.changes(), tables, params.clear
        )
    say(params.id)


def _yes_no(name: str, help: str) -> Opt:
    return Opt(
        name,
        ("--" + name.replace("_", "-"),),
        help + " true or false.",
        metavar="true|false",
        complete=_YES_NO,
        type=to.choice(_YES_NO, lower=True),
    )


COMMAND = Command(
    "sources edit",
    "Change a source's fields, each checked as sources add checks it (its id and held text "
    "stay). Prints its id.",
    (
        "xiezuo sources edit cangxi-2021-11-17 --title 余杭·苍溪 --url https://example.org/a "
        "--db my.json",
        "xiezuo sources edit art1 --published 2021-11-17 --published-inferred false --db my.json",
    ),
    (
        Arg("id", "The source's id.", "ID", type=slug_named("--id")),
        *DESCRIBED,
        _yes_no("published_inferred", "The date is read from a URL or context:"),
        *FOUND,
        _yes_no("excerpt_only", "Only part of the article was seen:"),
        NOTE,
        Opt(
            "clear",
            ("--clear",),
            "Remove a field's value: " + ", ".join(editing.SOURCE_CLEARS) + ". Repeatable.",
            kind="multi",
            metavar="FIELD",
            complete=editing.SOURCE_CLEARS,
            type=to.choice(editing.SOURCE_CLEARS),
        ),
        write_target("sources edit"),
    ),
    SourceEditParams,
    sources_edit,
    check,
)
