"""Money totals that count nothing twice and never add unlike things.

The rules, each with the reason it exists:
- Only money records (amount_yuan set) are summed; a rate such as 1200 元/人·年 has no
  amount_yuan and is never summed.
- Only flows (财政援助, 社会帮扶, 消费帮扶, 产业合作): a 成效 amount is an outcome (income gained,
  taxes forecast), not money sent.
- Only stage ``actual``: a planned figure is not money spent.
- Never a record with ``part_of`` set: its whole already holds it.
- Never across categories: category is always part of the grouping key. The one exception,
  帮扶资金合计 = 财政援助 + 社会帮扶, is a separate, labelled line that renderers may show.
- A total with an ``at_least`` figure in it is a lower bound (≥); with ``about``, approximate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import CATEGORIES, FLOW_CATEGORIES, Record

GROUP_FIELDS = ("pairing", "year", "category", "kind", "provider", "receiver")
DEFAULT_GROUPS = ("pairing", "category")
AID_TOTAL_LABEL = "帮扶资金合计"
AID_TOTAL_PARTS = ("财政援助", "社会帮扶")


class Decision(NamedTuple):
    record: Record
    counted: bool
    reason: str  # machine code: summed | rate | outcome | planned | part_of
    detail: str  # for people, in Chinese


class Total(NamedTuple):
    key: tuple[tuple[str, object], ...]  # (field, value) for each grouping field, category included
    amount_yuan: int
    at_least: bool
    about: bool
    records: int  # how many records were summed

    def value(self, field: str) -> object:
        return dict(self.key)[field]

    def as_row(self) -> dict[str, object]:
        return {
            **dict(self.key),
            "amount_yuan": self.amount_yuan,
            "at_least": self.at_least,
            "about": self.about,
            "records": self.records,
        }


def group_fields(by: Sequence[str]) -> tuple[str, ...]:
    """The grouping fields in the order given, each once, with category always among them."""
    fields: list[str] = []
    for name in by or DEFAULT_GROUPS:
        name = name.strip()
        if name not in GROUP_FIELDS:
            raise UsageProblem(f"invalid --by {name!r}: choose from {', '.join(GROUP_FIELDS)}")
        if name not in fields:
            fields.append(name)
    if "category" not in fields:
        fields.append("category")
    return tuple(fields)


def decide(record: Record) -> Decision | None:
    """Whether a record counts in a money total, and why. None: not money at all."""
    if record.amount_yuan is None:
        if "元" in record.unit:
            return Decision(record, False, "rate", f"比率（{record.unit}），不求和")
        return None
    if record.category not in FLOW_CATEGORIES:
        return Decision(record, False, "outcome", f"{record.category}：结果而非投入，不计入")
    if record.stage != "actual":
        return Decision(record, False, "planned", "预计/规划数，尚未投入")
    if record.part_of is not None:
        return Decision(record, False, "part_of", f"含于 {record.part_of}，已计入其总额")
    return Decision(record, True, "summed", "计入")


def decisions(records: Iterable[Record]) -> list[Decision]:
    return [d for d in map(decide, records) if d is not None]


EXPLAIN_FIELDS = (
    "id",
    "pairing",
    "category",
    "item",
    "amount_yuan",
    "approx",
    "counted",
    "reason",
    "part_of",
)


def explain_row(decision: Decision) -> dict[str, object]:
    record = decision.record
    return {
        "id": record.id,
        "pairing": record.pairing,
        "category": record.category,
        "item": record.item,
        "amount_yuan": record.amount_yuan,
        "approx": record.approx,
        "counted": decision.counted,
        "reason": decision.reason,
        "part_of": record.part_of,
    }


def _sort_key(key: tuple[tuple[str, object], ...]) -> tuple:
    parts = []
    for name, value in key:
        if name == "category":
            parts.append((0, CATEGORIES.index(value), ""))
        elif value is None:  # no year (a multi-year cumulative figure) sorts last
            parts.append((1, 0, ""))
        else:
            parts.append((0, value if isinstance(value, int) else 0, str(value)))
    return tuple(parts)


def totals(records: Iterable[Record], by: Sequence[str] = DEFAULT_GROUPS) -> list[Total]:
    fields = group_fields(by)
    groups: dict[tuple[tuple[str, object], ...], list[Record]] = {}
    for decision in decisions(records):
        if decision.counted:
            record = decision.record
            key = tuple((name, getattr(record, name)) for name in fields)
            groups.setdefault(key, []).append(record)
    return [
        Total(
            key=key,
            amount_yuan=sum(r.amount_yuan or 0 for r in members),  # exact: ints only
            at_least=any(r.approx == "at_least" for r in members),
            about=any(r.approx == "about" for r in members),
            records=len(members),
        )
        for key, members in sorted(groups.items(), key=lambda item: _sort_key(item[0]))
    ]


def aid_totals(rows: Sequence[Total]) -> list[Total]:
    """帮扶资金合计 (财政援助 + 社会帮扶) for each group of the other grouping fields."""
    combined: dict[tuple[tuple[str, object], ...], list[Total]] = {}
    for total in rows:
        if total.value("category") in AID_TOTAL_PARTS:
            rest = tuple((name, value) for name, value in total.key if name != "category")
            combined.setdefault(rest, []).append(total)
    return [
        Total(
            key=(*rest, ("category", AID_TOTAL_LABEL)),
            amount_yuan=sum(t.amount_yuan for t in parts),
            at_least=any(t.at_least for t in parts),
            about=any(t.about for t in parts),
            records=sum(t.records for t in parts),
        )
        for rest, parts in combined.items()
    ]


def fiscal_total(records: Iterable[Record]) -> Total | None:
    """The 财政援助 total of some records (one pairing's, for `pairs` and `show`)."""
    rows = totals([r for r in records if r.category == "财政援助"], by=("category",))
    return rows[0] if rows else None
