"""`xiezuo show PAIR`: one pairing's dossier."""

import sys
from typing import NamedTuple

from xiezuo_cli.cli.commands.common import load
from xiezuo_cli.cli.groups import DATABASE, FILTERS_BUT_PAIR, Database, output_group
from xiezuo_cli.cli.spec import Arg, Command
from xiezuo_cli.model.names import match_one_pairing
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.present.emit import emit, flat
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import write_json_document
from xiezuo_cli.query.filters import Filters, why_empty
from xiezuo_cli.query.funds import aid_totals, decisions_for, group_fields, totals
from xiezuo_cli.query.report import in_category_order, sources_of


class ShowParams(NamedTuple):
    name: str
    filters: Filters
    output: OutputOptions
    database: Database


def show(params: ShowParams) -> None:
    output = params.output
    data = load(params.database)
    name = params.name
    pairing = match_one_pairing(data.pairings.values(), name)
    filters = params.filters.resolve(data)
    if filters.pairings is not None and pairing.id not in filters.pairings:
        filters = filters._replace(pairings=frozenset())
    else:
        filters = filters._replace(pairings=frozenset([pairing.id]))
    records = in_category_order(r for r in data.records_of(pairing.id) if filters.accepts(r))
    rows = totals(decisions_for(data, filters), group_fields(["category"]))
    cited = [c.source for r in records for c in r.citations]
    sources = sources_of(data, [s for s in (pairing.source, *cited) if s is not None])

    if output.format == "json":
        document = {
            "pairing": pairing.summary(),
            "funds": [row.as_row() for row in rows],
            "aid_totals": [{**row.as_row(), "ids": list(row.ids)} for row in aid_totals(rows)],
            "records": [record.as_dict() for record in records],
            "sources": [source.as_dict() for source in sources],
        }
        write_json_document(document, sys.stdout)
        return

    empty = None
    if output.is_table and not records:

        def of_pairing(given: Filters) -> int:
            resolved = given.resolve(data)
            if resolved.pairings is not None and pairing.id not in resolved.pairings:
                return 0
            return sum(1 for r in data.records_of(pairing.id) if resolved.accepts(r))

        if not any(True for _ in data.records_of(pairing.id)):
            empty = "该结对还没有任何数字记录。"
        else:
            empty = why_empty(data, params.filters, of_pairing)

    def table() -> None:
        from xiezuo_cli.present import render

        render.dossier(
            data,
            pairing,
            rows,
            records,
            sources,
            output,
            filters.window_label(),
            data.superseded(filters.known_by),
            empty,
        )

    as_flat = flat(output)
    emit((record.as_dict(flat=as_flat) for record in records), RECORD_FIELDS, output, table)


COMMAND = Command(
    "show",
    "One pairing's dossier: funds by category, people and counts, other figures, sources.",
    ("xiezuo show 苍溪", "xiezuo show kangding --json", "xiezuo show 旺苍 --category 财政援助"),
    (
        FILTERS_BUT_PAIR,
        Arg(
            "name",
            "The pairing: 苍溪, 康定, 余杭-苍溪, yuhang-cangxi …",
            "PAIR",
            complete="pairing",
        ),
        output_group(),
        DATABASE,
    ),
    ShowParams,
    show,
)
