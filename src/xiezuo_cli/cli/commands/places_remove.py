"""`xiezuo places remove ID`: a place nobody uses (no pairing, no place under it, no group it
belongs to); refused naming who uses it."""

from typing import NamedTuple

from xiezuo_cli.cli.commands.writing import changing, say, slug_named
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Arg, Command
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown


class PlaceRemoveParams(NamedTuple):
    id: str
    target: WriteTarget


def places_remove(params: PlaceRemoveParams) -> None:
    from xiezuo_cli.authoring.places import users_of_place

    with changing(params.target, "places remove") as tables:
        if not any(p.get("id") == params.id for p in tables["place"]):
            raise UsageProblem(f"no place {shown(params.id)}")
        users = users_of_place(tables, params.id)
        if users:
            listed = ", ".join(users[:3]) + (
                f" and {len(users) - 3} more" if len(users) > 3 else ""
            )
            raise UsageProblem(f"cannot remove place {params.id}: used by {listed}")
        tables["place"] = [p for p in tables["place"] if p.get("id") != params.id]
    say(f"removed place {params.id}")


COMMAND = Command(
    "places remove",
    "Remove a place nobody uses: refused while a pairing, a place under it or a group names it.",
    ("xiezuo places remove 331004 --db my.json",),
    (
        Arg("id", "The place's id (its code, or its slug).", "ID", type=slug_named("--id")),
        write_target("places remove"),
    ),
    PlaceRemoveParams,
    places_remove,
)
