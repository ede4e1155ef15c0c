"""Tables and charts for people, drawn with Rich. The only module that imports Rich.

Text from the data goes in as rich.text.Text, never as a markup string, so ``[bold]`` in a record
is shown as typed; control characters (terminal escape codes) are shown as ``\\x1b`` so a record
cannot restyle or break the terminal. Off a terminal the console is made wide enough that no cell
is ever cut to "…".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import cast

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from xiezuo_cli.amounts import format_amount, format_value
from xiezuo_cli.dataset import Dataset
from xiezuo_cli.errors import ReaderGone
from xiezuo_cli.funds import AID_TOTAL_LABEL, Decision, Total, aid_totals
from xiezuo_cli.model import Pairing, Record, Source
from xiezuo_cli.options import OutputOptions

FIELD_HEADINGS = {
    "id": "编号",
    "pairing": "结对",
    "kind": "类型",
    "provider": "支援方",
    "receiver": "受援方",
    "category": "类别",
    "item": "事项",
    "metric": "指标",
    "value": "数值",
    "unit": "单位",
    "amount_yuan": "金额（元）",
    "approx": "精度",
    "year": "年份",
    "as_of": "截至",
    "cumulative": "累计",
    "stage": "阶段",
    "part_of": "含于",
    "source": "来源",
    "quote": "原文",
    "note": "说明",
    "figure": "原文数字",
}
NUMERIC_FIELDS = ("value", "amount_yuan", "year")
APPROX_MARKS = {"at_least": "≥", "about": "约", "exact": ""}
NO_YEAR = "跨年累计"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(value: object) -> Text:
    """Data as literal text: no markup, control characters made visible."""
    if value is None:
        return Text("")
    if isinstance(value, bool):
        value = "是" if value else "否"
    return Text(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value)))


class _Console(Console):
    """A Rich console whose lines carry no trailing padding: Rich pads every cell to its
    column's width, which leaves spaces at the end of lines in files and diffs."""

    def print(self, *objects: object, **kwargs: object) -> None:  # type: ignore[override]
        with self.capture() as captured:
            super().print(*objects, **kwargs)  # type: ignore[arg-type]
        lines = captured.get().split("\n")
        self.file.write("\n".join(line.rstrip(" ") for line in lines))

    def on_broken_pipe(self) -> None:
        # Rich would exit 1 here; a reader that left is exit 141 everywhere in xiezuo.
        raise ReaderGone()


def make_console(options: OutputOptions) -> Console:
    terminal = sys.stdout.isatty()
    return _Console(
        file=sys.stdout,
        no_color=not options.color,
        # no_color alone still lets bold and other styles through as escape codes
        color_system="auto" if options.color else None,
        highlight=False,
        emoji=False,
        markup=False,
        # In a pipe there is no width to fit: make room for the widest row rather than cut it.
        width=None if terminal else 100_000,
        soft_wrap=False,
    )


def _table() -> Table:
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)


def _print(
    console: Console, table: Table, caption: str | None = None, title: str | None = None
) -> None:
    """A table between its title and caption as plain lines: Rich's own title and caption
    are wrapped to the table's width and padded with spaces."""
    if title:
        console.print(safe(title), style="bold")
    console.print(table)
    if caption:
        console.print(safe(caption))


def _column(table: Table, heading: str, numeric: bool = False) -> None:
    # overflow="fold": on a narrow terminal a cell wraps, it is never cut to "…". (no_wrap or
    # min_width would keep short columns whole, but Rich then crops the line at the terminal's
    # edge and characters are lost.)
    table.add_column(heading, justify="right" if numeric else "left", overflow="fold")


def amount_text(yuan: int, unit: str, approx: str = "exact") -> str:
    return APPROX_MARKS[approx] + format_amount(yuan, unit)


def total_text(total: Total, unit: str) -> str:
    approx = "at_least" if total.at_least else "about" if total.about else "exact"
    return amount_text(total.amount_yuan, unit, approx)


def figure_cells(record: Record, unit: str) -> tuple[str, str]:
    """The number and unit of a record as a person reads them: ≥100 万元, 约10,000 亩."""
    if record.amount_yuan is not None:
        return amount_text(record.amount_yuan, unit, record.approx), unit
    return APPROX_MARKS[record.approx] + format_value(record.value), record.unit


def remarks(record: Record) -> str:
    notes = []
    if record.part_of:
        notes.append(f"含于 {record.part_of}")
    if record.stage == "planned":
        notes.append("预计")
    if record.cumulative:
        notes.append("累计")
    return "；".join(notes)


def pairing_label(data: Dataset, pairing_id: str) -> str:
    pairing = data.pairings.get(pairing_id)
    return pairing.label if pairing else pairing_id


# Columns of the tables that show records one per row: heading, and whether it is a number.
RECORD_COLUMNS = {
    "id": ("编号", False),
    "pairing": ("结对", False),
    "category": ("类别", False),
    "item": ("事项", False),
    "number": ("数值", True),
    "unit": ("单位", False),
    "year": ("年份", True),
    "remarks": ("备注", False),
}


def _columns(table: Table, columns: Iterable[tuple[str, bool]]) -> None:
    for heading, numeric in columns:
        _column(table, heading, numeric)


def _record_table(columns: Sequence[str]) -> Table:
    table = _table()
    _columns(table, (RECORD_COLUMNS[name] for name in columns))
    return table


def _record_cells(data: Dataset, record: Record, columns: Sequence[str], unit: str) -> list[Text]:
    number, shown_unit = figure_cells(record, unit)
    values = {
        "id": record.id,
        "pairing": pairing_label(data, record.pairing),
        "category": record.category,
        "item": record.item,
        "number": number,
        "unit": shown_unit,
        "year": record.year,
        "remarks": remarks(record),
    }
    return [safe(values[name]) for name in columns]


# ─── list / filter ────────────────────────────────────────────────────────────────────────


def records_table(
    data: Dataset, records: Sequence[Record], options: OutputOptions, columns: Sequence[str] = ()
) -> None:
    table = _table()
    if columns:
        for name in columns:
            _column(table, FIELD_HEADINGS[name], numeric=name in NUMERIC_FIELDS)
        for record in records:
            table.add_row(*(_field_cell(record, name) for name in columns))
    else:
        columns = ("id", "pairing", "category", "item", "number", "unit", "year", "remarks")
        table = _record_table(columns)
        for record in records:
            table.add_row(*_record_cells(data, record, columns, options.unit))
    _print(make_console(options), table, f"{len(records)} 条记录")


def _field_cell(record: Record, name: str) -> Text:
    value = getattr(record, name)
    if name == "amount_yuan" and value is not None:
        return safe(f"{value:,}")
    if name == "value":
        return safe(format_value(value))
    return safe(value)


# ─── pairs ────────────────────────────────────────────────────────────────────────────────


def pairs_table(rows: Sequence[dict[str, object]], options: OutputOptions) -> None:
    table = _table()
    _columns(
        table,
        (
            ("编号", False),
            ("类型", False),
            ("支援方 → 受援方", False),
            ("起始", False),
            ("记录数", True),
            (f"财政援助（{options.unit}）", True),
        ),
    )
    for row in rows:
        fiscal = cast("int | None", row["fiscal_aid_yuan"])
        approx = "at_least" if row["fiscal_aid_at_least"] else "exact"
        table.add_row(
            safe(row["id"]),
            safe(row["kind"]),
            safe(f"{row['provider']} → {row['receiver']}"),
            safe(row["since"] or "—"),
            safe(row["records"]),
            safe("—" if fiscal is None else amount_text(fiscal, options.unit, approx)),
        )
    _print(make_console(options), table, "财政援助：实际投入，含于他项的不重复计算；≥ 表示下限。")


# ─── funds ────────────────────────────────────────────────────────────────────────────────

FUNDS_CAPTION = (
    "只计实际投入的资金流（财政援助、社会帮扶、消费帮扶、产业合作），不同类别不相加；"
    "含于他项的、预计的、成效类金额与比率不计入。≥ 表示含“余、超、多”等下限数字。"
)


def _group_cell(data: Dataset, name: str, value: object) -> Text:
    if name == "pairing":
        return safe(pairing_label(data, str(value)))
    if name == "year" and value is None:
        return safe(NO_YEAR)
    return safe(value)


def funds_table(
    data: Dataset,
    rows: Sequence[Total],
    fields: Sequence[str],
    options: OutputOptions,
    chart: bool = False,
) -> None:
    table = _table()
    for name in fields:
        _column(table, FIELD_HEADINGS[name], numeric=name == "year")
    _column(table, f"金额（{options.unit}）", numeric=True)
    _column(table, "笔数", numeric=True)
    combined = {t.key[:-1] if t.key[-1][0] == "category" else t.key: t for t in aid_totals(rows)}
    for index, total in enumerate(rows):
        table.add_row(
            *(_group_cell(data, name, value) for name, value in total.key),
            safe(total_text(total, options.unit)),
            safe(total.records),
        )
        rest = tuple(item for item in total.key if item[0] != "category")
        following = rows[index + 1] if index + 1 < len(rows) else None
        ends_group = following is None or rest != tuple(
            item for item in following.key if item[0] != "category"
        )
        aid = combined.get(rest)
        if ends_group and aid is not None:
            label = f"{AID_TOTAL_LABEL}（{'＋'.join(('财政援助', '社会帮扶'))}）"
            cells = [
                _group_cell(data, name, value) if name != "category" else safe(label)
                for name, value in total.key
            ]
            table.add_row(
                *cells,
                safe(total_text(aid, options.unit)),
                safe(aid.records),
                style="bold",
                end_section=True,
            )
    console = make_console(options)
    _print(console, table, FUNDS_CAPTION)
    if chart:
        bars = [
            (
                " ".join(str(_group_cell(data, n, v)) for n, v in t.key),
                t,
                total_text(t, options.unit),
            )
            for t in rows
        ]
        console.print(bar_chart(bars, options.unit))


def explain_table(data: Dataset, decisions: Sequence[Decision], options: OutputOptions) -> None:
    table = _table()
    _columns(
        table,
        (
            ("编号", False),
            ("结对", False),
            ("类别", False),
            ("事项", False),
            (f"金额（{options.unit}）", True),
            ("计入", False),
            ("原因", False),
        ),
    )
    for decision in decisions:
        record = decision.record
        number = "" if record.amount_yuan is None else figure_cells(record, options.unit)[0]
        table.add_row(
            safe(record.id),
            safe(pairing_label(data, record.pairing)),
            safe(record.category),
            safe(record.item),
            safe(number or f"{format_value(record.value)} {record.unit}"),
            safe("✓" if decision.counted else "—"),
            safe(decision.detail),
        )
    _print(make_console(options), table, title="明细：计入与跳过的记录")


# ─── chart ────────────────────────────────────────────────────────────────────────────────

_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 40


def bar(amount: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A bar of up to ``width`` cells, in eighths of a cell; any positive amount shows."""
    if largest <= 0 or amount <= 0:
        return ""
    eighths = max(1, amount * width * 8 // largest)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def bar_chart(rows: Iterable[tuple[str, Total, str]], unit: str) -> Table:
    """Label, bar, amount: a grid, so Chinese labels (two cells a character) line up."""
    rows = list(rows)
    largest = max((total.amount_yuan for _, total, _ in rows), default=0)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="left")
    grid.add_column(justify="left", no_wrap=True)
    grid.add_column(justify="right")
    for label, total, shown in rows:
        grid.add_row(safe(label), Text(bar(total.amount_yuan, largest), style="cyan"), safe(shown))
    grid.add_row("", "", safe(f"（{unit}）"))
    return grid


# ─── report ───────────────────────────────────────────────────────────────────────────────


def report_tables(
    data: Dataset,
    groups: Sequence[tuple[str, Sequence[Record], Sequence[Total], Sequence[Source]]],
    options: OutputOptions,
    chart: bool = False,
) -> None:
    console = make_console(options)
    if not groups:
        console.print(safe("没有符合条件的记录。"))
    for title, records, subtotals, sources in groups:
        caption = "来源：" + "；".join(
            f"{s.title}（{s.publisher}，{s.published}）" for s in sources
        )
        columns = ("category", "item", "number", "unit", "year", "id", "remarks")
        table = _record_table(columns)
        by_category = {t.value("category"): t for t in subtotals}
        for index, record in enumerate(records):
            table.add_row(*_record_cells(data, record, columns, options.unit))
            last_of_category = (
                index + 1 == len(records) or records[index + 1].category != record.category
            )
            subtotal = by_category.get(record.category)
            if last_of_category and subtotal is not None:
                table.add_row(
                    safe(record.category),
                    safe("小计（不重复计算）"),
                    safe(total_text(subtotal, options.unit)),
                    safe(options.unit),
                    "",
                    "",
                    safe(f"{subtotal.records} 笔"),
                    style="bold",
                    end_section=True,
                )
            elif last_of_category:
                table.rows[-1].end_section = True
        _print(console, table, caption, title)
        if chart and subtotals:
            bars = [(str(t.value("category")), t, total_text(t, options.unit)) for t in subtotals]
            console.print(bar_chart(bars, options.unit))
        console.print()


# ─── show ─────────────────────────────────────────────────────────────────────────────────


def dossier(
    data: Dataset,
    pairing: Pairing,
    funds_rows: Sequence[Total],
    records: Sequence[Record],
    sources: Sequence[Source],
    options: OutputOptions,
) -> None:
    console = make_console(options)
    since = f"，自 {pairing.since} 起" if pairing.since else ""
    console.print(safe(f"{pairing.label}（{pairing.id}）"), style="bold")
    console.print(safe(f"{pairing.kind}：{pairing.provider.full_name} → {pairing.receiver.full_name}{since}"))
    if pairing.note:
        console.print(safe(pairing.note))
    console.print()

    money = _table()
    _column(money, "类别")
    _column(money, f"金额（{options.unit}）", numeric=True)
    _column(money, "笔数", numeric=True)
    for total in [*funds_rows, *aid_totals(funds_rows)]:
        money.add_row(
            safe(total.value("category")),
            safe(total_text(total, options.unit)),
            safe(total.records),
        )
    if not funds_rows:
        money.add_row(safe("（文章未报道金额）"), "", "")
    _print(console, money, title="资金（按类别，不重复计算）")
    console.print()

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
    for title, chosen in sections:
        if not chosen:
            continue
        columns = ("category", "item", "number", "unit", "id", "remarks")
        table = _record_table(columns)
        for record in chosen:
            table.add_row(*_record_cells(data, record, columns, options.unit))
        _print(console, table, title=title)
        console.print()

    sources_table = _table()
    for heading in ("标题", "发布", "日期", "链接"):
        _column(sources_table, heading)
    for source in sources:
        sources_table.add_row(
            safe(source.title), safe(source.publisher), safe(source.published), safe(source.url)
        )
    _print(console, sources_table, title="来源")


# ─── cite ─────────────────────────────────────────────────────────────────────────────────


def citation(data: Dataset, record: Record, source: Source, options: OutputOptions) -> None:
    console = make_console(options)
    number, unit = figure_cells(record, options.unit)
    console.print(
        safe(f"{record.id}  {pairing_label(data, record.pairing)}  {record.category}"),
        style="bold",
    )
    console.print(safe(f"{record.item}：{number} {unit}（原文：{record.figure}）"))
    console.print()
    console.print(safe(record.quote))
    console.print()
    author = f"，{source.author}" if source.author else ""
    console.print(safe(f"—— {source.title}，{source.publisher}{author}，{source.published}"))
    if source.url:
        console.print(safe(source.url))
    if record.note:
        console.print()
        console.print(safe(f"说明：{record.note}"))
