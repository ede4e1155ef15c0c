"""Find the database in use, load it once, and answer simple questions about it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from xiezuo_cli import store, validate
from xiezuo_cli.model import Pairing, Record, Source

ENV_VAR = "XIEZUO_DB"
_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_path() -> Path:
    """The database shipped with xiezuo.

    An installed wheel carries it inside the package (``xiezuo_cli/data``); a source checkout,
    including an editable install, keeps it in the repository's ``data/`` folder.
    """
    installed = _PACKAGE_DIR / "data" / "xiezuo.json"
    if installed.exists():
        return installed
    return _PACKAGE_DIR.parent.parent / "data" / "xiezuo.json"


def resolve_path(option: str | Path | None) -> Path:
    """--db PATH, else $XIEZUO_DB, else the bundled file."""
    if option:
        return Path(option)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env)
    return bundled_path()


class Dataset(NamedTuple):
    path: Path
    pairings: dict[str, Pairing]
    sources: dict[str, Source]
    records: tuple[Record, ...]  # in id order

    def record(self, record_id: str) -> Record | None:
        return next((record for record in self.records if record.id == record_id), None)

    def records_of(self, pairing_id: str) -> list[Record]:
        return [record for record in self.records if record.pairing == pairing_id]


def load(path: Path) -> Dataset:
    """Read and validate the database at ``path``. Raises DataFileError."""
    pairings, sources, records = validate.build(path, store.read_tables(path))
    return Dataset(path=path, pairings=pairings, sources=sources, records=records)
