"""Strict JSON at C speed for the database file: reading it and writing it (msgspec).

The strict reader in store.py (the standard library's decoder with hooks, then a walk for depth
and lone surrogates) and its writer (``json.dumps`` with an indent, which runs in pure Python,
then a re-parse of its own output) are the exact references; this module gives the same results
several times faster, or says it cannot vouch and lets them decide. Nothing here ever refuses a
file or a table on its own: every refusal, and every doubt, goes to the reference, so the exit
code and the message are always the ones it gives.

**Reading** (``loads``, ``loads_database``). msgspec decodes the bytes against a type that only
admits what the strict reader admits, and a colon count rules out duplicate keys:

- the type: a TinyDB file, ``{table: {document id: document}}`` (any other shape, which
  read_tables refuses anyway, is left to the strict reader), containers nested at most
  ``MAX_DEPTH`` deep (the type is unrolled that many levels, so deeper nesting fails to decode),
  integers within ±(2^63 − 1) (at most 19 digits, so never more than ``MAX_INT_DIGITS``), floats
  finite. msgspec itself refuses what is not RFC 8259 JSON: NaN and ±Infinity, numbers
  overflowing a double (1e999), lone surrogate escapes (``"\\ud800"``, a reversed pair), bytes
  that are not UTF-8 (the surrogates of CESU-8 included), control characters in strings,
  trailing data. One leading UTF-8 byte order mark is skipped, as the strict reader skips it; a
  second one fails to decode.
- duplicate keys: msgspec keeps the last of two equal keys without a word. So the colons of the
  input are counted against the colons of the decoded value encoded again (compact). Why equal
  counts prove there was no duplicate, when the input holds no escaped colon (``\\u003a``):

  1. The input decoded, so it is JSON. A colon byte in it is either the separator of one pair,
     or a literal character inside a string: JSON's grammar allows ':' nowhere else, and UTF-8
     encodes every non-ASCII character with bytes ≥ 0x80, so no multi-byte character holds 0x3A.
     Escapes, quotes, whitespace and a key containing ``":`` change nothing: every colon byte is
     counted, wherever it is. So colons(input) = pairs(input) + literal colons in its strings.
  2. The decoded value keeps, of each object, one pair for each key (the last value, under the
     same key text); the kept pairs, and the strings in them, are pairs and strings of the
     input. A string decodes to one ':' for each literal colon and for each ``\\u003a`` escape
     (no other escape gives a colon). With no such escape in the input, each ':' in a decoded
     string is a literal colon of the input.
  3. msgspec encodes the decoded value with one colon per pair and writes ':' in strings as it
     is (it escapes only '"', '\\\\' and control characters; numbers, true, false and null hold
     no colon). So colons(output) = kept pairs + literal colons in the kept strings.
  4. Each kept item maps to a distinct item of the input, so colons(output) ≤ colons(input), and
     every pair a duplicate key dropped takes away at least its own separator. Equal counts
     therefore mean no pair was dropped: no object held a key twice, at any depth.

  An input with an escaped colon (or anything that looks like one, such as ``\\\\u003a``) is
  left to the strict reader: it is inconclusive, not wrong.
- what the strict reader's value is: both read the same grammar; strings decode the same way
  (escapes, surrogate pairs joined); an integer is an exact Python int in both; a float is the
  correctly rounded double in both; objects keep their keys in order. ``tests/test_fastjson.py``
  holds the two in agreement over generated documents and every hostile file of the suite.

**Writing** (``dumps``, ``serialized``, ``append_records``). msgspec encodes compactly and
``msgspec.json.format`` indents, which gives, byte for byte, what store.py writes
(``json.dumps(…, ensure_ascii=False, indent=1, allow_nan=False)`` and a newline: UTF-8, Chinese
as it is, the same escapes, ", " and ": " the same way) for the values it vouches for: a
database ``{table: {document id: document}}`` of plain JSON types (dict with str keys, list or
tuple, str, int, float, bool, None), nested at most
``MAX_DEPTH`` deep, integers within ±(2^63 − 1), floats finite and of magnitude under 10^16 and,
unless zero, at least 10^-4 — the range where Python's ``repr`` writes no exponent and msgspec
writes the same digits (outside it, ``1e+16`` against ``1e16``). Anything else (a float outside
that range, a str subclass, a lone surrogate, a too-deep value) goes to ``json.dumps``, which
writes it or refuses it as today. So what is written is what the strict reader accepts and what
store.py would have written, and nothing needs parsing again.

msgspec is imported on first use, never on the start-up path of a query answered from the cache.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

_UTF8_BOM = b"\xef\xbb\xbf"
# A \u003a or \u003A escape (or text that only looks like one, such as \\u003a): the one way a
# decoded string holds a colon that the input's bytes do not, so the colon count cannot decide.
_ESCAPED_COLON = re.compile(rb"\\u003[aA]")
# The largest integer both sides read exactly: int64, 19 digits (MAX_INT_DIGITS is 20).
_INT64 = 2**63 - 1
# Floats written the same by repr() and msgspec: no exponent in repr (checked in the tests).
_FLOAT_BELOW = 1e16
# How msgspec writes a float under 10^-4, which repr writes with an exponent: 0.00001 or 1e-7.
# In the compact text a number follows ':', '[', ',' (or its '-'); strings can hold the same
# characters ("tea-case-2023" holds "e-"), so only these shapes count, and a false alarm only
# costs the slow path. (Searches that start with a literal are fast: these scan 100 MiB in tens
# of milliseconds.)
_TINY_FLOAT = re.compile(rb"0\.0000(?<=[-:,\[]0\.0000)")
_NEGATIVE_EXPONENT = re.compile(rb"e-(?<=[0-9]e-)")

Tables = Mapping[str, Sequence[dict[str, Any]]]
StrictRead = Callable[[bytes, str], "dict[str, Any] | None"]
StrictSerialize = Callable[[str, Tables], bytes]


# ─── reading ──────────────────────────────────────────────────────────────────────────────


def loads(data: bytes) -> dict[str, Any] | None:
    """The top-level object of the database file ``data``, exactly as store.py's strict reader
    gives it, when it can be shown at C speed that the strict reader accepts it (see above);
    None when in doubt, or when the strict reader refuses the file: then it decides.

    Costs a one-time ~20–30 ms (importing msgspec, building the type) on top of the parse: for a
    file under about 1 MiB the strict reader alone is faster (benchmarks/fastjson_bench.py)."""
    view = memoryview(data)[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    try:
        decoded: dict[str, Any] = _reader().decode(view)
    except Exception:  # any refusal is the strict reader's to explain
        return None
    if b"\\" in data and _ESCAPED_COLON.search(data) is not None:
        return None
    again = bytearray()  # encode_into: no final copy of 100 MiB into a bytes object
    _encoder().encode_into(decoded, again)
    if data.count(b":") != again.count(b":"):
        return None  # a key given twice somewhere: the strict reader says where
    return decoded


def loads_database(
    data: bytes, path: str, strict: StrictRead
) -> dict[str, dict[str, object]] | None:
    """What ``store.CheckedStorage(path, data).read()`` returns, or the DataFileError it raises:
    the top-level object, None for an empty file. ``strict`` is that reader (the default); once
    store.py calls this from CheckedStorage.read, it passes its strict body here instead."""
    decoded = loads(data)
    if decoded is not None:
        return decoded
    return strict(data, path)


# ─── writing ──────────────────────────────────────────────────────────────────────────────


def dumps(value: Mapping[str, Any]) -> bytes | None:
    """``(json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False) + "\\n")`` encoded as
    UTF-8, byte for byte, for a value this module vouches for (see above); None otherwise, and
    then ``json.dumps`` must write it (or refuse it)."""
    import msgspec

    compact = bytearray()
    try:
        msgspec.convert({"tables": value}, _writable(), strict=True)  # checks; the copy is dropped
        _encoder().encode_into(value, compact)
    except Exception:
        return None
    if _TINY_FLOAT.search(compact) is not None or _NEGATIVE_EXPONENT.search(compact) is not None:
        return None
    indented: bytes = msgspec.json.format(compact, indent=1)
    return indented + b"\n"


def serialized(shown: str, tables: Tables, strict: StrictSerialize) -> bytes:
    """What ``store._serialized(shown, tables)`` returns, or the error it raises: the bytes of
    the database file holding ``tables``, within the size cap. ``strict`` is that function (the
    default); once store.py calls this from _serialized, it passes its own body instead."""
    from xiezuo_cli.storage.rawfile import max_bytes
    from xiezuo_cli.storage.strict_json import TABLES

    data = {name: {str(i): doc for i, doc in enumerate(tables[name], 1)} for name in TABLES}
    encoded = dumps(data)
    if encoded is not None and len(encoded) <= max_bytes(shown):
        return encoded
    return strict(shown, tables)


# The end of a database file as written: the record table (the last one) closes, then the top.
_TAIL = b"\n }\n}\n"
_RECORD_TABLE = b'\n "record": {'
_EMPTY_RECORD_TABLE = _RECORD_TABLE + b"}\n}\n"
_DOCUMENT_KEY = b'\n  "'  # a document id: the only keys two spaces in
_TABLE_KEY = b'\n "'  # a table's name: the only keys one space in


def append_records(old: bytes, documents: Sequence[Mapping[str, Any]]) -> bytes | None:
    """The file ``old`` with ``documents`` added at the end of its record table, without
    encoding the rest again: exactly ``serialized`` of the tables with the records appended,
    when ``old`` is ``serialized`` of the tables (a file as xiezuo writes it). None when the end
    of ``old`` is not laid out that way, or a document is not one ``dumps`` vouches for: then
    encode the whole file. The size cap is the caller's to check, as for any write.

    Only the end of ``old`` is read: the record table must be the last table, its document ids
    1 to n in order (counted), and the file must end as the writer ends it. (Strings never hold
    a raw newline, so a newline followed by one or two spaces and a quote starts a table's or a
    document's key and nothing else.)"""
    if old.startswith(_UTF8_BOM) or not old.endswith(_TAIL[-3:]):
        return None
    if old.endswith(_EMPTY_RECORD_TABLE):
        count = 0
        cut, joint = len(old) - len(_EMPTY_RECORD_TABLE), _RECORD_TABLE + b"\n"
    elif old.endswith(b"}" + _TAIL):
        table = old.rfind(_TABLE_KEY)
        last = old.rfind(_DOCUMENT_KEY)
        if not (old.startswith(_RECORD_TABLE, table) and table < last):
            return None
        start = last + len(_DOCUMENT_KEY)
        key = old[start : old.find(b'"', start)]
        if not (key.isdigit() and len(key) <= 19 and key[:1] != b"0"):
            return None
        count = int(key)
        if old.count(_DOCUMENT_KEY, table) != count:
            return None
        cut, joint = len(old) - len(_TAIL), b",\n"
    else:
        return None
    if not documents:
        return old
    # The new documents encoded where they will be (a record is three levels down, so depth is
    # checked as in the whole file), and cut out of their table.
    wrapped = dumps({"record": {str(count + i): doc for i, doc in enumerate(documents, 1)}})
    if wrapped is None:
        return None
    inner = memoryview(wrapped)[len(b'{\n "record": {\n') : len(wrapped) - len(_TAIL)]
    return b"".join((memoryview(old)[:cut], joint, inner, _TAIL))  # one copy of the old bytes


# ─── the msgspec types and codecs, made on first use ──────────────────────────────────────


def _database(integer: Any, real: Any) -> Any:
    """The type of a TinyDB file, ``{table: {document id: document}}``, whose containers nest at
    most MAX_DEPTH deep, counting the top, with ``integer`` and ``real`` for the numbers.

    msgspec allows one array type and one object type in a union, so each level of a document
    is spelled out: a document's values may hold MAX_DEPTH − 3 levels of containers. (A file of
    another shape, which read_tables would refuse anyway, is left to the strict reader. The top
    three levels are fixed, which also keeps the type small: each spelled-out level doubles it.)
    """
    from xiezuo_cli.storage.strict_json import MAX_DEPTH

    value: Any = Union[None, bool, integer, real, str]  # noqa: UP007 (a runtime type)
    for _ in range(MAX_DEPTH - 3):
        value = Union[None, bool, integer, real, str, list[value], dict[str, value]]  # noqa: UP007
    return dict[str, dict[str, dict[str, value]]]


def _integer() -> Any:
    from typing import Annotated

    import msgspec

    from xiezuo_cli.storage.strict_json import MAX_INT_DIGITS

    bound = min(_INT64, 10**MAX_INT_DIGITS - 1)
    return Annotated[int, msgspec.Meta(ge=-bound, le=bound)]


@functools.cache
def _reader() -> Any:
    import sys
    from typing import Annotated

    import msgspec

    largest = sys.float_info.max  # msgspec refuses overflow itself; this is a second lock
    finite = Annotated[float, msgspec.Meta(ge=-largest, le=largest)]
    return msgspec.json.Decoder(_database(_integer(), finite))


@functools.cache
def _writable() -> Any:
    """A Struct holding the database type: msgspec.convert keeps what it learnt of a Struct's
    field types, where a bare type would be worked out again on every call."""
    from typing import Annotated

    import msgspec

    written_alike = Annotated[float, msgspec.Meta(gt=-_FLOAT_BELOW, lt=_FLOAT_BELOW)]

    return msgspec.defstruct("Writable", [("tables", _database(_integer(), written_alike))])


@functools.cache
def _encoder() -> Any:
    import msgspec

    return msgspec.json.Encoder()
