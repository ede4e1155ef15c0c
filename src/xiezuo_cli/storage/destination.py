"""Where ``-o FILE`` may write: a regular file the user named, and nothing of xiezuo's own.

Every command that takes ``-o`` (every query command, ``validate``, ``export`` in every format
including ``sqlite``, and ``import``'s report) calls ``check`` once, before it reads anything,
and writes nothing if it refuses (UsageProblem: one line, exit 2). Refused, after following
links and relative paths:

- the database in use, its write lock (``.NAME.lock``), anything in its held texts folder
  (``sources/`` beside it), xiezuo's cache folder (the index and snapshots of every database),
  the data bundled with xiezuo (installed, or a checkout's data/xiezuo.json beside its
  records.yaml), and the file being imported;
- a file that is any of these under another name: a hard link (same device and inode);
- any other xiezuo database: an existing file that begins as one does (``{"meta": {"1":
  {"schema_version"``), so that ``-o`` naming some other copy of the data is a mistake caught,
  not a database lost.

What the atomic writer itself refuses (``files.resolve_target``: a link that points nowhere, a
directory, a device, a named pipe, anything under ``/dev``, ``/proc`` or ``/sys``) is checked
here too, so that ``check`` says everything at once. ``-`` and ``/dev/stdout`` (also
``/dev/fd/1`` and ``/proc/self/fd/1``) are standard output: ``is_stdout``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import cut_path

# Names of standard output: written to the stream itself, never opened and replaced.
STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_stdout(path: str) -> bool:
    return path in STDOUT_NAMES


def check(path: str, *, database: str | None, inputs: Sequence[str] = ()) -> str:
    """The real path ``-o PATH`` would write, or UsageProblem saying why it may not."""
    from xiezuo_cli.storage.files import resolve_target

    real = resolve_target(path)
    try:
        status: os.stat_result | None = os.stat(real)
    except OSError:
        status = None
    for what, place, folder in _protected(database, inputs):
        inside = real == place or (folder and real.startswith(place.rstrip(os.sep) + os.sep))
        if inside:
            raise _refused(path, what)
    from xiezuo_cli.storage import dataset

    # A checkout's build (data/xiezuo.json beside data/records.yaml) is bundled data too, even
    # when the xiezuo running is an installed copy whose bundled file lives elsewhere.
    if dataset.is_bundled(real):
        raise _refused(path, "the data bundled with xiezuo")
    if status is not None:
        for what, other in _files(database, inputs):
            if os.path.samestat(status, other):
                raise _refused(path, f"another name (a hard link) of {what}")
        if _is_a_database(real):
            raise _refused(path, "a xiezuo database")
    return real


# How every xiezuo database begins, whitespace removed: TinyDB's first table is meta, and its
# one document starts with the schema version.
_DATABASE_START = b'{"meta":{"1":{"schema_version":'


def _is_a_database(real: str) -> bool:
    try:
        with open(real, "rb") as file:
            head = file.read(256)
    except OSError:
        return False
    return b"".join(head.split()).startswith(_DATABASE_START)


def _refused(path: str, what: str) -> UsageProblem:
    return UsageProblem(
        f"--output {cut_path(path)} is {what}: refusing to write over it; nothing was written"
    )


def _protected(database: str | None, inputs: Sequence[str]) -> Iterator[tuple[str, str, bool]]:
    """(what it is, its real path, whether it is a folder) for everything -o may not touch."""
    from xiezuo_cli.storage import dataset
    from xiezuo_cli.storage.held import SOURCES_FOLDER

    if database is not None:
        from xiezuo_cli.storage.locking import lock_path

        real = os.path.realpath(database)
        yield f"the database {cut_path(database)}", real, False
        yield f"the lock file of the database {cut_path(database)}", lock_path(database), False
        sources = os.path.join(os.path.dirname(real), SOURCES_FOLDER)
        yield "in the held texts folder of the database", sources, True
        yield "in the held texts folder of the database", os.path.realpath(sources), True
    bundled = dataset.bundled_path()
    yield "the data bundled with xiezuo", os.path.realpath(bundled), False
    sources = os.path.join(os.path.dirname(os.path.realpath(bundled)), SOURCES_FOLDER)
    yield "in the held texts folder of the bundled data", sources, True
    cache = _cache_folder()
    if cache is not None:
        yield "in xiezuo's cache folder", cache, True
        yield "in xiezuo's cache folder", os.path.realpath(cache), True
    for given in inputs:
        yield f"the file being read ({cut_path(given)})", os.path.realpath(given), False


def _cache_folder() -> str | None:
    from xiezuo_cli.storage import cache

    datasets = cache.folder()  # <cache>/xiezuo/datasets; the index is <cache>/xiezuo/index
    return os.path.dirname(datasets) if datasets is not None else None


def _files(database: str | None, inputs: Sequence[str]) -> Iterator[tuple[str, os.stat_result]]:
    """The status of every protected file that exists, for the hard-link check."""
    for what, place, folder in _protected(database, inputs):
        if not folder:
            yield from _stat(what, (place,))
        else:
            for folder_path, _, names in os.walk(place):
                yield from _stat(f"a file {what}", (os.path.join(folder_path, n) for n in names))


def _stat(what: str, paths: Iterable[str]) -> Iterator[tuple[str, os.stat_result]]:
    for path in paths:
        try:
            yield what, os.stat(path)
        except OSError:
            continue
