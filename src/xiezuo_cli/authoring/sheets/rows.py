"""A row of a person's sheet, typed: what the import planner consumes.

``build_row`` takes the cells of one row (column name → what the reader found), parses each with
its column's parser, and checks what a row alone can tell: the required columns of a new figure,
and that its figure, value, unit, amount and approx say one thing. Everything that needs the
database or the place table (places, pairings, ids, sources, quotes, duplicates) is the
planner's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from xiezuo_cli.authoring.sheets.cells import (
    MONEY_UNITS,
    CellError,
    Period,
    Raw,
    Written,
    money_in,
    number_text,
)
from xiezuo_cli.authoring.sheets.columns import BY_NAME, COLUMNS, FIGURE_COLUMNS
from xiezuo_cli.model.amounts import AmountError, Quantity
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import MONEY_UNIT


@dataclass(frozen=True, slots=True)
class Figure:
    """A row's figure, from its figure, value, unit and amount_yuan cells, which agree."""

    written: str | None  # the figure column as written (８６５０萬元); None when not given
    value: int | float  # whole yuan for money; the count or rate otherwise
    unit: str  # 元 for money; 人, 个, %, 元/人·年 …
    amount_yuan: int | None  # money only, exact
    approx: str  # exact | at_least | about: the wording's, or the approx column's

    @property
    def is_money(self) -> bool:
        return self.amount_yuan is not None


@dataclass(frozen=True)
class Layout:
    """How to name a place in one file, for messages: shared by all its rows."""

    kind: str  # "line" (CSV, TSV, JSON Lines), "item" (a JSON array), "xlsx"
    sheet: str | None = None
    letters: Mapping[str, str] = field(default_factory=dict)  # xlsx: column name → letter
    labels: Mapping[str, str] = field(default_factory=dict)  # column name → as headed

    def row(self, number: int) -> str:
        if self.kind == "xlsx":
            return f"sheet {self.sheet!r} row {number}"
        if self.kind == "item":
            return f"item [{number}]"
        return f"line {number}"

    def cell(self, number: int, column: str) -> str:
        """Where one cell is: an .xlsx cell's reference (sheet 'Sheet1' cell F7), else the row."""
        letter = self.letters.get(column)
        if self.kind == "xlsx" and letter is not None:
            return f"sheet {self.sheet!r} cell {letter}{number}"
        return self.row(number)

    def label(self, column: str) -> str:
        return self.labels.get(column) or BY_NAME[column].label()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a row came from."""

    position: int  # the row's order among the file's rows, from 1
    number: int  # its line (CSV, TSV, JSON Lines), index (a JSON array) or row (.xlsx)
    layout: Layout = field(repr=False, compare=False)

    @property
    def where(self) -> str:
        return self.layout.row(self.number)

    def at(self, column: str) -> tuple[str, str]:
        """(where, column label) of one of the row's cells, for the planner's messages:
        ("sheet 'Sheet1' cell B7", "受援方 (receiver)") or ("line 7", "receiver")."""
        return self.layout.cell(self.number, column), self.layout.label(column)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of a person's sheet, every cell typed. None: the cell was empty (the planner
    applies the defaults `add` applies: stage actual, actor unknown, as_of the source's date)."""

    origin: Origin
    id: str | None
    provider: str | None  # place names and codes stay text: the planner resolves them
    receiver: str | None
    kind: str | None
    category: str | None
    measure: str | None
    item: str | None
    figure: Figure | None  # None only on a same_as row that does not repeat the figure
    period: Period | None
    stage: str | None
    actor: str | None
    cumulative: bool | None  # 累计: a running total (the record's scope running_total)
    as_of: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    source: str | None
    part_of: str | None
    revises: str | None
    same_as: str | None  # the row cites this figure again rather than bringing a new one
    quote: str | None
    note: str | None
    derivation: str | None
    distinct: bool = False  # 另一笔: another flow than a stored figure like it (the guards)

    @property
    def position(self) -> int:
        return self.origin.position

    @property
    def where(self) -> str:
        return self.origin.where

    @property
    def scope(self) -> str:
        """The record's scope: running_total for a 累计 row, else item."""
        return "running_total" if self.cumulative else "item"


class RowProblem(ValueError):
    """One thing wrong with a row: the column it is about (None: the row) and the reason."""

    def __init__(self, column: str | None, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(reason)


def build_row(cells: Mapping[str, Raw], origin: Origin) -> SheetRow | list[RowProblem]:
    """The typed row, or every problem found in it (each cell's, then the row's)."""
    parsed: dict[str, object] = {}
    problems: list[RowProblem] = []
    for column in COLUMNS:
        raw = cells.get(column.name)
        try:
            parsed[column.name] = column.parse(raw)
        except CellError as error:
            problems.append(RowProblem(column.name, str(error)))
            parsed[column.name] = None
    if problems:
        return problems
    if parsed["same_as"] is None:
        for column in COLUMNS:
            if column.required and parsed[column.name] is None:
                problems.append(RowProblem(column.name, "missing: a new figure needs it"))
        if all(parsed[name] is None for name in FIGURE_COLUMNS):
            problems.append(
                RowProblem("figure", "missing: give the figure (3900万元), or a value and a unit")
            )
    if problems:
        return problems
    try:
        # The types are the columns' parsers' (cells.figure, number, unit, yuan, approx).
        figure = resolve_figure(
            cast("Written | None", parsed["figure"]),
            cast("int | float | None", parsed["value"]),
            cast("str | None", parsed["unit"]),
            cast("int | None", parsed["amount_yuan"]),
            cast("str | None", parsed["approx"]),
        )
    except RowProblem as problem:
        problems.append(problem)
        figure = None
    if problems:
        return problems
    text = {name: value for name, value in parsed.items() if isinstance(value, str)}
    return SheetRow(
        origin=origin,
        id=text.get("id"),
        provider=text.get("provider"),
        receiver=text.get("receiver"),
        kind=text.get("kind"),
        category=text.get("category"),
        measure=text.get("measure"),
        item=text.get("item"),
        figure=figure,
        period=parsed["period"] if isinstance(parsed["period"], Period) else None,
        stage=text.get("stage"),
        actor=text.get("actor"),
        cumulative=parsed["cumulative"] if isinstance(parsed["cumulative"], bool) else None,
        as_of=text.get("as_of"),
        source=text.get("source"),
        part_of=text.get("part_of"),
        revises=text.get("revises"),
        same_as=text.get("same_as"),
        quote=text.get("quote"),
        note=text.get("note"),
        derivation=text.get("derivation"),
        distinct=parsed["distinct"] is True,
    )


def resolve_figure(
    written: Written | None,
    value: int | float | None,
    unit: str | None,
    amount: int | None,
    approx: str | None,
) -> Figure | None:
    """One figure from the figure, value, unit, amount_yuan and approx cells, or RowProblem
    naming the cell that disagrees. Money: 3900万元; 3900 with 万元; 39000000 with 元; an
    amount_yuan alone; any of them together when they give the same whole yuan. A count or rate:
    三十五名; 35 with 人; 1200 with 元/人·年 (a rate: never money). A bare figure (3900) takes
    the unit column's unit; with none it is refused, never taken to be yuan."""
    if written is None and value is None and amount is None:
        if unit is not None:
            raise RowProblem("unit", "a unit with no figure, value or amount")
        if approx is not None:
            raise RowProblem("approx", "an approximation with no figure, value or amount")
        return None
    quantity: Quantity | None = written.quantity if written is not None else None
    if value is not None and unit is None:
        raise RowProblem("unit", f"missing: what does the value {number_text(value)} count?")
    if quantity is not None and quantity.unit == "" and unit is None:
        raise RowProblem(
            "figure",
            f"{shown(written.text if written else '')} has no unit: write it as the article does "
            "(3900万元), or give the unit (单位)",
        )
    wording = quantity.approx if quantity is not None else "exact"
    if approx is not None and written is not None and approx != wording:
        raise RowProblem(
            "approx",
            f"{approx}, but the figure's wording ({shown(written.text)}) says {wording}: write the "
            "word (约, 余, 超) in the figure, or leave approx empty",
        )
    final_approx = approx or wording
    money_unit = unit in MONEY_UNITS if unit is not None else None
    figure_is_money = quantity is not None and (
        quantity.unit == MONEY_UNIT or (quantity.unit == "" and bool(money_unit))
    )
    if unit is not None and not money_unit:  # a count or a rate
        if amount is not None:
            raise RowProblem("amount_yuan", f"an amount in yuan, but the unit is {shown(unit)}")
        number = value if value is not None else _count(quantity)
        if quantity is not None and value is not None and quantity.value != value:
            raise RowProblem(
                "figure", f"{shown(_text(written))} says {quantity.value}, the value {value}"
            )
        return Figure(_written(written), number, unit, None, final_approx)
    if money_unit and quantity is not None and quantity.unit not in ("", MONEY_UNIT):
        raise RowProblem(
            "figure", f"{shown(_text(written))} is not money, but the unit is {shown(unit)}"
        )
    if money_unit or figure_is_money or (quantity is None and amount is not None):
        found: list[tuple[str, int]] = []
        try:
            if quantity is not None:
                base = quantity.value if quantity.unit == MONEY_UNIT else None
                yuan = money_in(quantity.value, "元" if base is not None else str(unit))
                found.append(("figure", yuan))
            if value is not None:
                found.append(("value", money_in(value, str(unit))))
        except (CellError, AmountError) as error:
            column = "figure" if quantity is not None and not found else "value"
            raise RowProblem(column, str(error)) from None
        if amount is not None:
            found.append(("amount_yuan", amount))
        first_column, first = found[0]
        for column, other in found[1:]:
            if other != first:
                raise RowProblem(
                    column,
                    f"{_said(column, written, value, unit, amount)} is {other:,} yuan, but "
                    f"{_said(first_column, written, value, unit, amount)} is {first:,} yuan",
                )
        return Figure(_written(written), first, MONEY_UNIT, first, final_approx)
    # a count or rate the figure alone gives: 三十五名, 79.5%
    assert quantity is not None
    if amount is not None:
        raise RowProblem(
            "amount_yuan", f"an amount in yuan, but the figure {shown(_text(written))} is not money"
        )
    return Figure(_written(written), quantity.value, quantity.unit, None, final_approx)


def _count(quantity: Quantity | None) -> int | float:
    assert quantity is not None
    return quantity.value


def _written(written: Written | None) -> str | None:
    return written.text if written is not None else None


def _text(written: Written | None) -> str:
    return written.text if written is not None else ""


def _said(
    column: str,
    written: Written | None,
    value: int | float | None,
    unit: str | None,
    amount: int | None,
) -> str:
    if column == "figure":
        return f"the figure {shown(_text(written))}"
    if column == "value":
        return f"the value {number_text(value or 0)} {unit}"
    return f"amount_yuan {amount}"
