"""`xiezuo filter` expressions: ``field OP value``, parsed here and never passed to eval.

OP is one of = != > >= < <= ~ (``~`` means contains). The value is read by the field's type:
amounts take 万/亿 (amount_yuan>=3900万), dates take every form --since takes (as_of<2022-01),
booleans take true/false, and ``pairing`` takes any name --pair takes (pairing=苍溪). An empty
value or ``null`` matches a missing one (part_of=null).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from xiezuo_cli.amounts import AmountError, parse_quantity
from xiezuo_cli.dataset import Dataset
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import Record, first_day, last_day
from xiezuo_cli.query import QUERY_FIELDS

Predicate = Callable[[Record], bool]

_EXPRESSION = re.compile(r"\s*([A-Za-z_]+)\s*(>=|<=|!=|==|=|>|<|~)\s*(.*?)\s*", re.DOTALL)
_ORDER = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
NUMBER_FIELDS = ("amount_yuan", "value", "year", "citations")
DATE_FIELDS = ("as_of", "period_start", "period_end")
BOOL_FIELDS = ("cumulative",)
_TRUE = ("true", "yes", "1", "是")
_FALSE = ("false", "no", "0", "否")


def _number(text: str, field: str, expression: str) -> int | float:
    try:
        quantity = parse_quantity(text)
    except AmountError:
        quantity = None
    if quantity is None or quantity.unit not in ("", "元") or quantity.approx != "exact":
        raise UsageProblem(f"invalid number {text!r} for {field} in {expression!r}")
    return quantity.value


def _date_predicate(field: str, op: str, text: str, expression: str) -> Predicate:
    from xiezuo_cli.dates import DateParseError, parse_date_span

    try:
        span = parse_date_span(text)
    except DateParseError as error:
        raise UsageProblem(f"{expression!r}: {error}") from None
    tests: dict[str, Callable[[date], bool]] = {
        "=": lambda d: span.first <= d <= span.last,
        "!=": lambda d: not span.first <= d <= span.last,
        ">": lambda d: d > span.last,
        ">=": lambda d: d >= span.first,
        "<": lambda d: d < span.first,
        "<=": lambda d: d <= span.last,
    }
    if op not in tests:
        raise UsageProblem(f"{expression!r}: {op} does not apply to dates")
    test = tests[op]
    # A period end of 2021-06 means the last day of June; a start, the first.
    edge = last_day if field == "period_end" else first_day

    def check(record: Record) -> bool:
        value = getattr(record, field)
        return value is not None and test(date.fromisoformat(edge(value)))

    return check


def _typed_value(field: str, text: str, expression: str) -> object:
    if field in NUMBER_FIELDS:
        return _number(text, field, expression)
    if field in BOOL_FIELDS:
        lowered = text.casefold()
        if lowered not in _TRUE + _FALSE:
            raise UsageProblem(f"{expression!r}: {field} is true or false")
        return lowered in _TRUE
    return text


def compile_expression(expression: str, data: Dataset) -> Predicate:
    match = _EXPRESSION.fullmatch(expression)
    if match is None:
        raise UsageProblem(
            f"invalid expression {expression!r}: write field OP value, "
            "OP one of = != > >= < <= ~, e.g. amount_yuan>=3900万"
        )
    field, op, text = match[1], "=" if match[2] == "==" else match[2], match[3]
    if field not in QUERY_FIELDS:
        raise UsageProblem(f"unknown field {field!r}; valid fields: {', '.join(QUERY_FIELDS)}")
    if text.casefold() in ("", "null", "none"):
        if op not in ("=", "!="):
            raise UsageProblem(f"{expression!r}: only = and != compare with null")
        want_missing = op == "="
        return lambda record: (_value(record, field) is None) == want_missing
    if op == "~":
        needle = text.casefold()
        return lambda record: needle in _text(record, field).casefold()
    if field in DATE_FIELDS:
        return _date_predicate(field, op, text, expression)
    if field == "pairing" and op in ("=", "!="):
        from xiezuo_cli.names import match_pairings

        ids = {p.id for p in match_pairings(data.pairings.values(), text)}
        inside = op == "="
        return lambda record: (record.pairing in ids) == inside
    value: Any = _typed_value(field, text, expression)
    if op in ("=", "!="):
        equal = op == "="
        return lambda record: (_value(record, field) == value) == equal
    compare = _ORDER[op]
    if field not in NUMBER_FIELDS and not isinstance(value, str):
        raise UsageProblem(f"{expression!r}: {op} does not apply to {field}")

    def ordered(record: Record) -> bool:
        actual = _value(record, field)
        return actual is not None and compare(actual, value)

    return ordered


def _value(record: Record, field: str) -> Any:
    """A field as expressions compare it: citations by their count, as CSV shows them."""
    if field == "citations":
        return len(record.citations)
    return getattr(record, field)


def _text(record: Record, field: str) -> str:
    """A field as ``~`` searches it: citations by their sources, quotes and notes."""
    if field == "citations":
        return " ".join(f"{c.source} {c.quote or ''} {c.note or ''}" for c in record.citations)
    return str(_shown(getattr(record, field)))


def _shown(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def compile_all(expressions: Iterable[str], data: Dataset) -> tuple[Predicate, ...]:
    return tuple(compile_expression(expression, data) for expression in expressions)
