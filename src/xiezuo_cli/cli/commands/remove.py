"""`xiezuo remove ID`: a record, pairing or source nothing refers to."""

from typing import Any, NamedTuple

from xiezuo_cli.authoring import documents
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.writing import changing, data_dir, say, slug_named
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown

TABLES = ("record", "pairing", "source")


class RemoveParams(NamedTuple):
    id: str
    table: str | None
    target: WriteTarget


def remove(params: RemoveParams) -> None:
    removed: dict[str, Any] | None = None
    with changing(params.target, "remove") as tables:
        tables_named = [params.table] if params.table else list(TABLES)
        found = [
            name for name in tables_named if any(d.get("id") == params.id for d in tables[name])
        ]
        if not found:
            what = params.table or "record, pairing or source"
            raise UsageProblem(f"no {what} {shown(params.id)}")
        if len(found) > 1:
            raise UsageProblem(f"{params.id} is a {' and a '.join(found)}: say which with --table")
        table = found[0]
        refs = documents.references(tables, table, params.id)
        if refs:
            listed = ", ".join(refs[:3]) + (f" and {len(refs) - 3} more" if len(refs) > 3 else "")
            verb = "refers" if len(refs) == 1 else "refer"
            raise UsageProblem(
                f"cannot remove {table} {params.id}: {listed} {verb} to it; change or remove "
                f"{'it' if len(refs) == 1 else 'them'} first"
            )
        removed = next(d for d in tables[table] if d.get("id") == params.id)
        tables[table] = [d for d in tables[table] if d is not removed]
    if table == "source" and removed.get("text_held") and removed.get("text_file"):
        from xiezuo_cli.storage import held

        # the held copy goes with its source
        held.remove(data_dir(params.target.path), str(removed["text_file"]))
    say(f"removed {table} {params.id}")


COMMAND = Command(
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
            complete=TABLES,
            type=lambda text, option: to.choice(TABLES)(to.nonempty(text, option), option),
        ),
        Arg("id", "The id of what to remove.", "ID", type=slug_named("--id")),
        write_target("remove"),
    ),
    RemoveParams,
    remove,
)
