"""Every write command and every -o against paths that are not what they should be (issue 15,
part 2: the test the issue asks for).

Each write command (init, pairs add, sources add, add, edit, remove, import) and every command
that takes -o is run against links (to the database, to nothing, to /dev/null), a FIFO, a
device, a folder, the database itself, its lock file and a held text. Each run must exit with
the documented code and exactly one line on stderr, and leave every file as it was: the whole
temporary tree (names, kinds, link targets, bytes, permissions) and /dev are compared before and
after. Runs go through Typer's CliRunner, except those that read a FIFO, which run as real
processes under a timeout (a regression there is a process that never ends).

Devices are device nodes made in the temporary folder (tests run as root here) or reached
through a link: nothing here names /dev/null or /dev/zero directly as a place to write, so a
regression cannot replace the real ones.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ENV
from typer.testing import Result

Run = Callable[..., Result]
Snapshot = dict[str, tuple[object, ...]]

PAIRS_ADD = ("pairs", "add", "--kind", "东西部协作", "--provider", "萧山", "--receiver", "旺苍")
SOURCES_ADD = ("sources", "add", "--id", "art2", "--publisher", "p", "--published", "2021")
ADD = ("add", "--pair", "苍溪", "--category", "社会帮扶", "--measure", "捐款捐物", "--item", "y",
       "--amount", "200万元", "--source", "plain")  # fmt: skip
EDIT = ("edit", "r-1", "--note", "改")
REMOVE = ("remove", "r-1")
# Every command that takes -o, as it would be used.
OUTPUTS = {
    "list": ("list", "--csv"),
    "filter": ("filter", "category", "eq", "财政援助"),
    "funds": ("funds", "--json"),
    "pairs": ("pairs", "--csv"),
    "report": ("report", "--csv"),
    "show": ("show", "苍溪", "--json"),
    "cite": ("cite", "r-1", "--json"),
    "export json": ("export",),
    "export csv": ("export", "--format", "csv"),
    "export tsv": ("export", "--format", "tsv"),
    "export markdown": ("export", "--format", "markdown"),
    "export sqlite": ("export", "--format", "sqlite"),
    "validate": ("validate",),
    "fields": ("fields",),
    "import report": ("import", "rows.json", "--dry-run", "-f", "csv"),
}


def _device(path: Path) -> None:
    """A character device node like /dev/zero (1, 5), made here; or a skip saying why not."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except (PermissionError, AttributeError) as error:
        pytest.skip(f"cannot make a device node here: {error}")


# What each hostile path is made as, in the database's folder, named "target".
KINDS: dict[str, Callable[[Path], None]] = {
    "link-to-db": lambda p: p.symlink_to("my.json"),
    "hard-link-to-db": lambda p: os.link(p.parent / "my.json", p),
    "dangling-link": lambda p: p.symlink_to("nowhere"),
    "link-to-dev-null": lambda p: p.symlink_to("/dev/null"),
    "link-loop": lambda p: p.symlink_to(p.name),
    "fifo": lambda p: os.mkfifo(p),
    "device": _device,
    "folder": lambda p: p.mkdir(),
}
# Paths that exist already: the database, its lock, a held text.
EXISTING = {"database": "my.json", "lock": ".my.json.lock", "held-text": "sources/art.txt"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with a pairing, a held source, a plain source and one record, its lock file,
    an article, and its export as rows to import: made once, copied for each test."""
    from typer.testing import CliRunner

    from xiezuo_cli.cli.app import app

    folder = tmp_path_factory.mktemp("hostile") / "work"
    folder.mkdir()
    (folder / "article.txt").write_text("余杭区投入3900万元。另有200万元。", encoding="utf-8")
    db = str(folder / "my.json")
    steps = [
        ("init", db),
        ("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪"),
        ("sources", "add", "--id", "art", "--publisher", "p", "--published", "2021", "--text",
         str(folder / "article.txt")),
        ("sources", "add", "--id", "plain", "--publisher", "p", "--published", "2021"),
        ("add", "--pair", "苍溪", "--category", "财政援助", "--measure", "协作资金", "--item",
         "专项", "--amount", "3900万元", "--source", "art"),
        ("export", "-o", str(folder / "rows.json")),
    ]  # fmt: skip
    runner = CliRunner()
    for step in steps:
        result = runner.invoke(app, list(step), env={**ENV, "XIEZUO_DB": db})
        assert result.exit_code == 0, (step, result.stderr)
    return folder


@pytest.fixture
def work(template: Path, tmp_path: Path, monkeypatch) -> Path:
    """A copy of the template, the working folder for relative paths."""
    import shutil

    folder = tmp_path / "work"
    shutil.copytree(template, folder, symlinks=True)
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture(autouse=True)
def tidy_dev() -> Iterator[None]:
    """Should a regression make a file in /dev (a lock beside /dev/null, as before this issue),
    the test fails, and this takes the file away again: only regular files that appeared, among
    the names dev_names watches."""
    before = dev_names()
    yield
    for name in dev_names() - before:
        path = Path("/dev", name)
        if path.is_file() and not path.is_symlink():
            path.unlink()


def snapshot(folder: Path) -> Snapshot:
    found: Snapshot = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        status = path.lstat()
        name = str(path.relative_to(folder.parent))
        if stat.S_ISLNK(status.st_mode):
            found[name] = ("link", os.readlink(path))
        elif stat.S_ISREG(status.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[name] = ("file", digest, stat.S_IMODE(status.st_mode), status.st_nlink)
        else:
            found[name] = (stat.S_IFMT(status.st_mode), stat.S_IMODE(status.st_mode))
    return found


def dev_names() -> set[str]:
    """What a write or a lock beside /dev/null (the only device these paths reach) would make
    there: .null.lock, .null.<random>. Only these, so that other programs making files in /dev
    meanwhile cannot fail the test."""
    return {name for name in os.listdir("/dev") if name.startswith(".null")}


def make(work: Path, kind: str) -> str:
    """The hostile path of this kind, as a path relative to the working folder."""
    if kind in EXISTING:
        return EXISTING[kind]
    KINDS[kind](work / "target")
    return "target"


def unchanged(work: Path, run: Callable[[], tuple[int, str]], code: int, start: str) -> str:
    """Run, and check: the exit code, one line on stderr beginning ``start``, nothing changed
    in the tree or in /dev. Returns the line."""
    before, devices = snapshot(work.parent), dev_names()
    status, stderr = run()
    lines = stderr.splitlines()
    assert status == code, stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("xiezuo: error: " + start), lines[0]
    assert snapshot(work.parent) == before
    assert dev_names() == devices
    return lines[0]


def in_process(cli: Run, *args: str) -> Callable[[], tuple[int, str]]:
    def run() -> tuple[int, str]:
        result = cli(*args, env={"XIEZUO_DB": "my.json"})
        return result.exit_code, result.stderr

    return run


def as_process(*args: str) -> Callable[[], tuple[int, str]]:
    def run() -> tuple[int, str]:
        result = subprocess.run(
            [sys.executable, "-m", "xiezuo_cli", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **ENV, "XIEZUO_DB": "my.json"},
            timeout=30,
        )
        return result.returncode, result.stderr

    return run


ALL_KINDS = [*EXISTING, *KINDS]
# -o onto these is refused as the database's own; the others as not a regular file.
PROTECTED = ("database", "lock", "held-text", "link-to-db", "hard-link-to-db")


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_output_option(cli: Run, work: Path, kind: str) -> None:
    target = make(work, kind)
    for name, args in OUTPUTS.items():
        line = unchanged(
            work,
            in_process(cli, *args, "-o", target),  # the database: XIEZUO_DB
            2,
            f"--output {target} is " if kind in PROTECTED else f"cannot write {target}: ",
        )
        assert "refusing to write over it" in line or kind not in PROTECTED, (name, line)


# Each write command with --db naming the hostile path: exit 3 (what it names is not a
# database), no lock file beside it.
WRITES = {
    "pairs add": PAIRS_ADD,
    "sources add": (*SOURCES_ADD, "--text", "article.txt"),
    "add": ADD,
    "edit": EDIT,
    "remove": REMOVE,
    "import": ("import", "rows.json"),
}
# What each says when --db names it: the loader's words, for every command alike.
NOT_A_DATABASE = {
    "lock": "the file is empty",
    "held-text": "not valid JSON (line 1)",
    "dangling-link": "a symbolic link to nowhere, which does not exist",
    "link-to-dev-null": "is a device, not a database file",
    "link-loop": "cannot open: Too many levels of symbolic links",
    "fifo": "is a named pipe (FIFO), not a database file",
    "device": "is a device, not a database file",
    "folder": "is a directory, not a database file",
}


@pytest.mark.parametrize("kind", list(NOT_A_DATABASE))
def test_every_write_command_with_a_hostile_database(cli: Run, work: Path, kind: str) -> None:
    target = make(work, kind)
    for name, args in WRITES.items():
        line = unchanged(work, in_process(cli, *args, "--db", target), 3, f"{target}: ")
        assert NOT_A_DATABASE[kind] in line, (name, line)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_init_over_anything(cli: Run, work: Path, kind: str) -> None:
    target = make(work, kind)
    unchanged(work, in_process(cli, "init", target), 2, f"{target} exists; refusing to overwrite")


# What xiezuo reads: import FILE and sources add --text FILE, each with the hostile path.
READ_FAILURES = {
    "dangling-link": "a symbolic link to nowhere, which does not exist",
    "link-to-dev-null": "is a device",
    "link-loop": "cannot open",
    "fifo": "is a named pipe (FIFO)",
    "device": "is a device",
    "folder": "is a directory",
}


@pytest.mark.parametrize("kind", list(READ_FAILURES))
def test_every_file_read(cli: Run, work: Path, kind: str) -> None:
    target = make(work, kind)
    for args in (("import", target, "--db", "my.json"), (*SOURCES_ADD, "--text", target,
                                                         "--db", "my.json")):  # fmt: skip
        run = as_process(*args) if kind == "fifo" else in_process(cli, *args)
        line = unchanged(work, run, 3, f"{target}: ")
        assert READ_FAILURES[kind] in line, line


@pytest.mark.parametrize("kind", ["database", "lock", "held-text"])
def test_importing_what_is_not_records(cli: Run, work: Path, kind: str) -> None:
    target = make(work, kind)
    unchanged(work, in_process(cli, "import", target, "--db", "my.json"), 3, f"{target}: ")


def test_a_write_through_a_link_to_the_database_writes_the_database(cli: Run, work: Path):
    """The one kind that is meant to work: --db through a link changes the file it points to,
    and the link stays a link."""
    make(work, "link-to-db")
    result = cli(*PAIRS_ADD, "--db", "target")
    assert result.exit_code == 0, result.stderr
    assert (work / "target").is_symlink()
    assert "xiaoshan-wangcang" in (work / "my.json").read_text(encoding="utf-8")
