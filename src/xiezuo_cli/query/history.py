"""A figure's revision history and its citations, for `cite`.

A figure may be revised by a later one (``revises``), which may be revised again: the chain,
oldest first, is what `cite` shows under the figure. ``cite_rows``: one machine row per citation,
the record's contract fields with that citation's quote and its source's details.
"""

from __future__ import annotations

from xiezuo_cli.model.records import RECORD_FIELDS, Record
from xiezuo_cli.storage.dataset import Dataset

CITE_SOURCE_FIELDS = ("title", "publisher", "author", "published", "url")
# The machine fields of `cite` in CSV/TSV (README, "Machine fields").
CITE_FIELDS = (
    *RECORD_FIELDS,
    "citation_note",
    *(f"source_{name}" for name in CITE_SOURCE_FIELDS),
)


def revision_history(data: Dataset, record: Record) -> list[Record]:
    """Every figure of the record's revision chain, oldest first (the record itself included)."""
    later = data.superseded()  # figure -> the one that revises it, over every record
    first = record
    while first.revises is not None:
        earlier = data.record(first.revises)
        if earlier is None:
            break
        first = earlier
    chain = [first]
    while chain[-1].id in later:
        following = data.record(later[chain[-1].id])
        if following is None:
            break
        chain.append(following)
    return chain


def cite_rows(data: Dataset, record: Record, *, flat: bool) -> list[dict[str, object]]:
    """One row per citation (``flat``: citations as a count, as CSV carries them)."""
    rows = []
    for citation in record.citations:
        source = data.sources[citation.source]
        row = record.as_dict(flat=flat)
        row["source"], row["quote"] = citation.source, citation.quote
        row["citation_note"] = citation.note
        row.update({f"source_{key}": getattr(source, key) for key in CITE_SOURCE_FIELDS})
        rows.append(row)
    return rows
