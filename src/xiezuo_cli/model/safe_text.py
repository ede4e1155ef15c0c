"""Text from the data made safe to show: control characters become visible escapes.

A record's item or note, a user-typed name in an error message, or a path may hold terminal
escape codes (``\\x1b[2J`` clears the screen, ``\\x1b]52;c;…\\x07`` writes the clipboard) or
characters that reorder or hide text (bidi overrides, zero-width spaces). Whatever reaches a
person goes through ``escape_controls`` first:

- always: C0 controls U+0000–U+001F, DEL U+007F, C1 controls U+0080–U+009F, and the Unicode
  line and paragraph separators U+2028/U+2029, shown as ``\\xNN`` or ``\\uNNNN``;
- with ``table=True`` (tables, Markdown, error messages: text laid out for the eye) also the
  bidi marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E,
  U+2066–U+2069) and the zero-width characters (U+200B–U+200D, U+2060, U+FEFF).

Printable text, Chinese included, and backslashes are left exactly as they are. ``keep`` names
controls a format handles itself (a table cell may keep ``"\\n"``, which Rich lays out as a line
break inside the cell).

``excel_guard`` keeps a spreadsheet from running a text cell as a formula, in a way
``excel_unguard`` undoes exactly (CSV --excel out, import in).

Only ``re`` is imported: the error edge uses this on every run.
"""

from __future__ import annotations

import re

# Shown as escapes everywhere text reaches a person.
CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
# Shown as escapes where text is laid out for the eye: they reorder or hide what is shown.
BIDI_AND_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection), also
# after leading blanks, and the full-width forms too (Excel folds them on input).
_FORMULA_CHARS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_FORMULA_STARTS = (*_FORMULA_CHARS, "\t", "\r")
_LEADING_BLANKS = " \t\r\n\u3000\u00a0"

_PLAIN = re.compile(f"[{CONTROLS}]")
_TABLE = re.compile(f"[{CONTROLS}{BIDI_AND_INVISIBLE}]")


def escape_char(char: str) -> str:
    """One character as an escape: ``\\x1b``, ``\\x85``, ``\\u202e``."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape_char(match.group())


def escape_controls(text: str, *, table: bool = False, keep: str = "") -> str:
    """``text`` with every control character (and, for ``table``, every bidi control and
    zero-width character) shown as ``\\xNN``/``\\uNNNN``; characters in ``keep`` stay as they
    are. ``escape_controls("a\\x1b[2Jb")`` is ``"a\\\\x1b[2Jb"``."""
    pattern = _TABLE if table else _PLAIN
    if keep:
        return pattern.sub(
            lambda match: match.group() if match.group() in keep else escape_char(match.group()),
            text,
        )
    return pattern.sub(_escape_match, text)


# How much of a value a message echoes: a name, an id, a number or a path someone typed or a
# file holds may be a megabyte long, and a message is one line a person reads.
SHOWN_CHARS = 60
# A path is shown longer: its end (the file name) is what tells one file from another.
PATH_CHARS = 240
# The longest message line the error edge writes; a longer one loses its middle (a backstop:
# the values in it should have been cut already).
MESSAGE_CHARS = 2000


def cut(value: object, limit: int = SHOWN_CHARS) -> str:
    """``value`` as text, at most ``limit`` characters of it and ``…`` if there was more."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def cut_path(path: object) -> str:
    """A path for a message: whole up to PATH_CHARS characters, else its start and its end."""
    text = str(path)
    if len(text) <= PATH_CHARS:
        return text
    return text[: PATH_CHARS // 3] + "…" + text[-(PATH_CHARS * 2 // 3) :]


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """``value`` for a message as ``{value!r}`` shows it (text quoted, a number as it is), cut
    as ``cut`` does."""
    if isinstance(value, str):
        return repr(cut(value, limit))
    return cut(repr(value), limit)


def cut_message(message: str, limit: int = MESSAGE_CHARS) -> str:
    """A message of at most about ``limit`` characters: a longer one keeps its start and its
    end (where the reason is) and says how much of the middle was left out."""
    if len(message) <= limit:
        return message
    head, tail = message[: limit * 2 // 3], message[-(limit // 3) :]
    return f"{head} … ({len(message) - len(head) - len(tail):,} characters left out) … {tail}"


def has_controls(text: str, *, table: bool = False) -> bool:
    """True if ``escape_controls`` would change ``text`` (with no ``keep``)."""
    return (_TABLE if table else _PLAIN).search(text) is not None


# ─── spreadsheets ───────────────────────────────────────────────────────────────────────


def _runs_as_formula(text: str) -> bool:
    return text.startswith(_FORMULA_STARTS) or text.lstrip(_LEADING_BLANKS).startswith(
        _FORMULA_CHARS
    )


def excel_guard(text: str) -> str:
    """``text`` with ``'`` in front if a spreadsheet would run it as a formula, or if it already
    starts with ``'`` before such text (``'=x`` becomes ``''=x``), so that ``excel_unguard``
    gives back exactly ``text``: import undoes the guard of a CSV written with --excel."""
    if _runs_as_formula(text.lstrip("'")):
        return "'" + text
    return text


def excel_unguard(cell: str) -> str:
    """The text ``excel_guard`` was given: one ``'`` less where the guard put one."""
    if cell.startswith("'") and _runs_as_formula(cell.lstrip("'")):
        return cell[1:]
    return cell
