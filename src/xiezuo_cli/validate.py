"""Turn the raw documents of a database file into value objects, or say exactly what is wrong.

Every check names the file, the record (or pairing, or source) and the field, so a curator can go
straight to the line. Loading stops at the first problem: one clear line beats a wall of them, and
a file with one broken reference usually has no second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model import (
    APPROX,
    CATEGORIES,
    MONEY_UNIT,
    SCHEMA_VERSION,
    STAGES,
    Pairing,
    Place,
    Record,
    Source,
)

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_MONTH = re.compile(r"\d{4}(?:-\d{2})?")


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


class _Document:
    """Typed access to one document's fields, failing with file, id and field named."""

    def __init__(self, path: str, label: str, document: Mapping[str, Any]) -> None:
        self.path = path
        self.label = label
        self.document = document

    def fail(self, field: str | None, problem: str) -> DataFileError:
        return DataFileError(self.path, problem, record=self.label, field=field)

    def get(self, field: str, check: Callable[[object], bool], expected: str) -> Any:
        if field not in self.document:
            raise self.fail(field, "missing")
        value = self.document[field]
        if not check(value):
            shown = f" {value!r}" if isinstance(value, str | int | float) else ""
            raise self.fail(field, f"expected {expected}, got {_type_name(value)}{shown}")
        return value

    def text(self, field: str) -> str:
        return self.get(field, lambda v: isinstance(v, str) and v.strip() != "", "text")

    def optional_text(self, field: str) -> str | None:
        return self.get(field, lambda v: v is None or isinstance(v, str), "text or null")

    def choice(self, field: str, allowed: tuple[str, ...]) -> str:
        return self.get(field, lambda v: v in allowed, "one of " + ", ".join(allowed))

    def slug(self, field: str) -> str:
        return self.get(
            field,
            lambda v: isinstance(v, str) and _SLUG.fullmatch(v) is not None,
            "an ASCII slug like yuhang-cangxi",
        )

    def integer(self, field: str, optional: bool = False) -> int | None:
        def check(v: object) -> bool:
            return (optional and v is None) or (isinstance(v, int) and not isinstance(v, bool))

        return self.get(field, check, "an integer or null" if optional else "an integer")

    def number(self, field: str) -> int | float:
        def check(v: object) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool)

        return self.get(field, check, "a number")

    def boolean(self, field: str) -> bool:
        return self.get(field, lambda v: isinstance(v, bool), "true or false")

    def pattern(self, field: str, regex: re.Pattern[str], example: str, optional: bool) -> Any:
        def check(v: object) -> bool:
            if v is None:
                return optional
            return isinstance(v, str) and regex.fullmatch(v) is not None

        return self.get(field, check, f"a date like {example}" + (" or null" if optional else ""))

    def keys(self, field: str) -> frozenset[str]:
        def check(v: object) -> bool:
            return isinstance(v, list) and all(isinstance(k, str) and k for k in v)

        return frozenset(self.get(field, check, "a list of name forms"))


def _schema_version(path: str, meta: list[dict[str, Any]]) -> None:
    versions = [doc.get("schema_version") for doc in meta]
    if versions != [SCHEMA_VERSION]:
        found = versions[0] if len(versions) == 1 else versions
        raise DataFileError(
            path, f"schema version {found!r} is not supported (expected {SCHEMA_VERSION})"
        )


def _place(doc: _Document, field: str) -> Place:
    raw = doc.get(field, lambda v: isinstance(v, dict), "a place object")
    place = _Document(doc.path, doc.label, raw)
    names = [place.text(name) for name in ("name", "county", "short", "province")]
    return Place(*names)


def _pairing(path: str, raw: dict[str, Any]) -> Pairing:
    doc = _Document(path, f"pairing {raw.get('id', '?')}", raw)
    names = doc.get("names", lambda v: isinstance(v, dict), "an object of name forms")
    forms = _Document(path, doc.label, names)
    return Pairing(
        id=doc.slug("id"),
        kind=doc.text("kind"),
        provider=_place(doc, "provider"),
        receiver=_place(doc, "receiver"),
        since=doc.pattern("since", _YEAR_MONTH, "2021 or 2021-05", optional=True),
        source=doc.slug("source"),
        note=doc.optional_text("note"),
        provider_keys=forms.keys("provider"),
        receiver_keys=forms.keys("receiver"),
        pair_keys=forms.keys("pair"),
    )


def _source(path: str, raw: dict[str, Any]) -> Source:
    doc = _Document(path, f"source {raw.get('id', '?')}", raw)
    return Source(
        id=doc.slug("id"),
        title=doc.text("title"),
        publisher=doc.text("publisher"),
        author=doc.optional_text("author"),
        published=doc.pattern("published", _ISO_DATE, "2021-11-17", optional=False),
        url=doc.optional_text("url"),
        text_file=doc.text("text_file"),
        note=doc.optional_text("note"),
    )


def _record(path: str, raw: dict[str, Any]) -> Record:
    doc = _Document(path, str(raw.get("id", "?")), raw)
    record = Record(
        id=doc.slug("id"),
        pairing=doc.slug("pairing"),
        kind=doc.text("kind"),
        provider=doc.text("provider"),
        receiver=doc.text("receiver"),
        category=doc.choice("category", CATEGORIES),
        item=doc.text("item"),
        metric=doc.text("metric"),
        value=doc.number("value"),
        unit=doc.text("unit"),
        amount_yuan=doc.integer("amount_yuan", optional=True),
        approx=doc.choice("approx", APPROX),
        year=doc.integer("year", optional=True),
        as_of=doc.pattern("as_of", _ISO_DATE, "2021-11-17", optional=False),
        cumulative=doc.boolean("cumulative"),
        stage=doc.choice("stage", STAGES),
        part_of=doc.optional_text("part_of"),
        source=doc.slug("source"),
        quote=doc.text("quote"),
        note=doc.optional_text("note"),
        figure=doc.text("figure"),
    )
    if record.amount_yuan is not None:
        if record.unit != MONEY_UNIT:
            raise doc.fail("unit", f"a money record's unit must be {MONEY_UNIT}")
        if record.value != record.amount_yuan:
            raise doc.fail("value", "a money record's value must equal amount_yuan")
        if record.amount_yuan < 0:
            raise doc.fail("amount_yuan", "must not be negative")
    elif record.unit == MONEY_UNIT:
        raise doc.fail("amount_yuan", f"missing for a record in {MONEY_UNIT}")
    return record


def _unique(path: str, kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise DataFileError(path, "the id is used twice", record=f"{kind} {identifier}")
        seen.add(identifier)


def _check_references(
    path: str, pairings: dict[str, Pairing], sources: dict[str, Source], records: list[Record]
) -> None:
    by_id = {record.id: record for record in records}
    for described in pairings.values():
        if described.source not in sources:
            raise DataFileError(
                path,
                f"no source {described.source!r}",
                record=f"pairing {described.id}",
                field="source",
            )
    for record in records:
        fail = _Document(path, record.id, {}).fail
        pairing = pairings.get(record.pairing)
        if pairing is None:
            raise fail("pairing", f"no pairing {record.pairing!r}")
        if record.source not in sources:
            raise fail("source", f"no source {record.source!r}")
        expected = {
            "kind": pairing.kind,
            "provider": pairing.provider.name,
            "receiver": pairing.receiver.name,
        }
        for field, value in expected.items():
            if getattr(record, field) != value:
                raise fail(field, f"must be {value!r}, as on pairing {pairing.id}")
        if record.part_of is None:
            continue
        whole = by_id.get(record.part_of)
        if whole is None:
            raise fail("part_of", f"no record {record.part_of!r}")
        if whole.pairing != record.pairing:
            raise fail("part_of", f"{whole.id} belongs to another pairing ({whole.pairing})")
        if whole.unit != record.unit:
            raise fail("part_of", f"{whole.id} is counted in {whole.unit}, this in {record.unit}")
        if record.value > whole.value:
            raise fail("part_of", f"larger than its whole {whole.id}")
    _check_part_of_chains(path, by_id)
    _check_parts_fit(path, by_id)


def _check_part_of_chains(path: str, by_id: dict[str, Record]) -> None:
    for start in by_id.values():
        seen = {start.id}
        current = start
        while current.part_of is not None:
            if current.part_of in seen:
                raise DataFileError(path, "part_of forms a cycle", record=start.id, field="part_of")
            seen.add(current.part_of)
            current = by_id[current.part_of]


def _check_parts_fit(path: str, by_id: dict[str, Record]) -> None:
    """The parts of a whole, together, must not exceed it: that would be a double count."""
    totals: dict[str, int | float] = {}
    for record in by_id.values():
        if record.part_of is not None:
            totals[record.part_of] = totals.get(record.part_of, 0) + record.value
    for whole_id, total in totals.items():
        if total > by_id[whole_id].value:
            raise DataFileError(
                path,
                f"its parts add up to {total}, more than its value {by_id[whole_id].value}",
                record=whole_id,
                field="value",
            )


def build(
    path: str, tables: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, Pairing], dict[str, Source], tuple[Record, ...]]:
    """Validate the raw tables and return pairings, sources and records by id."""
    _schema_version(path, tables["meta"])
    pairing_list = [_pairing(path, raw) for raw in tables["pairing"]]
    source_list = [_source(path, raw) for raw in tables["source"]]
    records = [_record(path, raw) for raw in tables["record"]]
    _unique(path, "pairing", [pairing.id for pairing in pairing_list])
    _unique(path, "source", [source.id for source in source_list])
    _unique(path, "record", [record.id for record in records])
    pairings = {pairing.id: pairing for pairing in pairing_list}
    sources = {source.id: source for source in source_list}
    _check_references(path, pairings, sources, records)
    return pairings, sources, tuple(sorted(records, key=lambda record: record.id))
