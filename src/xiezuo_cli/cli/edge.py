"""The error edge shared by both command-line paths: where exceptions become exit codes.

Every failure leaves as one line on stderr, ``xiezuo: error: …``, with control, bidi and
zero-width characters shown as escapes (a message may quote a name the user typed or a value
from the data), and a documented exit code. Output that cannot be written is exit 1 with one
line, never a traceback or Python's exit 120: stdout closed (``xiezuo pairs >&-``), a full disk
(``xiezuo export >/dev/full``), or an encoding that cannot show the data
(``PYTHONIOENCODING=ascii xiezuo list``: xiezuo does not guess a replacement for data it cannot
write; it names the encoding and the first character it could not write, and what was written
before stays). A reader that leaves a pipe early (``| head -1``) is exit 141, silently.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from xiezuo_cli.errors import ExitStatus, ReaderGone, XiezuoError

T = TypeVar("T")

BROKEN_PIPE_STATUS = ExitStatus.BROKEN_PIPE
DEBUG_VALUES = ("1", "true", "yes")
UTF8_HINT = "use a UTF-8 locale or PYTHONIOENCODING=utf-8"


def debug() -> bool:
    """XIEZUO_DEBUG=1, true or yes shows tracebacks; unset, empty, 0 or anything else does not."""
    return os.environ.get("XIEZUO_DEBUG", "").strip().lower() in DEBUG_VALUES


def _write_error(line: str) -> None:
    """Write to stderr whatever its encoding; if stderr itself is gone, say nothing."""
    stream = sys.stderr
    if stream is None:  # started with 2>&-
        return
    try:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            line = line.encode(encoding, "backslashreplace").decode(encoding)
        except (LookupError, UnicodeError):
            line = line.encode("ascii", "backslashreplace").decode("ascii")
        stream.write(line)
        stream.flush()
    except (OSError, ValueError):
        pass


def error_line(message: str) -> str:
    """The one line an error is: controls shown as escapes, and at most about
    safe_text.MESSAGE_CHARS long (a value the message echoes may be a megabyte; each should
    have been cut where it was quoted, and this is the backstop)."""
    from xiezuo_cli.model.safe_text import cut_message, escape_controls  # only on the way out

    return f"xiezuo: error: {cut_message(escape_controls(message, table=True))}\n"


def fail(message: str, status: int) -> NoReturn:
    _write_error(error_line(message))
    sys.exit(status)


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null, so that the final flush at exit cannot fail (a reader that went
    away, a full disk) and Python does not add its own message and exit 120."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no real file descriptor (a test's buffer)
        pass


def _same_codec(one: str | None, other: str | None) -> bool:
    try:
        import codecs

        return codecs.lookup(one or "").name == codecs.lookup(other or "").name
    except LookupError:
        return False


def _output_encoding_problem(error: UnicodeEncodeError) -> str | None:
    """The message for data that stdout's encoding cannot hold, or None if not stdout's."""
    stdout_encoding = getattr(sys.stdout, "encoding", None)
    if not _same_codec(error.encoding, stdout_encoding):
        return None
    char = error.object[error.start : error.end][:1]
    shown = f"U+{ord(char):04X}" if char else "a character"
    # What was written before is kept; flush it now, or drop it if even that fails.
    try:
        sys.stdout.flush()
    except (OSError, ValueError, UnicodeError):
        _silence_stdout()
    return f"cannot write the output: its encoding {stdout_encoding} has no {shown}; {UTF8_HINT}"


def _output_problem(error: OSError) -> str | None:
    """The message for an OSError that writing stdout raised, or None if it was not that.

    Writes to stdout raise OSError without a file name (ENOSPC on /dev/full, EIO, EBADF);
    opening or reading a file names it.
    """
    if error.filename is not None or error.filename2 is not None or error.errno is None:
        return None
    _silence_stdout()  # whatever is still buffered cannot be written either
    return f"cannot write the output: {error.strerror or error}"


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
        _write_error("\n")
        sys.exit(ExitStatus.INTERRUPTED)
    except UnicodeEncodeError as error:
        problem = _output_encoding_problem(error)
        if problem is None:
            _unexpected(error)
        fail(problem, ExitStatus.ERROR)
    except OSError as error:
        problem = _output_problem(error)
        if problem is None:
            _unexpected(error)
        fail(problem, ExitStatus.ERROR)
    except Exception as error:  # the last line of defence: no traceback for users
        _unexpected(error)


def _unexpected(error: Exception) -> NoReturn:
    if debug():
        raise error
    fail(f"unexpected {type(error).__name__}: {error}", ExitStatus.ERROR)
