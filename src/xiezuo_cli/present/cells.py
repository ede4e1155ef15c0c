"""What a record and its fields look like in a table: the Chinese headings and names of
fields and values, a record's figure, remarks and stage cells, and the columns of a record row.
"""

from collections.abc import Mapping

from xiezuo_cli.model.amounts import format_amount, format_value
from xiezuo_cli.model.records import Record
from xiezuo_cli.model.vocab import ACTOR_NAMES, LEVEL_NAMES, STAGE_NAMES
from xiezuo_cli.present.table import (
    APPROX_MARKS,
    DERIVED_MARK,
    NUMBER,
    TEXT,
    WHOLE,
    Amount,
    Col,
    Row,
)
from xiezuo_cli.storage.dataset import Dataset

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
APPROX_NAMES = {"exact": "精确", "at_least": "下限", "about": "约数"}
SCOPE_NAMES = {"item": "单项", "running_total": "累计"}
# Values shown in Chinese in tables; machine formats keep the English codes.
VALUE_NAMES = {
    "level": LEVEL_NAMES,
    "stage": STAGE_NAMES,
    "actor": ACTOR_NAMES,
    "approx": APPROX_NAMES,
    "scope": SCOPE_NAMES,
    "from_level": LEVEL_NAMES,
}
BASIS_NAMES = {"reported": "本级报道", "rolled_up": "下级合计（已报道部分）"}
NUMERIC_FIELDS = ("value", "amount_yuan", "year", "citations")


def record_mark(record: Record) -> str:
    """推算 for a derived figure, then the article's own ≥ or 约."""
    return (DERIVED_MARK if record.derived else "") + APPROX_MARKS[record.approx]


NO_PERIOD = "未注明期间"


# ─── record cells ─────────────────────────────────────────────────────────────────────────


def figure_cells(record: Record, unit: str) -> tuple[str, str]:
    """The number and unit of a record as a person reads them: ≥100 万元, 约10,000 亩,
    推算5,004 万元."""
    if record.amount_yuan is not None:
        return record_mark(record) + format_amount(record.amount_yuan, unit), unit
    return record_mark(record) + format_value(record.value), record.unit


def _figure(record: Record, unit: str) -> tuple[object, str]:
    """figure_cells for a table: money as an Amount, so its column sets the decimals."""
    if record.amount_yuan is not None:
        return Amount(record.amount_yuan, record_mark(record)), unit
    return figure_cells(record, unit)


def remarks(record: Record, revised: Mapping[str, str] | None = None) -> str:
    notes = []
    if record.part_of:
        notes.append(f"含于 {record.part_of}")
    if record.revises:
        notes.append(f"修订 {record.revises}")
    if revised and record.id in revised:
        notes.append(f"已被 {revised[record.id]} 修订")
    if record.span:
        notes.append(f"{record.span}累计" if record.cumulative else record.span)
    if record.level != "county":
        notes.append(LEVEL_NAMES[record.level])
    return "；".join(notes)


REVISED_MARK = "已修订"


def stage_cell(record: Record, revised: Mapping[str, str] | None = None) -> str:
    """The stage as tables show it, on every row that lists money (实际, 签约/意向); a figure a
    later one revises says so: 签约/意向（已修订）."""
    name = STAGE_NAMES.get(record.stage, record.stage)
    return f"{name}（{REVISED_MARK}）" if revised and record.id in revised else name


def pairing_label(data: Dataset, pairing_id: str) -> str:
    pairing = data.pairings.get(pairing_id)
    return pairing.label if pairing else pairing_id


# The readable columns of the tables that show records one per row.
RECORD_COLUMNS = {
    "id": Col("id", "编号", WHOLE),
    "pairing": Col("pairing", "结对", TEXT, 10, 6),
    "category": Col("category", "类别", TEXT, 10, 4),
    "item": Col("item", "事项", TEXT, 24, 12),
    "number": Col("number", "数值", NUMBER),
    "unit": Col("unit", "单位", TEXT, 8, 4),
    "year": Col("year", "年份", NUMBER),
    "stage": Col("stage", "阶段", TEXT, 10, 4),
    "remarks": Col("remarks", "备注", TEXT, 12),
}
# The stage is on every table that lists figures, and never hidden (DROP_ORDER): 5,000万 allocated
# and 22,200万 pledged must not read like money spent.
LIST_COLUMNS = ("id", "pairing", "category", "item", "number", "unit", "stage", "year", "remarks")


def record_row(
    data: Dataset,
    record: Record,
    unit: str,
    style: str | None = None,
    revised: Mapping[str, str] | None = None,
) -> Row:
    number, shown_unit = _figure(record, unit)
    return Row(
        {
            "id": record.id,
            "pairing": pairing_label(data, record.pairing),
            "category": record.category,
            "item": record.item,
            "number": number,
            "unit": shown_unit,
            "stage": stage_cell(record, revised),
            "year": record.year,
            "remarks": remarks(record, revised),
        },
        style,
    )


# --columns: how each record field is shown. Anything not named is TEXT with the default floor.
_FIELD_KINDS = {
    "id": WHOLE,
    "provider_code": WHOLE,
    "receiver_code": WHOLE,
    "period_start": WHOLE,
    "period_end": WHOLE,
    "as_of": WHOLE,
    "part_of": WHOLE,
    "revises": WHOLE,
    "source": WHOLE,
    "figure": WHOLE,
    "span": WHOLE,
    "value": NUMBER,
    "amount_yuan": NUMBER,
    "year": NUMBER,
    "citations": NUMBER,
}
_FIELD_FLOORS = {
    "item": (24, 12),
    "quote": (24, 12),
    "note": (24, 12),
    "unit": (8, 4),
    "level": (4, 4),
    "stage": (10, 4),
    "pairing": (10, 6),
}


def field_col(name: str, unit: str) -> Col:
    heading = f"金额（{unit}）" if name == "amount_yuan" else FIELD_HEADINGS.get(name, name)
    floor, least = _FIELD_FLOORS.get(name, (8, 4))
    return Col(name, heading, _FIELD_KINDS.get(name, TEXT), floor, least)


def field_cell(data: Dataset, record: Record, name: str, unit: str) -> object:
    """A record field as the default tables show it: money in the unit chosen with its marks,
    Chinese values, the pairing's label."""
    if name == "amount_yuan":
        if record.amount_yuan is None:
            return None
        return Amount(record.amount_yuan, record_mark(record))
    if name in ("value", "unit"):
        number, shown_unit = _figure(record, unit)
        return number if name == "value" else shown_unit
    if name == "pairing":
        return pairing_label(data, record.pairing)
    value = getattr(record, name)
    if name == "citations":
        return len(value)
    if name in VALUE_NAMES:
        return VALUE_NAMES[name].get(value, value)
    return value
