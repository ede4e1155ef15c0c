"""A progress bar on stderr for the long jobs (reading, checking and indexing a large file).

The lower layers never draw one: they take a ``storage.dataset.Progress`` (or, for an import, a
callback) and the command gives them ``on_stderr``, which draws with Rich only when stderr is a
terminal. Rich is imported only when a bar is drawn.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from xiezuo_cli.present.terminal import is_terminal


class PhaseProgress:
    """A progress bar on stderr with one line per phase of a long job (reading, checking,
    indexing), gone when the job ends. The caller decides whether to show one at all (only on a
    terminal, only for a large file); ``update`` with no total shows a moving bar."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> PhaseProgress:
        self.bar.start()
        return self

    def update(self, label: str, done: int, total: int | None) -> None:
        task = self.tasks.get(label)
        if task is None:
            task = self.tasks[label] = self.bar.add_task(label, total=total)
        self.bar.update(task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def on_stderr() -> AbstractContextManager[PhaseProgress | None]:
    """A PhaseProgress when stderr is a terminal; else nothing (a pipe, a log file)."""
    if not is_terminal(sys.stderr):
        return contextlib.nullcontext(None)
    return PhaseProgress()


# A file of records at least this large shows a progress bar while read and checked.
PROGRESS_BYTES = 1 << 20


@contextlib.contextmanager
def for_file(path: str, labels: dict[str, str]) -> Iterator[Callable[[str, int, int], None] | None]:
    """A callback ``(phase, done, total)`` drawing a bar on stderr while a large file is read
    and checked, each phase under its label; None (nothing drawn) in a pipe or for a small
    file."""
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    if not is_terminal(sys.stderr) or size < PROGRESS_BYTES:
        yield None
        return
    with PhaseProgress() as bar:

        def update(phase: str, done: int, total: int) -> None:
            bar.update(labels.get(phase, phase), done, total)

        yield update
