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

MAX_BYTES_ENV = "XIEZUO_MAX_DB_BYTES"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# Digits of a size in XIEZUO_MAX_DB_BYTES: more is a mistake.
_MAX_DIGITS = 20
# How much of a hostile key, id or number an error message shows.
_SHOWN_CHARS = 60
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


def _read_bounded(path: str, cap: int, piece: int | None = None) -> Iterator[bytes]:
    """The bytes of the regular file at ``path``, at most ``cap`` of them, or DataFileError;
    in pieces of at most ``piece`` bytes, or as few reads as the size allows."""
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


def _shown(text: str) -> str:
    """Text from the file made safe for a one-line message: escaped if need be, and short."""
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return text if text.isprintable() else repr(text)[1:-1]


def _quoted(text: str) -> str:
    return f"'{_shown(text)}'"
