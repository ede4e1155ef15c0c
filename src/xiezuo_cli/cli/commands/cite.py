"""`xiezuo cite ID`: one record with every citation, its sources and its revision history."""

import sys
from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.common import load
from xiezuo_cli.cli.groups import DATABASE, Database, output_group
from xiezuo_cli.cli.spec import Arg, Command
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.present.emit import emit, flat
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import write_json_document
from xiezuo_cli.query.history import CITE_FIELDS, cite_rows, revision_history


class CiteParams(NamedTuple):
    record: str
    output: OutputOptions
    database: Database


def cite(params: CiteParams) -> None:
    output = params.output
    data = load(params.database)
    record = data.record(params.record)
    if record is None:
        import difflib

        close = difflib.get_close_matches(params.record, data.record_ids(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `xiezuo list` for ids"
        raise UsageProblem(f"no record {shown(params.record)}{hint}")
    history = revision_history(data, record)
    if output.format == "json":
        document = {
            **record.as_dict(),
            "sources": [data.sources[c.source].as_dict() for c in record.citations],
            "history": [r.as_dict() for r in history],
        }
        write_json_document(document, sys.stdout)
        return

    def table() -> None:
        from xiezuo_cli.present import render

        render.citation(data, record, history, output)

    emit(cite_rows(data, record, flat=flat(output)), CITE_FIELDS, output, table)


COMMAND = Command(
    "cite",
    "One record with every citation (原文 where held) and its sources: title, publisher, "
    "date, URL; and its revision history.",
    ("xiezuo cite cangxi-special-fund", "xiezuo cite kangding-tea-investment-2023 --json"),
    (
        Arg(
            "record",
            "The record id, as `list` shows it.",
            "ID",
            complete="record",
            type=to.stripped,
        ),
        output_group(),
        DATABASE,
    ),
    CiteParams,
    cite,
)
