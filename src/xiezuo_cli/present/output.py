"""Machine formats: CSV, TSV, JSON, JSON Lines and Markdown, written without Rich.

Field names are the public contract (model.RECORD_FIELDS and the rows each command documents);
values keep their types: amount_yuan stays an exact integer, booleans are true/false, null is null
in JSON and an empty cell in CSV.

Safe in every stream (control characters are never passed to a terminal or a renderer as is):

- CSV into a file or a pipe is the exact RFC 4180 bytes of the data. CSV on a terminal shows
  control characters as ``\\x1b`` and the like (safe_text.escape_controls); a line break inside
  a quoted cell stays, since CSV handles it.
- TSV writes every cell on one line: a tab, CR and LF in a cell become ``\\t``, ``\\r`` and
  ``\\n``, and a backslash ``\\\\`` (the linear-TSV convention of PostgreSQL's COPY and MySQL),
  so cut, awk and Miller see one record per line and one cell per tab. A cell holding ``"`` is
  still quoted as in CSV. On a terminal other control characters are escaped too.
- Markdown: ``&``, ``<`` and ``>`` become entities, ``|`` and ``\\`` are backslash-escaped, a
  line break is ``<br>``, and control, bidi and zero-width characters are shown as escapes.
- JSON and JSON Lines keep Chinese as UTF-8 (not ``\\uXXXX``) but write DEL, the C1 controls
  U+0080–U+009F and U+2028/U+2029 as ``\\uXXXX`` escapes (C0 controls JSON escapes itself), so
  no raw control character reaches a terminal and JavaScript reads every line.
- ``--excel`` (CSV for spreadsheets) starts with a UTF-8 byte order mark and prefixes ``'`` to a
  text cell that a spreadsheet would run as a formula: one that begins with ``= + - @``, their
  full-width forms ``＝ ＋ － ＠``, a tab or CR, or any of these after leading spaces
  (``  =1+1``), and to one that is such text after ``'`` (so the guard can be undone exactly:
  ``excel_unguard``; import does so for a CSV that starts with the mark). Numbers are never
  touched.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from xiezuo_cli.model.safe_text import excel_guard

MACHINE_FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")
FORMATS = ("table", *MACHINE_FORMATS)

_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n"}
_TSV_SPECIAL = re.compile(r"[\\\t\r\n]")

_MARKDOWN_BREAK = re.compile(r"\r\n|\r|\n")

# Valid raw in JSON, but control characters on a terminal (C1) or line breaks to JavaScript.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed, or not a real file
        return False


def tsv_escape(text: str) -> str:
    """One TSV cell on one line: tab, CR, LF as ``\\t``, ``\\r``, ``\\n``; ``\\`` as ``\\\\``."""
    return _TSV_SPECIAL.sub(lambda match: _TSV_ESCAPES[match.group()], text)


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 controls and U+2028/U+2029 written as ``\\uXXXX`` escapes.

    Only valid on the output of json.dumps: these characters can only occur inside its strings.
    """
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def json_text(value: object, *, indent: int | None = None) -> str:
    """json.dumps with Chinese kept as UTF-8 and the unsafe characters escaped."""
    import json  # not needed on the CSV path, the most common in scripts

    return json_safe(json.dumps(value, ensure_ascii=False, indent=indent))


def _cell(value: object, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # numbers are never guarded: -5 must stay a number
    text = str(value)
    return excel_guard(text) if excel else text


def write_delimited(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    stream: TextIO,
    *,
    delimiter: str = ",",
    headers: bool = True,
    excel: bool = False,
) -> None:
    # RFC 4180: CRLF line ends, fields quoted only when needed, quotes doubled.
    tsv = delimiter == "\t"
    lineterminator = "\n" if tsv else "\r\n"
    writer = csv.writer(stream, delimiter=delimiter, lineterminator=lineterminator)
    terminal = is_terminal(stream)

    def line(cells: Iterable[str]) -> list[str]:
        if tsv:
            cells = [tsv_escape(cell) for cell in cells]
        if terminal:  # for the eye: no escape codes; a quoted line break stays in CSV
            from xiezuo_cli.model.safe_text import escape_controls

            cells = [escape_controls(cell, keep="\n") for cell in cells]
        return list(cells)

    if excel:
        stream.write("\ufeff")  # the BOM makes Excel read the file as UTF-8
    if headers:
        writer.writerow(line(fields))
    for row in rows:
        writer.writerow(line(_cell(row.get(field), excel) for field in fields))


def write_json(rows: Iterable[Mapping[str, object]], fields: Sequence[str], stream: TextIO) -> None:
    data = [{field: row.get(field) for field in fields} for row in rows]
    write_json_document(data, stream)


def write_json_document(document: object, stream: TextIO) -> None:
    """Any JSON value, indented, Chinese as UTF-8, unsafe characters escaped, then a newline."""
    stream.write(json_text(document, indent=2))
    stream.write("\n")


def write_jsonl(
    rows: Iterable[Mapping[str, object]], fields: Sequence[str], stream: TextIO
) -> None:
    for row in rows:
        stream.write(json_text({field: row.get(field) for field in fields}))
        stream.write("\n")


def markdown_cell(value: object) -> str:
    """A value as the text of one Markdown (GFM) table cell, shown literally."""
    text = _cell(value, excel=False)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    from xiezuo_cli.model.safe_text import escape_controls

    text = _MARKDOWN_BREAK.sub("<br>", text)
    return escape_controls(text, table=True)


def write_markdown(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    stream: TextIO,
    *,
    headers: Sequence[str] | None = None,
    right_aligned: Sequence[str] = (),
) -> None:
    titles = headers or fields
    stream.write("| " + " | ".join(markdown_cell(title) for title in titles) + " |\n")
    rules = ["---:" if field in right_aligned else "---" for field in fields]
    stream.write("| " + " | ".join(rules) + " |\n")
    for row in rows:
        stream.write("| " + " | ".join(markdown_cell(row.get(f)) for f in fields) + " |\n")


def write_rows(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    fmt: str,
    stream: TextIO,
    *,
    headers: bool = True,
    excel: bool = False,
) -> None:
    """Write rows in one of MACHINE_FORMATS, with exactly ``fields`` as columns or keys."""
    if fmt == "csv":
        write_delimited(rows, fields, stream, headers=headers, excel=excel)
    elif fmt == "tsv":
        write_delimited(rows, fields, stream, delimiter="\t", headers=headers, excel=excel)
    elif fmt == "json":
        write_json(rows, fields, stream)
    elif fmt == "jsonl":
        write_jsonl(rows, fields, stream)
    elif fmt == "markdown":
        write_markdown(rows, fields, stream)
    else:
        raise ValueError(f"not a machine format: {fmt}")
