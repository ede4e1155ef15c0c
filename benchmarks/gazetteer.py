"""What the country's places cost: loading data/gazetteer.tsv and looking a name up.

`pairs add --provider 路桥`, `places add` and a sheet's import will look places up in the
gazetteer (xiezuo_cli.storage.gazetteer); they must stay within 3x a bundled `xiezuo funds
--pair 苍溪 --csv`, so the lookup itself may cost a few tens of ms at most. This times, in fresh
processes run round-robin (floor, then each command, then the floor again ...):

- `python -c pass`, the floor;
- `python -c 'import xiezuo_cli.model.names'`, what any write command has imported already;
- a fresh process that imports the gazetteer, loads it and looks up 苍溪 (and one that resolves
  a chained name, 四川省广元市苍溪县);
- `xiezuo funds --pair 苍溪 --csv` on the bundled data, the command the limit is set against;

and, inside fresh processes, the load, the first lookup, later lookups (plain, chained and
ambiguous names) and a "did you mean" (closest) on their own, with time.perf_counter. It prints
the data file's size, and gzip -9's size of it (close to what the wheel's zip holds).

    .venv/bin/python benchmarks/gazetteer.py               # 30 rounds after 3 warm-up rounds
    .venv/bin/python benchmarks/gazetteer.py --runs 50 --json

Bytecode goes to a private cache folder (PYTHONPYCACHEPREFIX, PYTHONDONTWRITEBYTECODE removed),
as for an installed package. Standard library only; a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DROPPED_ENV = ("XIEZUO_DB", "XIEZUO_NO_FASTPATH", "XIEZUO_DEBUG")
FLOOR = "python -c pass"
MAIN = "funds --pair 苍溪 --csv"
LOOKUP = "import + load + lookup 苍溪"
CHAINED = "四川省广元市苍溪县"

# Run in a fresh process: prints the times of each step, in ms, as JSON.
_INSIDE = """
import json, time
t0 = time.perf_counter()
from xiezuo_cli.storage import gazetteer
t1 = time.perf_counter()
gazetteer.vintage()  # the load alone
t2 = time.perf_counter()
assert [p.id for p in gazetteer.lookup("苍溪")] == ["510824"]
t3 = time.perf_counter()
names = ["广元市苍溪县", "四川苍溪", "甘孜州康定", "朝阳区", "广安", "Kāngdìng", "蒼溪", "510824"]
for name in names:
    assert gazetteer.lookup(name), name
t4 = time.perf_counter()
assert gazetteer.closest("苍西")
t5 = time.perf_counter()
ms = 1000.0
print(json.dumps({"import": (t1 - t0) * ms, "load": (t2 - t1) * ms, "first lookup": (t3 - t2) * ms,
                  "later lookup": (t4 - t3) * ms / len(names), "closest": (t5 - t4) * ms}))
"""


def pad(text: str, width: int) -> str:
    """Pad to a width in terminal columns: a Chinese character takes two."""
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in text)
    return text + " " * (width - len(text) - wide)


def give_up(message: str) -> None:
    print(f"gazetteer.py: {message}", file=sys.stderr)
    sys.exit(2)


def commands() -> dict[str, list[str]]:
    script = Path(sys.executable).parent / "xiezuo"
    if not script.is_file():
        give_up(f"no `xiezuo` next to {sys.executable}; run this with .venv/bin/python")
    py = sys.executable
    lookup = "from xiezuo_cli.storage import gazetteer; gazetteer.lookup({!r})"
    return {
        FLOOR: [py, "-c", "pass"],
        "python -c 'import xiezuo_cli.model.names'": [py, "-c", "import xiezuo_cli.model.names"],
        LOOKUP: [py, "-c", lookup.format("苍溪")],
        f"{LOOKUP[:-2]}{CHAINED}": [py, "-c", lookup.format(CHAINED)],
        MAIN: [str(script), "funds", "--pair", "苍溪", "--csv"],
    }


def run(argv: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        give_up(f"{argv} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds (default 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    cmds = commands()
    inside = [sys.executable, "-c", _INSIDE]
    times: dict[str, list[float]] = {label: [] for label in cmds}
    steps: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="xiezuo-bench-pycache-") as pycache:
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {"NO_COLOR": "1", "PYTHONPYCACHEPREFIX": pycache}
        for round_no in range(args.warmup + args.runs):
            for label, argv in cmds.items():
                elapsed, _ = run(argv, env)
                if round_no >= args.warmup:
                    times[label].append(elapsed * 1000.0)
            _, out = run(inside, env)
            if round_no >= args.warmup:
                for step, ms in json.loads(out).items():
                    steps.setdefault(step, []).append(ms)
    from xiezuo_cli.storage import gazetteer

    data = Path(gazetteer.data_path()).read_bytes()
    floor, main_ms = statistics.median(times[FLOOR]), statistics.median(times[MAIN])
    report = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "runs": args.runs,
        "processes": [
            {
                "label": label,
                "median_ms": statistics.median(ms),
                "min_ms": min(ms),
                "x_floor": statistics.median(ms) / floor,
                "x_funds": statistics.median(ms) / main_ms,
            }
            for label, ms in times.items()
        ],
        "in_process_median_ms": {step: statistics.median(ms) for step, ms in steps.items()},
        "file": {
            "path": os.path.relpath(gazetteer.data_path(), ROOT),
            "bytes": len(data),
            "gzip_bytes": len(gzip.compress(data, 9)),
            "places": sum(1 for _ in gazetteer.places()),
        },
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.runs} interleaved rounds, Python {report['python']}, {report['cpus']} CPUs")
    print(f"{pad('fresh process', 46)} {'median':>9} {'min':>9} {'× floor':>8} {'× funds':>8}")
    for row in report["processes"]:
        print(
            f"{pad(row['label'], 46)} {row['median_ms']:>6.1f} ms {row['min_ms']:>6.1f} ms "
            f"{row['x_floor']:>7.2f}× {row['x_funds']:>7.2f}×"
        )
    print("inside a fresh process (median):")
    for step, ms in report["in_process_median_ms"].items():
        print(f"  {step:<14} {ms:8.3f} ms")
    f = report["file"]
    print(
        f"{f['path']}: {f['places']} places, {f['bytes'] / 1024:.0f} KiB "
        f"({f['gzip_bytes'] / 1024:.0f} KiB gzipped)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
