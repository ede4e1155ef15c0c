"""Writers in real processes: many at once, and killed (SIGKILL) or interrupted (SIGINT) mid-write.

TinyDB's own JSONStorage writes in place: interrupted, or with writers at once, it left corrupt
files. store.transaction must lose nothing and never leave a file that is neither the state
before a write nor the state after it. Bounded for CI on two cores: about 35 s in all.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED

from xiezuo_cli import dataset, store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and processes")

SEED = 20240607
WORKERS, TRANSACTIONS = 8, 50
KILLS = 50
BULK = 4000  # sources added to the bundled file: about 2 MB, so a write takes a while
TIMEOUT = 60  # seconds any one helper may take; each takes well under one
TEMPORARY_SUFFIX = ".xiezuo-tmp"


def source_doc(source_id: str, note: str | None = None) -> dict[str, Any]:
    return {
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
        "note": note,
    }


def temporaries(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(TEMPORARY_SUFFIX)]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ─── many writers at once ─────────────────────────────────────────────────────────────────

APPEND = """
import sys
from xiezuo_cli import store
path, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()  # all start together
for index in range(count):
    with store.transaction(path, timeout=60) as tables:
        tables["source"].append({
            "id": f"writer{worker}-{index}", "title": None, "publisher": "并发测试", "author": None,
            "published": "2024", "published_inferred": False, "url": None, "reprint_of": None,
            "excerpt_only": False, "text_held": False, "text_file": None, "note": None,
        })
"""


def test_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "xiezuo.json"
    shutil.copy(BUNDLED, db)
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", APPEND, str(db), str(worker), str(TRANSACTIONS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(WORKERS)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
        running = time.monotonic()
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            _, error = worker.communicate(timeout=TIMEOUT)
            assert worker.returncode == 0, error
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    finished = time.monotonic()
    print(
        f"\n{WORKERS} processes x {TRANSACTIONS} transactions: {finished - running:.2f} s "
        f"({finished - started:.2f} s with start-up)"
    )

    sources = [doc["id"] for doc in store.read_tables(db)["source"]]
    added = [source for source in sources if source.startswith("writer")]
    assert len(added) == WORKERS * TRANSACTIONS
    assert len(set(sources)) == len(sources)
    for worker in range(WORKERS):  # each worker's documents, all there and in its order
        mine = [source for source in added if source.startswith(f"writer{worker}-")]
        assert mine == [f"writer{worker}-{index}" for index in range(TRANSACTIONS)]
    assert len(dataset.load(db).sources) == 21 + WORKERS * TRANSACTIONS
    assert temporaries(tmp_path) == []


# ─── killed and interrupted ───────────────────────────────────────────────────────────────

NOTES = ("甲" * 40, "乙" * 40)

# One transaction that rewrites the large table: every bulk source's note flips from one of
# NOTES to the other, so the file goes between two states, A and B, and nothing else is allowed.
# The disk is made slow (fsync takes SLOW_FSYNC seconds more), as a real one can be, so that a
# good share of the signals land while the temporary file is written; validation (check=False)
# is left out, as it only adds time before the write.
SLOW_FSYNC = 0.05
FLIP = f"""
import os, sys, time
from xiezuo_cli import files, locking, store  # imported before "ready"
NOTES = {NOTES!r}
fsync = os.fsync
def slow_fsync(descriptor):
    time.sleep({SLOW_FSYNC})
    fsync(descriptor)
os.fsync = slow_fsync
try:
    print("ready", flush=True)
    with store.transaction(sys.argv[1], timeout=60, check=False) as tables:
        for doc in tables["source"]:
            if doc["id"].startswith("bulk-"):
                doc["note"] = NOTES[doc["note"] == NOTES[0]]
except KeyboardInterrupt:
    sys.exit(130)
"""


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The two states, A and B, of a database of about 2 MB."""
    tables = store.read_tables(BUNDLED)
    made = {}
    for name, note in zip("AB", NOTES, strict=True):
        tables["source"][21:] = [source_doc(f"bulk-{i}", note) for i in range(BULK)]
        made[name] = store.serialized(tables)
    folder = tmp_path_factory.mktemp("states")
    for name, data in made.items():  # both load with the checked reader and validate
        (folder / name).write_bytes(data)
        assert len(dataset.load(folder / name).sources) == 21 + BULK
    return made


def start(db: Path) -> subprocess.Popen[str]:
    helper = subprocess.Popen(
        [sys.executable, "-c", FLIP, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert helper.stdout is not None and helper.stdout.readline() == "ready\n"
    return helper


def calibrate(db: Path, states: dict[str, bytes]) -> float:
    """Seconds from "ready" to the end of an uninterrupted flip (the longest of two), and a
    check that a flip goes A → B → A."""
    longest = 0.0
    for expected in "BA":
        helper = start(db)
        began = time.monotonic()
        _, error = helper.communicate(timeout=TIMEOUT)
        longest = max(longest, time.monotonic() - began)
        assert helper.returncode == 0, error
        assert db.read_bytes() == states[expected]
    return longest


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT], ids=["KILL", "INT"])
def test_signal_mid_write_leaves_before_or_after(
    tmp_path: Path, states: dict[str, bytes], signal_number: int
) -> None:
    db = tmp_path / "xiezuo.json"
    db.write_bytes(states["A"])
    other = {digest(states["A"]): "B", digest(states["B"]): "A"}
    window = calibrate(db, states) * 1.15  # some signals come after the write, or after exit
    chooser = random.Random(SEED + signal_number)
    outcomes: Counter[str] = Counter()
    began = time.monotonic()
    for _ in range(KILLS):
        before = digest(db.read_bytes())
        helper = start(db)
        time.sleep(chooser.uniform(0, window))
        helper.send_signal(signal_number)
        _, error = helper.communicate(timeout=TIMEOUT)

        # Whole, and exactly the state before or after this write: byte for byte one of the two
        # states, both of which load with the checked reader and validate (see states()).
        after = digest(db.read_bytes())
        assert after in (before, digest(states[other[before]])), "a third state"
        outcome = "before" if after == before else "after"
        outcomes[outcome] += 1
        left = temporaries(tmp_path)
        if signal_number == signal.SIGKILL:
            assert helper.returncode in (-signal.SIGKILL, 0), error
            if left:
                outcomes["killed mid-write (temporary file left)"] += 1
            for path in left:  # a later transaction removes these once they are old
                path.unlink()
        else:
            # Interrupted: 130 (KeyboardInterrupt caught, as the CLI's edge does). A signal that
            # came after the work was done finds exit 0, or, once Python has restored the default
            # action while shutting down, death by SIGINT. Either way no temporary file is left.
            assert (helper.returncode, error) in ((130, ""), (0, ""), (-signal.SIGINT, "")), error
            if helper.returncode != 130:
                assert outcome == "after"
            outcomes[f"exit {helper.returncode}"] += 1
            assert left == []
    elapsed = time.monotonic() - began
    print(
        f"\n{signal.Signals(signal_number).name} x {KILLS} in {elapsed:.2f} s "
        f"(one flip {window / 1.15 * 1000:.0f} ms, {len(states['A']) / 1e6:.1f} MB): "
        f"{dict(outcomes)}"
    )
    # The signals landed both before and after the rename, so the check above meant something.
    assert outcomes["before"] and outcomes["after"], outcomes
    if signal_number == signal.SIGKILL:
        assert outcomes["killed mid-write (temporary file left)"], outcomes
