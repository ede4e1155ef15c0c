"""Start-up cost of xiezuo's query commands, measured against Python's own start-up.

Times ``xiezuo funds --pair 苍溪 --csv`` (the main command) and a set of other commands against
the floor ``python -c pass`` run by the same interpreter in the same run, and prints the ratio of
the medians. The target is at most 5x; ``--max-ratio`` sets the limit and the script exits 1 when
the main command is over it.

All commands are run round-robin (floor, main, others, floor, main, ...) so that whatever else
the machine is doing hits every command alike. Each run is one fresh process started with
subprocess.run and timed with time.perf_counter, on the bundled data (XIEZUO_DB is removed from
the environment) and with NO_COLOR=1. Bytecode goes to a private temporary cache
(PYTHONPYCACHEPREFIX), as for an installed package; --no-bytecode-cache measures an editable
checkout under PYTHONDONTWRITEBYTECODE=1 instead, which compiles xiezuo's sources on every run.

    .venv/bin/python benchmarks/startup.py                # 30 rounds after 3 warm-up rounds
    .venv/bin/python benchmarks/startup.py --runs 50 --json

Standard library only; this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

MAIN_LABEL = "funds --pair 苍溪 --csv"
FLOOR_LABEL = "python -c pass"
# Environment variables that would change what is measured: another database, or the slow path.
DROPPED_ENV = ("XIEZUO_DB", "XIEZUO_NO_FASTPATH", "XIEZUO_DEBUG")


@dataclass
class Command:
    label: str
    argv: list[str]
    extra_env: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)  # seconds, one per timed run

    def summary(self) -> dict[str, float]:
        ms = sorted(t * 1000.0 for t in self.times)
        return {"median_ms": statistics.median(ms), "min_ms": ms[0], "p90_ms": percentile(ms, 90)}


def percentile(sorted_values: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks (same as statistics.quantiles, inclusive)."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = (len(sorted_values) - 1) * pct / 100.0
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def give_up(message: str) -> NoReturn:
    """The benchmark could not run: exit 2, distinct from 1 (over the limit)."""
    print(f"startup.py: {message}", file=sys.stderr)
    sys.exit(2)


def find_console_script() -> Path:
    script = Path(sys.executable).parent / "xiezuo"
    if not script.is_file():
        give_up(
            f"no `xiezuo` console script next to {sys.executable}\n"
            "Run this with the Python of the environment where xiezuo is installed, e.g.\n"
            "    .venv/bin/python benchmarks/startup.py"
        )
    return script


def build_commands(xiezuo: Path) -> list[Command]:
    x = str(xiezuo)
    py = sys.executable
    return [
        Command(FLOOR_LABEL, [py, "-c", "pass"]),
        Command(MAIN_LABEL, [x, "funds", "--pair", "苍溪", "--csv"]),
        Command("pairs --csv", [x, "pairs", "--csv"]),
        Command("list --pair 萧山 --csv", [x, "list", "--pair", "萧山", "--csv"]),
        Command(
            "filter amount_yuan>=1000万 --json",
            [x, "filter", "amount_yuan>=1000万", "--json"],
        ),
        Command(
            "report --pair 苍溪 --format table",
            [x, "report", "--pair", "苍溪", "--format", "table"],
        ),
        Command("show 苍溪 --format table", [x, "show", "苍溪", "--format", "table"]),
        Command("cite cangxi-special-fund --json", [x, "cite", "cangxi-special-fund", "--json"]),
        Command(
            "funds --pair 苍溪 --format table",
            [x, "funds", "--pair", "苍溪", "--format", "table"],
        ),
        Command("list --since 'June 2021' --csv", [x, "list", "--since", "June 2021", "--csv"]),
        Command("export --format csv", [x, "export", "--format", "csv"]),
        Command("validate", [x, "validate"]),
        Command("--help", [x, "--help"]),
        Command(
            "funds (typer path)",
            [x, "funds", "--pair", "苍溪", "--csv"],
            {"XIEZUO_NO_FASTPATH": "1"},
        ),
        Command("python -c 'import typer'", [py, "-c", "import typer"]),
    ]


def base_env(pycache: str | None) -> dict[str, str]:
    """os.environ without XIEZUO_DB & co., with NO_COLOR=1, and the bytecode set-up.

    With ``pycache`` (the default), bytecode is read from and written to that private folder
    (PYTHONPYCACHEPREFIX), as an installed package would have it, without writing __pycache__
    folders into the checkout. With None (--no-bytecode-cache), PYTHONDONTWRITEBYTECODE=1: an
    editable checkout without __pycache__ then compiles its sources on every run.
    """
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["NO_COLOR"] = "1"
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def run_once(command: Command, env: dict[str, str]) -> float:
    start = time.perf_counter()
    try:
        subprocess.run(
            command.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=True
        )
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode("utf-8", "replace").strip()
        give_up(f"`{command.label}` exited with status {error.returncode}\n{stderr}")
    return time.perf_counter() - start


def measure(
    commands: list[Command], runs: int, warmup: int, pycache: str | None, progress: bool
) -> None:
    env = base_env(pycache)
    envs = [{**env, **c.extra_env} for c in commands]
    if pycache is not None:  # fill the bytecode cache, whatever --warmup says
        for command, command_env in zip(commands, envs, strict=True):
            run_once(command, command_env)
    for round_no in range(warmup + runs):
        timed = round_no >= warmup
        for command, command_env in zip(commands, envs, strict=True):
            elapsed = run_once(command, command_env)
            if timed:
                command.times.append(elapsed)
        if progress:
            phase = "warm-up" if not timed else "round"
            number = round_no + 1 if not timed else round_no - warmup + 1
            total = warmup if not timed else runs
            print(f"\r{phase} {number}/{total}   ", end="", file=sys.stderr, flush=True)
    if progress:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr, flush=True)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def results(
    commands: list[Command], runs: int, warmup: int, bytecode_cache: bool, max_ratio: float
) -> dict:
    by_label = {c.label: c.summary() for c in commands}
    floor, main = by_label[FLOOR_LABEL], by_label[MAIN_LABEL]
    ratio = main["median_ms"] / floor["median_ms"]
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "runs": runs,
        "warmup": warmup,
        "bytecode_cache": bytecode_cache,
        "commands": [
            {"label": c.label, "argv": c.argv, "env": c.extra_env, **by_label[c.label]}
            | {"ratio_to_floor": by_label[c.label]["median_ms"] / floor["median_ms"]}
            for c in commands
        ],
        "main": MAIN_LABEL,
        "floor": FLOOR_LABEL,
        "ratio_median": ratio,
        "ratio_min": main["min_ms"] / floor["min_ms"],
        "max_ratio": max_ratio,
        "ok": ratio <= max_ratio,
    }


def print_table(report: dict) -> None:
    rows = report["commands"]
    width = max(display_width(r["label"]) for r in rows)
    print(
        f"{report['runs']} interleaved runs per command after {report['warmup']} warm-up rounds; "
        f"Python {report['python']}, {report['cpus']} CPUs, "
        f"bytecode cache {'on' if report['bytecode_cache'] else 'off'}"
    )
    header = f"{pad('command', width)}  {'median':>9}  {'min':>9}  {'p90':>9}  {'× floor':>7}"
    print(header)
    print("─" * display_width(header))
    for r in rows:
        print(
            f"{pad(r['label'], width)}  {r['median_ms']:>6.1f} ms  {r['min_ms']:>6.1f} ms  "
            f"{r['p90_ms']:>6.1f} ms  {r['ratio_to_floor']:>6.2f}×"
        )
    floor = next(r for r in rows if r["label"] == FLOOR_LABEL)
    main = next(r for r in rows if r["label"] == MAIN_LABEL)
    print()
    print(
        f"ratio of minimums: {report['ratio_min']:.2f}× ({main['min_ms']:.1f} ms vs "
        f"{floor['min_ms']:.1f} ms)"
    )
    verdict = "within" if report["ok"] else "OVER"
    print(f"limit: {report['max_ratio']:g}× ({verdict})")
    print(
        f"{MAIN_LABEL}: {report['ratio_median']:.1f}× {FLOOR_LABEL} "
        f"(median {main['median_ms']:.1f} ms vs {floor['median_ms']:.1f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Time xiezuo's start-up against `python -c pass` in the same run."
    )
    parser.add_argument("--runs", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=5.0,
        help="exit 1 if median(main) / median(floor) is above this (default 5.0)",
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run with PYTHONDONTWRITEBYTECODE=1 instead of a private bytecode cache",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    commands = build_commands(find_console_script())
    progress = not args.json and sys.stderr.isatty()
    if args.no_bytecode_cache:
        measure(commands, args.runs, args.warmup, None, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="xiezuo-bench-pycache-") as pycache:
            measure(commands, args.runs, args.warmup, pycache, progress)
    cache = not args.no_bytecode_cache
    report = results(commands, args.runs, args.warmup, cache, args.max_ratio)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_table(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
