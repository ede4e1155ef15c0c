"""Where the SQLite index starts to beat the marshal snapshot: the size behind index.min_bytes().

Both are derived copies of a validated database in the user's cache folder (index.py, cache.py).
A warm snapshot reads and unpacks every record; a warm index reads only what a command needs, but
importing sqlite3 costs milliseconds of its own. This times warm `funds --by pairing --csv` and
`list --pair <receiver> --csv` both ways on generated databases of growing size, alternating runs,
and prints the medians and the size where the index becomes the faster of the two.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/crossover.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # the generator of valid databases (scale.write_database)

SIZES = (200, 500, 1000, 2000, 4000, 8000, 16000)
HUGE = str(2**62)


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each (default 9)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    xiezuo = scale.find_console_script()
    print("| records | file | command | snapshot | index | index ÷ snapshot |")
    print("| ---: | ---: | --- | ---: | ---: | ---: |")
    crossing: dict[str, int | None] = {}
    with tempfile.TemporaryDirectory(prefix="xiezuo-crossover-") as work:
        for size in SIZES:
            db = Path(work) / f"db-{size}.json"
            generated = scale.write_database(db, size, args.seed)
            megabytes = db.stat().st_size / 2**20
            commands = {
                "funds": [str(xiezuo), "funds", "--db", str(db), "--by", "pairing", "--csv"],
                "list --pair": [
                    *(str(xiezuo), "list", "--db", str(db)),
                    *("--pair", generated.receiver, "--csv"),
                ],
            }
            base = {**os.environ, "XDG_CACHE_HOME": str(Path(work) / f"cache-{size}")}
            base.pop("XIEZUO_NO_INDEX", None)
            ways = {
                "snapshot": {**base, "XIEZUO_INDEX_MIN_BYTES": HUGE},
                "index": {**base, "XIEZUO_INDEX_MIN_BYTES": "0"},
            }
            for label, argv in commands.items():
                seconds: dict[str, list[float]] = {way: [] for way in ways}
                for env in ways.values():
                    timed(argv, env)  # fills the cache entry, untimed
                for _ in range(args.runs):
                    for way, env in ways.items():
                        seconds[way].append(timed(argv, env))
                snapshot = statistics.median(seconds["snapshot"])
                indexed = statistics.median(seconds["index"])
                if indexed < snapshot and crossing.get(label) is None:
                    crossing[label] = db.stat().st_size
                crossing.setdefault(label, None)
                print(
                    f"| {size:,} | {megabytes:.1f} MiB | `{label}` | {snapshot * 1000:.0f} ms "
                    f"| {indexed * 1000:.0f} ms | {indexed / snapshot:.2f} |",
                    flush=True,
                )
    for label, found in crossing.items():
        where = f"from about {found / 2**20:.1f} MiB" if found else "at none of these sizes"
        print(f"\n`{label}`: the index is faster {where}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
