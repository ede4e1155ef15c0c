"""The console entry point and the error edge shared by both command-line paths.

A well-formed query command line (the common case in scripts: ``xiezuo funds --pair 苍溪 --csv``)
is parsed by argv.py from the option declarations and run without importing Typer, which alone
costs about five times Python's own start-up. Anything else (help, completion, a typo, a missing
value) goes to the Typer app, which owns the documented interface and its error messages.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from xiezuo_cli.errors import ExitStatus, ReaderGone, XiezuoError

T = TypeVar("T")

BROKEN_PIPE_STATUS = ExitStatus.BROKEN_PIPE


def fail(message: str, status: int) -> NoReturn:
    sys.stderr.write(f"xiezuo: error: {message}\n")
    sys.stderr.flush()
    sys.exit(status)


def _silence_stdout() -> None:
    """After the reader of a pipe went away, make the final flush at exit harmless."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's buffer)
        pass


def guard(run: Callable[[], T]) -> T:
    """Run a command; turn every failure into one line on stderr and a documented exit code."""
    try:
        return run()
    except (BrokenPipeError, ReaderGone):
        _silence_stdout()
        sys.exit(BROKEN_PIPE_STATUS)
    except XiezuoError as error:
        fail(str(error), error.exit_status)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(ExitStatus.INTERRUPTED)
    except Exception as error:  # the last line of defence: no traceback for users
        if os.environ.get("XIEZUO_DEBUG"):
            raise
        fail(f"unexpected {type(error).__name__}: {error}", ExitStatus.ERROR)


def main() -> int:
    """`xiezuo` and `python -m xiezuo_cli`."""
    from xiezuo_cli import argv

    parsed = None if os.environ.get("XIEZUO_NO_FASTPATH") else argv.parse(sys.argv[1:])
    if parsed is not None:
        from xiezuo_cli.commands import RUNNERS

        name, raw = parsed
        guard(lambda: RUNNERS[name](raw))
        guard(sys.stdout.flush)  # a closed pipe shows up here for short outputs
        return ExitStatus.OK
    from xiezuo_cli.cli import app

    app()
    return ExitStatus.OK
