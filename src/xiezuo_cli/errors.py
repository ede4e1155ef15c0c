"""The exit codes and the domain errors that map onto them.

The core raises these; only the CLI edge (``cli.py``) turns them into a message and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Documented exit codes: README and ``xiezuo --help`` list the same four."""

    OK = 0
    ERROR = 1  # unexpected: a bug, or the system failed us
    USAGE = 2  # bad option value, unknown pairing or field
    DATA = 3  # the data file is missing, unreadable or invalid


class XiezuoError(Exception):
    """Base of every error the CLI reports as one line instead of a traceback."""

    exit_status = ExitStatus.ERROR


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
            where.append(f"record {record}")
        if field is not None:
            where.append(f"field {field}")
        super().__init__(": ".join([*where, problem]))
