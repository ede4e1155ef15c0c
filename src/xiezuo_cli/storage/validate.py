"""Turn the raw documents of a database file into value objects, or say exactly what is wrong.

Every check names the file, the record (or place, pairing, source) and the field, so a curator can
go straight to the line. Loading stops at the first problem: one clear line beats a wall of them,
and a file with one broken reference usually has no second. A file this module accepts is one
whose totals are right: every rule `funds` relies on (no part bigger than its whole, no cycle, no
fork in a revision chain, no unlinked overlapping running totals) is checked here, so no other
command can trip over it later.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model.periods import first_day, last_day, period_year
from xiezuo_cli.model.records import Citation, Pairing, Place, Record, Source
from xiezuo_cli.model.vocab import (
    ACTORS,
    APPROX,
    CATEGORIES,
    KINDS,
    LEVELS,
    MONEY_UNIT,
    SCHEMA_VERSION,
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


def _pinyin(path: str, meta: list[dict[str, Any]]) -> dict[str, str]:
    """The character -> pinyin table the build stores for sorting; optional (a hand-made or
    imported database may have none: Chinese then sorts by code point)."""
    table = meta[0].get("pinyin", {}) if meta else {}
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) and v.isascii() and v.isalpha()
        for k, v in table.items()
    ):
        raise DataFileError(
            path, "expected a table of one character to its pinyin", record="meta", field="pinyin"
        )
    return table


def _schema_version(path: str, meta: list[dict[str, Any]]) -> None:
    versions = [doc.get("schema_version") for doc in meta]
    if versions == [SCHEMA_VERSION]:
        return
    found = versions[0] if len(versions) == 1 else versions
    if found == 1:
        raise DataFileError(
            path,
            "schema version 1 (xiezuo 0.1) is not supported: this xiezuo reads version 2, which "
            "adds places, periods, citations, revisions, stages and actors; rebuild the file "
            "with scripts/build_db.py",
        )
    raise DataFileError(
        path, f"schema version {found!r} is not supported (expected {SCHEMA_VERSION})"
    )


def _place(path: str, raw: dict[str, Any]) -> Place:
    doc = _Document(path, f"place {raw.get('id', '?')}", raw)
    code = doc.get(
        "code",
        lambda v: v is None or (isinstance(v, str) and _CODE.fullmatch(v) is not None),
        "a six-digit code or null",
    )
    place_id = doc.place_id("id")
    if code is not None and place_id != code:
        raise doc.fail("id", f"must be the place's code {code}")
    return Place(
        id=place_id,
        code=code,
        name=doc.name("name"),
        full_name=doc.name("full_name"),
        short=doc.name("short"),
        level=doc.choice("level", LEVELS),
        parent=doc.place_id("parent", optional=True),
        keys=doc.keys("names"),
    )


def _pairing(path: str, raw: dict[str, Any], places: dict[str, Place]) -> Pairing:
    doc = _Document(path, f"pairing {raw.get('id', '?')}", raw)
    names = doc.get("names", lambda v: isinstance(v, dict), "an object of name forms")
    sides = {}
    for side in ("provider", "receiver"):
        place_id = doc.place_id(side)
        if place_id not in places:
            raise doc.fail(side, f"no place {place_id!r}")
        sides[side] = places[place_id]
    since = doc.date("since", optional=True)
    if since is not None and len(since) > 7:
        raise doc.fail("since", "expected a year or year-month like 2021-05")
    return Pairing(
        id=doc.slug("id"),
        kind=doc.choice("kind", KINDS),
        provider=sides["provider"],
        receiver=sides["receiver"],
        since=since,
        source=doc.slug("source", optional=True),
        note=doc.optional_text("note"),
        pair_keys=_Document(path, doc.label, names).keys("pair"),
    )


def _source(path: str, raw: dict[str, Any]) -> Source:
    doc = _Document(path, f"source {raw.get('id', '?')}", raw)
    text_held = doc.boolean("text_held")
    text_file = doc.optional_text("text_file")
    if text_held and not text_file:
        raise doc.fail("text_file", "missing for a source whose text is held")
    if text_file is not None:
        from xiezuo_cli.storage.held import text_file_problem

        # A crafted path would point reads and `remove` at another file (sources/../my.json).
        problem = text_file_problem(text_file)
        if problem is not None:
            raise doc.fail("text_file", problem)
    return Source(
        id=doc.slug("id"),
        title=doc.optional_text("title"),
        publisher=doc.text("publisher"),
        author=doc.optional_text("author"),
        published=doc.date("published"),
        published_inferred=doc.boolean("published_inferred"),
        url=doc.optional_text("url"),
        reprint_of=doc.optional_text("reprint_of"),
        excerpt_only=doc.boolean("excerpt_only"),
        text_held=text_held,
        text_file=text_file if text_held else None,
        note=doc.optional_text("note"),
    )


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


_SLUG_MATCH = _SLUG.fullmatch


def _fast_record(
    raw: dict[str, Any], pairings: dict[str, Pairing], sources: dict[str, Source]
) -> Record | None:
    """The record, when every field is plainly valid; else None, and _record, which checks the
    same rules field by field, says what is wrong. The same rules in one function with no calls
    per field: most of a large file's loading time is these checks, and almost every record
    passes them. Anything unusual (a missing key, a subclass of str, a NaN) takes the slow path;
    tests/test_validate_fast.py checks the two agree on valid and broken records alike."""
    try:
        values = _RECORD_VALUES(raw)
    except KeyError:
        return None
    record_id, pairing_id, kind, level, provider, provider_code, receiver = values[:7]
    receiver_code, category, item, measure, value, unit, amount, approx = values[7:15]
    start, end, year, cumulative, as_of, stage, actor, scope = values[15:23]
    part_of, revises, raw_citations, note, figure = values[23:]
    if not (
        type(record_id) is str
        and len(record_id) <= MAX_ID_LENGTH
        and _SLUG_MATCH(record_id) is not None
        and type(pairing_id) is str
        and pairing_id in pairings
        and type(raw_citations) is list
        and 0 < len(raw_citations) <= 100
    ):
        return None
    citations = []
    seen: set[str] = set()
    known_by = None
    for cited in raw_citations:
        if type(cited) is not dict:
            return None
        try:
            source_id, quote, cited_note = _CITATION_VALUES(cited)
        except KeyError:
            return None
        if type(source_id) is not str or source_id in seen or source_id not in sources:
            return None
        source = sources[source_id]
        if source.text_held:
            if type(quote) is not str or not quote.strip():
                return None
        elif quote is not None:
            return None
        if cited_note is not None and type(cited_note) is not str:
            return None
        seen.add(source_id)
        citations.append(Citation(source_id, quote, cited_note))
        if known_by is None or source.known_by < known_by:
            known_by = source.known_by
    if (
        (start is not None and (type(start) is not str or not _real_date(start)))
        or (end is not None and (type(end) is not str or not _real_date(end)))
        or (start and end and first_day(start) > last_day(end))
        or (amount is not None and (type(amount) is not int or not 0 <= amount <= MAX_YUAN))
        or (year is not None and (type(year) is not int or not MIN_YEAR <= year <= MAX_YEAR))
        or (type(value) is not int and type(value) is not float)
        or not -MAX_VALUE <= value <= MAX_VALUE
        or type(as_of) is not str
        or len(as_of) != 10
        or not _real_date(as_of)
        or type(cumulative) is not bool
    ):
        return None
    for text in (provider, receiver, item, measure, unit, figure):
        if type(text) is not str or not text.strip():
            return None
    for optional in (provider_code, receiver_code, note):
        if optional is not None and type(optional) is not str:
            return None
    for link in (part_of, revises):
        if link is not None and (
            type(link) is not str or len(link) > MAX_ID_LENGTH or _SLUG_MATCH(link) is None
        ):
            return None
    if not (
        type(kind) is str
        and kind in KINDS
        and type(level) is str
        and level in LEVELS
        and type(category) is str
        and category in CATEGORIES
        and type(approx) is str
        and approx in APPROX
        and type(stage) is str
        and stage in STAGES
        and type(actor) is str
        and actor in ACTORS
        and type(scope) is str
        and scope in SCOPES
    ):
        return None
    span_year = period_year(start, end)
    pairing = pairings[pairing_id]
    if (
        kind != pairing.kind
        or level != pairing.level
        or provider != pairing.provider.full_name
        or provider_code != pairing.provider.code
        or receiver != pairing.receiver.full_name
        or receiver_code != pairing.receiver.code
        or year != span_year
        or cumulative != (bool(start or end) and span_year is None)
    ):
        return None
    if amount is not None:
        if unit != MONEY_UNIT or value != amount:
            return None
    elif unit == MONEY_UNIT:
        return None
    derivation = raw.get("derivation")
    if derivation is not None and (type(derivation) is not str or not derivation.strip()):
        return None
    return Record._make(
        (
            *values[:_CITATIONS_AT],
            tuple(citations),
            *values[_CITATIONS_AT + 1 :],
            known_by,
            derivation,
        )
    )


# Every stored field a record must have, in the order of Record's fields: one C call fetches
# them all (derivation, which older databases lack, is read on its own).
_RECORD_VALUES = operator.itemgetter(*Record._fields[: Record._fields.index("known_by")])
_CITATION_VALUES = operator.itemgetter("source", "quote", "note")
_CITATIONS_AT = Record._fields.index("citations")


def _unique(path: str, kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            label = identifier if kind == "record" else f"{kind} {identifier}"
            raise DataFileError(path, "the id is used twice", record=label)
        seen.add(identifier)


class _Places:
    """Ancestry questions about places, from parent links checked to exist, to climb in level and
    to end at a root (each place is walked once, so a long chain costs linear time)."""

    def __init__(self, path: str, places: dict[str, Place]) -> None:
        self.places = places
        done: set[str] = set()
        for place in places.values():
            trail: set[str] = set()
            current = place
            while current.id not in done and current.parent is not None:
                if current.id in trail:
                    raise DataFileError(
                        path, "parent links form a cycle", record=f"place {current.id}"
                    )
                trail.add(current.id)
                parent = places.get(current.parent)
                if parent is None:
                    raise DataFileError(
                        path,
                        f"no place {current.parent!r}",
                        record=f"place {current.id}",
                        field="parent",
                    )
                if LEVELS.index(parent.level) > LEVELS.index(current.level):
                    raise DataFileError(
                        path,
                        f"its parent {parent.id} is at a lower level ({parent.level})",
                        record=f"place {current.id}",
                        field="parent",
                    )
                current = parent
            done |= trail

    def within(self, place: str, ancestor: str) -> bool:
        """Whether ``place`` is ``ancestor`` or lies inside it."""
        current: str | None = place
        while current is not None:
            if current == ancestor:
                return True
            current = self.places[current].parent
        return False


def _check_part_of(
    path: str, pairings: dict[str, Pairing], places: _Places, by_id: dict[str, Record]
) -> None:
    parts_total: dict[str, int | float] = {}
    for record in by_id.values():
        if record.part_of is None:
            continue
        fail = _Document(path, record.id, {}).fail
        whole = by_id.get(record.part_of)
        if whole is None:
            raise fail("part_of", f"no record {record.part_of!r}")
        if whole.id == record.id:
            raise fail("part_of", "a record cannot be part of itself")
        if whole.pairing != record.pairing:
            mine, theirs = pairings[record.pairing], pairings[whole.pairing]
            if not (
                places.within(mine.provider.id, theirs.provider.id)
                and places.within(mine.receiver.id, theirs.receiver.id)
            ):
                raise fail(
                    "part_of",
                    f"{whole.id} belongs to {whole.pairing}, which is neither this pairing "
                    f"({record.pairing}) nor one above it",
                )
        if whole.unit != record.unit:
            raise fail("part_of", f"{whole.id} is counted in {whole.unit}, this in {record.unit}")
        if record.value > whole.value and whole.approx != "at_least":
            raise fail("part_of", f"larger than its whole {whole.id}")
        parts_total[whole.id] = parts_total.get(whole.id, 0) + record.value
    for whole_id, total in parts_total.items():
        whole = by_id[whole_id]
        # A lower bound (280余万) may be exceeded by its parts (150余+15余+约20+超100).
        if total > whole.value and whole.approx != "at_least":
            raise DataFileError(
                path,
                f"its parts add up to {total}, more than its value {whole.value}",
                record=whole_id,
                field="value",
            )
    _check_acyclic(path, by_id, "part_of")


def _check_acyclic(path: str, by_id: dict[str, Record], field: str) -> None:
    """No chain of ``field`` links comes back to where it started: each record is walked once."""
    done: set[str] = set()
    for start in by_id.values():
        trail: list[str] = []
        on_trail: set[str] = set()
        current: Record | None = start
        while current is not None and current.id not in done:
            if current.id in on_trail:
                raise DataFileError(path, f"{field} forms a cycle", record=current.id, field=field)
            trail.append(current.id)
            on_trail.add(current.id)
            target = getattr(current, field)
            current = by_id.get(target) if target is not None else None
        done.update(trail)


def _check_revisions(path: str, by_id: dict[str, Record]) -> None:
    revised_by: dict[str, str] = {}
    for record in by_id.values():
        if record.revises is None:
            continue
        fail = _Document(path, record.id, {}).fail
        old = by_id.get(record.revises)
        if old is None:
            raise fail("revises", f"no record {record.revises!r}")
        for field in ("pairing", "category", "measure", "unit"):
            if getattr(old, field) != getattr(record, field):
                raise fail(
                    "revises",
                    f"{old.id} has another {field} ({getattr(old, field)}); a revision gives a "
                    "new value for the same thing",
                )
        if old.known_by > record.known_by:
            raise fail("revises", f"{old.id} was published after this record")
        if old.id in revised_by:
            raise fail("revises", f"{old.id} is already revised by {revised_by[old.id]}")
        revised_by[old.id] = record.id
    _check_acyclic(path, by_id, "revises")


def _linked(a: Record, b: Record, by_id: dict[str, Record]) -> bool:
    """Whether one record holds the other through part_of, or both are in one revision chain."""
    for field in ("part_of", "revises"):
        for first, second in ((a, b), (b, a)):
            current: Record | None = first
            while current is not None:
                target = getattr(current, field)
                if target == second.id:
                    return True
                current = by_id.get(target) if target is not None else None
    return False


def _check_running_totals(path: str, by_id: dict[str, Record]) -> None:
    """Two running totals of one thing that overlap in time would be added twice: link them."""
    groups: dict[tuple[str, str, str, str], list[Record]] = {}
    for record in by_id.values():
        if record.scope == "running_total":
            key = (record.pairing, record.category, record.measure, record.stage)
            groups.setdefault(key, []).append(record)
    for members in groups.values():
        spans = sorted(
            (
                first_day(r.period_start) if r.period_start else "0000-00-00",
                last_day(r.period_end) if r.period_end else "9999-99-99",
                r.id,
            )
            for r in members
        )
        for index, (_start, end, record_id) in enumerate(spans):
            for other_start, _other_end, other_id in spans[index + 1 :]:
                if other_start > end:
                    break
                if not _linked(by_id[record_id], by_id[other_id], by_id):
                    raise DataFileError(
                        path,
                        f"overlaps the running total {other_id} of the same pairing, category, "
                        "measure and stage; link them (part_of or revises) or they add up twice",
                        record=record_id,
                        field="scope",
                    )


def build(
    path: str, tables: dict[str, list[dict[str, Any]]]
) -> tuple[
    dict[str, Place], dict[str, Pairing], dict[str, Source], tuple[Record, ...], dict[str, str]
]:
    """Validate the raw tables: places, pairings, sources and records by id, and the pinyin
    table for sorting."""
    _schema_version(path, tables["meta"])
    pinyin = _pinyin(path, tables["meta"])
    place_list = [_place(path, raw) for raw in tables["place"]]
    _unique(path, "place", [place.id for place in place_list])
    places = {place.id: place for place in place_list}
    ancestry = _Places(path, places)
    source_list = [_source(path, raw) for raw in tables["source"]]
    _unique(path, "source", [source.id for source in source_list])
    sources = {source.id: source for source in source_list}
    pairing_list = [_pairing(path, raw, places) for raw in tables["pairing"]]
    _unique(path, "pairing", [pairing.id for pairing in pairing_list])
    pairings = {pairing.id: pairing for pairing in pairing_list}
    for pairing in pairing_list:
        if pairing.source is not None and pairing.source not in sources:
            raise DataFileError(
                path,
                f"no source {pairing.source!r}",
                record=f"pairing {pairing.id}",
                field="source",
            )
    records = [
        _fast_record(raw, pairings, sources) or _record(path, raw, pairings, sources)
        for raw in tables["record"]
    ]
    _unique(path, "record", [record.id for record in records])
    by_id = {record.id: record for record in records}
    _check_part_of(path, pairings, ancestry, by_id)
    _check_revisions(path, by_id)
    _check_running_totals(path, by_id)
    records_by_id = tuple(sorted(records, key=lambda record: record.id))
    return places, pairings, sources, records_by_id, pinyin
