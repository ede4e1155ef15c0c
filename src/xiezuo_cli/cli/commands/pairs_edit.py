"""`xiezuo pairs edit PAIR`: a pairing's start, the sources that give it, its note."""

from typing import NamedTuple

from xiezuo_cli.authoring import editing
from xiezuo_cli.authoring.lookup import find_pairing
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.writing import NOTE, changing, say
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import UsageProblem


class PairEditParams(NamedTuple):
    pairing: str
    since: str | None
    source: str | None
    note: str | None
    clear: tuple[str, ...]
    target: WriteTarget


def check(params: PairEditParams) -> None:
    if params.since is None and params.source is None and params.note is None and not params.clear:
        raise UsageProblem("nothing to change: give --since, --source, --note or --clear")
    for field, given in (
        ("since", params.since),
        ("note", params.note),
        ("sources", params.source),
    ):
        if field in params.clear and given is not None:
            raise UsageProblem(f"--clear {field} and a new value for it: give one")


def pairs_edit(params: PairEditParams) -> None:
    with changing(params.target, "pairs edit") as tables:
        pairing = find_pairing(params.pairing, tables, "pair")  # one that fits several: refused
        index = tables["pairing"].index(pairing)
        tables["pairing"][index] = editing.edited_pairing(
            pairing,
            tables,
            since=params.since,
            source=params.source,
            note=params.note,
            clear=params.clear,
        )
    say(str(pairing["id"]))


COMMAND = Command(
    "pairs edit",
    "Change a pairing: its start (结对, --since), one more source that gives the start "
    "(--source: the first is the pairing's source, each further one is kept beside it), its "
    "note. Prints its id.",
    (
        "xiezuo pairs edit yuhang-cangxi --since 2021-05 --source cangxi-2021-11-17 --db my.json",
        "xiezuo pairs edit 苍溪 --source another-article --db my.json",
    ),
    (
        Arg(
            "pairing",
            "The pairing: its id or any name form (one that fits several is an error).",
            "PAIR",
            complete="pairing",
            type=to.nonempty,
        ),
        Opt(
            "since",
            ("--since",),
            "When the pairing began: 2021 or 2021-05 (not after the end of one of its figures).",
            metavar="YYYY[-MM]",
            type=to.month,
        ),
        Opt(
            "source",
            ("--source",),
            "A source that gives the start (its id); added to those already given.",
            metavar="SOURCE",
            type=to.slug,
        ),
        NOTE,
        Opt(
            "clear",
            ("--clear",),
            "Remove: " + ", ".join(editing.PAIRING_CLEARS) + " (sources: every source of the "
            "start). Repeatable.",
            kind="multi",
            metavar="FIELD",
            complete=editing.PAIRING_CLEARS,
            type=to.choice(editing.PAIRING_CLEARS),
        ),
        write_target("pairs edit"),
    ),
    PairEditParams,
    pairs_edit,
    check,
)
