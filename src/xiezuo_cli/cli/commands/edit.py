"""`xiezuo edit ID`: change a figure; what depends on a changed field is derived again."""

from typing import NamedTuple

from xiezuo_cli.authoring import documents, inputs
from xiezuo_cli.authoring.guards import Entry, EntryGuard, changes_figure
from xiezuo_cli.authoring.lookup import by_id
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.writing import (
    DISTINCT,
    NOTE,
    RECORD,
    RecordOptions,
    changing,
    data_dir,
    record_index,
    say,
    slug_named,
)
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.periods import last_day

CLEAR_FIELDS = (
    *("part_of", "revises", "note", "period", "as_of", "approx", "figure", "derivation"),
)


class EditParams(NamedTuple):
    record_id: str
    record: RecordOptions
    note: str | None
    source: str | None  # whose quote --quote replaces
    quote: str | None
    clear: tuple[str, ...]
    distinct: bool
    target: WriteTarget

    def changes(self) -> dict[str, object]:
        """The fields given a new value, as authoring's fields."""
        changes = self.record.fields()
        if self.note is not None:
            changes["note"] = self.note
        return changes


def check(params: EditParams) -> None:
    changes = params.changes()
    for field in params.clear:
        if field in changes:
            raise UsageProblem(f"--clear {field} and a new value for it: give one")
    if params.source is not None and params.quote is None:
        raise UsageProblem("--source names the citation whose --quote changes: give --quote")
    if params.quote is not None and not params.quote.strip():
        raise UsageProblem("--quote: empty: give the sentence the figure comes from")
    if not changes and not params.clear and params.quote is None:
        raise UsageProblem("nothing to change: give a field's option, --quote or --clear")


def edit(params: EditParams) -> None:
    folder = data_dir(params.target.path)
    with changing(params.target, "edit") as tables:
        index = record_index(tables, params.record_id, "")
        old = tables["record"][index]
        fields = documents.record_fields(old)
        sources = {s.get("id"): s for s in tables["source"]}
        first = sources.get(old["citations"][0]["source"]) if old.get("citations") else None
        if first is not None and old.get("as_of") == last_day(str(first.get("published"))):
            del fields["as_of"]  # the default: it follows the first source
        changes = params.changes()
        if {"amount", "value", "unit", "figure"} & set(changes):
            fields.pop("approx", None)  # derived again from the new wording, unless given
            if "amount" in changes:
                for field in ("figure", "value", "unit"):
                    fields.pop(field, None)
            elif "value" in changes or "unit" in changes:
                if "value" not in fields and "value" not in changes:
                    raise inputs.FieldError("value", "give the value with a new unit")
                fields.pop("figure", None)
                if "value" not in fields and "unit" not in changes:  # money to a count
                    raise inputs.FieldError("unit", "give the unit with a new value")
        if "period" in changes:
            fields.pop("period_start", None)
            fields.pop("period_end", None)
        fields.update(changes)
        for field in params.clear:
            if field == "period":
                fields.pop("period_start", None)
                fields.pop("period_end", None)
            elif field == "figure":
                fields.pop("figure", None)
                fields.pop("approx", None)
                if "value" not in fields:
                    fields["amount"] = str(old["amount_yuan"])
            else:
                fields.pop(field, None)
        if params.quote is not None:
            citations = fields["citations"]
            assert isinstance(citations, list)
            wanted = params.source or citations[0]["source"]
            matching = [c for c in citations if c["source"] == wanted]
            if not matching:
                raise inputs.FieldError("source", f"{params.record_id} does not cite {wanted}")
            matching[0]["quote"] = params.quote
        others = {**tables, "record": [d for d in tables["record"] if d is not old]}
        document = documents.record_document(fields, others, folder)
        if changes_figure(old, document):  # the guards at entry judge what the edit changes
            guard = EntryGuard(others["record"], by_id(tables, "pairing"))
            guard.check(document, Entry(guard, params.distinct), ignore=params.record_id)
        tables["record"][index] = document
    say(document["id"])


COMMAND = Command(
    "edit",
    "Change a figure: what depends on a changed field is derived again (a new --amount "
    "gives a new figure, amount_yuan and approx; a new --period a new year), and the whole "
    "is checked again. Prints its id.",
    (
        "xiezuo edit r-1 --note 截至发稿 --db my.json",
        "xiezuo edit r-2 --amount 2360万元 --part-of r-1 --db my.json",
        "xiezuo edit r-2 --clear part_of --db my.json",
    ),
    (
        Arg("record_id", "The record's id.", "ID", complete="record", type=slug_named("--record")),
        RECORD,
        NOTE,
        Opt(
            "source",
            ("--source",),
            "With --quote: the citation whose quote changes (default: the first).",
            metavar="SOURCE",
            type=to.nonempty,
        ),
        Opt(
            "quote",
            ("--quote",),
            "A new quote for a citation of a held text (verbatim, holding the number).",
            metavar="TEXT",
        ),
        Opt(
            "clear",
            ("--clear",),
            "Remove a field's value: " + ", ".join(CLEAR_FIELDS) + " (approx and figure go "
            "back to what the number gives). Repeatable.",
            kind="multi",
            metavar="FIELD",
            complete=CLEAR_FIELDS,
            type=to.choice(CLEAR_FIELDS),
        ),
        DISTINCT,
        write_target("edit"),
    ),
    EditParams,
    edit,
    check,
)
