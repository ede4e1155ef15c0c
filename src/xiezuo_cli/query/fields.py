"""The fields a user may name in `filter`, --sort and --columns: their types, an example, a meaning.

This catalogue is the one list of field types: `filter` (expressions.py) reads a value and
decides which operators apply from it, and `xiezuo fields` prints it. The names are the record
contract (model.RECORD_FIELDS) plus ``figure``, in that order.

Types, and what `filter` does with each:

- ``text``, ``id``: compared exactly with eq, ne, in; ``has`` searches (case-insensitive). No order.
- ``name``: a pairing or place by any name form (苍溪, 蒼溪, cangxi, 余杭-苍溪, a code); ``has``
  searches the name forms. No order.
- ``choice``: one value of a fixed list; any other is a usage error listing the choices. No order.
- ``amount``: money in yuan: 39000000, 3900万, 2.22亿, 1,000元. Ordered.
- ``number``: a number, the same forms. Ordered.
- ``date``: 2021, 2021-06, 2021-06-15, June 2021, 2021年6月; eq means "within" it. Ordered.
- ``year``: 2021, or a range 2021-2023 (inclusive). Ordered.
- ``boolean``: true or false. No order.
- ``count``: the number of citations; ``has`` searches their sources, quotes and notes. Ordered.

Only the standard library and model.py are imported: `filter` loads this on every run.
"""

from typing import NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.records import QUERY_FIELDS
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import (
    ACTORS,
    APPROX,
    CATEGORIES,
    LEVELS,
    SCOPES,
    STAGES,
)

TYPES = {
    "text": "exact with eq/ne/in; has: contains",
    "id": "an id, exact with eq/ne/in; has: contains",
    "name": "any name form of a place or pairing; has: part of a name form",
    "choice": "one of a fixed list",
    "amount": "yuan, with 万/亿: 3900万, 2.22亿",
    "number": "a number, with 万/亿",
    "date": "2021, 2021-06, 2021-06-15, June 2021, 2021年6月",
    "year": "2021, or a range 2021-2023",
    "boolean": "true or false",
    "count": "a whole number; has searches the cited text",
}
# Types whose values have an order: gt, ge, lt and le apply to these only.
ORDERED_TYPES = frozenset({"amount", "number", "date", "year", "count"})

FIELD_NAMES = QUERY_FIELDS
FIELDS_COLUMNS = ("field", "type", "example", "meaning")


class Field(NamedTuple):
    name: str
    type: str  # one of TYPES
    example: str  # a value some record of the bundled data has (for long text, a part of one)
    meaning: str  # Chinese / English, one line

    @property
    def ordered(self) -> bool:
        return self.type in ORDERED_TYPES

    @property
    def choices(self) -> tuple[str, ...]:
        """The fixed values of a choice field; () for kind, whose values come from the data."""
        return CHOICES.get(self.name, ())


_CATALOGUE = (
    Field("id", "id", "cangxi-special-fund", "记录编号 / the record's id"),
    Field("pairing", "name", "苍溪", "结对 / the pairing: its id or either side's name"),
    Field("kind", "choice", "东西部协作", "协作类型 / the programme"),
    Field("level", "choice", "county", "层级 / the pairing's level (its receiver's)"),
    Field("provider", "name", "余杭", "支援方 / the giving place, any name form"),
    Field("provider_code", "id", "330110", "支援方代码 / the provider's GB/T 2260 code"),
    Field("receiver", "name", "苍溪", "受援方 / the receiving place, any name form"),
    Field("receiver_code", "id", "510824", "受援方代码 / the receiver's GB/T 2260 code"),
    Field("category", "choice", "财政援助", "类别 / the category"),
    Field("item", "text", "东西部协作专项资金", "事项 / what the figure is about"),
    Field("measure", "text", "协作资金", "指标 / what exactly is counted"),
    Field("value", "number", "3900万", "数值 / the number, in its unit"),
    Field("unit", "text", "元", "单位 / the unit: 元, 人, 亩, %, 元/人·年 …"),
    Field("amount_yuan", "amount", "3900万", "金额（元）/ money in exact yuan; null if not money"),
    Field("approx", "choice", "at_least", "精确度 / exact, at_least (余 超) or about (约 近)"),
    Field("period_start", "date", "2021-05", "起始 / the start of the period covered"),
    Field("period_end", "date", "2021-11", "截止 / the end of the period covered"),
    Field("year", "year", "2021", "年度 / the period's year, when it lies in one"),
    Field("cumulative", "boolean", "true", "跨年累计 / the period spans more than one year"),
    Field("as_of", "date", "2021-11-17", "截至日期 / the date the figure stands at"),
    Field("stage", "choice", "actual", "阶段 / actual, allocated, pledged, planned, forecast"),
    Field("actor", "choice", "government", "出资方 / who gives"),
    Field("scope", "choice", "running_total", "口径 / item, or running_total (累计)"),
    Field("part_of", "id", "cangxi-special-fund", "所属总数 / the figure containing this one"),
    Field("revises", "id", "kangding-tea-investment", "更新 / the earlier figure this revises"),
    Field("source", "id", "yuhang-cangxi-2021-11-17", "来源 / the first citation's source"),
    Field("quote", "text", "校服", "原文 / the first citation's sentence"),
    Field("citations", "count", "2", "引用数 / how many citations; has searches them"),
    Field("note", "text", "专项资金", "备注 / the curators' note"),
    Field("derived", "boolean", "true", "推算 / worked out from the article's numbers, not given"),
    Field("derivation", "text", "÷ 79.5%", "算法 / how a derived figure was worked out"),
    Field("figure", "text", "3900万元", "原文数字 / the figure as the article writes it"),
)

FIELDS: dict[str, Field] = {field.name: field for field in _CATALOGUE}
if tuple(FIELDS) != FIELD_NAMES:  # pragma: no cover - caught by the tests on any change
    raise RuntimeError("fields.py: the catalogue does not list the record contract in order")

# The fixed values of each choice field; kind's are the data's (the list of programmes may grow).
CHOICES: dict[str, tuple[str, ...]] = {
    "level": LEVELS,
    "category": CATEGORIES,
    "approx": APPROX,
    "stage": STAGES,
    "actor": ACTORS,
    "scope": SCOPES,
}


def lookup(name: str, where: str = "filter") -> Field:
    """The field called ``name``; a usage error naming the closest ones and every valid one."""
    found = FIELDS.get(name)
    if found is None:
        raise UsageProblem(unknown_field_message(name, where))
    return found


def unknown_field_message(name: str, where: str = "filter") -> str:
    """One line: the unknown name, the closest valid ones, then every valid field.

    ``where`` names the place it was typed: filter, --sort, --columns.
    """
    import difflib  # only on this error path

    folded = name.strip().casefold().replace("-", "_").replace(" ", "_")
    close = [field for field in FIELD_NAMES if field == folded]
    close += difflib.get_close_matches(folded, FIELD_NAMES, n=3, cutoff=0.6)
    close += [f for f in FIELD_NAMES if len(folded) >= 3 and folded in f]
    suggestion = list(dict.fromkeys(close))[:3]
    hint = f" (did you mean {' or '.join(suggestion)}?)" if suggestion else ""
    return f"unknown field {shown(name)} in {where}{hint}; valid fields: {', '.join(FIELD_NAMES)}"


def check_field(name: str, where: str) -> str:
    """``name`` if records have such a field (--sort, --columns), else the usage error."""
    if name not in FIELDS:
        raise UsageProblem(unknown_field_message(name, where))
    return name


def fields_rows() -> list[dict[str, str]]:
    """One row per field for `xiezuo fields`: field, type, example, meaning."""
    return [
        {"field": f.name, "type": f.type, "example": f.example, "meaning": f.meaning}
        for f in _CATALOGUE
    ]
