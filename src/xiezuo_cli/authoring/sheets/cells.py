"""One cell of a person's sheet, typed once, as it is read.

Each parser takes what a reader found in a cell — text (CSV, TSV, a JSON string), a number, a
flag (a JSON ``true``, an .xlsx boolean), a date cell of an .xlsx sheet (``DateCell``), or None
for an empty cell — and returns the typed value or None (not given), or raises ``CellError``
with a one-line reason. Which column uses which parser is declared once, in ``columns.py``.

Folding (NFKC: full-width digits, letters and signs to their plain forms, ``８６５０`` → ``8650``,
``ｙｕｈａｎｇ`` → ``yuhang``) is applied only where it cannot change what a text says: ids,
choices, flags, dates, periods, numbers, units and place names. Texts that are the data's own
words (measure, item, quote, note, derivation) are only trimmed, and a figure keeps the text as
written (``８６５０萬元``) while its value is read from the plain form.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from xiezuo_cli.authoring.inputs import FieldError, check_date, check_slug, parse_period
from xiezuo_cli.model.amounts import AmountError, Quantity, TooManyDigits, parse_quantity
from xiezuo_cli.model.dates import DateParseError, parse_date_span
from xiezuo_cli.model.limits import MAX_VALUE, MAX_YUAN
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import (
    ACTORS,
    ALIASES,
    APPROX,
    CATEGORIES,
    DISPLAY_UNITS,
    KINDS,
    STAGES,
)

PRECISIONS = ("year", "month", "day")


@dataclass(frozen=True, slots=True)
class DateCell:
    """A date cell of an .xlsx sheet (a date cell, or a serial number in a date column), with
    how much of it its number format shows: ``2021-05`` typed into Excel becomes the date
    2021-05-01 shown as a month, and is read back as the month it was."""

    value: date
    precision: str  # year | month | day

    def text(self) -> str:
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


@dataclass(frozen=True, slots=True)
class ShownNumber:
    """A number cell of an .xlsx sheet whose number format shows a unit after it (``0.0"万元"``
    shows 3900.5 as 3900.5万元): in the figure column it is the figure the sheet shows."""

    value: int | float
    unit: str  # 元, 万元, 亿元, 万, 亿


Raw = str | int | float | bool | DateCell | ShownNumber | date | time | timedelta | None


class CellError(ValueError):
    """A cell that cannot be read as its column's value; the message is the reason."""


class Written(NamedTuple):
    """The figure column: the text as written (trimmed, not folded) and what it reads as."""

    text: str
    quantity: Quantity  # unit "" for a bare number: the row's unit column says what it counts


class Period(NamedTuple):
    """YYYY, YYYY-MM or YYYY-MM-DD at each end; None for an open end (``2021..``)."""

    start: str | None
    end: str | None

    def text(self) -> str:
        if self.start == self.end and self.start is not None:
            return self.start
        return f"{self.start or ''}..{self.end or ''}"


# ─── text ───────────────────────────────────────────────────────────────────────────────


def number_text(number: int | float) -> str:
    """A number as a person would write it, exactly: 39000000.0 -> '39000000', 3900.5 ->
    '3900.5', 1e-05 -> '0.00001' (a float's shortest form, never its binary expansion)."""
    if isinstance(number, bool):
        raise CellError(f"{number} is a flag, not a number")
    if isinstance(number, int):
        return str(number)
    if not math.isfinite(number):
        raise CellError(f"{number} is not a number")
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


def _trimmed(raw: Raw) -> str | None:
    """The cell as text, spaces (also full-width and no-break) trimmed; None when empty."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
    elif isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, int | float):
        text = number_text(raw)
    elif isinstance(raw, ShownNumber):
        text = number_text(raw.value) + raw.unit
    elif isinstance(raw, DateCell):
        text = raw.text()
    elif isinstance(raw, datetime):
        text = raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    elif isinstance(raw, date | time):
        text = raw.isoformat()
    else:  # timedelta: a duration cell
        raise CellError(f"a duration ({raw}), not a value of this column")
    return text or None


def _folded(raw: Raw) -> str | None:
    text = _trimmed(raw)
    if text is None:
        return None
    return unicodedata.normalize("NFKC", text).strip() or None


def text(raw: Raw) -> str | None:
    """The data's own words (measure, item, quote, note, derivation): trimmed, not folded."""
    return _trimmed(raw)


def place(raw: Raw) -> str | None:
    """A place by any name form or code (苍溪, 广元市苍溪县, 510824, ５１０８２４); resolved later,
    against the database's places. Folded: a code in full-width digits is the same code."""
    return _folded(raw)


def identifier(raw: Raw) -> str | None:
    """An id (a record's, a source's): lower-case ASCII letters, digits and hyphens; full-width
    and upper-case letters are folded (ids are lower-case, so no two differ only by case)."""
    folded = _folded(raw)
    if folded is None:
        return None
    try:
        return check_slug("id", folded.lower())
    except FieldError as error:
        raise CellError(error.problem) from None


def unit(raw: Raw) -> str | None:
    """A unit: 元, 万元, 人, 个, %, 元/人·年 (full-width ％ folded)."""
    return _folded(raw)


# ─── choices ────────────────────────────────────────────────────────────────────────────

# The programme's earlier name (东西部扶贫协作, until 2021) is the same programme.
KIND_ALIASES = {"东西部扶贫协作": "东西部协作"}
# As tables show approx (精确, 下限, 约数), and 约.
APPROX_ALIASES = {"精确": "exact", "下限": "at_least", "约数": "about", "约": "about"}


def _choice(raw: Raw, allowed: tuple[str, ...], aliases: dict[str, str], what: str) -> str | None:
    folded = _folded(raw)
    if folded is None:
        return None
    key = folded.replace(" ", "")
    for candidate in (key, key.casefold()):
        if candidate in allowed:
            return candidate
        if candidate in aliases:
            return aliases[candidate]
    names = [*allowed, *(name for name in aliases if name not in allowed)]
    raise CellError(f"{shown(folded)} is not {what}: one of {', '.join(names)}")


def kind(raw: Raw) -> str | None:
    return _choice(raw, KINDS, KIND_ALIASES, "a kind")


def category(raw: Raw) -> str | None:
    return _choice(raw, CATEGORIES, {}, "a category")


def stage(raw: Raw) -> str | None:
    return _choice(raw, STAGES, ALIASES["stage"], "a stage")


def actor(raw: Raw) -> str | None:
    return _choice(raw, ACTORS, ALIASES["actor"], "an actor")


def approx(raw: Raw) -> str | None:
    return _choice(raw, APPROX, APPROX_ALIASES, "an approximation")


_TRUE = frozenset(("true", "yes", "y", "1", "是", "√", "✓", "✔"))
_FALSE = frozenset(("false", "no", "n", "0", "否", "×", "✗", "✘"))


def flag(raw: Raw) -> bool | None:
    """true/false, yes/no, y/n, 1/0, 是/否, √/× (any case); a flag cell of .xlsx or JSON."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return raw == 1
    folded = _folded(raw)
    if folded is None:
        return None
    key = folded.casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"{shown(folded)} is not true or false (是/否, yes/no, 1/0)")


# ─── numbers and figures ────────────────────────────────────────────────────────────────

_MAX_NUMBER_CHARS = 60
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def number(raw: Raw) -> int | float | None:
    """A number: 1200, 79.5, 1,200, １２００ (an int whenever it is whole; exact from the text:
    3900.5 stays 3900.5, 39000000.0 is 39000000)."""
    if isinstance(raw, bool):
        raise CellError(f"{raw} is a flag, not a number")
    if isinstance(raw, int | float):
        value: int | float = raw
        if isinstance(value, float):
            if not math.isfinite(value):
                raise CellError(f"{value} is not a number")
            if value.is_integer():
                value = int(value)
    elif isinstance(raw, DateCell | date | time | timedelta):
        raise CellError(f"a date or time ({_trimmed(raw)}), not a number")
    else:
        folded = _folded(raw.value if isinstance(raw, ShownNumber) else raw)
        if folded is None:
            return None
        plain = folded.replace(",", "").replace(" ", "")
        if len(plain) > _MAX_NUMBER_CHARS or not _NUMBER.fullmatch(plain):
            raise CellError(f"{shown(folded)} is not a number")
        value = int(plain) if re.fullmatch(r"[+-]?[0-9]+", plain) else float(plain)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    if abs(value) > MAX_VALUE:
        raise CellError(f"{shown(_trimmed(raw))} is too large (at most {MAX_VALUE:,})")
    return value


def yuan(raw: Raw) -> int | None:
    """Whole yuan, 0 or more (the amount_yuan column): 39000000, 39,000,000, 39000000.0."""
    value = number(raw)
    if value is None:
        return None
    if not isinstance(value, int):
        raise CellError(f"{shown(number_text(value))} is not a whole number of yuan")
    if value < 0:
        raise CellError(f"{value} is negative: an amount is 0 or more")
    if value > MAX_YUAN:
        raise CellError(f"{value} is more than {MAX_YUAN} yuan")
    return value


def figure(raw: Raw) -> Written | None:
    """The figure as written: 1.55亿元, 10余万元, 约6100万元, 三千万元, ８６５０萬元, 2,150万元,
    三十五名, 79.5% (amounts.parse_quantity: exact, the bound from the wording). A bare number
    (3900) is kept with unit "": the row's unit column must say what it is."""
    if isinstance(raw, bool):
        raise CellError(f"{raw} is a flag, not a figure")
    if isinstance(raw, DateCell | date | time | timedelta):
        raise CellError(
            f"a date ({_trimmed(raw)}), not a figure: the spreadsheet read the figure as a date;"
            " format the column as text and type it again"
        )
    written = _trimmed(raw)
    if written is None:
        return None
    if written.lstrip()[:1] in ("-", "−", "－"):
        raise CellError(f"{shown(written)} is negative: a figure is 0 or more")
    try:
        quantity = parse_quantity(written)
    except TooManyDigits as error:
        raise CellError(f"{shown(written)} is not a figure: {error.reason}") from None
    except AmountError:
        raise CellError(
            f"{shown(written)} is not a figure: write it as the article does (3900万元, "
            "1.55亿元, 10余万元, 三十五名)"
        ) from None
    return Written(written, quantity)


def money_in(value: int | float, unit_text: str) -> int:
    """``value`` ``unit_text`` (元, 万元, 亿元, 万, 亿) as exact whole yuan, or CellError."""
    written = number_text(value) + unit_text
    quantity = parse_quantity(written)
    if not isinstance(quantity.value, int):
        raise CellError(f"{written} is not a whole number of yuan ({quantity.value} yuan)")
    if quantity.value < 0:
        raise CellError(f"{written} is negative: an amount is 0 or more")
    if quantity.value > MAX_YUAN:
        raise CellError(f"{written} is more than {MAX_YUAN} yuan")
    return quantity.value


MONEY_UNITS = tuple(DISPLAY_UNITS)  # 元, 万元, 亿元


# ─── dates and periods ──────────────────────────────────────────────────────────────────


def _date_text(text: str) -> str:
    """One date in any form dates.py reads (2021, 2021-05, 2021/5/17, 2021年5月17日, June
    2021), as YYYY, YYYY-MM or YYYY-MM-DD: as precise as it was written."""
    try:
        span = parse_date_span(text)
    except DateParseError:
        raise CellError(f"{shown(text)} is not a date: use 2021, 2021-05 or 2021-05-17") from None
    first, last = span.first, span.last
    if first == last:
        found = first.isoformat()
    elif first.month == last.month and first.year == last.year:
        found = first.isoformat()[:7]
    else:
        found = f"{first.year:04d}"
    try:
        return check_date("date", found)
    except FieldError as error:
        raise CellError(error.problem) from None


def as_of(raw: Raw) -> str | None:
    """截至: a date, as precise as written (2021-11-17, 2021-11, 2021年11月17日, a date cell)."""
    if isinstance(raw, DateCell):
        return _date_text(raw.text())
    if isinstance(raw, datetime | date):
        return _date_text(_trimmed(raw) or "")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellError(
            f"{number_text(raw)} is a number, not a date: write 2021-11-17 (or format the "
            "cell as a date)"
        )
    folded = _folded(raw)
    return None if folded is None else _date_text(folded)


# Between the two ends of a period: .. (either end may be left open), or as Chinese writes a
# span (至, 到, —, –, ~). Never a lone hyphen: 2021-05 is a month.
_RANGE = re.compile(r"\.\.|至|到|—+|–|~")
_MONTH_ONLY = re.compile(r"([0-9]{1,2})月")


def period(raw: Raw) -> Period | None:
    """时期: 2021; 2021-05; 2021-05..2021-11; ..2019-08; 2021..; 2021年; 2021年5月至11月;
    2021年至2023年; 2021—2023年; a date cell (as precise as its format shows); a year number."""
    if isinstance(raw, DateCell):
        text_ = raw.text()
        return Period(text_, text_)
    if isinstance(raw, bool | time | timedelta):
        raise CellError(f"{shown(str(raw))} is not a period: use 2021 or 2021-05..2021-11")
    if isinstance(raw, datetime | date):
        raw = DateCell(raw if not isinstance(raw, datetime) else raw.date(), "day")
        return Period(raw.text(), raw.text())
    if isinstance(raw, int | float) and not (float(raw).is_integer() and 1000 <= raw <= 9999):
        raise CellError(
            f"{number_text(raw)} is not a period: use 2021, 2021-05 or 2021-05..2021-11"
        )
    folded = _folded(raw)
    if folded is None:
        return None
    plain = folded.replace(" ", "")
    pieces = _RANGE.split(plain)
    if len(pieces) == 1:
        if re.fullmatch(r"[0-9]{4}-[0-9]{4}", plain):
            raise CellError(
                f"{shown(folded)}: write a span of years as {plain[:4]}..{plain[5:]} "
                "(2021-05 is a month)"
            )
        one = _date_text(plain)
        ends: tuple[str | None, str | None] = (one, one)
    elif len(pieces) == 2:
        open_ends = _RANGE.search(plain)
        if open_ends is not None and open_ends.group() != ".." and not all(pieces):
            raise CellError(f"{shown(folded)} is not a period: write ..2021-11 for an open start")
        start_text, end_text = pieces
        start = _date_text(start_text) if start_text else None
        # 2021年5月至11月: an end without its year takes the start's.
        month = _MONTH_ONLY.fullmatch(end_text)
        end: str | None = None
        if month and start is not None:
            end = _date_text(f"{start[:4]}年{month[1]}月")
        elif end_text:
            end = _date_text(end_text)
        if start is None and end is None:
            raise CellError(f"{shown(folded)} is not a period: give a start, an end or both")
        ends = (start, end)
    else:
        raise CellError(f"{shown(folded)} is not a period: one start and one end")
    try:
        found = parse_period("period", ends)
    except FieldError as error:
        raise CellError(error.problem) from None
    return Period(*found)
