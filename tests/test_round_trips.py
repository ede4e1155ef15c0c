"""Every export format that is an import format imports back to the same database (issue 15,
part 2, finding 9).

A 200,000-character note imported through JSON but its own ``export --csv`` and ``--format
tsv`` were refused (csv's field limit of 131,072); a CSV written with ``--excel`` kept its ``'``
formula guards when imported back, silently changing the text. The import formats are JSON,
JSON Lines, CSV, TSV and CSV ``--excel``: each, exported from a database and imported into a
new one, gives byte for byte the same ``export --format json``. Markdown (and tables) are for
reading: import refuses a Markdown table in one line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUNDLED, one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

Run = Callable[..., Result]
LONG_NOTE = "协作" * 100_000  # 200,000 characters
# Notes a spreadsheet would run, notes that look guarded already, and text CSV/TSV escape.
NOTES = [
    "=SUM(A1:A2)",
    "'=x",
    "''@y",
    "-5%",
    "+1",
    "＝全角",
    "@",
    "'",
    "'plain",
    'a\tb\\n"q"\nline',
    LONG_NOTE,
]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A database of the bundled figures, each with its first citation only (CSV and TSV carry
    one a row), hostile notes and a formula for an item; and its ``export --format json``."""
    from typer.testing import CliRunner

    from xiezuo_cli.cli.app import app

    folder = tmp_path_factory.mktemp("round-trips")
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})

    rows = json.loads(run("export", "--db", str(BUNDLED)).stdout)
    for row in rows:
        row["citations"] = row["citations"][:1]
    for row, note in zip(rows, NOTES, strict=False):
        row["note"] = note
    rows[len(NOTES)]["item"] = '=HYPERLINK("http://example.com")'
    given_rows = folder / "given.json"
    given_rows.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    db = folder / "source.json"
    assert run("init", str(db)).exit_code == 0
    result = run("import", str(given_rows), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    exported = run("export", "--db", str(db))
    assert exported.exit_code == 0
    return db, exported.stdout_bytes


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [("json", ()), ("jsonl", ()), ("csv", ()), ("tsv", ()), ("csv", ("--excel",))],
    ids=["json", "jsonl", "csv", "tsv", "csv-excel"],
)
def test_export_then_import_gives_the_same_database(
    cli: Run, tmp_path: Path, source: tuple[Path, bytes], fmt: str, extra: tuple[str, ...]
) -> None:
    db, expected = source
    exported = tmp_path / f"export.{fmt}"
    result = cli("export", "--format", fmt, *extra, "-o", str(exported), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    text = exported.read_text(encoding="utf-8")
    if extra:  # the guards are there, and the mark that says so
        assert text.startswith("\ufeff")
        assert "'=SUM(A1:A2)" in text and "''=x" in text and "'''@y" in text
    new = tmp_path / "new.json"
    assert cli("init", str(new)).exit_code == 0
    result = cli("import", str(exported), "--db", str(new))
    assert result.exit_code == 0, result.stderr[:500]
    again = cli("export", "--db", str(new))
    assert again.exit_code == 0
    assert again.stdout_bytes == expected
    notes = {row["note"] for row in json.loads(again.stdout)}
    assert set(NOTES) <= notes


def test_a_csv_without_the_mark_keeps_every_quote_mark(
    cli: Run, tmp_path: Path, source: tuple[Path, bytes]
) -> None:
    """Only a CSV that starts with the UTF-8 mark is taken as written with --excel."""
    db, _ = source
    exported = cli("export", "--csv", "--excel", "--db", str(db)).stdout
    plain = tmp_path / "plain.csv"
    plain.write_text(exported.removeprefix("\ufeff"), encoding="utf-8")
    new = tmp_path / "new.json"
    assert cli("init", str(new)).exit_code == 0
    result = cli("import", str(plain), "--db", str(new))
    assert result.exit_code == 0, result.stderr[:500]
    notes = {row["note"] for row in json.loads(cli("export", "--db", str(new)).stdout)}
    assert "'=SUM(A1:A2)" in notes and "''=x" in notes


@pytest.mark.parametrize("name", ["export.md", "export.txt"])
def test_markdown_is_not_an_import_format(
    cli: Run, tmp_path: Path, source: tuple[Path, bytes], name: str
) -> None:
    db, _ = source
    exported = tmp_path / name
    assert (
        cli("export", "--format", "markdown", "-o", str(exported), "--db", str(db)).exit_code == 0
    )
    result = cli("import", str(exported), "--dry-run", "--db", str(db))
    assert result.exit_code == 3
    assert one_error_line(result) == (
        f"xiezuo: error: {exported}: a Markdown table is for reading, not an import format: "
        "import reads the CSV, TSV, JSON or JSON Lines that `xiezuo export` writes"
    )
    result = cli("import", str(exported), "--input-format", "markdown", "--db", str(db))
    assert result.exit_code == 2


def test_a_cell_longer_than_a_row_may_be_is_one_line(cli: Run, tmp_path: Path) -> None:
    """Longer than import reads (MAX_ROW_CHARS), in lines each short enough: one line saying so."""
    from xiezuo_cli.authoring.import_reader import MAX_ROW_CHARS
    from xiezuo_cli.model.records import RECORD_FIELDS

    cell = ("一" * 1000 + "\n") * (MAX_ROW_CHARS // 1000 + 10)
    rows = tmp_path / "rows.csv"
    values = ["x"] * len(RECORD_FIELDS)
    values[RECORD_FIELDS.index("note")] = '"' + cell + '"'
    rows.write_text(",".join(RECORD_FIELDS) + "\n" + ",".join(values) + "\n", encoding="utf-8")
    db = tmp_path / "db.json"
    assert cli("init", str(db)).exit_code == 0
    result = cli("import", str(rows), "--db", str(db))
    assert result.exit_code == 3
    assert one_error_line(result) == (
        f"xiezuo: error: {rows}: line 2: a cell longer than {MAX_ROW_CHARS} characters; not a "
        "file of records"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@＝＠ \t\r\nax苍"), max_size=8) | st.text(max_size=12))
def test_the_excel_guard_is_undone_exactly(text: str) -> None:
    from xiezuo_cli.model.safe_text import excel_guard, excel_unguard

    guarded = excel_guard(text)
    assert excel_unguard(guarded) == text
    assert guarded in (text, "'" + text)
