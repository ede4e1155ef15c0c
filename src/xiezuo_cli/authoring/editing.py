"""Changing a pairing or a source (``pairs edit``, ``sources edit``): the document built again
from its fields and the changes, through the builders ``add`` uses (documents.pairing_document's
checks, documents.source_document), so every field is checked as when it was added.

A pairing's start may be given by more than one source: the first is ``source``, each further
one is kept in ``start_sources`` (a list of source ids, optional in a stored pairing).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from xiezuo_cli.authoring.documents import SOURCE_INPUT_FIELDS, source_document
from xiezuo_cli.authoring.inputs import FieldError, check_date, check_slug, text_field
from xiezuo_cli.authoring.lookup import Tables, by_id
from xiezuo_cli.model import rules
from xiezuo_cli.model.safe_text import shown

PAIRING_CLEARS = ("since", "sources", "note")
SOURCE_CLEARS = ("title", "author", "url", "reprint_of", "note")


def edited_pairing(
    pairing: Mapping[str, Any],
    tables: Tables,
    *,
    since: str | None = None,
    source: str | None = None,
    note: str | None = None,
    clear: Sequence[str] = (),
) -> dict[str, Any]:
    """The pairing with a new start (``since``), one more source of its start (``source``: the
    first is ``source``, a further one joins ``start_sources``), a new note, or fields cleared.
    A start after the end of one of its figures is refused, naming the figure."""
    edited = dict(pairing)
    if "since" in clear:
        edited["since"] = None
    if "note" in clear:
        edited["note"] = None
    if "sources" in clear:
        edited["source"] = None
        edited.pop("start_sources", None)
    if since is not None:
        edited["since"] = check_date("since", since, month=True)
        for record in tables.get("record", ()):
            if record.get("pairing") == pairing.get("id") and rules.ends_before(
                record.get("period_end"), edited["since"]
            ):
                raise FieldError(
                    "since",
                    f"{edited['since']} is after the end of its figure {record.get('id')} "
                    f"({record.get('period_end')}); a pairing's figures come after its start",
                )
    if source is not None:
        source_id = check_slug("source", source)
        if source_id not in by_id(tables, "source"):
            raise FieldError("source", f"no source {shown(source_id)} (xiezuo sources add)")
        further = list(edited.get("start_sources") or ())
        if source_id == edited.get("source") or source_id in further:
            raise FieldError("source", f"{source_id} already gives the start of {pairing['id']}")
        if edited.get("source") is None:
            edited["source"] = source_id
        else:
            edited["start_sources"] = [*further, source_id]
    if note is not None:
        edited["note"] = text_field({"note": note}, "note", required=False, note=True)
    return edited


def edited_source(
    source: Mapping[str, Any],
    changes: Mapping[str, object],
    tables: Tables,
    clear: Sequence[str] = (),
) -> dict[str, Any]:
    """The source with its fields changed, checked as ``sources add`` checks them; its id and
    its held text stay."""
    fields: dict[str, object] = {
        name: source.get(name) for name in SOURCE_INPUT_FIELDS if source.get(name) is not None
    }
    fields.update(changes)
    for name in clear:
        fields.pop(name, None)
    others = {**tables, "source": [s for s in tables.get("source", ()) if s is not source]}
    edited = source_document(fields, others)
    edited["text_file"] = source.get("text_file")
    return edited
