"""The per-command views of records for people: list and filter, pairs, report, show and cite
(funds and its chart are in funds_view). Each builds columns and rows and draws them with the
table engine (table.py).

Every table ends with a count line (``3 条记录``, ``0 条记录``; ``N 个结对``; for totals
``N 行，计入 M 条记录``), so a result with no match is its header row and ``0 …``, never a blank.
"""

from collections.abc import Mapping, Sequence
from typing import cast

from xiezuo_cli.model.records import Pairing, Record, Source
from xiezuo_cli.model.vocab import ACTOR_NAMES, LEVEL_NAMES, STAGE_NAMES
from xiezuo_cli.present.cells import (
    FIELD_HEADINGS,
    LIST_COLUMNS,
    RECORD_COLUMNS,
    field_cell,
    field_col,
    figure_cells,
    pairing_label,
    record_row,
)
from xiezuo_cli.present.funds_view import (
    PERIOD_COL,
    apart_lines,
    derived_line,
    draw_chart,
    group_col,
    group_value,
    has_apart,
    period_cell,
    totals_count,
    varying,
)
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.table import (
    DERIVED_MARK,
    DROP_ORDER,
    HINT_COLUMNS,
    NUMBER,
    TEXT,
    WHOLE,
    Amount,
    Col,
    Out,
    Row,
    draw_table,
    plain_text,
    total_mark,
    total_text,
)
from xiezuo_cli.query.funds import (
    APART_OVERLAP,
    APART_WINDOW,
    Total,
    aid_totals,
    period_text,
)
from xiezuo_cli.storage.dataset import Dataset

# ─── list / filter ────────────────────────────────────────────────────────────────────────


def records_table(
    data: Dataset,
    records: Sequence[Record],
    options: OutputOptions,
    columns: Sequence[str] = (),
    revised: Mapping[str, str] | None = None,
    empty: str | None = None,
) -> None:
    """``revised``: each figure a later one revises (known at --as-of), and that later one;
    ``empty``: why nothing matched, said under an empty table."""
    out = Out(options)
    if columns:
        cols = [field_col(name, options.unit) for name in columns]
        rows = [
            Row({name: field_cell(data, record, name, options.unit) for name in columns})
            for record in records
        ]
        draw_table(out, cols, rows)  # the columns asked for are never hidden
    else:
        cols = [RECORD_COLUMNS[name] for name in LIST_COLUMNS]
        rows = [record_row(data, record, options.unit, revised=revised) for record in records]
        draw_table(out, cols, rows, drop=DROP_ORDER["list"], hint=HINT_COLUMNS)
    out.para(f"{len(records)} 条记录")
    if empty and not records:
        out.para(empty)
    out.flush()


def plain_table(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str], options: OutputOptions
) -> None:
    """Any rows of text by the columns named (headings in Chinese where xiezuo has them)."""
    out = Out(options)
    cols = [Col(name, FIELD_HEADINGS.get(name, name), TEXT, 12) for name in columns]
    draw_table(out, cols, [Row(row) for row in rows])
    out.para(f"{len(rows)} 行")
    out.flush()


# ─── pairs ────────────────────────────────────────────────────────────────────────────────

PAIRS_CAPTION = (
    "财政援助：实际投入的财政资金；没有财政资金数字的结对用它唯一的另一口径（如各类帮扶资金，"
    "含社会资金）。各行的口径与期间不同，不是同一个量：比较、排序时看这两栏。含于他项的不重复"
    "计算；≥ 表示下限，约 表示约数，推算 表示由文中数字推算。"
)
PAIRS_SPLIT = "分列"  # a running total and figures its period overlaps: no one sum (see funds)
PAIRS_SPLIT_CAPTION = (
    "分列：该结对的累计数与同口径的其他数字期间重叠，不能合成一个数，见 xiezuo funds --pair。"
)


def pairs_table(
    rows: Sequence[Mapping[str, object]], options: OutputOptions, empty: str | None = None
) -> None:
    out = Out(options)
    table_rows = []
    for row in rows:
        fiscal = cast("int | None", row["fiscal_aid_yuan"])
        mark = ("约" if row["fiscal_aid_about"] else "") + (
            "≥" if row["fiscal_aid_at_least"] else ""
        )
        if row["fiscal_aid_derived"]:
            mark = DERIVED_MARK + mark
        measure = row["fiscal_aid_measure"]
        if fiscal is not None:
            shown: object = Amount(fiscal, mark)
        else:
            shown = PAIRS_SPLIT if measure is not None else "—"
        period = (
            period_text(
                cast("str | None", row["fiscal_aid_period_start"]),
                cast("str | None", row["fiscal_aid_period_end"]),
            )
            if fiscal is not None
            else None
        )
        table_rows.append(
            Row(
                {
                    "id": row["id"],
                    "kind": row["kind"],
                    "pairing": f"{row['provider']} → {row['receiver']}",
                    "since": row["since"] or "—",
                    "records": row["records"],
                    "fiscal": shown,
                    "measure": measure,
                    "period": period,
                }
            )
        )
    cols = [
        Col("id", "编号", WHOLE),
        Col("kind", "类型", TEXT, 10, 4),
        Col("pairing", "支援方 → 受援方", TEXT, 14, 8),
        Col("since", "起始", WHOLE),
        Col("records", "记录数", NUMBER),
        Col("fiscal", f"财政援助（{options.unit}）", NUMBER),
        Col("measure", "口径", TEXT, 6, 4),
        PERIOD_COL,
    ]
    draw_table(out, cols, table_rows, drop=DROP_ORDER["pairs"])
    out.para(f"{len(rows)} 个结对")
    if empty and not rows:
        out.para(empty)
    out.para(PAIRS_CAPTION)
    if any(row.cells["fiscal"] == PAIRS_SPLIT for row in table_rows):
        out.para(PAIRS_SPLIT_CAPTION)
    out.flush()


# ─── report ───────────────────────────────────────────────────────────────────────────────


def _subtotal_label(total: Total) -> str:
    """小计（协作资金，实际）: the measure, and the level and stage where they are not the usual;
    a subtotal kept apart (funds._rows) gives its period and why."""
    values = dict(total.key)
    parts = [str(values["measure"])]
    if values.get("stage") != "actual":
        parts.append(STAGE_NAMES.get(str(values.get("stage")), str(values.get("stage"))))
    if values.get("level") != "county":
        parts.append(LEVEL_NAMES.get(str(values.get("level")), str(values.get("level"))))
    if total.apart == APART_OVERLAP:
        period = period_text(total.period_start, total.period_end)
        return f"小计（{'，'.join(parts)}；{period}累计数，与同口径期间重叠的数字不相加）"
    if total.apart == APART_WINDOW:
        period = period_text(total.period_start, total.period_end)
        return f"单列（{'，'.join(parts)}；期间{period}跨出所问年份，不计入）"
    return f"小计（{'，'.join(parts)}；不重复计算）"


REPORT_COLUMNS = ("category", "item", "number", "unit", "stage", "year", "id", "remarks")
REPORT_YEAR_COLUMNS = ("pairing", "category", "item", "number", "unit", "stage", "id", "remarks")


def report_tables(
    data: Dataset,
    groups: Sequence[tuple[str, Sequence[Record], Sequence[Total], Sequence[Source]]],
    options: OutputOptions,
    chart: bool = False,
    *,
    per: str | None = None,
    revised: Mapping[str, str] | None = None,
    empty: str | None = None,
) -> None:
    """One table per group. ``per="year"`` (or, when not given, groups whose title is not their
    pairing's) adds a 结对 column."""
    out = Out(options)
    if not groups:
        columns = REPORT_YEAR_COLUMNS if per == "year" else REPORT_COLUMNS
        draw_table(out, [RECORD_COLUMNS[name] for name in columns], [])
        out.para("0 条记录")
        if empty:
            out.para(empty)
        out.flush()
        return
    for title, records, subtotals, sources in groups:
        by_pairing = all(title.startswith(f"{pairing_label(data, r.pairing)} ·") for r in records)
        columns = REPORT_YEAR_COLUMNS if (per == "year" or not by_pairing) else REPORT_COLUMNS
        by_category: dict[object, list[Total]] = {}
        for subtotal in subtotals:
            by_category.setdefault(subtotal.value("category"), []).append(subtotal)
        rows: list[Row] = []
        for index, record in enumerate(records):
            rows.append(record_row(data, record, options.unit, revised=revised))
            last_of_category = (
                index + 1 == len(records) or records[index + 1].category != record.category
            )
            if not last_of_category:
                continue
            for subtotal in by_category.get(record.category, []):
                cells = {
                    "category": record.category,
                    "item": _subtotal_label(subtotal),
                    "number": Amount(subtotal.amount_yuan, total_mark(subtotal)),
                    "unit": options.unit,
                    "stage": STAGE_NAMES.get(str(subtotal.value("stage"))),
                    "remarks": f"{subtotal.records} 笔",
                }
                rows.append(Row(cells, "bold"))
            rows[-1] = rows[-1]._replace(end=True)
        out.para(title, "bold")
        draw_table(
            out,
            [RECORD_COLUMNS[name] for name in columns],
            rows,
            drop=DROP_ORDER["report"],
        )
        out.para(f"{len(records)} 条记录")
        out.para(
            "来源："
            + "；".join(
                f"{s.title or '（无标题）'}（{s.publisher}，{s.published}）" for s in sources
            )
        )
        if chart and subtotals:
            shown = varying(subtotals, ("category", "measure", "level", "stage"))
            bars = [
                (
                    " ".join(plain_text(group_value(data, n, t.value(n))) for n in shown),
                    t,
                    total_text(t, options.unit),
                )
                for t in subtotals
            ]
            draw_chart(out, bars, options.unit)
        out.line()
    out.flush()


# ─── show ─────────────────────────────────────────────────────────────────────────────────

SHOW_RECORD_COLUMNS = ("category", "item", "number", "unit", "stage", "id", "remarks")


def dossier(
    data: Dataset,
    pairing: Pairing,
    funds_rows: Sequence[Total],
    records: Sequence[Record],
    sources: Sequence[Source],
    options: OutputOptions,
    window: str | None = None,
    revised: Mapping[str, str] | None = None,
    empty: str | None = None,
) -> None:
    out = Out(options)
    since = f"，自 {pairing.since} 起" if pairing.since else ""
    out.para(f"{pairing.label}（{pairing.id}）", "bold")
    out.para(f"{pairing.kind}：{pairing.provider.full_name} → {pairing.receiver.full_name}{since}")
    if pairing.note:
        out.para(pairing.note)
    if empty and not records:
        out.para(empty)
    out.line()

    money_cols = [
        group_col("category"),
        group_col("measure"),
        group_col("stage"),
        *([PERIOD_COL] if has_apart(funds_rows) else []),
        Col("total", f"金额（{options.unit}）", NUMBER),
        Col("records", "笔数", NUMBER),
    ]
    aids = aid_totals(funds_rows)
    money_rows = [
        Row(
            {
                "category": total.value("category"),
                "measure": total.value("measure"),
                "stage": STAGE_NAMES.get(str(total.value("stage")), total.value("stage")),
                "period": period_cell(total),
                "total": Amount(total.amount_yuan, total_mark(total)),
                "records": total.records,
            }
        )
        for total in [*funds_rows, *aids]
    ]
    out.para("资金（按类别，不重复计算）", "bold")
    draw_table(out, money_cols, money_rows, drop=DROP_ORDER["show_funds"])
    out.para(totals_count(funds_rows))
    derived_line(out, funds_rows)
    apart_lines(out, funds_rows, window)
    out.line()

    money_records = [r for r in records if r.amount_yuan is not None]
    people = [r for r in records if not r.is_money and r.unit == "人"]
    rates = [r for r in records if r.is_rate]
    counts = [r for r in records if not r.is_money and r.unit != "人" and not r.is_rate]
    sections = (
        ("资金明细", money_records),
        ("人员", people),
        ("数量", counts),
        ("比率与标准", rates),
    )
    cols = [RECORD_COLUMNS[name] for name in SHOW_RECORD_COLUMNS]
    for title, chosen in sections:
        out.para(title, "bold")
        rows = [record_row(data, record, options.unit, revised=revised) for record in chosen]
        draw_table(out, cols, rows, drop=DROP_ORDER["show_records"])
        out.para(f"{len(chosen)} 条记录")
        out.line()

    source_cols = [
        Col("title", "标题", TEXT, 16, 10),
        Col("publisher", "发布", TEXT, 10, 6),
        Col("published", "日期", WHOLE),
        Col("url", "链接", WHOLE),
    ]
    source_rows = [
        Row(
            {
                "title": source.title or "（无标题）",
                "publisher": source.publisher,
                "published": source.published,
                "url": source.url,
            }
        )
        for source in sources
    ]
    out.para("来源", "bold")
    draw_table(out, source_cols, source_rows, drop=DROP_ORDER["sources"])
    out.para(f"{len(sources)} 个来源")
    out.flush()


# ─── cite ─────────────────────────────────────────────────────────────────────────────────


def citation(
    data: Dataset, record: Record, history: Sequence[Record], options: OutputOptions
) -> None:
    out = Out(options)
    number, unit = figure_cells(record, options.unit)
    out.para(f"{record.id}  {pairing_label(data, record.pairing)}  {record.category}", "bold")
    if record.derivation:  # a figure we worked out: how, never "as the article writes it"
        out.para(f"{record.item}：{number} {unit}（推算：{record.derivation}）")
    else:
        out.para(f"{record.item}：{number} {unit}（原文：{record.figure}）")
    facts = [
        f"口径 {record.measure}",
        f"阶段 {STAGE_NAMES[record.stage]}",
        f"出资方 {ACTOR_NAMES[record.actor]}",
        f"层级 {LEVEL_NAMES[record.level]}",
    ]
    period = _period_text(record)
    if period:
        facts.append(f"期间 {period}")
    facts.append(f"截至 {record.as_of}")
    if record.part_of:
        facts.append(f"含于 {record.part_of}")
    out.para("，".join(facts))
    for index, cited in enumerate(record.citations, start=1):
        source = data.sources[cited.source]
        out.line()
        if len(record.citations) > 1:
            out.para(f"［{index}］", "bold")
        if cited.quote:
            out.para(cited.quote)
            out.line()
        else:
            out.para("（未存原文，仅有出处）")
        author = f"，{source.author}" if source.author else ""
        inferred = "（日期为推断）" if source.published_inferred else ""
        out.para(
            f"—— {source.title or '（无标题）'}，{source.publisher}{author}，"
            f"{source.published}{inferred}"
        )
        if source.url:
            out.line(plain_text(source.url))  # whole, on its own line, however narrow the terminal
        if cited.note:
            out.para(f"注：{cited.note}")
    if record.note:
        out.line()
        out.para(f"说明：{record.note}")
    if len(history) > 1:
        out.line()
        out.para("修订记录（旧→新，汇总取 --as-of 时已发表的最新值）", "bold")
        for old in history:
            shown, shown_unit = figure_cells(old, options.unit)
            mark = "  ← 本条" if old.id == record.id else ""
            out.para(f"{old.known_by}  {old.id}  {shown} {shown_unit}{mark}")
    out.flush()


def _period_text(record: Record) -> str:
    if record.period_start is None and record.period_end is None:
        return ""
    return f"{record.period_start or '…'} 至 {record.period_end or '…'}"
