"""`xiezuo init PATH`: a new, empty database (the bundled place table, nothing else)."""

from typing import NamedTuple

from xiezuo_cli.cli.commands.writing import say
from xiezuo_cli.cli.groups import TIMEOUT
from xiezuo_cli.cli.spec import Arg, Command
from xiezuo_cli.errors import UsageProblem


class InitParams(NamedTuple):
    timeout: float
    path: str


def _path(text: str, _: str) -> str:
    if not text.strip():
        raise UsageProblem("init: PATH is empty: give the new database file")
    return text


def init(params: InitParams) -> None:
    from xiezuo_cli.authoring.documents import new_database_tables
    from xiezuo_cli.storage import store

    tables = new_database_tables()
    store.init_database(params.path, tables, timeout=params.timeout)
    say(
        f"created {params.path}: {len(tables['place'])} places (the bundled place table), "
        "no pairings, sources or records"
    )


COMMAND = Command(
    "init",
    "Make a new, empty database at PATH (the current schema, the bundled place table with "
    "its official codes, no pairings, sources or records); never overwrites.",
    ("xiezuo init my.json", "export XIEZUO_DB=$PWD/my.json"),
    (TIMEOUT, Arg("path", "The new database file.", "PATH", type=_path)),
    InitParams,
    init,
)
