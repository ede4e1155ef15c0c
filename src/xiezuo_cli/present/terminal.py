"""The terminal xiezuo writes to: whether stdout is one, and how wide and how high it is.

Tables are laid out to ``width``: the ``COLUMNS`` environment variable when it holds a positive
whole number, else the terminal's own size. ``COLUMNS=0``, ``COLUMNS=abc`` or a terminal that
reports 0 columns (a pseudo-terminal nobody sized) mean ``DEFAULT_WIDTH``, 80, so a table is never
laid out to nothing. Off a terminal (a pipe, a file) there is no width: ``width`` is None and a
table is as wide as its widest row. ``height`` is the same for ``LINES`` and rows (default 24);
the pager uses it to decide whether output fits the screen.

Only os, sys and unicodedata: this is imported on the table path, never by machine formats.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Mapping
from typing import TextIO

DEFAULT_WIDTH = 80
DEFAULT_HEIGHT = 24


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default: sys.stdout) is a terminal. A closed or replaced stream
    without ``isatty`` is not."""
    stream = sys.stdout if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _from_environment(name: str, environ: Mapping[str, str]) -> int | None:
    """The size an environment variable gives: None when unset, 0 when it is 0 or not a whole
    number (which callers take as "use the default", not as "detect")."""
    text = environ.get(name)
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        return 0
    return max(value, 0)


def _os_size(stream: TextIO) -> os.terminal_size | None:
    try:
        return os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None


def width(stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int | None:
    """Columns to lay tables out to, or None off a terminal (no width to fit)."""
    stream = sys.stdout if stream is None else stream
    if not is_terminal(stream):
        return None
    given = _from_environment("COLUMNS", os.environ if environ is None else environ)
    if given is not None:
        return given or DEFAULT_WIDTH
    size = _os_size(stream)
    return (size.columns if size else 0) or DEFAULT_WIDTH


def height(stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Rows of the terminal: LINES, else the terminal's own size; 0, junk or unknown is 24."""
    stream = sys.stdout if stream is None else stream
    given = _from_environment("LINES", os.environ if environ is None else environ)
    if given is not None:
        return given or DEFAULT_HEIGHT
    size = _os_size(stream)
    return (size.lines if size else 0) or DEFAULT_HEIGHT


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: two for a wide (Chinese) character, none for a combining
    mark. Rich's own measure is used for layout (table.py); this one, close enough to count
    screen rows, keeps Rich out of the pager."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufeff":
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total
