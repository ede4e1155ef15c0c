"""`pairs`: one row per pairing, with its record count and its 财政援助 total (funds.fiscal_total).

The rows are the machine contract ``PAIRS_FIELDS`` (README, "Machine fields").
"""

from __future__ import annotations

from xiezuo_cli.query.filters import Filters, iter_select
from xiezuo_cli.query.funds import Decision, decisions_for, fiscal_total
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
# What `pairs --sort` may order by: the fields up to the fiscal aid total (the marks, measure
# and period after it describe that total; they do not order pairings).
PAIRS_SORT = PAIRS_FIELDS[: PAIRS_FIELDS.index("fiscal_aid_yuan") + 1]


def pairs_rows(data: Dataset, filters: Filters) -> list[dict[str, object]]:
    """A row for each pairing the (resolved) filters leave, in the database's order."""
    counted: dict[str, int] = {}
    for record in iter_select(data, filters, text=False):
        counted[record.pairing] = counted.get(record.pairing, 0) + 1
    by_pairing: dict[str, list[Decision]] = {}
    for decision in decisions_for(data, filters):
        by_pairing.setdefault(decision.record.pairing, []).append(decision)
    rows: list[dict[str, object]] = []
    for pairing in data.pairings.values():
        if filters.pairings is not None and pairing.id not in filters.pairings:
            continue
        family, fiscal = fiscal_total(by_pairing.get(pairing.id, ()))
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
    return rows
