"""Turn the raw documents of a database file into value objects, or say exactly what is wrong.

Every check names the file, the record (or place, pairing, source) and the field, so a curator can
go straight to the line. Loading stops at the first problem: one clear line beats a wall of them,
and a file with one broken reference usually has no second. A file this module accepts is one
whose totals are right: every rule `funds` relies on (no part bigger than its whole, no cycle, no
fork in a revision chain, no unlinked overlapping running totals) is checked here, so no other
command can trip over it later.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model import rules
from xiezuo_cli.model.limits import (
    CODE,
    MAX_CITATIONS,
    MAX_ID_LENGTH,
    MAX_VALUE,
    MAX_YEAR,
    MAX_YUAN,
    MIN_YEAR,
    is_date,
    is_integer,
    is_name,
    is_number,
    is_slug,
    is_text,
)
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
from xiezuo_cli.storage import chains

_MISSING = object()
_NUMBER_EXPECTED = f"a number of at most {MAX_VALUE:.0e} in size"
_SLUG_EXPECTED = "an ASCII slug like yuhang-cangxi"
_DATE_EXPECTED = "a real date: 2021, 2021-11 or 2021-11-17"
_DAY_EXPECTED = "a real date like 2021-11-17"


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


def _wrong(value: object, expected: str) -> str:
    """The problem with a field's value: missing, or not what was expected."""
    if value is _MISSING:
        return "missing"
    return f"expected {expected}, got {_type_name(value)}{_shown(value)}"


def _optional(expected: str) -> str:
    return expected + " or null"


def _choices(allowed: tuple[str, ...]) -> str:
    return "one of " + ", ".join(allowed)


def _is_place_id(value: object) -> bool:
    return isinstance(value, str) and (CODE.fullmatch(value) is not None or is_slug(value))


class _Document:
    """Typed access to one document's fields (a place, pairing or source, a citation), failing
    with file, id and field named. Each check is one of model.limits'."""

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

    def get(self, field: str, check: Callable[[Any], bool], expected: str) -> Any:
        """The field's value if ``check`` accepts it."""
        value = self.document.get(field, _MISSING)
        if value is _MISSING or not check(value):
            raise self.fail(field, _wrong(value, expected))
        return value

    def text(self, field: str) -> str:
        value: str = self.get(field, is_text, "text")
        return value

    def optional_text(self, field: str) -> str | None:
        value: str | None = self.get(field, _text_or_null, "text or null")
        return value

    def name(self, field: str) -> str:
        value: str = self.get(field, is_name, "a name without control characters")
        return value

    def choice(self, field: str, allowed: tuple[str, ...]) -> str:
        value: str = self.get(field, allowed.__contains__, _choices(allowed))
        return value

    def slug(self, field: str, optional: bool = False) -> Any:
        expected = _optional(_SLUG_EXPECTED) if optional else _SLUG_EXPECTED
        return self.get(field, lambda v: is_slug(v) or (optional and v is None), expected)

    def place_id(self, field: str, optional: bool = False) -> Any:
        return self.get(
            field,
            lambda v: _is_place_id(v) or (optional and v is None),
            "a place code like 510824 or a slug",
        )

    def boolean(self, field: str) -> bool:
        value: bool = self.get(field, lambda v: isinstance(v, bool), "true or false")
        return value

    def date(self, field: str, optional: bool = False) -> Any:
        expected = _optional(_DATE_EXPECTED) if optional else _DATE_EXPECTED
        return self.get(field, lambda v: is_date(v) or (optional and v is None), expected)

    def keys(self, field: str) -> frozenset[str]:
        def check(v: object) -> bool:
            return isinstance(v, list) and all(isinstance(k, str) and k for k in v)

        return frozenset(self.get(field, check, "a list of name forms"))


def _text_or_null(value: object) -> bool:
    return value is None or isinstance(value, str)


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
        lambda v: v is None or (isinstance(v, str) and CODE.fullmatch(v) is not None),
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


def _start_sources(path: str, raw: dict[str, Any], sources: Mapping[str, Source]) -> None:
    """A pairing's further sources of its start (``start_sources``, optional: the sources
    beyond ``source`` that give the same start): a list of source ids, each a source of the
    database, none twice and not ``source`` itself, and only with a ``source``."""
    if "start_sources" not in raw:
        return
    label = f"pairing {raw.get('id', '?')}"
    given = raw["start_sources"]
    if not isinstance(given, list) or not all(isinstance(s, str) for s in given):
        raise DataFileError(
            path, "expected a list of source ids", record=label, field="start_sources"
        )
    if given and raw.get("source") is None:
        raise DataFileError(path, "given without a source", record=label, field="start_sources")
    seen = {raw.get("source")}
    for index, source in enumerate(given):
        field = f"start_sources[{index}]"
        if source not in sources:
            raise DataFileError(path, f"no source {source!r}", record=label, field=field)
        if source in seen:
            raise DataFileError(path, f"{source} is given twice", record=label, field=field)
        seen.add(source)


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


# The stored fields of a record, in the order of Record's fields: one C call fetches them all
# (derivation, which older databases lack, is read on its own).
_STORED = Record._fields[: Record._fields.index("known_by")]
_STORED_VALUES = operator.itemgetter(*_STORED)
_CITATIONS_AT = Record._fields.index("citations")
_KINDS, _LEVELS, _CATEGORIES = frozenset(KINDS), frozenset(LEVELS), frozenset(CATEGORIES)
_DERIVED: tuple[str, ...] = (
    "kind",
    "level",
    "provider",
    "provider_code",
    "receiver",
    "receiver_code",
)
_DERIVED += ("year", "cumulative")
_APPROX, _STAGES, _ACTORS, _SCOPES = (frozenset(v) for v in (APPROX, STAGES, ACTORS, SCOPES))


class _Refused(Exception):
    """A field of a record is wrong: which, and why (said by _record as DataFileError)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem


def _record(
    path: str, raw: dict[str, Any], pairings: dict[str, Pairing], sources: dict[str, Source]
) -> Record:
    """The record, checked: the one checker of a stored record, for every file loaded and
    every database written (add, edit, import validate what they write with it). Every field's
    rule is one of model.limits'; the checks run in one pass with no call per field on the
    common path, since most of a large file's loading time is spent here."""
    try:
        return _checked_record(raw, pairings, sources)
    except _Refused as refused:
        record_id = raw.get("id", "?")
        label = record_id if is_slug(record_id) else str(record_id)[:MAX_ID_LENGTH]
        raise DataFileError(path, refused.problem, record=label, field=refused.field) from None


def _checked_record(
    raw: dict[str, Any], pairings: dict[str, Pairing], sources: dict[str, Source]
) -> Record:
    try:
        values = _STORED_VALUES(raw)
    except KeyError:
        values = tuple(raw.get(name, _MISSING) for name in _STORED)
    record_id, pairing_id, kind, level, provider, provider_code, receiver = values[:7]
    receiver_code, category, item, measure, value, unit, amount, approx = values[7:15]
    start, end, year, cumulative, as_of, stage, actor, scope = values[15:23]
    part_of, revises, raw_citations, note, figure = values[23:]
    if not is_slug(record_id):
        raise _Refused("id", _wrong(record_id, _SLUG_EXPECTED))
    if not is_slug(pairing_id):
        raise _Refused("pairing", _wrong(pairing_id, _SLUG_EXPECTED))
    pairing = pairings.get(pairing_id)
    if pairing is None:
        raise _Refused("pairing", f"no pairing {pairing_id!r}")
    citations, known_by = _citations(raw_citations, sources)
    if not (start is None or is_date(start)):
        raise _Refused("period_start", _wrong(start, _optional(_DATE_EXPECTED)))
    if not (end is None or is_date(end)):
        raise _Refused("period_end", _wrong(end, _optional(_DATE_EXPECTED)))
    if start and end and first_day(start) > last_day(end):
        raise _Refused("period_end", f"the period ends ({end}) before it starts ({start})")
    if not (amount is None or (is_integer(amount) and 0 <= amount <= MAX_YUAN)):
        raise _Refused("amount_yuan", _wrong(amount, f"an integer from 0 to {MAX_YUAN} or null"))
    if not (type(kind) is str and kind in _KINDS):
        raise _Refused("kind", _wrong(kind, _choices(KINDS)))
    if not (type(level) is str and level in _LEVELS):
        raise _Refused("level", _wrong(level, _choices(LEVELS)))
    if not is_text(provider):
        raise _Refused("provider", _wrong(provider, "text"))
    if not _text_or_null(provider_code):
        raise _Refused("provider_code", _wrong(provider_code, "text or null"))
    if not is_text(receiver):
        raise _Refused("receiver", _wrong(receiver, "text"))
    if not _text_or_null(receiver_code):
        raise _Refused("receiver_code", _wrong(receiver_code, "text or null"))
    if not (type(category) is str and category in _CATEGORIES):
        raise _Refused("category", _wrong(category, _choices(CATEGORIES)))
    if not is_text(item):
        raise _Refused("item", _wrong(item, "text"))
    if not is_text(measure):
        raise _Refused("measure", _wrong(measure, "text"))
    if not is_number(value):
        raise _Refused("value", _wrong(value, _NUMBER_EXPECTED))
    if not is_text(unit):
        raise _Refused("unit", _wrong(unit, "text"))
    if not (type(approx) is str and approx in _APPROX):
        raise _Refused("approx", _wrong(approx, _choices(APPROX)))
    if not (year is None or (is_integer(year) and MIN_YEAR <= year <= MAX_YEAR)):
        raise _Refused("year", _wrong(year, f"an integer from {MIN_YEAR} to {MAX_YEAR} or null"))
    if not isinstance(cumulative, bool):
        raise _Refused("cumulative", _wrong(cumulative, "true or false"))
    if not is_date(as_of, day=True):
        raise _Refused("as_of", _wrong(as_of, _DAY_EXPECTED))
    if not (type(stage) is str and stage in _STAGES):
        raise _Refused("stage", _wrong(stage, _choices(STAGES)))
    if not (type(actor) is str and actor in _ACTORS):
        raise _Refused("actor", _wrong(actor, _choices(ACTORS)))
    if not (type(scope) is str and scope in _SCOPES):
        raise _Refused("scope", _wrong(scope, _choices(SCOPES)))
    if not (part_of is None or is_slug(part_of)):
        raise _Refused("part_of", _wrong(part_of, _optional(_SLUG_EXPECTED)))
    if not (revises is None or is_slug(revises)):
        raise _Refused("revises", _wrong(revises, _optional(_SLUG_EXPECTED)))
    if not _text_or_null(note):
        raise _Refused("note", _wrong(note, "text or null"))
    if not is_text(figure):
        raise _Refused("figure", _wrong(figure, "text"))
    derivation = raw.get("derivation")  # absent: a database written before the field
    if derivation is not None and not is_text(derivation):
        raise _Refused("derivation", _wrong(derivation, "the arithmetic as text, or null"))
    # What the pairing and the period give: one comparison of the two tuples, field by field
    # only to say which differs.
    span_year = period_year(start, end)
    derived = (kind, level, provider, provider_code, receiver, receiver_code, year, cumulative)
    expected = (
        pairing.kind,
        pairing.level,
        pairing.provider.full_name,
        pairing.provider.code,
        pairing.receiver.full_name,
        pairing.receiver.code,
        span_year,
        bool(start or end) and span_year is None,
    )
    if derived != expected:
        for field, given, wanted in zip(_DERIVED, derived, expected, strict=True):
            if given != wanted:
                raise _Refused(field, f"must be {wanted!r}, as its pairing and period give")
    if amount is not None:
        if unit != MONEY_UNIT:
            raise _Refused("unit", f"a money record's unit must be {MONEY_UNIT}")
        if value != amount:
            raise _Refused("value", "a money record's value must equal amount_yuan")
    elif unit == MONEY_UNIT:
        raise _Refused("amount_yuan", f"missing for a record in {MONEY_UNIT}")
    return Record._make(
        (
            *values[:_CITATIONS_AT],
            citations,
            *values[_CITATIONS_AT + 1 :],
            known_by,
            derivation,
        )
    )


def _citations(raw: object, sources: dict[str, Source]) -> tuple[tuple[Citation, ...], str]:
    """A record's citations, and the day by which its first source was surely out."""
    if not (isinstance(raw, list) and len(raw) <= MAX_CITATIONS):
        raise _Refused("citations", _wrong(raw, "a list of citations"))
    if not raw:
        raise _Refused("citations", "empty: a figure needs at least one citation")
    citations = []
    seen: set[str] = set()
    known_by = ""
    for index, item in enumerate(raw):
        field = f"citations[{index}]"
        if not isinstance(item, dict):
            raise _Refused(field, f"expected a citation object, got {_type_name(item)}")
        source_id = item.get("source", _MISSING)
        if not is_slug(source_id):
            raise _Refused(f"{field}.source", _wrong(source_id, _SLUG_EXPECTED))
        source = sources.get(source_id)
        if source is None:
            raise _Refused(f"{field}.source", f"no source {source_id!r}")
        if source_id in seen:
            raise _Refused(f"{field}.source", f"{source_id} is cited twice")
        seen.add(source_id)
        quote = item.get("quote", _MISSING)
        if not _text_or_null(quote):
            raise _Refused(f"{field}.quote", _wrong(quote, "text or null"))
        if source.text_held and not (quote and quote.strip()):
            raise _Refused(f"{field}.quote", f"missing: the text of {source_id} is held")
        if not source.text_held and quote is not None:
            raise _Refused(f"{field}.quote", f"must be null: the text of {source_id} is not held")
        cited_note = item.get("note", _MISSING)
        if not _text_or_null(cited_note):
            raise _Refused(f"{field}.note", _wrong(cited_note, "text or null"))
        citations.append(Citation(source_id, quote, cited_note))
        if not known_by or source.known_by < known_by:
            known_by = source.known_by
    return tuple(citations), known_by


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
            if not rules.pairing_holds(
                (mine.provider.id, mine.receiver.id),
                (theirs.provider.id, theirs.receiver.id),
                places.within,
            ):
                raise fail(
                    "part_of",
                    f"{whole.id} belongs to {whole.pairing}, which is neither this pairing "
                    f"({record.pairing}) nor one above it",
                )
        if record.unit != whole.unit:
            raise fail("part_of", f"{whole.id} is counted in {whole.unit}, this in {record.unit}")
        if not rules.part_fits(record.value, whole.value, whole.approx):
            raise fail("part_of", f"larger than its whole {whole.id}")
        parts_total[whole.id] = parts_total.get(whole.id, 0) + record.value
    for whole_id, total in parts_total.items():
        whole = by_id[whole_id]
        if not rules.parts_fit(total, whole.value, whole.approx):
            raise DataFileError(
                path,
                f"its parts add up to {total}, more than its value {whole.value}",
                record=whole_id,
                field="value",
            )
    chains.check_acyclic(path, by_id, "part_of")


def _check_members(path: str, raw_places: list[dict[str, Any]], places: dict[str, Place]) -> None:
    """A group (a party made of several places) lists its members where known: places of the
    table, each once, none the group itself."""
    for raw in raw_places:
        members = raw.get("members", [])
        label = f"place {raw.get('id')}"
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise DataFileError(path, "expected a list of place ids", record=label, field="members")
        for member in members:
            if member not in places or member == raw.get("id"):
                raise DataFileError(path, f"no place {member!r}", record=label, field="members")
        if len(set(members)) != len(members):
            raise DataFileError(path, "a member is listed twice", record=label, field="members")


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
    _check_members(path, tables["place"], places)
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
    for raw in tables["pairing"]:
        _start_sources(path, raw, sources)
    records = [_record(path, raw, pairings, sources) for raw in tables["record"]]
    _unique(path, "record", [record.id for record in records])
    by_id = {record.id: record for record in records}
    _check_part_of(path, pairings, ancestry, by_id)
    chains.check_revisions(path, by_id)
    chains.check_running_totals(path, by_id)
    records_by_id = tuple(sorted(records, key=lambda record: record.id))
    return places, pairings, sources, records_by_id, pinyin


# ─── a change to a database known to be valid ─────────────────────────────────────────────


class Small:
    """The tables other than records, validated: what a record is checked against."""

    __slots__ = ("pairings", "pinyin", "places", "sources")

    def __init__(
        self,
        places: dict[str, Place],
        pairings: dict[str, Pairing],
        sources: dict[str, Source],
        pinyin: dict[str, str],
    ) -> None:
        self.places, self.pairings, self.sources, self.pinyin = places, pairings, sources, pinyin

    def parts(self) -> dict[str, Any]:
        """As loading gives them (dataset's parts, without the records)."""
        names = ("places", "pairings", "sources", "pinyin")
        return {name: getattr(self, name) for name in names}


def small(path: str, tables: Mapping[str, list[dict[str, Any]]]) -> Small:
    """Meta, places, sources and pairings validated as ``build`` validates them."""
    places, pairings, sources, _records, pinyin = build(path, {**tables, "record": []})
    return Small(places, pairings, sources, pinyin)


def changed_records(
    path: str,
    documents: list[dict[str, Any]],
    touched: list[dict[str, Any]],
    gone: set[str],
    given: Small,
) -> list[Record]:
    """Check a change to the records of a database that was valid as a whole, looking only at
    what the change can break, and give the touched records checked (in ``touched``'s order).

    ``documents``: the record table as it will be written; ``touched``: its documents that are
    new or changed (in table order); ``gone``: ids no longer in it; ``given``: the other tables,
    validated (``small``). The same rules as ``build``, each the same code: every touched
    record through ``_record`` (the one checker of a record, so every rule added there applies
    here), its id unique, and the rules across records (``_check_part_of``, ``_check_revisions``,
    ``_check_running_totals``) over the records the change can reach: the touched ones; their
    wholes and revised figures up their chains; every part of a touched record and of its whole;
    every revision of a touched record and of the figure it revises; every record of a touched
    running total's pairing; every record naming a removed id; and the chains above all these.
    A rule between two records neither of which is among them held before and still holds.
    """
    checked = [_record(path, raw, given.pairings, given.sources) for raw in touched]
    raw_by_id: dict[object, dict[str, Any]] = {
        document.get("id"): document for document in documents
    }
    if len(raw_by_id) != len(documents):  # an id twice: say which, as build does
        _unique(path, "record", [str(document.get("id")) for document in documents])
    by_id = {record.id: record for record in checked}
    if gone:  # what named a removed figure fails on it (no record 'x')
        naming = [
            document
            for document in documents
            if document.get("part_of") in gone or document.get("revises") in gone
        ]
        for record in (_record(path, raw, given.pairings, given.sources) for raw in naming):
            by_id.setdefault(record.id, record)
    wholes = {r.part_of for r in by_id.values() if r.part_of is not None} | set(by_id)
    revised = {r.revises for r in by_id.values() if r.revises is not None} | set(by_id)
    pairings = {r.pairing for r in by_id.values() if r.scope == "running_total"}
    reached = [
        document
        for document in documents
        if document.get("part_of") in wholes
        or document.get("revises") in revised
        or (document.get("pairing") in pairings and document.get("scope") == "running_total")
    ]
    pending = [*reached, *(raw_by_id[i] for i in wholes | revised if i in raw_by_id)]
    while pending:  # the chains above everything reached, so every link can be followed
        raw = pending.pop()
        record_id = raw.get("id")
        if record_id in by_id:
            record = by_id[record_id]
        else:
            record = _record(path, raw, given.pairings, given.sources)
            by_id[record.id] = record
        for target in (record.part_of, record.revises):
            if target is not None and target not in by_id and target in raw_by_id:
                pending.append(raw_by_id[target])
    # In table order, as build walks them, so the first problem named is the one it names.
    order = {document.get("id"): at for at, document in enumerate(documents)}
    by_id = dict(sorted(by_id.items(), key=lambda item: order[item[0]]))
    ancestry = _Places(path, given.places)
    _check_part_of(path, given.pairings, ancestry, by_id)
    chains.check_revisions(path, by_id)
    chains.check_running_totals(path, by_id)
    return checked
