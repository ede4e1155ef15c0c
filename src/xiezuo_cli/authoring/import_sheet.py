"""A person's sheet into the import planner: each ``SheetRow`` (sheets.read_sheet, shape
"sheet") becomes the ``Row`` the planner takes for the export's columns, so one planner decides
what every row does (add, cite, skip, refuse) whatever the file's shape.

What the conversion does, and nothing more (every other rule is the planner's and authoring's):

- *places*: provider and receiver by any name form or code, in the database's place table or
  the country's (``places.find_place``); a name fitting several is the row's error listing them;
- *the pairing*: the database's pairing of those two places (of the row's kind, when given); one
  that fits several is the row's error listing them; none, and the row's kind makes a new one
  (the planner builds it, ``documents.pairing_document``, with the places it needs), shared by
  every row that names the same kind and places; id ``<provider>-<receiver>`` in pinyin;
- *the id*: the row's, or ``r-<n>`` as ``add`` derives it (past every id of the sheet);
- *defaults* as ``add`` applies them: stage actual, actor unknown, scope running_total for a
  累计 row and item otherwise;
- *the source* must be one the database holds (``xiezuo sources add``): a person's sheet makes
  no stub sources;
- ``same_as``: the row is one more citation of that figure (of the database or of the sheet).

Problems are said as the sheet heads its columns, at the cell (``sheet 'Sheet1' cell B7:
column 受援方 (receiver): …``).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xiezuo_cli.authoring.import_types import Problem, Row
from xiezuo_cli.authoring.inputs import FieldError
from xiezuo_cli.authoring.sheets.reading import SheetProblem
from xiezuo_cli.authoring.sheets.rows import SheetRow

DEFAULT_STAGE, DEFAULT_ACTOR = "actual", "unknown"
# The planner's field names as the sheet's columns.
_COLUMN_OF = {
    "amount_yuan": "figure",
    "amount": "figure",
    "value": "figure",
    "pairing": "receiver",
    "provider_code": "provider",
    "receiver_code": "receiver",
    "period_start": "period",
    "period_end": "period",
    "scope": "cumulative",
    "distinct": "distinct",
    "level": "receiver",
    "citations": "source",
}
_RECORD_ID = re.compile(r"r-([0-9]+)")


class _Converting:
    def __init__(self, tables: Mapping[str, Sequence[dict[str, Any]]]) -> None:
        self.places: list[dict[str, Any]] = list(tables.get("place", ()))
        self.pairings: list[dict[str, Any]] = list(tables.get("pairing", ()))
        self.sources = {str(s.get("id")) for s in tables.get("source", ())}
        self.new_pairings: dict[tuple[str, str, str], str] = {}
        highest = 0
        for record in tables.get("record", ()):
            match = _RECORD_ID.fullmatch(str(record.get("id")))
            if match:
                highest = max(highest, int(match[1]))
        self.next_number = highest + 1

    def view(self) -> dict[str, list[dict[str, Any]]]:
        return {"place": self.places, "pairing": self.pairings}

    def place(self, name: str | None, column: str) -> dict[str, Any]:
        from xiezuo_cli.authoring.places import find_place

        if name is None:
            raise FieldError(column, "missing: a new figure needs it")
        found = find_place(name, self.view(), column)
        have = {str(p.get("id")) for p in self.places}
        self.places.extend(p for p in found.new if p["id"] not in have)
        return found.document

    def pairing(self, row: SheetRow) -> tuple[str, str | None]:
        """The pairing's id, and its kind when the planner is to make it."""
        from xiezuo_cli.authoring.lookup import next_pairing_id

        giver = self.place(row.provider, "provider")
        taker = self.place(row.receiver, "receiver")
        fitting = [
            p
            for p in self.pairings
            if (p.get("provider"), p.get("receiver")) == (giver["id"], taker["id"])
            and (row.kind is None or p.get("kind") == row.kind)
        ]
        if len(fitting) > 1:
            listed = ", ".join(f"{p.get('id')} ({p.get('kind')})" for p in fitting[:6])
            raise FieldError(
                "kind",
                f"{giver['full_name']} → {taker['full_name']} fits {len(fitting)} pairings "
                f"({listed}); give the kind",
            )
        if fitting:
            return str(fitting[0]["id"]), None
        if row.kind is None:
            raise FieldError(
                "kind",
                f"missing: {giver['full_name']} → {taker['full_name']} is no pairing yet; "
                "give its kind to make it",
            )
        key = (row.kind, str(giver["id"]), str(taker["id"]))
        pairing_id = self.new_pairings.get(key)
        if pairing_id is None:
            pairing_id = next_pairing_id(giver, taker, {"pairing": self.pairings})
            self.new_pairings[key] = pairing_id
            # seen by the next rows' lookups and ids (the planner makes the real document)
            self.pairings.append(
                {
                    "id": pairing_id,
                    "kind": row.kind,
                    "provider": giver["id"],
                    "receiver": taker["id"],
                }
            )
        return pairing_id, row.kind

    def record_id(self, taken: set[str]) -> str:
        while f"r-{self.next_number}" in taken:
            self.next_number += 1
        record_id = f"r-{self.next_number}"
        self.next_number += 1
        return record_id

    def values(self, row: SheetRow, taken: set[str]) -> dict[str, Any]:
        if row.source is not None and row.source not in self.sources:
            raise FieldError("source", f"no source {row.source!r} (xiezuo sources add)")
        citation = {"source": row.source, "quote": row.quote}
        if row.same_as is not None:
            return {
                "id": row.same_as,
                "same_as": row.same_as,
                "citations": None,
                "note": row.note,  # the citation's note
                **citation,
            }
        pairing_id, kind = self.pairing(row)
        figure = row.figure
        assert figure is not None  # build_row gives one to every row that is not same_as
        period = row.period
        values: dict[str, Any] = {
            "id": row.id or self.record_id(taken),
            "pairing": pairing_id,
            "category": row.category,
            "measure": row.measure,
            "item": row.item,
            "figure": figure.written,
            "amount_yuan": figure.amount_yuan,
            "value": figure.value,
            "unit": figure.unit,
            "approx": figure.approx,
            "stage": row.stage or DEFAULT_STAGE,
            "actor": row.actor or DEFAULT_ACTOR,
            "scope": row.scope,
            "period_start": period.start if period is not None else None,
            "period_end": period.end if period is not None else None,
            "as_of": row.as_of,
            "part_of": row.part_of,
            "revises": row.revises,
            "note": row.note,
            "derivation": row.derivation,
            "distinct": row.distinct,
            "citations": None,  # a sheet declares no citation count
            **citation,
        }
        if kind is not None:  # what the planner makes the pairing from
            new_pairing = next(p for p in self.pairings if p["id"] == pairing_id)
            values["kind"] = kind
            values["provider"] = new_pairing["provider"]
            values["receiver"] = new_pairing["receiver"]
        return values


def sheet_rows(
    rows: Sequence[SheetRow], tables: Mapping[str, Sequence[dict[str, Any]]]
) -> tuple[list[Row], list[Problem]]:
    """The planner's rows for a sheet's rows, and the problems of those that cannot be."""
    converting = _Converting(tables)
    taken = {row.id for row in rows if row.id is not None}
    taken |= {str(r.get("id")) for r in tables.get("record", ())}
    converted: list[Row] = []
    problems: list[Problem] = []
    for row in rows:
        try:
            values = converting.values(row, taken)
        except FieldError as error:
            problems.append(problem_at(row, row.id or row.same_as, error.field, error.problem))
            continue
        converted.append(Row(row.position, row.where, values, True, row))
    return converted, problems


def problem_at(row: SheetRow, record: str | None, field: str | None, reason: str) -> Problem:
    """A problem of a sheet's row, said at its cell and as the sheet heads the column."""
    from xiezuo_cli.authoring.sheets.columns import BY_NAME

    if field is None:
        return SheetProblem(row.position, row.where, record, None, reason)
    name = field.partition(".")[2] if field.startswith("citations[") else field
    name = _COLUMN_OF.get(name, name)
    if name not in BY_NAME:
        return SheetProblem(row.position, row.where, record, field, reason)
    where, label = row.origin.at(name)
    return SheetProblem(row.position, where, record, label, reason)


def as_sheet_problems(problems: Iterable[Problem], rows: Sequence[Row]) -> list[Problem]:
    """The planner's problems of sheet rows, said as the sheet heads its columns."""
    by_position = {row.position: row.sheet for row in rows if row.sheet is not None}
    said: list[Problem] = []
    for problem in problems:
        sheet_row = by_position.get(problem.position)
        if sheet_row is None or isinstance(problem, SheetProblem):
            said.append(problem)
        else:
            said.append(problem_at(sheet_row, problem.record, problem.field, problem.reason))
    return said
