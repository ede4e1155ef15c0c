"""The one module that talks to TinyDB.

The database is one TinyDB JSON file with the tables in ``TABLES``: ``meta`` (the schema version)
and the data tables.

Writing never goes through TinyDB's JSONStorage, which writes in place (seek, write, truncate):
interrupted, or with two writers at once, it leaves a corrupt file. Every writer here
(``init_database``, ``transaction``, ``write_tables``) serializes the tables as the build does,
checks the bytes as the reader would, and hands them to one routine, ``_write``: a temporary file
in the same folder, fsynced, renamed over the database in one step, the folder fsynced. A crash,
SIGKILL or Ctrl-C at any moment leaves the old database or the new one, never a mixture.
``transaction`` and ``init_database`` hold the write lock (``locking.py``) from reading to
renaming, so writers at once never lose each other's changes. Readers take no lock.

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
file parsed a second time to find where the problem is. A file of ``fast_read_min_bytes()`` or more
(1 MiB; ``XIEZUO_FASTJSON_MIN_BYTES``) is first read by fastjson.py (msgspec, several times faster,
the same refusals); anything it cannot vouch for comes here, so the messages are these. Below
that size importing msgspec costs more than it saves (benchmarks/fastjson_bench.py).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from itertools import chain, compress
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from xiezuo_cli.errors import DataFileError, UsageProblem, XiezuoError
from xiezuo_cli.storage.rawfile import _kind, _quoted, _shown, _too_big, max_bytes, read_checked
from xiezuo_cli.storage.strict_json import (
    DECODER,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    TABLES,
    JsonProblem,
    constant,
    duplicate_key,
)

# Readable Chinese in the file (no \uXXXX escapes) and one line per field, for review in diffs.
_ENSURE_ASCII = False
_INDENT = 1

_INFINITY = float("inf")
_is_container_type = frozenset((dict, list)).__contains__
_UTF8_BOM = b"\xef\xbb\xbf"
ENV_FAST_MIN_BYTES = "XIEZUO_FASTJSON_MIN_BYTES"
DEFAULT_FAST_MIN_BYTES = 1024 * 1024


def fast_read_min_bytes() -> int:
    """The size from which the file is read by fastjson first; XIEZUO_FASTJSON_MIN_BYTES."""
    text = os.environ.get(ENV_FAST_MIN_BYTES, "").strip()
    return (
        int(text)
        if text.isascii() and text.isdigit() and len(text) <= 20
        else DEFAULT_FAST_MIN_BYTES
    )


def read_tables(
    path: str | os.PathLike[str], data: bytes | None = None
) -> dict[str, list[dict[str, object]]]:
    """Every table as a list of documents in insertion order. Raises DataFileError.

    ``data``: the file's bytes when the caller has already read them through
    rawfile.read_checked (loading reads them once, to key the cache, and parses the same bytes).
    """
    db = TinyDB(path, storage=CheckedStorage, data=data)
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

    def __init__(self, path: str | os.PathLike[str], data: bytes | None = None) -> None:
        super().__init__()
        self.path = os.fspath(path)
        self.data = data  # the bytes, when the caller has read them already (cache.py)

    def read(self) -> dict[str, dict[str, object]] | None:
        """The top-level object, or None for an empty file (TinyDB's word for a new database)."""
        data = self.data if self.data is not None else read_checked(self.path)
        if len(data) >= fast_read_min_bytes():
            from xiezuo_cli.storage import fastjson

            decoded = fastjson.loads(data)  # None: refused or in doubt, and the strict read says
            if decoded is not None:
                return decoded
        return self.strict(data)

    def strict(self, data: bytes) -> dict[str, dict[str, object]] | None:
        """The strict reader alone (the reference: every refusal and its message)."""
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


def _is_doc_id(key: str) -> bool:
    return key.isascii() and key.isdigit() and len(key) <= MAX_INT_DIGITS


# ─── parsing ──────────────────────────────────────────────────────────────────────────────


_DUPLICATE = "duplicate key"


def _long_int(token: str) -> str:
    digits = len(token.lstrip("-"))
    return f"an integer of {digits} digits (the limit is {MAX_INT_DIGITS})"


def _overflow(token: str) -> str:
    return f"the number {_shown(token)} is too large (it overflows to infinity)"


def _parse(path: str, text: str) -> object:
    try:
        raw = DECODER.decode(text)
    except JsonProblem as problem:  # find where, and say it in the database's words
        raise _locate(path, text, str(problem)) from None
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
            duplicates[id(document)] = duplicate_key(pairs)
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
        parse_constant=lambda token: _Bad(constant(token)),
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


# ─── writing ──────────────────────────────────────────────────────────────────────────────

Tables = dict[str, list[dict[str, Any]]]

# Seconds init_database waits for the write lock; commands pass their own to transaction.
DEFAULT_TIMEOUT = 10.0
# A temporary file is ".<name>." + mkstemp's 8 random characters + this; one left by a writer that
# was killed is removed by the next transaction once it is this many seconds old.
_TEMPORARY_SUFFIX = ".xiezuo-tmp"
_STALE_SECONDS = 600


def init_database(
    path: str | os.PathLike[str],
    tables: Mapping[str, Sequence[dict[str, Any]]] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> None:
    """Create a database at ``path`` holding ``tables`` (a table left out is empty; with no
    ``meta``, one at the current schema version).

    Refuses, with UsageProblem ("… exists; refusing to overwrite"), when anything is at ``path``:
    the file appears by a hard link, which fails rather than replace what got there first.
    ``check`` validates the tables as the loader would (UsageProblem, nothing written).
    """
    from xiezuo_cli.model.vocab import SCHEMA_VERSION
    from xiezuo_cli.storage import locking

    shown = os.fspath(path)
    given = dict(tables or {})
    unknown = sorted(set(given) - set(TABLES))
    if unknown:
        raise ValueError(f"no table {unknown[0]!r}: a database has the tables {', '.join(TABLES)}")
    complete: Tables = {name: list(given.get(name, ())) for name in TABLES}
    if not complete["meta"]:
        complete["meta"] = [{"schema_version": SCHEMA_VERSION}]
    if os.path.lexists(shown):
        raise UsageProblem(f"{shown} exists; refusing to overwrite")
    folder = os.path.dirname(os.path.realpath(shown))
    if not os.path.isdir(folder):
        raise UsageProblem(f"cannot create {shown}: no folder {folder}")
    from xiezuo_cli.storage.files import system_folder

    top = system_folder(folder)
    if top is not None:  # no database, and no lock file, among the system's own files
        raise UsageProblem(f"cannot create {shown}: it would be in {top}, the system's own files")
    if check:
        _validate_new(shown, complete)
    data = _serialized(shown, complete)
    with locking.exclusive(shown, timeout=timeout):
        _write(shown, data, new=True)


@contextmanager
def transaction(
    path: str | os.PathLike[str], *, timeout: float, check: bool = True
) -> Iterator[Tables]:
    """Change the database at ``path``: ``with transaction(path, timeout=5) as tables:``.

    Takes the write lock (LockTimeout, exit 1, after ``timeout`` seconds), reads the tables with
    the checked reader (DataFileError, exit 3), and yields them: table name → list of documents,
    for the caller to change in place (or to give a table a new list). On a clean exit they are
    written back atomically (see ``_write``); on an exception nothing is written. Document ids
    are renumbered 1, 2, … in list order, as the build numbers them.

    Only what the change touches is checked and written when that is enough (change.py: the
    check against the index, a splice for appended records), and the index or snapshot the next
    read answers from is brought up to date before the lock is let go.

    ``check`` validates what is to be written as the loader would. If it fails, nothing is
    written, and the file as it was says whose fault it is: a file already invalid is a
    DataFileError (exit 3), as for every command; otherwise the change is refused, UsageProblem
    (exit 2) naming the record and field. (So a change that repairs a broken file is written.)
    Whatever ``check`` says, nothing the checked reader would refuse is ever written.
    """
    from xiezuo_cli.storage import change, heap, locking

    shown = os.fspath(path)
    check_database(shown)  # before the lock: no lock file beside a device, a folder, a FIFO
    with locking.exclusive(shown, timeout=timeout), heap.collector_paused():
        before = _status(shown)
        old = read_checked(shown)
        tables = read_tables(shown, old)
        snapshot = change.Snapshot(tables)
        yield tables
        _check_names(tables)
        changed = snapshot.change(tables)
        result = change.checked(shown, old, before, tables, changed, check, validate_change)
        data = change.encoded(shown, old, tables, changed, _serialized)
        _remove_stale_temporaries(shown)
        _write(shown, data)
        change.refresh(shown, data, result)
        heap.keep_to_exit(tables, snapshot)  # written: the rest of the command needs no freeing


def _status(shown: str) -> os.stat_result | None:
    try:
        return os.stat(shown)
    except OSError:
        return None


def check_database(shown: str) -> None:
    """The database to change is a regular file, checked as the loader checks it (DataFileError,
    exit 3: missing, a link to nothing, a directory, a FIFO, a device, a socket), and not among
    the system's own files: what is refused here never gets a lock file beside it."""
    from xiezuo_cli.storage.files import system_folder
    from xiezuo_cli.storage.rawfile import open_regular

    descriptor = open_regular(shown, "a database file")
    try:
        head = os.read(descriptor, 4096)
    except OSError as error:
        raise DataFileError(shown, f"cannot read: {error.strerror}") from None
    finally:
        os.close(descriptor)
    top = system_folder(os.path.realpath(shown))
    if top is not None:
        raise DataFileError(shown, f"is in {top}, the system's own files, not a database file")
    # A database is a JSON object. Anything else (an empty file, a lock file, an article) is
    # refused here, in the words the loader uses for it, before a lock file is made beside it.
    if not head.removeprefix(_UTF8_BOM).lstrip(b" \t\r\n").startswith(b"{"):
        read_tables(shown)  # raises DataFileError, as every command reading it would
        raise DataFileError(shown, "not a TinyDB database (the top level is not a JSON object)")


def write_tables(
    path: str | os.PathLike[str],
    tables: Mapping[str, Sequence[dict[str, Any]]],
    *,
    timeout: float | None = None,
) -> None:
    """Replace (or create) the database at ``path`` with these tables, atomically.

    The build's writer: it makes the folder, and takes the write lock only when given a
    ``timeout`` (the build owns its output, and leaves no lock file beside it).
    """
    shown = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(shown)), exist_ok=True)
    _check_names(tables)
    data = _serialized(shown, tables)
    if timeout is None:
        _write(shown, data)
        return
    from xiezuo_cli.storage import locking

    with locking.exclusive(shown, timeout=timeout):
        _write(shown, data)


def serialized(tables: Mapping[str, Sequence[dict[str, Any]]]) -> bytes:
    """The bytes of the database file holding ``tables``, exactly as every writer writes them."""
    _check_names(tables)
    return _serialized("<tables>", tables)


def _check_names(tables: Mapping[str, Sequence[dict[str, Any]]]) -> None:
    if set(tables) != set(TABLES):
        raise ValueError(
            f"a database has the tables {', '.join(TABLES)}, not {', '.join(map(str, tables))}"
        )


def _serialized(shown: str, tables: Mapping[str, Sequence[dict[str, Any]]]) -> bytes:
    """TinyDB's layout ({table: {"1": document, …}}) as the build writes it: UTF-8, not \\u
    escapes, indent 1, a final newline. Checked as the reader checks; UsageProblem if it fails."""
    data = {name: {str(i): doc for i, doc in enumerate(tables[name], 1)} for name in TABLES}
    try:
        text = json.dumps(data, ensure_ascii=_ENSURE_ASCII, indent=_INDENT, allow_nan=False) + "\n"
    except ValueError:  # NaN or ±Infinity: find it as the reader would
        loose = json.dumps(data, ensure_ascii=_ENSURE_ASCII, indent=_INDENT)
        raise _not_written(_locate(shown, loose, "a number that is not finite")) from None
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, say from undecodable bytes on a command line
        found = _find_problem(data, {})
        problem = "text that is not valid Unicode"
        error = _located(shown, data, *found) if found else DataFileError(shown, problem)
        raise _not_written(error) from None
    try:
        _parse(shown, text)  # integers too long, nesting too deep: what the reader refuses
    except DataFileError as error:
        raise _not_written(error) from None
    cap = max_bytes(shown)
    if len(encoded) > cap:
        raise _not_written(DataFileError(shown, _too_big(cap, len(encoded))))
    return encoded


def _not_written(error: DataFileError) -> UsageProblem:
    return UsageProblem(f"{error}; nothing was written")


def _validate_new(shown: str, tables: Tables) -> None:
    from xiezuo_cli.storage import validate

    try:
        validate.build(shown, tables)
    except DataFileError as error:
        raise _not_written(error) from None


def validate_change(shown: str, tables: Tables) -> Any:
    """validate.build of the tables to be written; if they fail, whose fault: DataFileError for
    a file already invalid, else UsageProblem for the change."""
    from xiezuo_cli.storage import validate

    try:
        return validate.build(shown, tables)
    except DataFileError as error:
        refused = _not_written(error)
    # Only on failure, and under the lock: read the unchanged file again and validate it.
    validate.build(shown, read_tables(shown))  # raises DataFileError if it was already invalid
    raise refused


def _write(shown: str, data: bytes, *, new: bool = False) -> None:
    """Write ``data`` to the file at ``shown`` so that nobody ever sees half of it.

    The bytes go to a temporary file in the same folder, which is flushed and fsynced, given the
    old file's permissions (and, where allowed, its owner and group), and then renamed over the
    database (``os.replace``); last, the folder is fsynced so the rename survives a power cut.
    A failure or a signal at any point leaves the old file whole and removes the temporary one
    (SIGKILL cannot be caught: its temporary file is removed by a later transaction). A symbolic
    link is followed, so the file it points to is replaced, not the link. ``new``: create the
    file, and refuse if anything is there. One routine for every writer.
    """
    import tempfile

    from xiezuo_cli.storage.files import _fsync_folder

    verb = "create" if new else "write"
    target = os.path.realpath(shown)
    folder, name = os.path.split(target)
    status = None
    if new:
        if os.path.lexists(shown) or os.path.lexists(target):
            raise UsageProblem(f"{shown} exists; refusing to overwrite")
    else:
        try:
            status = os.stat(target)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise _cannot(verb, shown, error) from None
        if status is not None:
            kind = _kind(status.st_mode)
            if kind is not None:
                raise DataFileError(shown, f"is {kind}, not a database file")
            # The rename needs only the folder's permission: a file made read-only (chmod a-w)
            # or on a read-only file system is refused as if it were written in place.
            try:
                os.close(os.open(target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0)))
            except OSError as error:
                raise _cannot(verb, shown, error) from None
    temporary = None
    try:
        with _ctrl_c_deferred():  # so that the temporary file is never unnamed when Ctrl-C comes
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{name}.", suffix=_TEMPORARY_SUFFIX, dir=folder
            )
        with open(descriptor, "wb") as stream:
            _copy_owner_and_mode(temporary, status)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if new:
            _link_new(shown, temporary, target)
        else:
            os.replace(temporary, target)
    except OSError as error:
        if temporary is not None:
            _remove(temporary)
        raise _cannot(verb, shown, error) from None
    except BaseException:
        if temporary is not None:
            _remove(temporary)
        raise
    if new:
        _remove(temporary)  # the database is the other name of the same file
    _fsync_folder(folder)


@contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """SIGINT held back for the block: a Ctrl-C comes after it, as KeyboardInterrupt."""
    import signal

    mask = getattr(signal, "pthread_sigmask", None)  # not on Windows
    if mask is None:
        yield
        return
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _cannot(verb: str, shown: str, error: OSError) -> XiezuoError:
    outcome = "nothing was created" if verb == "create" else "the database is unchanged"
    return XiezuoError(f"cannot {verb} {shown}: {error.strerror or error}; {outcome}")


def _copy_owner_and_mode(temporary: str, status: os.stat_result | None) -> None:
    if status is None:  # a new file: what open() would give it, not mkstemp's 0600
        from xiezuo_cli.storage.files import _default_mode

        os.chmod(temporary, _default_mode())
        return
    chown = getattr(os, "chown", None)  # not on Windows
    if chown is not None:
        mine = os.stat(temporary)
        if (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
            try:
                chown(temporary, status.st_uid, status.st_gid)
            except OSError:  # only root may give a file away; a member may still set the group
                with suppress(OSError):
                    chown(temporary, -1, status.st_gid)
    os.chmod(temporary, stat.S_IMODE(status.st_mode))  # after chown, which clears set-id bits


def _link_new(shown: str, temporary: str, target: str) -> None:
    """Give the written file its name only if the name is free: link(2) fails on an existing one."""
    import errno

    try:
        os.link(temporary, target)
    except FileExistsError:
        raise UsageProblem(f"{shown} exists; refusing to overwrite") from None
    except OSError as error:
        unsupported = {errno.EPERM, errno.ENOSYS, errno.EXDEV, errno.EMLINK}
        unsupported |= {getattr(errno, name, -1) for name in ("ENOTSUP", "EOPNOTSUPP")}
        if error.errno not in unsupported:
            raise
        # No hard links here (FAT, some network shares): under the lock, look and then rename.
        if os.path.lexists(target):
            raise UsageProblem(f"{shown} exists; refusing to overwrite") from None
        os.replace(temporary, target)


def _remove(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


def _remove_stale_temporaries(shown: str) -> None:
    """Temporary files of writers that were killed (SIGKILL, a power cut), once old enough."""
    import re
    import time

    folder, name = os.path.split(os.path.realpath(shown))
    pattern = re.compile(re.escape(f".{name}.") + "[a-z0-9_]{8}" + re.escape(_TEMPORARY_SUFFIX))
    oldest = time.time() - _STALE_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if pattern.fullmatch(entry.name):
            with suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < oldest:
                    os.unlink(entry.path)
