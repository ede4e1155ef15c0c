"""Held texts stay inside the database's sources/ folder (issue 15, part 2, finding 2).

A database whose source said ``text_file: "sources/../my.json"`` passed validate; ``remove``
then deleted that file and ``add --source`` read it. validate now refuses every text_file that
is not a plain name in sources/, and reads, writes and removals never follow a link out of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ENV, YUHANG_CANGXI, new_database, one_error_line
from typer.testing import Result

Run = Callable[..., Result]
ARTICLE = "余杭区投入专项资金3900万元。另有9万元捐款。"


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    held = ("sources", "add", "--id", "art", "--publisher", "p", "--published", "2021",
            "--text", str(article))  # fmt: skip
    return new_database(cli, tmp_path / "my.json", YUHANG_CANGXI, held)


def with_source(db: Path, text_file: str) -> None:
    """The database, changed by hand: one more held source, ``evil``, naming ``text_file``."""
    data = json.loads(db.read_text(encoding="utf-8"))
    source = dict(data["source"]["1"], id="evil", text_file=text_file)
    data["source"]["2"] = source
    db.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def victim(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    path = outside / "victim.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


ADD = ("add", "--pair", "苍溪", "--category", "财政援助", "--measure", "协作资金", "--item", "x",
       "--amount", "9万元", "--source", "evil")  # fmt: skip


@pytest.mark.parametrize(
    "text_file",
    [
        "sources/../my.json",
        "../outside/victim.txt",
        "/etc/passwd",
        "sources/",
        "sources/.hidden",
        "sources/a/b.txt",
        "sources/..",
        "sources\\..\\my.json",
        "sources/a\nb.txt",
        "sources/" + "x" * 300,
    ],
)
def test_validate_refuses_a_text_file_outside_sources(
    cli: Run, db: Path, tmp_path: Path, text_file: str
) -> None:
    with_source(db, text_file)
    result = cli("validate", "--db", str(db))
    assert result.exit_code == 3
    line = one_error_line(result)
    assert line.startswith(f"xiezuo: error: {db}: source evil: field text_file: "), line


def test_a_plain_name_in_sources_is_valid(cli: Run, db: Path) -> None:
    with_source(db, "sources/另一篇-2021.txt")
    assert cli("validate", "--db", str(db)).exit_code == 0


@pytest.mark.parametrize("text_file", ["sources/../outside/victim.txt", "../outside/victim.txt"])
def test_a_crafted_text_file_is_never_read_nor_removed(
    cli: Run, db: Path, tmp_path: Path, text_file: str
) -> None:
    """Writes read the tables before validating them: the crafted path must not reach a read
    (add) or a removal (remove, whose result is a valid database and is written)."""
    target = victim(tmp_path)
    with_source(db, text_file)
    result = cli(*ADD, "--db", str(db))
    assert result.exit_code == 3
    assert "text_file" in one_error_line(result)
    result = cli("remove", "evil", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == ARTICLE


def test_a_link_in_sources_is_not_followed(cli: Run, db: Path, tmp_path: Path) -> None:
    target = victim(tmp_path)
    (tmp_path / "sources" / "evil.txt").symlink_to(target)
    with_source(db, "sources/evil.txt")
    before = db.read_bytes()
    result = cli(*ADD, "--db", str(db))
    assert result.exit_code == 3
    assert one_error_line(result) == (
        f"xiezuo: error: {tmp_path / 'sources' / 'evil.txt'}: is a symbolic link (to {target}), "
        "not a held text"
    )
    assert db.read_bytes() == before
    result = cli("remove", "evil", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert not os.path.lexists(tmp_path / "sources" / "evil.txt")  # the link itself
    assert target.read_text(encoding="utf-8") == ARTICLE


def test_a_fifo_in_sources_is_refused_at_once(db: Path, tmp_path: Path) -> None:
    """A real process with a timeout: a FIFO opened for reading would wait for a writer."""
    os.mkfifo(tmp_path / "sources" / "evil.txt")
    with_source(db, "sources/evil.txt")
    result = subprocess.run(
        [sys.executable, "-m", "xiezuo_cli", *ADD, "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        timeout=30,
    )
    assert result.returncode == 3
    assert result.stderr.endswith("evil.txt: is a named pipe (FIFO), not a held text\n")
    assert result.stderr.count("\n") == 1


def test_sources_as_a_link_to_another_folder(cli: Run, db: Path, tmp_path: Path) -> None:
    """The sources/ folder itself a link: nothing is read, written or removed through it."""
    target = victim(tmp_path)
    (tmp_path / "sources" / "art.txt").unlink()
    (tmp_path / "sources").rmdir()
    (tmp_path / "sources").symlink_to(target.parent)
    with_source(db, "sources/victim.txt")
    result = cli(*ADD, "--db", str(db))
    assert result.exit_code == 3
    assert "sources is a symbolic link" in one_error_line(result)
    article = tmp_path / "new.txt"
    article.write_text("另一篇。", encoding="utf-8")
    result = cli("sources", "add", "--id", "new", "--publisher", "p", "--published", "2021",
                 "--text", str(article), "--db", str(db))  # fmt: skip
    assert result.exit_code == 2
    assert "sources is a symbolic link" in one_error_line(result)
    assert sorted(os.listdir(target.parent)) == ["victim.txt"]
    result = cli("remove", "evil", "--db", str(db))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == ARTICLE


def test_import_never_writes_a_stub_text_through_a_link(cli: Run, tmp_path: Path) -> None:
    """Import holds the quotes of a new stub source as its text: a link where that text would
    go is refused in one line, and the texts it had already made are taken back."""
    from conftest import BUNDLED

    rows = json.loads(cli("export", "--db", str(BUNDLED)).stdout)
    held = ("yuhang-cangxi-2021-11-17", "xiaoshan-2022-02-10")
    chosen = []
    for source in held:
        row = next(r for r in rows if r["source"] == source and not r["part_of"])
        row["citations"] = row["citations"][:1]
        chosen.append(row)
    given = tmp_path / "rows.json"
    given.write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "new.json"
    assert cli("init", str(db)).exit_code == 0
    (tmp_path / "sources").mkdir()
    link = tmp_path / "sources" / f"{held[1]}.txt"
    link.symlink_to(tmp_path / "elsewhere.txt")
    before = db.read_bytes()
    result = cli("import", str(given), "--db", str(db))
    assert result.exit_code == 2, result.stderr
    assert one_error_line(result).startswith(f"xiezuo: error: {link} is a symbolic link")
    assert db.read_bytes() == before
    assert sorted(os.listdir(tmp_path / "sources")) == [link.name]
    assert not (tmp_path / "elsewhere.txt").exists()
    link.unlink()
    result = cli("import", str(given), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert sorted(os.listdir(tmp_path / "sources")) == sorted(f"{s}.txt" for s in held)
