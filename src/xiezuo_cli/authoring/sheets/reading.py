"""Reading a person's sheet: from a file to typed rows and row problems.

``read_sheet(path)`` finds the format (``input_format``, else the extension, else the first
bytes: a zip archive is .xlsx; else importing.detect_format's sniffing) and, for text, the
encoding (importing.detect_encoding: UTF-8, a BOM, GBK/GB18030, and a BOM on GBK text refused
as encodings that disagree). Then, for every format alike:

- rows with nothing in them are skipped, and so are rows above the header holding a single text
  that names no column (a title);
- the first row left is the header (``columns.read_header``): either a sheet's columns, in
  English or Chinese, or the export's (``SHAPE`` contract, read no further here: see the seam
  below);
- a row that repeats the header (every cell it fills names the column it stands in: the
  template's second header row in the other language, a header pasted again halfway) is
  skipped, and its place listed in ``SheetRead.skipped``;
- every other row becomes a ``SheetRow`` or, if anything in it is wrong, one problem for each
  wrong cell (collected, never stopping at the first: the first ``MAX_SHOWN`` by position are
  kept, and all are counted).

**The seam with the export's columns.** A file whose header is the export contract is left to
``importing.read_rows`` (the contract path, unchanged): ``read_sheet`` returns ``SheetRead``
with ``shape == "contract"``, its format and encoding, and no rows. An .xlsx sheet in the
contract's columns (an export opened in Excel and saved) cannot go there: its rows come back as
``raw_rows``, every cell as the text a CSV export holds (numbers as written, flags true/false,
dates ISO), for the contract's own typing (importing._typed) to read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

from xiezuo_cli.authoring.import_reader import (
    EXTENSIONS,
    MAX_ROW_CHARS,
    Bad,
    JsonArray,
    Problems,
    bounded_lines,
    detect_encoding,
    detect_format,
    json_reason,
    tsv_unescape,
)
from xiezuo_cli.authoring.import_types import MAX_SHOWN, ImportFileError, Problem
from xiezuo_cli.authoring.sheets import xlsx
from xiezuo_cli.authoring.sheets.cells import DateCell, Raw, ShownNumber, number_text
from xiezuo_cli.authoring.sheets.columns import (
    BY_NAME,
    CONTRACT,
    SHAPES,
    Header,
    HeaderCell,
    column_named,
    is_title,
    names_a_column,
    read_header,
)
from xiezuo_cli.authoring.sheets.rows import Layout, Origin, RowProblem, SheetRow, build_row
from xiezuo_cli.model.safe_text import cut, cut_path, excel_unguard
from xiezuo_cli.storage.rawfile import open_regular
from xiezuo_cli.storage.strict_json import DECODER, JsonProblem

INPUT_FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx")
# Title rows above the header skipped at most: past that, the first row is the header.
MAX_TITLE_ROWS = 5
# Columns whose value belongs to one row: merged over several rows, they are refused (one
# figure cannot be two rows'); any other column's merged value applies to every row it spans.
ONE_ROW_COLUMNS = ("id", "figure", "value", "amount_yuan")
# Columns where a number in an .xlsx cell may be a date's serial number (44517: 2021-11-17).
DATE_COLUMNS = ("as_of", "period")


class SheetProblem(Problem):
    """A row problem of a sheet: as importing.Problem, with ``field`` the column as the sheet
    heads it (``数字 (figure)``), said as a column."""

    def text(self, path: str) -> str:
        parts = [cut_path(path)]
        if self.where:
            parts.append(self.where)
        if self.record:
            parts.append(f"record {cut(self.record)}")
        if self.field:
            parts.append(f"column {cut(self.field, 80)}")
        return ": ".join([*parts, self.reason])


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row of an .xlsx sheet in the export's columns: one text (or None) per header name."""

    position: int
    where: str
    cells: tuple[str | None, ...]


@dataclass(frozen=True)
class SheetRead:
    path: str
    shape: str  # "sheet" or "contract"
    format: str  # csv, tsv, json, jsonl, xlsx
    encoding: str | None  # text formats: the encoding read
    sheet: str | None  # xlsx: the sheet read
    header: Header
    rows: tuple[SheetRow, ...]  # shape "sheet": every row that had no problem
    raw_rows: tuple[RawRow, ...]  # shape "contract" in .xlsx only
    problems: tuple[Problem, ...]  # the first MAX_SHOWN by position
    problem_count: int
    rejected: int  # rows with at least one problem
    skipped: tuple[str, ...]  # where a repeated header row was skipped

    @property
    def columns(self) -> tuple[str, ...]:
        """The header's column names (English) in the sheet's order; the contract's as written."""
        return self.header.names

    def describe(self) -> str:
        """One line for people: what was read (for --dry-run)."""
        where = f"sheet {self.sheet!r}, " if self.sheet else ""
        return f"{where}{SHAPES[self.shape]}, {len(self.rows) + len(self.raw_rows)} rows read"


def sniff_format(path: str, given: str | None) -> str:
    """xlsx by ``given``, the extension or a zip archive's first bytes; else text ("" left to
    importing.detect_format once the encoding is known)."""
    if given is not None:
        return given
    extension = os.path.splitext(path)[1].lower()
    if extension in xlsx.EXTENSIONS:
        return "xlsx"
    if extension in (".xls", ".et"):
        raise ImportFileError(path, xlsx.OLD_WORKBOOK)
    if extension == ".ods":
        raise ImportFileError(path, "an OpenDocument spreadsheet (.ods): save it as .xlsx, or CSV")
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    descriptor = open_regular(path, "a sheet", error=ImportFileError)
    with os.fdopen(descriptor, "rb") as stream:
        head = stream.read(8)
    if head.startswith(xlsx.ZIP_MAGIC):
        return "xlsx"
    if head.startswith(xlsx.OLE_MAGIC):
        raise ImportFileError(path, xlsx.OLD_WORKBOOK)
    return ""


def read_sheet(
    path: str,
    *,
    input_format: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> SheetRead:
    """Read the sheet at ``path``. Raises ImportFileError (exit 3) for a file that is not a
    sheet at all; a bad row is a problem in the result, never an exception."""
    fmt = sniff_format(path, input_format)
    if fmt == "xlsx":
        if encoding is not None:
            from xiezuo_cli.errors import UsageProblem

            raise UsageProblem("--encoding is for text files; an .xlsx workbook has none")
        with xlsx.Book(path) as book:
            name = _choose_sheet(path, book, sheet)
            source = _XlsxSource(book, name)
            return _Reading(path, fmt, None, name, source).run()
    if sheet is not None:
        from xiezuo_cli.errors import UsageProblem

        raise UsageProblem("--sheet names a sheet of an .xlsx workbook; this file is text")
    encoding = detect_encoding(path, encoding)
    fmt = detect_format(path, fmt or None, encoding)
    if fmt in ("csv", "tsv"):
        with contextlib.closing(_DelimitedSource(path, fmt, encoding)) as text_source:
            return _Reading(path, fmt, encoding, None, text_source).run()
    return _JsonReading(path, fmt, encoding).run()


# ─── sources of rows ──────────────────────────────────────────────────────────────────────


class _Source:
    """Rows of raw cells, sparse: (row number, {0-based column: value}), non-empty rows only."""

    layout_kind = "line"

    def rows(self) -> Iterator[tuple[int, Mapping[int, Any]]]:
        raise NotImplementedError

    def place(self, index: int) -> str:
        return f"column {index + 1}"

    def letter(self, index: int) -> str | None:
        return None

    def serial_date(self, value: int | float) -> Any:
        return None

    def close(self) -> None:
        pass


class _DelimitedSource(_Source):
    def __init__(self, path: str, fmt: str, encoding: str) -> None:
        self.path = path
        self.fmt = fmt
        self.encoding = encoding
        self.stream: IO[bytes] | None = None

    def rows(self) -> Iterator[tuple[int, Mapping[int, Any]]]:
        descriptor = open_regular(self.path, "a sheet", error=ImportFileError)
        self.stream = os.fdopen(descriptor, "rb")
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="")
        excel = self.encoding == "utf-8-sig" and self.stream.peek(3)[:3] == b"\xef\xbb\xbf"
        tsv = self.fmt == "tsv"
        # A cell may be as long as a row: csv's own limit is 131,072 characters.
        previous_limit = csv.field_size_limit(MAX_ROW_CHARS)
        reader = csv.reader(_lines(self.path, text), delimiter="\t" if tsv else ",")
        start = 1
        try:
            for found in reader:
                number, start = start, reader.line_num + 1
                row: dict[int, Any] = {}
                for index, cell in enumerate(found):
                    if not cell.strip():
                        continue
                    if tsv:
                        cell = tsv_unescape(cell)
                    row[index] = excel_unguard(cell) if excel else cell
                if row:
                    yield number, row
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    self.path,
                    f"line {start}: a cell longer than {MAX_ROW_CHARS} characters; not a sheet",
                ) from None
            raise ImportFileError(
                self.path, f"line {start}: not {self.fmt.upper()}: {error}"
            ) from None
        except UnicodeDecodeError as error:  # only with a file changed since it was checked
            raise ImportFileError(self.path, f"not {self.encoding} text: {error}") from None
        finally:
            csv.field_size_limit(previous_limit)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


def _lines(path: str, text: IO[str]) -> Iterator[str]:
    return bounded_lines(path, text, "a sheet")


class _XlsxSource(_Source):
    layout_kind = "xlsx"

    def __init__(self, book: xlsx.Book, name: str) -> None:
        self.book = book
        self.name = name

    def rows(self) -> Iterator[tuple[int, Mapping[int, Any]]]:
        return self.book.rows(self.name)

    def place(self, index: int) -> str:
        return f"column {xlsx.column_letter(index)}"

    def letter(self, index: int) -> str | None:
        return xlsx.column_letter(index)

    def serial_date(self, value: int | float) -> Any:
        return self.book.serial_date(value)


def _choose_sheet(path: str, book: xlsx.Book, given: str | None) -> str:
    """``given`` if the workbook has it; else its one sheet that holds anything; else its one
    sheet whose first rows name columns (so the template's 说明 sheet, or a sheet of notes,
    does not get in the way); else one line listing the sheets."""
    listed = ", ".join(repr(cut(name, 40)) for name in book.names[:20])
    if given is not None:
        if given in book.names:
            return given
        folded = [
            name for name in book.names if name.strip().casefold() == given.strip().casefold()
        ]
        if len(folded) == 1:
            return folded[0]
        raise ImportFileError(path, f"no sheet {given!r}; the workbook's sheets: {listed}")
    used = [name for name in book.names if any(True for _ in book.rows(name, limit=1))]
    if len(used) == 1:
        return used[0]
    if not used:
        raise ImportFileError(path, f"every sheet is empty ({listed})")
    headed = [name for name in used if _names_columns(book, name)]
    if len(headed) == 1:
        return headed[0]
    named = ", ".join(repr(cut(name, 40)) for name in (headed or used)[:20])
    raise ImportFileError(
        path, f"the workbook has several sheets of figures: {named}; choose one with --sheet NAME"
    )


def _names_columns(book: xlsx.Book, name: str) -> bool:
    """Whether a sheet's first row (past a title) is a header: two cells naming columns of a
    sheet or of the export."""
    for _, row in book.rows(name, limit=MAX_TITLE_ROWS + 1):
        texts = _texts(row)
        if is_title(texts):
            continue
        return sum(1 for text in texts if text is not None and names_a_column(text)) >= 2
    return False


# ─── from raw rows to typed rows ──────────────────────────────────────────────────────────


class _Reading:
    """One pass over a grid source (CSV, TSV, an .xlsx sheet): header, then rows."""

    def __init__(
        self, path: str, fmt: str, encoding: str | None, sheet: str | None, source: _Source
    ) -> None:
        self.path = path
        self.fmt = fmt
        self.encoding = encoding
        self.sheet = sheet
        self.source = source
        self.collected = _Collected()
        self.raw_rows: list[RawRow] = []
        self.skipped: list[str] = []

    def run(self) -> SheetRead:
        header: Header | None = None
        layout = Layout(self.source.layout_kind, self.sheet)
        titles = 0
        position = 0
        for number, found in self.source.rows():
            texts = _texts(found)
            if header is None:
                if titles < MAX_TITLE_ROWS and is_title(texts):
                    titles += 1
                    continue
                header = read_header(self.path, texts, layout.row(number), self.source.place)
                if header.shape == CONTRACT and self.fmt != "xlsx":
                    break  # importing.read_rows reads the export's columns
                layout = self._layout(header)
                continue
            if header.shape == CONTRACT:
                position += 1
                self.raw_rows.append(self._raw_row(header, position, layout.row(number), found))
                continue
            if header.is_repeat(texts):
                self.skipped.append(layout.row(number))
                continue
            position += 1
            origin = Origin(position, number, layout)
            if header.is_shuffled_header(texts):
                reason = (
                    f"a header in another order than {header.where}'s: put each sheet's rows "
                    "under their own header, one file each"
                )
                self.collected.refuse(origin, None, [RowProblem(None, reason)])
                continue
            cells, problems = self._cells(header, found)
            self.collected.take(problems or build_row(cells, origin), origin, _id_of(cells))
        if header is None:
            raise ImportFileError(self.path, "the sheet is empty: no header and no rows")
        return SheetRead(
            path=self.path,
            shape=header.shape,
            format=self.fmt,
            encoding=self.encoding,
            sheet=self.sheet,
            header=header,
            raw_rows=tuple(self.raw_rows),
            skipped=tuple(self.skipped),
            **self.collected.result(),
        )

    def _layout(self, header: Header) -> Layout:
        letters = {}
        for cell in header.cells:
            letter = self.source.letter(cell.index)
            if cell.column is not None and letter is not None:
                letters[cell.column.name] = letter
        return Layout(self.source.layout_kind, self.sheet, letters, header.labels())

    def _cells(
        self, header: Header, found: Mapping[int, Any]
    ) -> tuple[dict[str, Raw], list[RowProblem]]:
        cells: dict[str, Raw] = {}
        problems: list[RowProblem] = []
        by_index = {cell.index: cell for cell in header.cells}
        for index, value in found.items():
            cell = by_index.get(index)
            if cell is None or cell.column is None:
                if cell is not None and cell.written:  # the person's own column (#…)
                    continue
                problems.append(
                    RowProblem(
                        None,
                        f"{self.source.place(index)} has no header but holds {_shown_raw(value)}",
                    )
                )
                continue
            name = cell.column.name
            try:
                cells[name] = self._unwrap(name, value)
            except _CellRefused as refused:
                problems.append(RowProblem(name, str(refused)))
        return cells, problems

    def _unwrap(self, name: str, value: Any) -> Raw:
        """The plain value of an .xlsx cell (a merged range's, a date's serial number read as
        a date), or _CellRefused: a formula, an error value, a figure merged over rows."""
        if isinstance(value, xlsx.Merged):
            if value.rows > 1 and name in ONE_ROW_COLUMNS:
                raise _CellRefused(
                    f"inside the merged range {value.ref}: each row's {name} is its own; "
                    "unmerge the cells"
                )
            value = value.value
        if isinstance(value, xlsx.Formula):
            raise _CellRefused(
                f"holds a formula ({cut(value.text, 40)}): a {name} must be typed as a value "
                "(copy the cells and paste them as values)"
            )
        if isinstance(value, xlsx.ErrorValue):
            raise _CellRefused(f"holds the error value {value.text}")
        if (
            name in DATE_COLUMNS
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and self.fmt == "xlsx"
        ):
            day = self.source.serial_date(value)
            if day is not None:
                return DateCell(day, "day")
        if isinstance(value, ShownNumber) and name != "figure":
            return value.value
        return cast(Raw, value)  # what remains is a plain value: text, number, flag, date

    def _raw_row(
        self, header: Header, position: int, where: str, found: Mapping[int, Any]
    ) -> RawRow:
        texts: list[str | None] = []
        for cell in header.cells:
            value = found.get(cell.index)
            if isinstance(value, xlsx.Merged):
                value = value.value
            texts.append(_contract_text(value))
        return RawRow(position, where, tuple(texts))


class _Collected:
    """The rows read and the problems found, for every format: the first MAX_SHOWN problems by
    position and their count, and the ids seen (an id is one figure's: two rows giving the
    same id are refused, the later one naming the earlier)."""

    def __init__(self) -> None:
        self.rows: list[SheetRow] = []
        self.problems = Problems()
        self.rejected = 0
        self.ids: dict[str, str] = {}

    def take(
        self,
        built: SheetRow | list[RowProblem],
        origin: Origin,
        record: str | None,
        at: Callable[[Origin, str], tuple[str, str]] | None = None,
    ) -> None:
        if not isinstance(built, SheetRow):
            self.refuse(origin, record, built, at)
            return
        if built.id is not None:
            first = self.ids.setdefault(built.id, built.where)
            if first != built.where:
                reason = (
                    f"{built.id} is also the id of {first}'s figure: each figure has its own "
                    "id (a row citing a figure again names it in same_as)"
                )
                self.refuse(origin, built.id, [RowProblem("id", reason)], at)
                return
        self.rows.append(built)

    def refuse(
        self,
        origin: Origin,
        record: str | None,
        problems: list[RowProblem],
        at: Callable[[Origin, str], tuple[str, str]] | None = None,
    ) -> None:
        self.rejected += 1
        for problem in problems:
            if problem.column is None:
                where, label = origin.where, None
            else:
                where, label = at(origin, problem.column) if at else origin.at(problem.column)
            self.problems.add(SheetProblem(origin.number, where, record, label, problem.reason))

    def result(self) -> dict[str, Any]:
        return {
            "rows": tuple(self.rows),
            "problems": tuple(self.problems.first()),
            "problem_count": self.problems.count,
            "rejected": self.rejected,
        }


class _CellRefused(ValueError):
    pass


def _texts(found: Mapping[int, Any]) -> list[str | None]:
    """A sparse row as a dense list of its texts (for the header tests): other cells None."""
    if not found:
        return []
    width = max(found) + 1
    if width > 20_000:  # no header is this wide: only what it holds is looked at
        width = 20_000
    texts: list[str | None] = [None] * width
    for index, value in found.items():
        if index < width:
            texts[index] = value if isinstance(value, str) else None
    return texts


def _id_of(cells: Mapping[str, Any]) -> str | None:
    value = cells.get("id")
    return cut(value.strip(), 200) if isinstance(value, str) and value.strip() else None


def _shown_raw(value: Any) -> str:
    if isinstance(value, xlsx.Merged):
        value = value.value
    text = value.text if isinstance(value, xlsx.Formula | xlsx.ErrorValue) else str(value)
    return repr(cut(text, 40))


def _contract_text(value: Any) -> str | None:
    """An .xlsx cell as the CSV export would hold it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, ShownNumber):
        return number_text(value.value)
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, DateCell):
        return value.text()
    if isinstance(value, xlsx.Formula | xlsx.ErrorValue):
        return value.text
    return str(value)


# ─── JSON and JSON Lines ──────────────────────────────────────────────────────────────────


class _JsonReading:
    """A JSON array or JSON Lines of objects keyed by column names (English or Chinese)."""

    def __init__(self, path: str, fmt: str, encoding: str) -> None:
        self.path = path
        self.fmt = fmt
        self.encoding = encoding
        self.layout = Layout("item" if fmt == "json" else "line")

    def run(self) -> SheetRead:
        collected = _Collected()
        header: Header | None = None
        descriptor = open_regular(self.path, "a sheet", error=ImportFileError)
        with os.fdopen(descriptor, "rb") as binary:
            text = io.TextIOWrapper(binary, encoding=self.encoding, newline="")
            position = 0
            for number, value in self._values(text):
                position += 1
                origin = Origin(position, number, self.layout)
                if isinstance(value, Bad) or not isinstance(value, dict):
                    reason = (
                        value.reason
                        if isinstance(value, Bad)
                        else f"expected an object of columns, got {_json_kind(value)}"
                    )
                    collected.refuse(origin, None, [RowProblem(None, reason)])
                    continue
                if header is None:
                    names: list[str | None] = [str(key) for key in value]
                    header = read_header(
                        self.path, names, origin.where, _key_place(names), records=True
                    )
                    if header.shape == CONTRACT:
                        break
                cells, written, problems = _json_cells(value)
                built = problems or build_row(cells, origin)
                collected.take(built, origin, _id_of(cells), _as_keyed(written))
        if header is None:
            raise ImportFileError(self.path, "the file is empty: no rows")
        found = collected.result()
        if header.shape == CONTRACT:
            found["rows"] = ()
        return SheetRead(
            path=self.path,
            shape=header.shape,
            format=self.fmt,
            encoding=self.encoding,
            sheet=None,
            header=header,
            raw_rows=(),
            skipped=(),
            **found,
        )

    def _values(self, text: IO[str]) -> Iterator[tuple[int, Any]]:
        """(index, value) of a JSON array's items; (line, value) of JSON Lines."""
        if self.fmt == "json":
            yield from JsonArray(self.path, text)
            return
        for number, line in enumerate(_lines(self.path, text), 1):
            if not line.strip():
                continue
            try:
                yield number, DECODER.decode(line)
            except JsonProblem as problem:
                yield number, Bad(str(problem))
            except (ValueError, RecursionError) as error:
                yield number, Bad(f"not JSON: {json_reason(error)}")


def _as_keyed(written: Mapping[str, str]) -> Callable[[Origin, str], tuple[str, str]]:
    """Where a JSON row's cell is, and its column as the row's key names it."""

    def at(origin: Origin, column: str) -> tuple[str, str]:
        key = written.get(column, column)
        return origin.where, HeaderCell(0, key, "", BY_NAME[column]).label()

    return at


def _key_place(keys: list[str | None]) -> Callable[[int], str]:
    return lambda index: f"key {cut(str(keys[index]), 40)!r}"


def _json_cells(
    value: Mapping[str, Any],
) -> tuple[dict[str, Raw], dict[str, str], list[RowProblem]]:
    """An object's cells by column name, the key each column was given by, and problems."""
    cells: dict[str, Raw] = {}
    keys: dict[str, str] = {}
    problems: list[RowProblem] = []
    for key, item in value.items():
        column = column_named(str(key))
        if column is None:
            problems.append(RowProblem(None, f"unknown key {cut(str(key), 40)!r}"))
            continue
        if column.name in keys:
            problems.append(RowProblem(column.name, f"given twice (key {cut(str(key), 40)!r})"))
            continue
        keys[column.name] = str(key)
        if isinstance(item, dict | list):
            problems.append(
                RowProblem(
                    column.name,
                    f"expected text, a number or true/false, got {_json_kind(item)}",
                )
            )
            continue
        cells[column.name] = item
    return cells, keys, problems


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "text", bool: "true or false"}.get(
        type(value), "a number"
    )


__all__ = ["INPUT_FORMATS", "MAX_SHOWN", "RawRow", "SheetProblem", "SheetRead", "read_sheet"]
