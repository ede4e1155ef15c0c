"""What each query command does: options in (as typed), core calls, rendering out.

Called by both command-line paths (Typer in cli.py, the pre-parser in argv.py) with the same
dict of raw option values, so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from xiezuo_cli import dataset, query
from xiezuo_cli.dataset import Dataset
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import CATEGORIES, RECORD_FIELDS, Record, Source
from xiezuo_cli.options import (
    FILTER_NAMES,
    MULTI_FILTERS,
    OutputOptions,
    check_choice,
    parse_limit,
)
from xiezuo_cli.output import write_json_document, write_rows

Raw = Mapping[str, object]

PAIRS_FIELDS = (
    "id",
    "kind",
    "level",
    "provider",
    "provider_code",
    "receiver",
    "receiver_code",
    "since",
    "records",
    "fiscal_aid_yuan",
    "fiscal_aid_at_least",
    "fiscal_aid_about",
    "fiscal_aid_measure",
)
CITE_FIELDS = (
    *RECORD_FIELDS,
    "source_title",
    "source_publisher",
    "source_author",
    "source_published",
    "source_url",
)
SOURCE_FIELDS = (
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
)


def _load(raw: Raw) -> Dataset:
    return dataset.load(dataset.resolve_path(raw.get("db")))  # type: ignore[arg-type]


def _filters(data: Dataset, raw: Raw) -> query.Filters:
    values = {name: raw.get(name) for name in FILTER_NAMES if name in raw}
    for name in MULTI_FILTERS:
        values[name] = values.get(name) or ()
    values["money"] = bool(values.get("money"))
    return query.Filters.parse(data, **values)  # type: ignore[arg-type]


def _flat(output: OutputOptions) -> bool:
    """CSV, TSV, Markdown and tables carry a citation count; JSON and JSONL the citations."""
    return output.format not in ("json", "jsonl")


def _decisions(
    data: Dataset, filters: query.Filters, stages: Sequence[str] = (), *, roll_up: bool = False
) -> list:
    """The funds decisions for the records the filters select (every stage: funds itself says
    which stage it counts and which it skips), with revisions known at --as-of."""
    from xiezuo_cli import funds

    known = [r for r in data.records if filters.known_by is None or r.known_by <= filters.known_by]
    selected = query.select(data, filters, stage=False)
    wanted = funds.check_stages(stages or filters.stages)
    return funds.decide_all(selected, wanted, funds.superseded(known), same_level_parts=roll_up)


def _emit(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    output: OutputOptions,
    table: Callable[[], None],
) -> None:
    if output.is_table:
        table()
    else:
        write_rows(
            rows, fields, output.format, sys.stdout, headers=output.headers, excel=output.excel
        )


def _in_category_order(records: Iterable[Record]) -> list[Record]:
    """Records as people read them: by category in the official order, then by id."""
    order = {category: index for index, category in enumerate(CATEGORIES)}
    return sorted(records, key=lambda record: (order[record.category], record.id))


def _sources_of(data: Dataset, source_ids: Iterable[str]) -> list[Source]:
    return [data.sources[source_id] for source_id in dict.fromkeys(source_ids)]


def _split_columns(raw: Raw) -> tuple[str, ...]:
    text = raw.get("columns")
    if not text:
        return ()
    return query.check_fields(str(text).split(","), "--columns")


# ─── commands ─────────────────────────────────────────────────────────────────────────────


def pairs(raw: Raw) -> None:
    from xiezuo_cli import funds

    output = OutputOptions.parse(raw)
    data = _load(raw)
    filters = _filters(data, raw)
    rows: list[dict[str, object]] = []
    decisions = _decisions(data, filters)
    for pairing in data.pairings.values():
        if filters.pairings is not None and pairing.id not in filters.pairings:
            continue
        records = [record for record in data.records_of(pairing.id) if filters.accepts(record)]
        fiscal = funds.fiscal_total(d for d in decisions if d.record.pairing == pairing.id)
        rows.append(
            {
                **pairing.summary(),
                "records": len(records),
                "fiscal_aid_yuan": fiscal.amount_yuan if fiscal else None,
                "fiscal_aid_at_least": fiscal.at_least if fiscal else False,
                "fiscal_aid_about": fiscal.about if fiscal else False,
                "fiscal_aid_measure": fiscal.value("measure") if fiscal else None,
            }
        )

    def table() -> None:
        from xiezuo_cli import render

        render.pairs_table(rows, output)

    _emit(rows, PAIRS_FIELDS, output, table)


def _records_out(data: Dataset, records: list[Record], raw: Raw, output: OutputOptions) -> None:
    columns = _split_columns(raw)
    records = query.sort_records(records, raw.get("sort") or None, bool(raw.get("desc")))  # type: ignore[arg-type]
    records = query.limit_records(records, parse_limit(raw.get("limit")))

    def table() -> None:
        from xiezuo_cli import render

        render.records_table(data, records, output, columns)

    fields = columns or RECORD_FIELDS
    flat = _flat(output)
    _emit((record.as_dict(fields, flat=flat) for record in records), fields, output, table)


def list_records(raw: Raw) -> None:
    output = OutputOptions.parse(raw)
    _split_columns(raw)  # a bad --columns is a usage error before any data is read
    data = _load(raw)
    _records_out(data, query.select(data, _filters(data, raw)), raw, output)


def filter_records(raw: Raw) -> None:
    from xiezuo_cli.expressions import compile_all

    output = OutputOptions.parse(raw)
    _split_columns(raw)
    data = _load(raw)
    expressions = raw.get("expressions") or ()
    filters = _filters(data, raw)._replace(extra=compile_all(expressions, data))  # type: ignore[arg-type]
    _records_out(data, query.select(data, filters), raw, output)


def funds_totals(raw: Raw) -> None:
    from xiezuo_cli import funds

    output = OutputOptions.parse(raw)
    fields = funds.group_fields(raw.get("by") or ())  # type: ignore[arg-type]
    roll = str(raw.get("roll_up") or "").strip() or None
    if roll is not None:
        check_choice(roll, funds.ROLL_UP_LEVELS, "--roll-up")
    data = _load(raw)
    filters = _filters(data, raw)
    decisions = _decisions(data, filters, roll_up=roll is not None)
    explain = bool(raw.get("explain"))

    if roll is not None:
        rolled = funds.roll_up(decisions, roll, data)

        def rolled_table() -> None:
            from xiezuo_cli import render

            render.roll_up_table(rolled, roll, output)

        _emit((row.as_row() for row in rolled), funds.ROLL_UP_FIELDS, output, rolled_table)
        return

    rows = funds.totals(decisions, fields)

    def table() -> None:
        from xiezuo_cli import render

        render.funds_table(data, rows, fields, decisions, output, chart=bool(raw.get("chart")))
        if explain:
            render.explain_table(data, decisions, output)

    if explain:
        _emit(map(funds.explain_row, decisions), funds.EXPLAIN_FIELDS, output, table)
    else:
        total_fields = (*fields, "amount_yuan", "at_least", "about", "records")
        _emit((row.as_row() for row in rows), total_fields, output, table)


def report(raw: Raw) -> None:
    from xiezuo_cli import funds

    output = OutputOptions.parse(raw)
    per = check_choice(str(raw.get("per") or "pairing").strip(), ("pairing", "year"), "--per")
    data = _load(raw)
    filters = _filters(data, raw)
    selected = query.select(data, filters)
    decided = {d.record.id: d for d in _decisions(data, filters)}
    groups: dict[Any, list[Record]] = {}  # pairing id, or year (a span for a multi-year figure)
    for record in selected:
        key = record.pairing if per == "pairing" else (record.year or record.span)
        groups.setdefault(key, []).append(record)
    if per == "pairing":
        keys = [p for p in data.pairings if p in groups]
    else:
        keys = sorted(groups, key=lambda year: (year is None, str(year or "")))
    report_groups = []
    ordered: list[Record] = []
    for key in keys:
        records = _in_category_order(groups[key])
        ordered.extend(records)
        if per == "pairing":
            pairing = data.pairings[key]  # type: ignore[index]
            title = (
                f"{pairing.label} · {pairing.kind}：{pairing.provider.full_name} → "
                f"{pairing.receiver.full_name}"
            )
        else:
            title = (
                f"{key}年"
                if isinstance(key, int)
                else f"{key}年（跨年，不拆分）"
                if key
                else "未注明期间"
            )
        sources = _sources_of(data, (c.source for r in records for c in r.citations))
        subtotals = funds.totals(
            (decided[r.id] for r in records if r.id in decided), funds.group_fields(["category"])
        )
        report_groups.append((title, records, subtotals, sources))

    def table() -> None:
        from xiezuo_cli import render

        render.report_tables(data, report_groups, output, chart=bool(raw.get("chart")))

    flat = _flat(output)
    _emit((record.as_dict(flat=flat) for record in ordered), RECORD_FIELDS, output, table)


def show(raw: Raw) -> None:
    from xiezuo_cli import funds
    from xiezuo_cli.names import match_pairings

    output = OutputOptions.parse(raw)
    data = _load(raw)
    name = str(raw.get("name") or "")
    found = match_pairings(data.pairings.values(), name)
    if len(found) > 1:
        listed = ", ".join(f"{p.id} ({p.label})" for p in found)
        raise UsageProblem(f"{name!r} fits {len(found)} pairings: {listed}; name one of them")
    pairing = found[0]
    filters = _filters(data, raw)._replace(pairings=frozenset([pairing.id]))
    records = _in_category_order(r for r in data.records_of(pairing.id) if filters.accepts(r))
    decisions = _decisions(data, filters)
    rows = funds.totals(decisions, funds.group_fields(["category"]))
    cited = [c.source for r in records for c in r.citations]
    sources = _sources_of(data, [s for s in (pairing.source, *cited) if s is not None])

    if output.format == "json":
        document = {
            "pairing": pairing.summary(),
            "funds": [row.as_row() for row in rows],
            "aid_totals": [
                {**row.as_row(), "ids": list(row.ids)} for row in funds.aid_totals(rows)
            ],
            "records": [record.as_dict() for record in records],
            "sources": [_source_dict(source) for source in sources],
        }
        write_json_document(document, sys.stdout)
        return

    def table() -> None:
        from xiezuo_cli import render

        render.dossier(data, pairing, rows, records, sources, output)

    flat = _flat(output)
    _emit((record.as_dict(flat=flat) for record in records), RECORD_FIELDS, output, table)


def _source_dict(source: Source) -> dict[str, object]:
    return {name: getattr(source, name) for name in SOURCE_FIELDS}


def cite(raw: Raw) -> None:
    output = OutputOptions.parse(raw)
    data = _load(raw)
    record_id = str(raw.get("record") or "").strip()
    record = data.record(record_id)
    if record is None:
        import difflib

        close = difflib.get_close_matches(record_id, [r.id for r in data.records], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `xiezuo list` for ids"
        raise UsageProblem(f"no record {record_id!r}{hint}")
    history = revision_history(data, record)
    flat = _flat(output)
    rows = []
    for citation in record.citations:
        source = data.sources[citation.source]
        row = record.as_dict(flat=flat)
        row["source"], row["quote"] = citation.source, citation.quote
        row.update({f"source_{key}": getattr(source, key) for key in CITE_FIELDS_SOURCE})
        rows.append(row)
    if output.format == "json":
        document = {
            **record.as_dict(),
            "sources": [_source_dict(data.sources[c.source]) for c in record.citations],
            "history": [r.as_dict() for r in history],
        }
        write_json_document(document, sys.stdout)
        return

    def table() -> None:
        from xiezuo_cli import render

        render.citation(data, record, history, output)

    _emit(rows, CITE_FIELDS, output, table)


CITE_FIELDS_SOURCE = ("title", "publisher", "author", "published", "url")


def revision_history(data: Dataset, record: Record) -> list[Record]:
    """Every figure of the record's revision chain, oldest first (the record itself included)."""
    by_id = {r.id: r for r in data.records}
    revised_by = {r.revises: r for r in data.records if r.revises is not None}
    first = record
    while first.revises is not None and first.revises in by_id:
        first = by_id[first.revises]
    chain = [first]
    while chain[-1].id in revised_by:
        chain.append(revised_by[chain[-1].id])
    return chain


def validate(raw: Raw) -> None:
    data = _load(raw)
    money = sum(1 for record in data.records if record.is_money)
    sys.stdout.write(
        f"ok: {data.path}: {len(data.places)} places, {len(data.pairings)} pairings, "
        f"{len(data.records)} records ({money} money), {len(data.sources)} sources\n"
    )


def export(raw: Raw) -> None:
    from xiezuo_cli.options import EXPORT_FORMATS

    given = raw.get("format")
    fmt = check_choice("json" if given is None else str(given).strip(), EXPORT_FORMATS, "--format")
    data = _load(raw)
    flat = fmt not in ("json", "jsonl")
    rows = (record.as_dict(flat=flat) for record in data.records)
    write_rows(rows, RECORD_FIELDS, fmt, sys.stdout)


RUNNERS: dict[str, Callable[[Raw], None]] = {
    "validate": validate,
    "export": export,
    "pairs": pairs,
    "list": list_records,
    "filter": filter_records,
    "funds": funds_totals,
    "report": report,
    "show": show,
    "cite": cite,
}
