"""How long writing takes on a large database, against reading the same database.

Builds a database of N records (default 100,000: the 191 bundled records copied over and over,
each copy with its own ids, its part_of and revises pointing inside the copy, running totals
made items so copies do not overlap; the bundled places, pairings and sources, and the held
texts beside it), writes it with store.write_tables, and times, as separate processes:

- ``xiezuo validate`` and ``xiezuo list --csv --limit 1``: reading it whole (the cache of
  validated databases off, as it is for the first command after every write);
- ``xiezuo funds --by pairing --csv`` and ``xiezuo list --pair 苍溪 --csv`` with a warm index
  (index.py): a warm read, which ``add`` is compared with too;
- ``xiezuo add``: one figure (a new id each run);
- ``xiezuo import`` of a JSON Lines file of M rows (default 10,000: bundled records with new
  ids and items, citing the database's sources, quotes checked against the held texts), each
  run into a fresh copy of the database; and the same with ``--dry-run``.

Prints the medians of a few runs, and each as a multiple of the read. If ``xiezuo add`` or
``xiezuo import`` is not wired into the CLI, what it runs is timed instead (``store.transaction``
appending one record; ``import_command.run``), and the table says so.

    .venv/bin/python benchmarks/write_bench.py [--records N] [--rows M] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from xiezuo_cli.storage import dataset, store  # noqa: E402

ENV = {**os.environ, "XIEZUO_NO_INDEX": "1", "NO_COLOR": "1"}
WARM_FUNDS = "funds --by pairing --csv (index warm)"
WARM_LIST = "list --pair 苍溪 --csv (index warm)"
ENV.pop("XIEZUO_DB", None)

# Runs the `xiezuo` entry point in-process, as the console script does.
RUNNER = """
import sys
from xiezuo_cli.cli.entry import main
sys.exit(main())
"""

# When `xiezuo add` is not wired: what it does, one record appended in one transaction.
APPEND = """
import json, sys
from xiezuo_cli.storage import store
document = json.loads(sys.argv[2])
with store.transaction(sys.argv[1], timeout=10) as tables:
    tables["record"].append(document)
"""


def _ordered(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with every part_of whole and revised figure before the records naming it,
    so any first k of them are a database on their own."""
    by_id = {r["id"]: r for r in records}
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []

    def visit(record: dict[str, Any]) -> None:
        stack = [record]
        while stack:
            current = stack[-1]
            waiting = [
                by_id[target]
                for target in (current.get("part_of"), current.get("revises"))
                if target is not None and target not in done
            ]
            if waiting:
                stack.append(waiting[0])
                continue
            stack.pop()
            if current["id"] not in done:
                done.add(current["id"])
                ordered.append(current)

    for record in records:
        visit(record)
    return ordered


def _copy(record: dict[str, Any], suffix: str) -> dict[str, Any]:
    copy = json.loads(json.dumps(record, ensure_ascii=False))
    copy["id"] = record["id"] + suffix
    for field in ("part_of", "revises"):
        if copy.get(field) is not None:
            copy[field] += suffix
    if suffix:
        copy["scope"] = "item"  # copies of one running total would overlap
    return copy


def build(folder: Path, count: int) -> Path:
    bundled = store.read_tables(dataset.bundled_path())
    base = _ordered(bundled["record"])
    records: list[dict[str, Any]] = []
    copy = 0
    while len(records) < count:
        suffix = "" if copy == 0 else f"-c{copy}"
        records += [_copy(r, suffix) for r in base[: count - len(records)]]
        copy += 1
    tables = {**bundled, "record": records}
    path = folder / "big.json"
    store.write_tables(path, tables)
    held = Path(dataset.bundled_path()).parent / "sources"
    shutil.copytree(held, folder / "sources", dirs_exist_ok=True)
    return path


def import_file(folder: Path, rows: int) -> Path:
    """M rows of bundled records with new ids and items: figures the database lacks, with the
    figure as written (the optional column), so quotes are checked against the held texts. Left
    out: a figure the build derived (its quote holds the numbers it is computed from, not the
    figure itself, which only the build may store) and the figures that name it."""
    bundled = store.read_tables(dataset.bundled_path())
    records = bundled["record"]
    left_out = {
        r["id"]
        for r in records
        if r["citations"][0]["quote"] is not None and r["figure"] not in r["citations"][0]["quote"]
    }
    while True:
        more = {r["id"] for r in records if {r["part_of"], r["revises"]} & left_out} - left_out
        if not more:
            break
        left_out |= more
    base = _ordered([r for r in records if r["id"] not in left_out])
    path = folder / "rows.jsonl"
    with open(path, "w", encoding="utf-8") as stream:
        written = 0
        copy = 0
        while written < rows:
            suffix = f"-i{copy}"
            for record in base[: rows - written]:
                row = _copy(record, suffix)
                row["item"] = f"{row['item']}（导入{copy}）"
                row["source"] = row["citations"][0]["source"]
                row["quote"] = row["citations"][0]["quote"]
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
            copy += 1
    return path


def timed(argv: list[str], expect: int = 0, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env or ENV)
    elapsed = time.perf_counter() - started
    if result.returncode != expect:
        raise SystemExit(f"{' '.join(argv[:6])} …: exit {result.returncode}\n{result.stderr}")
    return elapsed


def xiezuo(*args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, *args]


def wired(command: str) -> bool:
    probe = f"from xiezuo_cli.cli import registry; print({command!r} in registry.MODULES)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV)
    return out.stdout.strip() == "True"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in the database")
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the file imported")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (the median is shown)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="xiezuo-write-bench-") as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        db = build(folder, args.records)
        rows = import_file(folder, args.rows)
        size = db.stat().st_size
        print(
            f"built {args.records:,} records ({size / 2**20:.0f} MiB) and {args.rows:,} rows to "
            f"import in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        add_wired, import_wired = wired("add"), wired("import")
        results: dict[str, list[float]] = {}

        def run(
            label: str,
            argv: list[str],
            before: Any = None,
            expect: int = 0,
            env: dict[str, str] | None = None,
        ) -> None:
            for _ in range(args.runs):
                if before is not None:
                    before()
                results.setdefault(label, []).append(timed(argv, expect, env))
                print(f"  {label}: {results[label][-1]:.2f} s", file=sys.stderr)

        read_label = "validate (read whole, cache off)"
        run(read_label, xiezuo("validate", "--db", str(db)))
        run("list --csv --limit 1 (cache off)", xiezuo("list", "--db", str(db), "--csv", "-n", "1"))
        # Warm reads: the derived index (index.py) built once, untimed, in a cache folder of
        # this run, as it is for every query after the first one since a change.
        indexed = {**ENV, "XDG_CACHE_HOME": str(folder / "cache")}
        indexed.pop("XIEZUO_NO_INDEX")
        warm_funds = xiezuo("funds", "--db", str(db), "--by", "pairing", "--csv")
        timed(warm_funds, env=indexed)
        run(WARM_FUNDS, warm_funds, env=indexed)
        run(WARM_LIST, xiezuo("list", "--db", str(db), "--pair", "苍溪", "--csv"), env=indexed)
        counter = iter(range(1, 10**6))
        if add_wired:
            add_label = "add (one figure)"
            for _ in range(args.runs):
                number = next(counter)
                argv = xiezuo(
                    "add", "--db", str(db), "--id", f"bench-add-{number}", "--pair",
                    "yuhang-cangxi", "--category", "社会帮扶", "--measure", "捐款捐物",
                    "--item", f"基准测试捐款{number}", "--amount", f"{number}万",
                    "--period", "2021", "--actor", "social",
                    "--source", "yuhang-cangxi-chinanews-2021-11-17",
                )  # fmt: skip
                results.setdefault(add_label, []).append(timed(argv))
                print(f"  {add_label}: {results[add_label][-1]:.2f} s", file=sys.stderr)
        else:
            add_label = "store.transaction + 1 record (add not wired)"
            template = store.read_tables(dataset.bundled_path())["record"][0]
            for _ in range(args.runs):
                document = {**template, "id": f"bench-add-{next(counter)}", "part_of": None}
                argv = [sys.executable, "-c", APPEND, str(db), json.dumps(document)]
                results.setdefault(add_label, []).append(timed(argv))
                print(f"  {add_label}: {results[add_label][-1]:.2f} s", file=sys.stderr)

        pristine = folder / "pristine.json"
        shutil.copy(db, pristine)
        target = folder / "target.json"

        def fresh() -> None:
            shutil.copy(pristine, target)

        how = "" if import_wired else " (import_command, not wired)"
        fresh()
        run(
            f"import --dry-run {args.rows:,} rows{how}",
            xiezuo("import", str(rows), "--db", str(target), "--dry-run", "--csv"),
        )
        run(
            f"import {args.rows:,} rows{how}",
            xiezuo("import", str(rows), "--db", str(target)),
            before=fresh,
        )

    floor = statistics.median(results[read_label])
    warm = statistics.median(results[WARM_FUNDS])
    width = max(len(label) for label in results)
    print(
        f"{'command':<{width}}  {'median':>8}  {'min':>8}  {'× validate':>10}  {'× warm funds':>12}"
    )
    for label, times in results.items():
        median = statistics.median(times)
        print(
            f"{label:<{width}}  {median:>7.2f}s  {min(times):>7.2f}s  {median / floor:>9.2f}×  "
            f"{median / warm:>11.2f}×"
        )
    print(f"({args.records:,} records, {args.runs} runs each; medians)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
