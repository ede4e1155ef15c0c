"""The views of totals: ``funds`` (its table, its --roll-up and --explain tables) and the
bar chart. Charts keep each amount as ``funds`` writes it.
"""

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text

from xiezuo_cli.model.amounts import format_value
from xiezuo_cli.model.records import Record
from xiezuo_cli.model.vocab import LEVEL_NAMES
from xiezuo_cli.present.cells import (
    BASIS_NAMES,
    FIELD_HEADINGS,
    NO_PERIOD,
    RECORD_COLUMNS,
    VALUE_NAMES,
    figure_cells,
    pairing_label,
    record_mark,
    stage_cell,
)
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.table import (
    DROP_ORDER,
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
    AID_TOTAL_LABEL,
    APART_OVERLAP,
    APART_WINDOW,
    Decision,
    Total,
    aid_totals,
    period_text,
)
from xiezuo_cli.storage.dataset import Dataset

# ─── funds ────────────────────────────────────────────────────────────────────────────────

FUNDS_CAPTION = (
    "只计资金流（财政援助、社会帮扶、消费帮扶、产业合作）；不同类别、口径、层级、阶段各列一行，从不相加；"
    "含于他项的、已被修订的、成效类金额与比率不计入。≥ 表示含“余、超、多”等下限数字，约 表示约数。"
)
COUNTS_CAPTION = (
    "只计数量（人数、个数、面积等），不同类别、口径、单位、层级、阶段各列一行，从不相加；"
    "含于他项的、已被修订的与比率不计入。≥ 表示含“余、超、多”等下限数字，约 表示约数。"
)

# How each grouping field of a total is shown: kind, floor, least (see Col).
_GROUP_COLUMNS = {
    "pairing": (TEXT, 10, 6),
    "year": (NUMBER, 0, 0),
    "span": (WHOLE, 0, 0),
    "category": (TEXT, 8, 4),
    "measure": (TEXT, 8, 4),
    "kind": (TEXT, 10, 4),
    "level": (TEXT, 4, 4),
    "stage": (TEXT, 10, 4),
    "actor": (TEXT, 4, 4),
    "provider": (TEXT, 12, 6),
    "receiver": (TEXT, 12, 6),
    "unit": (TEXT, 8, 4),
    "basis": (TEXT, 12, 8),
    "from_level": (TEXT, 4, 4),
}


def group_col(name: str) -> Col:
    kind, floor, least = _GROUP_COLUMNS.get(name, (TEXT, 8, 4))
    return Col(name, FIELD_HEADINGS.get(name, name), kind, floor, least)


def group_value(data: Dataset | None, name: str, value: object) -> object:
    if name == "pairing" and data is not None:
        return pairing_label(data, str(value))
    if name in ("year", "span") and value is None:
        return None
    if name in VALUE_NAMES:
        return VALUE_NAMES[name].get(str(value), value)
    if name == "basis":
        return BASIS_NAMES.get(str(value), value)
    return value


def _total_cell(total: Total, counts: bool) -> object:
    if counts:
        return total_mark(total) + format_value(total.amount_yuan)
    return Amount(total.amount_yuan, total_mark(total))


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
        if not decision.shown:
            counts[decision.reason] = counts.get(decision.reason, 0) + 1
    if not counts:
        return None
    parts = [f"{reasons[r]} {n} 条" for r, n in counts.items() if r in reasons]
    return "另有匹配记录未计入：" + "，".join(parts) + "；见 --explain。"


def totals_count(rows: Sequence[Total]) -> str:
    counted = sum(total.records for total in rows if total.apart != APART_WINDOW)
    apart = sum(total.records for total in rows if total.apart == APART_WINDOW)
    return f"{len(rows)} 行，计入 {counted} 条记录" + (
        f"，另 {apart} 条单列不计入" if apart else ""
    )


# How a row kept apart is marked after its period, and the line under the table that says why.
APART_MARKS = {APART_OVERLAP: "累计", APART_WINDOW: "跨出"}


def period_cell(total: Total) -> str:
    """期间 of a row of totals: 2021-05–2021-11, with 累计 or 跨出 below it on a row kept apart
    (a line of its own: a narrow column never splits the mark)."""
    text = period_text(total.period_start, total.period_end)
    mark = APART_MARKS.get(total.apart or "")
    return f"{text}\n{mark}" if mark else text


def has_apart(rows: Sequence[Total]) -> bool:
    return any(total.apart for total in rows)


def apart_lines(out: Out, rows: Sequence[Total], window: str | None) -> None:
    """Why rows that share a key are not added: one line for each reason present."""
    kinds = {total.apart for total in rows}
    if APART_OVERLAP in kinds:
        out.para(
            "累计：该行是一个累计数，其期间与同一类别、口径的其他数字重叠（累计数可能已含有它们），"
            "各列一行，从不相加。"
        )
    if APART_WINDOW in kinds:
        asked = window or "所问期间"
        out.para(
            f"跨出：该行期间跨出{asked}，不能拆分，单列一行、不计入合计；"
            f"它所含的分项若在{asked}之内，照常计入。"
        )


PERIOD_COL = Col("period", "期间", TEXT, 15, 12)
BEYOND_SHOWN = 5  # figures named in the line on what reaches beyond --year


def derived_line(out: Out, rows: Sequence[Total]) -> None:
    if any(total.derived for total in rows):
        out.para(
            "推算：含由文章的数字推算出的数（不是文章给出的；算法见 --explain），"
            "默认计入，--no-derived 不计入。"
        )


def funds_table(
    data: Dataset,
    rows: Sequence[Total],
    fields: Sequence[str],
    decisions: Sequence[Decision],
    options: OutputOptions,
    chart: bool = False,
    *,
    counts: bool = False,
    window: str | None = None,
    empty: str | None = None,
    beyond: Sequence[Record] = (),
    during_option: str = "--during",
) -> None:
    """Money totals (``counts``: totals of people, projects and other counts, in their unit).
    ``beyond``: with --year, the figures that overlap its years but reach beyond them, named in
    a line (they are in no year's total).
    ``empty``: why there is no row, when the line on what was not added cannot say it.
    Rows kept apart (funds._rows) bring a 期间 column and the lines that say why."""
    out = Out(options)
    heading = "数量" if counts else f"金额（{options.unit}）"
    cols = [
        *(group_col(name) for name in fields),
        *([PERIOD_COL] if has_apart(rows) else []),
        Col("total", heading, NUMBER),
        Col("records", "笔数", NUMBER),
    ]

    def row_of(total: Total, style: str | None = None, aid: bool = False) -> Row:
        cells: dict[str, object] = {
            name: value
            if aid and name in ("category", "measure")
            else group_value(data, name, value)
            for name, value in total.key
        }
        if "span" in fields and total.value("year") is None and total.value("span") is None:
            cells["span"] = NO_PERIOD
        cells["period"] = period_cell(total)
        cells["total"] = _total_cell(total, counts)
        cells["records"] = total.records
        return Row(cells, style)

    aids = [] if counts else aid_totals(rows)
    table_rows = [row_of(total) for total in rows] + [row_of(a, "bold", aid=True) for a in aids]
    draw_table(out, cols, table_rows, drop=DROP_ORDER["funds"])
    out.para(totals_count(rows))
    out.para(COUNTS_CAPTION if counts else FUNDS_CAPTION)
    derived_line(out, rows)
    apart_lines(out, rows, window)
    if aids:
        out.para(
            f"{AID_TOTAL_LABEL}＝财政援助（财政资金）＋社会帮扶（捐款捐物），只在两者都在结果中时列出。"
        )
        for aid in aids:  # say exactly which records each 合计 adds
            where = "，".join(
                plain_text(group_value(data, n, v))
                for n, v in aid.key
                if n not in ("category", "measure", "level", "stage")
            )
            prefix = f"{where}：" if where else ""
            out.para(f"{prefix}{AID_TOTAL_LABEL}相加 {'、'.join(aid.ids)}")
    if beyond:
        named = "、".join(
            f"{record.id}（{period_text(record.period_start, record.period_end)}，"
            f"{figure_cells(record, options.unit)[0]}{'' if counts else options.unit}）"
            for record in beyond[:BEYOND_SHOWN]
        )
        more = f"等 {len(beyond)} 条" if len(beyond) > BEYOND_SHOWN else ""
        asked = window or "所问年份"
        out.para(
            f"期间跨出{asked}、不能拆分、未计入：{named}{more}；{during_option} 分列显示它们。"
        )
    skipped = _skipped_line(decisions)
    if skipped:
        out.para(skipped)
    elif empty and not rows and not beyond:
        out.para(empty)
    if chart:
        shown = list(dict.fromkeys([fields[0], *varying(rows, fields)]))
        bars = [
            (
                " ".join(plain_text(group_value(data, n, v)) for n, v in t.key if n in shown),
                t,
                (total_mark(t) + format_value(t.amount_yuan))
                if counts
                else total_text(t, options.unit),
            )
            for t in rows
        ]
        draw_chart(out, bars, None if counts else options.unit)
    out.flush()


def varying(rows: Sequence[Total], fields: Sequence[str]) -> list[str]:
    """The grouping fields whose values differ between rows: what tells one bar from another."""
    return [name for name in fields if len({t.value(name) for t in rows}) > 1] or ["category"]


def roll_up_table(
    rows: Sequence[Total],
    level: str,
    options: OutputOptions,
    window: str | None = None,
    decisions: Sequence[Decision] = (),
    empty: str | None = None,
) -> None:
    out = Out(options)
    names = ("provider", "receiver", "category", "measure", "stage", "basis", "from_level")
    cols = [
        *(group_col(name) for name in names),
        *([PERIOD_COL] if has_apart(rows) else []),
        Col("total", f"金额（{options.unit}）", NUMBER),
        Col("records", "笔数", NUMBER),
    ]
    table_rows = []
    for total in rows:
        values = dict(total.key)
        cells: dict[str, object] = {
            name: group_value(None, name, values.get(name)) for name in names
        }
        cells["period"] = period_cell(total)
        cells["total"] = Amount(total.amount_yuan, total_mark(total))
        cells["records"] = total.records
        table_rows.append(Row(cells))
    draw_table(out, cols, table_rows, drop=DROP_ORDER["roll_up"])
    out.para(totals_count(rows))
    apart_lines(out, rows, window)
    out.para(
        f"上卷到{LEVEL_NAMES[level]}：“下级合计”是所辖各结对已报道数字之和（不一定齐全），"
        "与本级报道的数字并列，从不相加（本级数字可能已包含下级）。"
    )
    skipped = _skipped_line(decisions)
    if skipped:
        out.para(skipped)
    elif empty and not rows:
        out.para(empty)
    out.flush()


def explain_table(
    data: Dataset,
    decisions: Sequence[Decision],
    options: OutputOptions,
    empty: str | None = None,
) -> None:
    out = Out(options)
    cols = [
        Col("id", "编号", WHOLE),
        RECORD_COLUMNS["pairing"],
        RECORD_COLUMNS["category"],
        Col("family", "口径", TEXT, 8, 4),
        RECORD_COLUMNS["item"],
        Col("amount", f"金额（{options.unit}）", NUMBER),
        RECORD_COLUMNS["stage"],
        Col("counted", "计入", WHOLE),
        Col("reason", "原因", TEXT, 16, 10),
    ]
    table_rows = []
    for decision in decisions:
        record = decision.record
        amount: object = (
            f"{format_value(record.value)} {record.unit}"
            if record.amount_yuan is None
            else Amount(record.amount_yuan, record_mark(record))
        )
        table_rows.append(
            Row(
                {
                    "id": record.id,
                    "pairing": pairing_label(data, record.pairing),
                    "category": record.category,
                    "family": record.family,
                    "item": record.item,
                    "amount": amount,
                    "stage": stage_cell(record, {record.id: ""} if decision.revised_by else None),
                    "counted": "✓" if decision.counted else "—",
                    "reason": decision.detail
                    + (f"；推算：{record.derivation}" if record.derivation else ""),
                }
            )
        )
    out.para("明细：计入与跳过的记录", "bold")
    draw_table(out, cols, table_rows, drop=DROP_ORDER["explain"])
    out.para(f"{len(decisions)} 条记录")
    if empty and not decisions:
        out.para(empty)
    out.flush()


# ─── chart ────────────────────────────────────────────────────────────────────────────────

_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 40  # off a terminal; on one, the bars get what the labels and amounts leave


def bar(amount: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A bar of up to ``width`` cells, in eighths of a cell; any positive amount shows."""
    if largest <= 0 or amount <= 0:
        return ""
    eighths = max(1, amount * width * 8 // largest)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def draw_chart(out: Out, rows: Sequence[tuple[str, Total, str]], unit: str | None) -> None:
    """Label, bar, amount, one line each: a label is never wrapped, the bar gets what is left
    of the width (at least one cell)."""
    if not rows:
        return
    footer = f"（{unit}）" if unit else ""
    label_width = max(cell_len(label) for label, _, _ in rows)
    amount_width = max([cell_len(shown) for _, _, shown in rows] + [cell_len(footer)])
    bar_width = max(1, out.width - label_width - amount_width - 2) if out.bounded else BAR_WIDTH
    largest = max(total.amount_yuan for _, total, _ in rows)
    for label, total, shown in rows:
        drawn = bar(total.amount_yuan, largest, bar_width)
        out.line(
            Text.assemble(
                plain_text(label) + " " * (label_width - cell_len(label)) + " ",
                (drawn, "cyan"),
                " " * (bar_width - cell_len(drawn)) + " ",
                " " * (amount_width - cell_len(shown)) + plain_text(shown),
            )
        )
    if footer:
        out.line(" " * (label_width + bar_width + 2 + amount_width - cell_len(footer)) + footer)
