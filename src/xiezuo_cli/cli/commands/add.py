"""`xiezuo add`: a figure with its source; or, with --cite ID, one more citation of a figure."""

from typing import NamedTuple

from xiezuo_cli.authoring import documents
from xiezuo_cli.authoring.guards import Entry, EntryGuard
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
)
from xiezuo_cli.cli.groups import WriteTarget, write_target
from xiezuo_cli.cli.spec import Command, Opt
from xiezuo_cli.errors import UsageProblem


class AddParams(NamedTuple):
    record: RecordOptions
    source: str | None
    quote: str | None
    citation_note: str | None
    note: str | None
    id: str | None
    cite: str | None  # the figure a citation is added to, instead of a new figure
    distinct: bool  # a figure like one already there, declared another flow
    target: WriteTarget

    def citation(self) -> dict[str, object]:
        return {"source": self.source, "quote": self.quote, "note": self.citation_note}


def _quote(text: str, option: str) -> str:
    """A quote is taken as typed; an empty one is a mistake (leave --quote out instead)."""
    if not text.strip():
        raise UsageProblem(f"{option}: empty: give the sentence, or leave --quote out")
    return text


def check(params: AddParams) -> None:
    if params.source is None:
        raise UsageProblem("--source is required: the id of the source the figure comes from")
    if params.cite is not None:
        given = params.record.options() + ["--note"] * (params.note is not None)
        given += ["--id"] if params.id is not None else []
        given += ["--distinct"] if params.distinct else []
        if given:
            raise UsageProblem(
                f"{given[0]}: --cite adds a citation to an existing record; give only --source, "
                "--quote and --citation-note with it"
            )
        return
    record = params.record
    for value, option in (
        (record.pairing, "--pair"),
        (record.category, "--category"),
        (record.measure, "--measure"),
        (record.item, "--item"),
    ):
        if value is None:
            raise UsageProblem(f"{option} is required")
    if all(v is None for v in (record.amount, record.value, record.unit, record.figure)):
        raise UsageProblem("--amount is required (3900万), or --value and --unit for a count")


def add(params: AddParams) -> None:
    folder = data_dir(params.target.path)
    with changing(params.target, "add") as tables:
        if params.cite is not None:
            index = record_index(tables, params.cite, "--cite: ")
            record = tables["record"][index]
            citation = documents.citation_document(record, params.citation(), tables, folder)
            record["citations"] = [*record["citations"], citation]
            record_id = record["id"]
        else:
            fields = {**params.record.fields(), "citations": [params.citation()]}
            if params.note is not None:
                fields["note"] = params.note
            if params.id is not None:
                fields["id"] = params.id
            guard = EntryGuard(tables["record"], by_id(tables, "pairing"))
            entry = Entry(guard, distinct=params.distinct)
            document = documents.record_document(fields, tables, folder, entry)
            tables["record"].append(document)
            record_id = document["id"]
    say(record_id)


COMMAND = Command(
    "add",
    "Add a figure (a record) with its source, checked as every loaded file is; prints its "
    "id. With --cite ID: add a citation to an existing figure.",
    (
        "xiezuo add --pair 苍溪 --category 财政援助 --measure 协作资金 --item "
        "东西部协作专项资金 --amount 3900万元 --period 2021-05..2021-11 "
        "--source cangxi-2021-11-17 --db my.json",
        "xiezuo add --pair 苍溪 --category 人才交流 --measure 人数 --item 选派干部 "
        "--value 12 --unit 人 --source s1 --db my.json",
        "xiezuo add --cite r-1 --source another-article --db my.json",
    ),
    (
        RECORD,
        Opt(
            "source",
            ("--source",),
            "The source's id (xiezuo sources add).",
            metavar="SOURCE",
            type=to.slug,
        ),
        Opt(
            "quote",
            ("--quote",),
            "The sentence the figure comes from, verbatim from the source's held text, holding "
            "the figure's number. Only for a source whose text is held; left out, the one "
            "sentence of the text that holds the figure is taken.",
            metavar="TEXT",
            type=_quote,
        ),
        Opt(
            "citation_note",
            ("--citation-note",),
            "A note on this citation, in Chinese.",
            metavar="TEXT",
            type=to.nonempty,
        ),
        NOTE,
        Opt(
            "id",
            ("--id",),
            "The new record's id, an ASCII slug (cangxi-special-fund). Default: r-<n>, one more "
            "than the largest r-<n> there.",
            metavar="ID",
            type=to.slug,
        ),
        Opt(
            "cite",
            ("--cite",),
            "Add a citation (--source, --quote, --citation-note) to this existing record "
            "instead of a new record.",
            metavar="ID",
            complete="record",
            type=to.slug,
        ),
        DISTINCT,
        write_target("add"),
    ),
    AddParams,
    add,
    check,
)
