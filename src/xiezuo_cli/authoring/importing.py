"""Import figures from a file into a database: the core of ``xiezuo import FILE``.

**The file.** Records with the contract fields, the columns ``xiezuo export`` writes
(``model.RECORD_FIELDS``), as CSV, TSV, a JSON array or JSON Lines; a ``figure`` column (the
figure as the article writes it, 3900万元) may be added. The format is ``--input-format``, else
the file's extension (.csv, .tsv/.tab, .json, .jsonl/.ndjson), else sniffed from the first
character (``[`` a JSON array, ``{`` JSON Lines) or the header line (a tab: TSV; else CSV).
The encoding is ``--encoding``, else UTF-8 (one byte order mark dropped) if every byte of the
file is UTF-8, else GB18030 (a superset of GBK: what Chinese Excel saves as "CSV") if every byte
is that; a file that is neither is one error naming the first byte each refused. CSV follows RFC
4180 (quoted cells may hold line breaks; CRLF or LF); TSV undoes xiezuo's escapes ``\\t``,
``\\r``, ``\\n`` and ``\\\\``. In CSV and TSV an empty cell is null, ``true``/``false`` (any
case) are the flags, and numbers are read as the export writes them.

**CSV and TSV carry one citation per row.** Their ``citations`` column is only a count and
``source``/``quote`` are the first citation's, so a row gives one citation (with no note); rows
with the same id give one citation each and make one figure. Where the ``citations`` count says
more citations than the file's rows give, the row is refused (rather than import a figure with
some of its sources silently gone): import the JSON or JSON Lines export, which carries every
citation, or give one row per citation. Re-importing a CSV export into its own database works
(its rows are identical to what is there and are skipped); into an empty database, it works for
every figure with one citation.

**All or nothing.** Every row is read and checked before anything is written, and if any row is
bad nothing is written: each bad row is one problem, with its line (CSV, TSV and JSON Lines: the
line the row starts on; a JSON array: its index, ``item [3]``), its id, the field and the reason.
Rows are streamed: the file is read in chunks once to detect its encoding and once to parse it,
a row at a time (the text is never held whole; the parsed rows are kept, since nothing is
written before every one is checked); a line or JSON value longer than ``MAX_ROW_CHARS`` stops
the import as not being a file of records; the problems kept are the first ``MAX_SHOWN`` by
position, plus a count.

**The same fact twice is one figure.** Each row, in the order of its references (a ``part_of``
whole or a ``revises`` original before the rows that name it; a cycle is refused):

- *skip*: a row identical, field by field, to a figure already in the database (by its id, or
  under another id) or to an earlier row of the file is skipped and counted. CSV and TSV rows
  compare as the CSV export shows a figure: its citation count and first source and quote.
- *merge*: a row whose figure matches one in the database by pairing, category, measure, stage,
  period and amount (value and unit), and which cites a source that figure does not, adds those
  citations to it (in the report: how it was matched, and what it adds). Several such figures
  and no id to choose: the row is refused, naming them. Rows of the file with the same id merge
  the same way; rows with different ids are different figures (an export of two equal-looking
  facts stays two figures).
- *refuse*: a row whose id names a figure of the database with another content (import adds
  figures and citations; it never changes one), an id used by two different rows, a row whose
  derived fields (kind, level, provider and receiver with their codes, year, cumulative,
  amount_yuan against value and unit) disagree with its pairing, period or figure.
- *add*: anything else, built by ``documents.record_document`` as ``xiezuo add`` builds a
  record, so an imported record has exactly the shape the build gives one. Without a ``figure``
  column the figure as written is recovered from the first quote when it holds a form of the
  number that reads back to the same value, unit and approximation (万亩, 三家, 约5004万元);
  else it is the number as the file writes it (39000000, 30人).

**What an empty database lacks** (``xiezuo init`` copies only the places):

- a *pairing* named by a row and missing is created from the row (``documents.pairing_document``):
  its id, kind, and its provider and receiver found in the place table by code (by full name
  for a place without one); ``since`` and ``source`` unknown (null), and a note saying so;
- a *source* cited by a row and missing is created as a stub: publisher ``STUB_PUBLISHER``
  (（导入：未注明）), no title, author or URL, ``published_inferred`` and ``excerpt_only`` true, and
  ``published`` the latest ``as_of`` of the figures citing it in the file: a source reports
  figures up to its own date, so that is the earliest date it can have, and for the bundled
  data it gives every source its real publication date (``known_by``), where the earliest
  ``as_of`` would date six of them years too early. A stub cited with quotes is held: its text,
  ``sources/<id>.txt`` beside the database, is the quotes the file gives (one per line), so
  every quote is verbatim in the held text; those quotes are taken as the file gives them (there
  is no article to check them against). A quote of a source the database already holds is
  checked against its text as ``xiezuo add`` checks one.

The rules across records (part_of sums, revision order, overlapping running totals) are checked
on the whole database as it would be written (``validate.build``); the first broken one is
reported on the line of the row that brought it (a database already invalid is reported as
every command reports it). A real import does all of this inside ``store.transaction``: under
the write lock, on the tables as read under it, so no other writer's change is lost; the tables
validated are exactly the ones it then writes atomically, so the transaction is asked not to
validate them a second time (on 100,000 records that second pass alone takes seconds). An
import that adds and merges nothing leaves the file untouched. Held texts of new stub sources
are written just before the database, and removed again if it cannot be written.

A figure worked out from an article's numbers carries its ``derivation`` (旺苍's 5004万元, from
the 3978万元 its quote holds): its quote need not hold the figure. ``derived`` and
``derivation`` may be missing (a file written before they existed): not derived.

**Round trips.** Every export format that is also an import format (JSON, JSON Lines, CSV, TSV,
CSV ``--excel``) imports back into a database made by ``xiezuo init`` so that ``export --format
json`` gives the same bytes, for figures with one citation in CSV and TSV (they carry one a row;
a figure with more is refused, row by row, saying so). A cell may be as long as a row
(``MAX_ROW_CHARS``; csv's own limit of 131,072 is raised while reading). CSV ``--excel`` starts
with a UTF-8 byte order mark, and a CSV that does has its formula guards undone
(``safe_text.excel_unguard``: the guard is written so that it can be, ``'=x`` becoming ``''=x``); a
CSV without the mark keeps every ``'`` as text. Markdown and tables are not import formats: a
Markdown table is refused in one line (``NOT_AN_IMPORT_FORMAT``).
"""

import codecs
import contextlib
import csv
import heapq
import io
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, NamedTuple

from xiezuo_cli.errors import DataFileError, ExitStatus, UsageProblem, XiezuoError
from xiezuo_cli.model.limits import UNSAFE_IN_NAMES, is_slug
from xiezuo_cli.model.periods import last_day
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.model.safe_text import excel_unguard, shown
from xiezuo_cli.storage.heap import collector_paused
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
OPTIONAL_COLUMNS = ("figure",)
# Markdown and tables are for people: what they escape or wrap cannot always be read back.
NOT_AN_IMPORT_FORMAT = (
    "a Markdown table is for reading, not an import format: import reads the CSV, TSV, JSON or "
    "JSON Lines that `xiezuo export` writes"
)
# Contract fields a file written before they existed lacks: derived is false, derivation null.
LATER_FIELDS = ("derived", "derivation")
# Problems kept and shown; the rest are counted.
MAX_SHOWN = 20
# A line (CSV, TSV, JSON Lines) or one JSON value of an array longer than this is not a record.
MAX_ROW_CHARS = 1 << 20
CHUNK_BYTES = 1 << 20
STUB_PUBLISHER = "（导入：未注明）"
STUB_SOURCE_NOTE = (
    "由 xiezuo import 建立的占位来源：标题、出版者、作者、网址未知；"
    "发布日期取导入文件中引用它的数字最晚的截至日期（推断）。"
)
STUB_HELD_NOTE = "存有的原文只是导入文件给出的引文，每行一句。"
STUB_PAIRING_NOTE = "由 xiezuo import 建立：结对起始时间与出处未注明。"

# How the fields of a row are typed in CSV and TSV (everything else is text, empty = null).
_INTEGER_FIELDS = ("amount_yuan", "year", "citations")
_FLAG_FIELDS = ("cumulative", "derived")
_NUMBER_FIELDS = ("value",)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_TSV_UNESCAPE = re.compile(r"\\[\\tnr]")
_TSV_CHARS = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
# The fields a figure is matched by when a row cites it again, and the fields derived from the
# pairing, the period and the figure (a row must agree with them).
FACT_FIELDS = ("pairing", "category", "measure", "stage", "period_start", "period_end", "unit")
_PAIRING_DERIVED = ("kind", "level", "provider", "provider_code", "receiver", "receiver_code")
_PERIOD_DERIVED = ("year", "cumulative")
_FIGURE_DERIVED = ("amount_yuan", "value", "unit")
_CONTENT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in ("id", "source", "quote"))
_AT_LEAST_OR_ABOUT = ("超过", "不低于", "不少于", "超", "逾", "大约", "将近", "约", "近")

ProgressCallback = Callable[[int, int], None]  # (done, total)


class ImportFileError(DataFileError):
    """The file cannot be read as records at all: one line, exit 3."""


class Problem(NamedTuple):
    """One bad row (or, with no row, the file): where, which record, which field, why."""

    position: int  # for sorting: the row's order in the file
    where: str  # "line 5", "item [3]", "" for the file as a whole
    record: str | None
    field: str | None
    reason: str

    def text(self, path: str) -> str:
        """One line: the file, where, the record and field (each cut: a row's id may be a
        megabyte), and the reason."""
        from xiezuo_cli.model.safe_text import cut, cut_path

        parts = [cut_path(path)]
        if self.where:
            parts.append(self.where)
        if self.record:
            parts.append(f"record {cut(self.record)}")
        if self.field:
            parts.append(f"field {cut(self.field)}")
        return ": ".join([*parts, self.reason])


class ImportRejected(XiezuoError):
    """Rows were refused; nothing was written (exit 3). ``problems``: the first MAX_SHOWN."""

    exit_status = ExitStatus.DATA

    def __init__(self, path: str, problems: list[Problem], count: int, dry_run: bool) -> None:
        self.path = path
        self.problems = problems
        self.count = count
        shown = f" (the first {len(problems)} shown above)" if count > len(problems) else ""
        rows = "row" if count == 1 else "rows"
        outcome = "nothing would be written" if dry_run else "nothing was written"
        super().__init__(f"{path}: {count} {rows} refused{shown}; {outcome}")


class Row(NamedTuple):
    position: int
    where: str
    values: dict[str, Any]
    flat: bool  # CSV/TSV: one citation in source/quote, citations a count


class Action(NamedTuple):
    """One line of the report: what a row does (or would do), or a pairing or source made."""

    where: str
    id: str
    action: str  # add | merge | skip | reject | pairing | source
    figure: str  # the figure merged into or skipped as a duplicate of
    match: str  # how it was matched
    field: str
    reason: str

    def as_row(self) -> dict[str, object]:
        return self._asdict()


REPORT_FIELDS = Action._fields


class Outcome(NamedTuple):
    tables: dict[str, list[dict[str, Any]]]  # the database as it would be written
    actions: list[Action]
    problems: list[Problem]  # the first MAX_SHOWN
    rejected: int
    counts: dict[str, int]  # add, merge, skip, reject, pairing, source
    texts: dict[str, str]  # held texts of new stub sources, by source id


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
        """The file's lines, each at most MAX_ROW_CHARS long (else the file is refused)."""
        number = 0
        while True:
            line = text.readline(MAX_ROW_CHARS + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_ROW_CHARS:
                raise ImportFileError(
                    self.path,
                    f"line {number}: longer than {MAX_ROW_CHARS} characters; not a file of records",
                )
            if number == 1:
                line = line.lstrip("\ufeff")
            yield line

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
                    cells = [_tsv_unescape(cell) for cell in cells]
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
            if isinstance(value, _Bad):
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
                yield Problem(count, where, None, None, f"not JSON: {_json_reason(error)}")
                continue
            yield self._object_row(count, where, value)
        if count == 0:
            raise self._empty()

    def _json_array(self, text: IO[str]) -> Iterator[Row | Problem]:
        items = _JsonArray(self.path, text)
        for count, (index, value) in enumerate(items, 1):
            self._tick(count)
            if isinstance(value, _Bad):
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


class _Bad(NamedTuple):
    reason: str


def _tsv_unescape(cell: str) -> str:
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
            return _Bad(f"expected a whole number, got {cell[:40]!r}")
        digits = len(text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            return _Bad(f"a whole number of {digits:,} digits (the limit is {MAX_INT_DIGITS})")
        return int(text)
    if name in _NUMBER_FIELDS:
        text = cell.strip()
        if _INTEGER.fullmatch(text):
            digits = len(text.lstrip("+-"))
            if digits > MAX_INT_DIGITS:
                return _Bad(f"a number of {digits:,} digits (the limit is {MAX_INT_DIGITS})")
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return _Bad(f"expected a number, got {cell[:40]!r}")
        if number != number or number in (float("inf"), float("-inf")):
            return _Bad(f"expected a number, got {cell[:40]!r}")
        return number
    if name in _FLAG_FIELDS:
        text = cell.strip().lower()
        if text in ("true", "false"):
            return text == "true"
        return _Bad(f"expected true or false, got {cell[:40]!r}")
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
        typed = name in ("value", "amount_yuan", "year", "cumulative", "derived", "citations")
        if not typed and item is not None and not isinstance(item, str):
            return name, f"expected text or null, got {_kind(item)}"
    return None


# Only to find where a value the strict decoder refused ends: converts nothing.
_SKIPPING = json.JSONDecoder(
    parse_int=lambda token: 0, parse_float=lambda token: 0.0, parse_constant=lambda token: 0
)


def _json_reason(error: BaseException) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (column {error.colno})"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


class _JsonArray:
    """The items of a JSON array, decoded one at a time from a sliding window of the text, so a
    large file is never held whole. Yields (index, value), or (index, _Bad) for an item that is
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
                value, end = _Bad(str(problem)), self._value_end()
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
                raise self._fail(f"not JSON: {_json_reason(error)}") from None
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
    problems = _Problems()
    for item in _Reader(path, fmt, encoding, progress).rows():
        if isinstance(item, Problem):
            problems.add(item)
        else:
            rows.append(item)
    return rows, problems.first(), problems.count, fmt


class _Problems:
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


# ─── planning: what each row does ─────────────────────────────────────────────────────────


def _freeze(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value


def _citations_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"source": c.get("source"), "quote": c.get("quote"), "note": c.get("note")}
        for c in document.get("citations") or ()
    ]


def _content(values: Mapping[str, Any], flat: bool) -> tuple[object, ...]:
    """A figure's contract fields but its id, as the export shows them (``flat``: as CSV does:
    a citation count and the first citation's source and quote)."""
    key: list[object] = []
    for name in _CONTENT_FIELDS:
        if name == "derived":  # never stored: what derivation gives (checked in _agree)
            key.append(values.get("derivation") is not None)
        elif name == "citations":
            if flat:
                key.append(values.get("_count"))
                key.append(values.get("_first"))
            else:
                key.append(_freeze(values.get("citations")))
        else:
            key.append(values.get(name))
    return tuple(key)


def _stored_content(document: Mapping[str, Any], flat: bool) -> tuple[object, ...]:
    citations = _citations_of(document)
    values = dict(document)
    values["citations"] = citations
    if flat:
        values["_count"] = len(citations)
        first = citations[0] if citations else {}
        values["_first"] = (first.get("source"), first.get("quote"))
    return _content(values, flat)


def _row_content(row: Row, values: Mapping[str, Any]) -> tuple[object, ...]:
    if not row.flat:
        shaped = dict(values)
        shaped["citations"] = _citations_of(values)
        return _content(shaped, False)
    shaped = dict(values)
    shaped["_count"] = values.get("citations")
    shaped["_first"] = (values.get("source"), values.get("quote"))
    return _content(shaped, True)


def _fact(values: Mapping[str, Any]) -> tuple[object, ...]:
    return (*(values.get(name) for name in FACT_FIELDS), values.get("value"))


def _row_citations(row: Row) -> list[dict[str, Any]]:
    if row.flat:
        return [{"source": row.values.get("source"), "quote": row.values.get("quote")}]
    return [dict(c) for c in row.values["citations"]]


class _Refused(Exception):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _slug(value: object) -> str | None:
    return value if isinstance(value, str) and is_slug(value) else None


class _StubSource(NamedTuple):
    published: str | None  # the latest as_of citing it
    quotes: tuple[str, ...]  # in file order, each once
    quoted_at: str | None  # where it is first quoted


class _Planner:
    """Decides what every row does against the database's tables, building the new tables."""

    def __init__(self, tables: Mapping[str, list[dict[str, Any]]], db_path: str) -> None:
        self.tables = tables
        self.db_path = db_path
        self.data_dir = os.path.dirname(os.path.realpath(db_path))
        self.places = list(tables["place"])
        self.pairings = {str(p.get("id")): p for p in tables["pairing"]}
        self.sources = {str(s.get("id")): s for s in tables["source"]}  # as authoring sees them
        self.stored = {str(r.get("id")): r for r in tables["record"]}
        self.docs: dict[str, dict[str, Any]] = dict(self.stored)
        self.parts: dict[str, list[str]] = defaultdict(list)
        self.revisers: dict[str, list[str]] = defaultdict(list)
        for doc in tables["record"]:
            if doc.get("part_of") is not None:
                self.parts[str(doc["part_of"])].append(str(doc.get("id")))
            if doc.get("revises") is not None:
                self.revisers[str(doc["revises"])].append(str(doc.get("id")))
        self.new_ids: list[str] = []
        self.changed: set[str] = set()  # stored figures that gained citations
        self.alias: dict[str, str] = {}  # a row's id -> the figure it turned out to be
        self.line_of: dict[str, Row] = {}  # figure id -> the row that last brought or changed it
        self.file_rows: dict[str, Row] = {}  # id -> the row that added it
        self.seen: dict[tuple[str, tuple[object, ...]], Row] = {}  # (id, content) -> row
        self.file_content_ids: dict[tuple[object, ...], str] = {}
        self.declared: dict[str, tuple[Row, int]] = {}  # flat rows' citation counts
        self.rejected_ids: dict[str, Row] = {}
        self.new_pairings: list[dict[str, Any]] = []
        self.failed_pairings: dict[str, tuple[Row, _Refused]] = {}
        self.stubs: dict[str, _StubSource] = {}
        self.new_sources: dict[str, dict[str, Any]] = {}  # as stored
        self.texts: dict[str, str] = {}
        self._actions: list[tuple[int, int, Action]] = []
        self.problems = _Problems()
        self.counts = dict.fromkeys(("add", "merge", "skip", "reject", "pairing", "source"), 0)
        self._content_index: dict[bool, dict[tuple[object, ...], str]] = {}
        self._fact_index: dict[tuple[object, ...], list[str]] | None = None
        self._cited_cache: dict[str, frozenset[object]] = {}

    def _act(self, row: Row, action: Action) -> None:
        self._actions.append((row.position, len(self._actions), action))

    @property
    def actions(self) -> list[Action]:
        """What each row does, in the order of the file."""
        return [action for _, _, action in sorted(self._actions)]

    # indexes of the stored figures, built on first need

    def stored_by_content(self, flat: bool) -> dict[tuple[object, ...], str]:
        if flat not in self._content_index:
            index: dict[tuple[object, ...], str] = {}
            for record_id, doc in self.stored.items():
                index.setdefault(_stored_content(doc, flat), record_id)
            self._content_index[flat] = index
        return self._content_index[flat]

    def stored_by_fact(self) -> dict[tuple[object, ...], list[str]]:
        if self._fact_index is None:
            self._fact_index = defaultdict(list)
            for record_id, doc in self.stored.items():
                self._fact_index[_fact(doc)].append(record_id)
        return self._fact_index

    # the rows

    def plan(self, rows: list[Row], progress: ProgressCallback | None = None) -> None:
        self._stub_sources(rows)
        order = self._order(rows)
        for done, row in enumerate(order, 1):
            if progress is not None and done % 1000 == 0:
                progress(done, len(order))
            try:
                self._row(row)
            except _Refused as refused:
                self._reject(row, refused.field, refused.reason)
        self._check_counts()

    def _reject(self, row: Row, field: str | None, reason: str) -> None:
        record = row.values.get("id")
        record_id = record if isinstance(record, str) else None
        if record_id is not None and record_id not in self.rejected_ids:
            self.rejected_ids[record_id] = row
        self.problems.add(Problem(row.position, row.where, record_id, field, reason))
        self.counts["reject"] += 1
        self._act(row, Action(row.where, record_id or "", "reject", "", "", field or "", reason))

    def _order(self, rows: list[Row]) -> list[Row]:
        """Rows with a whole or an original in the file after it; a cycle is refused."""
        groups: dict[str, list[Row]] = {}
        loose: list[Row] = []
        for row in rows:
            record_id = _slug(row.values.get("id"))
            if record_id is None:
                loose.append(row)
            else:
                groups.setdefault(record_id, []).append(row)
        needs: dict[str, list[str]] = {}
        for record_id, members in groups.items():
            targets = []
            for row in members:
                for field in ("part_of", "revises"):
                    target = row.values.get(field)
                    if isinstance(target, str) and target in groups and target != record_id:
                        targets.append(target)
            needs[record_id] = targets
        ordered: list[Row] = []
        state: dict[str, int] = {}  # 1: on the path, 2: done
        for start in groups:
            if state.get(start):
                continue
            path = [(start, iter(needs[start]))]
            state[start] = 1
            while path:
                node, pending = path[-1]
                target = next(pending, None)
                if target is None:
                    path.pop()
                    state[node] = 2
                    ordered.extend(groups[node])
                elif state.get(target) == 1:
                    cycle = [n for n, _ in path[[n for n, _ in path].index(target) :]]
                    shown = " → ".join([*cycle, target])
                    for member in cycle:
                        self.rejected_ids.setdefault(member, groups[member][0])
                        for row in groups[member]:
                            field = "part_of" if row.values.get("part_of") in cycle else "revises"
                            self._reject(row, field, f"part_of/revises form a cycle: {shown}")
                        state[member] = 2
                    groups_done = set(cycle)
                    path = [(n, it) for n, it in path if n not in groups_done]
                    for member in cycle:
                        groups[member] = []
                elif not state.get(target):
                    state[target] = 1
                    path.append((target, iter(needs[target])))
        return [*ordered, *loose]

    def _row(self, row: Row) -> None:
        values = row.values
        record_id = _slug(values.get("id"))
        if record_id is None:
            raise _Refused("id", f"{str(values.get('id'))[:60]!r} is not an id (an ASCII slug)")
        refused = self.rejected_ids.get(record_id)
        if refused is not None and record_id not in self.file_rows and record_id not in self.stored:
            raise _Refused("id", f"another row of {record_id} ({refused.where}) is refused")
        values = dict(values)
        for field in ("part_of", "revises"):
            target = values.get(field)
            if isinstance(target, str):
                if target in self.rejected_ids and target not in self.docs:
                    bad = self.rejected_ids[target]
                    raise _Refused(field, f"{target} ({bad.where}) is refused")
                values[field] = self.alias.get(target, target)
        content = _row_content(row, values)
        # 1. the same figure again: skip
        earlier = self.seen.get((record_id, content))
        if earlier is not None:
            self._skip(row, record_id, record_id, "id", f"the same row as {earlier.where}")
            return
        self.seen[(record_id, content)] = row
        if record_id in self.file_rows:
            self._again_in_file(row, record_id, values, content)
            return
        if record_id in self.stored:
            self._again_in_database(row, record_id, values, content)
            return
        same = self.stored_by_content(row.flat).get(content) or self.file_content_ids.get(content)
        if same is not None:
            self._skip(row, record_id, same, "content", "identical to it but for the id")
            self.alias[record_id] = same
            return
        # 2. the same fact from a new source: merge
        sources = {c.get("source") for c in _row_citations(row)}
        candidates = [
            other
            for other in self.stored_by_fact().get(_fact(values), ())
            if not sources <= self._cited(other)
        ]
        if len(candidates) > 1:
            raise _Refused(
                None,
                f"matches {len(candidates)} figures by pairing, category, measure, stage, "
                f"period and amount ({', '.join(candidates[:5])}) and cites a source they lack; "
                "give the row the id of the figure it cites again",
            )
        if candidates:
            self._merge(row, candidates[0], values, by_id=False)
            self.alias[record_id] = candidates[0]
            return
        # 3. a new figure
        self._add(row, record_id, values, content)

    def _again_in_file(
        self, row: Row, record_id: str, values: dict[str, Any], content: tuple[object, ...]
    ) -> None:
        first = self.file_rows[record_id]
        if _fact(values) == _fact(self.docs[record_id]) and self._new_citations(
            row, self.docs[record_id]
        ):
            self._merge(row, record_id, values, by_id=True)
            return
        raise _Refused("id", f"{record_id} is used by {first.where} for another figure")

    def _again_in_database(
        self, row: Row, record_id: str, values: dict[str, Any], content: tuple[object, ...]
    ) -> None:
        if _stored_content(self.stored[record_id], row.flat) == content:
            self._skip(row, record_id, record_id, "id", "already in the database")
            return
        doc = self.docs[record_id]
        if _fact(values) == _fact(doc):
            if self._new_citations(row, doc):
                self._merge(row, record_id, values, by_id=True)
                return
            differing = [
                name
                for name in _CONTENT_FIELDS
                if name not in ("citations", "derived") and values.get(name) != doc.get(name)
            ]
            shown = ", ".join(differing[:5]) or "citations"
            raise _Refused(
                None,
                f"{record_id} is in the database with other content ({shown}); import adds "
                "figures and citations, it does not change them (xiezuo edit does)",
            )
        raise _Refused(
            None,
            f"{record_id} is in the database as another figure ({_figure_text(doc)}, here "
            f"{_figure_text(values)}); give this row another id",
        )

    def _skip(self, row: Row, record_id: str, figure: str, match: str, reason: str) -> None:
        self.counts["skip"] += 1
        self._act(row, Action(row.where, record_id, "skip", figure, match, "", reason))

    def _cited(self, record_id: str) -> frozenset[object]:
        """The sources a figure cites (kept until it gains a citation)."""
        cited = self._cited_cache.get(record_id)
        if cited is None:
            citations = self.docs[record_id].get("citations") or ()
            cited = self._cited_cache[record_id] = frozenset(c.get("source") for c in citations)
        return cited

    def _new_citations(self, row: Row, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
        cited = {c.get("source") for c in doc.get("citations") or ()}
        return [c for c in _row_citations(row) if c.get("source") not in cited]

    # pairings and sources

    def _pairing(self, row: Row) -> dict[str, Any]:
        pairing_id = row.values.get("pairing")
        if not isinstance(pairing_id, str) or not pairing_id.strip():
            raise _Refused("pairing", "missing")
        if pairing_id in self.pairings:
            return self.pairings[pairing_id]
        if pairing_id in self.failed_pairings:
            first, refused = self.failed_pairings[pairing_id]
            raise _Refused(
                refused.field, f"pairing {pairing_id} cannot be made ({first.where}: {refused})"
            )
        from xiezuo_cli.authoring import documents

        values = row.values
        sides = {}
        for side in ("provider", "receiver"):
            code, name = values.get(f"{side}_code"), values.get(side)
            sides[side] = (code, f"{side}_code") if code else (name, side)
        try:
            if _slug(pairing_id) is None:
                raise documents.FieldError(
                    "id", f"{pairing_id[:60]!r} is not an id (an ASCII slug)"
                )
            document = documents.pairing_document(
                str(values.get("kind") or ""),
                str(sides["provider"][0] or ""),
                str(sides["receiver"][0] or ""),
                {**self.tables, "pairing": list(self.pairings.values())},
                id=pairing_id,
                note=STUB_PAIRING_NOTE,
            )
        except documents.FieldError as error:
            field = {"id": "pairing", "provider": sides["provider"][1]}.get(error.field)
            field = field or {"receiver": sides["receiver"][1]}.get(error.field, error.field)
            refused = _Refused(field, error.problem)
            self.failed_pairings[pairing_id] = (row, refused)
            raise refused from None
        self.pairings[pairing_id] = document
        self.new_pairings.append(document)
        self.counts["pairing"] += 1
        self._act(
            row,
            Action(
                row.where,
                pairing_id,
                "pairing",
                "",
                "",
                "",
                f"{document['kind']}: {values.get('provider')} → {values.get('receiver')}",
            ),
        )
        return document

    def _stub_sources(self, rows: list[Row]) -> None:
        """What the file says of each source the database does not have: its latest as_of and
        its quotes."""
        latest: dict[str, str | None] = {}
        quotes: dict[str, dict[str, None]] = defaultdict(dict)
        quoted_at: dict[str, str] = {}
        first_at: dict[str, str] = {}
        for row in rows:
            as_of = row.values.get("as_of")
            date = None
            if isinstance(as_of, str) and re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", as_of):
                date = last_day(as_of)
            citations = row.values.get("citations")
            if not row.flat and not isinstance(citations, list):
                continue
            for citation in _row_citations(row):
                source = _slug(citation.get("source"))
                if source is None or source in self.sources:
                    continue
                first_at.setdefault(source, row.where)
                known = latest.get(source)
                if date is not None and (known is None or date > known):
                    latest[source] = date
                else:
                    latest.setdefault(source, known)
                quote = citation.get("quote")
                if isinstance(quote, str) and quote.strip():
                    quotes[source][quote.strip()] = None
                    quoted_at.setdefault(source, row.where)
        for source in first_at:
            self.stubs[source] = _StubSource(
                latest.get(source), tuple(quotes[source]), quoted_at.get(source)
            )

    def _source(self, source_id: str, row: Row, field: str) -> None:
        """Make the stub of a source the database lacks, on its first use."""
        if source_id in self.sources:
            return
        stub = self.stubs.get(source_id)
        if stub is None:  # not seen by the first pass: a row it could not read
            raise _Refused(field, f"no source {shown(source_id)}")
        if stub.published is None:
            raise _Refused(
                "as_of",
                f"no row citing the new source {source_id} gives an as_of to date it by "
                "(its publication date is taken as the latest as_of citing it)",
            )
        from xiezuo_cli.authoring import documents

        held = bool(stub.quotes)
        note = STUB_SOURCE_NOTE + (STUB_HELD_NOTE if held else "")
        fields = {
            "id": source_id,
            "publisher": STUB_PUBLISHER,
            "published": stub.published,
            "published_inferred": True,
            "excerpt_only": True,
            "text_held": held,
            "note": note,
        }
        try:
            stored = documents.source_document(fields, {"source": []})
        except documents.FieldError as error:
            raise _Refused(field, f"cannot make source {source_id}: {error}") from None
        self.new_sources[source_id] = stored
        if held:
            self.texts[source_id] = "".join(f"{quote}\n" for quote in stub.quotes)
        # authoring sees a stub as not held: its quotes are the file's, with no text to check.
        self.sources[source_id] = {**stored, "text_held": False, "text_file": None}
        self.counts["source"] += 1
        self._act(
            row,
            Action(
                row.where,
                source_id,
                "source",
                "",
                "",
                "",
                f"stub: {STUB_PUBLISHER}, published {stub.published} (inferred)"
                + (f", {len(stub.quotes)} quotes held" if held else ""),
            ),
        )

    def _citation_input(
        self, row: Row, index: int, citation: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """A citation as authoring takes it, and the quote to put back after (a stub's)."""
        field = "source" if row.flat else f"citations[{index}].source"
        source = _slug(citation.get("source"))
        if source is None:
            raise _Refused(field, f"{str(citation.get('source'))[:60]!r} is not a source id")
        self._source(source, row, field)
        given = {k: citation[k] for k in citation if k in ("source", "quote", "note")}
        if row.flat:
            given.pop("note", None)
        quote = citation.get("quote")
        if source in self.new_sources:
            quote_field = "quote" if row.flat else f"citations[{index}].quote"
            stub = self.stubs[source]
            if quote is None or (isinstance(quote, str) and not quote.strip()):
                if stub.quotes:
                    raise _Refused(
                        quote_field,
                        f"missing: {source} is quoted at {stub.quoted_at}, so its held text is "
                        "the file's quotes and every citation of it needs its sentence",
                    )
                return given, None
            if not isinstance(quote, str):
                raise _Refused(quote_field, "expected text")
            unsafe = UNSAFE_IN_NAMES.search(quote.strip())  # what authoring refuses in a quote
            if unsafe:
                raise _Refused(
                    quote_field,
                    f"holds a control, bidi or zero-width character (U+{ord(unsafe[0]):04X})",
                )
            given["quote"] = None
            return given, quote.strip()
        return given, None

    # merging and adding

    def _view(
        self, record_id: str, values: Mapping[str, Any], pairing: Mapping[str, Any]
    ) -> dict[str, list[dict[str, Any]]]:
        """The part of the tables authoring needs for this record: its pairing, its sources,
        and the figures its part_of and revises checks look at (not the whole table: that
        would make an import of n rows cost n times the database)."""
        records: dict[str, dict[str, Any]] = {}
        sources: dict[str, dict[str, Any]] = {}

        def add(other: str | None) -> None:
            if other is not None and other in self.docs:
                records[other] = self.docs[other]

        whole = values.get("part_of")
        if isinstance(whole, str):
            for sibling in self.parts.get(whole, ()):
                add(sibling)
            seen: set[str] = set()
            current: str | None = whole
            while current is not None and current not in seen and current in self.docs:
                seen.add(current)
                add(current)
                above = self.docs[current].get("part_of")
                current = str(above) if above is not None else None
        for part in self.parts.get(record_id, ()):
            add(part)
        original = values.get("revises")
        if isinstance(original, str) and original in self.docs:
            add(original)
            for other in self.revisers.get(original, ()):
                add(other)
            for citation in self.docs[original].get("citations") or ():
                cited = self.sources.get(str(citation.get("source")))
                if cited is not None:
                    sources[str(cited["id"])] = cited
        for citation in _row_citations_values(values):
            cited = self.sources.get(str(citation.get("source")))
            if cited is not None:
                sources[str(cited["id"])] = cited
        pairings: dict[str, Any] = {str(pairing["id"]): pairing}
        for document in records.values():
            other_pairing = self.pairings.get(str(document.get("pairing")))
            if other_pairing is not None:
                pairings.setdefault(str(other_pairing["id"]), other_pairing)
        return {
            "place": self.places,
            "pairing": list(pairings.values()),
            "source": list(sources.values()),
            "record": list(records.values()),
        }

    def _merge(self, row: Row, target: str, values: dict[str, Any], *, by_id: bool) -> None:
        from xiezuo_cli.authoring import documents

        doc = self.docs[target]
        cited = {c.get("source") for c in doc.get("citations") or ()}
        added = []
        for index, citation in enumerate(_row_citations(row)):
            if citation.get("source") in cited:
                continue
            given, quote = self._citation_input(row, index, citation)
            source = self.sources.get(str(given.get("source")))
            view = {"source": [source] if source is not None else [], "place": self.places}
            try:
                built = documents.citation_document(doc, given, view, self.data_dir)
            except documents.FieldError as error:
                field = error.field if row.flat else f"citations[{index}].{error.field}"
                raise _Refused(field, error.problem) from None
            if quote is not None:
                built["quote"] = quote
            added.append(built)
        merged = {**doc, "citations": [*doc.get("citations", ()), *added]}
        self.docs[target] = merged
        self._cited_cache.pop(target, None)
        if target in self.stored:
            self.changed.add(target)
        self.line_of[target] = row
        self.counts["merge"] += 1
        match = "id" if by_id else "pairing, category, measure, stage, period, amount"
        sources = ", ".join(str(c["source"]) for c in added)
        self._act(
            row,
            Action(
                row.where,
                str(values.get("id")),
                "merge",
                target,
                match,
                "",
                f"adds the citation of {sources}",
            ),
        )

    def _add(
        self, row: Row, record_id: str, values: dict[str, Any], content: tuple[object, ...]
    ) -> None:
        from xiezuo_cli.authoring import documents

        pairing = self._pairing(row)
        citations = []
        quotes: list[str | None] = []
        for index, citation in enumerate(_row_citations(row)):
            given, quote = self._citation_input(row, index, citation)
            citations.append(given)
            quotes.append(quote)
        fields: dict[str, object] = {
            "id": record_id,
            "pairing": pairing["id"],
            "category": values.get("category"),
            "measure": values.get("measure"),
            "item": values.get("item"),
            "approx": values.get("approx"),
            "stage": values.get("stage"),
            "actor": values.get("actor"),
            "scope": values.get("scope"),
            "period_start": values.get("period_start"),
            "period_end": values.get("period_end"),
            "as_of": values.get("as_of"),
            "part_of": values.get("part_of"),
            "revises": values.get("revises"),
            "citations": citations,
            "note": values.get("note"),
            "derivation": values.get("derivation"),
        }
        amount = values.get("amount_yuan")
        if amount is not None:
            fields["amount"] = amount
        else:
            fields["value"] = values.get("value")
            fields["unit"] = values.get("unit")
        figure = values.get("figure") or _figure_in_quotes(values, row)
        if figure is not None:
            fields["figure"] = figure
        for name in ("approx", "stage", "actor", "scope"):
            if fields[name] is None:
                raise _Refused(name, "missing")
        view = self._view(record_id, values, pairing)
        try:
            document = documents.record_document(fields, view, self.data_dir)
        except documents.FieldError as error:
            raise _Refused(
                _field_name(error.field, row, amount is not None), error.problem
            ) from None
        for citation, quote in zip(document["citations"], quotes, strict=True):
            if quote is not None:
                citation["quote"] = quote
        self._agree(row, values, document, pairing)
        self.docs[record_id] = document
        self.new_ids.append(record_id)
        self.file_rows[record_id] = row
        self.file_content_ids.setdefault(content, record_id)
        self.line_of[record_id] = row
        if document.get("part_of") is not None:
            self.parts[document["part_of"]].append(record_id)
        if document.get("revises") is not None:
            self.revisers[document["revises"]].append(record_id)
        if row.flat and values.get("citations") is not None:
            self.declared.setdefault(record_id, (row, int(values["citations"])))
        self.counts["add"] += 1
        self._act(row, Action(row.where, record_id, "add", "", "", "", ""))

    def _agree(
        self,
        row: Row,
        values: Mapping[str, Any],
        document: Mapping[str, Any],
        pairing: Mapping[str, Any],
    ) -> None:
        """The row's derived fields must be what its pairing, period and figure give."""
        for name in (*_PAIRING_DERIVED, *_PERIOD_DERIVED, *_FIGURE_DERIVED, "approx"):
            given, built = values.get(name), document.get(name)
            if given == built and isinstance(given, bool) == isinstance(built, bool):
                continue
            if name in _PAIRING_DERIVED:
                because = f"pairing {pairing['id']} gives {shown(built)}"
            elif name in _PERIOD_DERIVED:
                start, end = document.get("period_start"), document.get("period_end")
                because = f"the period {start or '…'}..{end or '…'} gives {shown(built)}"
            else:
                because = f"the figure gives {shown(built)}"
            raise _Refused(name, f"the file says {shown(given)}, but {because}")
        for name in ("as_of",):
            given = values.get(name)
            if isinstance(given, str) and last_day(given) != document.get(name):
                raise _Refused(
                    name, f"the file says {shown(given)}, stored as {shown(document.get(name))}"
                )
        derived = document.get("derivation") is not None
        if values.get("derived", derived) != derived:
            raise _Refused(
                "derived",
                f"the file says {shown(values.get('derived'))}, but derivation gives {derived!r}",
            )

    def _check_counts(self) -> None:
        """A CSV/TSV row's citation count against the citations its rows gave."""
        for record_id, (row, declared) in self.declared.items():
            given = len(self.docs[record_id].get("citations") or ())
            if declared != given and record_id in self.docs:
                self.problems.add(
                    Problem(
                        row.position,
                        row.where,
                        record_id,
                        "citations",
                        f"the file says {declared} citations but its rows give {given}: CSV and "
                        "TSV carry only the first citation's source and quote; import the JSON "
                        "or JSON Lines export to keep every citation, or give one row per "
                        "citation (same id)",
                    )
                )
                self.counts["reject"] += 1
                self._act(
                    row,
                    Action(row.where, record_id, "reject", "", "", "citations", "citation count"),
                )

    # the result

    def new_tables(self) -> dict[str, list[dict[str, Any]]]:
        records = [
            self.docs[str(doc.get("id"))] if str(doc.get("id")) in self.changed else doc
            for doc in self.tables["record"]
        ]
        records += [self.docs[record_id] for record_id in self.new_ids]
        return {
            "meta": list(self.tables["meta"]),
            "place": list(self.tables["place"]),
            "pairing": [*self.tables["pairing"], *self.new_pairings],
            "source": [*self.tables["source"], *self.new_sources.values()],
            "record": records,
        }

    def validate(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """The rules across records, on the database as it would be written."""
        from xiezuo_cli.storage import validate

        try:
            validate.build(self.db_path, tables)
        except DataFileError as error:
            row = self.line_of.get(error.record or "")
            if row is None:
                # Not a figure the file brought or changed: was the database invalid already?
                # Then that is what any command would say (DataFileError, exit 3).
                validate.build(self.db_path, dict(self.tables))
                problem = f"{error.problem} (in {self.db_path} as the import would leave it)"
                self.problems.add(Problem(1 << 62, "", error.record, error.field, problem))
            else:
                self.problems.add(
                    Problem(row.position, row.where, error.record, error.field, error.problem)
                )
            self.counts["reject"] += 1


def _row_citations_values(values: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    citations = values.get("citations")
    if isinstance(citations, list):
        return [c for c in citations if isinstance(c, Mapping)]
    return [{"source": values.get("source")}]


def _field_name(field: str, row: Row, money: bool) -> str:
    """authoring's field names as the file's columns."""
    if field == "amount":
        return "amount_yuan"
    if field == "figure" and "figure" not in row.values:
        return "amount_yuan" if money else "value"
    if row.flat and field.startswith("citations["):
        return field.partition(".")[2] or "source"
    return field


def _figure_text(values: Mapping[str, Any]) -> str:
    amount = values.get("amount_yuan")
    if amount is not None:
        return f"{amount} yuan"
    return f"{values.get('value')} {values.get('unit')}"


def _figure_in_quotes(values: Mapping[str, Any], row: Row) -> str | None:
    """The figure as the article writes it, found in the row's first quote: the longest run
    ending in the unit that reads back to the same value and unit (and, by preference, the same
    approximation), not cut out of a longer number. None when there is none: the figure is then
    the number as the file writes it."""
    from xiezuo_cli.model.amounts import AmountError, parse_quantity

    quote = next(
        (c.get("quote") for c in _row_citations(row) if isinstance(c.get("quote"), str)), None
    )
    unit = values.get("unit")
    if not quote or not isinstance(unit, str) or not unit:
        return None
    amount = values.get("amount_yuan")
    value = amount if amount is not None else values.get("value")
    endings = {"元"} if amount is not None else {unit, *({"名", "人次"} if unit == "人" else ())}
    fallback = None
    for ending in sorted(endings):
        at = quote.find(ending)
        while at >= 0:
            end = at + len(ending)
            for begin in range(max(0, at - 16), at):
                text = quote[begin:end]
                if not (text[0] in _NUMERALS or text.startswith(_AT_LEAST_OR_ABOUT)):
                    continue
                before = quote[max(0, begin - 2) : begin]
                if before[-1:] in tuple(_NUMERALS) or (
                    before[-1:] in (".", ",", "，") and before[:1].isdigit()
                ):
                    continue  # inside a longer number
                try:
                    quantity = parse_quantity(text)
                except AmountError:
                    continue
                if quantity.value != value:
                    continue
                if (amount is not None) != quantity.is_money or (
                    amount is None and quantity.unit not in endings
                ):
                    continue
                if quantity.approx == values.get("approx"):
                    return text
                fallback = fallback or text
            at = quote.find(ending, at + 1)
    return fallback


_NUMERALS = "0123456789〇零一二两三四五六七八九十百千万亿"


# ─── the whole import ─────────────────────────────────────────────────────────────────────


def plan_import(
    rows: list[Row],
    tables: Mapping[str, list[dict[str, Any]]],
    db_path: str,
    *,
    progress: ProgressCallback | None = None,
) -> Outcome:
    """What importing ``rows`` into the database ``tables`` (at ``db_path``) would do."""
    planner = _Planner(tables, db_path)
    planner.plan(rows, progress)
    new_tables = planner.new_tables()
    if planner.problems.count == 0:
        planner.validate(new_tables)
    return Outcome(
        tables=new_tables,
        actions=planner.actions,
        problems=planner.problems.first(),
        rejected=planner.problems.count,
        counts=planner.counts,
        texts=planner.texts,
    )


@collector_paused()  # reading, checking and writing a whole database (heap.py)
def import_file(
    path: str,
    db_path: str,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    timeout: float = 10.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> Outcome:
    """Import the file at ``path`` into the database at ``db_path``: all rows or none.

    Raises ImportFileError for a file that is not one of records, ImportRejected (with every
    problem, the first MAX_SHOWN kept) when a row is refused; writes nothing then, nor with
    ``dry_run``. ``progress(phase, done, total)``: phase "read" (bytes) or "check" (rows).
    """
    from xiezuo_cli.storage import store

    def phase(name: str) -> ProgressCallback | None:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    if not os.path.lexists(db_path):
        raise DataFileError(db_path, "no such file (make a database with `xiezuo init PATH`)")
    store.check_database(db_path)  # before the file is read: it may be large
    rows, read_problems, unread, _fmt = read_rows(path, fmt, encoding, phase("read"))

    def decide(tables: Mapping[str, list[dict[str, Any]]]) -> Outcome:
        outcome = plan_import(rows, tables, db_path, progress=phase("check"))
        if unread:
            merged = _Problems()
            for problem in [*read_problems, *outcome.problems]:
                merged.add(problem)
            merged.count = unread + outcome.rejected
            outcome = outcome._replace(
                problems=merged.first(),
                rejected=merged.count,
                counts={**outcome.counts, "reject": outcome.counts["reject"] + unread},
                actions=[*_read_actions(read_problems), *outcome.actions],
            )
        return outcome

    if dry_run:
        return decide(store.read_tables(db_path))
    created: list[str] = []
    try:
        # check=False: plan_import has just validated exactly these tables (validate.build, as
        # the transaction would, and naming the row at fault); a second pass would double the
        # cost of a large database for nothing.
        with store.transaction(db_path, timeout=timeout, check=False) as tables:
            outcome = decide(tables)
            if outcome.rejected:
                raise ImportRejected(path, outcome.problems, outcome.rejected, dry_run=False)
            if not (outcome.counts["add"] or outcome.counts["merge"]):
                raise _Unchanged(outcome)  # leaves the file as it is: not even rewritten
            tables.update(outcome.tables)
            created = _hold_texts(db_path, outcome.texts)
    except _Unchanged as unchanged:
        return unchanged.outcome
    except BaseException:
        for made in created:  # the database does not know them: take them back
            with contextlib.suppress(OSError):
                os.unlink(made)
        raise
    return outcome


class _Unchanged(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("nothing to write")
        self.outcome = outcome


def _read_actions(problems: Iterable[Problem]) -> list[Action]:
    return [
        Action(p.where, p.record or "", "reject", "", "", p.field or "", p.reason) for p in problems
    ]


def _hold_texts(db_path: str, texts: Mapping[str, str]) -> list[str]:
    """Write the held texts of new stub sources beside the database, before the database
    itself; the paths of the files made (a file already holding the same text is kept)."""
    from xiezuo_cli.authoring import documents

    data_dir = os.path.dirname(os.path.realpath(db_path))
    created: list[str] = []
    try:
        for source_id, text in texts.items():
            # Something in the way (another text, a link) is one line naming it, exit 2, as
            # for sources add; a write the system refuses, exit 1 (held.write).
            made, new = documents.write_source_text(data_dir, source_id, text)
            if new:
                created.append(made)
    except BaseException:
        for made in created:
            with contextlib.suppress(OSError):
                os.unlink(made)
        raise
    return created
