"""The cache of validated databases: a hit gives exactly what a full load gives, and nothing
stale, damaged or switched off is ever trusted."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BUNDLED, one_error_line, record_doc

from xiezuo_cli.storage import cache, dataset, rawfile


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("XIEZUO_NO_INDEX", raising=False)
    return home


def entries(home: Path) -> list[Path]:
    folder = home / "xiezuo" / "datasets"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_hit_equals_a_full_load(cache_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "db.json"
    copy.write_bytes(BUNDLED.read_bytes())
    fresh = dataset.load(copy)
    assert len(entries(cache_home)) == 1
    cached = dataset.load(copy)
    assert cached == fresh
    assert cached.records[0].citations == fresh.records[0].citations


def test_a_changed_file_is_never_served_from_the_cache(
    cache_home: Path, cli: Callable, db_copy: Callable
) -> None:
    path = db_copy()
    assert (
        cli("validate", "--db", str(path), env={"XDG_CACHE_HOME": str(cache_home)}).exit_code == 0
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    record_doc(data, "cangxi-special-fund")["amount_yuan"] = "3900万"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli("validate", "--db", str(path), env={"XDG_CACHE_HOME": str(cache_home)})
    assert result.exit_code == 3
    assert "field amount_yuan" in one_error_line(result)


def test_a_damaged_entry_is_ignored(cache_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "db.json"
    copy.write_bytes(BUNDLED.read_bytes())
    fresh = dataset.load(copy)
    (entry,) = entries(cache_home)
    for junk in (b"", b"\x00garbage", entry.read_bytes()[:100]):
        entry.write_bytes(junk)
        assert dataset.load(copy) == fresh


def test_switched_off_it_writes_nothing(cache_home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XIEZUO_NO_INDEX", "1")
    copy = tmp_path / "db.json"
    copy.write_bytes(BUNDLED.read_bytes())
    dataset.load(copy)
    assert entries(cache_home) == []


def test_an_unwritable_cache_never_fails_a_query(tmp_path: Path, monkeypatch, cli) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    result = cli("funds", "--pair", "苍溪", "--csv", env={"XDG_CACHE_HOME": str(blocker)})
    assert result.exit_code == 0 and result.stdout.startswith("pairing,")


def test_the_cache_is_never_beside_the_database(cache_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    copy = folder / "db.json"
    copy.write_bytes(BUNDLED.read_bytes())
    dataset.load(copy)
    assert sorted(p.name for p in folder.iterdir()) == ["db.json"]
    assert str(entries(cache_home)[0]).startswith(str(cache_home))


def test_the_key_holds_path_size_time_and_content(tmp_path: Path) -> None:
    copy = tmp_path / "db.json"
    data = BUNDLED.read_bytes()
    copy.write_bytes(data)
    key = cache.key(str(copy), rawfile.fingerprint(data))
    assert key[3] == os.path.realpath(copy) and key[5][0] == len(data)
    assert key[4] == os.stat(copy).st_mtime_ns
    changed = data.replace(b"3900", b"3901", 1)
    assert cache.key(str(copy), rawfile.fingerprint(changed)) != key
    assert rawfile.fingerprint_file(copy) == rawfile.fingerprint(data)
