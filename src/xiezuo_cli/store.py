"""The one module that talks to TinyDB.

The database is one TinyDB JSON file with the tables in ``TABLES``: ``meta`` (the schema version)
and the data tables. Writing, done only by the build script, goes to a temporary file that
replaces the old one in a single rename: a crash mid-write leaves the old database whole.

Reading trusts nothing: every query loads the whole file, so a file that loads must be one whose
every byte is accounted for. ``CheckedStorage``, a read-only TinyDB storage, reads the bytes
itself and raises DataFileError (one line: the file, and where it can the table, record and field)
for anything TinyDB's own JSONStorage would let through or choke on:

- a path that is not a regular file (directory, FIFO, device, socket): checked on an O_NONBLOCK
  descriptor, so a FIFO never blocks and ``/dev/zero`` is never read;
- more than ``max_bytes()`` bytes (``XIEZUO_MAX_DB_BYTES``, default 256 MiB), read with a bounded
  read so a file growing under us cannot make us read more;
- bytes that are not UTF-8 (one leading UTF-8 byte order mark is accepted and skipped);
- invalid JSON, NaN and ±Infinity, integers of more than ``MAX_INT_DIGITS`` digits, numbers that
  overflow a float, lone surrogates (``"\\ud800"``), a key twice in one object at any depth,
  nesting deeper than ``MAX_DEPTH``;
- no top-level object, a table missing or not an object, a document that is not an object, a
  document id that is not a number.

The clean path stays fast: the decoder's hooks only raise a private signal, and only then is the
file parsed a second time to find where the problem is.
"""

from __future__ import annotations

import json
import os
import stat
from itertools import chain, compress
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage, Storage

from xiezuo_cli.errors import DataFileError

TABLES = ("meta", "place", "pairing", "source", "record")

# Readable Chinese in the file (no \uXXXX escapes) and one line per field, for review in diffs.
_WRITE_OPTIONS = {"ensure_ascii": False, "indent": 1}

MAX_BYTES_ENV = "XIEZUO_MAX_DB_BYTES"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# Containers nested in one another, counting the top-level object. The format needs 5 or 6:
# top → table → document → list or object → object (→ list); 10 leaves room to grow.
MAX_DEPTH = 10
# Digits of an integer, sign not counted: 20 holds every 64-bit integer, signed or not. Longer
# ones are mistakes, and past 4300 digits Python refuses to convert them at all.
MAX_INT_DIGITS = 20
# How much of a hostile key, id or number an error message shows.
_SHOWN_CHARS = 60
_INFINITY = float("inf")
_is_container_type = frozenset((dict, list)).__contains__
_UTF8_BOM = b"\xef\xbb\xbf"
# Not every platform has these (Windows has neither): 0 leaves the flags as they are.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def max_bytes(path: str | os.PathLike[str] = "") -> int:
    """The size cap: $XIEZUO_MAX_DB_BYTES (a whole number of bytes) or 256 MiB.

    A bad value is reported as a DataFileError naming ``path``: the data cannot be read as asked.
    """
    value = os.environ.get(MAX_BYTES_ENV, "")
    if not value:
        return DEFAULT_MAX_BYTES
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_INT_DIGITS and int(text) > 0:
        return int(text)
    raise DataFileError(
        path, f"{MAX_BYTES_ENV}={_quoted(value)} is not a size: give a whole number of bytes"
    )


def read_tables(path: str | os.PathLike[str]) -> dict[str, list[dict[str, object]]]:
    """Every table as a list of documents in insertion order. Raises DataFileError."""
    db = TinyDB(path, storage=CheckedStorage)
    try:
        # One read of the whole file; Table.all() would parse it again for every table.
        raw = db.storage.read()
    finally:
        db.close()
    if raw is None:
        raise DataFileError(path, "the file is empty")
    tables: dict[str, list[dict[str, object]]] = {}
    for name in TABLES:
        if name not in raw:
            raise DataFileError(path, f"table {name!r} is missing")
        table = raw[name]
        if not isinstance(table, dict):
            raise DataFileError(path, f"table {name!r} is not a JSON object")
        for key in table:
            if not _is_doc_id(key):
                raise DataFileError(
                    path, f"table {name!r}: document id {_quoted(key)} is not a whole number"
                )
        documents = [table[key] for key in sorted(table, key=int)]
        if not all(isinstance(document, dict) for document in documents):
            raise DataFileError(path, f"table {name!r} holds something that is not a document")
        tables[name] = documents
    return tables


def read_json(path: str | os.PathLike[str]) -> dict[str, dict[str, object]] | None:
    """The whole file, parsed and checked as described above; None for an empty file."""
    storage = CheckedStorage(path)
    return storage.read()


class CheckedStorage(Storage):
    """A read-only TinyDB storage that checks the file as it reads it; ``write`` raises."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = os.fspath(path)

    def read(self) -> dict[str, dict[str, object]] | None:  # type: ignore[override]
        """The top-level object, or None for an empty file (TinyDB's word for a new database)."""
        data = _read_bounded(self.path, max_bytes(self.path))
        if data.startswith(_UTF8_BOM):  # TinyDB never writes one; an editor on Windows might
            data = data[len(_UTF8_BOM) :]
        if not data:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.reason == "unexpected end of data":
                # Cut short inside a character: the JSON is cut short too, and says where.
                _parse(self.path, data[: error.start].decode("utf-8"))
            line = data.count(b"\n", 0, error.start) + 1
            byte = data[error.start]
            raise DataFileError(
                self.path, f"not UTF-8 text (line {line}: byte 0x{byte:02x})"
            ) from None
        raw = _parse(self.path, text)
        if not isinstance(raw, dict):
            raise DataFileError(
                self.path, "not a TinyDB database (the top level is not a JSON object)"
            )
        return raw

    def write(self, data: dict[str, dict[str, object]]) -> None:
        raise OSError(f"{self.path}: opened read-only, cannot write (see write_tables)")


def _read_bounded(path: str, cap: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``cap`` of them, or DataFileError."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise DataFileError(path, "no such file") from None
    except IsADirectoryError:
        raise DataFileError(path, "is a directory, not a database file") from None
    except OSError as error:
        # A Unix socket cannot be opened at all (ENXIO): say what it is, not why open failed.
        try:
            kind = _kind(os.stat(path).st_mode)
        except (OSError, ValueError):
            kind = None
        if kind is not None:
            raise DataFileError(path, f"is {kind}, not a database file") from None
        raise DataFileError(path, f"cannot open: {error.strerror}") from None
    except ValueError:  # an embedded NUL byte
        raise DataFileError(path, "not a valid file name") from None
    try:
        status = os.fstat(fd)
        kind = _kind(status.st_mode)
        if kind is not None:
            raise DataFileError(path, f"is {kind}, not a database file")
        if status.st_size > cap:
            raise DataFileError(path, _too_big(cap, status.st_size))
        # Ask for one byte more than the size: a second read then sees the end of the file. Files
        # whose size lies (in /proc, or one growing under us) are read in pieces up to cap + 1.
        chunks = []
        total = 0
        while total <= cap:
            chunk = os.read(fd, min(cap + 1 - total, max(status.st_size + 1 - total, 1 << 16)))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise DataFileError(path, f"cannot read: {error.strerror}") from None
    finally:
        os.close(fd)
    if total > cap:
        raise DataFileError(path, _too_big(cap, None))
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _kind(mode: int) -> str | None:
    """What a path that is not a regular file is, for the error message; None for a file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(cap: int, size: int | None) -> str:
    actual = f"{size} bytes" if size is not None else "larger than that"
    return f"the file is {actual}, over the limit of {cap} bytes (set {MAX_BYTES_ENV} to change it)"


def _is_doc_id(key: str) -> bool:
    return key.isascii() and key.isdigit() and len(key) <= MAX_INT_DIGITS


# ─── parsing ──────────────────────────────────────────────────────────────────────────────


_DUPLICATE = "duplicate key"


class _Suspect(Exception):
    """Raised by the fast decoder's hooks: something is wrong, and _locate will find where."""


def _strict_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise _Suspect(_DUPLICATE)
    return document


def _strict_int(token: str) -> int:
    if len(token) > MAX_INT_DIGITS and len(token.lstrip("-")) > MAX_INT_DIGITS:
        raise _Suspect(_long_int(token))
    return int(token)


def _strict_float(token: str) -> float:
    value = float(token)
    if value == _INFINITY or value == -_INFINITY:
        raise _Suspect(_overflow(token))
    return value


def _strict_constant(token: str) -> object:
    raise _Suspect(_constant(token))


_DECODER = json.JSONDecoder(
    object_pairs_hook=_strict_object,
    parse_int=_strict_int,
    parse_float=_strict_float,
    parse_constant=_strict_constant,
)


def _long_int(token: str) -> str:
    digits = len(token.lstrip("-"))
    return f"an integer of {digits} digits (the limit is {MAX_INT_DIGITS})"


def _overflow(token: str) -> str:
    return f"the number {_shown(token)} is too large (it overflows to infinity)"


def _constant(token: str) -> str:
    return f"{token} is not a JSON number"


def _parse(path: str, text: str) -> object:
    try:
        raw = _DECODER.decode(text)
    except _Suspect as suspect:
        raise _locate(path, text, str(suspect)) from None
    except RecursionError:  # the C scanner's own guard, long before any stack runs out
        raise DataFileError(path, f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"not valid JSON (line {error.lineno}): {error.msg}") from None
    # A lone surrogate can only come from a \uD800–\uDFFF escape: strict UTF-8 rejects the bytes.
    # (Looking for a backslash first is ten times faster than looking for "\u" in a long text.)
    if ("\\" in text and _has_surrogate_escape(text)) or _too_deep(raw):
        found = _find_problem(raw, {})
        if found is not None:
            raise _located(path, raw, *found)
    return raw


def _has_surrogate_escape(text: str) -> bool:
    import re  # only files with escapes get here, and the bundled file has none

    return re.search(r"\\u[dD][89a-fA-F]", text) is not None


def _too_deep(root: object) -> bool:
    """Whether containers nest more than MAX_DEPTH levels, level by level, without recursion."""
    if type(root) is not dict and type(root) is not list:
        return False
    level: list[Any] = [root]
    for _ in range(MAX_DEPTH):
        # Every value one level down, then the containers among them; C loops, not Python ones.
        values = list(chain.from_iterable([c.values() if type(c) is dict else c for c in level]))
        level = list(compress(values, map(_is_container_type, map(type, values))))
        if not level:
            return False
    return True


# ─── finding where (only for a file already known to be bad) ──────────────────────────────


class _Bad:
    """Stands in, in the second parse, for a value the fast decoder refused."""

    __slots__ = ("problem",)

    def __init__(self, problem: str) -> None:
        self.problem = problem


def _locate(path: str, text: str, fallback: str) -> DataFileError:
    """Parse again, keeping bad values as markers, and name where the first problem is."""
    duplicates: dict[int, str] = {}
    keep_alive: list[dict[str, object]] = []  # so that id() of a dropped object is not reused

    def lenient_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
        document = dict(pairs)
        if len(document) != len(pairs):
            seen: set[str] = set()
            key = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
            duplicates[id(document)] = key
            keep_alive.append(document)
        return document

    def lenient_int(token: str) -> object:
        if len(token.lstrip("-")) > MAX_INT_DIGITS:
            return _Bad(_long_int(token))
        return int(token)

    def lenient_float(token: str) -> object:
        value = float(token)
        return _Bad(_overflow(token)) if value in (_INFINITY, -_INFINITY) else value

    decoder = json.JSONDecoder(
        object_pairs_hook=lenient_object,
        parse_int=lenient_int,
        parse_float=lenient_float,
        parse_constant=lambda token: _Bad(_constant(token)),
    )
    try:
        raw = decoder.decode(text)
    except RecursionError:
        return DataFileError(path, f"nested more than {MAX_DEPTH} levels deep")
    except json.JSONDecodeError as error:
        return DataFileError(path, f"not valid JSON (line {error.lineno}): {error.msg}")
    found = _find_problem(raw, duplicates)
    return _located(path, raw, *found) if found is not None else DataFileError(path, fallback)


def _find_problem(
    root: object, duplicates: dict[int, str]
) -> tuple[tuple[str | int, ...], str] | None:
    """The path to the first problem in document order, and the problem; None if all is well."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        value, where = stack.pop()
        if type(value) is dict or type(value) is list:
            if len(where) >= MAX_DEPTH:
                return where, f"nested more than {MAX_DEPTH} levels deep"
            if type(value) is dict:
                if id(value) in duplicates:
                    return (*where, duplicates[id(value)]), _DUPLICATE
                for key in value:
                    if _lone_surrogate(key):
                        return (*where, key), "lone surrogate in the key (not valid Unicode)"
                children = [(child, (*where, key)) for key, child in value.items()]
            else:
                children = [(child, (*where, index)) for index, child in enumerate(value)]
            stack.extend(reversed(children))
        elif isinstance(value, _Bad):
            return where, value.problem
        elif isinstance(value, str) and _lone_surrogate(value):
            return where, "lone surrogate in the text (not valid Unicode)"
    return None


def _lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _located(path: str, root: object, where: tuple[str | int, ...], problem: str) -> DataFileError:
    """DataFileError naming the table, the record (by its id) and the field at ``where``."""
    if not where:
        return DataFileError(path, f"{problem} at the top level")
    if type(root) is not dict:
        return DataFileError(path, f"{problem} at {_field_path(where)}")
    table = _quoted(str(where[0]))
    if len(where) == 1:
        if problem == _DUPLICATE:
            return DataFileError(path, f"table {table} is there twice ({problem})")
        return DataFileError(path, f"table {table}: {problem}")
    document = _quoted(str(where[1]))
    if len(where) == 2:
        if problem == _DUPLICATE:
            return DataFileError(path, f"table {table}: document id {document} twice ({problem})")
        return DataFileError(path, f"table {table}: document {document}: {problem}")
    label = _record_label(root, where[0], where[1])
    return DataFileError(path, problem, record=label, field=_field_path(where[2:]))


def _record_label(root: dict[str, object], table: str | int, doc_id: str | int) -> str:
    """How validate.py names a document: its id for a record, 'pairing <id>' for the others."""
    documents = root.get(str(table))
    document = documents.get(str(doc_id)) if type(documents) is dict else None
    # For an id given twice in one document, this is the id that the parse kept: the last.
    ident = document.get("id") if type(document) is dict else None
    name = _shown(ident) if isinstance(ident, str) and ident else f"#{_shown(str(doc_id))}"
    return name if table == "record" else f"{_shown(str(table))} {name}"


def _field_path(parts: tuple[str | int, ...]) -> str:
    shown = ""
    for part in parts:
        shown += f"[{part}]" if isinstance(part, int) else f"{'.' if shown else ''}{_shown(part)}"
    return shown


def _shown(text: str) -> str:
    """Text from the file made safe for a one-line message: escaped if need be, and short."""
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return text if text.isprintable() else repr(text)[1:-1]


def _quoted(text: str) -> str:
    return f"'{_shown(text)}'"


def write_tables(path: str | os.PathLike[str], tables: dict[str, list[dict[str, object]]]) -> None:
    """Replace the database at ``path`` atomically with these tables."""
    import tempfile  # only the build writes; keep it off the query path

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=folder)
    os.close(handle)
    # mkstemp makes the file private (0600); a database is meant to be read by everyone.
    os.chmod(temporary, os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644)
    try:
        with TinyDB(temporary, storage=JSONStorage, encoding="utf-8", **_WRITE_OPTIONS) as db:
            db.drop_tables()
            for name in TABLES:
                db.table(name).insert_multiple(tables[name])
        with open(temporary, "a", encoding="utf-8") as file:
            file.write("\n")  # POSIX text files end in a newline; TinyDB does not add one
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
