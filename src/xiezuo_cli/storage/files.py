"""Writing a file so that nobody ever sees half of it, and never anything but a regular file.

Everything goes to a temporary file in the same folder as the target, is flushed and fsynced,
and then replaces the target in one rename (``os.replace``), after which the folder itself is
fsynced so the rename survives a power cut. A failure or Ctrl-C at any point leaves the old file
(or no file) whole, and removes the temporary one. The new file keeps an existing file's
permissions.

The target is the file a path names once links are followed (``resolve_target``): a link is
never replaced, the file it points to is, beside itself. Refused with one line (UsageProblem,
exit 2) before anything is made: a link that points nowhere (or to itself), a directory, a
device, a named pipe or socket, anything under ``/dev``, ``/proc`` or ``/sys``, a folder that
does not exist. With ``follow_links=False`` (held texts: ``held.py``) a link is refused too.
The system refusing the write itself (permission denied, a read-only file system, a full disk)
is a XiezuoError naming the file (exit 1), as for the database.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

from xiezuo_cli.errors import UsageProblem, XiezuoError
from xiezuo_cli.model.safe_text import cut_path
from xiezuo_cli.storage.rawfile import kind

# Folders of the system's own special files: nothing is ever created or replaced in them.
SYSTEM_FOLDERS = ("/dev", "/proc", "/sys") if os.name == "posix" else ()
# Errors of writing a file (not of reading one): said as "cannot write FILE".
_WRITE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EIO, errno.EROFS, errno.EFBIG, errno.EACCES, errno.EPERM}
    | {getattr(errno, "EDQUOT", errno.ENOSPC)}
)


def system_folder(real: str) -> str | None:
    """The system folder (``/dev``, ``/proc``, ``/sys``) a real path lies in, or None."""
    return next((top for top in SYSTEM_FOLDERS if real == top or real.startswith(top + "/")), None)


def resolve_target(path: str, *, follow_links: bool = True) -> str:
    """The real path of the regular file that writing ``path`` makes or replaces.

    Raises UsageProblem (one line, nothing made) for what may not be written: see the module.
    """
    shown = cut_path(path)
    if "\0" in path:
        raise UsageProblem(f"cannot write {shown}: not a valid file name")
    is_link = os.path.islink(path)
    if is_link and not follow_links:
        raise UsageProblem(f"cannot write {shown}: it is a symbolic link; nothing was written")
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        status = None
        if os.path.lexists(path):
            raise UsageProblem(
                f"cannot write {shown}: it is a symbolic link to {cut_path(_link_target(path))}, "
                "which does not exist; give the file itself"
            ) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UsageProblem(f"cannot write {shown}: a loop of symbolic links") from None
        if error.errno == errno.ENOTDIR:
            raise UsageProblem(f"cannot write {shown}: a part of it is not a folder") from None
        raise XiezuoError(f"cannot write {shown}: {error.strerror or error}") from None
    real = os.path.realpath(path)
    what = kind(status.st_mode) if status is not None else None
    if what is not None:
        raise UsageProblem(f"cannot write {shown}: it is {what}, not a regular file")
    top = system_folder(real)
    if top is not None:
        raise UsageProblem(
            f"cannot write {shown}: {cut_path(real)} is in {top}, where the system keeps its "
            "own files; - is stdout"
        )
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise UsageProblem(f"cannot write {shown}: no folder {cut_path(folder)}")
    return real


def _link_target(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def cannot_write(path: str, error: OSError, outcome: str) -> XiezuoError:
    """The one line for a write the system refused: the file, why, and what was left."""
    return XiezuoError(f"cannot write {cut_path(path)}: {error.strerror or error}; {outcome}")


@contextmanager
def atomic_path(path: str, *, follow_links: bool = True, suffix: str = "") -> Iterator[str]:
    """A temporary file's path for the caller to fill (a SQLite database); on a clean exit it
    replaces the target at once, else it is removed. See the module."""
    import tempfile

    target = resolve_target(path, follow_links=follow_links)
    folder = os.path.dirname(target)
    outcome = _outcome(target)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=suffix, dir=folder
        )
    except OSError as error:
        raise cannot_write(path, error, outcome) from None
    os.close(handle)
    try:
        try:
            yield temporary
        except OSError as error:
            if error.filename is None and error.errno in _WRITE_ERRORS:
                raise cannot_write(path, error, outcome) from None
            raise
        _commit(path, temporary, target, follow_links, outcome)
    except BaseException:
        _remove(temporary)
        raise


@contextmanager
def atomic_text_file(
    path: str, *, encoding: str = "utf-8", follow_links: bool = True
) -> Iterator[TextIO]:
    """A text stream whose content replaces the file at ``path`` when the block ends cleanly.

    Written in the target's folder; a full disk or a refused write while the block writes is
    ``cannot write PATH`` (exit 1), never a message about stdout."""
    with atomic_path(path, follow_links=follow_links) as temporary:
        descriptor = os.open(temporary, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        # newline="": the writers choose their own line ends (CSV's CRLF stays CRLF).
        with os.fdopen(descriptor, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()


def _outcome(target: str) -> str:
    return "the old file is unchanged" if os.path.exists(target) else "nothing was written"


def _commit(path: str, temporary: str, target: str, follow_links: bool, outcome: str) -> None:
    """fsync the temporary file, give it the old file's mode, rename it over the target."""
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = _default_mode()
        os.chmod(temporary, mode)
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        # Checked again just before the rename: a link or a special file put there meanwhile
        # is refused, not replaced.
        if resolve_target(path, follow_links=follow_links) != target:
            raise UsageProblem(f"cannot write {cut_path(path)}: it changed while being written")
        os.replace(temporary, target)
    except OSError as error:
        raise cannot_write(path, error, outcome) from None
    _fsync_folder(os.path.dirname(target))


def _remove(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


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
