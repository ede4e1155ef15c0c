"""Safe in every stream: control characters from the data or the user never reach a terminal or
a renderer as is (tables, CSV on a terminal, TSV, Markdown, JSON, error messages), and output
that cannot be written is one line and exit 1 (stdout closed, a full disk, an encoding that
cannot show the data), while a reader leaving the pipe stays exit 141."""

from __future__ import annotations

import csv
import errno
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, run_on_terminal
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from xiezuo_cli.cli import edge
from xiezuo_cli.errors import ExitStatus
from xiezuo_cli.model.safe_text import escape_char, escape_controls, excel_guard, has_controls
from xiezuo_cli.present.output import (
    json_text,
    markdown_cell,
    tsv_escape,
    write_json_document,
    write_rows,
)

Cli = Callable[..., Result]

TIMEOUT = 20  # seconds; each run takes well under one
MODULE = [sys.executable, "-m", "xiezuo_cli"]

# Hostile text, as a record's item and note could hold it.
CLIPBOARD = "\x1b]52;c;aGVsbG8=\x07"  # OSC 52: write "hello" to the clipboard
CLEAR = "\x1b[2J"  # clear the screen
ITEM = f"=1+1 {CLIPBOARD} {CLEAR} \u202edlrow\u202c"
SHORT_ITEM = f"=1+1 {CLIPBOARD} {CLEAR}"
NOTE = "\u202eevil\u202c \u2066x\u2069 \x85 \u2028 <b>&amp;|\r\nnext\tcol\u200bz"

C0_C1 = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
BIDI_AND_INVISIBLE = [
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    *(chr(c) for c in range(0x202A, 0x202F)),
    "\u2060",
    *(chr(c) for c in range(0x2066, 0x206A)),
    "\ufeff",
]
UNSAFE = {*C0_C1, "\u2028", "\u2029"}
UNSAFE_IN_TABLES = UNSAFE | set(BIDI_AND_INVISIBLE)
ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})")


def unescape(text: str) -> str:
    return ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


# ─── safe_text.escape_controls ────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "table", "shown"),
    [
        ("苍溪 plain [bold]x[/] \\x1b", False, "苍溪 plain [bold]x[/] \\x1b"),
        (CLIPBOARD, False, "\\x1b]52;c;aGVsbG8=\\x07"),
        (CLEAR + "a\tb\r\nc\x00", False, "\\x1b[2Ja\\x09b\\x0d\\x0ac\\x00"),
        ("\x7f\x80\x85\x9f\xa0", False, "\\x7f\\x80\\x85\\x9f\xa0"),
        ("a\u2028b\u2029c", False, "a\\u2028b\\u2029c"),
        ("\u202eevil\u202c", False, "\u202eevil\u202c"),
        ("\u202eevil\u202c", True, "\\u202eevil\\u202c"),
        ("\u2066\u2067\u2068\u2069", True, "\\u2066\\u2067\\u2068\\u2069"),
        ("\u200e\u200f\u061c", True, "\\u200e\\u200f\\u061c"),
        ("a\u200bb\u200cc\u200dd\u2060e\ufefff", True, "a\\u200bb\\u200cc\\u200dd\\u2060e\\ufefff"),
        ("全角\u3000空格", True, "全角\u3000空格"),
        (CLEAR + "\u202e", True, "\\x1b[2J\\u202e"),
    ],
)
def test_escape_controls(text: str, table: bool, shown: str) -> None:
    assert escape_controls(text, table=table) == shown


def test_escape_controls_keeps_what_a_format_handles() -> None:
    assert escape_controls("a\nb\tc\x1b", keep="\n") == "a\nb\\x09c\\x1b"
    assert escape_controls("a\nb\tc\u202e", table=True, keep="\t\n") == "a\nb\tc\\u202e"


def test_escape_char() -> None:
    assert [escape_char(c) for c in "\x00\x1b\x7f\x9f\u2028\ufeff"] == [
        "\\x00",
        "\\x1b",
        "\\x7f",
        "\\x9f",
        "\\u2028",
        "\\ufeff",
    ]


@pytest.mark.parametrize("char", [*C0_C1, "\u2028", "\u2029"])
def test_every_control_is_escaped(char: str) -> None:
    assert escape_controls(char) == escape_char(char)
    assert escape_controls(char, table=True) == escape_char(char)
    assert has_controls(char)


@pytest.mark.parametrize("char", BIDI_AND_INVISIBLE)
def test_every_bidi_and_zero_width_character_is_escaped_in_tables(char: str) -> None:
    assert escape_controls(char, table=True) == escape_char(char)
    assert escape_controls(char) == char
    assert has_controls(char, table=True) and not has_controls(char)


PROPERTY = settings(max_examples=300, derandomize=True, deadline=None)
# Text that mixes the dangerous characters with ordinary ones, Chinese included.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(sorted(UNSAFE_IN_TABLES)),
        st.characters(),
        st.sampled_from("苍溪余杭\\|<>&=+-@\u3000"),
    )
)


@PROPERTY
@given(TEXT, st.booleans())
def test_no_unsafe_character_remains(text: str, table: bool) -> None:
    shown = escape_controls(text, table=table)
    assert not set(shown) & (UNSAFE_IN_TABLES if table else UNSAFE)
    assert not has_controls(shown, table=table)
    assert escape_controls(shown, table=table) == shown  # escaping twice changes nothing


@PROPERTY
@given(TEXT, st.booleans())
def test_escapes_read_back(text: str, table: bool) -> None:
    """Without backslashes in the data, every escape reads back to the character it shows."""
    text = text.replace("\\", "")
    assert unescape(escape_controls(text, table=table)) == text


@PROPERTY
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_printable_text_is_unchanged(text: str) -> None:
    assert escape_controls(text) == text
    assert escape_controls(text, table=True) == text


@PROPERTY
@given(TEXT)
def test_kept_characters_stay(text: str) -> None:
    shown = escape_controls(text, keep="\n")
    assert shown.count("\n") == text.count("\n")
    assert not (set(shown) - {"\n"}) & UNSAFE


# ─── output.py: each format ───────────────────────────────────────────────────────────────

ROWS: list[dict[str, object]] = [
    {"id": "a", "item": SHORT_ITEM, "note": 'say "hi", then\r\nleave', "n": -5},
    {"id": "b", "item": "tab\there\\", "note": None, "n": 1.5},
]
FIELDS = ("id", "item", "note", "n")


def written(fmt: str, stream: io.StringIO | None = None, **options: bool) -> str:
    stream = stream if stream is not None else io.StringIO(newline="")
    write_rows(ROWS, FIELDS, fmt, stream, **options)
    return stream.getvalue()


def test_csv_into_a_file_or_pipe_is_exact() -> None:
    assert written("csv") == (
        f'id,item,note,n\r\na,{SHORT_ITEM},"say ""hi"", then\r\nleave",-5\r\nb,tab\there\\,,1.5\r\n'
    )


def test_csv_on_a_terminal_escapes_control_characters() -> None:
    assert written("csv", Terminal(newline="")) == (
        "id,item,note,n\r\n"
        'a,=1+1 \\x1b]52;c;aGVsbG8=\\x07 \\x1b[2J,"say ""hi"", then\\x0d\nleave",-5\r\n'
        "b,tab\\x09here\\,,1.5\r\n"
    )


def test_excel_csv_on_a_terminal_is_guarded_and_escaped() -> None:
    out = written("csv", Terminal(newline=""), excel=True, headers=False)
    assert out.startswith("\ufeffa,'=1+1 \\x1b]52;")
    assert ",-5\r\n" in out and ",1.5\r\n" in out


def test_tsv_has_one_record_per_line() -> None:
    assert written("tsv") == (
        "id\titem\tnote\tn\n"
        f'a\t{SHORT_ITEM}\t"say ""hi"", then\\r\\nleave"\t-5\n'
        "b\ttab\\there\\\\\t\t1.5\n"
    )


def test_tsv_on_a_terminal_escapes_the_rest() -> None:
    lines = written("tsv", Terminal(newline=""), headers=False).split("\n")
    assert (
        lines[0] == 'a\t=1+1 \\x1b]52;c;aGVsbG8=\\x07 \\x1b[2J\t"say ""hi"", then\\r\\nleave"\t-5'
    )


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("a\tb", "a\\tb"),
        ("a\r\nb\nc\rd", "a\\r\\nb\\nc\\rd"),
        ("C:\\new", "C:\\\\new"),
        ("\\t", "\\\\t"),
        ("苍溪", "苍溪"),
    ],
)
def test_tsv_escape(text: str, cell: str) -> None:
    assert tsv_escape(text) == cell


@PROPERTY
@given(TEXT)
def test_tsv_cells_round_trip(text: str) -> None:
    cell = tsv_escape(text)
    assert not set(cell) & set("\t\r\n")
    back = re.sub(r"\\(.)", lambda m: {"t": "\t", "r": "\r", "n": "\n"}.get(m[1], m[1]), cell)
    assert back == text


def test_markdown_escapes_html_pipes_breaks_and_controls() -> None:
    assert markdown_cell("<b>a&b</b>|x\r\ny\nz\rw" + CLEAR + "\u202e") == (
        "&lt;b&gt;a&amp;b&lt;/b&gt;\\|x<br>y<br>z<br>w\\x1b[2J\\u202e"
    )
    assert markdown_cell(None) == "" and markdown_cell(-5) == "-5" and markdown_cell(True) == "true"


def test_write_markdown() -> None:
    assert written("markdown").splitlines() == [
        "| id | item | note | n |",
        "| --- | --- | --- | --- |",
        '| a | =1+1 \\x1b]52;c;aGVsbG8=\\x07 \\x1b[2J | say "hi", then<br>leave | -5 |',
        "| b | tab\\x09here\\\\ |  | 1.5 |",
    ]


@PROPERTY
@given(TEXT)
def test_markdown_cells_stay_in_their_cell(text: str) -> None:
    cell = markdown_cell(text)
    assert not set(cell) & UNSAFE_IN_TABLES
    assert "<" not in cell.replace("<br>", "") and ">" not in cell.replace("<br>", "")
    assert re.search(r"(?<!\\)(\\\\)*\|", cell) is None  # every | is escaped


def test_json_escapes_c1_and_line_separators() -> None:
    value = {"t": "\x1b\x7f\x85\x9f\u2028\u2029苍\u202e"}
    assert json_text(value) == '{"t": "\\u001b\\u007f\\u0085\\u009f\\u2028\\u2029苍\u202e"}'
    assert json.loads(json_text(value)) == value


def test_write_json_and_jsonl() -> None:
    rows = json.loads(written("json"))
    assert rows[0]["item"] == SHORT_ITEM
    assert not set(written("json")) & UNSAFE - {"\n"}
    lines = written("jsonl").split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == rows
    assert not set(written("jsonl")) & UNSAFE - {"\n"}


def test_write_json_document() -> None:
    stream = io.StringIO()
    write_json_document({"pairing": {"id": "x\u2028"}, "records": []}, stream)
    assert stream.getvalue() == (
        '{\n  "pairing": {\n    "id": "x\\u2028"\n  },\n  "records": []\n}\n'
    )


@PROPERTY
@given(st.recursive(st.none() | st.booleans() | st.integers() | TEXT, st.lists, max_leaves=8))
def test_json_round_trips_with_no_raw_control(value: Any) -> None:
    text = json_text({"v": value}, indent=2)
    assert json.loads(text) == {"v": value}
    assert not set(text) & UNSAFE - {"\n"}


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("  =1+1", "'  =1+1"),
        ("\t =1", "'\t =1"),
        ("\u3000＝1", "'\u3000＝1"),
        ("\r\n@x", "'\r\n@x"),
        ("\tA1", "'\tA1"),
        ("  text", "  text"),
        ("a=1", "a=1"),
        ("苍溪", "苍溪"),
        ("", ""),
    ],
)
def test_excel_guard(text: str, guarded: str) -> None:
    assert excel_guard(text) == guarded


def test_excel_never_touches_numbers() -> None:
    stream = io.StringIO(newline="")
    rows = [{"n": -5, "f": -1.5, "t": " -5"}]
    write_rows(rows, ("n", "f", "t"), "csv", stream, excel=True, headers=False)
    assert stream.getvalue() == "\ufeff-5,-1.5,' -5\r\n"


# ─── the error edge ───────────────────────────────────────────────────────────────────────


def test_error_messages_are_escaped_and_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        edge.fail(f"unknown pairing {CLEAR}x\nb\u202ec\u200b\x85", ExitStatus.USAGE)
    assert stop.value.code == ExitStatus.USAGE
    assert capsys.readouterr().err == (
        "xiezuo: error: unknown pairing \\x1b[2Jx\\x0ab\\u202ec\\u200b\\x85\n"
    )


def _raise(error: BaseException) -> Callable[[], None]:
    def run() -> None:
        raise error

    return run


def guarded(run: Callable[[], object], capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    with pytest.raises(SystemExit) as stop:
        edge.guard(run)
    return stop.value.code, capsys.readouterr().err


def test_a_full_disk_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    error = OSError(errno.ENOSPC, "No space left on device")
    assert guarded(_raise(error), capsys) == (
        ExitStatus.ERROR,
        "xiezuo: error: cannot write the output: No space left on device\n",
    )


def test_an_oserror_naming_a_file_is_not_an_output_failure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XIEZUO_DEBUG", raising=False)
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", "x.json")
    assert guarded(_raise(error), capsys) == (
        ExitStatus.ERROR,
        "xiezuo: error: unexpected FileNotFoundError: [Errno 2] No such file or directory: "
        "'x.json'\n",
    )


def test_an_encoding_without_the_data_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    code, err = None, ""
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", ascii_out)
        with pytest.raises(SystemExit) as stop:
            edge.guard(lambda: sys.stdout.write("ok,苍溪\n"))
        code = stop.value.code
    err = capsys.readouterr().err
    assert code == ExitStatus.ERROR
    assert err == (
        "xiezuo: error: cannot write the output: its encoding ascii has no U+82CD; "
        "use a UTF-8 locale or PYTHONIOENCODING=utf-8\n"
    )


def test_other_encoding_errors_are_unexpected(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XIEZUO_DEBUG", raising=False)
    code, err = guarded(lambda: "苍".encode("latin-1"), capsys)
    assert code == ExitStatus.ERROR
    assert err.startswith("xiezuo: error: unexpected UnicodeEncodeError: 'latin-1' codec")


@pytest.mark.parametrize(
    ("value", "on"),
    [
        (None, False),
        ("", False),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        (" Yes ", True),
    ],
)
def test_xiezuo_debug_values(value: str | None, on: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv("XIEZUO_DEBUG", raising=False)
    else:
        monkeypatch.setenv("XIEZUO_DEBUG", value)
    assert edge.debug() is on


@pytest.mark.parametrize("value", ["0", ""])
def test_xiezuo_debug_0_hides_the_traceback(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XIEZUO_DEBUG", value)
    code, err = guarded(_raise(RuntimeError("disk on fire")), capsys)
    assert (code, err) == (
        ExitStatus.ERROR,
        "xiezuo: error: unexpected RuntimeError: disk on fire\n",
    )


def test_xiezuo_debug_1_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIEZUO_DEBUG", "yes")
    with pytest.raises(RuntimeError, match="disk on fire"):
        edge.guard(_raise(RuntimeError("disk on fire")))


# ─── real processes ───────────────────────────────────────────────────────────────────────


def environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("_XIEZUO_COMPLETE", "XIEZUO_", "COMP_", "_TYPER_", "PYTHONIO"))
        and key not in ("COLUMNS", "LINES", "NO_COLOR", "TERM")
    }
    env.update({"XIEZUO_DB": str(BUNDLED), "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"})
    env.update(extra)
    return env


def run(
    args: Sequence[str], *, stdout: Any = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*MODULE, *args],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment(**env),
        timeout=TIMEOUT,
        check=False,
    )


def one_line(stderr: bytes) -> str:
    """Exactly one line on stderr, the xiezuo error line, no traceback or Python noise."""
    text = stderr.decode("utf-8", "replace")
    assert text.endswith("\n"), text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("xiezuo: error: "), text
    for noise in ("Traceback", "Exception ignored", "Broken pipe"):
        assert noise not in text
    return text.rstrip("\n")


@functools.cache
def _load_problem(db: str) -> str | None:
    done = run(["validate", "--db", db])
    return None if done.returncode == 0 else done.stderr.decode("utf-8", "replace").strip()


def needs_loadable(db: Path) -> None:
    problem = _load_problem(str(db))
    if problem is not None:
        pytest.skip(
            f"the database does not load while the data model is being rewritten: {problem}"
        )


BASH = shutil.which("bash")


@pytest.mark.skipif(BASH is None, reason="no bash")
@pytest.mark.parametrize(
    "args",
    [["pairs"], ["--help"], ["funds", "--help"], ["--version"], ["list", "--csv"]],
    ids=" ".join,
)
@pytest.mark.parametrize("fastpath", [True, False], ids=["fast", "typer"])
def test_stdout_closed_is_one_line_and_exit_1(args: list[str], fastpath: bool) -> None:
    env = {} if fastpath else {"XIEZUO_NO_FASTPATH": "1"}
    done = subprocess.run(
        [str(BASH), "-c", '"$@" >&-', "bash", *MODULE, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment(**env),
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == ExitStatus.ERROR
    assert one_line(done.stderr) == "xiezuo: error: cannot write the output: stdout is closed"


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full")
@pytest.mark.parametrize(
    ("args", "needs_data"),
    [
        (["--help"], False),
        (["--version"], False),
        (["export"], True),  # long: fails while writing
        (["pairs", "--csv"], True),  # short: fails at the final flush, where Python says 120
        (["list", "--format", "table"], True),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
@pytest.mark.parametrize("fastpath", [True, False], ids=["fast", "typer"])
def test_a_full_disk_is_one_line_and_exit_1_not_120(
    args: list[str], needs_data: bool, fastpath: bool
) -> None:
    if needs_data:
        needs_loadable(BUNDLED)
    env = {} if fastpath else {"XIEZUO_NO_FASTPATH": "1"}
    with FULL.open("wb") as full:
        done = run(args, stdout=full, **env)
    assert done.returncode == ExitStatus.ERROR
    assert (
        one_line(done.stderr) == "xiezuo: error: cannot write the output: No space left on device"
    )


@pytest.mark.parametrize(
    "args", [["list"], ["export"], ["list", "--format", "table"]], ids=" ".join
)
def test_an_ascii_stdout_is_one_clear_line_and_exit_1(args: list[str]) -> None:
    needs_loadable(BUNDLED)
    done = run(args, PYTHONIOENCODING="ascii")
    assert done.returncode == ExitStatus.ERROR
    line = one_line(done.stderr)
    assert re.fullmatch(
        r"xiezuo: error: cannot write the output: its encoding ascii has no U\+[0-9A-F]{4,}; "
        r"use a UTF-8 locale or PYTHONIOENCODING=utf-8",
        line,
    ), line


@pytest.mark.parametrize("encoding", ["ascii", "ascii:strict"])
def test_an_error_naming_chinese_on_an_ascii_stderr(tmp_path: Path, encoding: str) -> None:
    missing = tmp_path / "苍溪.json"
    done = run(["list", "--db", str(missing)], PYTHONIOENCODING=encoding)
    assert done.returncode == ExitStatus.DATA
    line = one_line(done.stderr)
    assert "\\u82cd\\u6eaa.json" in line  # 苍溪, as ASCII escapes


def test_an_error_naming_a_hostile_path_is_escaped(tmp_path: Path) -> None:
    missing = tmp_path / f"x{CLEAR}\u202e\nb.json"
    done = run(["list", "--db", str(missing)])
    assert done.returncode == ExitStatus.DATA
    line = one_line(done.stderr)
    assert "\x1b" not in line and "\u202e" not in line
    assert "x\\x1b[2J" in line


def test_a_reader_leaving_is_still_exit_141() -> None:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = run(["--help"], stdout=writer)
    finally:
        os.close(writer)
    assert done.returncode == ExitStatus.BROKEN_PIPE
    assert done.stderr == b""


# ─── hostile data, end to end ─────────────────────────────────────────────────────────────


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """The bundled database with the first record's item and note made hostile.

    Only those two string values change, whatever the rest of the schema looks like.
    """
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    records = data.get("record")
    if not isinstance(records, dict) or not records:
        pytest.skip("the database has no record table in the current schema")
    first = next(iter(records.values()))
    if not all(isinstance(first.get(field), str | None) for field in ("item", "note")):
        pytest.skip("the first record has no item/note text in the current schema")
    first["item"], first["note"] = ITEM, NOTE
    target = tmp_path / "hostile.json"
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    needs_loadable(target)
    return target


def machine_output(db: Path, fmt: str, *extra: str) -> bytes:
    done = run(["list", "--format", fmt, *extra, "--db", str(db)])
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    return done.stdout


def test_hostile_data_in_csv_into_a_pipe_is_exact(hostile_db: Path) -> None:
    out = machine_output(hostile_db, "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert any(ITEM in row and NOTE in row for row in rows)
    excel = machine_output(hostile_db, "csv", "--excel").decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(excel, newline="")))
    assert any("'" + ITEM in row and NOTE in row for row in rows)


def test_hostile_data_in_tsv_is_one_record_per_line(hostile_db: Path) -> None:
    out = machine_output(hostile_db, "tsv").decode("utf-8")
    records = json.loads(machine_output(hostile_db, "json"))
    lines = out.split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == len(records) + 1
    assert len({line.count("\t") for line in lines[:-1]}) == 1
    assert any(tsv_escape(NOTE) in line.split("\t") for line in lines)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_hostile_data_in_json_is_exact_with_no_raw_control(hostile_db: Path, fmt: str) -> None:
    text = machine_output(hostile_db, fmt).decode("utf-8")
    assert not set(text) & UNSAFE - {"\n"}
    records = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert any(r.get("item") == ITEM and r.get("note") == NOTE for r in records)


def test_hostile_data_in_markdown(hostile_db: Path) -> None:
    text = machine_output(hostile_db, "markdown").decode("utf-8")
    assert not set(text) & UNSAFE_IN_TABLES - {"\n"}
    assert "<b>" not in text
    assert markdown_cell(ITEM) in text and markdown_cell(NOTE) in text
    assert "\\x1b]52;c;aGVsbG8=\\x07" in text and "&lt;b&gt;&amp;amp;\\|<br>next" in text


def test_hostile_data_in_a_table_has_no_escape_codes(hostile_db: Path) -> None:
    text = machine_output(hostile_db, "table").decode("utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\x85" not in text
    assert "\\x1b]52;c;aGVsbG8=\\x07" in text


def test_hostile_data_in_a_table_has_no_bidi_or_zero_width(hostile_db: Path) -> None:
    text = machine_output(hostile_db, "table").decode("utf-8")
    assert not set(text) & UNSAFE_IN_TABLES - {"\n"}


def run_in_terminal(args: Sequence[str]) -> tuple[bytes, int, bytes]:
    """stdout on a pseudo-terminal in raw mode: (what it showed, status, stderr)."""
    return run_on_terminal([*MODULE, *args], environment(), timeout=TIMEOUT)


def test_hostile_data_in_csv_on_a_terminal_is_escaped(hostile_db: Path) -> None:
    shown, status, stderr = run_in_terminal(["list", "--csv", "--db", str(hostile_db)])
    assert (status, stderr) == (0, b"")
    text = shown.decode("utf-8")
    assert not set(text) & UNSAFE - {"\r", "\n"}
    assert escape_controls(ITEM) in text
