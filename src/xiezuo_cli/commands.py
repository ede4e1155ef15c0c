"""What each query command does: options in (as typed), core calls, rendering out.

Called by both command-line paths (Typer in cli.py, the pre-parser in argv.py) with the same
dict of raw option values, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from xiezuo_cli import dataset, query
from xiezuo_cli.dataset import Dataset
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import CATEGORIES, RECORD_FIELDS, Record, Source
from xiezuo_cli.options import FILTER_NAMES, OutputOptions, check_choice, parse_limit
from xiezuo_cli.output import write_rows

Raw = Mapping[str, object]

PAIRS_FIELDS = (
    "id",
    "kind",
    "provider",
    "receiver",
    "since",
    "records",
    "fiscal_aid_yuan",
    "fiscal_aid_at_least",
)
CITE_FIELDS = (
    *RECORD_FIELDS,
    "source_title",
    "source_publisher",
    "source_author",
    "source_published",
    "source_url",
)


def _load(raw: Raw) -> Dataset:
    return dataset.load(dataset.resolve_path(raw.get("db")))  # type: ignore[arg-type]


def _filters(data: Dataset, raw: Raw) -> query.Filters:
    values = {name: raw.get(name) for name in FILTER_NAMES if name in raw}
    values["pair"] = values.get("pair") or ()
    values["category"] = values.get("category") or ()
    values["money"] = bool(values.get("money"))
    return query.Filters.parse(data, **values)  # type: ignore[arg-type]


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
    for pairing in data.pairings.values():
        if filters.pairings is not None and pairing.id not in filters.pairings:
            continue
        if filters.kinds and pairing.kind not in filters.kinds:
            continue
        records = [record for record in data.records_of(pairing.id) if filters.accepts(record)]
        fiscal = funds.fiscal_total(records)
        rows.append(
            {
                "id": pairing.id,
                "kind": pairing.kind,
                "provider": pairing.provider.name,
                "receiver": pairing.receiver.name,
                "since": pairing.since,
                "records": len(records),
                "fiscal_aid_yuan": fiscal.amount_yuan if fiscal else None,
                "fiscal_aid_at_least": fiscal.at_least if fiscal else False,
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
    _emit((record.as_dict(fields) for record in records), fields, output, table)


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
    data = _load(raw)
    selected = query.select(data, _filters(data, raw))
    rows = funds.totals(selected, fields)
    decisions = funds.decisions(selected) if raw.get("explain") else []

    def table() -> None:
        from xiezuo_cli import render

        render.funds_table(data, rows, fields, output, chart=bool(raw.get("chart")))
        if raw.get("explain"):
            render.explain_table(data, decisions, output)

    if raw.get("explain"):
        _emit(map(funds.explain_row, decisions), funds.EXPLAIN_FIELDS, output, table)
    else:
        total_fields = (*fields, "amount_yuan", "at_least", "about", "records")
        _emit((row.as_row() for row in rows), total_fields, output, table)


def report(raw: Raw) -> None:
    from xiezuo_cli import funds

    output = OutputOptions.parse(raw)
    per = check_choice(str(raw.get("per") or "pairing").strip(), ("pairing", "year"), "--per")
    data = _load(raw)
    selected = query.select(data, _filters(data, raw))
    groups: dict[Any, list[Record]] = {}  # pairing id or year (None: no single year)
    for record in selected:
        groups.setdefault(record.pairing if per == "pairing" else record.year, []).append(record)
    if per == "pairing":
        keys = [p for p in data.pairings if p in groups]
    else:
        keys = sorted(groups, key=lambda year: (year is None, year or 0))
    report_groups = []
    ordered: list[Record] = []
    for key in keys:
        records = _in_category_order(groups[key])
        ordered.extend(records)
        if per == "pairing":
            pairing = data.pairings[key]  # type: ignore[index]
            title = (
                f"{pairing.label} · {pairing.kind}：{pairing.provider.name} → "
                f"{pairing.receiver.name}"
            )
        else:
            title = f"{key}年" if key is not None else "跨年累计（未注明年份）"
        sources = _sources_of(data, (record.source for record in records))
        report_groups.append((title, records, funds.totals(records, ("category",)), sources))

    def table() -> None:
        from xiezuo_cli import render

        render.report_tables(data, report_groups, output, chart=bool(raw.get("chart")))

    _emit((record.as_dict() for record in ordered), RECORD_FIELDS, output, table)


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
    filters = _filters(data, raw)
    records = _in_category_order(r for r in data.records_of(pairing.id) if filters.accepts(r))
    rows = funds.totals(records, ("category",))
    sources = _sources_of(data, [pairing.source, *(r.source for r in records)])

    if output.format == "json":
        document = {
            "pairing": {
                "id": pairing.id,
                "kind": pairing.kind,
                "provider": pairing.provider.name,
                "receiver": pairing.receiver.name,
                "since": pairing.since,
            },
            "funds": [row.as_row() for row in [*rows, *funds.aid_totals(rows)]],
            "records": [record.as_dict() for record in records],
            "sources": [_source_dict(source) for source in sources],
        }
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return

    def table() -> None:
        from xiezuo_cli import render

        render.dossier(data, pairing, rows, records, sources, output)

    _emit((record.as_dict() for record in records), RECORD_FIELDS, output, table)


def _source_dict(source: Source) -> dict[str, object]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "published": source.published,
        "url": source.url,
    }


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
    source = data.sources[record.source]
    row = {
        **record.as_dict(),
        **{f"source_{key}": value for key, value in _source_dict(source).items() if key != "id"},
    }

    def table() -> None:
        from xiezuo_cli import render

        render.citation(data, record, source, output)

    _emit([row], CITE_FIELDS, output, table)


def validate(raw: Raw) -> None:
    data = _load(raw)
    money = sum(1 for record in data.records if record.is_money)
    sys.stdout.write(
        f"ok: {data.path}: {len(data.pairings)} pairings, {len(data.records)} records "
        f"({money} money), {len(data.sources)} sources\n"
    )


def export(raw: Raw) -> None:
    from xiezuo_cli.options import EXPORT_FORMATS

    given = raw.get("format")
    fmt = check_choice("json" if given is None else str(given).strip(), EXPORT_FORMATS, "--format")
    data = _load(raw)
    write_rows((record.as_dict() for record in data.records), RECORD_FIELDS, fmt, sys.stdout)


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
