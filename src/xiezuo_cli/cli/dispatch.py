"""The one dispatch: a command name and what was typed for it in, the command run, its output
written to stdout or to -o FILE.

Both command-line paths (argv.py and Typer in app.py) call ``run``. It binds what was typed to
the command's typed parameters (spec.bind: every value typed there, once), refuses an -o FILE
that names what may not be written before anything is read, writes -o FILE atomically (a
temporary file beside it, renamed over it only when the command succeeded, so a failed or
interrupted command leaves the old file whole), and, when the derived index of the database
fails a check while being read, runs the command again from the file itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from xiezuo_cli.cli import registry
from xiezuo_cli.cli.groups import Database
from xiezuo_cli.cli.spec import Given, bind
from xiezuo_cli.errors import IndexDamaged
from xiezuo_cli.present.options import OutputOptions


def run(name: str, given: Given) -> None:
    """Type what was typed for the command ``name`` and run it."""
    params = bind(registry.command(name), given)
    output, database = _output(params), _database(params)
    if output is not None and output.path is not None:
        from xiezuo_cli.storage import dataset, destination

        # A command that reads no database (fields) still may not write over the one in use.
        path = database.path if database is not None else os.environ.get("XIEZUO_DB") or None
        destination.check(
            output.path,
            database=path if path is not None else dataset.bundled_path(),
            inputs=getattr(params, "inputs", ()),
        )
    try:
        _run_once(name, params, output)
    except IndexDamaged as damage:
        # The derived index failed a check while being read: drop it, and answer from the file
        # unless rows may already have gone to stdout (-o FILE kept nothing: it is atomic).
        if database is None:
            raise
        from xiezuo_cli.storage import dataset, index

        index.discard(database.path if database.path is not None else dataset.bundled_path())
        if damage.partial and (output is None or output.path is None):
            raise
        _run_once(name, params._replace(database=database._replace(use_index=False)), output)


def _output(params: Any) -> OutputOptions | None:
    output = getattr(params, "output", None)
    return output if isinstance(output, OutputOptions) else None


def _database(params: Any) -> Database | None:
    database = getattr(params, "database", None)
    return database if isinstance(database, Database) else None


def _run_once(name: str, params: Any, output: OutputOptions | None) -> None:
    with _destination(output):
        failure = registry.RUNNERS[name](params)
    if failure is not None:  # the output is complete and written; now the command fails
        raise failure


@contextmanager
def _destination(output: OutputOptions | None) -> Iterator[None]:
    """stdout, or -o FILE written atomically (a SQLite file is written by its command)."""
    if output is None or output.path is None or not output.is_text:
        yield
        return
    from xiezuo_cli.storage.files import atomic_text_file

    with atomic_text_file(output.path) as stream:
        saved, sys.stdout = sys.stdout, stream
        try:
            yield
        finally:
            sys.stdout = saved
