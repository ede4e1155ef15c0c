"""Every file xiezuo reads is checked as the loader checks the database (issue 15, part 2,
finding 5): ``import some.fifo`` and ``sources add --text some.fifo`` blocked forever. A FIFO,
device, folder or socket is one line and exit 3 at once. The FIFO cases run in real processes
under a timeout, since the failure they guard against is a process that never ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ENV, one_error_line
from typer.testing import Result

from xiezuo_cli.storage import cache

Run = Callable[..., Result]
TEXT = ("sources", "add", "--id", "s2", "--publisher", "p", "--published", "2021", "--text")


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    path = tmp_path / "my.json"
    assert cli("init", str(path)).exit_code == 0
    return path


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiezuo_cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV, **(env or {})},
        timeout=30,
    )


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("import",), "a file of records"),
        (("import", "--dry-run"), "a file of records"),
        (TEXT, "a text file"),
    ],
)
def test_a_fifo_is_refused_at_once(db: Path, tmp_path: Path, args: tuple[str, ...], what: str):
    fifo = tmp_path / "some.fifo"
    os.mkfifo(fifo)
    before = db.read_bytes()
    result = run(*args, str(fifo), "--db", str(db))
    assert result.returncode == 3
    assert result.stderr == f"xiezuo: error: {fifo}: is a named pipe (FIFO), not {what}\n"
    assert db.read_bytes() == before


def test_a_fifo_in_the_cache_is_a_miss(db: Path, tmp_path: Path) -> None:
    """A snapshot entry replaced by a FIFO: the command answers from the file."""
    cache_home = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache_home)}
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache_home)
    try:
        entry = cache._entry_path(os.path.realpath(db))
    finally:
        os.environ["XDG_CACHE_HOME"] = saved or ""
    assert entry is not None
    os.makedirs(os.path.dirname(entry))
    os.mkfifo(entry)
    result = run("validate", "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok: {db}: ")


def make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (make_socket, "is a socket"),
        (lambda p: p.symlink_to("/dev/zero"), "is a device"),
        (lambda p: p.symlink_to(p.parent / "nowhere"), "a symbolic link to"),
    ],
    ids=["folder", "socket", "device", "dangling-link"],
)
def test_what_is_not_a_regular_file(cli: Run, db: Path, tmp_path: Path, make, problem: str):
    path = tmp_path / "input"
    make(path)
    before = db.read_bytes()
    listed = sorted(p.name for p in tmp_path.iterdir())
    for args in (("import", str(path)), (*TEXT, str(path))):
        result = cli(*args, "--db", str(db))
        assert result.exit_code == 3, args
        line = one_error_line(result)
        assert line.startswith(f"xiezuo: error: {path}: {problem}"), line
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listed
