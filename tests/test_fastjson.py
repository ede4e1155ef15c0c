"""fastjson (issue 19): the fast reader and writer agree with store.py's strict ones.

Reading: on generated documents (duplicate keys at any depth, odd escapes and whitespace, keys
holding colons and quotes, big and odd numbers, deep nesting, byte order marks, surrogates,
broken UTF-8) and on every file the hostile-file suites make, the fast path either gives exactly
the strict reader's value or leaves the file to it, and never vouches for a file it refuses.
Writing: byte for byte what ``json.dumps(indent=1)`` writes, and splicing records onto a file
gives exactly what encoding the whole file gives. Expected values come from the standard
library's json and store.py's strict code, never from fastjson itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, ROOT
from fastjson_recorder import exact
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from xiezuo_cli.errors import DataFileError, UsageProblem
from xiezuo_cli.storage import fastjson, store

INT64 = 2**63 - 1


def STRICT(data: bytes, path: str) -> Any:
    return store.CheckedStorage(path, data).strict(data)


def strict_outcome(data: bytes) -> tuple[str, object]:
    try:
        return "value", exact(store.CheckedStorage("db.json", data).read())
    except DataFileError as error:
        return "error", str(error)


def dropped_in_outcome(data: bytes) -> tuple[str, object]:
    try:
        return "value", exact(fastjson.loads_database(data, "db.json", STRICT))
    except DataFileError as error:
        return "error", str(error)


def agree(data: bytes) -> dict[str, Any] | None:
    """Assert the fast path agrees with the strict reader on ``data``; what it vouched for."""
    strict = strict_outcome(data)
    fast = fastjson.loads(data)
    if strict[0] == "error":
        assert fast is None, ("vouched for a file the strict reader refuses", strict[1])
    elif fast is not None:
        assert ("value", exact(fast)) == strict
    assert dropped_in_outcome(data) == strict
    return fast


# ─── generated documents ──────────────────────────────────────────────────────────────────

# Keys chosen so that duplicates are common, and so that colons and quotes appear in them.
_KEYS = st.sampled_from(["a", "b", "id", "a:b", '":', ':"', "\\", "", "值", "😀", "a\u2028"])
# Mostly JSON's own whitespace; now and then a character JSON does not allow there.
_WHITESPACE = st.sampled_from(
    ["", "", "", " ", " ", "\n", "\t", "\r\n  "] * 4 + ["\x0b", "\u3000", "\xa0"]
)


def _escaped(text: str, draw: Any) -> str:
    """``text`` as a JSON string body, each character raw or escaped at random."""
    out = []
    for char in text:
        choice = draw(st.integers(0, 5))
        if char in '"\\' or ord(char) < 0x20 or choice == 0:
            if ord(char) > 0xFFFF:
                high, low = divmod(ord(char) - 0x10000, 0x400)
                out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04X}")
            else:
                hexa = f"{ord(char):04x}"
                out.append("\\u" + (hexa.upper() if choice % 2 else hexa))
        elif char == "/" and choice == 1:
            out.append("\\/")
        else:
            out.append(char)
    return "".join(out)


@st.composite
def json_strings(draw: Any) -> str:
    text = draw(st.one_of(_KEYS, st.text(max_size=8)))
    body = _escaped(text, draw)
    odd = draw(
        st.sampled_from(
            [""] * 24
            + ["\\ud800", "\\uDFFF", "\\ude00\\ud83d", "\\ud83d\\ude00", "\\u003a",
             "\\u003A", "\\\\u003a", "\\\\ud800", "\\ud800\\u0041", "\\x", "\\u00", ":", '\\":']
        )
    )  # fmt: skip
    at = draw(st.integers(0, len(body)))
    while at and body[at - 1] == "\\":  # never split an escape
        at -= 1
    return '"' + body[:at] + odd + body[at:] + '"'


_ODD_NUMBERS = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "nan", "1e999", "-1e999", "01", "1.", ".5", "+1", "tru"]
)
_NUMBERS = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.integers(-(2**64), 2**64).map(str),
    st.sampled_from([str(INT64), str(-INT64), str(INT64 + 1), str(-INT64 - 1), str(2**64)]),
    st.sampled_from(["9" * 20, "-" + "9" * 20, "1" * 21, "-0", "0", "1E2", "-0.0"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.builds(
        lambda whole, frac, exp: whole + frac + exp,
        st.from_regex(r"-?(0|[1-9][0-9]{0,30})", fullmatch=True),
        st.sampled_from(["", ".0", ".5", ".123456789012345678901234567890"]),
        st.sampled_from(["", "e5", "E-7", "e+308", "e308", "e309", "e999", "e-400", "E-999"]),
    ),
    st.sampled_from(["1.7976931348623157e308", "1.7976931348623158e308", "1.797693134862316e308",
                     "2.2250738585072014e-308", "4.9e-324", "2.4e-324", "1e23", "8.41e21"]),
    st.sampled_from(["true", "false", "null"]),
)  # fmt: skip
# An odd token one time in about twenty, so that most documents get past the syntax.
_SCALARS = st.sampled_from([0] * 9 + [1] * 9 + [2]).flatmap(
    lambda which: (json_strings(), _NUMBERS, _ODD_NUMBERS)[which]
)


def _objects(children: Any) -> Any:
    @st.composite
    def build(draw: Any) -> str:
        members = draw(st.lists(st.tuples(_KEYS, children), max_size=4))
        space = draw(_WHITESPACE)
        parts = [
            f"{json.dumps(key, ensure_ascii=draw(st.booleans()))}{space}:{space}{value}"
            for key, value in members
        ]
        return "{" + space + ("," + space).join(parts) + "}"

    return build()


def _arrays(children: Any) -> Any:
    return st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")


_VALUES = st.recursive(_SCALARS, lambda c: st.one_of(_objects(c), _arrays(c)), max_leaves=12)
# A document: an object nearly always (anything else is not a TinyDB file).
_DOCUMENTS = st.one_of(*[_objects(_VALUES)] * 9, _VALUES)


@st.composite
def documents(draw: Any) -> bytes:
    """A database-like text: an object of tables of documents, or anything else now and then."""
    tables = draw(st.lists(st.tuples(st.sampled_from(store.TABLES), _DOCUMENTS), max_size=3))
    body = "{" + ", ".join(f'"{name}": {{"1": {value}}}' for name, value in tables) + "}"
    body = draw(st.sampled_from([body, body, body, draw(_VALUES)]))
    nesting = draw(st.sampled_from([0, 0, 0, 5, 7, 8, 9, 12]))
    if nesting:  # containers around a value, in a record: top, table, document, then these
        inner = "[" * nesting + draw(_SCALARS) + "]" * nesting
        body = '{"record": {"1": {"deep": ' + inner + '}}, "z": ' + body + "}"
    text = draw(_WHITESPACE) + body + draw(_WHITESPACE)
    data = text.encode("utf-8", "surrogatepass")
    boms = draw(st.sampled_from([0, 0, 0, 1, 2]))
    data = b"\xef\xbb\xbf" * boms + data
    damage = draw(st.sampled_from([None] * 12 + [b"\xff", b"\xed\xa0\x80", b"\xc3"]))
    if damage is not None:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + damage + data[at:]
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example(b'{"a": 1, "a": 2}')
@example(b'{"x": {"k\\":": 1, "k\\":": 2}}')  # a key holding '":', twice
@example(b'{"a:b": "c:d", "a:b": "e"}')
@example(b'{"a": "\\u003a", "b": ":"}')  # an escaped colon: left to the strict reader
@example(b'{"a": "\\u003a\\u003a", "a": 1}')
@example(b'\xef\xbb\xbf{"a": [1, 2.5, "\\ud83d\\ude00"]}')
@example(b"\xef\xbb\xbf\xef\xbb\xbf{}")
@example(b'{"a": 99999999999999999999}')
def test_generated_documents_agree(data: bytes) -> None:
    agree(data)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.from_regex(
            r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][-+]?[0-9]{1,3})?", fullmatch=True
        ),
    )
)
def test_numbers_read_the_same_to_the_last_bit(number: str) -> None:
    agree(f'{{"n": [{number}]}}'.encode())


def test_what_the_fast_path_vouches_for() -> None:
    """Not a vacuous agreement: the bundled file and ordinary databases are vouched for."""
    assert agree(BUNDLED.read_bytes()) == json.loads(BUNDLED.read_bytes())
    assert agree(b'\xef\xbb\xbf{"t": {"1": {"b:c": "d:e", "f": ["\\"", "\\\\", "\\n"]}}}')
    assert agree(b'{"t": {"1": {"n": [' + str(INT64).encode() + b", -0, 1e-999, 1.5e308]}}}")
    room = store.MAX_DEPTH - 3  # a document is the third level
    assert agree(b'{"t": {"1": {"a": ' + b"[" * room + b"]" * room + b"}}}") is not None
    assert agree(b'{"t": {"1": {"a": ' + b"[" * (room + 1) + b"]" * (room + 1) + b"}}}") is None
    # Another shape than {table: {id: document}} is the strict reader's, which takes it.
    assert agree(b'{"t": [1]}') is None
    assert agree(b'{"t": {"1": 2}}') is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"t": {"1": {"b": [{"c": 1, "c": 1}]}}}', "field b[0].c: duplicate key"),
        (b'{"t": {"1": {"a": 1, "b": {"x": "\\u003a"}, "a": 2}}}', "field a: duplicate key"),
        (b'{"t": {"1": {"a": [NaN]}}}', "NaN is not a JSON number"),
        (b'{"t": {"1": {"a": 123456789012345678901}}}', "an integer of 21 digits"),
        (b'{"t": {"1": {"a": 1e999}}}', "too large"),
        (b'{"t": {"1": {"a": "\\udc00"}}}', "lone surrogate"),
        (b'{"t": {"1": {"a": ' + b"[" * 8 + b"]" * 8 + b"}}}", "nested more than 10 levels deep"),
        (b"[1]", "the top level is not a JSON object"),
        (b'{"t": {"1": {"a": "\xed\xa0\x80"}}}', "not UTF-8 text"),
        (b'\xef\xbb\xbf\xef\xbb\xbf{"t": {}}', "not valid JSON"),
    ],
)
def test_refusals_keep_the_strict_message(data: bytes, problem: str) -> None:
    assert fastjson.loads(data) is None
    with pytest.raises(DataFileError) as error:
        fastjson.loads_database(data, "db.json", STRICT)
    assert problem in str(error.value)
    assert dropped_in_outcome(data) == strict_outcome(data)


def test_every_file_of_the_hostile_suites_gets_the_strict_outcome(tmp_path: Path) -> None:
    """The hostile-file suites run again in a child pytest with the loader reading every file
    through fastjson first (XIEZUO_FASTJSON_MIN_BYTES=0: the path of a large file), and every
    file their reads meet also read by the strict reader (tests/fastjson_recorder.py): they must
    still pass, with the same codes and messages, and the two readers agree."""
    report = tmp_path / "report.json"
    suites = ["tests/test_hostile_files.py", "tests/test_store_errors.py", "tests/test_model.py"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "tests"), os.environ.get("PYTHONPATH")])
        ),
        "XIEZUO_FASTJSON_REPORT": str(report),
        "XIEZUO_FASTJSON_MIN_BYTES": "0",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    argv = [sys.executable, "-m", "pytest", "-p", "fastjson_recorder", "-n", "0", "-q",
            "-p", "no:cacheprovider", *suites]  # fmt: skip
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    found = json.loads(report.read_text(encoding="utf-8"))
    assert found["disagreements"] == []
    assert found["refused"] >= 60 and found["accepted"] >= 30, found
    # What the fast path left to the strict reader is only what it must: empty files (the
    # strict reader's None) and 20-digit numbers past int64. Arbitrary bytes (the fuzz test's
    # one file, rewritten by every example) may go either way and are not counted.
    chosen = [path for path in found["left_to_strict"] if "arbitrary_bytes" not in path]
    assert len(chosen) <= 8, chosen


# ─── writing ──────────────────────────────────────────────────────────────────────────────


def reference(value: object) -> bytes:
    """What store.py writes: json.dumps with its options, then a newline."""
    text = json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    return text.encode("utf-8")


_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"]) | st.sampled_from('\x00\x1f\x7f\u2028"\\/:'),
    max_size=10,
)
_FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=1e-6, max_value=1e-3),
    st.floats(min_value=1e14, max_value=1e17),
    st.sampled_from([0.0, -0.0, 79.5, 1e-4, 9.9e-5, 1e16, 9999999999999998.0, 5e-324]),
)
_PLAIN = st.one_of(st.none(), st.booleans(), st.integers(-(2**64), 2**64), _FLOATS, _TEXT)
_TREES = st.recursive(
    _PLAIN,
    lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(_TEXT, c, max_size=4)),
    max_leaves=20,
)


def _vouchable(value: object, depth: int = 1) -> bool:
    """What the module docstring promises to write itself, computed here from the value: a
    database ({table: {id: document}}) of plain JSON values, nesting at most MAX_DEPTH deep,
    integers within int64, floats that repr() writes without an exponent, text without
    surrogates."""
    if depth <= 3 and type(value) is not dict:
        return False
    if type(value) is dict:
        return depth <= store.MAX_DEPTH and all(
            type(key) is str and _vouchable(key, 4) and _vouchable(item, depth + 1)
            for key, item in value.items()
        )
    if type(value) is list:
        return depth <= store.MAX_DEPTH and all(_vouchable(item, depth + 1) for item in value)
    if type(value) is float:
        return value == 0 or 1e-4 <= abs(value) < 1e16
    if type(value) is int:
        return abs(value) <= INT64
    if type(value) is str:
        return not any("\ud800" <= char <= "\udfff" for char in value)
    return value is None or type(value) is bool


_DATABASES = st.dictionaries(
    _TEXT,
    st.dictionaries(_TEXT, st.dictionaries(_TEXT, _TREES, max_size=4), max_size=3),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_DATABASES, st.dictionaries(_TEXT, _TREES, max_size=3)))
@example({"t": {"1": {"a": float("nan")}}})
@example({"t": {"1": {"a": "\ud800"}}})
@example({"t": {"1": {"a": 2**64, "b": [1e-5, 1e16]}}})
@example({"t": {"1": {"a": [[[[[[[1]]]]]]]}}})  # 10 levels: written
@example({"t": {"1": {"a": [[[[[[[[1]]]]]]]]}}})  # 11: left to json.dumps (and refused)
@example({"t": {"1": {"t": 1}, "2": {}}, "u": {}})
@example({"t": []})  # not a database
def test_dumps_writes_what_json_dumps_writes(value: dict[str, Any]) -> None:
    written = fastjson.dumps(value)
    if written is None:
        assert not _vouchable(value)
        return
    assert written == reference(value)
    assert store.CheckedStorage("x", written).read() == value  # the strict reader takes it


def test_the_bundled_file_is_written_byte_for_byte(tmp_path: Path) -> None:
    tables = store.read_tables(BUNDLED)
    written = fastjson.serialized(str(BUNDLED), tables, store._serialized)
    assert written == BUNDLED.read_bytes() == store.serialized(tables)


def test_tinydb_opens_what_is_written(tmp_path: Path) -> None:
    from tinydb import TinyDB

    tables = store.read_tables(BUNDLED)
    old = fastjson.serialized("x", tables, store._serialized)
    added = {**tables["record"][0], "id": "spliced", "note": "新的:记录"}
    path = tmp_path / "db.json"
    path.write_bytes(fastjson.append_records(old, [added]) or b"")
    with TinyDB(path, encoding="utf-8") as db:
        records = db.table("record").all()
    assert records == [*tables["record"], added]
    assert records[-1].doc_id == len(tables["record"]) + 1


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc.update(zz=float("nan")),
        lambda doc: doc.update(zz=float("inf")),
        lambda doc: doc.update(zz="\udc00"),
        lambda doc: doc.update(zz=10**21),
        lambda doc: doc.update(zz=[[[[[[[[1]]]]]]]]),
    ],
    ids=["nan", "infinity", "lone-surrogate", "long-integer", "too-deep"],
)
def test_what_the_writer_refuses_it_refuses_as_today(change: Any) -> None:
    tables = store.read_tables(BUNDLED)
    change(tables["record"][3])
    with pytest.raises(UsageProblem) as today:
        store._serialized("db.json", tables)
    with pytest.raises(UsageProblem) as fast:
        fastjson.serialized("db.json", tables, store._serialized)
    assert str(fast.value) == str(today.value)
    assert "nothing was written" in str(fast.value)


def test_the_size_cap_as_today(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = store.read_tables(BUNDLED)
    monkeypatch.setenv("XIEZUO_MAX_DB_BYTES", "1000")
    with pytest.raises(UsageProblem) as today:
        store._serialized("db.json", tables)
    with pytest.raises(UsageProblem) as fast:
        fastjson.serialized("db.json", tables, store._serialized)
    assert str(fast.value) == str(today.value)


# ─── appending ────────────────────────────────────────────────────────────────────────────


def _bundled_documents() -> dict[str, list[dict[str, Any]]]:
    return store.read_tables(BUNDLED)


_BUNDLED = _bundled_documents()
_RECORDS = st.sampled_from(_BUNDLED["record"]).map(dict)
_ODD_RECORDS = st.one_of(
    _RECORDS,
    st.dictionaries(_TEXT, _TREES, max_size=3),  # anything at all, the empty document included
    _RECORDS.map(lambda r: {**r, "value": 1e-5}),  # a float written with an exponent
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(_ODD_RECORDS, max_size=4),
    added=st.lists(_ODD_RECORDS, max_size=3),
    others=st.booleans(),
)
def test_append_records_is_the_whole_encoding(
    before: list[dict[str, Any]], added: list[dict[str, Any]], others: bool
) -> None:
    tables = {name: [] for name in store.TABLES}
    if others:
        tables = {**_BUNDLED, "record": []}
    old_tables = {**tables, "record": before}
    new_tables = {**tables, "record": before + added}
    try:
        old = store._serialized("db.json", old_tables)
    except UsageProblem:
        assume(False)
    spliced = fastjson.append_records(old, added)
    try:
        whole = store._serialized("db.json", new_tables)
    except UsageProblem:  # an added document the writer refuses: never spliced in
        assert spliced is None
        return
    if spliced is None:  # only for a document dumps leaves to json.dumps
        assert not all(_vouchable({"record": {"1": doc}}) for doc in added)
        return
    assert spliced == whole


def test_append_records_to_the_bundled_file() -> None:
    old = BUNDLED.read_bytes()
    added = [{**doc, "id": f"{doc['id']}-again"} for doc in _BUNDLED["record"][:3]]
    spliced = fastjson.append_records(old, added)
    expected = store.serialized({**_BUNDLED, "record": _BUNDLED["record"] + added})
    assert spliced == expected
    assert zlib.crc32(spliced) == zlib.crc32(expected)


@pytest.mark.parametrize(
    "old",
    [
        b"\xef\xbb\xbf" + BUNDLED.read_bytes(),  # a byte order mark the writer would drop
        json.dumps(json.loads(BUNDLED.read_bytes())).encode(),  # one line
        BUNDLED.read_bytes() + b"\n",
        BUNDLED.read_bytes().replace(b'\n  "191": {', b'\n  "1910": {'),  # ids not 1..n
        b'{\n "meta": {},\n "record": {\n  "1": {}\n },\n "place": {}\n}\n',  # record not last
    ],
    ids=["bom", "one-line", "extra-newline", "ids", "record-not-last"],
)
def test_append_records_refuses_a_file_not_laid_out_as_written(old: bytes) -> None:
    assert fastjson.append_records(old, [{"id": "x"}]) is None
