"""Where -o FILE writes (issue 15, part 2, findings 1 and 3).

-o never lands on the database, its lock, its held texts or xiezuo's cache, under any name (a
relative path, a symbolic link, a hard link); -o - and -o /dev/stdout are standard output, for
SQLite too; -o LINK replaces the file the link points to, beside it, and never the link; a
device, a directory, a FIFO or a link to nowhere is one line, exit 2. The same -o against every
command and every kind of path is in test_hostile_paths.py.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, ENV, YUHANG_CANGXI, new_database, one_error_line
from typer.testing import Result

from xiezuo_cli.cli import groups, registry
from xiezuo_cli.cli.spec import bind_part
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.storage import dataset

Run = Callable[..., Result]
SQLITE_MAGIC = b"SQLite format 3\x00"


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    return new_database(cli, tmp_path / "my.json", YUHANG_CANGXI)


def files_in(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a link as its target, a file as its bytes."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "<" + ("dir" if path.is_dir() else "special") + ">"
    return found


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--format", "sqlite"),
        ("export", "--csv"),
        ("export",),
        ("list", "--csv"),
        ("validate",),
    ],
)
def test_output_onto_the_database_is_refused(
    cli: Run, db: Path, args: tuple[str, ...], monkeypatch
) -> None:
    """Finding 1: `export --format sqlite -o my.json --db my.json` turned the database into a
    SQLite file. By its name, relatively, through a link or a hard link: refused, exit 2."""
    folder = db.parent
    (folder / "link.json").symlink_to("my.json")
    os.link(db, folder / "hard.json")
    (folder / "sub").mkdir()
    monkeypatch.chdir(folder / "sub")
    before = files_in(folder)
    for target in ("../my.json", str(db), "../link.json", "../hard.json", "../.my.json.lock"):
        result = cli(*args, "-o", target, "--db", "../my.json")
        assert result.exit_code == 2, (target, result.stdout)
        line = one_error_line(result)
        assert line.startswith(f"xiezuo: error: --output {target} is "), line
        assert line.endswith("refusing to write over it; nothing was written"), line
        assert files_in(folder) == before
    assert cli("validate", "--db", str(db)).exit_code == 0


def test_output_into_held_texts_or_the_cache_is_refused(cli: Run, db: Path, tmp_path: Path) -> None:
    text = tmp_path / "article.txt"
    text.write_text("余杭区投入3900万元。", encoding="utf-8")
    result = cli("sources", "add", "--id", "art", "--publisher", "p", "--published", "2021",
                 "--text", str(text), "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    db_elsewhere = tmp_path / "other" / "copy.json"
    db_elsewhere.parent.mkdir()
    shutil.copy(db, db_elsewhere)
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "xiezuo"
    for sub in ("datasets", "index"):
        (cache / sub).mkdir(parents=True, exist_ok=True)
    before = files_in(tmp_path)
    bundled_before = BUNDLED.read_bytes()
    for target in (
        tmp_path / "sources" / "art.txt",
        tmp_path / "sources" / "new.txt",
        cache / "datasets" / "x.csv",
        cache / "index" / "x.csv",
        Path(dataset.bundled_path()),  # the data bundled with the installed package
        BUNDLED,  # the repository's copy: another xiezuo database when the wheel is installed
        db_elsewhere,
    ):
        result = cli("list", "--csv", "-o", str(target), "--db", str(db))
        assert result.exit_code == 2, target
        assert "refusing to write over it" in one_error_line(result)
        assert not (target.parent / "x.csv").exists()
    assert files_in(tmp_path) == before
    assert BUNDLED.read_bytes() == bundled_before


def test_import_report_onto_its_own_input_or_the_database_is_refused(
    cli: Run, db: Path, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.json"
    rows.write_text("[]\n", encoding="utf-8")
    before = files_in(tmp_path)
    for target in (rows, db):
        result = cli("import", str(rows), "--dry-run", "-f", "csv", "-o", str(target),
                     "--db", str(db))  # fmt: skip
        assert result.exit_code == 2
        assert "refusing to write over it" in one_error_line(result)
    assert files_in(tmp_path) == before


def _output(command: str, given: dict[str, list[str]]) -> Any:
    """The command's output options from what was typed (spec.bind_part)."""
    (group,) = [part for part in registry.command(command).parts if part.name == "output"]
    return bind_part(group, given)


@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_stdout_names_are_stdout(name: str) -> None:
    """Finding 3: -o /dev/stdout replaced the /dev/stdout link with a file (as root). Those
    names are standard output, never opened and replaced."""
    output = _output("list", {"output": [name], "format": ["csv"]})
    assert output.path is None


@pytest.mark.parametrize("name", ["-", "/dev/fd/1"])
def test_sqlite_down_a_pipe(db: Path, name: str) -> None:
    """`export --format sqlite -o -` (or a name of stdout) sends the database down the pipe."""
    command = [sys.executable, "-m", "xiezuo_cli", "export", "--format", "sqlite", "-o", name]
    result = subprocess.run(
        [*command, "--db", str(db)],
        capture_output=True,
        env={**os.environ, **ENV},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert result.stdout.startswith(SQLITE_MAGIC)
    copy = db.parent / "copy.sqlite"
    copy.write_bytes(result.stdout)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("select id from pairings").fetchall() == [("yuhang-cangxi",)]


def test_sqlite_to_a_terminal_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(groups, "_stdout_is_terminal", lambda: True)
    with pytest.raises(UsageProblem, match="binary"):
        _output("export", {"output": ["-"], "format": ["sqlite"]})


@pytest.mark.parametrize("args", [("list", "--csv"), ("export", "--format", "sqlite")])
def test_a_link_is_followed_and_its_target_replaced_beside_it(
    cli: Run, db: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """-o LINK writes the file the link points to, atomically in that file's folder; the link
    stays a link, and no temporary file is left in either folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "out"
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "out-link"
    link.symlink_to(target)
    result = cli(*args, "-o", str(link), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    written = target.read_bytes()
    assert written.startswith(SQLITE_MAGIC if "sqlite" in args else b"id,pairing,")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.symlink_to("/dev/null"), "it is a device, not a regular file"),
        (lambda p: p.symlink_to(p.parent / "nowhere"), "which does not exist"),
        (lambda p: p.symlink_to(p), "a loop of symbolic links"),
        (lambda p: p.mkdir(), "it is a directory, not a regular file"),
        (lambda p: os.mkfifo(p), "it is a named pipe (FIFO), not a regular file"),
    ],
    ids=["link-to-dev-null", "dangling-link", "link-loop", "directory", "fifo"],
)
def test_what_is_not_a_regular_file_is_refused(
    cli: Run, db: Path, tmp_path: Path, make, problem: str
) -> None:
    out = tmp_path / "out"
    make(out)
    before = files_in(tmp_path)
    for args in (("list", "--csv"), ("export", "--format", "sqlite")):
        result = cli(*args, "-o", str(out), "--db", str(db))
        assert result.exit_code == 2
        line = one_error_line(result)
        assert line.startswith(f"xiezuo: error: cannot write {out}: "), line
        assert problem in line
        assert files_in(tmp_path) == before
    assert not (tmp_path / "nowhere").exists()


def test_nothing_is_made_under_dev(cli: Run, db: Path) -> None:
    """A new name in /dev (tests run as root, who could make one). /dev/null itself is only
    ever named through a link here, so that a regression cannot replace the real one."""
    target = Path("/dev/xiezuo-test-output.sqlite")
    try:
        result = cli("export", "--format", "sqlite", "-o", str(target), "--db", str(db))
        assert result.exit_code == 2
        assert one_error_line(result).startswith(f"xiezuo: error: cannot write {target}: ")
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


def test_sqlite_to_dev_stdout_in_a_private_dev(db: Path) -> None:
    """The finding itself, end to end: `export --format sqlite -o /dev/stdout` in a pipe. Run in
    a private mount namespace whose /dev is a fresh tmpfs holding only the stdout link, so that
    a regression replaces that link, never the machine's."""
    import shutil

    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs unshare(1) and root for a private /dev")
    script = (
        'mount -t tmpfs none /dev && ln -s /proc/self/fd/1 /dev/stdout && "$@"; status=$?; '
        'readlink /dev/stdout >&2; ls -A /dev >&2; exit "$status"'
    )
    namespace = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]
    command = [sys.executable, "-m", "xiezuo_cli", "export", "--format", "sqlite"]
    result = subprocess.run(
        [*namespace, *command, "-o", "/dev/stdout", "--db", str(db)],
        capture_output=True,
        env={**os.environ, **ENV},
        timeout=60,
    )
    if result.returncode != 0 and b"mount" in result.stderr and b"xiezuo" not in result.stderr:
        pytest.skip(f"cannot make a private /dev here: {result.stderr.decode()[:200]}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(SQLITE_MAGIC)
    assert result.stderr.decode().splitlines() == ["/proc/self/fd/1", "stdout"]


def test_output_onto_a_checkouts_built_database_is_refused(
    cli: Run, db: Path, tmp_path: Path
) -> None:
    """data/xiezuo.json beside data/records.yaml is a checkout's build of the bundled data: an
    installed xiezuo (whose own bundled file lives in the package) must not write over it."""
    data = tmp_path / "checkout" / "data"
    data.mkdir(parents=True)
    (data / "records.yaml").write_text("[]\n", encoding="utf-8")
    built = data / "xiezuo.json"
    built.write_bytes(b'{"meta": {}}')
    result = cli("list", "--csv", "-o", str(built), "--db", str(db))
    assert result.exit_code == 2
    assert "the data bundled with xiezuo: refusing to write over it" in one_error_line(result)
    assert built.read_bytes() == b'{"meta": {}}'
