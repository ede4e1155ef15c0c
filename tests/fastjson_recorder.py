"""A pytest plugin (``-p fastjson_recorder``, not a test module): while other test modules run,
every database file the strict reader reads is also read by fastjson, and the two are compared.

tests/test_fastjson.py runs the hostile-file suites with it in a child pytest and reads the
report, so every file those suites make (and any they make later) is checked, without copying
their recipes here. The strict reader's outcome is what the tests see, so they run as always.

The suites themselves run on the loader's read (CheckedStorage.read, fastjson first for files of
XIEZUO_FASTJSON_MIN_BYTES or more, which the test sets to 0), so the codes and messages they
assert are those of the fast path; the recorder reads each file with the strict reader beside it.

The report (JSON, at $XIEZUO_FASTJSON_REPORT): how many distinct files were accepted and refused
by the strict reader, how many of the accepted ones the fast path vouched for, and every
disagreement: the fast path vouching for a file the strict reader refuses, a different value, or
a different outcome from ``fastjson.loads_database``.
"""

from __future__ import annotations

import json
import os
import zlib
from typing import Any

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.storage import fastjson, rawfile, store

_report: dict[str, Any] = {
    "accepted": 0,
    "vouched": 0,
    "left_to_strict": [],
    "refused": 0,
    "disagreements": [],
}
_seen: set[tuple[int, int, str]] = set()


def exact(value: object) -> object:
    """``value`` with every type spelled out: 1 and 1.0 and True, 0.0 and -0.0, key order."""
    if type(value) is dict:
        return ["dict", [[key, exact(item)] for key, item in value.items()]]
    if type(value) is list:
        return ["list", [exact(item) for item in value]]
    if type(value) is float:
        return ["float", value.hex()]
    return [type(value).__name__, value]


def outcome(read: Any) -> tuple[str, object]:
    try:
        return "value", exact(read())
    except DataFileError as error:
        return "error", str(error)


def strict_read(data: bytes, path: str) -> Any:
    return store.CheckedStorage(path, data).strict(data)


def compare(path: str, data: bytes, strict: tuple[str, Any]) -> None:
    """``strict``: ("value", the value read) or ("error", the message)."""
    key = (len(data), zlib.crc32(data), path)
    if key in _seen:
        return
    _seen.add(key)
    if strict[0] == "value":
        strict = ("value", exact(strict[1]))
    fast = fastjson.loads(data)
    if strict[0] == "error":
        _report["refused"] += 1
        if fast is not None:
            _report["disagreements"].append([path, "vouched for a refused file", strict[1]])
    else:
        _report["accepted"] += 1
        if fast is None:
            _report["left_to_strict"].append(path)
        else:
            _report["vouched"] += 1
            if ("value", exact(fast)) != strict:
                _report["disagreements"].append([path, "another value", None])
    dropped_in = outcome(lambda: fastjson.loads_database(data, path, strict_read))
    if dropped_in != strict:
        _report["disagreements"].append([path, "loads_database differs", [strict, dropped_in]])


def pytest_configure(config: Any) -> None:
    real_read = store.CheckedStorage.read

    def read(self: store.CheckedStorage) -> Any:
        try:
            data = self.data if self.data is not None else rawfile.read_checked(self.path)
        except DataFileError:
            return real_read(self)  # not a regular file, too big: no bytes to compare
        try:
            value = self.strict(data)
        except DataFileError as error:
            compare(self.path, data, ("error", str(error)))
        else:
            compare(self.path, data, ("value", value))
        # What the suites see is the loader's own read: with XIEZUO_FASTJSON_MIN_BYTES=0, the
        # fast path for every file, so their exact codes and messages hold it to the strict one.
        return real_read(self)

    store.CheckedStorage.read = read  # type: ignore[method-assign]


def pytest_unconfigure(config: Any) -> None:
    path = os.environ.get("XIEZUO_FASTJSON_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(_report, stream, ensure_ascii=False)
