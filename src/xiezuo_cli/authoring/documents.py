"""Stored documents from what a person (or an import) says: the write side's one builder.

``xiezuo add``, ``pairs add``, ``sources add``, ``edit`` and ``import`` all turn user-level fields
into the documents a database holds through this module, so a record written by the CLI has
exactly the shape ``scripts/build_db.py`` gives one, and every check is made in one place:

- ``record_document(fields, tables, data_dir)``: a full record document. Fields (keys of
  ``fields``; ``None`` or an empty text means "not given", except a quote, where empty is an
  error): ``id``; ``pairing`` (any name form or id); ``category``; ``measure``; ``item``; the
  number as ``amount`` (money: ``3900万``, ``2.22亿``, ``100余万元``, ``39000000``) or ``value``
  and ``unit`` (``1200`` ``人``; ``3900`` ``万元`` is money too) or only ``figure``; ``figure``
  (as the article writes it; default: the amount or value+unit as typed); ``approx`` (overrides
  what the wording gives); ``stage`` (default actual); ``actor`` (default unknown); ``scope``
  (default item); ``period`` (``2021-05..2021-11``, ``2021``, ``2021-05..``, or a pair) or
  ``period_start``/``period_end``; ``as_of`` (default: the first source's publication date);
  ``part_of``; ``revises``; ``citations`` (a list of ``{source, quote, note}``); ``note``.
  Derived as the build derives them: kind, level, provider/receiver names and codes from the
  pairing; amount_yuan, value, unit, approx from the figure; year and cumulative from the period.
- ``citation_document(record, fields, tables, data_dir)``: one more citation of a stored record.
- ``pairing_document(kind, provider, receiver, tables, ...)``: a pairing of two places, and the
  places it brings from the country's list (``places.find_place`` finds one by any name form or
  code, in the database's place table or the country's).
- ``source_document(fields, tables)``: a source; ``texts.write_source_text`` holds its text
  (read and cleaned by the CLI with extract's ``read_article``) in ``<data_dir>/sources/<id>.txt``.
- ``lookup.next_record_id(tables)`` and ``lookup.next_pairing_id``: the id rules (below).
- ``record_fields(document)``: a stored record back to user-level fields (``edit`` changes
  those and builds the document again, so whatever depends on a changed field is derived anew).
- ``references(tables, table, id)``: what would dangle if a document went.
- ``new_database_tables()``: the tables of a new database (``xiezuo init``).

Quotes: a source whose text is held (``text_held``) lives in ``<data_dir>/sources/<id>.txt``,
``data_dir`` being the database's folder. A quote must appear there verbatim and hold the
figure's number (3900 for 3900万元; or the same value written another way: 3900万元 for an amount
typed 39000000). An empty quote is an error; a quote for a source whose text is not held is an
error (there is nothing to check it against); no quote for a held text takes, as the build does,
the one sentence of the text that holds the figure (an error if there is not exactly one).

Ids: a record's id is the ``id`` given (an ASCII slug) or ``r-<n>``, one more than the largest
``r-<n>`` in the table (a readable slug from the receiver's pinyin would need pypinyin at run
time). A pairing's id is the one given or ``<provider>-<receiver>`` from the pinyin forms the place
table stores (余杭区 → 广元市苍溪县: ``yuhang-cangxi``), with ``-2``, ``-3`` … if that is taken.

Every problem is an inputs.FieldError (a UsageProblem: exit 2), one line: ``<field>:
<problem>``, its ``field`` and ``problem`` kept apart so a caller can name the field its own
way (the CLI says ``--part-of``, an import a column and a row).

Nothing here writes the database: callers build documents inside ``store.transaction``, which
validates the whole file before writing it.
"""

import os
from collections.abc import Mapping, Sequence
from typing import Any

from xiezuo_cli.authoring.guards import Entry
from xiezuo_cli.authoring.inputs import (
    FieldError,
    Figure,
    boolean_field,
    check_choice,
    check_date,
    check_slug,
    cut_repr,
    figure_field,
    first_day_of,
    is_given,
    number_in,
    parse_period,
    refuse_unknown_fields,
    sentences,
    text_field,
)
from xiezuo_cli.authoring.lookup import (
    Tables,
    by_id,
    find_pairing,
    next_pairing_id,
    next_record_id,
    pair_names,
    place_within,
)
from xiezuo_cli.authoring.texts import MAX_TEXT_BYTES, text_name
from xiezuo_cli.model import rules
from xiezuo_cli.model.limits import (
    UNSAFE_IN_NAMES,
)
from xiezuo_cli.model.periods import last_day, period_year
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import (
    ACTORS,
    APPROX,
    CATEGORIES,
    KINDS,
    NATION_LEVEL,
    SCHEMA_VERSION,
    SCOPES,
    STAGES,
)
from xiezuo_cli.storage.held import SOURCES_FOLDER

# The fields record_document takes.
RECORD_INPUT_FIELDS = (
    "id",
    "pairing",
    "category",
    "measure",
    "item",
    "amount",
    "value",
    "unit",
    "figure",
    "approx",
    "stage",
    "actor",
    "scope",
    "period",
    "period_start",
    "period_end",
    "as_of",
    "part_of",
    "revises",
    "citations",
    "note",
    "derivation",
)
SOURCE_INPUT_FIELDS = (
    "id",
    "title",
    "publisher",
    "author",
    "published",
    "published_inferred",
    "url",
    "reprint_of",
    "excerpt_only",
    "text_held",
    "note",
)
CITATION_INPUT_FIELDS = ("source", "quote", "note")

DEFAULT_STAGE, DEFAULT_ACTOR, DEFAULT_SCOPE = "actual", "unknown", "item"


# ─── documents ────────────────────────────────────────────────────────────────────────────


def pairing_document(
    kind: str,
    provider: str,
    receiver: str,
    tables: Tables,
    *,
    id: str | None = None,
    since: object = None,
    source: str | None = None,
    note: str | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A new pairing of two places (any name form or code, in the database's place table or
    the country's: ``places.find_place``), checked: the kind, the places (one place on both
    sides only for 全国, the nation's total of a kind), no second pairing of one kind between
    the same two places, ``since`` (YYYY or YYYY-MM), the source. Returns the pairing and the
    places the place table must gain for it (from the country's list)."""
    from xiezuo_cli.authoring.places import find_place

    found_giver = find_place(provider, tables, "provider")
    found_taker = find_place(receiver, tables, "receiver")
    giver, taker = found_giver.document, found_taker.document
    kind = check_choice("kind", kind, KINDS)
    if giver["id"] == taker["id"] and giver.get("level") != NATION_LEVEL:
        raise FieldError("receiver", f"{taker['full_name']} is also the provider")
    for pairing in tables.get("pairing", ()):
        if (pairing.get("kind"), pairing.get("provider"), pairing.get("receiver")) == (
            kind,
            giver["id"],
            taker["id"],
        ):
            raise FieldError(
                "receiver",
                f"{giver['full_name']} → {taker['full_name']} ({kind}) is already "
                f"pairing {pairing.get('id')}",
            )
    if is_given(id):
        pairing_id = check_slug("id", id)
        if pairing_id in by_id(tables, "pairing"):
            raise FieldError("id", f"pairing {pairing_id} exists")
    else:
        pairing_id = next_pairing_id(giver, taker, tables)
    since_text = check_date("since", since, month=True) if is_given(since) else None
    source_id = None
    if is_given(source):
        source_id = check_slug("source", source)
        if source_id not in by_id(tables, "source"):
            raise FieldError("source", f"no source {shown(source_id)} (xiezuo sources add)")
    return {
        "id": pairing_id,
        "kind": kind,
        "provider": giver["id"],
        "receiver": taker["id"],
        "since": since_text,
        "source": source_id,
        "note": text_field({"note": note}, "note", required=False, note=True),
        "names": {"pair": pair_names(pairing_id, giver, taker)},
    }, [*found_giver.new, *(p for p in found_taker.new if p not in found_giver.new)]


def source_document(fields: Mapping[str, object], tables: Tables) -> dict[str, Any]:
    """A new source: ``id``, ``publisher`` and ``published`` are required; ``text_held`` true
    means its text is (to be) in ``sources/<id>.txt`` beside the database."""
    refuse_unknown_fields(fields, SOURCE_INPUT_FIELDS)
    source_id = check_slug("id", text_field(fields, "id", required=True))
    if source_id in by_id(tables, "source"):
        raise FieldError("id", f"source {source_id} exists")
    held = boolean_field(fields, "text_held")
    url = text_field(fields, "url", required=False)
    if url is not None and (any(c.isspace() for c in url) or "://" not in url):
        raise FieldError("url", f"{cut_repr(url)} is not a URL")
    return {
        "id": source_id,
        "title": text_field(fields, "title", required=False),
        "publisher": text_field(fields, "publisher", required=True),
        "author": text_field(fields, "author", required=False),
        "published": check_date("published", text_field(fields, "published", required=True)),
        "published_inferred": boolean_field(fields, "published_inferred"),
        "url": url,
        "reprint_of": text_field(fields, "reprint_of", required=False),
        "excerpt_only": boolean_field(fields, "excerpt_only"),
        "text_held": held,
        "text_file": f"{SOURCES_FOLDER}/{text_name(source_id)}" if held else None,
        "note": text_field(fields, "note", required=False, note=True),
    }


def held_text(source: Mapping[str, Any], data_dir: str | None, field: str) -> str:
    """The held text of a source (UTF-8), from ``<data_dir>/<text_file>`` (held.py: never
    through a link, never outside ``sources/``). A text that cannot be read is DataFileError
    naming it (exit 3), as every file xiezuo reads."""
    from xiezuo_cli.storage import held

    if data_dir is None:
        raise FieldError(
            field, f"cannot be checked: the folder of {source['id']}'s text is unknown"
        )
    text_file = str(source.get("text_file"))
    data = held.read(data_dir, text_file, MAX_TEXT_BYTES)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        from xiezuo_cli.errors import DataFileError

        path = os.path.join(data_dir, text_file)
        raise DataFileError(path, f"the held text of {source['id']} is not UTF-8") from None


def _citation(
    index: int,
    raw: object,
    figure: Figure,
    sources: Mapping[str, dict[str, Any]],
    data_dir: str | None,
    prefix: str = "citations",
    *,
    derived: bool = False,
) -> dict[str, Any]:
    """One citation, its quote checked against the source's held text. A derived figure (worked
    out from the article's numbers) is not in the text: its quote, given, need only be there."""
    where = f"{prefix}[{index}]" if index >= 0 else prefix
    if not isinstance(raw, Mapping):
        raise FieldError(where, "expected {source, quote, note}")
    unknown = [name for name in raw if name not in CITATION_INPUT_FIELDS]
    if unknown:
        raise FieldError(
            f"{where}.{unknown[0]}", "no such field; a citation has source, quote, note"
        )
    if not is_given(raw.get("source")):
        raise FieldError(f"{where}.source", "missing")
    source_id = check_slug(f"{where}.source", raw["source"])
    source = sources.get(source_id)
    if source is None:
        raise FieldError(f"{where}.source", f"no source {shown(source_id)} (xiezuo sources add)")
    quote = raw.get("quote")
    field = f"{where}.quote"
    if quote is not None and not isinstance(quote, str):
        raise FieldError(field, f"expected text, got {type(quote).__name__}")
    if quote is not None and not quote.strip():
        raise FieldError(field, "empty: give the sentence the figure comes from, or leave it out")
    if not source.get("text_held"):
        if quote is not None:
            raise FieldError(
                field,
                f"the text of {source_id} is not held, so a quote cannot be checked against it; "
                "leave the quote out",
            )
    else:
        text = held_text(source, data_dir, field)
        if quote is None:
            holders = [s for s in sentences(text) if figure.figure in s]
            if len(holders) != 1 or derived:
                found = "is derived, not" if derived else f"is in {len(holders)} sentences of"
                raise FieldError(
                    field,
                    f"missing: {cut_repr(figure.figure)} {found} the held text of {source_id}; "
                    "give the sentence",
                )
            quote = holders[0]
        quote = quote.strip()
        if UNSAFE_IN_NAMES.search(quote):
            raise FieldError(field, "holds a control, bidi or zero-width character")
        if quote not in text:
            raise FieldError(field, f"not found verbatim in the held text of {source_id}")
        check_quote_holds(field, quote, figure, derived=derived)
    return {
        "source": source_id,
        "quote": quote,
        "note": text_field(raw, "note", required=False, note=True)
        if raw.get("note") is not None
        else None,
    }


def check_quote_holds(field: str, quote: str, figure: Figure, *, derived: bool) -> None:
    """The quote rule every held quote meets, a source's own text or the quotes an import
    holds for a stub: it holds the figure's number (a derived figure's need not)."""
    if not derived and not number_in(quote, figure):
        raise FieldError(field, f"does not hold the figure's number ({cut_repr(figure.figure)})")


def stored_figure(record: Mapping[str, Any]) -> Figure:
    """The figure of a stored record, as the quote rule reads it."""
    return Figure(
        record.get("value", 0),
        str(record.get("unit")),
        record.get("amount_yuan"),
        str(record.get("figure")),
        str(record.get("approx")),
    )


def _known_by(
    citations: Sequence[Mapping[str, Any]], sources: Mapping[str, Mapping[str, Any]]
) -> str:
    return min(last_day(str(sources[c["source"]]["published"])) for c in citations)


def record_document(
    fields: Mapping[str, object],
    tables: Mapping[str, list[dict[str, Any]]],
    data_dir: str | None,
    entry: Entry | None = None,
) -> dict[str, Any]:
    """The stored document of one record, in the build's shape, from user-level fields (see the
    module's docstring), checked against ``tables``, the database it is to join: a given id must
    be new (to rebuild a record being edited, pass the tables without its old version). With
    ``entry``, the guards at entry (authoring.guards) are applied too."""
    refuse_unknown_fields(fields, RECORD_INPUT_FIELDS)
    records = by_id(tables, "record")
    if is_given(fields.get("id")):
        record_id = check_slug("id", fields["id"])
        if record_id in records:
            raise FieldError("id", f"record {record_id} exists")
    else:
        record_id = next_record_id(tables)
    pairing = find_pairing(text_field(fields, "pairing", required=True), tables)
    places = by_id(tables, "place")
    provider = places.get(str(pairing.get("provider")))
    receiver = places.get(str(pairing.get("receiver")))
    if provider is None or receiver is None:
        raise FieldError("pairing", f"{pairing.get('id')} names a place the table does not have")
    category = check_choice("category", text_field(fields, "category", required=True), CATEGORIES)
    measure = text_field(fields, "measure", required=True)
    item = text_field(fields, "item", required=True)
    figure = figure_field(fields)
    approx = figure.approx
    if is_given(fields.get("approx")):
        approx = check_choice("approx", fields["approx"], APPROX)
    stage = check_choice("stage", fields.get("stage") or DEFAULT_STAGE, STAGES)
    actor = check_choice("actor", fields.get("actor") or DEFAULT_ACTOR, ACTORS)
    scope = check_choice("scope", fields.get("scope") or DEFAULT_SCOPE, SCOPES)
    start, end = _period(fields)
    year = period_year(start, end)
    sources = by_id(tables, "source")
    raw_citations = fields.get("citations")
    if not isinstance(raw_citations, list | tuple) or not raw_citations:
        raise FieldError("citations", "missing: a figure needs at least one source")
    citations = []
    seen: set[str] = set()
    derivation = text_field(fields, "derivation", required=False, note=True)
    for index, raw in enumerate(raw_citations):
        citation = _citation(index, raw, figure, sources, data_dir, derived=derivation is not None)
        if citation["source"] in seen:
            raise FieldError(f"citations[{index}].source", f"{citation['source']} is cited twice")
        seen.add(citation["source"])
        citations.append(citation)
    as_of = last_day(str(sources[citations[0]["source"]]["published"]))
    if is_given(fields.get("as_of")):
        as_of = last_day(check_date("as_of", fields["as_of"]))
    built = {
        "id": record_id,
        "pairing": pairing["id"],
        "kind": pairing["kind"],
        "level": receiver.get("level"),
        "provider": provider.get("full_name"),
        "provider_code": provider.get("code"),
        "receiver": receiver.get("full_name"),
        "receiver_code": receiver.get("code"),
        "category": category,
        "item": item,
        "measure": measure,
        "value": figure.value,
        "unit": figure.unit,
        "amount_yuan": figure.amount_yuan,
        "approx": approx,
        "period_start": start,
        "period_end": end,
        "year": year,
        "cumulative": bool(start or end) and year is None,
        "as_of": as_of,
        "stage": stage,
        "actor": actor,
        "scope": scope,
        "part_of": _reference(fields, "part_of", record_id, records),
        "revises": _reference(fields, "revises", record_id, records),
        "source": None,  # placeholders keep the contract order; dropped below, as the build does
        "quote": None,
        "citations": citations,
        "note": text_field(fields, "note", required=False, note=True),
        "derived": None,  # derived from derivation, never stored
        "derivation": derivation,
    }
    assert tuple(built) == RECORD_FIELDS
    del built["source"], built["quote"], built["derived"]
    built["figure"] = figure.figure
    _check_part_of(built, records, places, tables)
    _check_revises(built, records, sources)
    if entry is not None:
        entry.guard.check(built, entry, ignore=record_id)
    return built


def _period(fields: Mapping[str, object]) -> tuple[str | None, str | None]:
    if is_given(fields.get("period")):
        if is_given(fields.get("period_start")) or is_given(fields.get("period_end")):
            raise FieldError("period", "give a period, or its start and end, not both")
        return parse_period("period", fields["period"])
    start = (
        check_date("period_start", fields["period_start"])
        if is_given(fields.get("period_start"))
        else None
    )
    end = (
        check_date("period_end", fields["period_end"])
        if is_given(fields.get("period_end"))
        else None
    )
    if start is not None and end is not None and first_day_of(start) > last_day(end):
        raise FieldError("period_end", f"the period ends ({end}) before it starts ({start})")
    return start, end


def _reference(
    fields: Mapping[str, object], field: str, record_id: str, records: Mapping[str, Any]
) -> str | None:
    if not is_given(fields.get(field)):
        return None
    target = check_slug(field, fields[field])
    if target == record_id:
        raise FieldError(field, f"{target} is this record itself")
    if target not in records:
        raise FieldError(field, f"no record {shown(target)}")
    return target


def _check_part_of(
    record: Mapping[str, Any],
    records: Mapping[str, Mapping[str, Any]],
    places: Mapping[str, Mapping[str, Any]],
    tables: Tables,
) -> None:
    """What the loader checks of a part and its whole, said of the field a person gave."""
    whole_id = record["part_of"]
    if whole_id is not None:
        whole = records[whole_id]
        current: Mapping[str, Any] | None = whole
        seen: set[str] = set()
        while current is not None and str(current.get("id")) not in seen:
            if current.get("part_of") == record["id"]:
                raise FieldError("part_of", f"{whole_id} is itself (within) a part of this record")
            seen.add(str(current.get("id")))
            target = current.get("part_of")
            current = records.get(str(target)) if target is not None else None
        if whole.get("pairing") != record["pairing"]:
            pairings = by_id(tables, "pairing")
            mine, theirs = pairings[record["pairing"]], pairings.get(str(whole.get("pairing")), {})
            if not rules.pairing_holds(
                (str(mine.get("provider")), str(mine.get("receiver"))),
                (str(theirs.get("provider")), str(theirs.get("receiver"))),
                lambda place, ancestor: place_within(places, place, ancestor),
            ):
                raise FieldError(
                    "part_of",
                    f"{whole_id} belongs to {whole.get('pairing')}, which is neither this "
                    f"pairing ({record['pairing']}) nor one above it",
                )
        if whole.get("unit") != record["unit"]:
            raise FieldError(
                "part_of", f"{whole_id} is counted in {whole.get('unit')}, this in {record['unit']}"
            )
        whole_value, whole_approx = whole.get("value", 0), str(whole.get("approx"))
        if whole_approx != rules.AT_LEAST:
            if not rules.part_fits(record["value"], whole_value, whole_approx):
                raise FieldError(
                    "part_of",
                    f"this ({record['figure']}) is larger than its whole {whole_id} "
                    f"({whole.get('figure')})",
                )
            siblings = [
                r
                for r in records.values()
                if r.get("part_of") == whole_id and r.get("id") != record["id"]
            ]
            total = sum(r.get("value", 0) for r in siblings) + record["value"]
            if not rules.parts_fit(total, whole_value, whole_approx):
                raise FieldError(
                    "part_of",
                    f"with the other parts of {whole_id} this adds up to {total}, more than its "
                    f"{whole.get('value')}",
                )
    if record["approx"] != rules.AT_LEAST:
        parts = [
            r
            for r in records.values()
            if r.get("part_of") == record["id"] and r.get("id") != record["id"]
        ]
        total = sum(r.get("value", 0) for r in parts)
        if parts and not rules.parts_fit(total, record["value"], record["approx"]):
            field = "amount" if record["amount_yuan"] is not None else "value"
            raise FieldError(
                field,
                f"smaller than its parts ({', '.join(str(p['id']) for p in parts[:3])}), "
                f"which add up to {total}",
            )


def _check_revises(
    record: Mapping[str, Any],
    records: Mapping[str, Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
) -> None:
    old_id = record["revises"]
    if old_id is None:
        return
    old = records[old_id]
    changed = rules.revision_change(old.get, record.__getitem__)
    if changed is not None:
        raise FieldError(
            "revises",
            f"{old_id} has another {changed} ({old.get(changed)}); a revision gives a new value "
            "for the same thing",
        )
    try:
        old_known = _known_by(old.get("citations") or (), sources)
    except KeyError:
        old_known = ""
    if not rules.revised_in_order(old_known, _known_by(record["citations"], sources)):
        raise FieldError("revises", f"{old_id} was published after this record's sources")
    for other in records.values():
        if other.get("revises") == old_id and other.get("id") != record["id"]:
            raise FieldError("revises", f"{old_id} is already revised by {other.get('id')}")


def citation_document(
    record: Mapping[str, Any],
    fields: Mapping[str, object],
    tables: Mapping[str, list[dict[str, Any]]],
    data_dir: str | None,
) -> dict[str, Any]:
    """One more citation ``{source, quote, note}`` of a stored record: the source exists, is not
    cited by it already, and a quote is checked against the record's figure as in
    record_document. Errors name ``source``, ``quote``, ``note``."""
    sources = by_id(tables, "source")
    figure = stored_figure(record)
    try:
        citation = _citation(-1, fields, figure, sources, data_dir, prefix="")
    except FieldError as error:
        raise FieldError(error.field.lstrip("."), error.problem) from None
    if any(c.get("source") == citation["source"] for c in record.get("citations") or ()):
        raise FieldError("source", f"{record.get('id')} already cites {citation['source']}")
    return citation


def record_fields(document: Mapping[str, Any]) -> dict[str, object]:
    """A stored record as the user-level fields record_document takes, so an edit can change
    some and build the rest again: the figure as written (which gives the amount or, with value
    and unit, the count), approx only where it overrides the wording, as_of only where it is not
    the first source's date (known from the stored document alone: the caller compares)."""
    fields: dict[str, object] = {
        "id": document["id"],
        "pairing": document["pairing"],
        "category": document["category"],
        "measure": document["measure"],
        "item": document["item"],
        "figure": document["figure"],
        "stage": document["stage"],
        "actor": document["actor"],
        "scope": document["scope"],
        "period_start": document.get("period_start"),
        "period_end": document.get("period_end"),
        "as_of": document.get("as_of"),
        "part_of": document.get("part_of"),
        "revises": document.get("revises"),
        "citations": [dict(c) for c in document.get("citations") or ()],
        "note": document.get("note"),
        "derivation": document.get("derivation"),
    }
    if document.get("amount_yuan") is None:
        fields["value"] = document["value"]
        fields["unit"] = document["unit"]
    from xiezuo_cli.model.amounts import AmountError, parse_quantity

    try:
        worded = parse_quantity(str(document["figure"])).approx
    except AmountError:
        worded = None
    if document.get("approx") != worded:
        fields["approx"] = document.get("approx")
    return fields


def references(tables: Tables, table: str, identifier: str) -> list[str]:
    """What refers to the document ``identifier`` of ``table`` (record, pairing or source), as
    short phrases: ``record r-7 (part_of)``. Empty when it can go without leaving one dangling."""
    found: list[str] = []
    for record in tables.get("record", ()):
        if table == "record":
            for field in ("part_of", "revises"):
                if record.get(field) == identifier and record.get("id") != identifier:
                    found.append(f"record {record.get('id')} ({field})")
        elif table == "pairing" and record.get("pairing") == identifier:
            found.append(f"record {record.get('id')}")
        elif table == "source" and any(
            c.get("source") == identifier for c in record.get("citations") or ()
        ):
            found.append(f"record {record.get('id')} (citation)")
    if table == "source":
        found += [
            f"pairing {p.get('id')} (source)"
            for p in tables.get("pairing", ())
            if p.get("source") == identifier or identifier in (p.get("start_sources") or ())
        ]
    return found


# ─── databases and held texts ─────────────────────────────────────────────────────────────


def new_database_tables() -> dict[str, list[dict[str, Any]]]:
    """The tables of a new database: the schema version, the bundled database's place table
    (official codes, name forms) and its pinyin table for sorting; no pairings, sources or
    records."""
    from xiezuo_cli.storage import dataset, store

    bundled = store.read_tables(dataset.bundled_path())
    meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    pinyin = bundled["meta"][0].get("pinyin") if bundled["meta"] else None
    if isinstance(pinyin, dict):
        meta["pinyin"] = pinyin
    return {
        "meta": [meta],
        "place": [dict(place) for place in bundled["place"]],
        "pairing": [],
        "source": [],
        "record": [],
    }
