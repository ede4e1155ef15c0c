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
reader, the problem list and its bound); openpyxl, in ``xlsx`` only. ``importing.import_file``
reads every file through ``read_sheet``, and ``import_sheet`` turns a sheet's rows into the
planner's (done at integration: the planner's conversion, ``--sheet``, ``--template``, ``xlsx``
as an input format; an .xlsx workbook in the export's columns is refused, saying to import the
export as CSV or JSON).

**The seam.** ``read_sheet(path, input_format=, encoding=, sheet=)`` returns a ``SheetRead``.
With ``shape == "sheet"``: ``rows`` (typed ``SheetRow``s, each with its ``Origin`` to name a
cell in the planner's own messages: ``row.origin.at("receiver")``), ``problems`` (importing's
``Problem`` type, said as columns) and their count. With ``shape == "contract"`` (the export's
columns): no rows; a text file goes to ``importing.read_rows(path, read.format, read.encoding)``
as today, and an .xlsx sheet's rows come as ``raw_rows`` (texts as the CSV export writes them)
for the contract's typing (``importing._typed``) to read.

**To do at integration (issue 16's split, then the import command):**

- imports to repoint when importing.py is split: ``detect_encoding``, ``detect_format``,
  ``EXTENSIONS``, ``MAX_ROW_CHARS``, ``MAX_SHOWN``, ``OPTIONAL_COLUMNS``, ``ImportFileError``,
  ``Problem`` and the private ``_Problems``, ``JsonArray``, ``_DECODER``, ``_JsonProblem``,
  ``Bad``, ``json_reason``, ``tsv_unescape`` (make them public where they land);
- written twice, to be made one: ``reading._lines`` and ``importing._Reader._lines`` (bounded
  lines); the CSV loop with its field-size limit (``_DelimitedSource.rows`` and
  ``importing._Reader._delimited``); the JSON Lines loop (``_JsonReading._values`` and
  ``importing._Reader._json_lines``); ``reading._json_kind`` and ``importing._kind``;
  ``SheetProblem.text`` and ``Problem.text`` (give Problem its noun: field, or column);
  ``cells.APPROX_ALIASES``' table names and ``render.APPROX_NAMES`` (the Chinese names of the
  vocabularies belong in model, beside ``STAGE_NAMES``); the header names 说明, 原文数字, 精度
  (``columns.COLUMNS`` aliases) and ``render.FIELD_HEADINGS``; ``rows.Figure`` and
  ``authoring.Figure`` (one typed figure: record_document should take it, and a typed period,
  rather than parse text again);
- ``importing.INPUT_FORMATS`` gains ``xlsx``, and ``import`` gains ``--sheet``;
- the planner turns a ``SheetRow`` into ``record_document`` fields: ``pairing`` from provider,
  receiver and kind; ``scope`` from ``cumulative``; ``citations`` from source and quote (and a
  ``same_as`` row into a citation of that figure); a ``FieldError`` is reported at
  ``row.origin.at(field)``.
"""

from xiezuo_cli.authoring.sheets.cells import Period
from xiezuo_cli.authoring.sheets.columns import COLUMNS, CONTRACT, SHEET, Column
from xiezuo_cli.authoring.sheets.reading import RawRow, SheetProblem, SheetRead, read_sheet
from xiezuo_cli.authoring.sheets.rows import Figure, Origin, SheetRow

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
