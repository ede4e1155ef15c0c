"""Sorting rows and records by several fields, as people read them; and what a command was asked
to keep (``Selection``).

Chinese text sorts by pinyin (苍溪 before 旺苍 before 余杭), through a character → pinyin table
the build stores in the database (meta.pinyin), so no pinyin library is loaded at query time; a
character the table lacks sorts by itself, after the letters. Numbers sort as numbers, and a
missing value goes last whether the order is ascending or descending.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class Selection(NamedTuple):
    """--sort, --desc, --limit and (for records) --columns, typed."""

    sort: tuple[str, ...] = ()
    desc: bool = False
    limit: int | None = None
    columns: tuple[str, ...] = ()


def text_key(text: str, pinyin: Mapping[str, str]) -> str:
    """'苍溪县' -> 'cang xi xian ': pinyin syllables, each ended by a space so that 'xi an'
    and 'xian' stay apart; other characters as they are."""
    if text.isascii():
        return text.casefold()
    return "".join(pinyin[ch] + " " if ch in pinyin else ch for ch in text).casefold()


def _key(value: object, pinyin: Mapping[str, str]) -> Any:
    """A sort key of the value's kind (values of one field are of one kind)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return text_key(value, pinyin)
    if isinstance(value, list | tuple):
        return len(value)
    return value


def sort_by(
    items: Iterable[T],
    fields: Sequence[str],
    descending: bool,
    value_of: Callable[[T, str], object],
    pinyin: Mapping[str, str],
) -> list[T]:
    """Items sorted by ``fields`` in order (the first decides, the next breaks ties ...).

    One stable sort per field, from the last to the first; in each, the items with no value
    for that field are moved after the others, so missing values stay last either way.
    """
    ordered = list(items)
    for name in reversed(fields):
        present = [item for item in ordered if value_of(item, name) is not None]
        missing = [item for item in ordered if value_of(item, name) is None]
        present.sort(key=lambda item: _key(value_of(item, name), pinyin), reverse=descending)
        ordered = present + missing
    return ordered
