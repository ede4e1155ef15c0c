"""How long a lossless copy and a guarded import take (issue 17 part B).

Times, as separate processes, each the median of --runs runs, beside `python -c pass` and a
bundled `xiezuo funds --csv` (a peer in the same run):

- ``xiezuo init NEW --from bundled``: the copy (tables and held texts); the goal is under 1 s;
- ``xiezuo import ROWS.jsonl`` of 1,000 new money rows (bundled money figures with new ids,
  amounts and items, citing a source with no held text) into a fresh copy: every row meets the
  guards at entry (a figure entered twice, a figure before its pairing began), which look up
  one key of an index, never every record; the goal is under 3 s.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/copy_bench.py [--runs R]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XIEZUO = str(Path(sys.executable).with_name("xiezuo"))


def timed(argv: list[str], runs: int, before: object = None) -> float:
    times = []
    for _ in range(runs):
        if callable(before):
            before()
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rows(bundled_export: list[dict[str, object]], count: int) -> list[dict[str, object]]:
    money = [r for r in bundled_export if r["amount_yuan"] is not None and r["part_of"] is None]
    money = [r for r in money if r["revises"] is None and r["derivation"] is None]
    made = []
    for n in range(count):
        row = dict(money[n % len(money)])
        amount = 1000 + n  # yuan: no two alike, none like a stored figure
        row.update(
            id=f"bench-{n}",
            item=f"测试项目{n}",
            amount_yuan=amount,
            value=amount,
            figure=f"{amount}元",
            approx="exact",
            scope="item",
            source="bench-source",
            quote=None,
            citations=[{"source": "bench-source", "quote": None, "note": None}],
            note=None,
        )
        made.append(row)
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        env_db = {**os.environ}
        export = subprocess.run([XIEZUO, "export"], check=True, capture_output=True, text=True)
        sheet = base / "rows.jsonl"
        with sheet.open("w", encoding="utf-8") as out:
            for row in rows(json.loads(export.stdout), args.rows):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        counter = iter(range(10**6))
        target = {"path": ""}

        def fresh_path() -> None:
            target["path"] = str(base / f"copy-{next(counter)}.json")

        def fresh_copy() -> None:
            fresh_path()
            subprocess.run(
                [XIEZUO, "init", target["path"], "--from", "bundled"],
                check=True,
                stdout=subprocess.DEVNULL,
                env=env_db,
            )
            subprocess.run(
                [
                    XIEZUO,
                    "sources",
                    "add",
                    "--id",
                    "bench-source",
                    "--publisher",
                    "测试",
                    "--published",
                    "2030-01-01",
                    "--db",
                    target["path"],
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )

        python = timed([sys.executable, "-c", "pass"], args.runs)
        funds = timed([XIEZUO, "funds", "--csv"], args.runs)
        init_times, import_times = [], []
        for _ in range(args.runs):
            fresh_path()
            start = time.perf_counter()
            subprocess.run(
                [XIEZUO, "init", target["path"], "--from", "bundled"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            init_times.append(time.perf_counter() - start)
            fresh_copy()
            start = time.perf_counter()
            subprocess.run(
                [XIEZUO, "import", str(sheet), "--db", target["path"]],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            import_times.append(time.perf_counter() - start)
        init, imported = statistics.median(init_times), statistics.median(import_times)
        print("| command | median | × python -c pass | × funds |")
        print("| --- | ---: | ---: | ---: |")
        for name, value in (
            ("python -c pass", python),
            ("xiezuo funds --csv (bundled)", funds),
            ("xiezuo init NEW --from bundled", init),
            (f"xiezuo import {args.rows} rows into a copy", imported),
        ):
            print(
                f"| `{name}` | {value * 1000:.0f} ms | {value / python:.1f} | {value / funds:.1f} |"
            )
        if init >= 1.0 or imported >= 3.0:
            sys.exit(1)


if __name__ == "__main__":
    main()
