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
