"""What each command does: typed parameters in, core calls, rendering out.

Both command-line paths (Typer in cli.py, the pre-parser in argv.py) turn what was typed into one
params.Params (params.parse) and call ``run``, so the two cannot drift apart. Nothing here reads
option text: every value arrives typed and checked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from xiezuo_cli.cli import write_options
from xiezuo_cli.cli.params import Params, Selection
from xiezuo_cli.errors import IndexDamaged, UsageProblem
from xiezuo_cli.model.records import RECORD_FIELDS, Record, Source
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import CATEGORIES
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import write_json_document, write_rows
from xiezuo_cli.query.filters import Filters, field_value, iter_select, select, why_empty
from xiezuo_cli.storage import dataset
from xiezuo_cli.storage.dataset import Dataset

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
    "fiscal_aid_period_start",
    "fiscal_aid_period_end",
    "fiscal_aid_derived",
)
CITE_FIELDS = (
    *RECORD_FIELDS,
    "citation_note",
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


def _load(params: Params) -> Dataset:
    path = params.db if params.db is not None else dataset.bundled_path()
    from xiezuo_cli.present.progress import on_stderr

    return dataset.load(path, use_index=params.index, progress=on_stderr)


def _filters(data: Dataset, params: Params) -> Filters:
    return params.filters.resolve(data)


def _flat(output: OutputOptions) -> bool:
    """CSV, TSV, Markdown and tables carry a citation count; JSON and JSONL the citations."""
    return output.format not in ("json", "jsonl")


def _decisions(
    data: Dataset,
    filters: Filters,
    stages: Sequence[str] = (),
    *,
    roll_up: bool = False,
    counts: bool = False,
    text: bool = False,
    derived: bool = True,
) -> list:
    """The funds decisions for the records the filters select (every stage: funds itself says
    which stage it counts and which it skips), with revisions known at --as-of. ``text``: the
    caller reads the records' item or citations (--explain); else they may come without."""
    from xiezuo_cli.query import funds

    # --during selects every figure that overlaps the window: those that lie within it are added,
    # those that reach beyond it are shown apart (funds.decide_all). --year selects only those
    # that lie within it, so both add the same figures.
    window = filters.window()
    selected = select(data, filters, stage=False, text=text)
    wanted = funds.check_stages(stages or filters.stages)
    return funds.decide_all(
        selected,
        wanted,
        data.superseded(filters.known_by),
        same_level_parts=roll_up,
        counts=counts,
        window=window,
        derived=derived,
    )


def _emit(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    output: OutputOptions,
    table: Callable[[], None],
) -> None:
    if output.is_table:
        from xiezuo_cli.present import pager

        with pager.paging(output.pager):
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


def _row_value(row: Mapping[str, object], name: str) -> object:
    return row.get(name)


def _sorted_rows(
    rows: list[dict[str, object]], params: Params, data: Dataset
) -> list[dict[str, object]]:
    from xiezuo_cli.query.sorting import sort_by

    selection = params.selection
    if selection.sort:
        rows = sort_by(rows, selection.sort, selection.desc, _row_value, data.pinyin)
    return rows if selection.limit is None else rows[: selection.limit]


# ─── commands ─────────────────────────────────────────────────────────────────────────────


def pairs(params: Params) -> None:
    from xiezuo_cli.query import funds

    output = params.output
    data = _load(params)
    filters = _filters(data, params)
    rows: list[dict[str, object]] = []
    counted: dict[str, int] = {}
    for record in iter_select(data, filters, text=False):
        counted[record.pairing] = counted.get(record.pairing, 0) + 1
    by_pairing: dict[str, list] = {}
    for decision in _decisions(data, filters):
        by_pairing.setdefault(decision.record.pairing, []).append(decision)
    for pairing in data.pairings.values():
        if filters.pairings is not None and pairing.id not in filters.pairings:
            continue
        family, fiscal = funds.fiscal_total(by_pairing.get(pairing.id, ()))
        rows.append(
            {
                **pairing.summary(),
                "records": counted.get(pairing.id, 0),
                "fiscal_aid_yuan": fiscal.amount_yuan if fiscal else None,
                "fiscal_aid_at_least": fiscal.at_least if fiscal else False,
                "fiscal_aid_about": fiscal.about if fiscal else False,
                "fiscal_aid_measure": family,
                "fiscal_aid_period_start": fiscal.period_start if fiscal else None,
                "fiscal_aid_period_end": fiscal.period_end if fiscal else None,
                "fiscal_aid_derived": fiscal.derived if fiscal else False,
            }
        )
    rows = _sorted_rows(rows, params, data)
    empty = None
    if not rows:

        def pairings(given: Filters) -> int:
            chosen = given.resolve(data).pairings
            return len(data.pairings) if chosen is None else len(chosen)

        empty = why_empty(data, filters, pairings, what="结对", counter="个")

    def table() -> None:
        from xiezuo_cli.present import render

        render.pairs_table(rows, output, empty)

    _emit(rows, PAIRS_FIELDS, output, table)


def _records_out(
    data: Dataset, records: Iterable[Record], params: Params, filters: Filters
) -> None:
    """Records in rows. Machine formats stream: without --sort, rows are written as the
    records are read, so a million of them start printing at once in flat memory."""
    from itertools import islice

    from xiezuo_cli.query.sorting import sort_by

    output, selection = params.output, params.selection
    if selection.sort:
        records = sort_by(list(records), selection.sort, selection.desc, field_value, data.pinyin)
    if selection.limit is not None:
        records = islice(records, selection.limit)
    columns = selection.columns
    fields = columns or RECORD_FIELDS
    if output.is_table:
        shown = list(records)
        _check_table_size(len(shown), output)
        empty = _empty_reason(data, filters) if not shown else None

        def table() -> None:
            from xiezuo_cli.present import render

            revised = data.superseded(filters.known_by)
            render.records_table(data, shown, output, columns, revised, empty)

        _emit((), fields, output, table)
        return
    flat = _flat(output)
    _emit((record.as_dict(fields, flat=flat) for record in records), fields, output, _no_table)


def _during_option(filters: Filters) -> str:
    """--during with the years --year asked for: the command that shows what reaches beyond."""
    if filters.years is None:
        return "--during"
    first, last = filters.years
    return f"--during {first}" + (f"-{last}" if last != first else "")


def _empty_reason(
    data: Dataset,
    filters: Filters,
    decisions: Sequence[Any] | None = None,
    *,
    counts: bool = False,
) -> str:
    """Why an answer is empty, for the line under its table. For totals (``decisions`` given):
    the records matched, but none is money (or, for --counts, a count); else which filter left
    nothing (why_empty)."""
    if decisions is not None and not decisions:
        matched = sum(1 for _ in iter_select(data, filters, stage=False, text=False))
        if matched:
            if counts:
                return (
                    f"匹配的 {matched} 条记录都不是可加总的数量（金额见不带 --counts 的 funds）。"
                )
            return f"匹配的 {matched} 条记录都没有金额（人数、个数等见 funds --counts 或 list）。"
    return why_empty(data, filters)


def _no_table() -> None:
    raise AssertionError("a machine format has no table")


# More rows than anyone reads on a terminal: such a table asks for --limit, unless it is paged.
TABLE_ROWS_MAX = 5000


def _check_table_size(rows: int, output: OutputOptions) -> None:
    if rows <= TABLE_ROWS_MAX:
        return
    from xiezuo_cli.present import pager, terminal

    if not terminal.is_terminal(sys.stdout):
        return
    if output.pager and pager.pager_command() is not None:
        return
    raise UsageProblem(
        f"{rows:,} rows are too many for a table on a terminal (the most is "
        f"{TABLE_ROWS_MAX:,}): narrow it with filters or --limit N, use a pager, or --csv"
    )


def list_records(params: Params) -> None:
    data = _load(params)
    filters = _filters(data, params)
    _records_out(data, iter_select(data, filters), params, filters)


def filter_records(params: Params) -> None:
    from xiezuo_cli.query.expressions import compile_all

    data = _load(params)
    filters = _filters(data, params)._replace(extra=compile_all(params.expressions, data))
    _records_out(data, iter_select(data, filters), params, filters)


def funds_totals(params: Params) -> None:
    from xiezuo_cli.query import funds

    output = params.output
    fields = funds.group_fields(params.by)
    data = _load(params)
    filters = _filters(data, params)
    roll = params.roll_up
    decisions = _decisions(
        data,
        filters,
        roll_up=roll is not None,
        counts=params.counts,
        text=params.explain,
        derived=not params.no_derived,
    )
    if params.units:
        decisions = [d for d in decisions if d.record.unit in params.units]

    if roll is not None:
        rolled = funds.roll_up(decisions, roll, data)
        empty = _empty_reason(data, filters, decisions) if not rolled else None

        def rolled_table() -> None:
            from xiezuo_cli.present import render

            render.roll_up_table(rolled, roll, output, filters.window_label(), decisions, empty)

        _emit((row.as_row() for row in rolled), funds.ROLL_UP_FIELDS, output, rolled_table)
        return

    if params.counts:
        fields = funds.count_fields(fields)
    rows = funds.totals(decisions, fields)
    total = "value" if params.counts else "amount_yuan"
    total_fields = (*fields, total, *funds.TOTAL_TAIL)
    dicts = [row.as_row(total) for row in rows]
    if params.selection.sort or params.selection.limit is not None:
        order = {id(d): row for d, row in zip(dicts, rows, strict=True)}
        dicts = _sorted_rows(dicts, params, data)
        rows = [order[id(d)] for d in dicts]

    beyond: list = []
    if output.is_table and filters.years is not None:
        # --year adds the figures that lie within its years; say which reach beyond them
        wider = filters._replace(years=None, during=filters.window())
        beyond = [
            d.record
            for d in _decisions(data, wider, counts=params.counts, derived=not params.no_derived)
            if d.reason == "window" and (not params.units or d.record.unit in params.units)
        ]
    if output.is_table:
        _check_table_size(len(decisions) if params.explain else len(rows), output)
    empty = None
    if not rows or (params.explain and not decisions):
        empty = _empty_reason(data, filters, decisions, counts=params.counts)

    def table() -> None:
        from xiezuo_cli.present import render

        render.funds_table(
            data,
            rows,
            fields,
            decisions,
            output,
            chart=params.chart,
            counts=params.counts,
            window=filters.window_label(),
            empty=empty,
            beyond=beyond,
            during_option=_during_option(filters),
        )
        if params.explain:
            render.explain_table(data, decisions, output, empty)

    if params.explain:
        _emit(map(funds.explain_row, decisions), funds.EXPLAIN_FIELDS, output, table)
    else:
        _emit(dicts, total_fields, output, table)


def report(params: Params) -> None:
    from xiezuo_cli.query import funds

    output, per = params.output, params.per
    data = _load(params)
    filters = _filters(data, params)
    selected = select(data, filters)
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

    if output.is_table:
        _check_table_size(len(ordered), output)
    empty = _empty_reason(data, filters) if output.is_table and not ordered else None

    def table() -> None:
        from xiezuo_cli.present import render

        render.report_tables(
            data,
            report_groups,
            output,
            chart=params.chart,
            per=params.per,
            revised=data.superseded(filters.known_by),
            empty=empty,
        )

    flat = _flat(output)
    _emit((record.as_dict(flat=flat) for record in ordered), RECORD_FIELDS, output, table)


def show(params: Params) -> None:
    from xiezuo_cli.model.names import match_pairings
    from xiezuo_cli.query import funds

    output = params.output
    data = _load(params)
    name = params.name
    found = match_pairings(data.pairings.values(), name)
    if len(found) > 1:
        listed = ", ".join(f"{p.id} ({p.label})" for p in found)
        raise UsageProblem(f"{shown(name)} fits {len(found)} pairings: {listed}; name one of them")
    pairing = found[0]
    filters = _filters(data, params)
    if filters.pairings is not None and pairing.id not in filters.pairings:
        filters = filters._replace(pairings=frozenset())
    else:
        filters = filters._replace(pairings=frozenset([pairing.id]))
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

    empty = None
    if output.is_table and not records:

        def of_pairing(given: Filters) -> int:
            resolved = given.resolve(data)
            if resolved.pairings is not None and pairing.id not in resolved.pairings:
                return 0
            return sum(1 for r in data.records_of(pairing.id) if resolved.accepts(r))

        if not any(True for _ in data.records_of(pairing.id)):
            empty = "该结对还没有任何数字记录。"
        else:
            empty = why_empty(data, params.filters, of_pairing)

    def table() -> None:
        from xiezuo_cli.present import render

        render.dossier(
            data,
            pairing,
            rows,
            records,
            sources,
            output,
            filters.window_label(),
            data.superseded(filters.known_by),
            empty,
        )

    flat = _flat(output)
    _emit((record.as_dict(flat=flat) for record in records), RECORD_FIELDS, output, table)


def _source_dict(source: Source) -> dict[str, object]:
    return {name: getattr(source, name) for name in SOURCE_FIELDS}


def cite(params: Params) -> None:
    output = params.output
    data = _load(params)
    record_id = params.record
    record = data.record(record_id)
    if record is None:
        import difflib

        close = difflib.get_close_matches(record_id, data.record_ids(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `xiezuo list` for ids"
        raise UsageProblem(f"no record {shown(record_id)}{hint}")
    history = revision_history(data, record)
    flat = _flat(output)
    rows = []
    for citation in record.citations:
        source = data.sources[citation.source]
        row = record.as_dict(flat=flat)
        row["source"], row["quote"] = citation.source, citation.quote
        row["citation_note"] = citation.note
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
        from xiezuo_cli.present import render

        render.citation(data, record, history, output)

    _emit(rows, CITE_FIELDS, output, table)


CITE_FIELDS_SOURCE = ("title", "publisher", "author", "published", "url")


def revision_history(data: Dataset, record: Record) -> list[Record]:
    """Every figure of the record's revision chain, oldest first (the record itself included)."""
    later = data.superseded()  # figure -> the one that revises it, over every record
    first = record
    while first.revises is not None:
        earlier = data.record(first.revises)
        if earlier is None:
            break
        first = earlier
    chain = [first]
    while chain[-1].id in later:
        following = data.record(later[chain[-1].id])
        if following is None:
            break
        chain.append(following)
    return chain


def validate(params: Params) -> None:
    data = _load(params)
    money = data.money_count()
    sys.stdout.write(
        f"ok: {data.path}: {len(data.places)} places, {len(data.pairings)} pairings, "
        f"{len(data.records)} records ({money} money), {len(data.sources)} sources\n"
    )


def export(params: Params) -> None:
    data = _load(params)
    filters = _filters(data, params)
    if params.output.format == "sqlite":
        from xiezuo_cli.present.sqlite_export import write_sqlite

        records = select(data, filters)
        write_sqlite(
            data,
            records,
            params.output.path,
            known_by=filters.known_by,
            window=filters.window(),
        )
        return
    _records_out(
        data,
        iter_select(data, filters),
        params._replace(selection=Selection()),
        filters,
    )


def fields(params: Params) -> None:
    from xiezuo_cli.query.fields import FIELDS_COLUMNS, fields_rows

    rows = fields_rows()

    def table() -> None:
        from xiezuo_cli.present import render

        render.plain_table(rows, FIELDS_COLUMNS, params.output)

    _emit(rows, FIELDS_COLUMNS, params.output, table)


RUNNERS: dict[str, Callable[[Params], None]] = {
    "validate": validate,
    "export": export,
    "fields": fields,
    "pairs": pairs,
    "list": list_records,
    "filter": filter_records,
    "funds": funds_totals,
    "report": report,
    "show": show,
    "cite": cite,
}


def _write(params: Any) -> None:
    """A write command: write_commands.py, loaded only for one."""
    from xiezuo_cli.cli.write_commands import RUNNERS as WRITE_RUNNERS

    WRITE_RUNNERS[params.command](params)


RUNNERS.update(dict.fromkeys(write_options.NAMES, _write))


def run(command: str, raw: Mapping[str, object]) -> None:
    """Parse what was typed for ``command`` and run it, writing to stdout or to -o FILE."""
    if command == "import":  # its own typed parameters, report and -o FILE (import_command.py)
        from xiezuo_cli.cli import import_command

        import_command.run(import_command.parse(raw))
        return
    if command in write_options.NAMES:  # write commands: their own typed parameters
        from xiezuo_cli.cli import write_commands

        params = write_commands.parse(command, raw)
    else:
        from xiezuo_cli.cli.params import parse

        params = parse(command, raw)  # type: ignore[assignment]
    if params.output.path is not None:  # before anything is read: where it may not write
        from xiezuo_cli.storage import destination

        database = params.db if params.db is not None else dataset.bundled_path()
        destination.check(params.output.path, database=database)
    try:
        _run_once(command, params)
    except IndexDamaged as damage:
        # The derived index failed a check while being read: drop it, and answer from the file
        # unless rows may already have gone to stdout (-o FILE kept nothing: it is atomic).
        from xiezuo_cli.storage import index

        index.discard(params.db if params.db is not None else dataset.bundled_path())
        if damage.partial and params.output.path is None:
            raise
        _run_once(command, params._replace(index=False))


def _run_once(command: str, params: Params) -> None:
    if params.output.format == "sqlite":  # a database file, which it writes atomically itself
        RUNNERS[command](params)
        return
    with _destination(params.output):
        RUNNERS[command](params)


@contextmanager
def _destination(output: OutputOptions) -> Iterator[None]:
    """stdout, or -o FILE written atomically: a temporary file beside it, renamed over it only
    when the command succeeded, so a failed or interrupted command leaves the old file whole."""
    if output.path is None:
        yield
        return
    from xiezuo_cli.storage.files import atomic_text_file

    with atomic_text_file(output.path) as stream:
        saved, sys.stdout = sys.stdout, stream
        try:
            yield
        finally:
            sys.stdout = saved
