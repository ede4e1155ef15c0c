"""Import figures from a file into a database: the core of ``xiezuo import FILE``. This module
is the whole import (plan it, then write it in one transaction); the file is read by
import_reader, each row's action decided by import_planner (with import_values), and the values
exchanged are in import_types.

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

**A person's sheet.** Every file is first read by ``sheets.read_sheet``, which tells a person's
sheet (the columns of ``xiezuo import --template``, English or Chinese headers, .xlsx too) from
the export's columns by its header. A sheet's rows go through ``import_sheet.sheet_rows`` (places,
pairing, id, defaults) into the same planner, which then decides for them as below, but with no
derived field to agree with, a ``same_as`` row citing that figure, and a row already there (same
id, fact and sources) skipped. A JSON file that is no sheet at all goes to the export's reader,
which says record by record what is wrong.

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

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from xiezuo_cli.authoring.import_planner import Planner
from xiezuo_cli.authoring.import_reader import (
    Problems,
    detect_encoding,
    detect_format,
    read_rows,
)
from xiezuo_cli.authoring.import_types import (
    Action,
    ImportRejected,
    Outcome,
    Problem,
    ProgressCallback,
    Row,
)
from xiezuo_cli.errors import DataFileError
from xiezuo_cli.storage.heap import collector_paused

if TYPE_CHECKING:
    from xiezuo_cli.authoring.sheets import SheetRow

# ─── the whole import ─────────────────────────────────────────────────────────────────────


def plan_import(
    rows: list[Row],
    tables: Mapping[str, list[dict[str, Any]]],
    db_path: str,
    *,
    progress: ProgressCallback | None = None,
) -> Outcome:
    """What importing ``rows`` into the database ``tables`` (at ``db_path``) would do."""
    planner = Planner(tables, db_path)
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
    sheet: str | None = None,
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
    from xiezuo_cli.authoring.import_types import ImportFileError
    from xiezuo_cli.authoring.sheets import read_sheet

    try:
        read = read_sheet(path, input_format=fmt, encoding=encoding, sheet=sheet)
    except ImportFileError:
        # JSON that is no sheet at all (not even one record to take columns from): the
        # export's reader says, value by value, what is wrong with each
        if detect_format(path, fmt, detect_encoding(path, encoding)) not in ("json", "jsonl"):
            raise
        read = None
    sheet_rows: Sequence[SheetRow] = ()
    rows: list[Row] = []
    read_problems: list[Problem]
    if read is None:
        rows, read_problems, unread, _fmt = read_rows(path, fmt, encoding, phase("read"))
    elif read.shape == "sheet":
        sheet_rows = read.rows
        read_problems = list(read.problems)
        unread = read.problem_count
    elif read.format == "xlsx":
        from xiezuo_cli.authoring.import_types import ImportFileError

        raise ImportFileError(
            path,
            "an .xlsx workbook in the export's columns is not read yet: import the export as "
            "CSV or JSON, or the sheet in a person's columns (xiezuo import --template)",
        )
    else:
        rows, read_problems, unread, _fmt = read_rows(
            path, read.format, read.encoding, phase("read")
        )

    def decide(tables: Mapping[str, list[dict[str, Any]]]) -> Outcome:
        nonlocal unread, read_problems
        planned = rows
        if read is not None and read.shape == "sheet":
            from xiezuo_cli.authoring.import_sheet import sheet_rows as converted

            planned, problems = converted(sheet_rows, tables)
            read_problems = [*read_problems, *problems]
            unread += len(problems)
        outcome = plan_import(planned, tables, db_path, progress=phase("check"))
        if read is not None and read.shape == "sheet":
            from xiezuo_cli.authoring.import_sheet import as_sheet_problems

            said = as_sheet_problems(outcome.problems, planned)
            outcome = outcome._replace(problems=said)
        if unread:
            merged = Problems()
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
    from xiezuo_cli.authoring.texts import write_source_text

    data_dir = os.path.dirname(os.path.realpath(db_path))
    created: list[str] = []
    try:
        for source_id, text in texts.items():
            # Something in the way (another text, a link) is one line naming it, exit 2, as
            # for sources add; a write the system refuses, exit 1 (held.write).
            made, new = write_source_text(data_dir, source_id, text)
            if new:
                created.append(made)
    except BaseException:
        for made in created:
            with contextlib.suppress(OSError):
                os.unlink(made)
        raise
    return created
