"""Held texts: an article's text kept beside the database, in its ``sources/`` folder.

A source whose text is held names the file in ``text_file`` as ``sources/NAME``: NAME is a plain
file name (no folder, no ``..``, not hidden, no control characters). ``validate`` refuses any
other ``text_file`` (``text_file_problem``), so a crafted database cannot point a read or a
delete at another file (``sources/../my.json``, ``/etc/passwd``, ``../outside/x``).

Every read, write and removal of a held text goes through here, and none follows a link out of
the folder: ``sources`` must be a real folder in the database's folder (not a link), a held text
is opened with ``O_NOFOLLOW`` and ``O_NONBLOCK`` (a link, a FIFO, a device is refused at once),
and the file's resolved path must be the one its name gives.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress

from xiezuo_cli.errors import DataFileError, UsageProblem
from xiezuo_cli.model.safe_text import cut, cut_path

SOURCES_FOLDER = "sources"  # beside the database
MAX_NAME_BYTES = 255  # a file name on every common file system
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f/\\\\\u2028\u2029]")


def text_file_problem(text_file: str) -> str | None:
    """Why ``text_file`` is not ``sources/NAME`` with a plain NAME; None if it is."""
    prefix = SOURCES_FOLDER + "/"
    expected = f"a plain file name inside the database's {prefix} folder ({prefix}ID.txt)"
    if not text_file.startswith(prefix):
        return f"{cut(text_file)!r} is not {expected}"
    name = text_file[len(prefix) :]
    if not name or name.startswith(".") or _UNSAFE_NAME.search(name):
        return f"{cut(text_file)!r} is not {expected}"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"{cut(text_file)!r}: the file name is longer than {MAX_NAME_BYTES} bytes"
    return None


def folder(data_dir: str) -> str:
    return os.path.join(data_dir, SOURCES_FOLDER)


def path(data_dir: str, text_file: str) -> str:
    """The held text's path, checked: ``text_file`` plain, else DataFileError (exit 3; validate
    refuses such a database, and a write reads its tables before validating them)."""
    problem = text_file_problem(text_file)
    if problem is not None:
        raise DataFileError(os.path.join(data_dir, "…"), f"text_file {problem}")
    return os.path.join(data_dir, text_file)


def _check_folder(data_dir: str, error: type[Exception], *args: str) -> None:
    """``sources`` is a real folder (or not there yet), not a link to somewhere else."""
    place = folder(data_dir)
    if os.path.islink(place):
        raise error(*args, f"{place} is a symbolic link; held texts stay in a real folder")


def _resolved(data_dir: str, file_path: str) -> bool:
    expected = os.path.join(os.path.realpath(folder(data_dir)), os.path.basename(file_path))
    return os.path.realpath(file_path) == expected


def read(data_dir: str, text_file: str, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of a held text. DataFileError (exit 3) naming the file for a
    text that is missing, a link, not a regular file, or resolves outside ``sources/``."""
    from xiezuo_cli.storage.rawfile import open_regular

    file_path = path(data_dir, text_file)
    _check_folder(data_dir, DataFileError, file_path)
    descriptor = open_regular(file_path, "a held text", follow_links=False)
    try:
        if not _resolved(data_dir, file_path):
            raise DataFileError(file_path, "resolves outside the held texts folder")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as failure:
        raise DataFileError(file_path, f"cannot read: {failure.strerror}") from None
    finally:
        os.close(descriptor)


def write(data_dir: str, name: str, text: str) -> tuple[str, bool]:
    """Hold ``text`` as ``sources/NAME``, atomically, never through a link. Returns the path and
    whether the file is new (False: the same text was there already). Something else in the
    way (another text, a link, a folder, a named pipe) is refused: UsageProblem, one line."""
    from xiezuo_cli.storage.files import atomic_text_file

    text_file = f"{SOURCES_FOLDER}/{name}"
    file_path = path(data_dir, text_file)
    _check_folder(data_dir, UsageProblem, f"cannot hold the text as {file_path}:")
    if os.path.lexists(file_path):
        if os.path.islink(file_path):
            raise UsageProblem(
                f"{file_path} is a symbolic link (to {cut_path(os.readlink(file_path))}); "
                "held texts are plain files: remove it first"
            )
        try:
            same = read(data_dir, text_file, len(text.encode("utf-8")) + 4) == text.encode("utf-8")
        except DataFileError as error:
            raise UsageProblem(f"{error.path}: {error.problem}; remove it first") from None
        if same:
            return file_path, False
        raise UsageProblem(f"{file_path} exists and holds another text; move it away first")
    try:
        os.makedirs(folder(data_dir), exist_ok=True)
    except OSError as failure:
        from xiezuo_cli.errors import XiezuoError

        raise XiezuoError(f"cannot make {folder(data_dir)}: {failure.strerror}") from None
    with atomic_text_file(file_path, follow_links=False) as stream:
        stream.write(text)
    return file_path, True


def remove(data_dir: str, text_file: str) -> None:
    """Remove a held text: only a plain name in ``sources/`` (a link there is removed as the
    link, never what it points to), and nothing if the folder is a link. Errors are ignored:
    the source is gone from the database either way."""
    if text_file_problem(text_file) is not None:
        return
    file_path = path(data_dir, text_file)
    if os.path.islink(folder(data_dir)):
        return
    try:
        status = os.lstat(file_path)
    except OSError:
        return
    import stat

    if stat.S_ISREG(status.st_mode) or stat.S_ISLNK(status.st_mode):
        with suppress(OSError):
            os.unlink(file_path)
