"""Tables and charts for people, drawn with Rich. The only module that imports Rich.

Text from the data goes in as rich.text.Text, never as a markup string, so ``[bold]`` in a record
is shown as typed; control characters (terminal escape codes) are shown as ``\\x1b`` so a record
cannot restyle or break the terminal. Off a terminal the console is made wide enough that no cell
is ever cut to "…".
"""

from __future__ import annotations

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
from xiezuo_cli.model import ACTOR_NAMES, LEVEL_NAMES, STAGE_NAMES, Pairing, Record, Source
from xiezuo_cli.options import OutputOptions
from xiezuo_cli.safe_text import escape_controls

FIELD_HEADINGS = {
    "id": "编号",
    "pairing": "结对",
    "kind": "类型",
    "level": "层级",
    "provider": "支援方",
    "provider_code": "支援方代码",
    "receiver": "受援方",
    "receiver_code": "受援方代码",
    "category": "类别",
    "item": "事项",
    "measure": "口径",
    "value": "数值",
    "unit": "单位",
    "amount_yuan": "金额（元）",
    "approx": "精度",
    "period_start": "起",
    "period_end": "止",
    "year": "年份",
    "span": "跨年",
    "cumulative": "累计",
    "as_of": "截至",
    "stage": "阶段",
    "actor": "出资方",
    "scope": "范围",
    "part_of": "含于",
    "revises": "修订",
    "source": "来源",
    "quote": "原文",
    "citations": "引用数",
    "note": "说明",
    "figure": "原文数字",
    "basis": "依据",
    "from_level": "来自层级",
}
# Values shown in Chinese in tables; machine formats keep the English codes.
VALUE_NAMES = {"level": LEVEL_NAMES, "stage": STAGE_NAMES, "actor": ACTOR_NAMES}
BASIS_NAMES = {"reported": "本级报道", "rolled_up": "下级合计（已报道部分）"}
NUMERIC_FIELDS = ("value", "amount_yuan", "year")
APPROX_MARKS = {"at_least": "≥", "about": "约", "exact": ""}
NO_PERIOD = "未注明期间"


def safe(value: object) -> Text:
    """Data as literal text: no markup, control characters made visible."""
    if value is None:
        return Text("")
    if isinstance(value, bool):
        value = "是" if value else "否"
    return Text(escape_controls(str(value), table=True, keep="\n"))


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
    """A total as people read it: ≥ for a lower bound, 约 for an estimate, 约≥ for both (a sum of
    a lower bound and an estimate is an approximate lower bound)."""
    mark = ("约" if total.about else "") + ("≥" if total.at_least else "")
    return mark + format_amount(total.amount_yuan, unit)


def _varying(rows: Sequence[Total], fields: Sequence[str]) -> list[str]:
    """The grouping fields whose values differ between rows: what tells one bar from another."""
    return [name for name in fields if len({t.value(name) for t in rows}) > 1] or ["category"]


def figure_cells(record: Record, unit: str) -> tuple[str, str]:
    """The number and unit of a record as a person reads them: ≥100 万元, 约10,000 亩."""
    if record.amount_yuan is not None:
        return amount_text(record.amount_yuan, unit, record.approx), unit
    return APPROX_MARKS[record.approx] + format_value(record.value), record.unit


def remarks(record: Record) -> str:
    notes = []
    if record.part_of:
        notes.append(f"含于 {record.part_of}")
    if record.revises:
        notes.append(f"修订 {record.revises}")
    if record.stage != "actual":
        notes.append(STAGE_NAMES[record.stage])
    if record.span:
        notes.append(f"{record.span}累计" if record.cumulative else record.span)
    if record.level != "county":
        notes.append(LEVEL_NAMES[record.level])
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
    if name == "citations":
        return safe(len(value))
    if name in VALUE_NAMES:
        return safe(VALUE_NAMES[name].get(value, value))
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
        approx = (
            "at_least"
            if row["fiscal_aid_at_least"]
            else "about"
            if row["fiscal_aid_about"]
            else "exact"
        )
        shown = "—" if fiscal is None else amount_text(fiscal, options.unit, approx)
        if fiscal is not None and row["fiscal_aid_measure"] != "财政资金":
            shown += f"（{row['fiscal_aid_measure']}）"
        table.add_row(
            safe(row["id"]),
            safe(row["kind"]),
            safe(f"{row['provider']} → {row['receiver']}"),
            safe(row["since"] or "—"),
            safe(row["records"]),
            safe(shown),
        )
    _print(
        make_console(options),
        table,
        "财政援助：实际投入的财政资金（无则注明口径，如各类帮扶资金含社会资金），"
        "含于他项的不重复计算；≥ 表示下限，约 表示约数。",
    )


# ─── funds ────────────────────────────────────────────────────────────────────────────────

FUNDS_CAPTION = (
    "只计资金流（财政援助、社会帮扶、消费帮扶、产业合作）；不同类别、口径、层级、阶段各列一行，从不相加；"
    "含于他项的、已被修订的、成效类金额与比率不计入。≥ 表示含“余、超、多”等下限数字，约 表示约数。"
)


def _group_cell(data: Dataset, name: str, value: object) -> Text:
    if name == "pairing":
        return safe(pairing_label(data, str(value)))
    if name in ("year", "span") and value is None:
        return safe("")
    if name in VALUE_NAMES:
        return safe(VALUE_NAMES[name].get(str(value), value))
    if name == "basis":
        return safe(BASIS_NAMES.get(str(value), value))
    return safe(value)


def _skipped_line(decisions: Sequence[Decision]) -> str | None:
    """One line on what matched but was not added, so an empty or small table has its reason."""
    reasons = {
        "part_of": "含于他项（未重复计入）",
        "revised": "已被修订",
        "stage": "其他阶段（另计）",
        "outcome": "成效类",
        "rate": "比率",
        "currency": "外币未折算",
    }
    counts: dict[str, int] = {}
    for decision in decisions:
        if not decision.counted:
            counts[decision.reason] = counts.get(decision.reason, 0) + 1
    if not counts:
        return None
    parts = [f"{reasons[r]} {n} 条" for r, n in counts.items() if r in reasons]
    return "另有匹配记录未计入：" + "，".join(parts) + "；见 --explain。"


def funds_table(
    data: Dataset,
    rows: Sequence[Total],
    fields: Sequence[str],
    decisions: Sequence[Decision],
    options: OutputOptions,
    chart: bool = False,
) -> None:
    table = _table()
    for name in fields:
        _column(table, FIELD_HEADINGS[name], numeric=name == "year")
    _column(table, f"金额（{options.unit}）", numeric=True)
    _column(table, "笔数", numeric=True)
    for total in rows:
        cells = [_group_cell(data, name, value) for name, value in total.key]
        if "span" in fields and total.value("year") is None and total.value("span") is None:
            cells[list(fields).index("span")] = safe(NO_PERIOD)
        table.add_row(*cells, safe(total_text(total, options.unit)), safe(total.records))
    aids = aid_totals(rows)
    for aid in aids:
        table.add_row(
            *(
                _group_cell(data, name, value)
                if name not in ("category", "measure")
                else safe(value)
                for name, value in aid.key
            ),
            safe(total_text(aid, options.unit)),
            safe(aid.records),
            style="bold",
        )
    console = make_console(options)
    lines = [FUNDS_CAPTION]
    if aids:
        lines.append(
            f"{AID_TOTAL_LABEL}＝财政援助（财政资金）＋社会帮扶（捐款捐物），只在两者都在结果中时列出。"
        )
    skipped = _skipped_line(decisions)
    if skipped:
        lines.append(skipped)
    _print(console, table, "\n".join(lines))
    if chart:
        shown = list(dict.fromkeys([fields[0], *_varying(rows, fields)]))
        bars = [
            (
                " ".join(str(_group_cell(data, n, v)) for n, v in t.key if n in shown),
                t,
                total_text(t, options.unit),
            )
            for t in rows
        ]
        console.print(bar_chart(bars, options.unit))


def roll_up_table(rows: Sequence[Total], level: str, options: OutputOptions) -> None:
    table = _table()
    for name in ("provider", "receiver", "category", "measure", "stage", "basis", "from_level"):
        _column(table, FIELD_HEADINGS[name])
    _column(table, f"金额（{options.unit}）", numeric=True)
    _column(table, "笔数", numeric=True)
    for total in rows:
        values = dict(total.key)
        table.add_row(
            safe(values["provider"]),
            safe(values["receiver"]),
            safe(values["category"]),
            safe(values["measure"]),
            safe(STAGE_NAMES.get(str(values["stage"]), values["stage"])),
            safe(BASIS_NAMES[str(values["basis"])]),
            safe(LEVEL_NAMES.get(str(values["from_level"]), values["from_level"])),
            safe(total_text(total, options.unit)),
            safe(total.records),
        )
    caption = (
        f"上卷到{LEVEL_NAMES[level]}：“下级合计”是所辖各结对已报道数字之和（不一定齐全），"
        "与本级报道的数字并列，从不相加（本级数字可能已包含下级）。"
    )
    _print(make_console(options), table, caption)


def explain_table(data: Dataset, decisions: Sequence[Decision], options: OutputOptions) -> None:
    table = _table()
    _columns(
        table,
        (
            ("编号", False),
            ("结对", False),
            ("类别", False),
            ("口径", False),
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
            safe(record.family),
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


def _subtotal_label(total: Total) -> str:
    """小计（协作资金，实际）: the measure, and the level and stage where they are not the usual."""
    values = dict(total.key)
    parts = [str(values["measure"])]
    if values.get("stage") != "actual":
        parts.append(STAGE_NAMES.get(str(values.get("stage")), str(values.get("stage"))))
    if values.get("level") != "county":
        parts.append(LEVEL_NAMES.get(str(values.get("level")), str(values.get("level"))))
    return f"小计（{'，'.join(parts)}；不重复计算）"


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
            f"{s.title or '（无标题）'}（{s.publisher}，{s.published}）" for s in sources
        )
        columns = ("category", "item", "number", "unit", "year", "id", "remarks")
        table = _record_table(columns)
        by_category: dict[object, list[Total]] = {}
        for subtotal in subtotals:
            by_category.setdefault(subtotal.value("category"), []).append(subtotal)
        for index, record in enumerate(records):
            table.add_row(*_record_cells(data, record, columns, options.unit))
            last_of_category = (
                index + 1 == len(records) or records[index + 1].category != record.category
            )
            if not last_of_category:
                continue
            for subtotal in by_category.get(record.category, []):
                table.add_row(
                    safe(record.category),
                    safe(_subtotal_label(subtotal)),
                    safe(total_text(subtotal, options.unit)),
                    safe(options.unit),
                    "",
                    "",
                    safe(f"{subtotal.records} 笔"),
                    style="bold",
                )
            table.rows[-1].end_section = True
        _print(console, table, caption, title)
        if chart and subtotals:
            shown = _varying(subtotals, ("category", "measure", "level", "stage"))
            bars = [
                (
                    " ".join(str(_group_cell(data, n, t.value(n))) for n in shown),
                    t,
                    total_text(t, options.unit),
                )
                for t in subtotals
            ]
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
    console.print(
        safe(f"{pairing.kind}：{pairing.provider.full_name} → {pairing.receiver.full_name}{since}")
    )
    if pairing.note:
        console.print(safe(pairing.note))
    console.print()

    money = _table()
    _column(money, "类别")
    _column(money, "口径")
    _column(money, "阶段")
    _column(money, f"金额（{options.unit}）", numeric=True)
    _column(money, "笔数", numeric=True)
    for total in [*funds_rows, *aid_totals(funds_rows)]:
        money.add_row(
            safe(total.value("category")),
            safe(total.value("measure")),
            safe(STAGE_NAMES.get(str(total.value("stage")), total.value("stage"))),
            safe(total_text(total, options.unit)),
            safe(total.records),
        )
    if not funds_rows:
        money.add_row(safe("（未报道计入的金额）"), "", "", "", "")
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
            safe(source.title or "（无标题）"),
            safe(source.publisher),
            safe(source.published),
            safe(source.url),
        )
    _print(console, sources_table, title="来源")


# ─── cite ─────────────────────────────────────────────────────────────────────────────────


def citation(
    data: Dataset, record: Record, history: Sequence[Record], options: OutputOptions
) -> None:
    console = make_console(options)
    number, unit = figure_cells(record, options.unit)
    console.print(
        safe(f"{record.id}  {pairing_label(data, record.pairing)}  {record.category}"),
        style="bold",
    )
    console.print(safe(f"{record.item}：{number} {unit}（原文：{record.figure}）"))
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
    console.print(safe("，".join(facts)))
    for index, cited in enumerate(record.citations, start=1):
        source = data.sources[cited.source]
        console.print()
        if len(record.citations) > 1:
            console.print(safe(f"［{index}］"), style="bold")
        if cited.quote:
            console.print(safe(cited.quote))
            console.print()
        else:
            console.print(safe("（未存原文，仅有出处）"))
        author = f"，{source.author}" if source.author else ""
        inferred = "（日期为推断）" if source.published_inferred else ""
        console.print(
            safe(
                f"—— {source.title or '（无标题）'}，{source.publisher}{author}，"
                f"{source.published}{inferred}"
            )
        )
        if source.url:
            console.print(safe(source.url))
        if cited.note:
            console.print(safe(f"注：{cited.note}"))
    if record.note:
        console.print()
        console.print(safe(f"说明：{record.note}"))
    if len(history) > 1:
        console.print()
        console.print(safe("修订记录（旧→新，汇总取 --as-of 时已发表的最新值）"), style="bold")
        for old in history:
            shown, shown_unit = figure_cells(old, options.unit)
            mark = "  ← 本条" if old.id == record.id else ""
            console.print(safe(f"{old.known_by}  {old.id}  {shown} {shown_unit}{mark}"))


def _period_text(record: Record) -> str:
    if record.period_start is None and record.period_end is None:
        return ""
    return f"{record.period_start or '…'} 至 {record.period_end or '…'}"
