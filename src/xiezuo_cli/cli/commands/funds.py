"""`xiezuo funds`: money (or, --counts, people and other counts) totalled, counting nothing
twice; the rules are query/funds.py's."""

from typing import NamedTuple

from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.commands.common import during_option, load, sorted_rows
from xiezuo_cli.cli.groups import (
    CHART,
    DATABASE,
    FILTERS,
    Database,
    output_group,
    selection_group,
)
from xiezuo_cli.cli.spec import Command, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.records import Record
from xiezuo_cli.present.emit import check_table_size, emit
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query import funds as rules
from xiezuo_cli.query.filters import Filters, why_nothing
from xiezuo_cli.query.sorting import Selection

# Columns funds may sort by, besides the grouping fields.
FUNDS_SORT = (*rules.GROUP_FIELDS, "span", "amount_yuan", "records", "value", "unit")


class FundsParams(NamedTuple):
    filters: Filters
    by: tuple[str, ...]
    roll_up: str | None
    counts: bool
    unit_of: tuple[str, ...]
    explain: bool
    no_derived: bool
    selection: Selection
    chart: bool
    output: OutputOptions
    database: Database


def check(params: FundsParams) -> None:
    if params.unit_of and not params.counts:
        raise UsageProblem("--unit-of picks units of counts: give --counts with it")
    if params.counts and params.roll_up is not None:
        raise UsageProblem("--roll-up sums money; it does not go with --counts")


def funds(params: FundsParams) -> None:
    output = params.output
    fields = rules.group_fields(params.by)
    data = load(params.database)
    filters = params.filters.resolve(data)
    roll = params.roll_up
    decisions = rules.decisions_for(
        data,
        filters,
        roll_up=roll is not None,
        counts=params.counts,
        text=params.explain,
        derived=not params.no_derived,
    )
    if params.unit_of:
        decisions = [d for d in decisions if d.record.unit in params.unit_of]

    if roll is not None:
        rolled = rules.roll_up(decisions, roll, data)
        empty_rolled = why_nothing(data, filters, decisions) if not rolled else None

        def rolled_table() -> None:
            from xiezuo_cli.present import funds_view

            funds_view.roll_up_table(
                rolled, roll, output, filters.window_label(), decisions, empty_rolled
            )

        emit((row.as_row() for row in rolled), rules.ROLL_UP_FIELDS, output, rolled_table)
        return

    if params.counts:
        fields = rules.count_fields(fields)
    rows = rules.totals(decisions, fields)
    total = "value" if params.counts else "amount_yuan"
    total_fields = (*fields, total, *rules.TOTAL_TAIL)
    dicts = [row.as_row(total) for row in rows]
    selection = params.selection
    if selection.sort or selection.limit is not None:
        order = {id(d): row for d, row in zip(dicts, rows, strict=True)}
        dicts = sorted_rows(dicts, selection, data)
        rows = [order[id(d)] for d in dicts]

    beyond: list[Record] = []
    if output.is_table and filters.years is not None:
        # --year adds the figures that lie within its years; say which reach beyond them
        wider = filters._replace(years=None, during=filters.window())
        beyond = [
            d.record
            for d in rules.decisions_for(
                data, wider, counts=params.counts, derived=not params.no_derived
            )
            if d.reason == "window" and (not params.unit_of or d.record.unit in params.unit_of)
        ]
    if output.is_table:
        check_table_size(len(decisions) if params.explain else len(rows), output)
    empty = None
    if not rows or (params.explain and not decisions):
        empty = why_nothing(data, filters, decisions, counts=params.counts)

    def table() -> None:
        from xiezuo_cli.present import funds_view

        funds_view.funds_table(
            data,
            rows,
            fields,
            decisions,
            output,
            chart=params.chart,
            counts=params.counts,
            window=filters.window_label(),
            empty=empty,
            beyond=beyond,
            during_option=during_option(filters),
        )
        if params.explain:
            funds_view.explain_table(data, decisions, output, empty)

    if params.explain:
        emit(map(rules.explain_row, decisions), rules.EXPLAIN_FIELDS, output, table)
    else:
        emit(dicts, total_fields, output, table)


COMMAND = Command(
    "funds",
    "Money totals by pairing and category, counting nothing twice.",
    (
        "xiezuo funds --pair 苍溪",
        "xiezuo funds --by year,category --json",
        "xiezuo funds --pair 萧山 --explain",
        "xiezuo funds --in 四川 --roll-up province",
        "xiezuo funds --pair 康定 --category 产业合作 --stage pledged --as-of 2022-06-30",
        "xiezuo funds --counts --unit-of 人",
    ),
    (
        FILTERS,
        Opt(
            "by",
            ("--by",),
            "Group by, repeatable or comma-separated: "
            + ", ".join(rules.GROUP_FIELDS)
            + ". Default: pairing and category. Category, measure, level and stage are always "
            "kept apart; year puts a multi-year figure on a row of its own.",
            kind="multi",
            metavar="FIELD",
            complete=rules.GROUP_FIELDS,
            type=to.choice(rules.GROUP_FIELDS),
        ),
        Opt(
            "roll_up",
            ("--roll-up",),
            "Sum county (and city) figures up to their city or province, beside the figures "
            "reported at that level (never added to them): city or province.",
            metavar="LEVEL",
            complete=rules.ROLL_UP_LEVELS,
            type=to.choice(rules.ROLL_UP_LEVELS),
        ),
        Opt(
            "counts",
            ("--counts",),
            "Total people and other counts instead of money, under the same rules: one unit "
            "per row (人 with 人, 个 with 个, never across units).",
            kind="flag",
        ),
        Opt(
            "unit_of",
            ("--unit-of",),
            "With --counts: only figures in these units (人, 个, 家 …), repeatable.",
            kind="multi",
            metavar="UNIT",
        ),
        Opt(
            "explain", ("--explain",), "List the records summed and skipped, with why.", kind="flag"
        ),
        Opt(
            "no_derived",
            ("--no-derived",),
            "Leave out the figures worked out from an article's numbers (推算, such as 旺苍's "
            "3978万 ÷ 79.5%), counted by default; their parts count in their place.",
            kind="flag",
        ),
        selection_group("rows", "amount_yuan, records or a grouping field", to.choice(FUNDS_SORT)),
        CHART,
        output_group(),
        DATABASE,
    ),
    FundsParams,
    funds,
    check,
)
