"""Find the database in use, load it once, and answer simple questions about it."""

from __future__ import annotations

import os
from typing import NamedTuple

from xiezuo_cli import store, validate
from xiezuo_cli.model import Pairing, Record, Source

ENV_VAR = "XIEZUO_DB"
# os.path rather than pathlib: pathlib costs ~3 ms of start-up and this is the only use.
_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
PathLike = str | os.PathLike[str]


def bundled_path() -> str:
    """The database shipped with xiezuo.

    An installed wheel carries it inside the package (``xiezuo_cli/data``); a source checkout,
    including an editable install, keeps it in the repository's ``data/`` folder.
    """
    installed = os.path.join(_PACKAGE_DIR, "data", "xiezuo.json")
    if os.path.exists(installed):
        return installed
    checkout = os.path.dirname(os.path.dirname(_PACKAGE_DIR))
    return os.path.join(checkout, "data", "xiezuo.json")


def resolve_path(option: PathLike | None) -> str:
    """--db PATH, else $XIEZUO_DB, else the bundled file."""
    if option:
        return os.fspath(option)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    return bundled_path()


class Dataset(NamedTuple):
    path: str
    pairings: dict[str, Pairing]
    sources: dict[str, Source]
    records: tuple[Record, ...]  # in id order

    def record(self, record_id: str) -> Record | None:
        return next((record for record in self.records if record.id == record_id), None)

    def records_of(self, pairing_id: str) -> list[Record]:
        return [record for record in self.records if record.pairing == pairing_id]


def load(path: PathLike) -> Dataset:
    """Read and validate the database at ``path``. Raises DataFileError."""
    path = os.fspath(path)
    pairings, sources, records = validate.build(path, store.read_tables(path))
    return Dataset(path=path, pairings=pairings, sources=sources, records=records)
