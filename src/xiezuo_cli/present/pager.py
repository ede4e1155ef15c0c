"""Long tables on a terminal go through a pager, as git's and gh's output does.

    with pager.paging(output.pager):
        render.records_table(...)

Inside ``paging``, what is written to sys.stdout is held; at the end it is either written out
or piped to the pager. The pager is used only when all of these hold:

- paging is enabled (``--no-pager`` turns it off);
- stdout is a terminal (never in a pipe or a file);
- a pager is configured: ``XIEZUO_PAGER``, else ``PAGER``, else ``less -FRX``; an empty value
  (``XIEZUO_PAGER=``) or ``cat`` means no pager; the value is split like a shell word list
  (``less -R``), not run by a shell;
- the output does not fit the screen: it takes at least as many screen rows as the terminal
  has (``terminal.height``; a line wider than the terminal counts as the rows it wraps to), so
  the last row stays free for the prompt.

A pager that is not found, cannot start, or exits with a failure before reading everything
leaves the output printed as if there were none. A reader that quits early (``q`` in less) ends
the command quietly, with exit 0. While the pager runs, Ctrl-C is left to it (as git does):
xiezuo waits for it to end. As in git, ``LESS`` defaults to ``FRX`` and ``LV`` to ``-c`` in the
pager's environment, so colour passes through and the screen is not cleared.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any, TextIO

from xiezuo_cli.present import terminal

DEFAULT_PAGER = "less -FRX"
NO_PAGER = ("", "cat")
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def pager_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run, as an argument list; None when paging is turned off by the
    environment or the command cannot be read."""
    environ = os.environ if environ is None else environ
    text = DEFAULT_PAGER
    for name in ("XIEZUO_PAGER", "PAGER"):
        if name in environ:
            text = environ[name]
            break
    try:
        words = shlex.split(text)
    except ValueError:  # an unbalanced quote: not a command we can run
        return None
    if not words or (len(words) == 1 and os.path.basename(words[0]) in NO_PAGER):
        return None
    return words


def screen_rows(text: str, width: int) -> int:
    """Rows ``text`` takes on a terminal ``width`` cells wide, long lines wrapping."""
    width = max(width, 1)
    rows = 0
    for line in text.splitlines():
        cells = terminal.cell_width(_ESCAPES.sub("", line))
        rows += max(1, -(-cells // width))
    return rows


def fits(text: str, height: int, width: int) -> bool:
    """Whether ``text`` shows whole on a screen of ``height`` rows and leaves a row for the
    prompt."""
    return screen_rows(text, width) < height


def decide(
    text: str,
    *,
    enabled: bool,
    is_terminal: bool,
    height: int,
    width: int,
    environ: Mapping[str, str] | None = None,
) -> list[str] | None:
    """The pager command to show ``text`` with, or None to print it. Pure: spawns nothing."""
    if not enabled or not is_terminal:
        return None
    command = pager_command(environ)
    if command is None or fits(text, height, width):
        return None
    return command


class _Held(io.StringIO):
    """Stands in for a terminal stdout while output is held: it says it is a terminal and
    gives the terminal's file descriptor, so the width and colour decisions stay the same."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._stream.fileno()

    # StringIO declares encoding a plain attribute; here it is the held stream's, read through
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"


@contextmanager
def paging(enabled: bool = True) -> Iterator[None]:
    """Hold what is written to sys.stdout, then page it or write it (see the module's doc).

    Off a terminal, or with paging turned off, nothing is held: output is written as it comes.
    If the body raises, what it wrote is dropped and the error goes on.
    """
    stream = sys.stdout
    if not enabled or not terminal.is_terminal(stream) or pager_command() is None:
        yield
        return
    held = _Held(stream)
    sys.stdout = held
    try:
        yield
    finally:
        sys.stdout = stream
    show(held.getvalue(), stream)


def show(text: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> None:
    """Write ``text`` to ``stream`` (a terminal), through the pager when it does not fit."""
    command = decide(
        text,
        enabled=True,
        is_terminal=terminal.is_terminal(stream),
        height=terminal.height(stream),
        width=terminal.width(stream) or terminal.DEFAULT_WIDTH,
        environ=environ,
    )
    if command is None or not run_pager(command, text, stream, environ):
        _write(text, stream)


def _write(text: str, stream: TextIO) -> None:
    # Line by line, so that an encoding error (PYTHONIOENCODING=ascii) leaves what came before
    # it written, as when the output is not held.
    for line in text.splitlines(keepends=True):
        stream.write(line)
    stream.flush()


def run_pager(
    command: Sequence[str],
    text: str,
    stream: TextIO,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Pipe ``text`` to the pager; False when it could not be used (nothing was shown)."""
    program = shutil.which(command[0])
    if program is None:
        return False
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        data = text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False  # written the usual way, which reports the error
    env = dict(os.environ if environ is None else environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    stream.flush()
    try:
        process = subprocess.Popen(
            [program, *command[1:]], stdin=subprocess.PIPE, stdout=stream.fileno(), env=env
        )
    except (OSError, ValueError):
        return False
    interrupt = _ignore_interrupts()
    stdin = process.stdin
    assert stdin is not None
    try:
        # A reader that quits before the end (q in less) breaks the pipe: nothing more to show.
        with contextlib.suppress(BrokenPipeError):
            stdin.write(data)
        with contextlib.suppress(BrokenPipeError):
            stdin.close()
        status = process.wait()
    finally:
        _restore_interrupts(interrupt)
    # A pager that exits with a failure (a bad option, a command that is not a pager) has shown
    # nothing: print instead. One that was quit early, or ended by a signal, has done its job.
    return status <= 0


def _ignore_interrupts() -> Callable[[int, FrameType | None], Any] | int | None:
    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # not the main thread
        return None


def _restore_interrupts(previous: Callable[[int, FrameType | None], Any] | int | None) -> None:
    if previous is None:
        return
    with contextlib.suppress(ValueError, OSError, TypeError):
        signal.signal(signal.SIGINT, previous)
