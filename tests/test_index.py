"""The derived SQLite index (index.py): every command answers the same with and without it,
over generated databases with part_of chains across levels, revisions, periods and stages; and
nothing stale, damaged or switched off is trusted, and nothing is written where it must not be.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import ROOT, one_error_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xiezuo_cli.cli.app import app
from xiezuo_cli.storage import index, rawfile

sys.path.insert(0, str(ROOT / "benchmarks"))
import scale  # the benchmark's generator of valid databases

ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}


def run(db: Path, cache_home: Path, *args: str, indexed: bool) -> tuple[int, str]:
    env = {**ENV, "XDG_CACHE_HOME": str(cache_home), "XIEZUO_DB": str(db)}
    if indexed:
        env["XIEZUO_INDEX_MIN_BYTES"] = "0"  # index even a small file
    else:
        args = (*args, "--no-index")
    result = CliRunner().invoke(app, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout


def commands(receiver: str, record_id: str) -> list[tuple[str, ...]]:
    return [
        ("funds", "--csv"),
        ("funds", "--by", "pairing", "--csv"),
        ("funds", "--by", "year", "--json"),
        ("funds", "--by", "category,level", "--stage", "pledged", "--csv"),
        ("funds", "--as-of", "2022-06-30", "--by", "pairing", "--csv"),
        ("funds", "--roll-up", "province", "--csv"),
        ("funds", "--roll-up", "city", "--level", "county", "--csv"),
        ("funds", "--counts", "--csv"),
        ("funds", "--explain", "--csv"),
        ("funds", "--pair", receiver, "--by", "year", "--csv"),
        ("funds", "--in", "浙江", "--during", "2021-2022", "--csv"),
        ("funds", "--search", "资金", "--csv"),
        ("list", "--csv"),
        ("list", "--pair", receiver, "--json"),
        ("list", "--level", "province", "--stage", "pledged,allocated", "--csv"),
        ("list", "--during", "2020-2021", "--min", "100万", "--sort", "amount_yuan", "--csv"),
        ("list", "--limit", "7", "--format", "jsonl"),
        ("filter", "amount_yuan", "ge", "500万", "category", "in", "财政援助,社会帮扶", "--csv"),
        ("filter", "part_of", "ne", "", "--json"),
        ("report", "--csv"),
        ("report", "--per", "year", "--pair", receiver, "--csv"),
        ("pairs", "--csv"),
        ("pairs", "--level", "county", "--sort", "fiscal_aid_yuan", "--desc", "--json"),
        ("show", receiver, "--json"),
        ("cite", record_id, "--json"),
        ("export", "--json"),
        ("validate",),
    ]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 10**6), size=st.sampled_from([300, 700, 1200]))
def test_every_command_answers_the_same_with_and_without_the_index(
    tmp_path_factory: pytest.TempPathFactory, seed: int, size: int
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    db = folder / "db.json"
    generated = scale.write_database(db, size, seed)
    cache_home = folder / "cache"
    with db.open(encoding="utf-8") as file:
        docs = list(json.load(file)["record"].values())
    revised = next((d["id"] for d in docs if d.get("revises")), docs[0]["id"])
    before = db.read_bytes()
    for args in commands(generated.receiver, revised):
        with_index = run(db, cache_home, *args, indexed=True)
        without = run(db, cache_home, *args, indexed=False)
        assert with_index == without, args
        assert with_index[0] == 0, args
    assert list((cache_home / "xiezuo" / "index").glob("*.sqlite")), "no index was made"
    assert db.read_bytes() == before  # read commands never write the database


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated database that is indexed (the size limit lowered), in its own cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XIEZUO_INDEX_MIN_BYTES", "0")
    monkeypatch.delenv("XIEZUO_NO_INDEX", raising=False)
    db = tmp_path / "db.json"
    scale.write_database(db, 400, 3)
    return db


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=ENV)
    return result.exit_code, result.stdout


def entry(db: Path) -> Path:
    found = index.entry_path(str(db))
    assert found is not None
    return Path(found)


def test_the_index_lives_in_the_cache_folder_and_is_used(big: Path, tmp_path: Path) -> None:
    first = invoke("funds", "--db", str(big), "--csv")
    made = entry(big)
    assert made.is_file() and made.parent == tmp_path / "cache" / "xiezuo" / "index"
    assert sorted(p.name for p in big.parent.iterdir()) == ["cache", "db.json"]
    made_at = made.stat().st_mtime_ns
    assert invoke("funds", "--db", str(big), "--csv") == first
    assert made.stat().st_mtime_ns == made_at  # a hit writes nothing


def test_a_changed_database_rebuilds_its_index(big: Path) -> None:
    invoke("list", "--db", str(big), "--csv")
    data = json.loads(big.read_text(encoding="utf-8"))
    doc = next(iter(data["record"].values()))
    doc["item"] += "（改）"
    big.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, text = invoke("list", "--db", str(big), "--json")
    assert code == 0
    listed = {row["id"]: row["item"] for row in json.loads(text)}
    assert listed[doc["id"]] == doc["item"]
    assert index.open_index(str(big)) is not None


def damage(db: Path, seq: int) -> str:
    """Flip one bit of a stored record's body; the record's pairing."""
    connection = sqlite3.connect(entry(db))
    pairing, body = connection.execute(
        "SELECT pairing, body FROM records WHERE seq = ?", (seq,)
    ).fetchone()
    flipped = body[:1] + bytes([body[1] ^ 0x01]) + body[2:]
    connection.execute("UPDATE records SET body = ? WHERE seq = ?", (flipped, seq))
    connection.commit()
    connection.close()
    return pairing


def test_a_damaged_body_is_noticed_and_the_file_answers(big: Path) -> None:
    invoke("list", "--db", str(big), "--csv")
    pairing = damage(big, 5)
    expected = invoke("list", "--db", str(big), "--pair", pairing, "--csv", "--no-index")
    assert invoke("list", "--db", str(big), "--pair", pairing, "--csv") == expected
    assert not entry(big).exists()  # dropped; the next query builds it again
    assert invoke("list", "--db", str(big), "--pair", pairing, "--csv") == expected
    assert _intact(big)


def test_damage_found_after_rows_were_printed_is_one_error_line(big: Path) -> None:
    invoke("list", "--db", str(big), "--csv")
    damage(big, 50)
    result = CliRunner().invoke(app, ["list", "--db", str(big), "--csv"], env=ENV)
    assert result.exit_code == 1
    assert "run the command again" in one_error_line(result)
    assert not entry(big).exists()
    assert invoke("list", "--db", str(big), "--csv") == invoke(
        "list", "--db", str(big), "--csv", "--no-index"
    )


def _intact(db: Path) -> bool:
    opened = index.open_index(str(db))
    return opened is not None and len(list(opened.records())) > 0


@pytest.mark.parametrize("junk", [b"", b"not sqlite at all", b"SQLite format 3\x00" + b"\x00" * 50])
def test_a_foreign_or_truncated_index_is_a_miss(big: Path, junk: bytes) -> None:
    expected = invoke("funds", "--db", str(big), "--csv", "--no-index")
    made = entry(big)
    made.parent.mkdir(parents=True, exist_ok=True)
    made.write_bytes(junk)
    assert invoke("funds", "--db", str(big), "--csv") == expected
    assert _intact(big)  # rebuilt


def test_no_index_and_the_variable_write_nothing(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("funds", "--db", str(big), "--no-index", "--csv")[0] == 0
    monkeypatch.setenv("XIEZUO_NO_INDEX", "1")
    assert invoke("funds", "--db", str(big), "--csv")[0] == 0
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_cache_folder_still_answers(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    expected = invoke("funds", "--db", str(big), "--csv", "--no-index")
    assert invoke("funds", "--db", str(big), "--csv") == expected


def test_a_read_only_database_folder_is_never_written(big: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "db.json"
    db.write_bytes(big.read_bytes())
    os.chmod(folder, 0o555)
    try:
        code, _ = invoke("funds", "--db", str(db), "--csv")
        assert code == 0 and sorted(p.name for p in folder.iterdir()) == ["db.json"]
    finally:
        os.chmod(folder, 0o755)


def test_small_databases_use_the_snapshot_not_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("XIEZUO_INDEX_MIN_BYTES", raising=False)
    monkeypatch.delenv("XIEZUO_NO_INDEX", raising=False)
    assert invoke("funds", "--csv")[0] == 0
    assert list((tmp_path / "cache" / "xiezuo" / "datasets").iterdir())
    assert not (tmp_path / "cache" / "xiezuo" / "index").exists()


def test_light_records_differ_only_in_their_text(big: Path) -> None:
    invoke("list", "--db", str(big), "--csv")
    opened = index.open_index(str(big))
    assert opened is not None
    full = list(opened.records())
    light = opened.light(None)
    text = {"item", "citations", "note", "figure"}
    assert [r.id for r in light] == [r.id for r in full]
    for whole, bare in zip(full, light, strict=True):
        for name in whole._fields:
            if name not in text:
                assert getattr(bare, name) == getattr(whole, name), name


def test_an_unchanged_file_is_found_by_its_status_without_reading_it(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "_RACY_NS", 0)  # the file was just made: trust its times anyway
    first = invoke("funds", "--db", str(big), "--csv")

    def unread(path: object) -> object:
        raise AssertionError("the file was read to find its index")

    monkeypatch.setattr(rawfile, "fingerprint_file", unread)
    assert invoke("funds", "--db", str(big), "--csv") == first


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "_RACY_NS", 0)
    invoke("list", "--db", str(big), "--csv")
    status = big.stat()
    text = big.read_text(encoding="utf-8")
    data = json.loads(text)
    doc = next(iter(data["record"].values()))
    changed = text.replace(
        json.dumps(doc["item"], ensure_ascii=False)[1:-1], "改" * len(doc["item"]), 1
    )
    assert len(changed.encode()) == len(text.encode()) and changed != text
    big.write_text(changed, encoding="utf-8")
    os.utime(big, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert big.stat().st_size == status.st_size and big.stat().st_mtime_ns == status.st_mtime_ns
    code, out = invoke("list", "--db", str(big), "--json")
    assert code == 0
    assert {row["id"]: row["item"] for row in json.loads(out)}[doc["id"]] == "改" * len(doc["item"])


def test_a_just_changed_file_stores_no_status_key(big: Path) -> None:
    invoke("list", "--db", str(big), "--csv")  # the file is seconds old: racy
    connection = sqlite3.connect(entry(big))
    names = {row[0] for row in connection.execute("SELECT name FROM meta")}
    connection.close()
    assert "stat" not in names and "key" in names


def test_a_writer_finds_the_index_of_the_bytes_it_holds_without_reading_the_file_again(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("list", "--db", str(big), "--csv")  # writes the index; the file is too new for its
    data, before = big.read_bytes(), big.stat()  # status to be trusted: matched by fingerprint

    def unread(path: object) -> object:
        raise AssertionError("the file was read again to find its index")

    monkeypatch.setattr(rawfile, "fingerprint_file", unread)
    opened = index.open_for(str(big), data, before)
    assert opened is not None
    opened.close()
    # other bytes of the same length (as if the file changed after they were read): no index
    at = data.index(b'"amount_yuan": ') + len(b'"amount_yuan": ')
    digit = data[at : at + 1]
    assert digit.isdigit()
    other = data[:at] + (b"9" if digit != b"9" else b"8") + data[at + 1 :]
    assert index.open_for(str(big), other, before) is None
