"""Machine formats: CSV, TSV, JSON, JSON Lines and Markdown, written without Rich.

Field names are the public contract (model.RECORD_FIELDS and the rows each command documents);
values keep their types: amount_yuan stays an exact integer, booleans are true/false, null is null
in JSON and an empty cell in CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

MACHINE_FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")
FORMATS = ("table", *MACHINE_FORMATS)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # numbers are never guarded: -5 must stay a number
    text = str(value)
    if excel and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


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
    lineterminator = "\r\n" if delimiter == "," else "\n"
    writer = csv.writer(stream, delimiter=delimiter, lineterminator=lineterminator)
    if excel:
        stream.write("\ufeff")  # the BOM makes Excel read the file as UTF-8
    if headers:
        writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row.get(field), excel) for field in fields])


def write_json(rows: Iterable[Mapping[str, object]], fields: Sequence[str], stream: TextIO) -> None:
    data = [{field: row.get(field) for field in fields} for row in rows]
    json.dump(data, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_jsonl(
    rows: Iterable[Mapping[str, object]], fields: Sequence[str], stream: TextIO
) -> None:
    for row in rows:
        stream.write(json.dumps({field: row.get(field) for field in fields}, ensure_ascii=False))
        stream.write("\n")


def _markdown_cell(value: object) -> str:
    text = _cell(value, excel=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def write_markdown(
    rows: Iterable[Mapping[str, object]],
    fields: Sequence[str],
    stream: TextIO,
    *,
    headers: Sequence[str] | None = None,
    right_aligned: Sequence[str] = (),
) -> None:
    titles = headers or fields
    stream.write("| " + " | ".join(_markdown_cell(title) for title in titles) + " |\n")
    rules = ["---:" if field in right_aligned else "---" for field in fields]
    stream.write("| " + " | ".join(rules) + " |\n")
    for row in rows:
        stream.write("| " + " | ".join(_markdown_cell(row.get(f)) for f in fields) + " |\n")


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
