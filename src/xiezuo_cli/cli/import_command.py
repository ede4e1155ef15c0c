"""``xiezuo import FILE``: its declaration, its typed parameters and what it prints.

The core (reading the file, deciding what each row does, writing) is importing.py; this module
is the edge: options in, progress on a terminal, the report out, each refused row on stderr.
Only the declaration is loaded at start-up (options.py lists it among the commands); everything
else is imported when the command runs.

Output. Rows refused: each is one line on stderr, ``xiezuo: error: FILE: line 5: record ID:
field F: reason`` (the first ``importing.MAX_SHOWN``), then one line with the count and that
nothing was written; exit 3. ``--dry-run`` prints the report of what would happen (on a terminal
a table of counts and one of the rows that merge, are skipped or refused, and the pairings and
sources that would be made; CSV in a pipe; ``-f``/``--csv``/``--json`` as every command) and
writes nothing; it also exits 3 when a row would be refused. A real import prints one line
saying what it did, or with ``-f``/``--csv``/``--json`` the report of every row. A progress
bar (Rich, on stderr) shows on a terminal for a file of ``PROGRESS_BYTES`` or more, never in a
pipe.

``--format`` is the report's format, as for every command (``-f`` is its short form); the
format of the file read is ``--input-format`` (by default the file's extension, else sniffed).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from xiezuo_cli.cli.spec import OUTPUT, Arg, CommandSpec, Opt
from xiezuo_cli.model.safe_text import shown

if TYPE_CHECKING:
    from xiezuo_cli.authoring.importing import Action, Outcome
    from xiezuo_cli.present.options import OutputOptions

INPUT_FORMATS = ("csv", "tsv", "json", "jsonl")  # = importing.INPUT_FORMATS, kept light here
DEFAULT_TIMEOUT = 10.0  # = store.DEFAULT_TIMEOUT
PROGRESS_BYTES = 1 << 20
# Rows of the detail table on a terminal; -f csv lists every row.
TABLE_ROWS = 50


@functools.cache
def spec() -> CommandSpec:
    """The declaration options.py adds to its COMMANDS (``COMMANDS += (spec(),)``)."""

    return CommandSpec(
        "import",
        "Add figures from a CSV, TSV, JSON or JSON Lines file with the columns `xiezuo export` "
        "writes: every row is checked before anything is written, and one bad row writes nothing; "
        "a figure already there is skipped, the same figure from a new source becomes a citation.",
        (
            "xiezuo import records.json --db my.json",
            "xiezuo import 表格.csv --db my.json --dry-run",
            "xiezuo import export.csv --db my.json --encoding gb18030",
            "xiezuo import rows.txt --input-format jsonl --db my.json --dry-run --json",
        ),
        (
            Opt(
                "input_format",
                ("--input-format",),
                "The file's format: "
                + ", ".join(INPUT_FORMATS)
                + ". Default: from its extension (.csv, .tsv, .json, .jsonl), else from its first "
                "characters.",
                metavar="FORMAT",
                complete=INPUT_FORMATS,
            ),
            Opt(
                "encoding",
                ("--encoding",),
                "The file's encoding. Default: UTF-8 (with or without a BOM) if it is, else "
                "GB18030 (GBK, as Chinese Excel saves CSV).",
                metavar="ENCODING",
                complete=("utf-8", "gb18030", "gbk"),
            ),
            Opt(
                "dry_run",
                ("--dry-run",),
                "Write nothing: report what would be added, merged, skipped and refused.",
                kind="flag",
            ),
            Opt(
                "timeout",
                ("--timeout",),
                f"Seconds to wait for another writer's lock (default {DEFAULT_TIMEOUT:g}).",
                metavar="SECONDS",
            ),
            *(
                opt._replace(
                    help="The report's format (what --dry-run would do, or what the import "
                    "did): table, csv, tsv, json, jsonl, markdown. Default: table on a terminal, "
                    "csv in a pipe; a real import prints one line unless a format is given. The "
                    "file's own format is --input-format."
                )
                if opt.name == "format"
                else opt
                for opt in OUTPUT
                if opt.name != "unit"
            ),
            Opt(
                "db",
                ("--db",),
                "Database file to add to (`xiezuo init PATH` makes an empty one). Default: "
                "$XIEZUO_DB. The data bundled with xiezuo is never written (--dry-run may read "
                "it).",
                metavar="PATH",
            ),
        ),
        (
            Arg(
                "file",
                "The file of records: CSV, TSV, JSON (an array) or JSON Lines, UTF-8 or GBK.",
                "FILE",
            ),
        ),
    )


class ImportParams(NamedTuple):
    file: str
    db: str | None  # None: the bundled data (only with --dry-run)
    input_format: str | None
    encoding: str | None
    dry_run: bool
    timeout: float
    output: OutputOptions
    report: bool  # a report format was asked for (-f, --csv, --json)


def parse(raw: Mapping[str, object]) -> ImportParams:
    """The typed parameters of one command line; UsageProblem (exit 2) with one line."""
    from xiezuo_cli.authoring import importing
    from xiezuo_cli.cli.given import flag, one, parse_db, parse_output
    from xiezuo_cli.errors import UsageProblem

    file = str(raw.get("file") or "")
    if not file.strip():
        raise UsageProblem("FILE is empty: give the file to import")
    timeout_text = one(raw, "timeout", "--timeout")
    timeout = DEFAULT_TIMEOUT
    if timeout_text is not None:
        try:
            timeout = float(timeout_text.strip())
        except ValueError:
            timeout = -1.0
        if not 0 <= timeout <= 86400:
            raise UsageProblem(f"invalid --timeout {shown(timeout_text)}: give seconds, 0 or more")
    dry_run = flag(raw, "dry_run")
    db = parse_db(raw)
    if db is not None:
        from xiezuo_cli.storage import dataset

        if dataset.is_bundled(db) and not dry_run:
            db = None
    if db is None and not dry_run:
        raise UsageProblem(
            "import writes a database: give --db PATH or set XIEZUO_DB (`xiezuo init PATH` "
            "makes an empty one); the data bundled with xiezuo is never written"
        )
    return ImportParams(
        file=file,
        db=db,
        input_format=importing.check_input_format(one(raw, "input_format", "--input-format")),
        encoding=importing.check_encoding(one(raw, "encoding", "--encoding")),
        dry_run=dry_run,
        timeout=timeout,
        output=parse_output(raw, "import"),
        report=bool(one(raw, "format", "--format") or flag(raw, "csv") or flag(raw, "json")),
    )


def run(params: ImportParams) -> None:
    from xiezuo_cli.authoring import importing
    from xiezuo_cli.storage import dataset

    db = params.db if params.db is not None else dataset.bundled_path()
    if params.output.path is not None:  # before anything is read: where it may not write
        from xiezuo_cli.storage import destination

        destination.check(params.output.path, database=db, inputs=(params.file,))
    with _Progress(params.file) as progress:
        try:
            outcome = importing.import_file(
                params.file,
                db,
                fmt=params.input_format,
                encoding=params.encoding,
                dry_run=params.dry_run,
                timeout=params.timeout,
                progress=progress,
            )
        except importing.ImportRejected as rejected:
            _problems_out(rejected.path, rejected.problems)
            raise
    if params.dry_run or params.report:
        _destination_write(params, outcome)
    else:
        _write_stdout(params, _summary(params, outcome, done=True) + "\n")
    if outcome.rejected:
        _problems_out(params.file, outcome.problems)
        raise importing.ImportRejected(
            params.file, outcome.problems, outcome.rejected, dry_run=True
        )


def _problems_out(path: str, problems: list) -> None:
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


COUNT_WORDS = (
    ("add", "added", "新增"),
    ("merge", "merged (new citations)", "合并（新增引用）"),
    ("skip", "skipped (already there)", "跳过（已有）"),
    ("reject", "refused", "拒绝"),
    ("pairing", "pairing(s) made", "新建结对"),
    ("source", "source(s) made (stubs)", "新建来源（占位）"),
)

ACTION_NAMES = {
    "add": "新增",
    "merge": "合并引用",
    "skip": "跳过",
    "reject": "拒绝",
    "pairing": "新建结对",
    "source": "新建来源",
}
MATCH_NAMES = {
    "id": "编号相同",
    "content": "内容相同",
    "pairing, category, measure, stage, period, amount": "结对、类别、口径、阶段、期间、数值相同",
}


def _summary(params: ImportParams, outcome: Outcome, *, done: bool) -> str:
    counts = ", ".join(
        f"{outcome.counts[key]} {_plural(words, outcome.counts[key])}"
        for key, words, _ in COUNT_WORDS
        if outcome.counts[key]
    )
    if done:
        return f"imported {params.file} into {params.db}: {counts or 'nothing to do'}"
    outcome_text = (
        "nothing would be written" if outcome.rejected else "nothing was written (--dry-run)"
    )
    return f"{params.file}: {counts or 'no rows'}; {outcome_text}"


def _plural(words: str, count: int) -> str:
    return words.replace("(s)", "" if count == 1 else "s")


def _destination_write(params: ImportParams, outcome: Outcome) -> None:
    if params.output.path is None:
        _report(params, outcome)
        return
    from xiezuo_cli.storage.files import atomic_text_file

    with atomic_text_file(params.output.path) as stream:
        saved, sys.stdout = sys.stdout, stream
        try:
            _report(params, outcome)
        finally:
            sys.stdout = saved


def _write_stdout(params: ImportParams, text: str) -> None:
    if params.output.path is None:
        sys.stdout.write(text)
        return
    from xiezuo_cli.storage.files import atomic_text_file

    with atomic_text_file(params.output.path) as stream:
        stream.write(text)


def _report(params: ImportParams, outcome: Outcome) -> None:
    from xiezuo_cli.authoring.importing import REPORT_FIELDS

    output = params.output
    rows = [action.as_row() for action in outcome.actions]
    if not output.is_table:
        from xiezuo_cli.present.output import write_rows

        write_rows(
            rows,
            REPORT_FIELDS,
            output.format,
            sys.stdout,
            headers=output.headers,
            excel=output.excel,
        )
        return
    from xiezuo_cli.present import pager, render

    counts = [
        {"结果": chinese, "行数": str(outcome.counts[key])}
        for key, _, chinese in COUNT_WORDS
        if outcome.counts[key] or key in ("add", "merge", "skip", "reject")
    ]
    details = [_table_row(a) for a in outcome.actions if a.action != "add"]
    with pager.paging(output.pager):
        render.plain_table(counts, ("结果", "行数"), output)
        if details:
            shown = details[:TABLE_ROWS]
            render.plain_table(shown, tuple(shown[0]), output)
            if len(details) > len(shown):
                sys.stdout.write(
                    f"另有 {len(details) - len(shown)} 行未列出；-f csv 列出每一行。\n"
                )
        sys.stdout.write(_summary(params, outcome, done=False) + "\n")


def _table_row(action: Action) -> dict[str, object]:
    """A row of the detail table: where, id, what, and one column saying why or how."""
    parts = []
    match = MATCH_NAMES.get(action.match, action.match)
    if action.figure and action.figure != action.id:
        into = "并入" if action.action == "merge" else "同"
        parts.append(f"{into} {action.figure}（{match}）" if match else f"{into} {action.figure}")
    elif match:
        parts.append(match)
    if action.field:
        parts.append(f"字段 {action.field}")
    if action.reason:
        parts.append(action.reason)
    return {
        "位置": action.where,
        "编号": action.id,
        "结果": ACTION_NAMES.get(action.action, action.action),
        "说明": "：".join(parts),
    }


class _Progress:
    """A progress bar on stderr while reading and checking a large file on a terminal (drawn by
    render.py); nothing in a pipe or for a small file. Yields the callback
    importing.import_file takes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.bar: Any = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        import os

        from xiezuo_cli.present.terminal import is_terminal

        try:
            size = os.path.getsize(self.path)
        except OSError:
            return None
        if not is_terminal(sys.stderr) or size < PROGRESS_BYTES:
            return None
        from xiezuo_cli.present.progress import PhaseProgress

        self.bar = PhaseProgress().__enter__()
        return self.update

    def update(self, phase: str, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update("读取" if phase == "read" else "检查", done, total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
