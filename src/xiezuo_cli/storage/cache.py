"""A cache of databases already validated, so that a query does not parse and check the same
file again on every run.

The database file stays the one source of truth; this is a derived copy of what loading it gave,
kept in the user's cache folder ($XDG_CACHE_HOME/xiezuo, else ~/.cache/xiezuo), never beside
the database (the bundled one may be read-only) and never inside the package. An entry is keyed
to the database's real path and its content: its size, its modification time and a CRC-32 and
an Adler-32 of every byte (read anyway, through the same checked read as a full load; zlib's
checksums because importing hashlib alone would cost more than the cache saves), plus the cache
format and the code that validated it (xiezuo's version and the modification times of the
modules that decide what is valid). Anything else (a changed file, another xiezuo, a damaged
or foreign entry) is a miss, and a miss is a full load. Entries are written atomically (a
temporary file, then a rename) and a cache that cannot be written is simply not written: read
commands never fail because of it.
``XIEZUO_NO_INDEX=1`` or ``--no-index`` turns it off.

The format is ``marshal`` of plain tuples and dicts: it cannot run code when read, unlike pickle.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from typing import Any

from xiezuo_cli import __version__
from xiezuo_cli.model.records import Citation, Pairing, Place, Record, Source
from xiezuo_cli.storage import rawfile

CACHE_FORMAT = 1
ENV_OFF = "XIEZUO_NO_INDEX"
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The modules whose code decides what a loaded database is: a change to any invalidates entries.
_DECIDING = (
    "model/records.py",
    "model/vocab.py",
    "model/periods.py",
    "storage/validate.py",
    "storage/store.py",
    "storage/cache.py",
    "storage/index.py",
    "storage/dataset.py",
    "storage/rawfile.py",
    "storage/held.py",
)


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip().lower() not in ("1", "true", "yes")


def folder() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not home or home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "xiezuo", "datasets")


def _code_stamp() -> tuple[int, ...]:
    stamps = []
    for name in _DECIDING:
        try:
            stamps.append(os.stat(os.path.join(_PACKAGE_DIR, name)).st_mtime_ns)
        except OSError:
            stamps.append(0)
    return tuple(stamps)


def _entry_path(real: str) -> str | None:
    place = folder()
    if place is None:
        return None
    encoded = real.encode("utf-8", "surrogateescape")
    name = f"{zlib.crc32(encoded):08x}{zlib.adler32(encoded):08x}"
    return os.path.join(place, name + ".marshal")


def code_key() -> tuple[Any, ...]:
    """The cache format and the code that validated an entry: another one is a miss."""
    return (CACHE_FORMAT, __version__, _code_stamp())


def key(path: str, fingerprint: tuple[int, int, int]) -> tuple[Any, ...]:
    """What an entry must match: the file's real path, modification time and fingerprint (size,
    CRC-32, Adler-32: rawfile.fingerprint), the cache format and the code."""
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        modified = -1
    real = os.path.realpath(path)
    return (CACHE_FORMAT, __version__, _code_stamp(), real, modified, fingerprint)


def load(path: str, data: bytes) -> dict[str, Any] | None:
    """The cached parts of the database at ``path`` whose bytes are ``data``, or None."""
    entry = _entry_path(os.path.realpath(path))
    if entry is None:
        return None
    try:
        # Checked as every read is: a FIFO or device planted in the cache is a miss, not a hang.
        with os.fdopen(rawfile.open_regular(entry, "a cache entry"), "rb") as file:
            stored = marshal.loads(file.read())
        if not isinstance(stored, tuple) or len(stored) != 2:
            return None
        if stored[0] != key(path, rawfile.fingerprint(data)):
            return None
        return _thaw(stored[1])
    except Exception:  # missing, damaged, another format: a miss, never an error
        return None


def save(path: str, data: bytes, parts: dict[str, Any]) -> None:
    """Store what loading the database gave; any failure leaves the cache as it was."""
    entry = _entry_path(os.path.realpath(path))
    if entry is None:
        return
    temporary = f"{entry}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        payload = marshal.dumps((key(path, rawfile.fingerprint(data)), _freeze(parts)))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as file:
            file.write(payload)
        os.replace(temporary, entry)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _freeze(parts: dict[str, Any]) -> dict[str, Any]:
    return {**freeze_small(parts), "records": [freeze_record(r) for r in parts["records"]]}


def freeze_small(parts: dict[str, Any]) -> dict[str, Any]:
    """Places, pairings, sources and the pinyin table as plain tuples and lists."""
    return {
        "places": [(*p[:7], sorted(p.keys)) for p in parts["places"].values()],
        "pairings": [_frozen_pairing(p) for p in parts["pairings"].values()],
        "sources": [tuple(s) for s in parts["sources"].values()],
        "pinyin": parts["pinyin"],
    }


_CITATIONS = Record._fields.index("citations")


def freeze_record(record: Record) -> tuple[Any, ...]:
    citations = [tuple(c) for c in record.citations]
    return (*record[:_CITATIONS], citations, *record[_CITATIONS + 1 :])


def thaw_record(frozen: Any) -> Record:
    citations = tuple(Citation._make(c) for c in frozen[_CITATIONS])
    return Record._make((*frozen[:_CITATIONS], citations, *frozen[_CITATIONS + 1 :]))


def _frozen_pairing(p: Pairing) -> tuple[Any, ...]:
    ends = (p.provider.id, p.receiver.id)
    return (p.id, p.kind, *ends, p.since, p.source, p.note, sorted(p.pair_keys))


def thaw_small(frozen: dict[str, Any]) -> dict[str, Any]:
    places = {t[0]: Place._make((*t[:7], frozenset(t[7]))) for t in frozen["places"]}
    pairings = {
        t[0]: Pairing(t[0], t[1], places[t[2]], places[t[3]], t[4], t[5], t[6], frozenset(t[7]))
        for t in frozen["pairings"]
    }
    sources = {t[0]: Source._make(t) for t in frozen["sources"]}
    return {"places": places, "pairings": pairings, "sources": sources, "pinyin": frozen["pinyin"]}


def _thaw(frozen: dict[str, Any]) -> dict[str, Any]:
    return {**thaw_small(frozen), "records": tuple(map(thaw_record, frozen["records"]))}
