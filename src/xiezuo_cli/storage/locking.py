"""The write lock: one process at a time changes a database; readers never wait.

The lock is a separate, empty file beside the database, ``.<name>.lock`` (for ``xiezuo.json``:
``.xiezuo.json.lock``), locked with ``flock`` (``msvcrt.locking`` on Windows). It is a separate
file because the database itself is replaced by a rename on every write, and a lock on a file
that is renamed away protects nothing. The operating system releases the lock when its holder
exits, however it exits (SIGKILL, a crash), so a stale lock cannot outlive its process; the lock
file stays, empty, and is reused. Symbolic links to the database are followed first, so two
paths to one database share one lock; the lock file itself is never a link (it is opened with
O_NOFOLLOW: a link there is refused, so the lock never creates what a link points to), and the
database is checked to be a regular file before it is taken (store.py).

Only writers take the lock. Readers need none: a write replaces the database in one rename, so a
reader sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from xiezuo_cli.errors import LockTimeout, XiezuoError

# flock where there is one; msvcrt's byte-range lock on Windows (a check of sys.platform, which
# mypy reads, rather than a failed import, which it cannot).
_FLOCK = sys.platform != "win32"
if sys.platform != "win32":
    import fcntl

# Polling: the first retry after 1 ms, doubling up to 25 ms, each sleep shortened by a random
# part so that waiting processes do not retry in step.
_FIRST_DELAY = 0.001
_LONGEST_DELAY = 0.025

_held = threading.local()  # the lock files this thread holds: taking one twice would wait forever


def lock_path(database: str | os.PathLike[str]) -> str:
    """The lock file of the database at ``database``: ``.<name>.lock`` in its folder."""
    real = os.path.realpath(database)
    folder, name = os.path.split(real)
    return os.path.join(folder, f".{name}.lock")


@contextmanager
def exclusive(database: str | os.PathLike[str], *, timeout: float) -> Iterator[None]:
    """Hold the write lock of ``database`` for the ``with`` block.

    Waits at most ``timeout`` seconds (0: one try), then raises LockTimeout. A lock file that
    cannot be created or locked (a read-only folder) is a XiezuoError; both are one line, exit 1.
    """
    if not timeout >= 0:  # also refuses NaN
        raise ValueError(f"timeout must be a number of seconds, 0 or more, not {timeout!r}")
    shown = os.fspath(database)
    path = lock_path(database)
    held: set[str] = _held.__dict__.setdefault("paths", set())
    if path in held:
        raise RuntimeError(f"{shown}: the write lock is already held by this thread")
    descriptor = _open(shown, path)
    try:
        _acquire(shown, path, descriptor, timeout)
        held.add(path)
        try:
            yield
        finally:
            held.discard(path)
            _release(descriptor)
    finally:
        os.close(descriptor)


def _open(shown: str, path: str) -> int:
    """The lock file, opened (created if need be) without following a link: a lock path that
    is a symbolic link, dangling or not, is refused, so that taking the lock never creates or
    touches the file a link points to; so is one that is not a regular file."""
    flags = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o666)
    except OSError as error:
        problem = error.strerror or str(error)
        descriptor = -1
        _refuse_special(shown, path)
    if descriptor < 0:
        # Someone else's lock file, or a read-only file system: flock needs only a reader (the
        # write itself then says why it cannot be done).
        if _FLOCK:
            with suppress(OSError):
                descriptor = os.open(path, os.O_RDONLY | flags)
        if descriptor < 0:
            raise XiezuoError(
                f"cannot write {shown}: cannot create the lock file {path}: {problem}"
            )
    import stat

    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        _refuse_special(shown, path)
    return descriptor


def _refuse_special(shown: str, path: str) -> None:
    """XiezuoError (exit 1) if the lock path is a link or not a regular file; else nothing."""
    from xiezuo_cli.storage.rawfile import kind

    try:
        status = os.lstat(path)
    except OSError:
        return
    what = "a symbolic link" if os.path.islink(path) else kind(status.st_mode) or ""
    if what:
        raise XiezuoError(
            f"cannot write {shown}: its lock file {path} is {what}, not a lock file xiezuo made; "
            "remove it"
        )


def _acquire(shown: str, path: str, descriptor: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = _FIRST_DELAY
    while not _try_lock(shown, path, descriptor):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockTimeout(
                f"cannot write {shown}: another process is changing it (its lock {path} was not "
                f"released within {timeout:g} s); try again"
            )
        time.sleep(min(remaining, delay * (0.5 + random.random() / 2)))
        delay = min(delay * 2, _LONGEST_DELAY)


def _try_lock(shown: str, path: str, descriptor: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if not _FLOCK:  # msvcrt says "locked" as EACCES or EDEADLOCK
            return False
        raise XiezuoError(
            f"cannot write {shown}: cannot lock {path}: {error.strerror or error}"
        ) from None
    return True


def _release(descriptor: int) -> None:
    # Closing the descriptor releases the lock too; unlocking first says so plainly.
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    except OSError:
        pass
