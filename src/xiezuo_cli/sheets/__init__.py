"""A person's sheet: the columns people write, read from CSV, TSV, JSON, JSON Lines or .xlsx
into typed rows for ``xiezuo import`` (issue 17).

- ``columns``: the columns, declared once (name, Chinese header, meaning, parser), and the
  header reader that tells a sheet from the export's columns;
- ``cells``: one parser per kind of cell (figures, numbers, periods, dates, flags, choices);
- ``rows``: ``SheetRow``, the typed row the import planner consumes, and the row's own checks;
- ``reading``: ``read_sheet``, from a file to rows and row problems;
- ``xlsx``: .xlsx workbooks, through openpyxl (imported there only, for an .xlsx file only);
- ``template``: the empty sheet of ``xiezuo import --template``, as CSV and as .xlsx.

What it may import: the standard library; ``xiezuo_cli.model``, ``amounts``, ``dates``,
``errors``, ``safe_text``, ``rawfile``, ``output`` (excel_unguard); the small checks of
``authoring`` (check_date, check_slug, parse_period, the limits) and ``fields.ALIASES`` (the
Chinese names of stages and actors), so each rule stays written once; the file rules of
``importing`` (encoding and format detection, the strict JSON decoder and streaming array
reader, the problem list and its bound); openpyxl, in ``xlsx`` only. Nothing imports it yet but
the tests: the import planner will.
"""

from xiezuo_cli.sheets.cells import Period
from xiezuo_cli.sheets.columns import COLUMNS, CONTRACT, SHEET, Column
from xiezuo_cli.sheets.reading import RawRow, SheetProblem, SheetRead, read_sheet
from xiezuo_cli.sheets.rows import Figure, Origin, SheetRow

__all__ = [
    "COLUMNS",
    "CONTRACT",
    "SHEET",
    "Column",
    "Figure",
    "Origin",
    "Period",
    "RawRow",
    "SheetProblem",
    "SheetRead",
    "SheetRow",
    "read_sheet",
]
