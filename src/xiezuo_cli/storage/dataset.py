"""Find the database in use, load it once, and answer simple questions about it."""

import contextlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, overload

from xiezuo_cli.model.records import Pairing, Place, Record, Source

if TYPE_CHECKING:
    from xiezuo_cli.storage.index import Index

ENV_VAR = "XIEZUO_DB"
# os.path rather than pathlib: pathlib costs ~3 ms of start-up and this is the only use.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
PathLike = str | os.PathLike[str]


class ProgressBar(Protocol):
    """What a long job reports to: a label for the phase, and how far it is (total None: no
    end known yet)."""

    def update(self, label: str, done: int, total: int | None) -> None: ...


# How a caller shows the long jobs of a load, if it does: called when one starts, it gives a
# context manager holding the bar (or None: nothing is shown).
Progress = Callable[[], AbstractContextManager[ProgressBar | None]]


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
    records: Sequence[Record]  # in id order; read lazily from the index when there is one
    pinyin: dict[str, str]  # character -> pinyin, for sorting Chinese text (sorting.py)
    sql_index: "Index | None" = None  # the derived SQLite index answering for a large file

    def record(self, record_id: str) -> Record | None:
        if self.sql_index:
            return self.sql_index.record(record_id)
        return next((record for record in self.records if record.id == record_id), None)

    def records_of(self, pairing_id: str) -> list[Record]:
        return list(self.candidates(frozenset([pairing_id])))

    def candidates(self, pairing_ids: Collection[str] | None) -> Iterable[Record]:
        """The records of these pairings (None: every record), in id order, with their text."""
        if pairing_ids is None:
            return self.records
        if self.sql_index:
            return self.sql_index.records_of(pairing_ids)
        return [record for record in self.records if record.pairing in pairing_ids]

    def light(self, pairing_ids: Collection[str] | None) -> Sequence[Record]:
        """Like candidates, but item, citations, note and figure may be left empty: enough for
        totals and the filters that do not read text, in a fraction of the memory."""
        if self.sql_index:
            return self.sql_index.light(pairing_ids)
        return list(self.candidates(pairing_ids))

    def superseded(self, known_by: str | None = None) -> dict[str, str]:
        """For each figure that a later one revises (published by ``known_by``, when given):
        the id of that later one. Over every record, whatever a query selects."""
        if self.sql_index:
            return self.sql_index.superseded(known_by)
        return {
            record.revises: record.id
            for record in self.records
            if record.revises is not None and (known_by is None or record.known_by <= known_by)
        }

    def money_count(self) -> int:
        if self.sql_index:
            return self.sql_index.money
        return sum(1 for record in self.records if record.amount_yuan is not None)

    def record_ids(self) -> list[str]:
        if self.sql_index:
            return self.sql_index.ids()
        return [record.id for record in self.records]

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
        from xiezuo_cli.model.vocab import LEVELS

        place = self.places[place_id]
        while LEVELS.index(place.level) > LEVELS.index(level) and place.parent is not None:
            place = self.places[place.parent]
        return place


def load(path: PathLike, *, use_index: bool = True, progress: Progress | None = None) -> Dataset:
    """Read and validate the database at ``path``. Raises DataFileError.

    The bytes are read once, checked (rawfile.py). A database already validated in this exact
    content is answered from what that gave: a small one from its marshal snapshot (cache.py), a
    large one from its SQLite index (index.py), which then reads records only as a command asks
    for them. Anything else is parsed (store.py) and validated (validate.py), which are only
    imported when needed, and the snapshot or index written for next time. ``use_index=False``
    (``--no-index``, and XIEZUO_NO_INDEX=1) reads the file itself and writes nothing.
    ``progress``: how to show the long jobs (a full parse of a large file, writing its index);
    the command decides whether to draw one (present.progress.on_stderr) or not.
    """
    from xiezuo_cli.storage.heap import collector_paused

    with collector_paused():
        return _load(path, use_index, progress)


def _load(path: PathLike, use_index: bool, progress: Progress | None) -> Dataset:
    from xiezuo_cli.storage import cache, rawfile

    path = os.fspath(path)
    if not (use_index and cache.enabled()):
        return Dataset(path=path, **_parse(path, rawfile.read_checked(path)))
    from xiezuo_cli.storage import index

    if _size(path) < index.min_bytes():
        data = rawfile.read_checked(path)
        parts = cache.load(path, data)
        if parts is None:
            parts = _parse(path, data)
            cache.save(path, data, parts)
        return Dataset(path=path, **parts)
    # A large file is found in its index by its status, else by its bytes read a piece at a time,
    # and held whole only to build the index.
    opened = index.open_index(path)
    if opened is not None:
        return Dataset(path=path, records=IndexedRecords(opened), sql_index=opened, **opened.parts)
    # A miss: the whole file is parsed and validated anyway, so this command answers from memory
    # and the index is written for the next ones.
    before = _status(path)
    data = rawfile.read_checked(path)
    parts = _parse(path, data, progress)
    _write_index(path, data, parts, before, progress)
    return Dataset(path=path, **parts)


def _status(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0  # read_checked says what is wrong with it


def _parse(path: str, data: bytes, progress: Progress | None = None) -> dict[str, Any]:
    from xiezuo_cli.storage import store, validate

    with _progress(progress) as bar:
        if bar is not None:
            bar.update("读取并校验数据库（之后的查询由索引回答）", 0, None)
        places, pairings, sources, records, pinyin = validate.build(
            path, store.read_tables(path, data)
        )
    return {
        "places": places,
        "pairings": pairings,
        "sources": sources,
        "records": records,
        "pinyin": pinyin,
    }


def _write_index(
    path: str,
    data: bytes,
    parts: dict[str, Any],
    before: os.stat_result | None,
    progress: Progress | None,
) -> None:
    from xiezuo_cli.storage import index

    total = len(parts["records"])
    with _progress(progress) as bar:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if bar is not None:
                bar.update("写入索引", done, total)

        index.write(path, data, parts, advance, before)


def _progress(progress: Progress | None) -> AbstractContextManager[ProgressBar | None]:
    """The caller's progress display for a long job, or nothing."""
    if progress is None:
        return contextlib.nullcontext(None)
    return progress()


class IndexedRecords(Sequence[Record]):
    """Every record of an indexed database, read from the index as they are iterated: a pass
    over a million records holds one at a time. Indexing by position reads them all once."""

    def __init__(self, opened: "Index") -> None:
        self._index = opened
        self._all: tuple[Record, ...] | None = None

    def __len__(self) -> int:
        return self._index.count

    def __iter__(self) -> Iterator[Record]:
        if self._all is not None:
            return iter(self._all)
        return self._index.records()

    @overload
    def __getitem__(self, position: int) -> Record: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[Record]: ...
    def __getitem__(self, position: int | slice) -> Record | Sequence[Record]:
        if self._all is None:
            self._all = tuple(self._index.records())
        return self._all[position]
