"""Writes that check and write only what they change (storage/change.py): on a database with an
index, a change is checked against the index on the records it can reach, spliced or encoded at
C speed, and the index updated in place of a rebuild. Every change here is made twice, once on
that path and once on the whole path (no index: the whole database validated, as before), and
the two must end the same: the same refusal in the same words, or the same bytes written. The
file written is the layout json.dumps(indent=1) gives, TinyDB opens it, and the updated index
answers as one built from scratch."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED
from tinydb import TinyDB

from xiezuo_cli.errors import XiezuoError
from xiezuo_cli.storage import dataset, index, store, validate

Change = Callable[[dict[str, list[dict[str, Any]]]], None]


def _record(tables: dict[str, list[dict[str, Any]]], record_id: str) -> dict[str, Any]:
    return next(d for d in tables["record"] if d["id"] == record_id)


def _copy_of(record_id: str, new_id: str, **fields: Any) -> Change:
    def change(tables: dict[str, list[dict[str, Any]]]) -> None:
        document = {**copy.deepcopy(_record(tables, record_id)), "id": new_id, **fields}
        tables["record"].append(document)

    return change


def _set(record_id: str, **fields: Any) -> Change:
    def change(tables: dict[str, list[dict[str, Any]]]) -> None:
        document = _record(tables, record_id)
        for name, value in fields.items():
            document[name] = value

    return change


def _remove(record_id: str) -> Change:
    def change(tables: dict[str, list[dict[str, Any]]]) -> None:
        tables["record"] = [d for d in tables["record"] if d["id"] != record_id]

    return change


def _replace(record_id: str, **fields: Any) -> Change:
    def change(tables: dict[str, list[dict[str, Any]]]) -> None:
        at = tables["record"].index(_record(tables, record_id))
        tables["record"][at] = {**tables["record"][at], **fields}

    return change


def _money(value: int) -> dict[str, Any]:
    return {"value": value, "amount_yuan": value, "figure": f"{value}元", "approx": "exact"}


CHANGES: dict[str, Change] = {
    # accepted
    "append a figure": _copy_of("cangxi-social-funds", "new-item", scope="item", part_of=None),
    "append a part that fits": _copy_of(
        "cangxi-lingjiang-investment", "new-part", **_money(1_000_000)
    ),
    "a field set in place": _set("cangxi-special-fund", note="截至发稿"),
    "a document replaced": _replace("cangxi-lingjiang-investment", note="另见"),
    "remove what nothing names": _remove("cangxi-lingjiang-investment"),
    # refused, each by a rule across records or the record checker
    "a part larger than its whole": _copy_of(
        "cangxi-lingjiang-investment", "new-part", **_money(50_000_000)
    ),
    "parts adding up past the whole": _copy_of(
        "cangxi-factory-investment", "new-part", **_money(23_600_000)
    ),
    "a whole made smaller than its parts": _set("cangxi-special-fund", **_money(30_000_000)),
    "remove a whole with parts": _remove("cangxi-special-fund"),
    "a second revision of one figure": _copy_of("kangding-tea-investment-2023", "fork"),
    "a running total overlapping another": _copy_of("cangxi-social-funds", "overlapping"),
    "an id twice": _copy_of("cangxi-social-funds", "cangxi-special-fund", scope="item"),
    "a bad field": _copy_of("cangxi-social-funds", "bad", scope="item", amount_yuan=-1),
    "part of itself": _set("cangxi-lingjiang-investment", part_of="cangxi-lingjiang-investment"),
    "a cycle of parts": _set("cangxi-special-fund", part_of="cangxi-lingjiang-investment"),
}


def _outcome(db: Path, change: Change) -> tuple[str, str]:
    try:
        with store.transaction(db, timeout=5) as tables:
            change(tables)
    except XiezuoError as error:
        return type(error).__name__, str(error).replace(str(db.parent), "DIR")
    return "written", db.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(CHANGES))
def test_the_change_ends_as_on_the_whole_path(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XIEZUO_INDEX_MIN_BYTES", "0")  # the bundled file indexed
    (tmp_path / "whole").mkdir()
    (tmp_path / "indexed").mkdir()
    whole, indexed = tmp_path / "whole" / "db.json", tmp_path / "indexed" / "db.json"
    for db in (whole, indexed):
        shutil.copy(BUNDLED, db)
    dataset.load(indexed)  # writes its index
    assert index.open_index(str(indexed)) is not None
    calls: list[int] = []
    checker = validate.changed_records
    monkeypatch.setattr(validate, "changed_records", lambda *a: calls.append(1) or checker(*a))
    on_index = _outcome(indexed, CHANGES[name])
    assert calls == [1]  # the change was checked against the index, not the whole file
    monkeypatch.setenv("XIEZUO_NO_INDEX", "1")
    on_whole = _outcome(whole, CHANGES[name])
    assert calls == [1]
    assert on_index == on_whole
    if on_index[0] != "written":
        assert indexed.read_bytes() == BUNDLED.read_bytes()
        return
    raw = json.loads(on_index[1])
    # the layout every writer writes, and a file TinyDB itself opens
    expected = json.dumps(raw, ensure_ascii=False, indent=1) + "\n"
    assert on_index[1] == expected
    with TinyDB(indexed, access_mode="r") as opened:
        assert {name: opened.table(name).all() for name in raw} == {
            name: list(table.values()) for name, table in raw.items()
        }
    # the index was brought up to date, and answers as the file itself does
    monkeypatch.delenv("XIEZUO_NO_INDEX")
    updated = index.open_index(str(indexed))
    assert updated is not None
    fresh = dataset.load(indexed, use_index=False)
    assert list(updated.records()) == list(fresh.records)
    assert updated.ids() == [r.id for r in fresh.records]
    assert (updated.count, updated.money) == (
        len(fresh.records),
        sum(1 for r in fresh.records if r.amount_yuan is not None),
    )
    blank = {"item": "", "citations": (), "note": None, "figure": ""}
    assert updated.light(None) == [r._replace(**blank) for r in fresh.records]
    assert updated.superseded(None) == {
        r.revises: r.id for r in fresh.records if r.revises is not None
    }
    updated.close()


@pytest.mark.parametrize("table", ["place", "pairing", "source"])
@pytest.mark.parametrize("indexed", [True, False])
def test_a_removal_from_any_table_is_written(
    table: str, indexed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document removed from a table other than record touches no document: the write must
    still drop it (it once spliced nothing onto the old bytes and kept it)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XIEZUO_INDEX_MIN_BYTES", "0")
    if not indexed:
        monkeypatch.setenv("XIEZUO_NO_INDEX", "1")
    db = tmp_path / "db.json"
    shutil.copy(BUNDLED, db)
    dataset.load(db)
    raw = json.loads(BUNDLED.read_text(encoding="utf-8"))
    model = copy.deepcopy(next(iter(raw[table].values())))
    model["id"] = "extra-document"
    if table == "place":  # a place with no code (a functional zone), under a bundled city
        model = {"id": "extra-document", "code": None, "name": "试验区",
                 "full_name": "长春市试验区", "short": "试验", "level": "county",
                 "parent": "220100", "names": ["试验", "试验区", "长春市试验区"]}  # fmt: skip
    with store.transaction(db, timeout=5) as tables:
        tables[table].append(model)
    assert "extra-document" in {d["id"] for d in json.loads(db.read_text("utf-8"))[table].values()}
    with store.transaction(db, timeout=5) as tables:
        tables[table] = [d for d in tables[table] if d["id"] != "extra-document"]
    written = json.loads(db.read_text(encoding="utf-8"))
    assert [d["id"] for d in written[table].values()] == [d["id"] for d in raw[table].values()]


@pytest.mark.parametrize("exiting_unfreed", [False, True])
def test_a_write_keeps_its_tables_only_for_a_process_that_exits_without_freeing(
    exiting_unfreed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xiezuo_cli.storage import heap

    monkeypatch.setattr(heap, "_kept", [])
    monkeypatch.setattr(heap, "_exiting_unfreed", exiting_unfreed)
    db = tmp_path / "db.json"
    shutil.copy(BUNDLED, db)
    with store.transaction(db, timeout=5) as tables:
        tables["record"] = tables["record"][:-1]
        written = tables
    assert len(json.loads(db.read_text(encoding="utf-8"))["record"]) == len(written["record"])
    # the `xiezuo` command (os._exit) keeps them unfreed; anything else that goes on frees them
    assert any(kept is written for kept in heap._kept) is exiting_unfreed
