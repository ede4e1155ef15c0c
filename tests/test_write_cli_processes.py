"""`xiezuo add` in real processes: many at once, and killed (SIGKILL) or interrupted (SIGINT).

Every process here is ``sys.executable -m xiezuo_cli add ...`` (or ``import``), the whole CLI
from argument parsing to store.transaction and the printed id. Many at once must lose no figure
and give each its own id; a signal at any moment must leave a valid database that is, byte for
byte, the state before that write or the state after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ENV

from xiezuo_cli.authoring import documents
from xiezuo_cli.storage import dataset, store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and processes")

SEED = 20240611
WORKERS, ADDS = 8, 30  # 240 adds racing for the lock: enough for every interleaving to occur
KILLS = 50
BULK = 4000  # sources added for the signal tests: about 2 MB, so that a write takes a while
TIMEOUT = 120  # seconds any one process may take
TEMPORARY_SUFFIX = ".xiezuo-tmp"


def environment(db: Path, slow_disk: Path | None = None) -> dict[str, str]:
    env = {**os.environ, **ENV, "XIEZUO_DB": str(db)}
    if slow_disk is not None:  # its sitecustomize.py makes fsync slow in the process
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(slow_disk), env.get("PYTHONPATH")]))
    return env


def xiezuo(*args: str, db: Path, slow_disk: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiezuo_cli", *args],
        env=environment(db, slow_disk),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def add_args(item: str, db: Path) -> list[str]:
    return [
        "add",
        "--pair",
        "苍溪",
        "--category",
        "人才交流",
        "--measure",
        "人数",
        "--item",
        item,
        "--value",
        "1",
        "--unit",
        "人",
        "--source",
        "s",
        "--db",
        str(db),
        "--timeout",
        "60",
    ]


def new_database(folder: Path) -> Path:
    db = folder / "my.json"
    for step in (
        ["init", str(db)],
        ["pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪"],
        ["sources", "add", "--id", "s", "--publisher", "并发测试", "--published", "2024"],
    ):
        done = xiezuo(*step, db=db)
        assert done.returncode == 0, done.stderr
    return db


def temporaries(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(TEMPORARY_SUFFIX)]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ─── many at once ─────────────────────────────────────────────────────────────────────────


def test_eight_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    db = new_database(tmp_path)
    failures: list[str] = []
    printed: dict[str, str] = {}

    def lane(worker: int) -> None:
        for index in range(ADDS):
            item = f"lane{worker}-{index}"
            done = xiezuo(*add_args(item, db), db=db)
            if done.returncode != 0:
                failures.append(f"{item}: exit {done.returncode}: {done.stderr}")
                return
            printed[item] = done.stdout.strip()

    began = time.monotonic()
    lanes = [threading.Thread(target=lane, args=(worker,)) for worker in range(WORKERS)]
    for thread in lanes:
        thread.start()
    for thread in lanes:
        thread.join()
    elapsed = time.monotonic() - began
    print(
        f"\n{WORKERS} processes at a time x {ADDS} `xiezuo add` each: {elapsed:.1f} s "
        f"({elapsed / (WORKERS * ADDS) * 1000:.0f} ms per add, {os.cpu_count()} cores)"
    )
    assert failures == []

    loaded = dataset.load(db)  # valid: the checked reader and every rule of the model
    assert len(loaded.records) == WORKERS * ADDS
    by_item = {record.item: record for record in loaded.records}
    assert len(by_item) == WORKERS * ADDS
    ids = {record.id for record in loaded.records}
    assert ids == {f"r-{n}" for n in range(1, WORKERS * ADDS + 1)}  # every id once, none lost
    assert all(by_item[item].id == record_id for item, record_id in printed.items())
    stored = [doc["item"] for doc in store.read_tables(db)["record"]]
    for worker in range(WORKERS):  # each lane's figures, all there and in the order it added them
        mine = [item for item in stored if item.startswith(f"lane{worker}-")]
        assert mine == [f"lane{worker}-{index}" for index in range(ADDS)]
    assert temporaries(tmp_path) == []


# ─── killed and interrupted ───────────────────────────────────────────────────────────────


# The disk is made slow (each fsync takes SLOW_FSYNC seconds more), as a real one can be, so that
# a good share of the signals land while the temporary file is written; the processes are still
# `python -m xiezuo_cli add`.
SLOW_FSYNC = 0.05
SITECUSTOMIZE = f"""
import os, time
_fsync = os.fsync
def _slow_fsync(descriptor):
    time.sleep({SLOW_FSYNC})
    _fsync(descriptor)
os.fsync = _slow_fsync
"""


@pytest.fixture(scope="module")
def slow_disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slow-disk")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A database of about 2 MB (BULK sources), with 苍溪's pairing and the source s."""
    folder = tmp_path_factory.mktemp("big")
    db = new_database(folder)
    with store.transaction(db, timeout=10) as tables:
        tables["source"] += [
            {
                "id": f"bulk-{index}",
                "title": None,
                "publisher": "批量",
                "author": None,
                "published": "2024",
                "published_inferred": False,
                "url": None,
                "reprint_of": None,
                "excerpt_only": False,
                "text_held": False,
                "text_file": None,
                "note": "甲" * 40,
            }
            for index in range(BULK)
        ]
    return db.read_bytes()


def after_adding(before: bytes, item: str, folder: Path) -> bytes:
    """The bytes of the database once `xiezuo add` of ``item`` has been written to ``before``."""
    scratch = folder / "scratch.json"
    scratch.write_bytes(before)
    tables = store.read_tables(scratch)
    fields = {
        "pairing": "苍溪",
        "category": "人才交流",
        "measure": "人数",
        "item": item,
        "value": "1",
        "unit": "人",
        "citations": [{"source": "s", "quote": None, "note": None}],
    }
    tables["record"].append(documents.record_document(fields, tables, str(folder)))
    scratch.unlink()
    return store.serialized(tables)


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT], ids=["KILL", "INT"])
def test_signal_during_add_leaves_before_or_after(
    tmp_path: Path, big: bytes, slow_disk: Path, signal_number: int
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "my.json"
    db.write_bytes(big)

    # How long an add takes, start-up to exit (the longest of two), and that it does what the
    # expected "after" state says, byte for byte.
    window = 0.0
    for item in ("calibrate-1", "calibrate-2"):
        expected = after_adding(db.read_bytes(), item, tmp_path)
        began = time.monotonic()
        done = xiezuo(*add_args(item, db), db=db, slow_disk=slow_disk)
        window = max(window, time.monotonic() - began)
        assert done.returncode == 0, done.stderr
        assert db.read_bytes() == expected
    window *= 1.15  # some signals come after the write, or after exit

    chooser = random.Random(SEED + signal_number)
    outcomes: Counter[str] = Counter()
    began = time.monotonic()
    for kill in range(KILLS):
        before = db.read_bytes()
        item = f"signal-{kill}"
        after = after_adding(before, item, tmp_path)
        process = subprocess.Popen(
            [sys.executable, "-m", "xiezuo_cli", *add_args(item, db)],
            env=environment(db, slow_disk),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Spread over the whole run, start-up included, but mostly after start-up, where the
        # database is read, checked and written.
        time.sleep(chooser.uniform(0.2, 1.0) * window)
        process.send_signal(signal_number)
        _, error = process.communicate(timeout=TIMEOUT)

        now = db.read_bytes()
        assert digest(now) in (digest(before), digest(after)), f"a third state after {kill}"
        outcome = "before" if now == before else "after"
        outcomes[outcome] += 1
        left = temporaries(folder)
        if signal_number == signal.SIGKILL:
            assert process.returncode in (-signal.SIGKILL, 0), error
            if left:
                outcomes["killed mid-write (temporary file left)"] += 1
            for path in left:  # a later write removes these once they are old
                path.unlink()
        else:
            # Ctrl-C: 130 from the CLI's edge; 0 if it came after the work was done; death by
            # SIGINT if it came before Python's handler or after it was restored at exit.
            assert process.returncode in (130, 0, -signal.SIGINT), error
            if process.returncode == 0:
                assert outcome == "after"
            if process.returncode == 130:
                assert "Traceback" not in error, error
            outcomes[f"exit {process.returncode}"] += 1
            assert left == []
    dataset.load(db)  # the last state loads and validates (each state was one of two valid ones)
    elapsed = time.monotonic() - began
    print(
        f"\n{signal.Signals(signal_number).name} x {KILLS} during `xiezuo add` in {elapsed:.1f} s "
        f"(one add {window / 1.15 * 1000:.0f} ms, {len(big) / 1e6:.1f} MB): {dict(outcomes)}"
    )
    assert outcomes["before"] and outcomes["after"], outcomes
    if signal_number == signal.SIGKILL:
        assert outcomes["killed mid-write (temporary file left)"], outcomes


# ─── killed and interrupted during `xiezuo import` ─────────────────────────────────────────


def import_file_for(item: str, before: bytes, folder: Path) -> tuple[Path, bytes]:
    """A JSON Lines file of one new figure, as `xiezuo export --format jsonl` writes it, and the
    bytes the database has once it is imported (computed in this process, by the import's own
    planner: independent of the process that is killed)."""
    from xiezuo_cli.authoring import import_reader, importing

    with_it = folder / "with-it.json"
    with_it.write_bytes(after_adding(before, item, folder))
    added = next(r for r in dataset.load(with_it, use_index=False).records if r.item == item)
    rows_file = folder / f"{item}.jsonl"
    rows_file.write_text(json.dumps(added.as_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    scratch = folder / "scratch-import.json"
    scratch.write_bytes(before)
    tables = store.read_tables(scratch)
    rows, problems, unread, _format = import_reader.read_rows(str(rows_file), None, None, None)
    assert not problems and not unread
    outcome = importing.plan_import(rows, tables, str(scratch))
    assert outcome.rejected == 0, outcome.problems
    tables.update(outcome.tables)
    for path in (with_it, scratch):
        path.unlink()
    return rows_file, store.serialized(tables)


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT], ids=["KILL", "INT"])
def test_signal_during_import_leaves_before_or_after(
    tmp_path: Path, big: bytes, signal_number: int
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "my.json"
    db.write_bytes(big)
    args = ("--db", str(db), "--timeout", "60")

    window = 0.0
    for item in ("import-calibrate-1", "import-calibrate-2"):
        rows_file, expected = import_file_for(item, db.read_bytes(), tmp_path)
        began = time.monotonic()
        done = xiezuo("import", str(rows_file), *args, db=db)
        window = max(window, time.monotonic() - began)
        assert done.returncode == 0, done.stderr
        assert db.read_bytes() == expected
    window *= 1.15

    chooser = random.Random(SEED + 100 + signal_number)
    outcomes: Counter[str] = Counter()
    for kill in range(KILLS):
        before = db.read_bytes()
        rows_file, after = import_file_for(f"import-signal-{kill}", before, tmp_path)
        process = subprocess.Popen(
            [sys.executable, "-m", "xiezuo_cli", "import", str(rows_file), *args],
            env=environment(db),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(chooser.uniform(0.2, 1.0) * window)
        process.send_signal(signal_number)
        _, error = process.communicate(timeout=TIMEOUT)
        now = db.read_bytes()
        assert digest(now) in (digest(before), digest(after)), f"a third state after {kill}"
        outcomes["before" if now == before else "after"] += 1
        if signal_number == signal.SIGINT:
            assert process.returncode in (130, 0, -signal.SIGINT), error
            if process.returncode == 130:
                assert "Traceback" not in error, error
            assert temporaries(folder) == []
        else:
            assert process.returncode in (-signal.SIGKILL, 0), error
            for path in temporaries(folder):
                path.unlink()
    dataset.load(db, use_index=False)
    assert outcomes["before"] and outcomes["after"], outcomes
