"""`xiezuo report`: one table per pairing (or per year): its records, subtotals, sources."""

from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.common import load
from xiezuo_cli.cli.groups import CHART, DATABASE, FILTERS, Database, output_group
from xiezuo_cli.cli.spec import Command, Opt
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.present.emit import check_table_size, emit, flat
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.filters import Filters, select, why_nothing
from xiezuo_cli.query.funds import decisions_for
from xiezuo_cli.query.report import report_groups

PER = ("pairing", "year")


class ReportParams(NamedTuple):
    filters: Filters
    per: str
    chart: bool
    output: OutputOptions
    database: Database


def report(params: ReportParams) -> None:
    output = params.output
    data = load(params.database)
    filters = params.filters.resolve(data)
    groups = report_groups(data, select(data, filters), decisions_for(data, filters), params.per)
    ordered = [record for group in groups for record in group.records]
    if output.is_table:
        check_table_size(len(ordered), output)
    empty = why_nothing(data, filters) if output.is_table and not ordered else None

    def table() -> None:
        from xiezuo_cli.present import render

        render.report_tables(
            data,
            groups,
            output,
            chart=params.chart,
            per=params.per,
            revised=data.superseded(filters.known_by),
            empty=empty,
        )

    as_flat = flat(output)
    emit((record.as_dict(flat=as_flat) for record in ordered), RECORD_FIELDS, output, table)


COMMAND = Command(
    "report",
    "One table per pairing (or per year): its records, subtotals per measure, sources.",
    ("xiezuo report --pair 旺苍", "xiezuo report --per year --chart"),
    (
        FILTERS,
        Opt(
            "per",
            ("--per",),
            "pairing (default) or year.",
            metavar="pairing|year",
            complete=PER,
            type=to.choice_or("pairing", PER),
            default="pairing",
        ),
        CHART,
        output_group(),
        DATABASE,
    ),
    ReportParams,
    report,
)
