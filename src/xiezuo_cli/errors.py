"""The exit codes and the domain errors that map onto them.

The core raises these; only the CLI edge (``cli/edge.py``) turns them into a message and an
exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Documented exit codes: README and ``xiezuo --help`` list the same four."""

    OK = 0
    ERROR = 1  # unexpected: a bug, or the system failed us
    USAGE = 2  # bad option value, unknown pairing or field
    DATA = 3  # the data file is missing, unreadable or invalid
    INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of a pipe left early, as for any Unix tool


class XiezuoError(Exception):
    """Base of every error the CLI reports as one line instead of a traceback."""

    exit_status = ExitStatus.ERROR


class ReaderGone(XiezuoError):
    """stdout's reader closed the pipe (``xiezuo list | head -1``): stop quietly.

    Not an OSError on purpose: Typer turns a broken pipe OSError into a bare exit 1 itself.
    """

    exit_status = ExitStatus.BROKEN_PIPE


class UsageProblem(XiezuoError):
    """The user asked for something that cannot be: a bad value, an unknown name."""

    exit_status = ExitStatus.USAGE


class DataFileError(XiezuoError):
    """The database file is missing or invalid. Names the file, and the record and field if any."""

    exit_status = ExitStatus.DATA

    def __init__(
        self, path: object, problem: str, *, record: str | None = None, field: str | None = None
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.record = record
        self.field = field
        where = [self.path]
        if record is not None:
            # "pairing yuhang-cangxi", "place 510824" name their kind; a bare id is a record's.
            where.append(record if " " in record else f"record {record}")
        if field is not None:
            where.append(f"field {field}")
        super().__init__(": ".join([*where, problem]))


class LockTimeout(XiezuoError):
    """Another process held the database's write lock for longer than we were willing to wait."""

    exit_status = ExitStatus.ERROR


class IndexDamaged(XiezuoError):
    """The derived index of a database (index.py) failed a check while being read. The command
    is run again from the file itself, unless rows may already have reached stdout
    (``partial``): then this is the one line the user sees, and the next run rebuilds it."""

    exit_status = ExitStatus.ERROR

    def __init__(self, problem: str, *, partial: bool = False) -> None:
        self.problem = problem
        self.partial = partial
        super().__init__(
            f"the index in the cache folder failed a check ({problem}) after output began; it "
            "has been removed: run the command again"
        )
