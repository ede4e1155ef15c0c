"""Writing the database: atomic, locked, byte for byte what the build writes, and refused whole.

Fast tests in one process. Real processes at once, SIGKILL and Ctrl-C are in
test_write_cli_processes.py (through `xiezuo add`, the whole way from the command line).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED

from xiezuo_cli.errors import DataFileError, ExitStatus, LockTimeout, UsageProblem, XiezuoError
from xiezuo_cli.storage import dataset, locking, rawfile, store

TEMPORARY_SUFFIX = ".xiezuo-tmp"


def source_doc(source_id: str, **changes: Any) -> dict[str, Any]:
    """A source that validates: one with no held text."""
    doc = {
        "id": source_id,
        "title": "东西部协作新台阶",
        "publisher": "中新网四川",
        "author": None,
        "published": "2021-11-17",
        "published_inferred": False,
        "url": None,
        "reprint_of": None,
        "excerpt_only": True,
        "text_held": False,
        "text_file": None,
        "note": None,
    }
    doc.update(changes)
    return doc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    target = tmp_path / "xiezuo.json"
    shutil.copy(BUNDLED, target)
    return target


def leftovers(folder: Path) -> list[str]:
    """Files in the folder other than the database and its lock file."""
    return sorted(
        p.name for p in folder.iterdir() if p.name not in ("xiezuo.json", ".xiezuo.json.lock")
    )


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text, text
    return text


@contextlib.contextmanager
def lock_held_elsewhere(path: Path) -> Iterator[None]:
    """The write lock of ``path``, held by another thread (flock: another open file)."""
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with locking.exclusive(path, timeout=5):
            taken.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(5)
        yield
    finally:
        done.set()
        thread.join()


# ─── what is written ──────────────────────────────────────────────────────────────────────


def test_serialized_is_the_build_file_byte_for_byte() -> None:
    assert store.serialized(store.read_tables(BUNDLED)) == BUNDLED.read_bytes()


def test_transaction_writes_and_keeps_permissions_and_owner(db: Path) -> None:
    os.chmod(db, 0o640)
    owner = (os.getuid(), os.getgid())
    if os.geteuid() == 0:  # root can give a file away: check the owner survives too
        owner = (4321, 4322)
        os.chown(db, *owner)
    inode = db.stat().st_ino
    with store.transaction(db, timeout=5) as tables:
        tables["source"].append(source_doc("added-source"))
    status = db.stat()
    assert status.st_ino != inode  # a new file took the name: nothing was written in place
    assert oct(status.st_mode & 0o7777) == oct(0o640)
    assert (status.st_uid, status.st_gid) == owner
    assert "added-source" in dataset.load(db).sources
    raw = json.loads(db.read_text(encoding="utf-8"))
    assert list(raw["source"]) == [str(i) for i in range(1, 23)]
    assert db.read_bytes().endswith(b"}\n") and "\\u" not in db.read_text(encoding="utf-8")
    assert leftovers(db.parent) == []


def test_unchanged_transaction_round_trips_byte_for_byte(db: Path) -> None:
    with store.transaction(db, timeout=5):
        pass
    assert db.read_bytes() == BUNDLED.read_bytes()
    store.write_tables(db, store.read_tables(db), timeout=5)
    assert db.read_bytes() == BUNDLED.read_bytes()


def test_removing_renumbers_the_document_ids(db: Path) -> None:
    with store.transaction(db, timeout=5) as tables:
        records = tables["record"]
        cited = {doc[field] for doc in records for field in ("part_of", "revises")}
        removed = records.pop(next(i for i, doc in enumerate(records) if doc["id"] not in cited))
    raw = json.loads(db.read_text(encoding="utf-8"))
    assert list(raw["record"]) == [str(i) for i in range(1, 191)]
    assert dataset.load(db).record(removed["id"]) is None


@pytest.mark.parametrize("interruption", [RuntimeError("boom"), KeyboardInterrupt()])
def test_exception_inside_writes_nothing(db: Path, interruption: BaseException) -> None:
    before = (db.read_bytes(), db.stat().st_mtime_ns, db.stat().st_ino)
    with pytest.raises(type(interruption)), store.transaction(db, timeout=5) as tables:
        tables["record"].clear()
        raise interruption
    assert (db.read_bytes(), db.stat().st_mtime_ns, db.stat().st_ino) == before
    assert leftovers(db.parent) == []
    with store.transaction(db, timeout=0):  # and the lock was released
        pass


def test_failure_while_writing_removes_the_temporary_file(db: Path, monkeypatch) -> None:
    before = db.read_bytes()

    def fsync_fails(descriptor: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync_fails)
    with pytest.raises(XiezuoError) as caught, store.transaction(db, timeout=5) as tables:
        tables["source"].append(source_doc("lost"))
    assert one_line(caught.value) == (
        f"cannot write {db}: Input/output error; the database is unchanged"
    )
    assert caught.value.exit_status == ExitStatus.ERROR
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


def test_symbolic_link_is_followed_not_replaced(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(db)
    with store.transaction(link, timeout=5) as tables:
        tables["source"].append(source_doc("through-the-link"))
    assert link.is_symlink()
    assert "through-the-link" in dataset.load(db).sources
    assert locking.lock_path(link) == str(tmp_path / ".xiezuo.json.lock")


def test_stale_temporary_files_of_killed_writers_are_removed(db: Path) -> None:
    folder = db.parent
    stale = folder / f".xiezuo.json.abcd_123{TEMPORARY_SUFFIX}"
    fresh = folder / f".xiezuo.json.efgh_456{TEMPORARY_SUFFIX}"
    unrelated = folder / ".xiezuo.json.backup"
    for path in (stale, fresh, unrelated):
        path.write_text("{", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    with store.transaction(db, timeout=5):
        pass
    assert leftovers(folder) == sorted([fresh.name, unrelated.name])


# ─── refused whole ────────────────────────────────────────────────────────────────────────


def test_invalid_change_is_refused_and_nothing_is_written(db: Path) -> None:
    before = db.read_bytes()
    with pytest.raises(UsageProblem) as caught, store.transaction(db, timeout=5) as tables:
        tables["record"][0]["amount_yuan"] = "lots"
    message = one_line(caught.value)
    assert message.startswith(f"{db}: record cangxi-special-fund: field amount_yuan: ")
    assert message.endswith("; nothing was written")
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


def test_already_invalid_file_is_a_data_error_and_a_repair_is_written(db: Path) -> None:
    with store.transaction(db, timeout=5, check=False) as tables:
        tables["record"][0]["amount_yuan"] = "lots"
    broken = db.read_bytes()
    with pytest.raises(DataFileError) as caught, store.transaction(db, timeout=5) as tables:
        tables["source"].append(source_doc("unrelated"))
    assert caught.value.exit_status == ExitStatus.DATA
    assert one_line(caught.value).startswith(f"{db}: record cangxi-special-fund: field amount_yuan")
    assert db.read_bytes() == broken
    with store.transaction(db, timeout=5) as tables:
        tables["record"][0]["amount_yuan"] = 39000000
    assert db.read_bytes() == BUNDLED.read_bytes()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "NaN is not a JSON number"),
        (float("inf"), "Infinity is not a JSON number"),
        (10**25, "an integer of 26 digits (the limit is 20)"),
        ("\udce4", "lone surrogate in the text (not valid Unicode)"),
    ],
    ids=["nan", "infinity", "long-integer", "surrogate"],
)
def test_nothing_the_reader_refuses_is_ever_written(db: Path, value: object, problem: str) -> None:
    before = db.read_bytes()
    with (
        pytest.raises(UsageProblem) as caught,
        store.transaction(db, timeout=5, check=False) as tables,
    ):
        tables["record"][0]["note"] = value
    assert one_line(caught.value) == (
        f"{db}: record cangxi-special-fund: field note: {problem}; nothing was written"
    )
    assert db.read_bytes() == before


def test_file_over_the_size_limit_is_not_written(db: Path, monkeypatch) -> None:
    monkeypatch.setenv(rawfile.MAX_BYTES_ENV, str(db.stat().st_size + 100))
    before = db.read_bytes()
    with pytest.raises(UsageProblem) as caught, store.transaction(db, timeout=5) as tables:
        tables["source"].append(source_doc("too-much", note="多" * 100))
    assert "over the limit of" in one_line(caught.value)
    assert db.read_bytes() == before


def test_transaction_on_a_missing_or_broken_file_is_a_data_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(DataFileError, match="no such file"), store.transaction(missing, timeout=5):
        pass
    assert not missing.exists()
    broken = tmp_path / "broken.json"
    broken.write_text('{"meta": {', encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid JSON"), store.transaction(broken, timeout=5):
        pass
    assert broken.read_text(encoding="utf-8") == '{"meta": {'


# ─── init ─────────────────────────────────────────────────────────────────────────────────


def test_init_makes_a_database_at_the_current_schema(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    store.init_database(empty)
    assert store.read_tables(empty) == {
        "meta": [{"schema_version": 2}],
        "place": [],
        "pairing": [],
        "source": [],
        "record": [],
    }
    assert dataset.load(empty).records == ()
    assert oct(empty.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    full = tmp_path / "full.json"
    store.init_database(full, store.read_tables(BUNDLED))
    assert full.read_bytes() == BUNDLED.read_bytes()
    assert not any(p.name.endswith(TEMPORARY_SUFFIX) for p in tmp_path.iterdir())


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("kind", ["file", "empty", "directory", "dangling-link"])
def test_init_refuses_to_overwrite(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "xiezuo.json"
    if kind == "file":
        shutil.copy(BUNDLED, path)
    elif kind == "empty":
        path.touch()
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(tmp_path / "nowhere.json")
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(UsageProblem) as caught:
        store.init_database(path)
    assert one_line(caught.value) == f"{path} exists; refusing to overwrite"
    assert caught.value.exit_status == ExitStatus.USAGE
    assert sorted(os.listdir(tmp_path)) == before
    if kind == "file":
        assert path.read_bytes() == BUNDLED.read_bytes()


def test_init_loses_a_race_without_overwriting(tmp_path: Path, monkeypatch) -> None:
    """A file that appears after the check is still not overwritten: link(2) refuses."""
    path = tmp_path / "xiezuo.json"
    real_link = os.link

    def someone_else_first(source: str, target: str) -> None:
        Path(target).write_text("theirs", encoding="utf-8")
        real_link(source, target)

    monkeypatch.setattr(os, "link", someone_else_first)
    with pytest.raises(UsageProblem, match="exists; refusing to overwrite"):
        store.init_database(path)
    assert path.read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".xiezuo.json.lock", "xiezuo.json"]


def test_init_refuses_invalid_tables_and_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    with pytest.raises(UsageProblem, match="nothing was written"):
        store.init_database(path, {"source": [source_doc("Not A Slug")]})
    with pytest.raises(UsageProblem, match="schema version"):
        store.init_database(path, {"meta": [{"schema_version": 1}]})
    assert not path.exists()
    nowhere = tmp_path / "no" / "such" / "new.json"
    with pytest.raises(UsageProblem, match="no folder"):
        store.init_database(nowhere)
    with pytest.raises(ValueError, match="no table 'records'"):
        store.init_database(path, {"records": []})


# ─── the lock ─────────────────────────────────────────────────────────────────────────────


def test_lock_timeout_is_one_line_exit_1(db: Path) -> None:
    before = db.read_bytes()
    with lock_held_elsewhere(db):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught, store.transaction(db, timeout=0.05) as tables:
            tables["record"].clear()
        waited = time.monotonic() - started
    assert 0.05 <= waited < 2
    assert caught.value.exit_status == ExitStatus.ERROR
    assert one_line(caught.value) == (
        f"cannot write {db}: another process is changing it (its lock "
        f"{db.parent / '.xiezuo.json.lock'} was not released within 0.05 s); try again"
    )
    assert db.read_bytes() == before


def test_lock_timeout_at_the_cli_edge(db: Path, capsys) -> None:
    from xiezuo_cli.cli.edge import guard

    def change() -> None:
        with store.transaction(db, timeout=0.01):
            pass

    with lock_held_elsewhere(db), pytest.raises(SystemExit) as exited:
        guard(change)
    assert exited.value.code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("xiezuo: error: cannot write ")


def test_waiting_writer_gets_the_lock_when_it_is_released(db: Path) -> None:
    with lock_held_elsewhere(db):
        pass
    with store.transaction(db, timeout=0) as tables:
        tables["source"].append(source_doc("after-the-wait"))
    assert "after-the-wait" in dataset.load(db).sources


def test_readers_take_no_lock(db: Path) -> None:
    dataset.load(db)
    store.read_tables(db)
    assert not (db.parent / ".xiezuo.json.lock").exists()
    with lock_held_elsewhere(db):
        started = time.monotonic()
        assert len(dataset.load(db).records) == 191
        assert time.monotonic() - started < 1


def test_nested_transaction_is_a_bug_not_a_deadlock(db: Path) -> None:
    with (
        store.transaction(db, timeout=5),
        pytest.raises(RuntimeError, match="already held"),
        store.transaction(db, timeout=5),
    ):
        pass


def test_timeout_must_be_a_number_of_seconds(db: Path) -> None:
    for timeout in (-1, float("nan")):
        with pytest.raises(ValueError, match="timeout"), store.transaction(db, timeout=timeout):
            pass


def test_write_tables_locks_only_when_asked(tmp_path: Path) -> None:
    tables = store.read_tables(BUNDLED)
    store.write_tables(tmp_path / "a.json", tables)
    store.write_tables(tmp_path / "b.json", tables, timeout=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.json.lock", "a.json", "b.json"]
    with lock_held_elsewhere(tmp_path / "b.json"), pytest.raises(LockTimeout):
        store.write_tables(tmp_path / "b.json", tables, timeout=0)


# ─── a read-only folder, a full disk ──────────────────────────────────────────────────────


def test_rename_refused_leaves_the_old_file(db: Path, monkeypatch) -> None:
    before = db.read_bytes()

    def refuse(source: str, target: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(XiezuoError) as caught, store.transaction(db, timeout=5) as tables:
        tables["source"].append(source_doc("refused"))
    assert one_line(caught.value) == (
        f"cannot write {db}: Permission denied; the database is unchanged"
    )
    assert db.read_bytes() == before
    assert leftovers(db.parent) == []


# Run as a user whom permissions bind: the test's own user, or "nobody" when that is root
# (root ignores file permissions). The script starts as root, imports, then gives root up.
AS_A_USER = """
import os, shutil, sys, tempfile
from xiezuo_cli.storage import store
from xiezuo_cli.errors import XiezuoError
with tempfile.TemporaryDirectory() as scratch:  # a first write imports all it needs from /root
    shutil.copy(sys.argv[1], os.path.join(scratch, "warm.json"))
    with store.transaction(os.path.join(scratch, "warm.json"), timeout=5) as tables:
        tables["record"].reverse()  # encoded whole, as below (not spliced)
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
try:
    with store.transaction(sys.argv[1], timeout=5) as tables:
        tables["record"].clear()
except XiezuoError as error:
    print(error)
"""


@pytest.fixture
def user_folder() -> Iterator[Path]:
    """A folder the user of AS_A_USER owns (pytest's own is closed to others when run as root)."""
    import tempfile

    folder = Path(tempfile.mkdtemp())
    try:
        if os.geteuid() == 0:
            os.chown(folder, 65534, 65534)
        yield folder
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_read_only_file_or_folder(user_folder: Path, read_only: str) -> None:
    db = user_folder / "xiezuo.json"
    shutil.copy(BUNDLED, db)
    lock = user_folder / ".xiezuo.json.lock"
    lock.touch()
    for path in (db, lock):
        if os.geteuid() == 0:
            os.chown(path, 65534, 65534)
    os.chmod(db if read_only == "file" else user_folder, 0o444 if read_only == "file" else 0o555)
    result = subprocess.run(
        [sys.executable, "-c", AS_A_USER, str(db)], capture_output=True, text=True, timeout=30
    )
    assert result.stderr == ""
    assert result.stdout == f"cannot write {db}: Permission denied; the database is unchanged\n"
    assert db.read_bytes() == BUNDLED.read_bytes()
    assert sorted(p.name for p in user_folder.iterdir()) == [lock.name, db.name]


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted on ``folder``, or a skip saying why there cannot be one."""
    folder.mkdir()
    if sys.platform != "linux" or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs Linux and mount(8)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, timeout=10)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True, timeout=10)


def small_database(path: Path) -> None:
    store.init_database(path, {"source": [source_doc(f"s-{i}") for i in range(3)]})


def test_read_only_file_system(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "256k") as folder:
        db = folder / "xiezuo.json"
        small_database(db)
        before = db.read_bytes()
        remount(folder, "ro")
        try:
            with pytest.raises(XiezuoError) as caught, store.transaction(db, timeout=5) as tables:
                tables["source"].append(source_doc("not-written"))
            assert one_line(caught.value) == (
                f"cannot write {db}: Read-only file system; the database is unchanged"
            )
            assert db.read_bytes() == before
            assert leftovers(folder) == []
        finally:
            remount(folder, "rw")
        # The lock file did not exist yet: a read-only folder can also refuse it.
        (folder / ".xiezuo.json.lock").unlink()
        remount(folder, "ro")
        try:
            with pytest.raises(XiezuoError) as caught, store.transaction(db, timeout=5):
                pass
            assert one_line(caught.value) == (
                f"cannot write {db}: cannot create the lock file "
                f"{folder / '.xiezuo.json.lock'}: Read-only file system"
            )
        finally:
            remount(folder, "rw")
        assert db.read_bytes() == before


def test_full_disk(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "64k") as folder:
        db = folder / "xiezuo.json"
        small_database(db)
        before = db.read_bytes()
        with pytest.raises(XiezuoError) as caught, store.transaction(db, timeout=5) as tables:
            # About 150 KB: more than the 64 KB the folder has.
            tables["source"] += [source_doc(f"big-{i}", note="协作" * 100) for i in range(250)]
        assert one_line(caught.value) == (
            f"cannot write {db}: No space left on device; the database is unchanged"
        )
        assert db.read_bytes() == before
        assert leftovers(folder) == []
        assert len(dataset.load(db).sources) == 3
        with store.transaction(db, timeout=5) as tables:  # and a write that fits still works
            tables["source"].append(source_doc("fits"))
        assert len(dataset.load(db).sources) == 4
