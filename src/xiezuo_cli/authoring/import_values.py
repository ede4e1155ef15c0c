"""A row's values as the planner compares them: what a figure is (its content and its fact,
which a row citing it again must match), its citations, and where its figure is written.
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

from xiezuo_cli.authoring.import_types import Row
from xiezuo_cli.model.limits import is_slug
from xiezuo_cli.model.records import RECORD_FIELDS

# The fields a figure is matched by when a row cites it again, and the fields derived from the
# pairing, the period and the figure (a row must agree with them).
FACT_FIELDS = ("pairing", "category", "measure", "stage", "period_start", "period_end", "unit")
PAIRING_DERIVED = ("kind", "level", "provider", "provider_code", "receiver", "receiver_code")
PERIOD_DERIVED = ("year", "cumulative")
FIGURE_DERIVED = ("amount_yuan", "value", "unit")
CONTENT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("id", "source", "quote"))
_AT_LEAST_OR_ABOUT = ("超过", "不低于", "不少于", "超", "逾", "大约", "将近", "约", "近")


# ─── planning: what each row does ─────────────────────────────────────────────────────────


def _freeze(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value


def _citations_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"source": c.get("source"), "quote": c.get("quote"), "note": c.get("note")}
        for c in document.get("citations") or ()
    ]


def _content(values: Mapping[str, Any], flat: bool) -> tuple[object, ...]:
    """A figure's contract fields but its id, as the export shows them (``flat``: as CSV does:
    a citation count and the first citation's source and quote)."""
    key: list[object] = []
    for name in CONTENT_FIELDS:
        if name == "derived":  # never stored: what derivation gives (checked in _agree)
            key.append(values.get("derivation") is not None)
        elif name == "citations":
            if flat:
                key.append(values.get("_count"))
                key.append(values.get("_first"))
            else:
                key.append(_freeze(values.get("citations")))
        else:
            key.append(values.get(name))
    return tuple(key)


def stored_content(document: Mapping[str, Any], flat: bool) -> tuple[object, ...]:
    citations = _citations_of(document)
    values = dict(document)
    values["citations"] = citations
    if flat:
        values["_count"] = len(citations)
        first = citations[0] if citations else {}
        values["_first"] = (first.get("source"), first.get("quote"))
    return _content(values, flat)


def row_content(row: Row, values: Mapping[str, Any]) -> tuple[object, ...]:
    if not row.flat:
        shaped = dict(values)
        shaped["citations"] = _citations_of(values)
        return _content(shaped, False)
    shaped = dict(values)
    shaped["_count"] = values.get("citations")
    shaped["_first"] = (values.get("source"), values.get("quote"))
    return _content(shaped, True)


def fact_of(values: Mapping[str, Any]) -> tuple[object, ...]:
    return (*(values.get(name) for name in FACT_FIELDS), values.get("value"))


def row_citations(row: Row) -> list[dict[str, Any]]:
    if row.flat:
        citation = {"source": row.values.get("source"), "quote": row.values.get("quote")}
        if row.sheet is not None and row.values.get("same_as") is not None:
            citation["note"] = row.values.get("note")  # a sheet's citation row: its note
        return [citation]
    return [dict(c) for c in row.values["citations"]]


class Refused(Exception):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def slug_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and is_slug(value) else None


class StubSource(NamedTuple):
    published: str | None  # the latest as_of citing it
    quotes: tuple[str, ...]  # in file order, each once
    quoted_at: str | None  # where it is first quoted


def row_citations_values(values: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    citations = values.get("citations")
    if isinstance(citations, list):
        return [c for c in citations if isinstance(c, Mapping)]
    return [{"source": values.get("source")}]


def field_name(field: str, row: Row, money: bool) -> str:
    """authoring's field names as the file's columns."""
    if field == "amount":
        return "amount_yuan"
    if field == "figure" and "figure" not in row.values:
        return "amount_yuan" if money else "value"
    if row.flat and field.startswith("citations["):
        return field.partition(".")[2] or "source"
    return field


def figure_text(values: Mapping[str, Any]) -> str:
    amount = values.get("amount_yuan")
    if amount is not None:
        return f"{amount} yuan"
    return f"{values.get('value')} {values.get('unit')}"


def figure_in_quotes(values: Mapping[str, Any], row: Row) -> str | None:
    """The figure as the article writes it, found in the row's first quote: the longest run
    ending in the unit that reads back to the same value and unit (and, by preference, the same
    approximation), not cut out of a longer number. None when there is none: the figure is then
    the number as the file writes it."""
    from xiezuo_cli.model.amounts import AmountError, parse_quantity

    quote: str | None = next(
        (c.get("quote") for c in row_citations(row) if isinstance(c.get("quote"), str)), None
    )
    unit = values.get("unit")
    if not quote or not isinstance(unit, str) or not unit:
        return None
    amount = values.get("amount_yuan")
    value = amount if amount is not None else values.get("value")
    endings = {"元"} if amount is not None else {unit, *({"名", "人次"} if unit == "人" else ())}
    fallback = None
    for ending in sorted(endings):
        at = quote.find(ending)
        while at >= 0:
            end = at + len(ending)
            for begin in range(max(0, at - 16), at):
                text = quote[begin:end]
                if not (text[0] in _NUMERALS or text.startswith(_AT_LEAST_OR_ABOUT)):
                    continue
                before = quote[max(0, begin - 2) : begin]
                if before[-1:] in tuple(_NUMERALS) or (
                    before[-1:] in (".", ",", "，") and before[:1].isdigit()
                ):
                    continue  # inside a longer number
                try:
                    quantity = parse_quantity(text)
                except AmountError:
                    continue
                if quantity.value != value:
                    continue
                if (amount is not None) != quantity.is_money or (
                    amount is None and quantity.unit not in endings
                ):
                    continue
                if quantity.approx == values.get("approx"):
                    return text
                fallback = fallback or text
            at = quote.find(ending, at + 1)
    return fallback


_NUMERALS = "0123456789〇零一二两三四五六七八九十百千万亿"
