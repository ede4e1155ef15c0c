"""`xiezuo pairs`: one row per pairing."""

from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.common import load, sorted_rows
from xiezuo_cli.cli.groups import DATABASE, FILTERS, Database, output_group, selection_group
from xiezuo_cli.cli.spec import Command
from xiezuo_cli.present.emit import emit
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.filters import Filters, why_empty
from xiezuo_cli.query.pairs import PAIRS_FIELDS, PAIRS_SORT, pairs_rows
from xiezuo_cli.query.sorting import Selection


class PairsParams(NamedTuple):
    filters: Filters
    selection: Selection
    output: OutputOptions
    database: Database


def pairs(params: PairsParams) -> None:
    output = params.output
    data = load(params.database)
    filters = params.filters.resolve(data)
    rows = sorted_rows(pairs_rows(data, filters), params.selection, data)
    empty = None
    if not rows:

        def pairings(given: Filters) -> int:
            chosen = given.resolve(data).pairings
            return len(data.pairings) if chosen is None else len(chosen)

        empty = why_empty(data, filters, pairings, what="结对", counter="个")

    def table() -> None:
        from xiezuo_cli.present import render

        render.pairs_table(rows, output, empty)

    emit(rows, PAIRS_FIELDS, output, table)


COMMAND = Command(
    "pairs",
    "One row per pairing: kind, level, provider → receiver, since, records, 财政援助 total.",
    (
        "xiezuo pairs",
        "xiezuo pairs --kind 东西部协作 --json",
        "xiezuo pairs --sort fiscal_aid_yuan --desc --limit 3",
    ),
    (
        FILTERS,
        selection_group(
            "pairings",
            "any pairs column, e.g. fiscal_aid_yuan, records, since, id",
            to.choice(PAIRS_SORT),
        ),
        output_group(),
        DATABASE,
    ),
    PairsParams,
    pairs,
)
