"""fastjson.py's reader and writer against store.py's strict ones and jq, on real-shaped data.

For each size (default 10,000 and 100,000 records; ``--include-1m`` adds 1,000,000), a database
of copies of the bundled records (benchmarks/realshaped.py) is written with store.write_tables,
and then, in the same run and interleaved (one untimed round, then ``--runs`` rounds), each of
these runs as a fresh process that reads the file's bytes, pauses the garbage collector (as
loading and writing do, heap.py) and does one thing:

- read: ``store.CheckedStorage(path, data).read()`` (today's strict parse: the decoder with its
  hooks, the depth walk); ``fastjson.loads_database`` (msgspec with the checks, falling back to
  the strict parse); plain ``msgspec.json.decode`` (no check at all: what the checks cost); the
  msgspec import is inside the timed step for both, as it would be on the load path;
- write the tables read from the file: ``store._serialized`` (today: ``json.dumps`` with
  indent 1, then a strict parse of its own output); ``json.dumps`` alone; ``fastjson.serialized``;
- splice one record onto the file's bytes: ``fastjson.append_records``;
- fastjson's fixed cost, paid once by a process that uses it: importing msgspec and building
  its types (both on first use);
- the peers: ``jq '[.record[].amount_yuan | values] | add' FILE`` (one pass over the file,
  summing the money) and ``python -c pass``.

Every reader prints the number of records and the sum of ``amount_yuan`` it read, which must be
jq's sum; every writer prints the CRC-32 of what it made, which must be the file's own (the
writers are byte for byte the same) or, for the splice, that of the whole file encoded again
with the record appended. Any difference stops the script (exit 1).

It prints, and writes to benchmarks/fastjson_results.md, per size: the median time of the step
itself (timed inside the process, after the bytes are read), the median wall time and peak RSS
of the whole process (GNU time's %M), and the ratios: step ÷ the strict parse (or ÷ today's
writer), process ÷ jq.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/fastjson_bench.py [--runs 5]
    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/fastjson_bench.py \
        --sizes 100000 --include-1m --runs 3

Exit status: 0 done, 1 the programs disagree, 2 it could not measure.
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
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import realshaped  # noqa: E402
from scale import machine, run  # noqa: E402

RESULTS = HERE / "fastjson_results.md"
ONE_MILLION = 1_000_000

# One step in a fresh process: argv[1] the step, argv[2] the file, argv[3] a record to splice.
CHILD = r"""
import gc, json, sys, time, zlib
step, path = sys.argv[1], sys.argv[2]
from xiezuo_cli.storage import fastjson, rawfile, store
gc.disable()
data = rawfile.read_checked(path)
if step.startswith("write") or step == "expect":
    # The tables, read as read_tables reads them (untimed; the fast reader, to spare a minute
    # and gigabytes at a million records).
    raw = fastjson.loads_database(data, path, lambda d, p: store.CheckedStorage(p, d).strict(d))
    tables = {name: [raw[name][key] for key in sorted(raw[name], key=int)] for name in store.TABLES}
    del raw
if step in ("splice", "expect"):
    added = [json.loads(sys.argv[3])]
if step == "expect":  # what the readers must sum, and the splice must write: store.py's bytes
    records = tables["record"]
    money = sum(r["amount_yuan"] for r in records if r.get("amount_yuan") is not None)
    crc = zlib.crc32(data)
    del data
    tables["record"] = [*records, *added]
    print(len(records), money, crc, zlib.crc32(store.serialized(tables)))
    sys.exit()
started = time.perf_counter()
if step == "fixed":
    fastjson._reader(), fastjson._writable()
    print(time.perf_counter() - started, 0, 0)
    sys.exit()
if step == "read-strict":
    out = store.CheckedStorage(path, data).read()
elif step == "read-fast":
    out = fastjson.loads_database(data, path, lambda d, p: store.CheckedStorage(p, d).strict(d))
elif step == "read-msgspec":
    import msgspec
    out = msgspec.json.decode(data)
elif step == "write-today":
    out = store._serialized(path, tables)
elif step == "write-dumps":
    data_ = {name: {str(i): doc for i, doc in enumerate(tables[name], 1)} for name in store.TABLES}
    out = (json.dumps(data_, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode()
elif step == "write-fast":
    out = fastjson.serialized(path, tables, store._serialized)
elif step == "splice":
    out = fastjson.append_records(data, added)
elapsed = time.perf_counter() - started
if step.startswith("read"):
    records = out["record"].values()
    money = sum(r["amount_yuan"] for r in records if r.get("amount_yuan") is not None)
    print(elapsed, len(records), money)
else:
    print(elapsed, zlib.crc32(out), len(out))
"""

STEPS = {
    "fixed": "fastjson's fixed cost: import msgspec, build its types",
    "read-strict": "read: strict parse (today)",
    "read-fast": "read: fastjson.loads_database",
    "read-msgspec": "read: msgspec.json.decode, no checks",
    "write-today": "write: store._serialized (today: json.dumps + its strict re-parse)",
    "write-dumps": "write: json.dumps(indent=1) alone",
    "write-fast": "write: fastjson.serialized",
    "splice": "write: fastjson.append_records, one record",
    "jq": "jq: one pass summing amount_yuan",
    "floor": "python -c pass",
}
READS = ("read-strict", "read-fast", "read-msgspec")
WRITES = ("write-today", "write-dumps", "write-fast")


@dataclass
class Measured:
    inner: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    peak: list[int] = field(default_factory=list)
    out: str = ""

    def median(self, what: str) -> float:
        values = getattr(self, what)
        return statistics.median(values) if values else float("nan")


def give_up(message: str, status: int = 2) -> None:
    print(f"fastjson_bench.py: {message}", file=sys.stderr)
    sys.exit(status)


def argv_of(step: str, db: Path, record: str) -> list[str]:
    if step == "jq":
        return ["jq", "[.record[].amount_yuan | values] | add", str(db)]
    if step == "floor":
        return [sys.executable, "-c", "pass"]
    return [sys.executable, "-c", CHILD, step, str(db), record]


def measure(
    size: int, runs: int, steps: list[str], folder: Path
) -> tuple[dict[str, Measured], dict[str, float]]:
    db = folder / f"real-{size}.json"
    # Written, and the expected results worked out, by child processes: this one stays small.
    started = time.perf_counter()
    make = [sys.executable, str(HERE / "realshaped.py"), str(size), "-o", str(db)]
    subprocess.run(make, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    written_in = time.perf_counter() - started
    file_bytes = db.stat().st_size
    print(f"{size:,} records: {file_bytes / 2**20:.1f} MiB in {written_in:.1f} s", file=sys.stderr)
    template = realshaped.bundled()["record"][0]
    record = json.dumps({**template, "id": "bench-spliced"}, ensure_ascii=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIEZUO_")}
    env["XIEZUO_MAX_DB_BYTES"] = str(max(file_bytes * 2, 256 * 2**20))
    expected = subprocess.run(
        argv_of("expect", db, record), env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    count, money, crc, spliced_crc = map(int, expected)
    if count != size:
        give_up(f"the file holds {count:,} records, not {size:,}")
    results = {step: Measured() for step in steps}
    out = folder / "out.txt"
    for round_number in range(runs + 1):
        for step in steps:
            seconds, peak, status = run(argv_of(step, db, record), env, out)
            text = out.read_text("utf-8").strip()
            if status != 0:
                error = out.with_suffix(".err").read_text("utf-8", "replace")
                give_up(f"{step} at {size:,}: exit {status}\n{error[-2000:]}")
            check(step, text, size, money, crc, spliced_crc)
            if round_number == 0:
                continue  # untimed: fills the file and bytecode caches
            got = results[step]
            got.wall.append(seconds)
            got.peak.append(peak)
            if step not in ("jq", "floor"):
                got.inner.append(float(text.split()[0]))
            print(f"  {step}: {seconds:.2f} s, {peak / 1024:.0f} MiB", file=sys.stderr)
    shape = {"bytes": file_bytes, "written_in": written_in, "money": money}
    db.unlink()
    return results, shape


def check(step: str, text: str, size: int, money: int, crc: int, spliced_crc: int) -> None:
    if step in ("floor", "fixed"):
        return
    if step == "jq":
        if int(text) != money:
            give_up(f"jq's sum {text} is not the records' {money}", 1)
        return
    _, first, second = text.split()
    if step in READS:
        if (int(first), int(second)) != (size, money):
            give_up(f"{step} read {first} records summing {second}, not {size} and {money}", 1)
    elif int(first) != (spliced_crc if step == "splice" else crc):
        give_up(f"{step} wrote other bytes than today's writer (CRC-32 {first})", 1)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def table(size: int, results: dict[str, Measured], shape: dict[str, float], runs: int) -> str:
    nothing = Measured()
    jq = results.get("jq", nothing).median("wall")
    strict = results.get("read-strict", nothing).median("inner")
    today = results.get("write-today", nothing).median("inner")
    lines = [
        f"## {size:,} records",
        "",
        f"{size:,} real-shaped records ({realshaped.__name__}.py), "
        f"{shape['bytes'] / 2**20:.1f} MiB of JSON; every reader summed the same "
        f"{int(shape['money']):,} yuan as jq, every writer wrote the same bytes as today's. "
        f"Medians of {runs} interleaved runs, each a fresh process.",
        "",
        "| step | the step itself | × strict parse / × today's write | whole process "
        "| peak RSS | process × jq |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step, got in results.items():
        label = STEPS[step]
        inner = got.median("inner")
        versus = ""
        if step in READS:
            versus = f"{inner / strict:.2f}×"
        elif step in (*WRITES, "splice"):
            versus = f"{inner / today:.3f}×" if step == "splice" else f"{inner / today:.2f}×"
        lines.append(
            f"| {label} | {ms(inner) if got.inner else ''} | {versus} | {ms(got.median('wall'))} "
            f"| {statistics.median(got.peak) / 1024:,.0f} MiB | {got.median('wall') / jq:.2f}× |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated record counts")
    parser.add_argument("--include-1m", action="store_true", help="add 1,000,000 records")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (median)")
    parser.add_argument("--runs-1m", type=int, default=1, help="timed rounds at 1,000,000")
    parser.add_argument(
        "--steps", default=",".join(STEPS), help=f"comma-separated, of: {', '.join(STEPS)}"
    )
    parser.add_argument("--no-results", action="store_true", help="leave the results file alone")
    args = parser.parse_args()
    if shutil.which("jq") is None:
        give_up("no jq on PATH")
    sizes = [int(size) for size in args.sizes.split(",") if size]
    steps = [step for step in args.steps.split(",") if step]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        give_up(f"no step {unknown[0]!r}: the steps are {', '.join(STEPS)}")
    if args.include_1m and ONE_MILLION not in sizes:
        sizes.append(ONE_MILLION)
    before = machine()
    sections = []
    with tempfile.TemporaryDirectory(prefix="xiezuo-fastjson-bench-") as temporary:
        for size in sizes:
            runs = args.runs_1m if size >= ONE_MILLION else args.runs
            results, shape = measure(size, runs, steps, Path(temporary))
            section = table(size, results, shape, runs)
            print(section, flush=True)
            sections.append(section)
    after = machine()
    header = (
        "# fastjson benchmark results\n\n"
        "Written by `benchmarks/fastjson_bench.py` (see `benchmarks/README.md`); rerunning it "
        "overwrites this file.\n\n"
        f"Measured {before['date']}, {before['xiezuo']}, on {before['platform']}, "
        f"{before['cpus']} CPUs, Python {before['python']}, {before['jq']}. The step itself is "
        "timed inside its process after the file's bytes are read, with the garbage collector "
        "paused as loading and writing pause it; the whole process and its peak RSS (GNU time's "
        "%M) include Python's start-up, imports and reading the file (and, for a writer, reading "
        "the tables it writes). Machine load average "
        f"{before['load']} at the start, {after['load']} at the end (1, 5, 15 minutes; other "
        "work on this shared machine inflates the absolute times more than the ratios).\n\n"
    )
    if not args.no_results:
        RESULTS.write_text(header + "\n".join(sections), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
