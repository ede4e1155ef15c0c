"""Find the database in use, load it once, and answer simple questions about it."""

from __future__ import annotations

import os
from typing import NamedTuple

from xiezuo_cli.model import Pairing, Place, Record, Source

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


def is_bundled(path: PathLike) -> bool:
    """Whether ``path`` is data xiezuo ships, which no command may write: the installed bundled
    file, or the database a checkout's build makes from its YAML (data/xiezuo.json beside
    data/records.yaml), which the next build would overwrite."""
    real = os.path.realpath(os.fspath(path))
    if real == os.path.realpath(bundled_path()):
        return True
    folder, name = os.path.split(real)
    return name == "xiezuo.json" and os.path.exists(os.path.join(folder, "records.yaml"))


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
    places: dict[str, Place]
    pairings: dict[str, Pairing]
    sources: dict[str, Source]
    records: tuple[Record, ...]  # in id order
    pinyin: dict[str, str]  # character -> pinyin, for sorting Chinese text (sorting.py)

    def record(self, record_id: str) -> Record | None:
        return next((record for record in self.records if record.id == record_id), None)

    def records_of(self, pairing_id: str) -> list[Record]:
        return [record for record in self.records if record.pairing == pairing_id]

    def within(self, place_id: str, ancestor_id: str) -> bool:
        """Whether a place is ``ancestor_id`` or lies inside it (苍溪县 is within 广元市)."""
        current: str | None = place_id
        while current is not None:
            if current == ancestor_id:
                return True
            current = self.places[current].parent
        return False

    def ancestor_at(self, place_id: str, level: str) -> Place:
        """The place itself, or the one above it at ``level`` (苍溪县 at city level: 广元市).

        A place already above that level is its own answer: 浙江省 rolled up to city stays 浙江省.
        """
        from xiezuo_cli.model import LEVELS

        place = self.places[place_id]
        while LEVELS.index(place.level) > LEVELS.index(level) and place.parent is not None:
            place = self.places[place.parent]
        return place


def load(path: PathLike) -> Dataset:
    """Read and validate the database at ``path``. Raises DataFileError.

    The bytes are read once, checked (rawfile.py); a database already validated in this exact
    content comes from the cache (cache.py), anything else is parsed (store.py) and validated
    (validate.py), which are then only imported when needed.
    """
    import gc

    # Loading makes hundreds of thousands of objects and frees none: the cyclic garbage
    # collector would walk them again and again for nothing (half the parse, most of a cache
    # read at 100,000 records). It is switched back on as it was, whatever happens.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(path)
    finally:
        if collecting:
            gc.enable()


def _load(path: PathLike) -> Dataset:
    from xiezuo_cli import cache, rawfile

    path = os.fspath(path)
    data = rawfile.read_checked(path)
    use_cache = cache.enabled()
    if use_cache:
        parts = cache.load(path, data)
        if parts is not None:
            return Dataset(path=path, **parts)
    from xiezuo_cli import store, validate

    places, pairings, sources, records, pinyin = validate.build(path, store.read_tables(path, data))
    parts = {
        "places": places,
        "pairings": pairings,
        "sources": sources,
        "records": records,
        "pinyin": pinyin,
    }
    if use_cache:
        cache.save(path, data, parts)
    return Dataset(path=path, **parts)
