"""Python's cyclic garbage collector, paused while a whole database is loaded or written.

Loading makes hundreds of thousands of objects and frees none of them; the collector would walk
them again and again for nothing (half of parsing, most of a snapshot read and half of a write
at 100,000 records). Nothing in a load or a write makes reference cycles worth collecting, and
the collector is switched back on as it was, whatever happens.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# Objects a process that exits without tearing its heap down (the `xiezuo` command, see
# cli/entry.py) would only free one by one before that exit: a write's tables and their snapshot
# at 100,000 records take ~0.2 s to free. Kept only when the process said so; a caller that goes
# on (a test calling main in-process) frees them as usual.
_kept: list[object] = []
_exiting_unfreed = False


def exit_unfreed() -> None:
    """This process ends with ``os._exit``: objects given to ``keep_to_exit`` are never freed."""
    global _exiting_unfreed
    _exiting_unfreed = True


def keep_to_exit(*objects: object) -> None:
    if _exiting_unfreed:
        _kept.extend(objects)
