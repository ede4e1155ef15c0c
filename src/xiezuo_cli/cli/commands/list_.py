"""`xiezuo list`: records narrowed by the shared filters, sorted and cut."""

from typing import NamedTuple

from xiezuo_cli.cli.commands.common import load, records_out
from xiezuo_cli.cli.groups import DATABASE, FILTERS, RECORD_SELECTION, Database, output_group
from xiezuo_cli.cli.spec import Command
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.filters import Filters, iter_select
from xiezuo_cli.query.sorting import Selection


class ListParams(NamedTuple):
    filters: Filters
    selection: Selection
    output: OutputOptions
    database: Database


def list_records(params: ListParams) -> None:
    data = load(params.database)
    filters = params.filters.resolve(data)
    records_out(data, iter_select(data, filters), params.output, params.selection, filters)


COMMAND = Command(
    "list",
    "Records, narrowed by the shared filters, sorted and cut as you ask.",
    (
        "xiezuo list --pair 苍溪 --category 财政援助",
        "xiezuo list --money --min 1000万 --sort amount_yuan --desc --limit 5",
        "xiezuo list --search 校服 --columns id,item,value,unit --csv",
    ),
    (FILTERS, RECORD_SELECTION, output_group(), DATABASE),
    ListParams,
    list_records,
)
