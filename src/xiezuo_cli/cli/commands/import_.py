"""``xiezuo import FILE``: figures from a CSV, TSV, JSON or JSON Lines file; all rows or none.

The core (reading the file, deciding what each row does, writing) is authoring.importing; this
module declares the command and runs it: progress on a terminal, the report out
(present.import_report), each refused row on stderr.

Output. Rows refused: each is one line on stderr, ``xiezuo: error: FILE: line 5: record ID:
field F: reason`` (the first ``import_types.MAX_SHOWN``), then one line with the count and that
nothing was written; exit 3. ``--dry-run`` prints the report of what would happen (on a terminal
a table of counts and one of the rows that merge, are skipped or refused, and the pairings and
sources that would be made; CSV in a pipe; ``-f``/``--csv``/``--json`` as every command) and
writes nothing; it also exits 3 when a row would be refused. A real import prints one line
saying what it did, or with ``-f``/``--csv``/``--json`` the report of every row. A progress
bar (Rich, on stderr) shows on a terminal for a file of ``present.progress.PROGRESS_BYTES`` or
more, never in a pipe.

``--format`` is the report's format, as for every command (``-f`` is its short form); the
format of the file read is ``--input-format`` (by default the file's extension, else sniffed).
"""

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from xiezuo_cli.cli.groups import TIMEOUT, Database, database_path, output_group
from xiezuo_cli.cli.spec import Arg, Command, Group, Opt
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.present.options import OutputOptions

if TYPE_CHECKING:
    from xiezuo_cli.authoring.import_types import Problem

INPUT_FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx")  # = import_reader's, kept light here


class ImportParams(NamedTuple):
    file: str | None
    input_format: str | None
    encoding: str | None
    sheet: str | None
    template: bool
    dry_run: bool
    timeout: float
    output: OutputOptions
    database: Database  # path None: the bundled data (only read, with --dry-run)

    @property
    def inputs(self) -> tuple[str, ...]:
        """What the command reads besides the database: -o may not name it."""
        return () if self.file is None else (self.file,)


def check(params: ImportParams) -> None:
    from xiezuo_cli.storage import dataset

    if params.template:
        if params.file is not None:
            raise UsageProblem("--template writes the empty sheet: give no FILE")
        if params.output.format not in ("csv", "xlsx"):
            raise UsageProblem("--template is a CSV sheet or an .xlsx workbook: --format csv|xlsx")
        return
    if params.file is None:
        raise UsageProblem("FILE is required (or --template for the empty sheet)")
    if params.output.format == "xlsx":
        raise UsageProblem("--format xlsx is for --template; a report is table, csv, json …")
    path = params.database.path
    if not params.dry_run and (path is None or dataset.is_bundled(path)):
        raise UsageProblem(
            "import writes a database: give --db PATH or set XIEZUO_DB (`xiezuo init PATH` "
            "makes an empty one); the data bundled with xiezuo is never written"
        )


def template(params: ImportParams) -> None:
    """The empty sheet: CSV to stdout (or -o FILE), or an .xlsx workbook to -o FILE."""
    from xiezuo_cli.authoring.sheets import template as sheet_template

    if params.output.format == "csv":
        sheet_template.write_template_csv(sys.stdout)
        return
    if params.output.path is None:  # -o -: stdout is a pipe or a file (checked at the edge)
        sheet_template.write_template_xlsx(sys.stdout.buffer)
        return
    from xiezuo_cli.storage.files import atomic_path

    with atomic_path(params.output.path, suffix=".tmp") as temporary, open(temporary, "wb") as f:
        sheet_template.write_template_xlsx(f)


def import_file(params: ImportParams) -> Exception | None:
    if params.template:
        template(params)
        return None
    assert params.file is not None  # check() made sure
    from xiezuo_cli.authoring import import_types, importing
    from xiezuo_cli.present import import_report
    from xiezuo_cli.present.progress import for_file
    from xiezuo_cli.storage import dataset

    db = params.database.path or dataset.bundled_path()
    with for_file(params.file, {"read": "读取", "check": "检查"}) as progress:
        try:
            outcome = importing.import_file(
                params.file,
                db,
                fmt=params.input_format,
                encoding=params.encoding,
                dry_run=params.dry_run,
                timeout=params.timeout,
                progress=progress,
                sheet=params.sheet,
            )
        except import_types.ImportRejected as rejected:
            _problems_out(rejected.path, rejected.problems)
            raise
    if params.dry_run or params.output.chosen:
        import_report.report(params.file, outcome, params.output)
    else:
        summary = import_report.summary(params.file, params.database.path, outcome, done=True)
        sys.stdout.write(summary + "\n")
    if outcome.rejected:
        _problems_out(params.file, outcome.problems)
        # after the report, which is written (to -o FILE too) before the command fails
        return import_types.ImportRejected(
            params.file, outcome.problems, outcome.rejected, dry_run=True
        )
    return None


def _problems_out(path: str, problems: "Sequence[Problem]") -> None:
    """Each refused row, one line on stderr, as the error edge writes its one line."""
    from xiezuo_cli.cli.edge import error_line

    stream = sys.stderr
    if stream is None:
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    for problem in problems:
        line = error_line(problem.text(path))
        try:
            stream.write(line.encode(encoding, "backslashreplace").decode(encoding))
        except (LookupError, UnicodeError):
            stream.write(line.encode("ascii", "backslashreplace").decode("ascii"))
    stream.flush()


def _input_format(text: str, option: str) -> str:
    from xiezuo_cli.authoring.import_reader import check_input_format

    return str(check_input_format(text))


def _encoding(text: str, option: str) -> str:
    from xiezuo_cli.authoring.import_reader import check_encoding

    return str(check_encoding(text))


def _file(text: str | None, _: str) -> str | None:
    if text is None:
        return None
    if not text.strip():
        raise UsageProblem("FILE is empty: give the file to import")
    return text


def _database(*, db: str | None) -> Database:
    return Database(database_path(db))


DATABASE = Group(
    "database",
    (
        Opt(
            "db",
            ("--db",),
            "Database file to add to (`xiezuo init PATH` makes an empty one). Default: "
            "$XIEZUO_DB. The data bundled with xiezuo is never written (--dry-run may read it).",
            metavar="PATH",
        ),
    ),
    _database,
)

COMMAND = Command(
    "import",
    "Add figures from a person's sheet (the columns of --template, English or Chinese "
    "headers) or a file with the columns `xiezuo export` writes; CSV, TSV, JSON, JSON Lines or "
    ".xlsx. Every row is checked before anything is written, and one bad row writes nothing; "
    "a figure already there is skipped, the same figure from a new source becomes a citation.",
    (
        "xiezuo import 表格.xlsx --db my.json --dry-run",
        "xiezuo import --template --format xlsx -o 表格.xlsx",
        "xiezuo import records.json --db my.json",
        "xiezuo import 表格.csv --db my.json --dry-run",
        "xiezuo import export.csv --db my.json --encoding gb18030",
        "xiezuo import rows.txt --input-format jsonl --db my.json --dry-run --json",
    ),
    (
        Arg(
            "file",
            "The sheet or file of records: CSV, TSV, JSON (an array), JSON Lines (UTF-8 or "
            "GBK) or .xlsx.",
            "FILE",
            type=_file,
            optional=True,
        ),
        Opt(
            "input_format",
            ("--input-format",),
            "The file's format: "
            + ", ".join(INPUT_FORMATS)
            + ". Default: from its extension (.csv, .tsv, .json, .jsonl, .xlsx), else from its "
            "first characters.",
            metavar="FORMAT",
            complete=INPUT_FORMATS,
            type=_input_format,
        ),
        Opt(
            "encoding",
            ("--encoding",),
            "The file's encoding. Default: UTF-8 (with or without a BOM) if it is, else "
            "GB18030 (GBK, as Chinese Excel saves CSV).",
            metavar="ENCODING",
            complete=("utf-8", "gb18030", "gbk"),
            type=_encoding,
        ),
        Opt(
            "sheet",
            ("--sheet",),
            "The sheet of an .xlsx workbook to read. Default: the one that starts with a "
            "header row.",
            metavar="NAME",
        ),
        Opt(
            "template",
            ("--template",),
            "Write the empty sheet instead, both header rows (English, Chinese): CSV to "
            "stdout or -o FILE, or --format xlsx -o FILE (each column explained).",
            kind="flag",
        ),
        Opt(
            "dry_run",
            ("--dry-run",),
            "Write nothing: report what would be added, merged, skipped and refused.",
            kind="flag",
        ),
        TIMEOUT,
        output_group(
            unit=False,
            xlsx=True,
            format_help="The report's format (what --dry-run would do, or what the import "
            "did): table, csv, tsv, json, jsonl, markdown. Default: table on a terminal, "
            "csv in a pipe; a real import prints one line unless a format is given. The "
            "file's own format is --input-format.",
        ),
        DATABASE,
    ),
    ImportParams,
    import_file,
    check,
)
