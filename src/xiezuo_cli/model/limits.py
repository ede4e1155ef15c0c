"""The one statement of what a stored value may be: ids and codes, dates, the bounds of numbers,
and the characters no name may hold. The loader (storage/validate.py) and the writers
(authoring) both check with these; each says the problem in its own words.
"""

import functools
import re

# An id: lower-case ASCII letters and digits in runs joined by single hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A GB/T 2260 place code: six digits, not starting with 0.
CODE = re.compile(r"[1-9][0-9]{5}")
# A date as records store it: YYYY, YYYY-MM or YYYY-MM-DD.
DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
# Control characters, lone surrogates, bidi overrides and zero-width characters have no place in a
# name a user types or an id a user copies; a note may hold tabs and line breaks.
UNSAFE_IN_NAMES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
UNSAFE_IN_NOTES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)

# Sane bounds: anything past them is a typo or an attack, and would print as nonsense.
MAX_YUAN = 10**14  # 100 万亿元: more than any cooperation programme's money
MAX_VALUE = 10**15
MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_ID_LENGTH = 200
MAX_CITATIONS = 100

_SLUG_MATCH = SLUG.fullmatch


def is_slug(value: object) -> bool:
    """An id of at most MAX_ID_LENGTH characters."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and _SLUG_MATCH(value) is not None


@functools.lru_cache(maxsize=4096)  # a file repeats the same few dates many times
def real_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar day, in the years data can have."""
    match = DATE.fullmatch(text)
    if match is None:
        return False
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    if match[2] is None:
        return True
    month = int(match[2])
    if not 1 <= month <= 12:
        return False
    if match[3] is None:
        return True
    import calendar

    return 1 <= int(match[3]) <= calendar.monthrange(year, month)[1]


def is_date(value: object, *, day: bool = False) -> bool:
    """A real date as text (``day``: a whole YYYY-MM-DD)."""
    return isinstance(value, str) and real_date(value) and (not day or len(value) == 10)


def is_integer(value: object) -> bool:
    """An int that is not a bool (JSON's true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """A number within ±MAX_VALUE (NaN is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return -MAX_VALUE <= value <= MAX_VALUE


def is_text(value: object) -> bool:
    """Text that is not blank."""
    return isinstance(value, str) and value.strip() != ""


def is_name(value: object) -> bool:
    """Text a user types or copies: not blank, not too long, no control, bidi or zero-width
    characters."""
    return (
        isinstance(value, str)
        and value.strip() != ""
        and len(value) <= MAX_ID_LENGTH
        and UNSAFE_IN_NAMES.search(value) is None
    )
