"""The values a person types, read and checked: FieldError (``<field>: <problem>``, exit 2),
choices, ids, dates and periods, amounts and values (``3900万``, ``1,200``), and whether a
quote holds a figure's number. Every check is one of model.limits' or model.amounts'.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.limits import (
    DATE,
    MAX_VALUE,
    MAX_YEAR,
    MAX_YUAN,
    MIN_YEAR,
    UNSAFE_IN_NAMES,
    UNSAFE_IN_NOTES,
    is_slug,
    real_date,
)
from xiezuo_cli.model.periods import last_day
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import (
    DISPLAY_UNITS,
    MONEY_UNIT,
)

# A number as written in a figure or a quote: 3900, 1,085, 2.22, and a 百千万亿 multiplier after it.
_NUMBER = re.compile(r"[0-9][0-9,，]*(?:\.[0-9]+)?")
_QUANTITY = re.compile(r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(?:余|多)?\s*([百千]?[万亿]?)")
_CHINESE_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
# A sentence ends at 。！？ or an ellipsis, with any closing quotation marks (as the build cuts).
_SENTENCE = re.compile(r"[^。！？…]*(?:[。！？]|…+)[”’」』]*|[^。！？…]+$")


class FieldError(UsageProblem):
    """A field a user gave cannot be stored: ``<field>: <problem>``, one line, exit 2."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


# ─── small readers of user-level values ───────────────────────────────────────────────────


def cut_repr(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:60] + "…")


def is_given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def text_field(
    fields: Mapping[str, object], name: str, *, required: bool, note: bool = False
) -> Any:
    value = fields.get(name)
    if not is_given(value):
        if required:
            raise FieldError(name, "missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(name, f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    unsafe = (UNSAFE_IN_NOTES if note else UNSAFE_IN_NAMES).search(text)
    if unsafe:
        raise FieldError(
            name, f"holds a control, bidi or zero-width character (U+{ord(unsafe[0]):04X})"
        )
    return text


def check_choice(field: str, value: object, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``, else FieldError listing them."""
    text = str(value).strip() if value is not None else ""
    if text not in allowed:
        raise FieldError(field, f"{cut_repr(text)} is not one of {', '.join(allowed)}")
    return text


def check_slug(field: str, value: object) -> str:
    text = str(value).strip() if value is not None else ""
    if not is_slug(text):
        raise FieldError(
            field, f"{cut_repr(text)} is not an id: lower-case ASCII letters, digits and hyphens"
        )
    return text


def check_date(field: str, value: object, *, month: bool = False) -> str:
    """A real date written YYYY, YYYY-MM or YYYY-MM-DD (``month``: YYYY or YYYY-MM only)."""
    text = str(value).strip()
    match = DATE.fullmatch(text)
    forms = "2021 or 2021-05" if month else "2021, 2021-05 or 2021-05-17"
    if match is None or (month and match[3] is not None):
        raise FieldError(field, f"{cut_repr(text)} is not a date: use {forms}")
    if not real_date(text):
        raise FieldError(
            field, f"{cut_repr(text)} is not a real date ({MIN_YEAR}–{MAX_YEAR}; use {forms})"
        )
    return text


def parse_period(field: str, value: object) -> tuple[str | None, str | None]:
    """``2021-05..2021-11``, ``2021`` (both ends), ``2021-05..`` or ``..2021-11`` (one open end),
    or a pair (start, end) of which either may be None."""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise FieldError(field, "expected a start and an end")
        ends = [None if not is_given(end) else str(end).strip() for end in value]
    else:
        text = str(value).strip()
        if ".." in text:
            start_text, _, end_text = text.partition("..")
            ends = [start_text.strip() or None, end_text.strip() or None]
        else:
            ends = [text, text]
    start, end = (None if end is None else check_date(field, end) for end in ends)
    if start is not None and end is not None and first_day_of(start) > last_day(end):
        raise FieldError(field, f"the period ends ({end}) before it starts ({start})")
    return start, end


def first_day_of(date_text: str) -> str:
    return date_text + "-01-01"[len(date_text) - 4 :] if len(date_text) < 10 else date_text


def boolean_field(fields: Mapping[str, object], name: str) -> bool:
    value = fields.get(name)
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise FieldError(name, f"{cut_repr(value)} is not true or false")


def refuse_unknown_fields(fields: Mapping[str, object], known: Sequence[str]) -> None:
    unknown = [name for name in fields if name not in known]
    if unknown:
        raise FieldError(unknown[0], f"no such field; the fields are {', '.join(known)}")


# ─── figures ──────────────────────────────────────────────────────────────────────────────


class Figure(NamedTuple):
    value: int | float
    unit: str
    amount_yuan: int | None
    figure: str  # as written
    approx: str  # what the wording gives


def _negative(text: str) -> bool:
    return text.lstrip()[:1] in ("-", "−", "－")


def parse_amount(field: str, value: object) -> Figure:
    """Money as typed: 3900万, 3900万元, 2.22亿, 100余万元, 39000000 (whole yuan, 0 or more).
    A Figure is one already parsed (the command line parses --amount once, at the edge)."""
    from xiezuo_cli.model.amounts import AmountError, TooManyDigits, parse_quantity

    if isinstance(value, Figure):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(
            field, f"{cut_repr(value)} is not an amount: use 3900万, 2.22亿 or 39000000"
        )
    text = str(value).strip()
    if _negative(text):
        raise FieldError(field, f"{cut_repr(text)} is negative: an amount is 0 or more")
    try:
        quantity = parse_quantity(text)
    except TooManyDigits as error:
        raise FieldError(field, f"{cut_repr(text)} is not an amount: {error.reason}") from None
    except AmountError:
        raise FieldError(
            field, f"{cut_repr(text)} is not an amount: use 3900万, 2.22亿, 100余万元 or 39000000"
        ) from None
    if quantity.unit not in ("", MONEY_UNIT):
        raise FieldError(
            field,
            f"{cut_repr(text)} is not money (元, 万, 亿); a count takes a value and a unit",
        )
    if not isinstance(quantity.value, int):
        raise FieldError(field, f"{cut_repr(text)} is not a whole number of yuan")
    if quantity.value > MAX_YUAN:
        raise FieldError(field, f"{cut_repr(text)} is more than {MAX_YUAN} yuan")
    return Figure(quantity.value, MONEY_UNIT, quantity.value, text, quantity.approx)


def parse_value(field: str, value: object) -> int | float:
    """A number: 1200, 79.5, 1,200 (an int whenever it is whole)."""
    if isinstance(value, bool):
        raise FieldError(field, f"{shown(value)} is not a number")
    if isinstance(value, int | float):
        number: int | float = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        from xiezuo_cli.model.amounts import MAX_DIGITS

        if sum(c.isdigit() for c in text) > MAX_DIGITS:
            raise FieldError(field, f"{cut_repr(value)} is too large")
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise FieldError(field, f"{cut_repr(value)} is not a number") from None
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")):
            raise FieldError(field, f"{cut_repr(value)} is not a number")
        if number.is_integer():
            number = int(number)
    if abs(number) > MAX_VALUE:
        raise FieldError(field, f"{cut_repr(value)} is too large")
    return number


def figure_field(fields: Mapping[str, object]) -> Figure:
    from xiezuo_cli.model.amounts import AmountError, TooManyDigits, parse_quantity

    amount, value, unit = fields.get("amount"), fields.get("value"), fields.get("unit")
    written = text_field(fields, "figure", required=False)
    if is_given(amount) and (is_given(value) or is_given(unit)):
        raise FieldError("amount", "give an amount, or a value and a unit, not both")
    if not is_given(amount) and not is_given(value) and not is_given(unit):
        if written is None:
            raise FieldError("amount", "missing: give an amount (3900万) or a value and a unit")
        amount = written  # the figure alone, as the build reads it
    if is_given(amount):
        found = parse_amount("figure" if amount is written else "amount", amount)
        if written is None:
            return found
        figure = parse_amount("figure", written) if written is not amount else found
        if figure.amount_yuan != found.amount_yuan:
            raise FieldError(
                "figure",
                f"{cut_repr(written)} says {figure.amount_yuan} yuan, "
                f"the amount {found.amount_yuan}",
            )
        return found._replace(figure=written, approx=figure.approx)
    if not is_given(value):
        raise FieldError("value", "missing: a unit needs a value")
    unit_text = text_field(fields, "unit", required=True)
    number = parse_value("value", value)
    typed = (str(value).strip() if isinstance(value, str) else _number_text(number)) + unit_text
    if unit_text in DISPLAY_UNITS:  # 3900 万元: money
        if number < 0:
            raise FieldError("value", f"{cut_repr(value)} is negative: an amount is 0 or more")
        money = parse_amount("value", _number_text(number) + unit_text)
        money = money._replace(figure=typed)
        if written is None:
            return money
        figure = parse_amount("figure", written)
        if figure.amount_yuan != money.amount_yuan:
            raise FieldError(
                "figure", f"{cut_repr(written)} says {figure.amount_yuan} yuan, the value {typed}"
            )
        return money._replace(figure=written, approx=figure.approx)
    if unit_text == MONEY_UNIT.strip():  # unreachable: 元 is a display unit
        raise FieldError("unit", "money is in 元")
    figure_text = written or typed
    try:
        quantity = parse_quantity(figure_text)
    except TooManyDigits as error:
        raise FieldError("figure" if written else "value", error.reason) from None
    except AmountError:
        if written is not None:
            raise FieldError(
                "figure", f"{cut_repr(written)} is not a figure (a number as written)"
            ) from None
        raise FieldError("value", f"{cut_repr(typed)} is not a figure") from None
    if written is not None and quantity.value != number:
        raise FieldError("figure", f"{cut_repr(written)} says {quantity.value}, the value {number}")
    return Figure(number, unit_text, None, figure_text, quantity.approx)


def _number_text(number: int | float) -> str:
    return str(number) if isinstance(number, int) else repr(number)


def number_in(quote: str, figure: Figure) -> bool:
    """Whether a quote holds the figure's number: as written (3900 of 3900万元, 三 of 三家), or the
    same value written another way (3900万元 for an amount typed 39000000)."""
    plain = quote.replace(",", "").replace("，", "")
    if figure.figure in quote:
        return True
    written = _NUMBER.search(figure.figure)
    if written is not None:
        if written[0].replace(",", "").replace("，", "") in plain:
            return True
    else:
        numerals = [c for c in figure.figure if c in _CHINESE_NUMERALS]
        if numerals and "".join(numerals) in quote:
            return True
    from xiezuo_cli.model.amounts import MAX_DIGITS, MULTIPLIERS

    for match in _QUANTITY.finditer(quote):
        whole, _, decimals = match[1].replace(",", "").replace("，", "").partition(".")
        if len(whole) + len(decimals) > MAX_DIGITS:
            continue  # no figure's number (int() would refuse past 4300 digits)
        multiplier = 1
        for character in match[2]:
            multiplier *= MULTIPLIERS[character]
        scaled = int(whole + decimals) * multiplier
        if scaled % 10 ** len(decimals) == 0 and scaled // 10 ** len(decimals) == figure.value:
            return True
    return False


def sentences(text: str) -> list[str]:
    """The sentences of a held text, cut as the build cuts them."""
    found: list[str] = []
    for paragraph in text.split("\n"):
        found.extend(s for s in _SENTENCE.findall(paragraph.strip()) if s.strip())
    return found
