"""The file of an import: its format (CSV, TSV, JSON, JSON Lines) and encoding, found or given,
and its rows, read and typed one at a time (a large file is never held whole), each problem
named by its row.
"""

import codecs
import csv
import heapq
import io
import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any, NamedTuple

from xiezuo_cli.authoring.import_types import (
    MAX_SHOWN,
    ImportFileError,
    Problem,
    ProgressCallback,
    Row,
)
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.model.safe_text import excel_unguard, shown
from xiezuo_cli.storage.strict_json import DECODER, MAX_INT_DIGITS, JsonProblem

INPUT_FORMATS = ("csv", "tsv", "json", "jsonl")
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# Columns a file may have besides the contract fields.
# distinct: true declares a figure another flow than one like it (authoring.guards).
OPTIONAL_COLUMNS = ("figure", "distinct")
# Markdown and tables are for people: what they escape or wrap cannot always be read back.
NOT_AN_IMPORT_FORMAT = (
    "a Markdown table is for reading, not an import format: import reads the CSV, TSV, JSON or "
    "JSON Lines that `xiezuo export` writes"
)
# Contract fields a file written before they existed lacks: derived is false, derivation null.
LATER_FIELDS = ("derived", "derivation")


# A line (CSV, TSV, JSON Lines) or one JSON value of an array longer than this is not a record.
MAX_ROW_CHARS = 1 << 20
CHUNK_BYTES = 1 << 20


# How the fields of a row are typed in CSV and TSV (everything else is text, empty = null).
_INTEGER_FIELDS = ("amount_yuan", "year", "citations")
_FLAG_FIELDS = ("cumulative", "derived", "distinct")
_NUMBER_FIELDS = ("value",)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_TSV_UNESCAPE = re.compile(r"\\[\\tnr]")
_TSV_CHARS = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


# ─── the file: format, encoding, rows ─────────────────────────────────────────────────────


def check_input_format(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text not in INPUT_FORMATS:
        raise UsageProblem(
            f"invalid --input-format {shown(value)}: choose one of {', '.join(INPUT_FORMATS)}"
        )
    return text


def check_encoding(value: str | None) -> str | None:
    """A codec name Python knows (utf-8, gbk, gb18030, utf-16 …); None when not given."""
    if value is None:
        return None
    try:
        name = codecs.lookup(value.strip()).name
    except LookupError:
        raise UsageProblem(
            f"invalid --encoding {shown(value)}: no such encoding; e.g. utf-8, gb18030, gbk"
        ) from None
    return "utf-8-sig" if name == "utf-8" else name


def _open(path: str) -> IO[bytes]:
    """The file of records, opened as every file xiezuo reads (rawfile.open_regular): a
    folder, a FIFO (refused at once, never waited on), a device or a socket is one line."""
    from xiezuo_cli.storage.rawfile import open_regular

    descriptor = open_regular(path, "a file of records", error=ImportFileError)
    return os.fdopen(descriptor, "rb")


def _first_undecodable(path: str, encoding: str) -> str | None:
    """Where the file stops being ``encoding`` ("line 3: byte 0xfe"), or None if it all is."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    with _open(path) as stream:
        while True:
            chunk = stream.read(CHUNK_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                data = error.object
                line = lines + data.count(b"\n", 0, error.start) + 1
                if error.start >= len(data):
                    return f"line {line}: the file ends inside a character"
                return f"line {line}: byte 0x{data[error.start]:02x}"
            if not chunk:
                return None
            lines += chunk.count(b"\n")


def _starts_with_utf8_mark(path: str) -> bool:
    with _open(path) as stream:
        return stream.read(3) == codecs.BOM_UTF8


def detect_encoding(path: str, given: str | None) -> str:
    """The encoding to read the file in: ``given`` (checked), else UTF-8, else GB18030."""
    with _open(path) as stream:
        head = stream.read(4)
    marked = head.startswith(codecs.BOM_UTF8)  # as _starts_with_utf8_mark
    if given is not None:
        if marked and given != "utf-8-sig":
            raise ImportFileError(
                path,
                f"the encodings disagree: the file starts with a UTF-8 byte order mark, but "
                f"--encoding {given} was given; save it again in one encoding",
            )
        bad = _first_undecodable(path, given)
        if bad is not None:
            raise ImportFileError(path, f"not {given} text ({bad})")
        return given
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(
            path, "UTF-16 text (as Excel's 'Unicode text' saves): give --encoding utf-16"
        )
    bad_utf8 = _first_undecodable(path, "utf-8-sig")
    if bad_utf8 is None:
        return "utf-8-sig"
    if marked:  # a UTF-8 mark on text in another encoding (GBK, say): never read as GBK
        raise ImportFileError(
            path,
            f"the encodings disagree: the file starts with a UTF-8 byte order mark but is not "
            f"UTF-8 text ({bad_utf8}; GBK, perhaps); save it again as UTF-8, or as GBK without "
            "the mark",
        )
    bad_gb = _first_undecodable(path, "gb18030")
    if bad_gb is None:
        return "gb18030"
    raise ImportFileError(
        path,
        f"neither UTF-8 nor GBK/GB18030 text (not UTF-8 at {bad_utf8}; not GB18030 at "
        f"{bad_gb}); save it as UTF-8 or give --encoding",
    )


def detect_format(path: str, given: str | None, encoding: str) -> str:
    """``given``, else the extension, else what the first characters say."""
    if given is not None:
        return given
    extension = os.path.splitext(path)[1].lower()
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    with _open(path) as binary:
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        head = text.read(4096).lstrip("\ufeff \t\r\n")
    if extension in (".md", ".markdown") or head.startswith("|"):
        raise ImportFileError(path, NOT_AN_IMPORT_FORMAT)
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        return "jsonl"
    first_line = head.split("\n", 1)[0]
    return "tsv" if "\t" in first_line else "csv"


class _Reader:
    """Streams the rows of one file: Row for each row read, Problem for each one that is not."""

    def __init__(
        self,
        path: str,
        fmt: str,
        encoding: str,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.path = path
        self.fmt = fmt
        self.encoding = encoding
        self.progress = progress
        self.size = os.path.getsize(path)
        self.columns: tuple[str, ...] = ()
        # A CSV that starts with a UTF-8 byte order mark was written with --excel (or saved by
        # Excel as "CSV UTF-8"): its formula guards are undone, so the text is what was stored.
        self.excel = fmt == "csv" and _starts_with_utf8_mark(path)

    def rows(self) -> Iterator[Row | Problem]:
        with _open(self.path) as binary:
            self.binary = binary
            text = io.TextIOWrapper(binary, encoding=self.encoding, newline="")
            try:
                if self.fmt in ("csv", "tsv"):
                    yield from self._delimited(text)
                elif self.fmt == "jsonl":
                    yield from self._json_lines(text)
                else:
                    yield from self._json_array(text)
            except UnicodeDecodeError as error:  # only with a file changed since it was checked
                raise ImportFileError(self.path, f"not {self.encoding} text: {error}") from None
        if self.progress is not None:
            self.progress(self.size, self.size)

    def _tick(self, count: int) -> None:
        if self.progress is not None and count % 1000 == 0:
            self.progress(self.binary.tell(), self.size)

    def _lines(self, text: IO[str]) -> Iterator[str]:
        return bounded_lines(self.path, text, "a file of records")

    def _empty(self) -> ImportFileError:
        return ImportFileError(self.path, "the file is empty: no header and no rows")

    # CSV and TSV

    def _delimited(self, text: IO[str]) -> Iterator[Row | Problem]:
        tsv = self.fmt == "tsv"
        # A cell may be as long as a row (a 200,000-character note): csv's own limit is 131,072.
        previous_limit = csv.field_size_limit(MAX_ROW_CHARS)
        reader = csv.reader(self._lines(text), delimiter="\t" if tsv else ",")
        header: list[str] | None = None
        start = 1
        count = 0
        try:
            for cells in reader:
                where = f"line {start}"
                start = reader.line_num + 1
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # a blank line
                if tsv:
                    cells = [tsv_unescape(cell) for cell in cells]
                if header is None:
                    header = self._header(cells, where)
                    continue
                count += 1
                self._tick(count)
                yield self._flat_row(count, where, header, cells)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    self.path,
                    f"line {start}: a cell longer than {MAX_ROW_CHARS} characters; not a file "
                    "of records",
                ) from None
            raise ImportFileError(
                self.path, f"line {start}: not {self.fmt.upper()}: {error}"
            ) from None
        finally:
            csv.field_size_limit(previous_limit)
        if header is None:
            raise self._empty()

    def _header(self, cells: list[str], where: str) -> list[str]:
        names = [cell.strip().lstrip("\ufeff") for cell in cells]
        known = (*RECORD_FIELDS, *OPTIONAL_COLUMNS)
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ImportFileError(
                    self.path, f"{where}: the column {shown(name)} is there twice"
                )
            seen.add(name)
            if name not in known:
                import difflib

                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                if not any(n in RECORD_FIELDS for n in names):
                    raise ImportFileError(
                        self.path,
                        f"{where}: no header of contract columns (first cell {name[:40]!r}); "
                        f"the first line names the columns `xiezuo export --format "
                        f"{self.fmt}` writes",
                    )
                raise ImportFileError(self.path, f"{where}: unknown column {name[:40]!r}{hint}")
        missing = [name for name in RECORD_FIELDS if name not in seen and name not in LATER_FIELDS]
        if missing:
            listed = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
            columns = "column" if len(missing) == 1 else "columns"
            raise ImportFileError(
                self.path,
                f"{where}: no {columns} {listed} ({len(missing)} of the {len(RECORD_FIELDS)} "
                f"contract columns missing; `xiezuo export --format {self.fmt}` writes them all)",
            )
        self.columns = tuple(names)
        return names

    def _flat_row(
        self, position: int, where: str, header: list[str], cells: list[str]
    ) -> Row | Problem:
        if len(cells) != len(header):
            return Problem(
                position,
                where,
                cells[0][:200] if cells and cells[0] else None,
                None,
                f"{len(cells)} cells, but the header names {len(header)} columns",
            )
        values: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=True):
            value = _typed(name, cell)
            if isinstance(value, Bad):
                return Problem(position, where, cells[0] or None, name, value.reason)
            if self.excel and isinstance(value, str):
                value = excel_unguard(value)
            values[name] = value
        return Row(position, where, values, flat=True)

    # JSON Lines and JSON

    def _json_lines(self, text: IO[str]) -> Iterator[Row | Problem]:
        count = 0
        for number, line in enumerate(self._lines(text), 1):
            if not line.strip():
                continue
            count += 1
            self._tick(count)
            where = f"line {number}"
            try:
                value = DECODER.decode(line)
            except JsonProblem as problem:
                yield Problem(count, where, None, None, str(problem))
                continue
            except (ValueError, RecursionError) as error:
                yield Problem(count, where, None, None, f"not JSON: {json_reason(error)}")
                continue
            yield self._object_row(count, where, value)
        if count == 0:
            raise self._empty()

    def _json_array(self, text: IO[str]) -> Iterator[Row | Problem]:
        items = JsonArray(self.path, text)
        for count, (index, value) in enumerate(items, 1):
            self._tick(count)
            if isinstance(value, Bad):
                yield Problem(count, f"item [{index}]", None, None, value.reason)
            else:
                yield self._object_row(count, f"item [{index}]", value)

    def _object_row(self, position: int, where: str, value: object) -> Row | Problem:
        if not isinstance(value, dict):
            return Problem(
                position, where, None, None, f"expected a record object, got {_kind(value)}"
            )
        record = value.get("id") if isinstance(value.get("id"), str) else None
        for name in value:
            if name not in RECORD_FIELDS and name not in OPTIONAL_COLUMNS:
                return Problem(position, where, record, str(name)[:60], "not a contract field")
        for name in RECORD_FIELDS:
            if name not in value and name not in LATER_FIELDS:
                return Problem(position, where, record, name, "missing")
        problem = _json_types(value)
        if problem is not None:
            return Problem(position, where, record, *problem)
        return Row(position, where, dict(value), flat=False)


class Bad(NamedTuple):
    reason: str


def tsv_unescape(cell: str) -> str:
    if "\\" not in cell:
        return cell
    return _TSV_UNESCAPE.sub(lambda match: _TSV_CHARS[match.group()], cell)


def _typed(name: str, cell: str) -> object:
    """A CSV/TSV cell as the value its field holds: empty is null."""
    if cell == "":
        return None
    if name in _INTEGER_FIELDS:
        text = cell.strip()
        if not _INTEGER.fullmatch(text):
            return Bad(f"expected a whole number, got {cell[:40]!r}")
        digits = len(text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            return Bad(f"a whole number of {digits:,} digits (the limit is {MAX_INT_DIGITS})")
        return int(text)
    if name in _NUMBER_FIELDS:
        text = cell.strip()
        if _INTEGER.fullmatch(text):
            digits = len(text.lstrip("+-"))
            if digits > MAX_INT_DIGITS:
                return Bad(f"a number of {digits:,} digits (the limit is {MAX_INT_DIGITS})")
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return Bad(f"expected a number, got {cell[:40]!r}")
        if number != number or number in (float("inf"), float("-inf")):
            return Bad(f"expected a number, got {cell[:40]!r}")
        return number
    if name in _FLAG_FIELDS:
        text = cell.strip().lower()
        if text in ("true", "false"):
            return text == "true"
        return Bad(f"expected true or false, got {cell[:40]!r}")
    return cell


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "text", bool: "true or false"}.get(
        type(value), "a number"
    )


def _json_types(value: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first field of a JSON record of the wrong type: (field, reason)."""
    for name in _INTEGER_FIELDS[:2]:
        item = value[name]
        if item is not None and (isinstance(item, bool) or not isinstance(item, int)):
            return name, f"expected a whole number or null, got {_kind(item)}"
    item = value["value"]
    if isinstance(item, bool) or not isinstance(item, int | float):
        return "value", f"expected a number, got {_kind(item)}"
    for name in _FLAG_FIELDS:
        if name in value and not isinstance(value[name], bool):
            return name, f"expected true or false, got {_kind(value[name])}"
    citations = value["citations"]
    if not isinstance(citations, list) or not citations:
        return "citations", "expected a list of {source, quote, note}, at least one"
    for index, citation in enumerate(citations):
        if not isinstance(citation, dict):
            return f"citations[{index}]", f"expected {{source, quote, note}}, got {_kind(citation)}"
    first = citations[0]
    for name in ("source", "quote"):
        if value[name] != first.get(name):
            return name, f"must be the first citation's {name} (citations[0].{name})"
    for name, item in value.items():
        typed = name in ("value", "amount_yuan", "year", *_FLAG_FIELDS, "citations")
        if not typed and item is not None and not isinstance(item, str):
            return name, f"expected text or null, got {_kind(item)}"
    return None


# Only to find where a value the strict decoder refused ends: converts nothing.
_SKIPPING = json.JSONDecoder(
    parse_int=lambda token: 0, parse_float=lambda token: 0.0, parse_constant=lambda token: 0
)


def json_reason(error: BaseException) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (column {error.colno})"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


class JsonArray:
    """The items of a JSON array, decoded one at a time from a sliding window of the text, so a
    large file is never held whole. Yields (index, value), or (index, Bad) for an item that is
    not JSON when the array itself still can be followed; anything else is an ImportFileError."""

    def __init__(self, path: str, text: IO[str]) -> None:
        self.path = path
        self.text = text
        self.buffer = ""
        self.offset = 0  # characters of the file before the buffer
        self.pos = 0
        self.eof = False
        self.line = 1  # the line self.pos is on

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(CHUNK_BYTES)
        if not chunk:
            self.eof = True
            return False
        self.line += self.buffer.count("\n", 0, self.pos)
        self.offset += self.pos
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def _skip_blanks(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def _where(self) -> str:
        return f"line {self.line + self.buffer.count(chr(10), 0, self.pos)}"

    def _fail(self, problem: str) -> ImportFileError:
        return ImportFileError(self.path, f"{self._where()}: {problem}")

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        first = self._skip_blanks()
        if first == "":
            raise ImportFileError(self.path, "the file is empty: no records")
        if first != "[":
            if first == "{":
                raise self._fail(
                    "a JSON object, not an array of records (JSON Lines? give --input-format "
                    "jsonl; a database file? export it with xiezuo export --db FILE)"
                )
            raise self._fail("not a JSON array of records (as xiezuo export writes)")
        self.pos += 1
        index = 0
        if self._skip_blanks() == "]":
            self.pos += 1
            self._end()
            return
        while True:
            if self._skip_blanks() == "":
                raise self._fail("the array is cut short: no closing ]")
            yield index, self._item()
            index += 1
            after = self._skip_blanks()
            if after == ",":
                self.pos += 1
                continue
            if after == "]":
                self.pos += 1
                self._end()
                return
            if after == "":
                raise self._fail("the array is cut short: no closing ]")
            raise self._fail(f"expected , or ] after item [{index - 1}], got {after!r}")

    def _item(self) -> Any:
        while True:
            try:
                value, end = DECODER.raw_decode(self.buffer, self.pos)
            except JsonProblem as problem:
                value, end = Bad(str(problem)), self._value_end()
            except RecursionError:
                raise self._fail("nested too deeply") from None
            except json.JSONDecodeError as error:
                short = len(self.buffer) - self.pos <= MAX_ROW_CHARS
                if short and not self.eof and self._more():
                    continue
                if len(self.buffer) - self.pos > MAX_ROW_CHARS:
                    raise self._fail(
                        f"an item longer than {MAX_ROW_CHARS} characters; not a file of records"
                    ) from None
                raise self._fail(f"not JSON: {json_reason(error)}") from None
            # A number cut by the end of the buffer would read as a shorter one: read on.
            if end >= len(self.buffer) and not self.eof and self._more():
                continue
            self.pos = end
            return value

    def _value_end(self) -> int:
        """Where a value the strict decoder refused ends, read again leniently."""
        return _SKIPPING.raw_decode(self.buffer, self.pos)[1]

    def _end(self) -> None:
        if self._skip_blanks() != "":
            raise self._fail("more after the closing ] of the array")


def read_rows(
    path: str,
    fmt: str | None = None,
    encoding: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[list[Row], list[Problem], int, str]:
    """Every row of the file, the problems of the rows that could not be read (the first
    MAX_SHOWN by position), how many rows could not be read, and the format. Raises
    ImportFileError for a file that cannot be read as records at all."""
    encoding = detect_encoding(path, encoding)
    fmt = detect_format(path, fmt, encoding)
    rows: list[Row] = []
    problems = Problems()
    for item in _Reader(path, fmt, encoding, progress).rows():
        if isinstance(item, Problem):
            problems.add(item)
        else:
            rows.append(item)
    return rows, problems.first(), problems.count, fmt


class Problems:
    """The first MAX_SHOWN problems by position, and how many there were."""

    def __init__(self) -> None:
        self.heap: list[tuple[int, int, Problem]] = []
        self.count = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        entry = (-problem.position, -self.count, problem)
        if len(self.heap) < MAX_SHOWN:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)

    def first(self) -> list[Problem]:
        return [problem for _, _, problem in sorted(self.heap, reverse=True)]


def bounded_lines(path: str, text: IO[str], kind: str) -> Iterator[str]:
    """The file's lines, each at most MAX_ROW_CHARS long (else the file is refused as not
    ``kind``), the byte order mark dropped from the first."""
    number = 0
    while True:
        line = text.readline(MAX_ROW_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_ROW_CHARS:
            raise ImportFileError(
                path, f"line {number}: longer than {MAX_ROW_CHARS} characters; not {kind}"
            )
        yield line.lstrip("\ufeff") if number == 1 else line
