"""`xiezuo filter`: records matching every condition (field OP value)."""

from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.common import load, records_out
from xiezuo_cli.cli.groups import DATABASE, FILTERS, RECORD_SELECTION, Database, output_group
from xiezuo_cli.cli.spec import Arg, Command
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.expressions import Condition, compile_conditions
from xiezuo_cli.query.filters import Filters, iter_select
from xiezuo_cli.query.sorting import Selection


class FilterParams(NamedTuple):
    filters: Filters
    selection: Selection
    expressions: tuple[Condition, ...]
    output: OutputOptions
    database: Database


def filter_records(params: FilterParams) -> None:
    data = load(params.database)
    filters = params.filters.resolve(data)._replace(
        extra=compile_conditions(params.expressions, data)
    )
    records_out(data, iter_select(data, filters), params.output, params.selection, filters)


COMMAND = Command(
    "filter",
    "Records matching every condition: field OP value as three words, no quoting needed "
    "(amount_yuan ge 3900万), or one quoted word ('amount_yuan>=3900万'). OP: eq ne gt ge "
    "lt le has in, or = != > >= < <= ~. `xiezuo fields` lists the fields.",
    (
        "xiezuo filter amount_yuan ge 1000万 category eq 财政援助",
        "xiezuo filter category in 财政援助,社会帮扶 year eq 2021-2022 --json",
        "xiezuo filter provider eq 萧山 part_of eq null --columns id,item,amount_yuan",
        "xiezuo filter quote has 校服 as_of lt 2023",
        "xiezuo filter 'amount_yuan>=3900万' 'year=2021'",
    ),
    (
        FILTERS,
        RECORD_SELECTION,
        Arg(
            "expressions",
            "Conditions: amount_yuan ge 3900万 (three words) or one quoted word "
            "'amount_yuan>=3900万'. A value starting with - goes after --.",
            "CONDITION...",
            True,
            type=to.conditions,
        ),
        output_group(),
        DATABASE,
    ),
    FilterParams,
    filter_records,
)
