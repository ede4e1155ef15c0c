"""The console entry point.

A well-formed query command line (the common case in scripts: ``xiezuo funds --pair 苍溪 --csv``)
is parsed by argv.py from the option declarations and run without importing Typer, which alone
costs about five times Python's own start-up. Anything else (help, completion, a typo, a missing
value) goes to the Typer app, which owns the documented interface and its error messages. Both
run the command through the same dispatch (dispatch.py) and error edge (edge.py).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from xiezuo_cli.cli.edge import fail, guard
from xiezuo_cli.errors import ExitStatus


def console() -> NoReturn:
    """The `xiezuo` command and `python -m xiezuo_cli`: main with Python's cyclic garbage
    collector off, then an exit that skips tearing the heap down.

    One command makes no reference cycles worth collecting, while the collector, woken by the
    objects a command makes, walks every object of a loaded database again and again (half of
    a cold `funds` at 100,000 records; heap.py pauses it where loading runs in-process too).
    Freeing those objects one by one at exit takes seconds more and gives the OS back nothing it
    would not take back anyway. Output is flushed first. An error or Ctrl-C (SystemExit from the
    edge, with its exit code) leaves the same way: the heap it would tear down may hold a C
    extension's half-built state, interrupted mid-way, that is not safe to free."""
    import gc

    from xiezuo_cli.storage import heap

    gc.disable()
    heap.exit_unfreed()
    try:
        status = main()
    except SystemExit as done:
        status = _status_of(done)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(status)


def _status_of(done: SystemExit) -> int:
    """The exit status Python itself would give for ``done`` (a message is printed, then 1)."""
    if done.code is None:
        return ExitStatus.OK
    if isinstance(done.code, int):
        return done.code
    sys.stderr.write(f"{done.code}\n")
    return ExitStatus.ERROR


def main() -> int:
    """`xiezuo` and `python -m xiezuo_cli`, without the quick exit (tests call it in-process)."""
    try:
        return _main()
    except KeyboardInterrupt:  # Ctrl-C while the command's modules were still loading
        sys.stderr.write("\n")
        sys.exit(ExitStatus.INTERRUPTED)


def _main() -> int:
    if sys.stdout is None:  # started with >&-: Python gives no stdout at all
        fail("cannot write the output: stdout is closed", ExitStatus.ERROR)

    from xiezuo_cli.cli import argv

    args = sys.argv[1:]
    parsed = None if os.environ.get("XIEZUO_NO_FASTPATH") else argv.parse(args)
    if parsed is not None:
        from xiezuo_cli.cli.dispatch import run

        name, given = parsed
        guard(lambda: run(name, given))
        guard(sys.stdout.flush)  # a closed pipe shows up here for short outputs
        return ExitStatus.OK
    from xiezuo_cli.cli.app import app

    # `xiezuo` alone: the help is what the user needs, and that is not a failure.
    app(args=args or ["--help"], prog_name="xiezuo")
    return ExitStatus.OK
