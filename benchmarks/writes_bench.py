"""Issue 19's table, remeasured: writes, the first read after a write, and warm reads, on
real-shaped databases (realshaped.py), each against a peer timed in the same rounds.

For each size (10,000 and 100,000 records; ``--include-1m`` adds 1,000,000) the database is made
by realshaped.py in a child process, exported once to SQLite (``xiezuo export --format sqlite``),
and read once untimed (which writes its index). Then each round, every step a fresh process:

- ``add``: one figure added (``xiezuo add … --id bench-<n>``) to the indexed database;
- ``funds --by pairing --csv`` straight after it: the first read after a write;
- the same again (warm), and ``list --pair yuhang-cangxi --csv`` (40 records, warm);
- ``funds --by pairing --csv`` on a copy never read before (a fresh cache folder): the first
  read of a file, which parses and validates it whole and writes its index;
- the peers: ``jq '[.record[].amount_yuan | values] | add'`` (one pass over the file), sqlite3
  summing ``fund_totals`` of the export by pairing, and ``python -c pass``.

The first round is untimed (it fills the file and bytecode caches); the table gives medians of
the others: wall time and peak RSS (GNU time's %M), and each ratio the issue asks for. Before
timing, the funds CSV's total must be sqlite3's over the export. Results go to
``writes_results.md`` beside this script (``--no-results``: only printed).

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/writes_bench.py [--runs 5]
    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/writes_bench.py --include-1m
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
XIEZUO = [sys.executable, "-m", "xiezuo_cli"]
PAIRING = "yuhang-cangxi"  # copy 0 of the bundled pairing with the most records (40)
# scale.py's query: fund_totals is a view, and this is the grouping it is made for (a bare
# GROUP BY pairing over it took minutes at 100,000 records).
SQL = (
    "SELECT pairing, category, measure, level, stage, SUM(amount_yuan) AS amount_yuan, "
    "MAX(at_least) AS at_least, MAX(about) AS about, SUM(records) AS records "
    "FROM fund_totals GROUP BY pairing, category, measure, level, stage"
)
JQ = "[.record[].amount_yuan | values] | add"


def give_up(message: str) -> None:
    print(f"writes_bench: {message}", file=sys.stderr)
    raise SystemExit(1)


def timed(argv: list[str], env: dict[str, str], out: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of one fresh process."""
    stats = out.with_suffix(".time")
    started = time.perf_counter()
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        status = subprocess.call(
            ["/usr/bin/time", "-o", str(stats), "-f", "%M", *argv],
            stdout=stdout,
            stderr=stderr,
            env=env,
        )
    seconds = time.perf_counter() - started
    if status != 0:
        give_up(f"{' '.join(argv)}: exit {status}\n{out.with_suffix('.err').read_text()[-2000:]}")
    peak = int(stats.read_text().split()[-1]) / 1024
    return seconds, peak, out.read_text("utf-8")


def add_argv(db: Path, number: int) -> list[str]:
    return [
        *XIEZUO, "add", "--pair", PAIRING, "--category", "社会帮扶", "--measure", "捐款捐物",
        "--item", "基准测试捐款", "--amount", f"{100 + number}万元", "--period", "2023",
        "--source", "yuhang-cangxi-chinanews-2021-11-17", "--id", f"bench-{number}",
        "--db", str(db),
    ]  # fmt: skip


def funds_total(text: str) -> int:
    rows = list(csv.DictReader(io.StringIO(text)))
    return sum(int(row["amount_yuan"] or 0) for row in rows)


def measure(size: int, runs: int, folder: Path) -> tuple[str, dict[str, list[tuple[float, float]]]]:
    db = folder / f"real-{size}.json"
    make = [sys.executable, str(HERE / "realshaped.py"), str(size), "-o", str(db)]
    subprocess.run(make, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    megabytes = db.stat().st_size / 2**20
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIEZUO_")}
    env |= {"XDG_CACHE_HOME": str(folder / "cache"), "NO_COLOR": "1", "COLUMNS": "200"}
    env["XIEZUO_MAX_DB_BYTES"] = str(max(db.stat().st_size * 2, 256 * 2**20))
    export = folder / f"real-{size}.sqlite"
    subprocess.run(
        [*XIEZUO, "export", "--format", "sqlite", "-o", str(export), "--db", str(db)],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    out = folder / "out.txt"
    funds = [*XIEZUO, "funds", "--by", "pairing", "--csv", "--db", str(db)]
    fresh_copy = folder / "fresh.json"
    steps: dict[str, list[str]] = {
        "add": [],  # made per round
        "cold": funds,
        "warm": funds,
        "list": [*XIEZUO, "list", "--pair", PAIRING, "--csv", "--db", str(db)],
        "first": [*XIEZUO, "funds", "--by", "pairing", "--csv", "--db", str(fresh_copy)],
        "jq": ["jq", JQ, str(db)],
        "sqlite3": ["sqlite3", str(export), SQL],
        "floor": [sys.executable, "-c", "pass"],
    }
    got: dict[str, list[tuple[float, float]]] = {step: [] for step in steps}
    _seconds, _peak, text = timed(funds, env, out)  # untimed: writes the index
    _seconds, _peak, summed = timed(steps["sqlite3"], env, out)
    by_sql = sum(int(line.split("|")[5] or 0) for line in summed.splitlines())
    if funds_total(text) != by_sql:
        give_up(f"funds totals {funds_total(text)} but sqlite3 over the export {by_sql}")
    for round_number in range(runs + 1):
        for step, argv in steps.items():
            step_env = env
            if step == "add":
                argv = add_argv(db, round_number)
            if step == "first":
                shutil.copyfile(db, fresh_copy)
                step_env = {**env, "XDG_CACHE_HOME": str(folder / f"fresh-cache-{round_number}")}
            seconds, peak, _text = timed(argv, step_env, out)
            if step == "first":
                shutil.rmtree(folder / f"fresh-cache-{round_number}", ignore_errors=True)
            if round_number:
                got[step].append((seconds, peak))
                print(f"  {size:,} {step}: {seconds:.2f} s, {peak:.0f} MiB", file=sys.stderr)
    shape = f"{size:,} real-shaped records, {megabytes:.1f} MiB of JSON"
    return shape, got


def table(shape: str, got: dict[str, list[tuple[float, float]]], runs: int) -> str:
    wall = {step: statistics.median(s for s, _ in values) for step, values in got.items()}
    peak = {step: statistics.median(p for _, p in values) for step, values in got.items()}

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:.1f} s"

    rows = [
        ("cold `funds --by pairing --csv` (first read after a write) ÷ one `jq` pass",
         "cold", "jq", "≤ 0.7×"),
        ("one `add` ÷ a warm `funds`", "add", "warm", "≤ 1.5×"),
        ("warm `list --pair ONE-PAIRING` (40 records) ÷ `python -c pass`",
         "list", "floor", "≤ 3×"),
        ("warm `funds` ÷ sqlite3 over `fund_totals` of the SQLite export",
         "warm", "sqlite3", "≤ 1×"),
        ("first read of a file never read (parse, validate, write the index) ÷ `jq`",
         "first", "jq", ""),
    ]  # fmt: skip
    lines = [
        f"### {shape}",
        "",
        f"Medians of {runs} rounds, each step a fresh process.",
        "",
        "| ratio | now | goal | this | peer | peak RSS (this, peer) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, this, peer, goal in rows:
        lines.append(
            f"| {label} | {wall[this] / wall[peer]:.2f}× | {goal} | {ms(wall[this])} | "
            f"{ms(wall[peer])} | {peak[this]:,.0f} MiB, {peak[peer]:,.0f} MiB |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--include-1m", action="store_true", help="also 1,000,000 records")
    parser.add_argument("--runs-1m", type=int, default=1)
    parser.add_argument("--no-results", action="store_true", help="print, do not write the file")
    args = parser.parse_args()
    for tool in ("jq", "sqlite3"):
        if shutil.which(tool) is None:
            give_up(f"no {tool} on PATH")
    plan = [(size, args.runs) for size in args.sizes]
    if args.include_1m:
        plan.append((1_000_000, args.runs_1m))
    load = os.getloadavg()
    sections = []
    with tempfile.TemporaryDirectory(prefix="xiezuo-writes-") as scratch:
        for size, runs in plan:
            folder = Path(scratch) / str(size)
            folder.mkdir()
            shape, got = measure(size, runs, folder)
            section = table(shape, got, runs)
            print(section)
            sections.append(section)
            shutil.rmtree(folder)
    after = os.getloadavg()
    version = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    head = (
        "# writes_bench results\n\nWritten by `benchmarks/writes_bench.py` (see "
        "`benchmarks/README.md`); rerunning it overwrites this file.\n\n"
        f"Measured {time.strftime('%Y-%m-%d')} at {version or 'an unknown commit'}, on "
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"Load average {load[0]:.1f} at the start, {after[0]:.1f} at the end (a shared machine: "
        "the ratios hold better than the times).\n\n"
    )
    if not args.no_results:
        (HERE / "writes_results.md").write_text(head + "\n".join(sections), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
