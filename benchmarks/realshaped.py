"""Real-shaped databases: the bundled records themselves, copied until there are N of them.

``benchmarks/scale.py`` generates records from templates; these are copies of the 191 bundled
records, with their quotes, citations, notes and figures as curated, so a benchmark reads text
shaped like the real thing (long quotes, long notes, 1–2 citations, Chinese throughout).

Copy 0 is the bundled database itself. Copy k (k ≥ 1) gives every bundled pairing a copy with
the id ``<id>-c<k>`` (same places, kind, names and source) and every bundled record a copy with
the id ``<id>-c<k>`` in the copy of its own pairing, its ``part_of`` and ``revises`` pointing
inside copy k. Each copy is therefore a database of its own: running totals of one copy never
overlap those of another (they are in other pairings), and a part's whole is in the same copy.
Places and sources are shared (a source may be cited by any number of records; the held texts
are copied beside the file). The last copy is cut short: its records are taken in an order where
every ``part_of`` whole and revised figure comes before the records naming it, so any prefix is
valid. ``xiezuo validate`` accepts every size (``--check`` runs it).

    .venv/bin/python benchmarks/realshaped.py 100000 -o /tmp/r100k.json [--check]

From Python: ``tables(count)`` gives the tables, ``write(path, count)`` writes them (with the
encoder every xiezuo writer uses) and copies the held texts beside the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from write_bench import _ordered  # noqa: E402

from xiezuo_cli.storage import dataset, store  # noqa: E402

Tables = dict[str, list[dict[str, Any]]]


def bundled() -> Tables:
    return store.read_tables(dataset.bundled_path())


def tables(count: int, base: Tables | None = None) -> Tables:
    """The bundled tables with ``count`` records: copies of the bundled ones (see above)."""
    base = base if base is not None else bundled()
    records_in_order = _ordered(base["record"])
    records: list[dict[str, Any]] = []
    pairings: list[dict[str, Any]] = []
    copy = 0
    while len(records) < count:
        suffix = f"-c{copy}" if copy else ""
        pairings += [{**pairing, "id": pairing["id"] + suffix} for pairing in base["pairing"]]
        for record in records_in_order[: count - len(records)]:
            records.append(_copied(record, suffix))
        copy += 1
    if not pairings:  # count 0: the bundled places, pairings and sources, and no record
        pairings = list(base["pairing"])
    return {**base, "pairing": pairings, "record": records}


def _copied(record: dict[str, Any], suffix: str) -> dict[str, Any]:
    if not suffix:
        return record
    copy = dict(record)  # the text and the citations are shared, never changed
    copy["id"] += suffix
    copy["pairing"] += suffix
    for link in ("part_of", "revises"):
        if copy.get(link) is not None:
            copy[link] += suffix
    return copy


def write(path: Path, count: int, base: Tables | None = None) -> Path:
    """Write a real-shaped database of ``count`` records to ``path`` (the held texts beside it).

    A file over xiezuo's size limit (256 MiB, about 250,000 of these records) is written with the
    limit raised: read it with XIEZUO_MAX_DB_BYTES set to at least its size."""
    saved = os.environ.get("XIEZUO_MAX_DB_BYTES")
    os.environ["XIEZUO_MAX_DB_BYTES"] = str(64 * 2**30)
    try:
        store.write_tables(path, tables(count, base))
    finally:
        if saved is None:
            del os.environ["XIEZUO_MAX_DB_BYTES"]
        else:
            os.environ["XIEZUO_MAX_DB_BYTES"] = saved
    held = Path(dataset.bundled_path()).parent / "sources"
    shutil.copytree(held, path.parent / "sources", dirs_exist_ok=True)
    return path


def check(path: Path) -> str:
    """``xiezuo validate`` on the file, in a child process with the caches off; its line."""
    size = path.stat().st_size
    env = {**os.environ, "XIEZUO_NO_INDEX": "1", "XIEZUO_MAX_DB_BYTES": str(max(size, 1))}
    argv = [sys.executable, "-m", "xiezuo_cli", "validate", "--db", str(path)]
    result = subprocess.run(argv, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{path}: xiezuo validate failed: {result.stderr.strip()}")
    return result.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=int, help="how many records")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    parser.add_argument("--check", action="store_true", help="run `xiezuo validate` on it")
    args = parser.parse_args()
    started = time.perf_counter()
    write(args.output, args.records)
    size = args.output.stat().st_size
    print(
        f"{args.output}: {args.records:,} records, {size / 2**20:.1f} MiB, "
        f"written in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    if args.check:
        print(check(args.output), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
