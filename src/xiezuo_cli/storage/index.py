"""A derived SQLite index of a large database, so that a query reads only the records it needs.

The TinyDB JSON file stays the one source of truth. Parsing and validating it costs seconds at
100,000 records, so the first command after it changes writes what loading gave into an index,
and later commands answer from there: ``list --pair`` reads the rows of its pairings only,
``funds`` reads one small, text-free copy of each pairing's records (``light``), and nothing
holds the whole file in memory.

Where it lives and when it is trusted, as for the small-file cache (cache.py), whose key it
shares: in the user's cache folder ($XDG_CACHE_HOME/xiezuo/index), never beside the database
and never inside the package; keyed to the database's real path, size, modification time and
CRC-32 + Adler-32 of every byte, and to the code that validated it. A key that differs, a file
that is not an index of this format, or any SQLite error is a miss, and a miss is a full load
that writes a new index (atomically: a temporary file, then a rename). Every stored body carries
an Adler-32 that is checked when it is read, so a damaged page is noticed, not believed:
``IndexDamaged`` then makes the caller load the file itself and drop the index.

Databases under ``min_bytes()`` never get an index: for them a marshal snapshot (cache.py) is
faster, because importing sqlite3 alone costs more than reading the whole snapshot (the
crossover is measured by benchmarks/crossover.py; README "Performance").
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import time
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from xiezuo_cli.errors import IndexDamaged
from xiezuo_cli.model.records import Record
from xiezuo_cli.storage import cache, rawfile
from xiezuo_cli.storage.cache import freeze_record, thaw_record
from xiezuo_cli.storage.rawfile import Fingerprint

INDEX_FORMAT = 1
ENV_MIN_BYTES = "XIEZUO_INDEX_MIN_BYTES"
DEFAULT_MIN_BYTES = 2 * 1024 * 1024  # benchmarks/crossover.py: the index wins from ~1–2 MiB
# The text a funds total never reads; the light copy keeps the fields, empty, so it is still a
# Record (funds.py and Filters.accepts read it like any other).
_LIGHT_BLANKS = {"item": "", "citations": (), "note": None, "figure": ""}
_LIGHT_AT = tuple((Record._fields.index(name), value) for name, value in _LIGHT_BLANKS.items())
# The text fields that repeat from record to record (the id and its links do not).
_SHARED = (
    *("pairing", "kind", "level", "provider", "provider_code", "receiver", "receiver_code"),
    *("category", "measure", "unit", "approx", "period_start", "period_end", "as_of"),
    *("stage", "actor", "scope", "known_by"),
)
_SHARED_AT = tuple(Record._fields.index(name) for name in _SHARED)
# A file changed less than this before its index was made is found by its fingerprint only.
_RACY_NS = 3_000_000_000
# SQLite's bound parameters per statement (999 before 3.32); more ids go in several queries.
_CHUNK = 900

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    pairing TEXT NOT NULL,
    body BLOB NOT NULL,
    sum INTEGER NOT NULL
);
CREATE TABLE light (pairing TEXT PRIMARY KEY, body BLOB NOT NULL, sum INTEGER NOT NULL);
CREATE TABLE revisions (revises TEXT NOT NULL, id TEXT NOT NULL, known_by TEXT NOT NULL);
"""
# Made after the rows are in: one sort is faster than keeping the index in order row by row.
INDEXES = """
CREATE INDEX records_pairing ON records (pairing);
CREATE INDEX records_id ON records (id);
"""


def min_bytes() -> int:
    """The size from which a database is indexed; XIEZUO_INDEX_MIN_BYTES changes it."""
    text = os.environ.get(ENV_MIN_BYTES, "").strip()
    return int(text) if text.isdigit() and len(text) <= 20 else DEFAULT_MIN_BYTES


def folder() -> str | None:
    base = cache.folder()
    return None if base is None else os.path.join(os.path.dirname(base), "index")


def entry_path(path: str) -> str | None:
    place = folder()
    if place is None:
        return None
    encoded = os.path.realpath(path).encode("utf-8", "surrogateescape")
    return os.path.join(place, f"{zlib.crc32(encoded):08x}{zlib.adler32(encoded):08x}.sqlite")


def _key(path: str, fingerprint: Fingerprint) -> bytes:
    return marshal.dumps((INDEX_FORMAT, cache.key(path, fingerprint)))


def _checked(body: bytes, expected: int) -> Any:
    if zlib.adler32(body) != expected:
        raise IndexDamaged("a stored body fails its checksum")
    return marshal.loads(body)


class Index:
    """An open index that matched its database; read-only."""

    def __init__(self, connection: Any, parts: dict[str, Any], counts: tuple[int, int]) -> None:
        self._connection = connection
        self.parts = parts  # places, pairings, sources, pinyin
        self.count, self.money = counts

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> Iterator[tuple[Any, ...]]:
        import sqlite3

        try:
            yield from self._connection.execute(sql, parameters)
        except sqlite3.Error as error:
            raise IndexDamaged(str(error)) from None

    def records(self) -> Iterator[Record]:
        """Every record in id order, one at a time: memory stays flat however many there are.
        Damage found after the first record is ``partial``: the caller may have printed some."""
        given = False
        try:
            for body, total in self._rows("SELECT body, sum FROM records ORDER BY id"):
                yield thaw_record(_checked(body, total))
                given = True
        except IndexDamaged as damage:
            if not given:
                raise
            raise IndexDamaged(damage.problem, partial=True) from None

    def records_of(self, pairing_ids: Collection[str]) -> list[Record]:
        """The records of these pairings, in id order."""
        sql = "SELECT body, sum FROM records WHERE pairing IN "
        found = [
            thaw_record(_checked(body, total)) for body, total in self._rows_in(sql, pairing_ids)
        ]
        found.sort(key=lambda record: record.id)
        return found

    def _rows_in(self, sql: str, values: Collection[str]) -> Iterator[tuple[Any, ...]]:
        """``sql`` ending in ``IN `` completed with the values, a few hundred at a time (SQLite
        limits the parameters of one statement)."""
        ordered = sorted(values)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            yield from self._rows(f"{sql}({','.join('?' * len(chunk))})", chunk)

    def record(self, record_id: str) -> Record | None:
        for body, total in self._rows("SELECT body, sum FROM records WHERE id = ?", (record_id,)):
            return thaw_record(_checked(body, total))
        return None

    def ids(self) -> list[str]:
        return [row[0] for row in self._rows("SELECT id FROM records ORDER BY id")]

    def light(self, pairing_ids: Collection[str] | None) -> list[Record]:
        """The records of these pairings (None: all) without their text (item, citations, note,
        figure), in id order: what funds totals read, at a fraction of the memory."""
        sql = "SELECT body, sum FROM light"
        if pairing_ids is None:
            rows = self._rows(sql)
        else:
            rows = self._rows_in(sql + " WHERE pairing IN ", pairing_ids)
        make = Record._make
        records: list[Record] = []
        for body, total in rows:
            records.extend(map(make, _checked(body, total)))
        records.sort(key=lambda record: record.id)
        return records

    def superseded(self, known_by: str | None) -> dict[str, str]:
        """For each figure a later one revises (published by ``known_by``): that later one."""
        sql = "SELECT revises, id FROM revisions"
        if known_by is None:
            return dict(self._rows(sql + " ORDER BY rowid"))
        return dict(self._rows(sql + " WHERE known_by <= ? ORDER BY rowid", (known_by,)))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._connection.close()


def open_index(
    path: str, held: bytes | None = None, before: os.stat_result | None = None
) -> Index | None:
    """The index of the database at ``path`` as it is now, or None.

    Found first by the file's status (see ``_stat_key``); when that differs (the file was copied,
    touched or changed) by its fingerprint, every byte read a piece at a time. With ``held``, the
    bytes a writer read under its lock (``before``: the file's status taken before reading them),
    the index of those bytes: matched by that status, or by their fingerprint, without reading
    the file again.
    """
    entry = entry_path(path)
    if entry is None or not os.path.isfile(entry):
        return None
    import sqlite3

    connection = None
    try:
        # Read-only and immutable: a query never writes the index, never takes a lock on it,
        # and another process replacing it (a rename) does not disturb an open one.
        uri = "file:" + _uri_path(entry) + "?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        meta = dict(connection.execute("SELECT name, value FROM meta"))
        stat_key = meta.get("stat")
        if held is None:
            same = stat_key is not None and stat_key == _stat_key(path, os.stat(path))
            if not same and meta.get("key") != _key(path, rawfile.fingerprint_file(path)):
                connection.close()
                return None
        else:
            same = (
                before is not None
                and stat_key is not None
                and stat_key == _stat_key(path, before) == _stat_key(path, os.stat(path))
            )
            if not same and meta.get("key") != _key(path, rawfile.fingerprint(held)):
                connection.close()
                return None
        small = _checked(meta["parts"], marshal.loads(meta["parts_sum"]))
        counts = marshal.loads(meta["counts"])
        return Index(connection, cache.thaw_small(small), counts)
    except Exception:  # damaged, foreign, another format, an unreadable file: a miss
        if connection is not None:
            connection.close()
        return None


def _stat_key(path: str, status: os.stat_result) -> bytes | None:
    """The file's identity and times, which every change to it moves, as git's index uses them:
    any write sets the change time (st_ctime), which no program can set back. None for a file
    that is not regular."""
    if not stat.S_ISREG(status.st_mode):
        return None
    return marshal.dumps(
        (
            INDEX_FORMAT,
            cache.code_key(),
            os.path.realpath(path),
            status.st_dev,
            status.st_ino,
            status.st_size,
            status.st_mtime_ns,
            status.st_ctime_ns,
        )
    )


def _trusted_stat_key(path: str, before: os.stat_result | None) -> bytes | None:
    """The status key to store, taken before the bytes were read; None when it cannot be
    trusted: the file changed while it was read, or so recently that a change in the same tick
    of a coarse file-system clock would leave its times as they are (git's "racy" files)."""
    if before is None:
        return None
    try:
        now = os.stat(path)
    except OSError:
        return None
    key = _stat_key(path, before)
    if key is None or key != _stat_key(path, now):
        return None
    recent = time.time_ns() - _RACY_NS
    if before.st_mtime_ns >= recent or before.st_ctime_ns >= recent:
        return None
    return key


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def discard(path: str) -> None:
    entry = entry_path(path)
    if entry is not None:
        with contextlib.suppress(OSError):
            os.unlink(entry)


def write(
    path: str,
    data: bytes,
    parts: dict[str, Any],
    progress: Callable[[int], None] | None = None,
    before: os.stat_result | None = None,
) -> None:
    """Index what loading the database gave; any failure leaves no index (and no error).

    ``progress`` is told how many more records went in, for a progress bar; ``before`` is the
    file's status taken before ``data`` was read, which lets later commands find the index
    without reading the file (``_stat_key``).
    """
    entry = entry_path(path)
    if entry is None:
        return
    import sqlite3

    temporary = f"{entry}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        connection = sqlite3.connect(temporary)
        try:
            _fill(connection, path, data, parts, progress)
            stat_key = _trusted_stat_key(path, before)
            if stat_key is not None:
                connection.execute("INSERT INTO meta VALUES ('stat', ?)", (stat_key,))
                connection.commit()
        finally:
            connection.close()
        os.replace(temporary, entry)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _fill(
    connection: Any,
    path: str,
    data: bytes,
    parts: dict[str, Any],
    progress: Callable[[int], None] | None,
) -> None:
    # A throwaway file written once: no journal, no syncs (the rename makes it appear whole).
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(SCHEMA)
    records: Sequence[Record] = parts["records"]
    dumps, adler = marshal.dumps, zlib.adler32
    step = 5000
    for start in range(0, len(records), step):
        rows = []
        for seq, record in enumerate(records[start : start + step], start):
            body = dumps(freeze_record(record))
            rows.append((seq, record.id, record.pairing, body, adler(body)))
        connection.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows)
        if progress is not None:
            progress(len(rows))
    connection.executescript(INDEXES)
    by_pairing: dict[str, list[tuple[Any, ...]]] = {}
    pool: dict[str, str] = {}
    for record in records:
        by_pairing.setdefault(record.pairing, []).append(_light(record, pool))
    connection.executemany(
        "INSERT INTO light VALUES (?, ?, ?)",
        ((pairing, body, adler(body)) for pairing, body in _bodies(by_pairing)),
    )
    connection.executemany(
        "INSERT INTO revisions VALUES (?, ?, ?)",
        ((r.revises, r.id, r.known_by) for r in records if r.revises is not None),
    )
    small = dumps(cache.freeze_small(parts))
    money = sum(1 for record in records if record.amount_yuan is not None)
    meta = {
        "key": _key(path, rawfile.fingerprint(data)),
        "parts": small,
        "parts_sum": dumps(adler(small)),
        "counts": dumps((len(records), money)),
    }
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    connection.commit()


def _bodies(by_pairing: dict[str, list[tuple[Any, ...]]]) -> Iterator[tuple[str, bytes]]:
    for pairing, rows in by_pairing.items():
        yield pairing, marshal.dumps(rows)


def _light(record: Record, pool: dict[str, str]) -> tuple[Any, ...]:
    """The record without its text; equal strings made one object, which marshal then stores
    once per pairing and loads as one object (a fraction of the memory of a string per field)."""
    values = list(record)
    for at, blank in _LIGHT_AT:
        values[at] = blank
    for at in _SHARED_AT:
        value = values[at]
        if isinstance(value, str):
            values[at] = pool.setdefault(value, value)
    return tuple(values)


def open_for(path: str, data: bytes, before: os.stat_result | None) -> Index | None:
    """The index of the database at ``path`` whose bytes are ``data`` (read under the write lock,
    ``before`` the file's status taken before reading them), or None: the proof that this exact
    content was validated as a whole by this code. Keyed to ``data`` itself, fingerprinted once
    (reading the file again to fingerprint it too cost a second pass over its bytes)."""
    return open_index(path, data, before)


def update(
    path: str,
    old: Index,
    data: bytes,
    changed: Sequence[Record],
    gone: Collection[str],
    small: dict[str, Any] | None,
) -> None:
    """Make the index of the database just written as ``data`` from ``old``, the index of what
    it was: ``changed`` are its new or changed records (checked), ``gone`` the ids it no longer
    holds, ``small`` the places, pairings, sources and pinyin when they changed. Written as a
    copy that replaces the old one in one rename, as ``write`` writes a new one (an open reader
    keeps the old); any failure drops the index, and the next read makes a new one."""
    import shutil
    import sqlite3

    entry = entry_path(path)
    if entry is None:
        return
    temporary = f"{entry}.{os.getpid()}.tmp"
    try:
        shutil.copyfile(entry, temporary)
        connection = sqlite3.connect(temporary)
        try:
            _apply(connection, path, data, changed, gone, small)
        finally:
            connection.close()
        os.replace(temporary, entry)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        discard(path)
    finally:
        old.close()


def _apply(
    connection: Any,
    path: str,
    data: bytes,
    changed: Sequence[Record],
    gone: Collection[str],
    small: dict[str, Any] | None,
) -> None:
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    replaced = {record.id for record in changed} | set(gone)
    count, money = marshal.loads(
        connection.execute("SELECT value FROM meta WHERE name = 'counts'").fetchone()[0]
    )
    pairings: set[str] = {record.pairing for record in changed}
    ids = sorted(replaced)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for pairing, body, total in connection.execute(
            f"SELECT pairing, body, sum FROM records WHERE id IN ({marks})", chunk
        ):
            pairings.add(pairing)
            count -= 1
            money -= thaw_record(_checked(body, total)).amount_yuan is not None
        connection.execute(f"DELETE FROM records WHERE id IN ({marks})", chunk)
        connection.execute(f"DELETE FROM revisions WHERE id IN ({marks})", chunk)
    dumps, adler = marshal.dumps, zlib.adler32
    rows = []
    for record in changed:
        body = dumps(freeze_record(record))
        rows.append((record.id, record.pairing, body, adler(body)))
    connection.executemany("INSERT INTO records (id, pairing, body, sum) VALUES (?, ?, ?, ?)", rows)
    count += len(changed)
    money += sum(1 for record in changed if record.amount_yuan is not None)
    connection.executemany(
        "INSERT INTO revisions VALUES (?, ?, ?)",
        ((r.revises, r.id, r.known_by) for r in changed if r.revises is not None),
    )
    pool: dict[str, str] = {}
    for pairing in pairings:
        found = connection.execute("SELECT body, sum FROM light WHERE pairing = ?", (pairing,))
        light = [row for body, total in found for row in _checked(body, total)]
        id_at = Record._fields.index("id")
        light = [row for row in light if row[id_at] not in replaced]
        light += [_light(record, pool) for record in changed if record.pairing == pairing]
        if light:
            body = dumps(light)
            connection.execute(
                "INSERT OR REPLACE INTO light VALUES (?, ?, ?)", (pairing, body, adler(body))
            )
        else:
            connection.execute("DELETE FROM light WHERE pairing = ?", (pairing,))
    meta = {
        "key": _key(path, rawfile.fingerprint(data)),  # after the rename: its time is the key's
        "counts": dumps((count, money)),
    }
    if small is not None:
        frozen = dumps(cache.freeze_small(small))
        meta |= {"parts": frozen, "parts_sum": dumps(adler(frozen))}
    connection.execute("DELETE FROM meta WHERE name = 'stat'")  # just written: racy
    connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
    connection.commit()
