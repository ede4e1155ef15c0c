"""The empty sheet of ``xiezuo import --template``: both header rows, each column explained.

- CSV (``write_template_csv``): the two header rows, English then Chinese, and nothing else (a
  row of explanations would be read as a row of data). The reader skips the second header row,
  so the template fills and imports as it is.
- .xlsx (``write_template_xlsx``): sheet ``数字`` with the two header rows (frozen, bold), each
  header cell carrying its column's explanation as a comment, drop-down lists for the columns
  with fixed values (kind, category, stage, actor, approx, cumulative: warnings, not refusals,
  since the English values are accepted too), and the text columns (ids, figure, period, as_of)
  formatted as text so that Excel keeps ``2021-05`` and ``1.55亿元`` as typed instead of making
  them dates or numbers; and sheet ``说明``, one row per column: header, required, meaning,
  example. The reader picks the ``数字`` sheet by itself: ``说明`` does not start with a header.
- ``explanations()``: the same rows, for a table on the terminal and for the README.

Writers take a stream: where and how the file is written is the command's job.
"""

import csv
from typing import BinaryIO, NamedTuple, TextIO

from xiezuo_cli.authoring.sheets.cells import APPROX_ALIASES
from xiezuo_cli.authoring.sheets.columns import COLUMNS
from xiezuo_cli.authoring.sheets.xlsx import column_letter, openpyxl_module
from xiezuo_cli.model.vocab import ACTOR_NAMES, CATEGORIES, KINDS, STAGE_NAMES

DATA_SHEET = "数字"
NOTES_SHEET = "说明"
NOTES_HEADER = ("列 column", "表头 header", "必填 required", "含义 meaning", "例 example")
# The drop-down lists of the .xlsx template: the Chinese names tables show.
CHOICES = {
    "kind": KINDS,
    "category": CATEGORIES,
    "stage": tuple(STAGE_NAMES.values()),
    "actor": tuple(ACTOR_NAMES.values()),
    "approx": tuple(name for name in APPROX_ALIASES if len(name) > 1),
    "cumulative": ("是", "否"),
}
# Kept as text in the .xlsx template: Excel would make 2021-05 a date, r-1 or 1.55亿元 stays
# text anyway, but 3900 in figure would become a number and lose nothing only by luck.
TEXT_COLUMNS = ("id", "figure", "period", "as_of", "source", "part_of", "revises", "same_as")
# Rows the drop-down lists and text formats cover.
TEMPLATE_ROWS = 2000


class Explanation(NamedTuple):
    column: str
    header: str
    required: str  # yes (a new figure needs it), no, or "one of" for the figure columns
    meaning: str
    example: str


def header_rows() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The English header row and the Chinese one."""
    return tuple(c.name for c in COLUMNS), tuple(c.header for c in COLUMNS)


def explanations() -> tuple[Explanation, ...]:
    rows = []
    for column in COLUMNS:
        if column.required:
            required = "yes"
        elif column.name in ("figure", "value", "amount_yuan"):
            required = "one of figure, value, amount_yuan"
        else:
            required = "no"
        rows.append(
            Explanation(column.name, column.header, required, column.meaning, column.example)
        )
    return tuple(rows)


def write_template_csv(stream: TextIO) -> None:
    """The two header rows as CSV (the caller chooses the encoding: UTF-8 with a byte order
    mark opens in Excel as it should)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    for row in header_rows():
        writer.writerow(row)


def write_template_xlsx(stream: BinaryIO) -> None:
    """The template workbook (see the module's docstring)."""
    openpyxl = openpyxl_module()
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    english, chinese = header_rows()
    sheet.append(list(english))
    sheet.append(list(chinese))
    bold = Font(bold=True)
    for index, explanation in enumerate(explanations()):
        letter = column_letter(index)
        for row in (1, 2):
            cell = sheet[f"{letter}{row}"]
            cell.font = bold
        text = (
            f"{explanation.meaning}\n(required: {explanation.required}; e.g. {explanation.example})"
        )
        sheet[f"{letter}1"].comment = Comment(text, "xiezuo", width=320, height=120)
        sheet.column_dimensions[letter].width = max(10, min(30, len(explanation.example) + 4))
        if explanation.column in TEXT_COLUMNS:
            for row in range(3, TEMPLATE_ROWS + 3):
                sheet[f"{letter}{row}"].number_format = "@"
        if explanation.column in CHOICES:
            values = CHOICES[explanation.column]
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(values) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                error="Also accepted: " + ", ".join(values) + " and the English values.",
            )
            validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A3"
    notes = book.create_sheet(NOTES_SHEET)
    notes.append(list(NOTES_HEADER))
    for explanation in explanations():
        notes.append(list(explanation))
    for cell in notes[1]:
        cell.font = bold
    for letter, width in zip("ABCDE", (14, 12, 16, 90, 28), strict=True):
        notes.column_dimensions[letter].width = width
    book.save(stream)
