"""`xiezuo export`: every record with the contract fields (JSON by default), or a SQLite file."""

from typing import NamedTuple

from xiezuo_cli.cli.commands.common import load, records_out
from xiezuo_cli.cli.groups import DATABASE, FILTERS, Database, output_group
from xiezuo_cli.cli.spec import Command
from xiezuo_cli.model.records import EXPORT_FIELDS
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.filters import Filters, iter_select, select
from xiezuo_cli.query.sorting import Selection


class ExportParams(NamedTuple):
    filters: Filters
    output: OutputOptions
    database: Database


def export(params: ExportParams) -> None:
    data = load(params.database)
    filters = params.filters.resolve(data)
    output = params.output
    if output.format == "sqlite":
        from xiezuo_cli.present.sqlite_export import write_sqlite

        write_sqlite(
            data,
            select(data, filters),
            output.path,
            known_by=filters.known_by,
            window=filters.window(),
        )
        return
    records = iter_select(data, filters)
    records_out(data, records, output, Selection(columns=EXPORT_FIELDS), filters)


COMMAND = Command(
    "export",
    "Every record with the contract fields and figure (as the article writes it, so that "
    "import rebuilds the record exactly), in id order (default JSON; also --format sqlite "
    "-o FILE, a SQLite database with a fund_totals view): the shared filters and output "
    "options apply.",
    (
        "xiezuo export > records.json",
        "xiezuo export --format csv --in 四川 -o sichuan.csv",
        "xiezuo export --format sqlite -o xiezuo.sqlite",
        "xiezuo export | jq '[.[] | select(.category==\"财政援助\")] | length'",
    ),
    (FILTERS, output_group(sqlite=True, default_format="json"), DATABASE),
    ExportParams,
    export,
)
