"""`xiezuo fields`: the fields filter, --sort and --columns take."""

from typing import NamedTuple

from xiezuo_cli.cli.groups import output_group
from xiezuo_cli.cli.spec import Command
from xiezuo_cli.present.emit import emit
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.fields import FIELDS_COLUMNS, fields_rows


class FieldsParams(NamedTuple):
    output: OutputOptions


def fields(params: FieldsParams) -> None:
    rows = fields_rows()

    def table() -> None:
        from xiezuo_cli.present import render

        render.plain_table(rows, FIELDS_COLUMNS, params.output)

    emit(rows, FIELDS_COLUMNS, params.output, table)


COMMAND = Command(
    "fields",
    "The fields filter, --sort and --columns take: type, an example value, meaning.",
    ("xiezuo fields", "xiezuo fields --json", "xiezuo fields --csv"),
    (output_group(unit=False),),
    FieldsParams,
    fields,
)
