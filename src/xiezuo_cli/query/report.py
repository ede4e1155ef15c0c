"""Records grouped as `report` and `show` print them: per pairing or per year, each group in the
categories' official order, with its subtotals and its sources.
"""

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from xiezuo_cli.model.records import Record, Source
from xiezuo_cli.model.vocab import CATEGORIES
from xiezuo_cli.query.funds import Decision, Total, group_fields, totals
from xiezuo_cli.storage.dataset import Dataset


class ReportGroup(NamedTuple):
    title: str
    records: Sequence[Record]
    subtotals: Sequence[Total]
    sources: Sequence[Source]


def in_category_order(records: Iterable[Record]) -> list[Record]:
    """Records as people read them: by category in the official order, then by id."""
    order = {category: index for index, category in enumerate(CATEGORIES)}
    return sorted(records, key=lambda record: (order[record.category], record.id))


def sources_of(data: Dataset, source_ids: Iterable[str]) -> list[Source]:
    """The sources of these ids, each once, in the order first named."""
    return [data.sources[source_id] for source_id in dict.fromkeys(source_ids)]


def report_groups(
    data: Dataset, selected: Iterable[Record], decisions: Iterable[Decision], per: str
) -> list[ReportGroup]:
    """The groups of ``report``: per pairing (in the database's order) or per year (in order,
    a multi-year figure in a group of its span, a figure with no period last)."""
    decided = {d.record.id: d for d in decisions}
    groups: dict[str | int | None, list[Record]] = {}
    for record in selected:
        key = record.pairing if per == "pairing" else (record.year or record.span)
        groups.setdefault(key, []).append(record)
    keys: list[str | int | None]
    if per == "pairing":
        keys = [p for p in data.pairings if p in groups]
    else:
        keys = sorted(groups, key=lambda year: (year is None, str(year or "")))
    found = []
    for key in keys:
        records = in_category_order(groups[key])
        if per == "pairing":
            pairing = data.pairings[str(key)]
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
        sources = sources_of(data, (c.source for r in records for c in r.citations))
        subtotals = totals(
            (decided[r.id] for r in records if r.id in decided), group_fields(["category"])
        )
        found.append(ReportGroup(title, records, subtotals, sources))
    return found
