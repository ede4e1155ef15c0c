"""Hostile database files: each exits 3 with one line naming the file, and where it can the table,
record and field; never a traceback, never a hang.

Bad files are made from the bundled file's text with one problem injected into its first record
(only ``id`` is relied on: the schema is changing), or from small literal JSON.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from conftest import BUNDLED, ENV, ROOT, one_error_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiezuo_cli.storage import rawfile, store

# ─── helpers ──────────────────────────────────────────────────────────────────────────────


@cache
def _bundled() -> str:
    return BUNDLED.read_text(encoding="utf-8")


def _first_document(table: str) -> tuple[dict[str, object], re.Match[str]] | None:
    """The first document of ``table`` whose ``"id": "…"`` occurs once in the text, and where."""
    text = _bundled()
    for document in json.loads(text)[table].values():
        ident = document.get("id")
        if not isinstance(ident, str):
            continue
        quoted = re.escape(json.dumps(ident, ensure_ascii=False))
        matches = list(re.finditer(r'"id"\s*:\s*' + quoted, text))
        if len(matches) == 1:
            return document, matches[0]
    return None


def _inject(members: str, table: str = "record") -> tuple[str, str]:
    """The bundled text with JSON ``members`` added to a document of ``table``, and its id."""
    found = _first_document(table)
    assert found is not None, f"no document with a unique id in table {table!r}"
    document, match = found
    text = _bundled()
    return text[: match.end()] + ", " + members + text[match.end() :], str(document["id"])


def _label(table: str, ident: str) -> str:
    """How errors name a document: 'record <id>' for a record, '<table> <id>' for any other."""
    return f"record {ident}" if table == "record" else f"{table} {ident}"


def _write(tmp_path: Path, content: str | bytes, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _rejected(cli, path: Path | str, *expected: str, env: dict[str, str] | None = None) -> str:
    """Run `xiezuo validate --db PATH`: exit 3, one line naming the file and every ``expected``."""
    result = cli("validate", "--db", str(path), env=env)
    assert result.exit_code == 3, (result.exit_code, result.stdout, result.stderr)
    line = one_error_line(result)
    assert line.startswith(f"xiezuo: error: {path}: "), line
    for part in expected:
        assert part in line, line
    return line


def _minimal(**changes: object) -> str:
    """A database with every table empty, with some tables replaced (or removed with None)."""
    tables: dict[str, object] = {name: {} for name in store.TABLES}
    tables.update(changes)
    return json.dumps({name: value for name, value in tables.items() if value is not None})


# ─── duplicate keys ───────────────────────────────────────────────────────────────────────


def test_duplicate_field_in_the_first_record(cli, tmp_path: Path) -> None:
    document, _ = _first_document("record")  # type: ignore[misc]
    key = next(key for key in document if key != "id")
    text, ident = _inject(f"{json.dumps(key)}: {json.dumps(document[key], ensure_ascii=False)}")
    _rejected(cli, _write(tmp_path, text), f"record {ident}: field {key}: duplicate key")


def test_duplicate_id(cli, tmp_path: Path) -> None:
    document, _ = _first_document("record")  # type: ignore[misc]
    text, ident = _inject(f'"id": {json.dumps(document["id"])}')
    _rejected(cli, _write(tmp_path, text), f"record {ident}: field id: duplicate key")


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ('"zz_extra": {"a": 1, "b": 2, "a": 3}', "zz_extra.a"),
        ('"zz_extra": [{"a": 1}, {"a": 1, "a": 1}]', "zz_extra[1].a"),
        ('"zz_extra": [[{"b": {"c": null, "c": null}}]]', "zz_extra[0][0].b.c"),
    ],
    ids=["object", "object-in-list", "deep"],
)
def test_duplicate_key_at_any_depth(cli, tmp_path: Path, members: str, field: str) -> None:
    text, ident = _inject(members)
    _rejected(cli, _write(tmp_path, text), f"record {ident}: field {field}: duplicate key")


@pytest.mark.parametrize("table", store.TABLES)
def test_duplicate_key_in_every_table(cli, tmp_path: Path, table: str) -> None:
    if _first_document(table) is None:
        pytest.skip(f"no document with an id in table {table!r}")
    text, ident = _inject('"zz_extra": 1, "zz_extra": 2', table)
    expected = f"{_label(table, ident)}: field zz_extra: duplicate key"
    _rejected(cli, _write(tmp_path, text), expected)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"meta": {}, "meta": {}}', "table 'meta' is there twice (duplicate key)"),
        ('{"meta": {"1": {}, "1": {}}}', "table 'meta': document id '1' twice (duplicate key)"),
        ('{"a\\nb": 1, "a\\nb": 2}', "table 'a\\nb' is there twice"),
    ],
    ids=["table", "document-id", "control-character-key"],
)
def test_duplicate_tables_and_document_ids(cli, tmp_path, content: str, expected: str) -> None:
    _rejected(cli, _write(tmp_path, content), expected)


# ─── numbers ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity(cli, tmp_path: Path, constant: str) -> None:
    text, ident = _inject(f'"zz_extra": {constant}')
    expected = f"record {ident}: field zz_extra: {constant} is not a JSON number"
    _rejected(cli, _write(tmp_path, text), expected)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("1" * 21, "an integer of 21 digits (the limit is 20)"),
        ("-" + "9" * 21, "an integer of 21 digits"),
        ("7" * 5000, "an integer of 5000 digits"),  # past Python's own 4300-digit limit
        ("1e999", "the number 1e999 is too large"),
        ("-1e999", "the number -1e999 is too large"),
        ("1" * 400 + ".0", "the number 1111111111"),
    ],
    ids=["21-digits", "negative", "5000-digits", "1e999", "minus-1e999", "long-float"],
)
def test_numbers_too_large(cli, tmp_path: Path, number: str, problem: str) -> None:
    text, ident = _inject(f'"zz_extra": [0, {number}]')
    _rejected(cli, _write(tmp_path, text), f"record {ident}: field zz_extra[1]: {problem}")


def test_numbers_at_the_limits_load(tmp_path: Path) -> None:
    numbers = ["9" * 20, "-" + "9" * 20, "1e308", "-1e308", "1e-999", "0.5"]
    text, ident = _inject(f'"zz_extra": [{", ".join(numbers)}]')
    raw = store.read_json(_write(tmp_path, text))
    record = next(doc for doc in raw["record"].values() if doc["id"] == ident)  # type: ignore[index]
    assert record["zz_extra"] == [int("9" * 20), -int("9" * 20), 1e308, -1e308, 0.0, 0.5]


# ─── lone surrogates ──────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("members", "where"),
    [
        ('"zz_extra": "before \\ud800 after"', "field zz_extra: lone surrogate in the text"),
        ('"zz_extra": ["ok", "\\uDFFF"]', "field zz_extra[1]: lone surrogate in the text"),
        ('"zz_extra": "\\ude00\\ud83d"', "field zz_extra: lone surrogate"),  # pair reversed
        ('"zz\\udc00": 1', "field zz\\udc00: lone surrogate in the key"),
    ],
    ids=["text", "in-list", "reversed-pair", "key"],
)
def test_lone_surrogates(cli, tmp_path: Path, members: str, where: str) -> None:
    text, ident = _inject(members)
    _rejected(cli, _write(tmp_path, text), f"record {ident}: {where}")


def test_surrogate_pairs_and_escaped_backslashes_load(tmp_path: Path) -> None:
    text, ident = _inject('"zz_extra": ["\\ud83d\\ude00", "\\\\ud800"]')
    raw = store.read_json(_write(tmp_path, text))
    record = next(doc for doc in raw["record"].values() if doc["id"] == ident)  # type: ignore[index]
    assert record["zz_extra"] == ["\U0001f600", "\\ud800"]


def test_encoded_surrogate_bytes_are_not_utf8(cli, tmp_path: Path) -> None:
    text, _ = _inject('"zz_extra": "@@"')
    content = text.encode("utf-8").replace(b"@@", b"\xed\xa0\x80")  # CESU-8 / WTF-8
    _rejected(cli, _write(tmp_path, content), "not UTF-8 text (line ")


# ─── nesting ──────────────────────────────────────────────────────────────────────────────


def test_nesting_up_to_max_depth_loads_and_one_more_is_rejected(cli, tmp_path: Path) -> None:
    # A record is the third level: top object, table, document.
    room = store.MAX_DEPTH - 3
    text, _ = _inject(f'"zz_extra": {"[" * room}{"]" * room}')
    assert store.read_json(_write(tmp_path, text, "ok.json")) is not None
    text, ident = _inject(f'"zz_extra": {"[" * (room + 1)}{"]" * (room + 1)}')
    expected = f"record {ident}: field zz_extra{'[0]' * room}: nested more than"
    _rejected(cli, _write(tmp_path, text), expected, f"{store.MAX_DEPTH} levels deep")


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"a": ' * 100_000,
        '{"meta": ' + "[" * 500 + "]" * 500 + "}",  # shallow enough for the parser, too deep
    ],
    ids=["unclosed-arrays", "closed-arrays", "objects", "500-levels"],
)
def test_very_deep_nesting(cli, tmp_path: Path, content: str) -> None:
    _rejected(cli, _write(tmp_path, content), f"nested more than {store.MAX_DEPTH} levels deep")


# ─── not a regular file ───────────────────────────────────────────────────────────────────


def _run(path: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real program in a child process, so a hang fails the test instead of stalling it."""
    return subprocess.run(
        [sys.executable, "-m", "xiezuo_cli", "validate", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=10,
        cwd=ROOT,
        env={**os.environ, **ENV, **(env or {})},
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = _run(fifo)
    assert result.returncode == 3, result.stderr
    assert result.stderr == f"xiezuo: error: {fifo}: is a named pipe (FIFO), not a database file\n"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_not_read(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    result = _run(device)
    assert result.returncode == 3, result.stderr
    assert result.stderr == f"xiezuo: error: {device}: is a device, not a database file\n"


def test_directory(cli, tmp_path: Path) -> None:
    _rejected(cli, tmp_path, "is a directory, not a database file")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_socket(cli, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        _rejected(cli, path, "is a socket, not a database file")


# ─── size cap ─────────────────────────────────────────────────────────────────────────────


def test_size_cap_from_the_environment(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, _bundled())
    size = path.stat().st_size
    line = _rejected(cli, path, env={rawfile.MAX_BYTES_ENV: "100"})
    assert f"the file is {size} bytes, over the limit of 100 bytes" in line
    assert rawfile.MAX_BYTES_ENV in line


def test_size_cap_exactly_the_size_loads(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path, _bundled())
    monkeypatch.setenv(rawfile.MAX_BYTES_ENV, str(path.stat().st_size))
    assert store.read_json(path) == json.loads(_bundled())
    monkeypatch.setenv(rawfile.MAX_BYTES_ENV, "")  # empty: the default
    assert rawfile.max_bytes() == rawfile.DEFAULT_MAX_BYTES == 256 * 1024 * 1024


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1e6", "12 MiB", "1" * 30, "٣"])
def test_bad_size_cap_is_one_clear_line(cli, tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, _bundled())
    line = _rejected(cli, path, env={rawfile.MAX_BYTES_ENV: value})
    assert f"{rawfile.MAX_BYTES_ENV}=" in line
    assert "is not a size: give a whole number of bytes" in line


def test_a_file_growing_while_read_stays_bounded(tmp_path: Path, monkeypatch) -> None:
    """The cap holds even when the size fstat reports is smaller than what there is to read."""
    path = _write(tmp_path, "x" * 5000)
    real_fstat = os.fstat

    def lying_fstat(fd: int) -> os.stat_result:
        status = list(real_fstat(fd))
        status[6] = 10  # st_size
        return os.stat_result(status)

    monkeypatch.setattr(os, "fstat", lying_fstat)
    monkeypatch.setenv(rawfile.MAX_BYTES_ENV, "1000")
    with pytest.raises(store.DataFileError, match="larger than that, over the limit of 1000"):
        store.read_json(path)


# ─── encoding ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("encode", "line"),
    [
        (lambda text: text.encode("utf-8").replace(b'"id"', b'"\xffid"', 1), None),
        (lambda text: text.encode("gb18030"), None),
        (lambda text: text.encode("utf-16"), 1),
        (lambda text: b"\xfe" + text.encode("utf-8"), 1),
    ],
    ids=["stray-byte", "gb18030", "utf-16", "leading-byte"],
)
def test_not_utf8(cli, tmp_path: Path, encode, line: int | None) -> None:
    message = _rejected(cli, _write(tmp_path, encode(_bundled())), "not UTF-8 text (line ")
    if line is not None:
        assert f"(line {line}: byte 0x" in message


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + _bundled().encode("utf-8"))
    assert store.read_json(path) == json.loads(_bundled())


# ─── structure ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        ("\ufeff", "the file is empty"),
        ("  \n", "not valid JSON (line 2): Expecting value"),
        ("null", "not a TinyDB database (the top level is not a JSON object)"),
        ('"meta"', "not a TinyDB database (the top level is not a JSON object)"),
        (_minimal(meta=None), "table 'meta' is missing"),
        (_minimal(record=[]), "table 'record' is not a JSON object"),
        (_minimal(record={"1": [1]}), "table 'record' holds something that is not a document"),
        (_minimal(record={"x": {}}), "table 'record': document id 'x' is not a whole number"),
        (_minimal(record={"²": {}}), "table 'record': document id '²' is not a whole number"),
        (_minimal(record={"9" * 5000: {}}), "is not a whole number"),
    ],
    ids=[
        "empty",
        "bom-only",
        "blank",
        "null",
        "string",
        "table-missing",
        "table-not-object",
        "document-not-object",
        "document-id-letters",
        "document-id-superscript",
        "document-id-5000-digits",
    ],
)
def test_structure(cli, tmp_path: Path, content: str, expected: str) -> None:
    _rejected(cli, _write(tmp_path, content), expected)


def test_storage_is_read_only_tinydb(tmp_path: Path) -> None:
    from tinydb import TinyDB

    db = TinyDB(_write(tmp_path, _bundled()), storage=store.CheckedStorage)
    assert len(db.table("record").all()) == len(json.loads(_bundled())["record"])
    with pytest.raises(OSError, match="read-only"):
        db.table("record").insert({"id": "new"})


# ─── anything at all ──────────────────────────────────────────────────────────────────────

_JSON_BITS = st.sampled_from(
    ['{', '}', '[', ']', ':', ',', ' ', '"meta"', '"record"', '"1"', '"id"', '"a"', "1", "-",
     "1e999", "9" * 25, "NaN", "null", "true", '"\\ud800"', '"\\u00e9"', "\ufeff", "\\", '"']
)  # fmt: skip
_CONTENT = st.one_of(
    st.binary(max_size=200),
    st.lists(_JSON_BITS, max_size=40).map(lambda bits: "".join(bits).encode("utf-8")),
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=_CONTENT)
def test_arbitrary_bytes_exit_0_or_3_with_one_line(cli, tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path, content, "fuzz.json")
    result = cli("validate", "--db", str(path))
    assert result.exit_code in (0, 3), (result.exit_code, result.stderr)
    if result.exit_code == 3:
        assert one_error_line(result).startswith(f"xiezuo: error: {path}: ")
    else:
        assert result.stderr == ""
