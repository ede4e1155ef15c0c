"""Timing a whole command in fresh interpreters: shared by parsers.py, t2s.py and extract_speed.py.
Standard library only."""

from __future__ import annotations

import statistics
import subprocess
import time

WARM_UP = 2  # runs not counted: the first fills the bytecode and file caches


def fresh_ms(argv: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of ``argv`` as a new process, in ms, after the warm-up runs."""
    times = []
    for _ in range(runs + WARM_UP):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times[WARM_UP:]) * 1000
