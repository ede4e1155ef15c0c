"""Reading an .xlsx workbook's sheets as rows of raw cells, with openpyxl.

openpyxl is imported only here, only inside functions, and only when an .xlsx file is read: no
query command loads it (tests/test_sheets_xlsx.py holds that). What is read, and how:

- **Bounded first.** Before openpyxl sees the file it is opened as every file xiezuo reads
  (``rawfile.open_regular``: a folder, a FIFO, a device is one line), and its zip directory is
  checked: at most ``MAX_PARTS`` parts, unpacking to at most ``rawfile.max_bytes()`` bytes
  (``XIEZUO_MAX_DB_BYTES``, default 256 MiB) in all. A zip bomb is refused there, unread; a part
  whose declared size lies is cut at that size by ``zipfile`` and fails its CRC check (one line).
  The XML parser is expat's, whose limits refuse entity-expansion bombs (billion laughs).
- **Streamed, sparse.** A worksheet is parsed by openpyxl's own streaming parser (the one its
  read-only mode uses), which yields only the cells the file holds: a sheet whose dimension
  claims 16,384 columns costs what its cells cost. The parser also gives the merged ranges
  (read-only worksheets do not), which come at the end of the sheet's XML: a sheet's cells are
  held until then.
- **Cells.** Text, numbers (an int whenever openpyxl reads one), booleans; a date cell as a
  ``DateCell`` as precise as its number format shows (``yyyy-mm`` or ``mmm-yy``: a month; with
  ``d``: a day); a number whose format shows a unit (``0.0"万元"``) as a ``ShownNumber``; a
  formula as ``Formula`` (its text: never evaluated, and openpyxl has no cached values
  without a second, full read) and an error value (#N/A) as ``ErrorValue``, each refused by the
  reader with the cell's reference.
- **Merged ranges.** Every cell of a merged range but its top-left one holds ``Merged``: the
  top-left value, which the reader applies to the whole range (a column's value merged over
  several rows, such as a provider or a source shared by many figures). Cells are filled only
  in rows that hold something else, and at most ``MAX_MERGED_FILL`` cells in all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from types import ModuleType
from typing import Any, cast

from xiezuo_cli.authoring.import_types import ImportFileError
from xiezuo_cli.authoring.sheets.cells import DateCell, Raw, ShownNumber
from xiezuo_cli.model.safe_text import cut
from xiezuo_cli.storage.rawfile import max_bytes, open_regular

MAX_PARTS = 10_000
MAX_MERGED_FILL = 1_000_000
EXTENSIONS = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
# Formats a sheet may be saved in that are not .xlsx, by their first bytes.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003), .et (WPS)
OLD_WORKBOOK = "an Excel 97–2003 workbook (.xls): save it as .xlsx, or as CSV"


@dataclass(frozen=True, slots=True)
class Formula:
    text: str  # =B7*10000


@dataclass(frozen=True, slots=True)
class ErrorValue:
    text: str  # #N/A, #DIV/0!


@dataclass(frozen=True, slots=True)
class Merged:
    """A cell inside a merged range, not its top-left one: that cell's value applies."""

    value: Raw | Formula | ErrorValue
    ref: str  # B2:B5
    rows: int  # how many rows the range spans


XlsxRaw = Raw | Formula | ErrorValue | Merged


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@cache
def openpyxl_module() -> Any:
    """openpyxl, imported once. numpy is kept out of that import when nothing has loaded it
    yet: openpyxl imports it only to recognise numpy numbers when writing, which xiezuo never
    gives it, and where numpy is installed that alone costs more than the rest of openpyxl
    (benchmarks/README.md)."""
    import sys

    blocked = "numpy" not in sys.modules
    if blocked:
        # None in sys.modules makes `import numpy` raise ImportError (the import system's rule).
        sys.modules["numpy"] = cast(ModuleType, None)
    try:
        import openpyxl
    finally:
        if blocked:
            del sys.modules["numpy"]
    return openpyxl


class Book:
    """An .xlsx workbook open for reading. Use as a context manager."""

    def __init__(self, path: str) -> None:
        self.path = path
        descriptor = open_regular(path, "a sheet", error=ImportFileError)
        self.file = os.fdopen(descriptor, "rb")
        try:
            self._check_archive()
            openpyxl = openpyxl_module()
            with _as_one_line(path):
                self.book = openpyxl.load_workbook(
                    self.file, read_only=True, data_only=False, keep_links=False
                )
                self.names: tuple[str, ...] = tuple(ws.title for ws in self.book.worksheets)
        except BaseException:
            self.file.close()
            raise
        self._formats: dict[int, str] = {}

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            self.file.close()

    def _check_archive(self) -> None:
        import zipfile

        head = self.file.read(8)
        self.file.seek(0)
        if head.startswith(OLE_MAGIC):
            raise ImportFileError(self.path, OLD_WORKBOOK)
        if not head.startswith(ZIP_MAGIC):
            raise ImportFileError(self.path, "not an .xlsx workbook (not a zip archive)")
        try:
            with zipfile.ZipFile(self.file) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ImportFileError(self.path, f"not a readable .xlsx workbook ({error})") from None
        finally:
            self.file.seek(0)
        if len(parts) > MAX_PARTS:
            raise ImportFileError(
                self.path, f"{len(parts):,} parts in the archive: not a workbook of figures"
            )
        cap = max_bytes(self.path)
        unpacked = sum(part.file_size for part in parts)
        if unpacked > cap:
            raise ImportFileError(
                self.path,
                f"the workbook unpacks to {unpacked:,} bytes, over the limit of {cap:,} "
                "(set XIEZUO_MAX_DB_BYTES to change it)",
            )

    @property
    def epoch(self) -> datetime:
        epoch: datetime = self.book.epoch
        return epoch

    def serial_date(self, number: int | float) -> date | None:
        """A date stored as a serial number (44517 → 2021-11-17 in the 1900 date system), or
        None when the number is no whole day between 1949 and 2100."""
        if isinstance(number, float) and not number.is_integer():
            return None
        from openpyxl.utils.datetime import from_excel

        try:
            found = from_excel(int(number), self.epoch)
        except (OverflowError, ValueError):
            return None
        if not isinstance(found, datetime) or not 1949 <= found.year <= 2100:
            return None
        return found.date()

    def rows(
        self, name: str, *, limit: int | None = None
    ) -> Iterator[tuple[int, dict[int, XlsxRaw]]]:
        """The rows of sheet ``name`` that hold something, in order: (row number, {0-based
        column: cell}), merged ranges filled. ``limit``: stop after that many rows (merged
        ranges then left unfilled: to look at a sheet's first rows)."""
        from openpyxl.worksheet._reader import WorkSheetParser

        sheet = self.book[name]
        grid: dict[int, dict[int, XlsxRaw]] = {}
        with _as_one_line(self.path, f"sheet {name!r}"), sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                self.book.shared_strings,
                data_only=False,
                epoch=self.book.epoch,
                date_formats=self.book._date_formats,
                timedelta_formats=self.book._timedelta_formats,
            )
            for number, found in parser.parse():
                row: dict[int, XlsxRaw] = {}
                for cell in found:
                    raw = self._raw(sheet, cell)
                    if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                        row[cell["column"] - 1] = raw
                if not row:
                    continue
                if limit is not None:
                    yield number, row
                    limit -= 1
                    if limit == 0:
                        return
                    continue
                grid[number] = row
            merged = parser.merged_cells
        if limit is not None:
            return
        if merged is not None:
            self._fill(name, grid, [cell.ref for cell in merged.mergeCell])
        for number in sorted(grid):
            yield number, grid[number]

    def _fill(self, name: str, grid: dict[int, dict[int, XlsxRaw]], refs: list[str]) -> None:
        from openpyxl.utils.cell import range_boundaries

        filled = 0
        numbers = sorted(grid)
        import bisect

        for ref in refs:
            try:
                first_col, first_row, last_col, last_row = range_boundaries(ref)
            except (ValueError, TypeError):
                raise ImportFileError(
                    self.path, f"sheet {name!r}: a merged range {cut(ref)!r} that is not one"
                ) from None
            top = grid.get(first_row, {}).get(first_col - 1)
            if top is None:
                continue
            value = top.value if isinstance(top, Merged) else top
            start = bisect.bisect_left(numbers, first_row)
            stop = bisect.bisect_right(numbers, last_row)
            for number in numbers[start:stop]:
                row = grid[number]
                for column in range(first_col - 1, last_col):
                    if number == first_row and column == first_col - 1:
                        continue
                    row[column] = Merged(value, ref, last_row - first_row + 1)
                    filled += 1
                    if filled > MAX_MERGED_FILL:
                        raise ImportFileError(
                            self.path,
                            f"sheet {name!r}: merged ranges cover more than "
                            f"{MAX_MERGED_FILL:,} cells: not a sheet of figures",
                        )

    def _raw(self, sheet: Any, cell: dict[str, Any]) -> XlsxRaw:
        value = cell["value"]
        kind = cell["data_type"]
        if value is None:
            return None
        if kind == "f":
            return Formula(str(getattr(value, "text", None) or value))
        if kind == "e":
            return ErrorValue(str(value))
        if isinstance(value, datetime):
            fmt = self._format(sheet, cell)
            return DateCell(value.date(), date_precision(fmt))
        if isinstance(value, bool | str | date):
            return value
        if isinstance(value, int | float):
            unit = shown_unit(self._format(sheet, cell))
            return ShownNumber(value, unit) if unit else value
        return str(value)  # a time or duration cell: text, which no typed column accepts

    def _format(self, sheet: Any, cell: dict[str, Any]) -> str:
        style = int(cell.get("style_id") or 0)
        if style not in self._formats:
            from openpyxl.cell.read_only import ReadOnlyCell

            try:
                fmt = ReadOnlyCell(sheet, 0, 0, None, "n", style).number_format
            except (IndexError, KeyError, AttributeError):
                fmt = "General"
            self._formats[style] = str(fmt)
        return self._formats[style]


_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_SHOWN_UNIT = re.compile(r"亿元|万元|元|亿|万")


def date_precision(number_format: str) -> str:
    """How much of a date a number format shows: 'yyyy-mm' and 'mmm-yy' a month, 'yyyy' a
    year, anything with a day (or none of these) a day."""
    plain = _LITERALS.sub("", number_format.split(";")[0]).lower()
    if "d" in plain:
        return "day"
    if "m" in plain and ("y" in plain or "e" in plain):
        return "month"
    if "y" in plain or "e" in plain:
        return "year"
    return "day"


def shown_unit(number_format: str) -> str | None:
    """The unit a number format shows after a number: '0.0"万元"' -> 万元; None for none."""
    if "元" not in number_format and "万" not in number_format and "亿" not in number_format:
        return None
    found = _SHOWN_UNIT.search(number_format.split(";")[0])
    return found.group() if found else None


class _as_one_line:
    """Whatever openpyxl raises reading a damaged or hostile file becomes one line (exit 3)."""

    def __init__(self, path: str, where: str = "") -> None:
        self.path = path
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> None:
        if error is None or not isinstance(error, Exception) or isinstance(error, ImportFileError):
            return
        where = f"{self.where}: " if self.where else ""
        reason = cut(str(error).splitlines()[0] if str(error) else type(error).__name__, 200)
        raise ImportFileError(
            self.path, f"{where}not a readable .xlsx workbook ({type(error).__name__}: {reason})"
        ) from None
