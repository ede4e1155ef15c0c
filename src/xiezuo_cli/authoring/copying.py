"""A lossless copy of a database (``xiezuo init PATH --from bundled|FILE``): every table as it
is stored (the meta table with its pinyin, places, pairings with every field, sources, records
with ``figure`` and every citation) and the held texts of its sources, copied into the new
database's ``sources/`` folder through storage.held (never through a link, never outside it).

The database copied from is read and checked as the loader checks every database, so a file
that is not one is refused (DataFileError, exit 3) before anything is written; PATH must not
exist (UsageProblem, exit 2), and FILE may not be PATH.
"""

import os
from contextlib import suppress
from typing import Any

from xiezuo_cli.authoring.texts import MAX_TEXT_BYTES
from xiezuo_cli.errors import DataFileError, UsageProblem


class Copy:
    """The tables of the database to copy and the held texts to copy with them."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]], texts: dict[str, str]) -> None:
        self.tables = tables
        self.texts = texts  # text_file name in sources/ -> its text


def read_copy(source: str, target: str) -> Copy:
    """The database at ``source``, checked, with its held texts; refuses a ``target`` that is
    the same file or exists."""
    from xiezuo_cli.storage import held, store, validate

    if os.path.lexists(target):
        if os.path.exists(source) and os.path.samefile(source, target):
            raise UsageProblem(f"--from {source} is PATH itself: init makes a new database")
        raise UsageProblem(f"{target} exists; refusing to overwrite")
    tables = store.read_tables(source)
    validate.build(source, tables)
    folder = os.path.dirname(os.path.realpath(source))
    texts: dict[str, str] = {}
    for document in tables["source"]:
        text_file = document.get("text_file")
        if document.get("text_held") and isinstance(text_file, str):
            data = held.read(folder, text_file, MAX_TEXT_BYTES)
            try:
                texts[os.path.basename(text_file)] = data.decode("utf-8")
            except UnicodeDecodeError:
                shown = os.path.join(folder, text_file)
                raise DataFileError(
                    shown, f"the held text of {document.get('id')} is not UTF-8"
                ) from None
    return Copy(tables, texts)


def write_copy(copy: Copy, target: str, *, timeout: float) -> None:
    """The copy written at ``target``: its held texts first, then the database; if the database
    cannot be written, the texts this made are taken back."""
    from xiezuo_cli.storage import held, store

    folder = os.path.dirname(os.path.realpath(target))
    if not os.path.isdir(folder):
        raise UsageProblem(f"cannot create {target}: no folder {folder}")
    created: list[str] = []
    try:
        for name, text in copy.texts.items():
            path, new = held.write(folder, name, text)
            if new:
                created.append(path)
        store.init_database(target, copy.tables, timeout=timeout, check=False)
    except BaseException:
        for path in created:
            with suppress(OSError):
                os.unlink(path)
        raise
