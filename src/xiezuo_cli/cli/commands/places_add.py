"""`xiezuo places add NAME`: a place the official list lacks (a functional zone, a place renamed
since), under its parent; or, with --group, a party made of several places (its members where
known). Places of the official list need no adding: any write takes them by name or code."""

from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.writing import changing, say
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.vocab import LEVELS

PLACE_LEVELS = LEVELS[1:]  # 全国 is the one place at nation level


class PlaceAddParams(NamedTuple):
    name: str
    parent: str | None
    level: str | None
    code: str | None
    id: str | None
    short: str | None
    group: bool
    members: tuple[str, ...]
    target: WriteTarget


def check(params: PlaceAddParams) -> None:
    if params.members and not params.group:
        raise UsageProblem("--member is for a group: add --group")
    if params.group and params.code is not None:
        raise UsageProblem("--code: a group has no official code")
    if not params.group and params.parent is None and params.level is None:
        raise UsageProblem("--parent is required (or --level for a place with none above it)")


def places_add(params: PlaceAddParams) -> None:
    from xiezuo_cli.authoring import places

    with changing(params.target, "places add") as tables:
        found = []
        parent = None
        if params.parent is not None:
            above = places.find_place(params.parent, tables, "parent")
            found.append(above)
            parent = above.document
        members = []
        for member in params.members:
            one = places.find_place(member, tables, "member")
            found.append(one)
            members.append(one.document)
        with_found = {**tables, "place": [*tables["place"], *(p for f in found for p in f.new)]}
        if params.group:
            document = places.group_document(
                params.name,
                members,
                with_found,
                id=params.id,
                level=params.level,
                parent=parent,
            )
        else:
            document = places.place_document(
                params.name,
                with_found,
                parent=parent,
                level=params.level,
                code=params.code,
                id=params.id,
                short=params.short,
            )
        places.add_places(tables, found)
        tables["place"].append(document)
    say(document["id"])


COMMAND = Command(
    "places add",
    "Add a place the official list (GB/T 2260) lacks, under its parent: a functional zone, a "
    "place renamed since; or, with --group, a party made of several places (宁波市奉化区's "
    "对口地区). Prints its id.",
    (
        "xiezuo places add 南太湖新区 --short 南太湖 --parent 湖州 --level county --db my.json",
        "xiezuo places add 奉化对口地区 --group --member 延边州 --member 黔西南州 "
        "--id fenghua-partners --db my.json",
    ),
    (
        Arg("name", "The place's name (南太湖新区), or the group's.", "NAME", type=to.nonempty),
        Opt(
            "parent",
            ("--parent",),
            "The place above it: any name form or code (湖州, 330500). A group's default: the "
            "nearest place above all its members.",
            metavar="PLACE",
            complete="place",
            type=to.nonempty,
        ),
        Opt(
            "level",
            ("--level",),
            "Its level: "
            + ", ".join(PLACE_LEVELS)
            + " (省级, 市级, 县级). Default: the one below its parent's (a group: its members').",
            metavar="LEVEL",
            complete=PLACE_LEVELS,
            type=to.level,
        ),
        Opt(
            "code",
            ("--code",),
            "Its six-digit code, if it has one the list lacks (an older list's): then its id.",
            metavar="CODE",
            type=to.nonempty,
        ),
        Opt(
            "id",
            ("--id",),
            "Its id, an ASCII slug. Default: the code, else the parent's and its own pinyin "
            "(huzhou-nantaihu).",
            metavar="ID",
            type=to.slug,
        ),
        Opt(
            "short",
            ("--short",),
            "Its short name (南太湖). Default: the name.",
            metavar="NAME",
            type=to.nonempty,
        ),
        Opt("group", ("--group",), "A group: a party made of several places.", kind="flag"),
        Opt(
            "members",
            ("--member",),
            "A member of the group (any name form or code); repeatable.",
            kind="multi",
            metavar="PLACE",
            complete="place",
            type=to.nonempty,
        ),
        write_target("places add"),
    ),
    PlaceAddParams,
    places_add,
    check,
)
