"""Writing a file so that nobody ever sees half of it.

Everything goes to a temporary file in the same folder, is flushed and fsynced, and then
replaces the target in one rename (``os.replace``), after which the folder itself is fsynced so
the rename survives a power cut. A failure or Ctrl-C at any point leaves the old file (or no
file) whole, and removes the temporary one. The new file keeps an existing file's permissions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from xiezuo_cli.errors import UsageProblem


@contextmanager
def atomic_text_file(path: str, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    import tempfile

    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise UsageProblem(f"cannot write {path}: it is a directory")
    if not os.path.isdir(folder):
        raise UsageProblem(f"cannot write {path}: no folder {folder}")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", dir=folder)
    except OSError as error:
        raise UsageProblem(f"cannot write {path}: {error.strerror}") from None
    try:
        mode = os.stat(target).st_mode & 0o7777 if os.path.exists(target) else _default_mode()
        os.chmod(temporary, mode)
        # newline="": the writers choose their own line ends (CSV's CRLF stays CRLF).
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
        _fsync_folder(folder)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _default_mode() -> int:
    """What a new file gets from open(): 0o666 less the umask (mkstemp would give 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: str) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # some systems cannot open a folder: the rename stands regardless
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
