"""Reading a database file's bytes, checked, without loading TinyDB or parsing anything.

Loading reads the bytes once: to key the cache of validated databases (cache.py) and, on a
miss, to parse them (store.py). What is refused here, each with one line (DataFileError):

- a path that is not a regular file (directory, FIFO, device, socket): checked on an O_NONBLOCK
  descriptor, so a FIFO never blocks and ``/dev/zero`` is never read;
- more than ``max_bytes()`` bytes (``XIEZUO_MAX_DB_BYTES``, default 256 MiB), read with a bounded
  read so a file growing under us cannot make us read more.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model.safe_text import cut, cut_path

MAX_BYTES_ENV = "XIEZUO_MAX_DB_BYTES"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# Digits of a size in XIEZUO_MAX_DB_BYTES: more is a mistake.
_MAX_DIGITS = 20
# Not every platform has these (Windows has neither): 0 leaves the flags as they are.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_checked(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at ``path``, within the size cap, or DataFileError."""
    path = os.fspath(path)
    chunks = list(_read_bounded(path, max_bytes(path)))
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


Fingerprint = tuple[int, int, int]  # size, CRC-32, Adler-32


def fingerprint(data: bytes) -> Fingerprint:
    import zlib

    return (len(data), zlib.crc32(data), zlib.adler32(data))


def fingerprint_file(path: str | os.PathLike[str]) -> Fingerprint:
    """The fingerprint of the file's bytes, read under the same checks as read_checked but a
    piece at a time: a large database is keyed to its index without being held in memory."""
    import zlib

    path = os.fspath(path)
    size = crc = 0
    adler = 1
    for chunk in _read_bounded(path, max_bytes(path), piece=1 << 20):
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
        adler = zlib.adler32(chunk, adler)
    return (size, crc, adler)


def max_bytes(path: str | os.PathLike[str] = "") -> int:
    """The size cap: $XIEZUO_MAX_DB_BYTES (a whole number of bytes) or 256 MiB.

    A bad value is reported as a DataFileError naming ``path``: the data cannot be read as asked.
    """
    value = os.environ.get(MAX_BYTES_ENV, "")
    if not value:
        return DEFAULT_MAX_BYTES
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS and int(text) > 0:
        return int(text)
    raise DataFileError(
        path, f"{MAX_BYTES_ENV}={_quoted(value)} is not a size: give a whole number of bytes"
    )


def open_regular(
    path: str,
    what: str,
    *,
    follow_links: bool = True,
    error: type[DataFileError] = DataFileError,
) -> int:
    """A read-only descriptor of the regular file at ``path``, or ``error`` (one line naming
    the file, exit 3): missing, a directory, a named pipe, a device, a socket, unreadable, and
    with ``follow_links=False`` a symbolic link. Opened with O_NONBLOCK, so a FIFO is refused at
    once instead of waited on, and ``/dev/zero`` is never read. ``what`` is what the file
    should be: "a database file", "a file of records".

    Every file xiezuo reads that a user or a database names goes through here."""
    flags = _OPEN_FLAGS | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise error(
                path, f"a symbolic link to {_link_target(path)}, which does not exist"
            ) from None
        raise error(path, "no such file") from None
    except IsADirectoryError:
        raise error(path, f"is a directory, not {what}") from None
    except OSError as failure:
        if not follow_links and os.path.islink(path):  # ELOOP from O_NOFOLLOW
            raise error(path, f"is a symbolic link (to {_link_target(path)}), not {what}") from None
        # A Unix socket cannot be opened at all (ENXIO): say what it is, not why open failed.
        try:
            found = kind(os.stat(path).st_mode)
        except (OSError, ValueError):
            found = None
        if found is not None:
            raise error(path, f"is {found}, not {what}") from None
        raise error(path, f"cannot open: {failure.strerror}") from None
    except ValueError:  # an embedded NUL byte
        raise error(path, "not a valid file name") from None
    try:
        found = kind(os.fstat(fd).st_mode)
    except OSError as failure:
        os.close(fd)
        raise error(path, f"cannot read: {failure.strerror}") from None
    if found is not None:
        os.close(fd)
        raise error(path, f"is {found}, not {what}")
    return fd


def _link_target(path: str) -> str:
    try:
        return cut_path(os.readlink(path))
    except OSError:
        return "?"


def _read_bounded(path: str, cap: int, piece: int | None = None) -> Iterator[bytes]:
    """The bytes of the regular file at ``path``, at most ``cap`` of them, or DataFileError;
    in pieces of at most ``piece`` bytes, or as few reads as the size allows."""
    fd = open_regular(path, "a database file")
    try:
        status = os.fstat(fd)
        if status.st_size > cap:
            raise DataFileError(path, _too_big(cap, status.st_size))
        # Ask for one byte more than the size: a second read then sees the end of the file. Files
        # whose size lies (in /proc, or one growing under us) are read in pieces up to cap + 1.
        total = 0
        while total <= cap:
            wanted = min(cap + 1 - total, max(status.st_size + 1 - total, 1 << 16))
            chunk = os.read(fd, wanted if piece is None else min(wanted, piece))
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise DataFileError(path, _too_big(cap, None))
            yield chunk
    except OSError as error:
        raise DataFileError(path, f"cannot read: {error.strerror}") from None
    finally:
        os.close(fd)


def kind(mode: int) -> str | None:
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


_kind = kind


def _too_big(cap: int, size: int | None) -> str:
    actual = f"{size} bytes" if size is not None else "larger than that"
    return f"the file is {actual}, over the limit of {cap} bytes (set {MAX_BYTES_ENV} to change it)"


def _shown(text: str) -> str:
    """Text from the file made safe for a one-line message: escaped if need be, and short."""
    text = cut(text)
    return text if text.isprintable() else repr(text)[1:-1]


def _quoted(text: str) -> str:
    return f"'{_shown(text)}'"
