"""`xiezuo init PATH`: a new, empty database (the bundled place table, nothing else)."""

from typing import NamedTuple

from xiezuo_cli.cli.commands.writing import say
from xiezuo_cli.cli.groups import TIMEOUT
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import UsageProblem

BUNDLED = "bundled"


class InitParams(NamedTuple):
    timeout: float
    copy_from: str | None  # bundled, or a database file
    path: str


def _path(text: str, _: str) -> str:
    if not text.strip():
        raise UsageProblem("init: PATH is empty: give the new database file")
    return text


def _from(text: str, option: str) -> str:
    if not text.strip():
        raise UsageProblem(f"{option}: empty: give bundled or a database file")
    return text


def init(params: InitParams) -> None:
    from xiezuo_cli.authoring.documents import new_database_tables
    from xiezuo_cli.storage import store

    if params.copy_from is not None:
        from xiezuo_cli.authoring import copying
        from xiezuo_cli.storage.dataset import bundled_path

        source = bundled_path() if params.copy_from == BUNDLED else params.copy_from
        copy = copying.read_copy(source, params.path)
        copying.write_copy(copy, params.path, timeout=params.timeout)
        counts = ", ".join(
            f"{len(copy.tables[name])} {label}"
            for name, label in (
                ("place", "places"),
                ("pairing", "pairings"),
                ("source", "sources"),
                ("record", "records"),
            )
        )
        say(f"created {params.path}: a copy of {params.copy_from} ({counts})")
        return

    tables = new_database_tables()
    store.init_database(params.path, tables, timeout=params.timeout)
    say(
        f"created {params.path}: {len(tables['place'])} places (the bundled place table), "
        "no pairings, sources or records"
    )


COMMAND = Command(
    "init",
    "Make a new, empty database at PATH (the current schema, the bundled place table with "
    "its official codes, no pairings, sources or records); with --from, a copy of another "
    "database holding everything it holds. Never overwrites.",
    (
        "xiezuo init my.json",
        "xiezuo init my.json --from bundled",
        "export XIEZUO_DB=$PWD/my.json",
    ),
    (
        TIMEOUT,
        Opt(
            "copy_from",
            ("--from",),
            "Copy a database instead: bundled (the data xiezuo ships) or a database file. "
            "Everything is copied: places, pairings, sources with their held texts (into "
            "sources/ beside PATH), records with every citation.",
            metavar="bundled|FILE",
            type=_from,
        ),
        Arg("path", "The new database file.", "PATH", type=_path),
    ),
    InitParams,
    init,
)
