"""Locks only where a write can happen (issue 15, part 2, finding 4).

``XIEZUO_DB=/dev/zero xiezuo pairs add`` exited 3 but first made ``/dev/.zero.lock``; a folder
as the database left ``.NAME.lock`` behind; a lock path that was a dangling symbolic link made
the write create the link's target. The database path is now checked (a regular file, as the
loader checks it) before the lock is taken, and the lock file is opened without following a
link.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import one_error_line
from typer.testing import Result

Run = Callable[..., Result]
PAIRS_ADD = ("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "旺苍")


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    path = tmp_path / "my.json"
    assert cli("init", str(path)).exit_code == 0
    return path


def test_a_device_as_the_database_gets_no_lock(cli: Run) -> None:
    lock = Path("/dev/.zero.lock")
    existed = lock.exists()
    try:
        result = cli(*PAIRS_ADD, env={"XIEZUO_DB": "/dev/zero"})
        assert result.exit_code == 3
        assert (
            one_error_line(result) == "xiezuo: error: /dev/zero: is a device, not a database file"
        )
        assert lock.exists() == existed
    finally:
        if not existed:
            lock.unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p.mkdir(), "is a directory, not a database file"),
        (lambda p: os.mkfifo(p), "is a named pipe (FIFO), not a database file"),
        (lambda p: p.symlink_to(p.parent / "nowhere.json"), "a symbolic link to"),
    ],
    ids=["folder", "fifo", "dangling-link"],
)
def test_no_lock_beside_what_is_not_a_database(
    cli: Run, tmp_path: Path, make, problem: str
) -> None:
    path = tmp_path / "db.json"
    make(path)
    rows = tmp_path / "rows.json"
    rows.write_text("[]", encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    for args in (PAIRS_ADD, ("import", str(rows))):
        result = cli(*args, "--db", str(path))
        assert result.exit_code == 3, args
        assert problem in one_error_line(result)
        assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("points_to", ["missing", "existing"])
def test_a_lock_path_that_is_a_link_is_refused(
    cli: Run, db: Path, tmp_path: Path, points_to: str
) -> None:
    target = tmp_path / "elsewhere" / "target"
    target.parent.mkdir()
    if points_to == "existing":
        target.write_bytes(b"keep")
    lock = tmp_path / ".my.json.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(target)
    before = db.read_bytes()
    result = cli(*PAIRS_ADD, "--db", str(db))
    assert result.exit_code == 1
    assert one_error_line(result) == (
        f"xiezuo: error: cannot write {db}: its lock file {lock} is a symbolic link, not a lock "
        "file xiezuo made; remove it"
    )
    assert db.read_bytes() == before
    assert lock.is_symlink()
    if points_to == "missing":
        assert not target.exists()
    else:
        assert target.read_bytes() == b"keep"


def test_a_lock_path_that_is_a_folder_is_refused(cli: Run, db: Path, tmp_path: Path) -> None:
    lock = tmp_path / ".my.json.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    result = cli(*PAIRS_ADD, "--db", str(db))
    assert result.exit_code == 1
    assert one_error_line(result).endswith(
        f"its lock file {lock} is a directory, not a lock file xiezuo made; remove it"
    )


def test_init_makes_nothing_under_dev(cli: Run) -> None:
    target = Path("/dev/xiezuo-test-init.json")
    lock = Path("/dev/.xiezuo-test-init.json.lock")
    try:
        result = cli("init", str(target))
        assert result.exit_code == 2
        assert one_error_line(result) == (
            f"xiezuo: error: cannot create {target}: it would be in /dev, the system's own files"
        )
        assert not target.exists() and not lock.exists()
    finally:
        target.unlink(missing_ok=True)
        lock.unlink(missing_ok=True)
