"""Issue 17 part B: lossless copies (init --from), editing pairings and sources, and the guards
at entry (a figure entered twice, a figure before its pairing began, a --pair that fits
several). Expected values come from the bundled JSON read here, never through xiezuo."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, one_error_line
from typer.testing import Result

Cli = Callable[..., Result]


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture
def copy(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "copy.json"
    result = cli("init", str(path), "--from", "bundled")
    assert result.exit_code == 0, result.stderr
    return path


def _pairings_and_sources(sqlite_file: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(sqlite_file) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("pairings", "sources")
        }


# ─── init --from ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("form", ["json", "jsonl", "csv", "tsv", "markdown"])
def test_copy_exports_the_same_bytes(cli: Cli, copy: Path, form: str) -> None:
    original = cli("export", "--format", form)
    copied = cli("export", "--format", form, "--db", str(copy))
    assert original.exit_code == copied.exit_code == 0
    assert copied.stdout == original.stdout


def test_copy_exports_the_same_sqlite_tables(cli: Cli, copy: Path, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    assert cli("export", "--format", "sqlite", "-o", str(theirs)).exit_code == 0
    assert cli("export", "--format", "sqlite", "-o", str(ours), "--db", str(copy)).exit_code == 0
    assert _pairings_and_sources(ours) == _pairings_and_sources(theirs)
    with sqlite3.connect(ours) as db:
        assert db.execute("SELECT count(*) FROM pairings").fetchone()[0] == 16


def test_copy_holds_every_table_and_text(copy: Path) -> None:
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))
    copied = json.loads(copy.read_text(encoding="utf-8"))
    for table in ("meta", "place", "pairing", "source", "record"):
        assert list(copied[table].values()) == list(bundled[table].values()), table
    held = [s["text_file"] for s in bundled["source"].values() if s["text_held"]]
    assert len(held) == 2
    for text_file in held:
        assert (copy.parent / text_file).read_bytes() == (BUNDLED.parent / text_file).read_bytes()


def test_copy_of_a_copy_and_its_refusals(cli: Cli, copy: Path, tmp_path: Path) -> None:
    second = tmp_path / "other" / "second.json"
    second.parent.mkdir()
    assert cli("init", str(second), "--from", str(copy)).exit_code == 0
    assert second.read_bytes() == copy.read_bytes()
    before = _tree(tmp_path)
    # PATH exists; FILE is PATH; FILE not a database; FILE missing: one line, nothing written
    for args, code in (
        ((str(second), "--from", "bundled"), 2),
        ((str(copy), "--from", str(copy)), 2),
        (
            (
                str(tmp_path / "new.json"),
                "--from",
                str(copy.parent / "sources" / "xiaoshan-2022-02-10.txt"),
            ),
            3,
        ),
        ((str(tmp_path / "new.json"), "--from", str(tmp_path / "missing.json")), 3),
    ):
        result = cli("init", *args)
        assert result.exit_code == code, (args, result.stderr)
        one_error_line(result)
    assert _tree(tmp_path) == before
    assert "PATH itself" in cli("init", str(copy), "--from", str(copy)).stderr


def test_copy_never_writes_through_a_link_in_sources(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("mine", encoding="utf-8")
    os.symlink(outside, tmp_path / "sources" / "xiaoshan-2022-02-10.txt")
    result = cli("init", str(tmp_path / "db.json"), "--from", "bundled")
    assert result.exit_code == 2
    one_error_line(result)
    assert outside.read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "db.json").exists()
    assert sorted(p.name for p in (tmp_path / "sources").iterdir()) == ["xiaoshan-2022-02-10.txt"]


def test_export_then_import_rebuilds_every_record(cli: Cli, tmp_path: Path) -> None:
    """Issue 17 §3: with figure exported, every bundled record imports into a new database
    (6个 held the quote's number where 6 did not) and exports the same bytes."""
    exported = cli("export")
    (tmp_path / "all.json").write_text(exported.stdout, encoding="utf-8")
    rows = json.loads(exported.stdout)
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert [r["figure"] for r in rows] == [
        d["figure"] for d in sorted(bundled["record"].values(), key=lambda d: d["id"])
    ]
    db = tmp_path / "db.json"
    assert cli("init", str(db)).exit_code == 0
    result = cli("import", str(tmp_path / "all.json"), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert cli("export", "--db", str(db)).stdout == exported.stdout


def test_a_stub_quote_must_hold_the_figure(cli: Cli, tmp_path: Path) -> None:
    rows = json.loads(cli("export", "--pair", "苍溪").stdout)
    row = next(r for r in rows if r["id"] == "cangxi-special-fund")
    row["quote"] = row["citations"][0]["quote"] = "余杭区向苍溪县投入东西部协作专项资金。"
    (tmp_path / "one.json").write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "db.json"
    assert cli("init", str(db)).exit_code == 0
    before = db.read_bytes()
    result = cli("import", str(tmp_path / "one.json"), "--db", str(db))
    assert result.exit_code == 3
    assert "does not hold the figure's number" in result.stderr
    assert db.read_bytes() == before


# ─── the guards at entry ───────────────────────────────────────────────────────────────────

CHAOTIAN = ("--category", "财政援助", "--measure", "协作资金", "--item", "财政援助资金")


def _add(cli: Cli, db: Path, *args: str) -> Result:
    return cli("add", *args, "--db", str(db))


@pytest.fixture
def with_source(cli: Cli, copy: Path) -> Path:
    args = (
        "sources",
        "add",
        "--id",
        "art2",
        "--publisher",
        "广元日报",
        "--published",
        "2024-10-01",
    )
    assert cli(*args, "--db", str(copy)).exit_code == 0
    return copy


def test_same_figure_overlapping_period_is_refused(cli: Cli, with_source: Path) -> None:
    """Issue 17 §5: 滨江→朝天's 1.55亿 from a second article, 2021..2024 against the stored
    2021..2024-09: refused, naming it and suggesting --cite; --distinct lets it in."""
    bundled = json.loads(BUNDLED.read_text(encoding="utf-8"))
    stored = next(d for d in bundled["record"].values() if d["id"] == "chaotian-fiscal-funds")
    assert (stored["amount_yuan"], stored["period_start"], stored["period_end"]) == (
        155000000,
        "2021",
        "2024-09",
    )
    before = with_source.read_bytes()
    for period in ("2021..2024", "2021..2024-09", "2024..", "..2021"):
        result = _add(
            cli,
            with_source,
            "--pair",
            "滨江-朝天",
            *CHAOTIAN,
            "--amount",
            "1.55亿元",
            "--period",
            period,
            "--source",
            "art2",
        )
        assert result.exit_code == 2, period
        line = one_error_line(result)
        assert "chaotian-fiscal-funds" in line and "--cite chaotian-fiscal-funds" in line
        assert "--distinct" in line
    assert with_source.read_bytes() == before
    # a period apart, another amount, another stage: not the same figure
    base = ("--pair", "滨江-朝天", *CHAOTIAN, "--source", "art2", "--id", "apart")
    for other in (
        ("--amount", "1.55亿元", "--period", "2025"),
        ("--amount", "1.5亿元", "--period", "2021..2024"),
        ("--amount", "1.55亿元", "--period", "2021..2024", "--stage", "allocated"),
    ):
        result = _add(cli, with_source, *base, *other)
        assert result.exit_code == 0, (other, result.stderr)
        assert cli("remove", "apart", "--db", str(with_source)).exit_code == 0
    result = _add(
        cli,
        with_source,
        "--pair",
        "滨江-朝天",
        *CHAOTIAN,
        "--amount",
        "1.55亿元",
        "--period",
        "2021..2024",
        "--source",
        "art2",
        "--distinct",
    )
    assert result.exit_code == 0, result.stderr
    funds = cli(
        "funds", "--pair", "滨江-朝天", "-c", "财政援助", "--json", "--db", str(with_source)
    )
    assert sum(row["amount_yuan"] for row in json.loads(funds.stdout)) == 2 * 155000000


def test_exact_duplicate_by_add_is_refused(cli: Cli, with_source: Path) -> None:
    args = ("--pair", "滨江-朝天", *CHAOTIAN, "--amount", "1.55亿元", "--period", "2021..2024-09")
    before = with_source.read_bytes()
    result = _add(cli, with_source, *args, "--source", "art2")
    assert result.exit_code == 2
    assert "--cite chaotian-fiscal-funds" in one_error_line(result)
    assert with_source.read_bytes() == before
    funds = cli(
        "funds", "--pair", "滨江-朝天", "-c", "财政援助", "--json", "--db", str(with_source)
    )
    assert [row["amount_yuan"] for row in json.loads(funds.stdout)] == [155000000]


def test_edit_into_a_duplicate_is_refused(cli: Cli, with_source: Path) -> None:
    args = ("--pair", "滨江-朝天", *CHAOTIAN, "--amount", "1.5亿元", "--period", "2021..2024")
    assert _add(cli, with_source, *args, "--source", "art2", "--id", "mine").exit_code == 0
    before = with_source.read_bytes()
    result = cli("edit", "mine", "--amount", "1.55亿元", "--db", str(with_source))
    assert result.exit_code == 2
    assert "chaotian-fiscal-funds" in one_error_line(result)
    assert with_source.read_bytes() == before
    assert cli("edit", "mine", "--note", "另一笔", "--db", str(with_source)).exit_code == 0
    ok = cli("edit", "mine", "--amount", "1.55亿元", "--distinct", "--db", str(with_source))
    assert ok.exit_code == 0, ok.stderr


def _with_luqiao(data: dict[str, Any]) -> None:
    """路桥 (台州市路桥区) and its pairing with 朝天, begun 2021, as issue 17 §6 found them."""
    data["place"]["900"] = {
        "id": "331004",
        "code": "331004",
        "name": "路桥区",
        "full_name": "台州市路桥区",
        "short": "路桥",
        "level": "county",
        "parent": None,
        "names": ["路桥", "路桥区", "luqiao"],
    }
    data["pairing"]["900"] = {
        "id": "luqiao-chaotian",
        "kind": "山海协作",
        "provider": "331004",
        "receiver": "510812",
        "since": "2021",
        "source": None,
        "note": None,
        "names": {"pair": ["luqiaochaotian", "路桥朝天"]},
    }
    data["source"]["900"] = {
        "id": "art2",
        "title": None,
        "publisher": "台州日报",
        "author": None,
        "published": "2024-10-01",
        "published_inferred": False,
        "url": None,
        "reprint_of": None,
        "excerpt_only": False,
        "text_held": False,
        "text_file": None,
        "note": None,
    }


def test_ambiguous_pair_and_figure_before_the_pairing(cli: Cli, db_copy: Any) -> None:
    """Issue 17 §6: --pair 朝天 fits two pairings: refused with the list; 路桥→朝天's 2019
    figure on a pairing begun 2021: refused, naming 朝天's pairings with their starts."""
    db = db_copy(_with_luqiao)
    before = db.read_bytes()
    figure = (*CHAOTIAN, "--amount", "500万元", "--period", "2019", "--source", "art2")
    result = _add(cli, db, "--pair", "朝天", *figure)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "fits 2 pairings" in line and "binjiang-chaotian" in line and "luqiao-chaotian" in line
    result = _add(cli, db, "--pair", "路桥-朝天", *figure)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "before pairing luqiao-chaotian began (2021)" in line
    assert "binjiang-chaotian (since 2021)" in line and "luqiao-chaotian (since 2021)" in line
    assert db.read_bytes() == before
    # every write that takes a pairing by name refuses one that fits several
    for args in (
        ("edit", "chaotian-fiscal-funds", "--pair", "朝天"),
        ("pairs", "edit", "朝天", "--since", "2021"),
    ):
        result = cli(*args, "--db", str(db))
        assert result.exit_code == 2, args
        assert "fits 2 pairings" in one_error_line(result)
    assert db.read_bytes() == before


def _import(cli: Cli, db: Path, rows: list[dict[str, Any]], path: Path) -> Result:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return cli("import", str(path), "--db", str(db))


def test_import_meets_the_same_guards(cli: Cli, with_source: Path, tmp_path: Path) -> None:
    rows = json.loads(cli("export", "--pair", "滨江-朝天").stdout)
    row = next(r for r in rows if r["id"] == "chaotian-fiscal-funds")
    new = {**row, "id": "again", "period_end": "2024", "cumulative": True}
    new["source"] = "art2"
    new["quote"] = None
    new["citations"] = [{"source": "art2", "quote": None, "note": None}]
    before = with_source.read_bytes()
    result = _import(cli, with_source, [new], tmp_path / "a.json")
    assert result.exit_code == 3
    assert (
        "chaotian-fiscal-funds" in result.stderr
        and "same_as chaotian-fiscal-funds" in result.stderr
    )
    assert with_source.read_bytes() == before
    # two rows of one file that are the same figure
    first = {**new, "id": "one", "amount_yuan": 1000000, "value": 1000000, "figure": "100万元"}
    first["scope"] = "item"  # not a running total (the stored one is)
    second = {**first, "id": "two", "period_start": "2022"}
    result = _import(cli, with_source, [first, second], tmp_path / "b.json")
    assert result.exit_code == 3
    assert "two" in result.stderr and "the same figure as one" in result.stderr
    assert with_source.read_bytes() == before
    second["distinct"] = True
    result = _import(cli, with_source, [first, second], tmp_path / "c.json")
    assert result.exit_code == 0, result.stderr
    # a figure before its pairing began
    early = {
        **first,
        "id": "early",
        "period_start": "2019",
        "period_end": "2019",
        "year": 2019,
        "cumulative": False,
        "amount_yuan": 7000000,
        "value": 7000000,
        "figure": "700万元",
    }
    result = _import(cli, with_source, [early], tmp_path / "d.json")
    assert result.exit_code == 3
    assert "before pairing binjiang-chaotian began (2021)" in result.stderr


# ─── editing pairings and sources ──────────────────────────────────────────────────────────


def test_pairs_edit_a_second_source_of_the_start(cli: Cli, with_source: Path) -> None:
    db = str(with_source)
    assert cli("pairs", "edit", "苍溪", "--source", "art2", "--db", db).stdout == "yuhang-cangxi\n"
    data = json.loads(with_source.read_text(encoding="utf-8"))
    pairing = next(p for p in data["pairing"].values() if p["id"] == "yuhang-cangxi")
    assert (pairing["since"], pairing["source"], pairing["start_sources"]) == (
        "2021-05",
        "yuhang-cangxi-2021-11-17",
        ["art2"],
    )
    before = with_source.read_bytes()
    for args in (
        ("--source", "art2"),  # already given
        ("--source", "nope"),  # no such source
        ("--since", "2022"),  # after the end of its figures
        ("--since", "2021-13"),
    ):
        result = cli("pairs", "edit", "苍溪", *args, "--db", db)
        assert result.exit_code == 2, args
        one_error_line(result)
    assert with_source.read_bytes() == before
    refused = cli("remove", "art2", "--table", "source", "--db", db)
    assert refused.exit_code == 2 and "pairing yuhang-cangxi (source)" in refused.stderr
    assert (
        cli("pairs", "edit", "苍溪", "--since", "2021-04", "--note", "结对", "--db", db).exit_code
        == 0
    )
    assert cli("validate", "--db", db).exit_code == 0


def test_sources_edit_checks_every_field(cli: Cli, with_source: Path) -> None:
    db = str(with_source)
    before = with_source.read_bytes()
    for args in (
        ("--url", "not a url"),
        ("--published", "2021-13-45"),
        ("--published-inferred", "maybe"),
        ("--publisher", " "),
    ):
        result = cli("sources", "edit", "art2", *args, "--db", db)
        assert result.exit_code == 2, args
        one_error_line(result)
    assert cli("sources", "edit", "nope", "--title", "x", "--db", db).exit_code == 2
    assert with_source.read_bytes() == before
    result = cli(
        "sources",
        "edit",
        "art2",
        "--title",
        "山海情",
        "--url",
        "https://example.org/a",
        "--author",
        "记者",
        "--published",
        "2024-09-30",
        "--excerpt-only",
        "true",
        "--db",
        db,
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(with_source.read_text(encoding="utf-8"))
    source = next(s for s in data["source"].values() if s["id"] == "art2")
    assert (
        source["title"],
        source["url"],
        source["author"],
        source["published"],
        source["excerpt_only"],
    ) == ("山海情", "https://example.org/a", "记者", "2024-09-30", True)
    assert cli("sources", "edit", "art2", "--clear", "title", "--db", db).exit_code == 0
    data = json.loads(with_source.read_text(encoding="utf-8"))
    assert next(s for s in data["source"].values() if s["id"] == "art2")["title"] is None


def test_a_person_s_sheet_meets_the_same_guards(
    cli: Cli, with_source: Path, tmp_path: Path
) -> None:
    """The 1.55亿 of 滨江→朝天 again, from a sheet in Chinese headers: refused naming the stored
    figure and same_as; the column 另一笔 (distinct) true lets it in as another flow."""
    header = "支援方,受援方,类型,类别,口径,事项,数字,时期,来源"
    row = "滨江,朝天,东西部协作,财政援助,协作资金,财政援助资金,1.55亿元,2021..2024,art2"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"{header}\r\n{row}\r\n", encoding="gbk")
    before = with_source.read_bytes()
    result = cli("import", str(sheet), "--db", str(with_source))
    assert result.exit_code == 3
    line = result.stderr.splitlines()[0]
    assert "the same figure as chaotian-fiscal-funds" in line and "same_as" in line
    assert with_source.read_bytes() == before
    sheet.write_text(f"{header},另一笔\r\n{row},是\r\n", encoding="gbk")
    result = cli("import", str(sheet), "--db", str(with_source))
    assert result.exit_code == 0, result.stderr
    data = json.loads(with_source.read_text(encoding="utf-8"))
    amounts = [
        r["amount_yuan"] for r in data["record"].values() if r["pairing"] == "binjiang-chaotian"
    ]
    assert amounts.count(155_000_000) == 2
