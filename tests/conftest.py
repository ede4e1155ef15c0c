"""Shared fixtures: a CLI runner with a fixed terminal, and copies of the bundled database."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BUNDLED = DATA / "xiezuo.json"
sys.path.insert(0, str(ROOT / "scripts"))  # the build scripts, for data tests

from xiezuo_cli.cli.app import app  # noqa: E402

# The cache of validated databases (cache.py) goes to a folder of this test run, never the
# user's: set before any test runs, so subprocesses inherit it too.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="xiezuo-test-cache-")

# Fixed width and no colour, so output is the same on every machine and in CI.
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb", "XIEZUO_DB": str(BUNDLED)}


@pytest.fixture
def cli() -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env={**ENV, **(env or {})})

    return invoke


def one_error_line(result: Result) -> str:
    """The error a command printed: exactly one line on stderr, no traceback."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("xiezuo: error: "), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


@pytest.fixture
def db_copy(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None] | None], Path]:
    """A copy of the bundled database, optionally changed by a function of its JSON."""

    def make(change: Callable[[dict[str, Any]], None] | None = None) -> Path:
        target = tmp_path / "xiezuo.json"
        if change is None:
            shutil.copy(BUNDLED, target)
        else:
            data = json.loads(BUNDLED.read_text(encoding="utf-8"))
            change(data)
            target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return target

    return make


# The pairing most write tests start from.
YUHANG_CANGXI = ("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪")


def new_database(cli: Callable[..., Result], path: Path, *steps: Sequence[str]) -> Path:
    """A database made by ``xiezuo init`` at ``path``, then each write command of ``steps`` run
    on it with ``--db path`` (each must succeed)."""
    assert cli("init", str(path)).exit_code == 0
    for step in steps:
        result = cli(*step, "--db", str(path))
        assert result.exit_code == 0, (step, result.stderr)
    return path


def record_doc(data: dict[str, Any], record_id: str) -> dict[str, Any]:
    return next(doc for doc in data["record"].values() if doc["id"] == record_id)


def run_on_terminal(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    size: tuple[int, int] | None = None,
    new_session: bool = False,
    timeout: float = 20,
) -> tuple[bytes, int, bytes]:
    """Run ``argv`` with stdout on a pseudo-terminal: (what the terminal showed, the status,
    stderr). The terminal is in raw mode, so bytes pass unchanged (no LF to CRLF); ``size`` is
    (columns, rows), set as ``stty cols N rows M`` does; ``new_session`` keeps a pager from
    reading the keyboard of the terminal running the tests."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import termios
    import time
    import tty

    controller, terminal = pty.openpty()
    tty.setraw(terminal)
    if size is not None:
        columns, rows = size
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=new_session,
        )
    finally:
        os.close(terminal)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    status = process.wait(timeout=timeout)
    stderr = process.stderr.read() if process.stderr else b""
    if process.stderr:
        process.stderr.close()
    return b"".join(chunks), status, stderr


# No test may change the repository's database: a test that did (writing through -o onto it)
# broke every later test in CI. Checked once per process at the end of the run.
_BUNDLED_BYTES = BUNDLED.read_bytes()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if BUNDLED.read_bytes() != _BUNDLED_BYTES:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        sys.stderr.write(f"a test changed {BUNDLED}; restore it with git checkout\n")
