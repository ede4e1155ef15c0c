"""The one strict JSON decoder, for the database file (storage/store.py) and for the rows of an
import (authoring): a key twice, NaN or Infinity, an integer of more than MAX_INT_DIGITS digits
and a number that overflows to infinity are refused with JsonProblem, saying what is wrong.
"""

import json

# Digits of an integer, sign not counted: 20 holds every 64-bit integer, signed or not. Longer
# ones are mistakes, and past 4300 digits Python refuses to convert them at all.
MAX_INT_DIGITS = 20
_INFINITY = float("inf")


class JsonProblem(ValueError):
    """A value JSON can write but a database may not hold: what is wrong with it."""


def duplicate_key(pairs: list[tuple[str, object]]) -> str:
    """The first key of an object's ``pairs`` that is there twice (there is one)."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise ValueError("no key is there twice")


def _strict_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise JsonProblem(f"the key {duplicate_key(pairs)[:40]!r} is there twice")
    return document


def long_int(token: str) -> str:
    """What is wrong with an integer of too many digits."""
    return f"an integer of {len(token.lstrip('-')):,} digits (the limit is {MAX_INT_DIGITS})"


def overflow(token: str) -> str:
    """What is wrong with a number too large for a float."""
    text = token if len(token) <= 60 else token[:60] + "…"
    return f"the number {text!r} is too large (it overflows to infinity)"


def constant(token: str) -> str:
    """What is wrong with NaN, Infinity or -Infinity."""
    return f"{token} is not a JSON number"


def _strict_int(token: str) -> int:
    # The length first: most integers are short, and this runs for every one in a file.
    if len(token) > MAX_INT_DIGITS and len(token.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonProblem(long_int(token))
    return int(token)


def _strict_float(token: str) -> float:
    value = float(token)
    if value == _INFINITY or value == -_INFINITY:
        raise JsonProblem(overflow(token))
    return value


def _no_constant(token: str) -> object:
    raise JsonProblem(constant(token))


DECODER = json.JSONDecoder(
    object_pairs_hook=_strict_object,
    parse_int=_strict_int,
    parse_float=_strict_float,
    parse_constant=_no_constant,
)


# The tables of a database file, in the order every writer writes them.
TABLES = ("meta", "place", "pairing", "source", "record")
# Containers nested in one another, counting the top-level object. The format needs 5 or 6:
# top → table → document → list or object → object (→ list); 10 leaves room to grow.
MAX_DEPTH = 10
