"""Turn the dates users type (``--since``, ``--until``, ``filter`` on date fields) into day ranges.

Every accepted form names a year, a month or a day; ``parse_date_span`` returns the inclusive
range of days it covers, so ``2021`` and ``2021-12-31`` both end on 2021-12-31.

This module is on the CLI's start-up path, so its top level imports only the standard library;
``dateutil`` (~40 ms to import) is loaded only for English month names, after the fast numeric
and Chinese forms have failed to match.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

MIN_YEAR = 1900
MAX_YEAR = 2100

ACCEPTED_FORMS = "2021, 2021-06, 2021-06-15, June 2021 or 2021年6月"

# [0-9] rather than \d: \d also matches other scripts' digits that NFKC leaves alone.
_YEAR = re.compile(r"([0-9]{4})")
_YEAR_MONTH = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})")
# The backreference makes the two separators agree: 2021-06/15 is a typo, not a date.
_YEAR_MONTH_DAY = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_COMPACT_DAY = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
# 2021年, 2021年6月, 2021年6月15日 (or 号); spaces between the parts are tolerated.
_CHINESE = re.compile(r"([0-9]{4})\s*年(?:\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*[日号])?)?")

_ASCII_LETTER = re.compile(r"[A-Za-z]")

# Two reference datetimes that differ in every field: a component dateutil reports identically
# under both defaults must have come from the text. Both years are leap years and both days
# exist in every month, so neither default can make a valid text fail to parse.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2004, 2, 2, 1, 1, 1)


# The longest date form is about 30 characters ("Wednesday, 15 September 2021"); with room.
MAX_DATE_CHARS = 100


class DateParseError(ValueError):
    """A date the user typed could not be understood; the message is one line for the CLI."""

    def __init__(self, text: str) -> None:
        self.text = text
        shown = text if len(text) <= 60 else text[:60] + "…"
        super().__init__(f"invalid date '{_printable(shown)}': use {ACCEPTED_FORMS}")


@dataclass(frozen=True)
class DateSpan:
    """An inclusive range of days: a single day has ``first == last``."""

    first: date  # first day covered
    last: date  # last day covered (inclusive)


def parse_date_span(text: str) -> DateSpan:
    """Parse a year, month or day in any accepted form into the days it covers.

    Raises DateParseError (a ValueError) for anything else, naming the text and the forms.
    """
    # NFKC folds full-width digits and punctuation (２０２１／６) into ASCII.
    if len(text) > MAX_DATE_CHARS:  # no date is this long; the English parser would be slow
        raise DateParseError(text)
    normal = unicodedata.normalize("NFKC", text).strip()
    span = _parse_numeric(normal)
    if span is None:
        # Cheap regexes first: the English path may import dateutil.
        span = _parse_english(normal)
    if span is None:
        raise DateParseError(text)  # the original text: that is what the user will recognise
    return span


def _parse_numeric(text: str) -> DateSpan | None:
    """The regex forms: 2021, 2021-06, 2021/6/15, 20210615 and the Chinese 年月日 ones.

    None when no pattern matches or the numbers are out of range (2021-13, 2021-02-30).
    """
    if m := _YEAR.fullmatch(text):
        return _span(int(m[1]))
    if m := _YEAR_MONTH.fullmatch(text):
        return _span(int(m[1]), int(m[2]))
    if m := _YEAR_MONTH_DAY.fullmatch(text):
        return _span(int(m[1]), int(m[3]), int(m[4]))
    if m := _COMPACT_DAY.fullmatch(text):
        return _span(int(m[1]), int(m[2]), int(m[3]))
    if m := _CHINESE.fullmatch(text):
        return _span(int(m[1]), _int_or_none(m[2]), _int_or_none(m[3]))
    return None


def _int_or_none(digits: str | None) -> int | None:
    """An optional regex group as a number: None when that part was not written."""
    return None if digits is None else int(digits)


def _span(year: int, month: int | None = None, day: int | None = None) -> DateSpan | None:
    """The span for a year, or a month of it, or a day of that month; None if any part is bad."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is None:
        return DateSpan(date(year, 1, 1), date(year, 12, 31))
    if not 1 <= month <= 12:
        return None
    month_end = calendar.monthrange(year, month)[1]
    if day is None:
        return DateSpan(date(year, month, 1), date(year, month, month_end))
    if not 1 <= day <= month_end:
        return None
    return DateSpan(date(year, month, day), date(year, month, day))


def _parse_english(text: str) -> DateSpan | None:
    """English forms via dateutil: June 2021, Jun 2021, 15 June 2021, June 15, 2021.

    Only texts with a letter get here: dateutil would read purely numeric ones such as
    01/02/2021 as month-first, which is a guess we refuse to make.
    """
    if not _ASCII_LETTER.search(text):
        return None
    # Imported here, not at the top: see the module docstring.
    from dateutil import parser

    try:
        a = parser.parse(text, default=_DEFAULT_A)
        b = parser.parse(text, default=_DEFAULT_B)
    except (ValueError, ArithmeticError, TypeError):
        # dateutil fails in several ways: ParserError is a ValueError; huge numbers raise
        # OverflowError or decimal.InvalidOperation (both ArithmeticError); odd inputs TypeError.
        return None
    if a.year != b.year or a.month != b.month:
        return None  # no year (June) or no month (2021 15th): too vague to be a span
    if _gave_time(a, b) or a.tzinfo is not None:
        return None  # a time of day or zone was given: not a date we should silently truncate
    if not _has_four_digit_year(text, a.year):
        return None  # dateutil widens Jun 21 style two-digit years; we want the year spelled out
    if a.day != b.day:
        return _span(a.year, a.month)
    return _span(a.year, a.month, a.day)


def _gave_time(a: datetime, b: datetime) -> bool:
    """Whether any time-of-day field came from the text rather than from the two defaults."""
    return a.hour == b.hour or a.minute == b.minute or a.second == b.second


def _has_four_digit_year(text: str, year: int) -> bool:
    """Whether the year appears in the text as four digits of its own."""
    return re.search(rf"(?<![0-9]){year:04d}(?![0-9])", text) is not None


def _printable(text: str) -> str:
    """The text with control characters escaped, so the error message stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
