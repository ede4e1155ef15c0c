"""`xiezuo pairs add`: a pairing of two places, of the database's place table or the country's
(copied into the table, with the places above them, on write)."""

from typing import NamedTuple

from xiezuo_cli.authoring.documents import pairing_document
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.writing import NOTE, changing, say
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Command, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.vocab import KINDS


class PairAddParams(NamedTuple):
    kind: str | None
    provider: str | None
    receiver: str | None
    id: str | None
    since: str | None
    source: str | None
    note: str | None
    target: WriteTarget


def check(params: PairAddParams) -> None:
    for name in ("kind", "provider", "receiver"):
        if getattr(params, name) is None:
            raise UsageProblem(f"--{name} is required")


def pairs_add(params: PairAddParams) -> None:
    assert params.kind and params.provider and params.receiver  # check() made sure
    with changing(params.target, "pairs add") as tables:
        document, places = pairing_document(
            params.kind,
            params.provider,
            params.receiver,
            tables,
            id=params.id,
            since=params.since,
            source=params.source,
            note=params.note,
        )
        tables["place"].extend(places)  # from the country's list, ancestors first
        tables["pairing"].append(document)
    say(document["id"])


COMMAND = Command(
    "pairs add",
    "Add a pairing of two places, any of the country's (GB/T 2260, with 全国) or of the "
    "database's place table; prints its id.",
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
            metavar="KIND",
            complete=KINDS,
            type=to.field_choice(KINDS),
        ),
        Opt(
            "provider",
            ("--provider",),
            "The giving place: any name form or its code (余杭, 杭州市余杭区, 330110).",
            metavar="PLACE",
            complete="place",
            type=to.nonempty,
        ),
        Opt(
            "receiver",
            ("--receiver",),
            "The receiving place (same forms); the pairing's level is its level.",
            metavar="PLACE",
            complete="place",
            type=to.nonempty,
        ),
        Opt(
            "id",
            ("--id",),
            "The pairing's id, an ASCII slug. Default: provider-receiver in pinyin "
            "(yuhang-cangxi).",
            metavar="ID",
            type=to.slug,
        ),
        Opt(
            "since",
            ("--since",),
            "When the pairing began: 2021 or 2021-05.",
            metavar="YYYY[-MM]",
            type=to.month,
        ),
        Opt(
            "source",
            ("--source",),
            "The source that says so (its id).",
            metavar="SOURCE",
            type=to.slug,
        ),
        NOTE,
        write_target("pairs add"),
    ),
    PairAddParams,
    pairs_add,
    check,
)
