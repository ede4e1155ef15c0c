"""Reading a text a user hands a command (an article), bounded: a file, ``-`` for stdin, or a
stream such as a FIFO or ``<(curl …)``.

At most ``limit`` + 1 bytes are ever read, whatever the source: a 50 MB file or an endless pipe
costs the reader one bounded read, and the caller, seeing more than ``limit`` bytes, refuses
it with its own words. A regular file is opened as every file xiezuo reads
(rawfile.open_regular: missing, a directory, a device, a socket, unreadable are one line
naming it, exit 3). ``streams=True`` also reads stdin and a named pipe, as ``cat`` does:
waiting for its writer, then reading up to the limit; without it a FIFO is refused at once.
"""

from __future__ import annotations

import os
import stat
import sys

from xiezuo_cli.errors import DataFileError

STDIN = "-"
STDIN_NAME = "stdin"  # how messages name it
_PIECE = 1 << 16


def shown_name(path: str) -> str:
    """The name messages give the input: the path, or stdin for ``-``."""
    return STDIN_NAME if path == STDIN else path


def read_at_most(path: str, limit: int, what: str, *, streams: bool = False) -> bytes:
    """The first ``limit`` + 1 bytes (or fewer, the whole) of the file at ``path``; ``-`` is
    stdin when ``streams``. DataFileError (exit 3), one line naming it, when it cannot be
    read. ``what`` is what it should be: "an article"."""
    if path == STDIN and streams:
        return _read_stdin(limit)
    if streams and _is_fifo(path):
        return _read_fifo(path, limit, what)
    from xiezuo_cli.storage.rawfile import open_regular

    descriptor = open_regular(path, what)
    try:
        return _read_descriptor(descriptor, limit)
    except OSError as failure:
        raise DataFileError(path, f"cannot read: {failure.strerror or failure}") from None
    finally:
        os.close(descriptor)


def _is_fifo(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False  # open_regular says what is wrong with it


def _read_fifo(path: str, limit: int, what: str) -> bytes:
    """A named pipe (or /dev/fd/N of ``<(…)``), read as a stream: ``open`` waits for a writer
    as ``cat`` does (Ctrl-C ends the wait, exit 130)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as failure:
        raise DataFileError(path, f"cannot open: {failure.strerror or failure}") from None
    try:
        if not stat.S_ISFIFO(os.fstat(descriptor).st_mode):  # replaced after the check
            raise DataFileError(path, f"is not a named pipe any more, nor {what}")
        return _read_descriptor(descriptor, limit)
    except OSError as failure:
        raise DataFileError(path, f"cannot read: {failure.strerror or failure}") from None
    finally:
        os.close(descriptor)


def _read_stdin(limit: int) -> bytes:
    stream = sys.stdin
    if stream is None:  # started with <&-
        raise DataFileError(STDIN_NAME, "closed: give the article on stdin, or a file")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # a text stream only (an embedding program's): its text as UTF-8
            return stream.read(limit + 1).encode("utf-8")[: limit + 1]
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = buffer.read(min(_PIECE, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as failure:
        raise DataFileError(STDIN_NAME, f"cannot read: {failure.strerror or failure}") from None


def _read_descriptor(descriptor: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(descriptor, min(_PIECE, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
