"""Messages a person can read (issue 15, part 2, finding 8).

A 1 MB id in an import row was echoed whole (one stderr line of 1,000,150 bytes); a full disk
during ``sources add --text`` said "cannot write the output" without naming the file; a CSV with
a UTF-8 byte order mark and a GBK body said ``unknown column '锘縤d'``; a dangling
``sources/s4.txt`` link was reported as "holds another text". Every echoed value is cut, and the
error edge cuts any line that is still too long; each of the others says what it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import YUHANG_CANGXI, new_database, one_error_line
from test_writes import tmpfs
from typer.testing import Result

Run = Callable[..., Result]
MEGA = "x" * 2**20
LONGEST = 2200  # safe_text.MESSAGE_CHARS, "xiezuo: error: " and the note of what was cut


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    source = ("sources", "add", "--id", "art", "--publisher", "p", "--published", "2021")
    record = ("add", "--pair", "苍溪", "--category", "财政援助", "--measure", "协作资金",
              "--item", "专项", "--amount", "3900万元", "--source", "art")  # fmt: skip
    return new_database(cli, tmp_path / "my.json", YUHANG_CANGXI, source, record)


def short_lines(result: Result) -> list[str]:
    lines = result.stderr.splitlines()
    assert lines, "no message"
    assert all(len(line) <= LONGEST for line in lines), max(len(line) for line in lines)
    assert all(line.startswith("xiezuo: error: ") for line in lines)
    return lines


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_a_megabyte_id_in_an_import_row_is_cut(
    cli: Run, db: Path, tmp_path: Path, fmt: str
) -> None:
    exported = cli("export", "--format", fmt, "--db", str(db)).stdout
    rows = tmp_path / f"rows.{fmt}"
    long_id = "r-" + "1" * 100_000  # long, but within what CSV reads in one cell
    rows.write_text(exported.replace("r-1", long_id), encoding="utf-8")
    result = cli("import", str(rows), "--dry-run", "--db", str(db))
    assert result.exit_code == 3
    lines = short_lines(result)
    assert len(lines) == 2
    assert f"record {long_id[:60]}…" in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ("show", MEGA),
        ("list", "--pair", MEGA),
        ("list", "--in", MEGA),
        ("list", "--category", MEGA),
        ("list", "--sort", MEGA),
        ("filter", f"item has {MEGA}", "category", "eq", MEGA),
        ("cite", MEGA),
        ("list", "--" + MEGA),
        ("funds", "--by", MEGA),
        ("list", "--year", MEGA),
        ("list", "--since", MEGA),
    ],
    ids=lambda args: " ".join(a[:12] for a in args),
)
def test_no_error_line_echoes_a_megabyte(cli: Run, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert len(short_lines(result)) == 1


def test_a_full_disk_while_holding_a_text_names_the_file(cli: Run, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "256k") as folder:
        db = folder / "my.json"
        assert cli("init", str(db)).exit_code == 0
        article = tmp_path / "article.txt"
        article.write_text("余杭区投入3900万元。" * 20_000, encoding="utf-8")  # ~520 KB
        before = db.read_bytes()
        result = cli("sources", "add", "--id", "big", "--publisher", "p", "--published", "2021",
                     "--text", str(article), "--db", str(db))  # fmt: skip
        assert result.exit_code == 1
        assert one_error_line(result) == (
            f"xiezuo: error: cannot write {folder / 'sources' / 'big.txt'}: No space left on "
            "device; nothing was written"
        )
        assert db.read_bytes() == before
        assert os.listdir(folder / "sources") == []


def test_a_utf8_mark_on_a_gbk_body_says_the_encodings_disagree(
    cli: Run, db: Path, tmp_path: Path
) -> None:
    exported = cli("export", "--csv", "--db", str(db)).stdout
    rows = tmp_path / "rows.csv"
    rows.write_bytes(b"\xef\xbb\xbf" + exported.encode("gbk"))
    result = cli("import", str(rows), "--dry-run", "--db", str(db))
    assert result.exit_code == 3
    line = one_error_line(result)
    assert line.startswith(
        f"xiezuo: error: {rows}: the encodings disagree: the file starts with a UTF-8 byte order "
        "mark but is not UTF-8 text (line 2: byte 0x"
    ), line
    result = cli("import", str(rows), "--dry-run", "--encoding", "gbk", "--db", str(db))
    assert result.exit_code == 3
    assert "the encodings disagree" in one_error_line(result)
    # Without the mark, GBK is read as before; with it and a UTF-8 body, UTF-8.
    rows.write_bytes(exported.encode("gbk"))
    assert cli("import", str(rows), "--dry-run", "--db", str(db)).exit_code == 0
    rows.write_bytes(b"\xef\xbb\xbf" + exported.encode("utf-8"))
    assert cli("import", str(rows), "--dry-run", "--db", str(db)).exit_code == 0


def test_a_dangling_link_where_a_text_would_go_is_called_a_link(
    cli: Run, db: Path, tmp_path: Path
) -> None:
    (tmp_path / "sources").mkdir()
    link = tmp_path / "sources" / "s4.txt"
    link.symlink_to(tmp_path / "elsewhere.txt")
    article = tmp_path / "article.txt"
    article.write_text("余杭区投入3900万元。", encoding="utf-8")
    before = db.read_bytes()
    result = cli("sources", "add", "--id", "s4", "--publisher", "p", "--published", "2021",
                 "--text", str(article), "--db", str(db))  # fmt: skip
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"xiezuo: error: {link} is a symbolic link (to {tmp_path / 'elsewhere.txt'}); held texts "
        "are plain files: remove it first"
    )
    assert db.read_bytes() == before
    assert not (tmp_path / "elsewhere.txt").exists()


def test_the_report_keeps_the_whole_id(cli: Run, db: Path, tmp_path: Path) -> None:
    """Cutting is for messages; the machine report of a dry run keeps every value whole."""
    exported = json.loads(cli("export", "--db", str(db)).stdout)
    exported[0]["id"] = "r-" + "2" * 5000
    exported[0]["category"] = "不是类别"
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    result = cli("import", str(rows), "--dry-run", "--json", "--db", str(db))
    assert result.exit_code == 3
    assert json.loads(result.stdout)[0]["id"] == exported[0]["id"]
