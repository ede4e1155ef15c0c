"""The guards at entry: what a figure being added (``add``, ``edit``, ``import``) may not be,
though the loader would take it. Written once, here, and applied by ``record_document`` to the
document it builds, so every write meets the same rule in the same words.

- **The same figure twice.** A new money figure with the same pairing, category, measure, stage
  and amount (``amount_yuan``; counts are not judged so) as one already there
  whose period may overlap its own (``model.rules.periods_may_overlap``: an open end reaches
  anywhere on its side, no period at all may be any time) is refused, naming that figure and
  how to cite it again, unless the person says it is a distinct flow (``--distinct``; the
  import column ``distinct``). Totals would otherwise add one fact twice.
- **Before its pairing began.** A figure whose period ends before its pairing's ``since`` is
  refused, naming the receiver's pairings and their starts: it is most likely another
  pairing's (路桥→朝天's 2019 figure entered on 滨江→朝天, begun 2021).

The index is built once per write from the stored records (``EntryGuard(records, pairings)``)
and grows with what an import adds (``guard.add``), so checking a row looks at the figures of
one key only, never the whole table.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from xiezuo_cli.authoring.inputs import FieldError
from xiezuo_cli.model import rules


class Entry(NamedTuple):
    """What a write says of the figure it enters: the guard with the figures already there,
    whether the person declared it a distinct flow, and how to cite an existing figure in that
    command's words (``{id}`` is replaced by the figure's id)."""

    guard: "EntryGuard"
    distinct: bool = False
    cite_hint: str = "add it as a citation of it (xiezuo add --cite {id} --source …)"
    distinct_hint: str = "--distinct"


class EntryGuard:
    def __init__(
        self, records: Iterable[Mapping[str, Any]], pairings: Mapping[str, Mapping[str, Any]]
    ) -> None:
        self._by_key: dict[tuple[object, ...], list[Mapping[str, Any]]] = defaultdict(list)
        self.pairings = pairings  # may grow as an import makes pairings (a live mapping)
        for record in records:
            self.add(record)

    def add(self, record: Mapping[str, Any]) -> None:
        """A figure the write has added: later figures are checked against it too."""
        key = rules.same_figure_key(record.get)
        if key is not None:
            self._by_key[key].append(record)

    def check(self, document: Mapping[str, Any], entry: Entry, *, ignore: str | None) -> None:
        """FieldError if ``document`` breaks a guard; ``ignore`` is the id of the figure being
        edited (it is not its own duplicate)."""
        period = (document.get("period_start"), document.get("period_end"))
        pairing = self.pairings.get(str(document.get("pairing")))
        since = pairing.get("since") if pairing is not None else None
        if rules.ends_before(period[1], since):
            raise FieldError(
                "period",
                f"ends {period[1]}, before pairing {document.get('pairing')} began ({since}); "
                f"the pairings of {document.get('receiver')}: {self._receivers(document)}",
            )
        if entry.distinct:
            return
        key = rules.same_figure_key(document.get)
        for other in self._by_key.get(key, ()) if key is not None else ():
            other_id = str(other.get("id"))
            if other_id in (ignore, document.get("id")):
                continue
            if rules.periods_may_overlap(
                period, (other.get("period_start"), other.get("period_end"))
            ):
                raise FieldError(
                    "amount",
                    f"the same figure as {other_id} ({_shown_period(other)}): same pairing, "
                    "category, measure, stage and amount, and the periods overlap; "
                    f"{entry.cite_hint.format(id=other_id)}, or, if it is another flow, "
                    f"say so ({entry.distinct_hint})",
                )

    def _receivers(self, document: Mapping[str, Any]) -> str:
        pairing = self.pairings.get(str(document.get("pairing")), {})
        receiver = pairing.get("receiver")
        listed = [
            f"{p.get('id')} (since {p.get('since') or 'unknown'})"
            for p in self.pairings.values()
            if p.get("receiver") == receiver
        ]
        return ", ".join(sorted(listed))


def _shown_period(record: Mapping[str, Any]) -> str:
    start, end = record.get("period_start"), record.get("period_end")
    if start is None and end is None:
        return "no period"
    return f"{start or '…'}..{end or '…'}"


def changes_figure(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether an edit changes what the guards look at (the figure's key or its period): an
    edit of a note is not a new figure."""
    if rules.same_figure_key(old.get) != rules.same_figure_key(new.get):
        return True
    return any(old.get(f) != new.get(f) for f in ("period_start", "period_end"))
