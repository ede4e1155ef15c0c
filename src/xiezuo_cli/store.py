"""The one module that talks to TinyDB.

The database is one TinyDB JSON file with four tables: ``meta`` (the schema version), ``pairing``,
``source`` and ``record``. Queries open it read-only (TinyDB's ``access_mode="r"``), so a missing
path is an error and never a new empty file. Writing, done only by the build script, goes to a
temporary file that replaces the old one in a single rename: a crash mid-write leaves the old
database whole.
"""

from __future__ import annotations

import json
import os

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from xiezuo_cli.errors import DataFileError

TABLES = ("meta", "pairing", "source", "record")

# Readable Chinese in the file (no \uXXXX escapes) and one line per field, for review in diffs.
_WRITE_OPTIONS = {"ensure_ascii": False, "indent": 1}


def read_tables(path: str | os.PathLike[str]) -> dict[str, list[dict[str, object]]]:
    """Every table as a list of documents in insertion order. Raises DataFileError."""
    try:
        db = TinyDB(path, storage=JSONStorage, access_mode="r", encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, "no such file") from None
    except IsADirectoryError:
        raise DataFileError(path, "is a directory, not a database file") from None
    except OSError as error:
        raise DataFileError(path, f"cannot open: {error.strerror}") from None
    try:
        # One read of the whole file; Table.all() would parse it again for every table.
        raw = db.storage.read()
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"not valid JSON (line {error.lineno}): {error.msg}") from None
    except UnicodeDecodeError:
        raise DataFileError(path, "not UTF-8 text") from None
    finally:
        db.close()
    if raw is None:
        raise DataFileError(path, "the file is empty")
    if not isinstance(raw, dict):
        raise DataFileError(path, "not a TinyDB database (the top level is not a JSON object)")
    tables: dict[str, list[dict[str, object]]] = {}
    for name in TABLES:
        table = raw.get(name)
        if not isinstance(table, dict):
            raise DataFileError(path, f"table {name!r} is missing")
        documents = [table[key] for key in sorted(table, key=_doc_id_order)]
        if not all(isinstance(document, dict) for document in documents):
            raise DataFileError(path, f"table {name!r} holds something that is not a document")
        tables[name] = documents
    return tables


def _doc_id_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


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
