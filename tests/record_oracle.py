"""The record checker as it was before the one checker (storage/validate.py) replaced it: the
field-by-field reference it must agree with, record for record and message for message.

Kept here, independent of the code under test, as the oracle of tests/test_validate_fast.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model.periods import first_day, last_day, period_year
from xiezuo_cli.model.records import Citation, Pairing, Record, Source
from xiezuo_cli.model.vocab import (
    ACTORS,
    APPROX,
    CATEGORIES,
    KINDS,
    LEVELS,
    MONEY_UNIT,
    SCOPES,
    STAGES,
)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CODE = re.compile(r"[1-9][0-9]{5}")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
# Control characters, lone surrogates, bidi overrides and zero-width characters have no place in a
# name a user types or an id a user copies.
_UNSAFE_IN_NAMES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)

# Sane bounds: anything past them is a typo or an attack, and would print as nonsense.
MAX_YUAN = 10**14  # 100 万亿元: more than any cooperation programme's money
MAX_VALUE = 10**15
MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_ID_LENGTH = 200


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _shown(value: object) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:40] + "..."
        return " " + repr(text)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        return " " + (text if len(text) <= 24 else text[:24] + "...")
    return ""


_MISSING = object()
_NUMBER_EXPECTED = f"a number of at most {MAX_VALUE:.0e} in size"


@functools.lru_cache(maxsize=4096)  # a file repeats the same few dates many times
def _real_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar day, in the years data can have."""
    match = _DATE.fullmatch(text)
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


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Document:
    """Typed access to one document's fields, failing with file, id and field named."""

    def __init__(
        self, path: str, label: str, document: Mapping[str, Any], prefix: str = ""
    ) -> None:
        self.path = path
        self.label = label
        self.document = document
        self.prefix = prefix  # citations[0]. for a citation inside a record

    def fail(self, field: str | None, problem: str) -> DataFileError:
        named = None if field is None else self.prefix + field
        return DataFileError(self.path, problem, record=self.label, field=named)

    def get(
        self, field: str, check: Callable[[Any], bool], expected: str | Callable[[], str]
    ) -> Any:
        """The field's value if ``check`` accepts it. ``expected`` may be a function, so that a
        message built from data is only built when it is needed (this runs for every field of
        every record on every command)."""
        value = self.document.get(field, _MISSING)
        if value is _MISSING:
            raise self.fail(field, "missing")
        if not check(value):
            wanted = expected() if callable(expected) else expected
            raise self.fail(field, f"expected {wanted}, got {_type_name(value)}{_shown(value)}")
        return value

    def text(self, field: str) -> str:
        return self.get(field, lambda v: isinstance(v, str) and v.strip() != "", "text")

    def optional_text(self, field: str) -> str | None:
        return self.get(field, lambda v: v is None or isinstance(v, str), "text or null")

    def name(self, field: str) -> str:
        """Text a user types or copies: no control, bidi or zero-width characters."""
        return self.get(
            field,
            lambda v: (
                isinstance(v, str)
                and v.strip() != ""
                and len(v) <= MAX_ID_LENGTH
                and _UNSAFE_IN_NAMES.search(v) is None
            ),
            "a name without control characters",
        )

    def choice(self, field: str, allowed: tuple[str, ...]) -> str:
        return self.get(field, lambda v: v in allowed, lambda: "one of " + ", ".join(allowed))

    def slug(self, field: str, optional: bool = False) -> Any:
        def check(v: object) -> bool:
            if v is None:
                return optional
            return isinstance(v, str) and len(v) <= MAX_ID_LENGTH and _SLUG.fullmatch(v) is not None

        return self.get(field, check, "an ASCII slug like yuhang-cangxi" + (" or null" * optional))

    def place_id(self, field: str, optional: bool = False) -> Any:
        def check(v: object) -> bool:
            if v is None:
                return optional
            return isinstance(v, str) and (
                _CODE.fullmatch(v) is not None
                or (len(v) <= MAX_ID_LENGTH and _SLUG.fullmatch(v) is not None)
            )

        return self.get(field, check, "a place code like 510824 or a slug")

    def integer(self, field: str, low: int, high: int, optional: bool = False) -> Any:
        def check(v: object) -> bool:
            return (optional and v is None) or (_is_int(v) and low <= v <= high)  # type: ignore[operator]

        return self.get(
            field,
            check,
            lambda: f"an integer from {low} to {high}" + (" or null" if optional else ""),
        )

    def number(self, field: str) -> int | float:
        def check(v: object) -> bool:
            if isinstance(v, bool) or not isinstance(v, int | float):
                return False
            return -MAX_VALUE <= v <= MAX_VALUE

        return self.get(field, check, _NUMBER_EXPECTED)

    def boolean(self, field: str) -> bool:
        return self.get(field, lambda v: isinstance(v, bool), "true or false")

    def date(self, field: str, optional: bool = False, day: bool = False) -> Any:
        def check(v: object) -> bool:
            if v is None:
                return optional
            if not isinstance(v, str) or not _real_date(v):
                return False
            return not day or len(v) == 10

        form = "a real date like 2021-11-17" if day else "a real date: 2021, 2021-11 or 2021-11-17"
        return self.get(field, check, lambda: form + (" or null" if optional else ""))

    def keys(self, field: str) -> frozenset[str]:
        def check(v: object) -> bool:
            return isinstance(v, list) and all(isinstance(k, str) and k for k in v)

        return frozenset(self.get(field, check, "a list of name forms"))


def _citations(doc: _Document, sources: dict[str, Source]) -> tuple[Citation, ...]:
    raw = doc.get(
        "citations", lambda v: isinstance(v, list) and len(v) <= 100, "a list of citations"
    )
    if not raw:
        raise doc.fail("citations", "empty: a figure needs at least one citation")
    citations = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        field = f"citations[{index}]"
        if not isinstance(item, dict):
            raise doc.fail(field, f"expected a citation object, got {_type_name(item)}")
        cited = _Document(doc.path, doc.label, item, prefix=f"{field}.")
        source_id = cited.slug("source")
        source = sources.get(source_id)
        if source is None:
            raise cited.fail("source", f"no source {source_id!r}")
        if source_id in seen:
            raise cited.fail("source", f"{source_id} is cited twice")
        seen.add(source_id)
        quote = cited.optional_text("quote")
        if source.text_held and not (quote and quote.strip()):
            raise cited.fail("quote", f"missing: the text of {source_id} is held")
        if not source.text_held and quote is not None:
            raise cited.fail("quote", f"must be null: the text of {source_id} is not held")
        citations.append(Citation(source_id, quote, cited.optional_text("note")))
    return tuple(citations)


def _record(
    path: str, raw: dict[str, Any], pairings: dict[str, Pairing], sources: dict[str, Source]
) -> Record:
    doc = _Document(path, str(raw.get("id", "?"))[:MAX_ID_LENGTH], raw)
    record_id = doc.slug("id")
    doc.label = record_id
    pairing_id = doc.slug("pairing")
    pairing = pairings.get(pairing_id)
    if pairing is None:
        raise doc.fail("pairing", f"no pairing {pairing_id!r}")
    citations = _citations(doc, sources)
    start = doc.date("period_start", optional=True)
    end = doc.date("period_end", optional=True)
    if start and end and first_day(start) > last_day(end):
        raise doc.fail("period_end", f"the period ends ({end}) before it starts ({start})")
    amount = doc.integer("amount_yuan", 0, MAX_YUAN, optional=True)
    record = Record(
        id=record_id,
        pairing=pairing_id,
        kind=doc.choice("kind", KINDS),
        level=doc.choice("level", LEVELS),
        provider=doc.text("provider"),
        provider_code=doc.optional_text("provider_code"),
        receiver=doc.text("receiver"),
        receiver_code=doc.optional_text("receiver_code"),
        category=doc.choice("category", CATEGORIES),
        item=doc.text("item"),
        measure=doc.text("measure"),
        value=doc.number("value"),
        unit=doc.text("unit"),
        amount_yuan=amount,
        approx=doc.choice("approx", APPROX),
        period_start=start,
        period_end=end,
        year=doc.integer("year", MIN_YEAR, MAX_YEAR, optional=True),
        cumulative=doc.boolean("cumulative"),
        as_of=doc.date("as_of", day=True),
        stage=doc.choice("stage", STAGES),
        actor=doc.choice("actor", ACTORS),
        scope=doc.choice("scope", SCOPES),
        part_of=doc.slug("part_of", optional=True),
        revises=doc.slug("revises", optional=True),
        citations=citations,
        note=doc.optional_text("note"),
        figure=doc.text("figure"),
        known_by=min(sources[c.source].known_by for c in citations),
        derivation=_derivation(doc),
    )
    expected = {
        "kind": pairing.kind,
        "level": pairing.level,
        "provider": pairing.provider.full_name,
        "provider_code": pairing.provider.code,
        "receiver": pairing.receiver.full_name,
        "receiver_code": pairing.receiver.code,
        "year": period_year(start, end),
        "cumulative": bool(start or end) and period_year(start, end) is None,
    }
    for field, value in expected.items():
        if getattr(record, field) != value:
            raise doc.fail(field, f"must be {value!r}, as its pairing and period give")
    if record.amount_yuan is not None:
        if record.unit != MONEY_UNIT:
            raise doc.fail("unit", f"a money record's unit must be {MONEY_UNIT}")
        if record.value != record.amount_yuan:
            raise doc.fail("value", "a money record's value must equal amount_yuan")
    elif record.unit == MONEY_UNIT:
        raise doc.fail("amount_yuan", f"missing for a record in {MONEY_UNIT}")
    return record


def _derivation(doc: _Document) -> str | None:
    """How a derived figure was worked out: text, or null (or absent: a database written before
    the field loads as it was)."""
    if "derivation" not in doc.document:
        return None
    return doc.get(
        "derivation",
        lambda v: v is None or (isinstance(v, str) and v.strip() != ""),
        "the arithmetic as text, or null",
    )
