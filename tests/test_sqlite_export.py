"""export to SQLite (sqlite_export.write_sqlite): the tables hold what the YAML holds, every
reference resolves, and the views give what `funds --csv`, `funds --explain --csv` and
`export --csv` print, for the bundled data, filtered selections and a hand-changed copy."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, record_doc
from typer.testing import Result

from xiezuo_cli.cli.groups import FILTERS
from xiezuo_cli.cli.spec import bind_part
from xiezuo_cli.errors import UsageProblem, XiezuoError
from xiezuo_cli.model.records import RECORD_FIELDS, Record
from xiezuo_cli.present import sqlite_export
from xiezuo_cli.query.filters import select
from xiezuo_cli.query.funds import EXPLAIN_FIELDS
from xiezuo_cli.storage import dataset
from xiezuo_cli.storage.dataset import Dataset

Invoke = Callable[..., Result]
TOTALS = (
    "SELECT pairing, category, measure, level, stage, amount_yuan, at_least, about, records, "
    "period_start, period_end, apart, derived"
)


def _yaml(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return dataset.load(dataset.bundled_path())


@pytest.fixture(scope="module")
def db(bundled: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """The bundled data, every record selected, written once for the module."""
    path = tmp_path_factory.mktemp("sqlite") / "xiezuo.sqlite"
    sqlite_export.write_sqlite(bundled, bundled.records, str(path))
    with closing(sqlite3.connect(path)) as connection:
        yield connection


def _write(data: Dataset, records: Sequence[Record], path: Path, **options: Any) -> Path:
    sqlite_export.write_sqlite(data, records, str(path), **options)
    return path


def _select(data: Dataset, **options: Any) -> tuple[list[Record], str | None]:
    """What `export` would select with these filters, and its --as-of day."""
    filters = bind_part(FILTERS, options).resolve(data)
    return select(data, filters), filters.known_by


def _csv(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _funds_csv(cli: Invoke, *args: str) -> list[tuple[object, ...]]:
    """`funds --csv` rows as SQL gives them: integers, booleans as 0/1."""
    return [
        (
            row["pairing"],
            row["category"],
            row["measure"],
            row["level"],
            row["stage"],
            int(row["amount_yuan"]),
            int(row["at_least"] == "true"),
            int(row["about"] == "true"),
            int(row["records"]),
            row["period_start"] or None,
            row["period_end"] or None,
            row["apart"] or None,
            int(row["derived"] == "true"),
        )
        for row in _csv(cli("funds", "--csv", *args))
    ]


def _totals(connection: sqlite3.Connection, where: str = "", *params: object) -> list[tuple]:
    return connection.execute(f"{TOTALS} FROM fund_totals {where}", params).fetchall()


def _as_csv_cells(row: Sequence[object], names: Sequence[str], booleans: set[str]) -> list[str]:
    """A SQL row as the CSV writer prints it: NULL empty, 0/1 flags false/true."""
    cells = []
    for name, value in zip(names, row, strict=True):
        if value is None:
            cells.append("")
        elif name in booleans:
            cells.append("true" if value else "false")
        else:
            cells.append(str(value))
    return cells


# ─── the tables ─────────────────────────────────────────────────────────────────────────────


def test_row_counts_are_the_yamls(db: sqlite3.Connection) -> None:
    records = _yaml("records.yaml") + _yaml("records-facts.yaml")
    citations = sum(len(r["citations"]) for r in records) + len(_yaml("citations-facts.yaml"))
    expected = {
        "places": len(_yaml("places.yaml")),
        "pairings": len(_yaml("pairings.yaml")),
        "sources": len(_yaml("sources.yaml")) + len(_yaml("sources-facts.yaml")),
        "records": len(records),
        "citations": citations,
    }
    counted = {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in expected
    }
    assert counted == expected
    assert db.execute("SELECT COUNT(*) FROM records WHERE selected = 0").fetchone() == (0,)
    assert {r["id"] for r in records} == {i for (i,) in db.execute("SELECT id FROM records")}


def test_foreign_keys_are_declared_and_hold(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    declared = {
        (table, row[3], row[2], row[4])  # (child table, column, parent table, parent column)
        for table in sqlite_export.TABLES
        for row in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert declared == {
        ("places", "parent", "places", "id"),
        ("pairings", "provider", "places", "id"),
        ("pairings", "receiver", "places", "id"),
        ("pairings", "source", "sources", "id"),
        ("records", "pairing", "pairings", "id"),
        ("records", "part_of", "records", "id"),
        ("records", "revises", "records", "id"),
        ("citations", "record", "records", "id"),
        ("citations", "source", "sources", "id"),
    }
    primary = {
        table: [
            row[1]
            for row in sorted(db.execute(f"PRAGMA table_info({table})"), key=lambda r: r[5])
            if row[5]
        ]
        for table in sqlite_export.TABLES
    }
    assert primary == {
        "places": ["id"],
        "pairings": ["id"],
        "sources": ["id"],
        "records": ["id"],
        "citations": ["record", "ordinal"],
    }
    assert db.execute("PRAGMA user_version").fetchone() == (2,)


def test_record_columns_are_the_contract(db: sqlite3.Connection) -> None:
    columns = [row[1] for row in db.execute("PRAGMA table_info(records)")]
    contract = [name for name in RECORD_FIELDS if name not in ("citations", "source", "quote")]
    assert columns == [*contract, "figure", "family", "known_by", "selected"]
    view = [row[1] for row in db.execute("PRAGMA table_info(contract_records)")]
    assert view == list(RECORD_FIELDS)


def test_values_keep_their_types(db: sqlite3.Connection, bundled: Dataset) -> None:
    by_id = {record.id: record for record in bundled.records}
    for row in db.execute(
        "SELECT id, amount_yuan, typeof(amount_yuan), cumulative, part_of, revises, year, family,"
        " known_by FROM records"
    ):
        record_id, amount, kind, cumulative, part_of, revises, year, family, known_by = row
        record = by_id[record_id]
        assert amount == record.amount_yuan
        assert kind == ("null" if record.amount_yuan is None else "integer")
        assert cumulative == int(record.cumulative)
        assert (part_of, revises, year) == (record.part_of, record.revises, record.year)
        assert (family, known_by) == (record.family, record.known_by)
    # NULL, never an empty string; flags are 0 or 1
    for table, column in (("records", "part_of"), ("records", "note"), ("sources", "author")):
        assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ''").fetchone() == (0,)
    assert db.execute("SELECT DISTINCT text_held FROM sources ORDER BY 1").fetchall() == [
        (0,),
        (1,),
    ]
    quotes = db.execute("SELECT COUNT(*) FROM citations WHERE quote IS NULL").fetchone()[0]
    assert quotes == sum(1 for r in bundled.records for c in r.citations if c.quote is None)


# ─── the views against the CLI ──────────────────────────────────────────────────────────────


def test_fund_totals_are_funds_csv(db: sqlite3.Connection, cli: Invoke) -> None:
    expected = _funds_csv(cli)
    got = _totals(db)
    assert set(got) == set(expected)
    assert got == expected  # and in the same order
    row = ("yuhang-cangxi", "财政援助", "财政资金", "county", "actual", 41000000, 0, 0, 2)
    assert (*row, "2021-05", "2021-11", None, 0) in got
    # 浙川's running total of 2016 to 2021-06 and its 33亿 of 2021: two rows, as funds gives them
    fiscal = [r for r in got if r[0] == "zhejiang-sichuan" and r[1] == "财政援助"]
    assert [(r[5], r[11]) for r in fiscal] == [(5278800000, "overlap"), (3300000000, None)]


def test_fund_totals_per_pairing_are_funds_pair(
    db: sqlite3.Connection, cli: Invoke, bundled: Dataset
) -> None:
    assert set(_totals(db, "WHERE pairing = 'yuhang-cangxi'")) == set(
        _funds_csv(cli, "--pair", "苍溪")
    )
    for pairing in bundled.pairings:
        got = _totals(db, "WHERE pairing = ?", pairing)
        assert set(got) == set(_funds_csv(cli, "--pair", pairing)), pairing


def test_fund_decisions_are_funds_explain(db: sqlite3.Connection, cli: Invoke) -> None:
    expected = [list(row.values()) for row in _csv(cli("funds", "--explain", "--csv"))]
    rows = db.execute(f"SELECT {', '.join(EXPLAIN_FIELDS)} FROM fund_decisions").fetchall()
    got = [_as_csv_cells(row, EXPLAIN_FIELDS, {"counted", "derived"}) for row in rows]
    assert got == expected
    reasons = {row[0] for row in db.execute("SELECT DISTINCT reason FROM fund_decisions")}
    assert {"summed", "part_of", "stage", "outcome", "rate", "currency"} <= reasons


def test_contract_records_are_export_csv(db: sqlite3.Connection, cli: Invoke) -> None:
    # export's rows less figure, its last column (figure is in the records table)
    expected = [list(row.values())[:-1] for row in _csv(cli("export", "--csv"))]
    rows = db.execute("SELECT * FROM contract_records").fetchall()
    assert [
        _as_csv_cells(row, RECORD_FIELDS, {"cumulative", "derived"}) for row in rows
    ] == expected


# ─── filtered selections ────────────────────────────────────────────────────────────────────


def test_a_part_whose_whole_is_filtered_away_is_counted(
    bundled: Dataset, cli: Invoke, tmp_path: Path
) -> None:
    """康定's donations are part_of the 1.8亿 (财政援助): selecting 社会帮扶 leaves the whole out,
    so they count. The whole is still in `records`, unselected, so the reference resolves."""
    records, _ = _select(bundled, pair=["康定"], category=["社会帮扶"])
    with closing(sqlite3.connect(_write(bundled, records, tmp_path / "x.sqlite"))) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        expected = _funds_csv(cli, "--pair", "康定", "--category", "社会帮扶")
        assert _totals(connection) == expected
        assert expected == [
            (
                "xiaoshan-kangding",
                "社会帮扶",
                "捐款捐物",
                "county",
                "actual",
                2340000,
                0,
                0,
                3,
                "2021",
                "2021",
                None,
                0,
            )
        ]
        context = connection.execute("SELECT id FROM records WHERE selected = 0").fetchall()
        assert context == [("kangding-funds-total",)]
        selected = connection.execute("SELECT COUNT(*) FROM records WHERE selected = 1")
        assert selected.fetchone() == (len(records),)
        assert connection.execute("SELECT COUNT(*) FROM contract_records").fetchone() == (
            len(records),
        )


def test_as_of_selection_matches_funds_as_of(bundled: Dataset, cli: Invoke, tmp_path: Path) -> None:
    records, known_by = _select(bundled, as_of="2022-06-30")
    assert known_by == "2022-06-30"
    path = _write(bundled, records, tmp_path / "x.sqlite", known_by=known_by)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert _totals(connection) == _funds_csv(cli, "--as-of", "2022-06-30")
        explain = _csv(cli("funds", "--as-of", "2022-06-30", "--explain", "--csv"))
        decisions = connection.execute("SELECT id, reason FROM fund_decisions").fetchall()
        assert decisions == [(row["id"], row["reason"]) for row in explain]


@pytest.mark.parametrize(
    "options",
    [
        {"place_in": ["四川"]},
        {"category": ["消费帮扶"]},
        {"pair": ["萧山"], "money": True},
        {"year": "2021"},
    ],
)
def test_filtered_selections_match_funds(
    bundled: Dataset, cli: Invoke, tmp_path: Path, options: dict[str, Any]
) -> None:
    flags = {"place_in": "--in", "category": "--category", "pair": "--pair", "year": "--year"}
    args: list[str] = []
    for name, value in options.items():
        if name == "money":
            args.append("--money")
        else:
            for one in [value] if isinstance(value, str) else value:
                args += [flags[name], one]
    records, _ = _select(bundled, **options)
    with closing(sqlite3.connect(_write(bundled, records, tmp_path / "x.sqlite"))) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert _totals(connection) == _funds_csv(cli, *args)


# ─── a hand-changed copy ────────────────────────────────────────────────────────────────────


def _changed(data: dict[str, Any]) -> None:
    """苍溪's 专项资金 only allocated: its parts count instead. 康定's tea investment (2.22亿)
    and its revision (3.2亿) actual; the 松茸 purchase actual and part_of the revised 2.22亿,
    which stands for its revision: the purchase is not counted."""
    record_doc(data, "cangxi-special-fund")["stage"] = "allocated"
    record_doc(data, "kangding-tea-investment")["stage"] = "actual"
    record_doc(data, "kangding-tea-investment-2023")["stage"] = "actual"
    purchase = record_doc(data, "kangding-songrong-purchase")
    purchase["stage"] = "actual"
    purchase["part_of"] = "kangding-tea-investment"


def test_hand_changed_copy(db_copy: Callable[..., Path], cli: Invoke, tmp_path: Path) -> None:
    path = db_copy(_changed)
    data = dataset.load(path)
    out = _write(data, data.records, tmp_path / "changed.sqlite")
    with closing(sqlite3.connect(out)) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert _totals(connection) == _funds_csv(cli, "--db", str(path))
        decided = {
            row[0]: row[1:]
            for row in connection.execute(
                "SELECT id, counted, reason, part_of, revised_by FROM fund_decisions"
            )
        }
        # a part whose whole is not counted (another stage) is counted
        assert decided["cangxi-special-fund"] == (0, "stage", None, None)
        assert decided["cangxi-factory-investment"] == (1, "summed", None, None)
        cangxi = _totals(
            connection, "WHERE pairing = ? AND category = ?", "yuhang-cangxi", "财政援助"
        )
        assert cangxi == [
            (
                "yuhang-cangxi",
                "财政援助",
                "财政资金",
                "county",
                "actual",
                36397000,
                0,
                0,
                5,
                "2021-05",
                "2021-11",
                None,
                0,
            )
        ]
        # a revised figure is not; a part of it is part of its revision
        assert decided["kangding-tea-investment"] == (
            0,
            "revised",
            None,
            "kangding-tea-investment-2023",
        )
        assert decided["kangding-tea-investment-2023"] == (1, "summed", None, None)
        assert decided["kangding-songrong-purchase"] == (
            0,
            "part_of",
            "kangding-tea-investment-2023",
            None,
        )
        tea = _totals(
            connection, "WHERE pairing = ? AND category = ?", "xiaoshan-kangding", "产业合作"
        )
        assert tea == [
            (
                "xiaoshan-kangding",
                "产业合作",
                "投资额",
                "county",
                "actual",
                320000000,
                0,
                0,
                1,
                "2021",
                "2023-01",
                None,
                0,
            )
        ]
        explain = _csv(cli("funds", "--db", str(path), "--explain", "--csv"))
        rows = connection.execute(f"SELECT {', '.join(EXPLAIN_FIELDS)} FROM fund_decisions")
        got = [_as_csv_cells(row, EXPLAIN_FIELDS, {"counted", "derived"}) for row in rows]
        assert got == [list(row.values()) for row in explain]
    # with the revision filtered away (not yet published), the old figure counts again
    records, known_by = _select(data, pair=["康定"], as_of="2022-06-30")
    out = _write(data, records, tmp_path / "as-of.sqlite", known_by=known_by)
    with closing(sqlite3.connect(out)) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        expected = _funds_csv(cli, "--db", str(path), "--pair", "康定", "--as-of", "2022-06-30")
        assert _totals(connection) == expected
        assert (
            "xiaoshan-kangding",
            "产业合作",
            "投资额",
            "county",
            "actual",
            222000000,
            0,
            0,
            1,
            "2021",
            "2021",
            None,
            0,
        ) in (expected)


def _changed_for_filters(data: dict[str, Any]) -> None:
    """旺苍's 3978万 park funds (the middle of 家居产业城 ⊂ park funds ⊂ year's project funds)
    given by a mixed actor; 康定's tea investment, its 2023 revision and the 松茸 purchase
    actual, the purchase part_of the 2023 figure."""
    record_doc(data, "wangcang-park-funds")["actor"] = "mixed"
    for record_id in ("kangding-tea-investment", "kangding-tea-investment-2023"):
        record_doc(data, record_id)["stage"] = "actual"
    purchase = record_doc(data, "kangding-songrong-purchase")
    purchase["stage"] = "actual"
    purchase["part_of"] = "kangding-tea-investment-2023"


def test_filtered_chains_in_a_hand_changed_copy(
    db_copy: Callable[..., Path], cli: Invoke, tmp_path: Path
) -> None:
    path = db_copy(_changed_for_filters)
    data = dataset.load(path)
    # the part's whole is filtered away: the walk up stops there, as in funds, even though the
    # whole's own whole is selected and counted
    records, _ = _select(data, pair=["旺苍"], actor=["government"])
    assert "wangcang-park-funds" not in {r.id for r in records}
    with closing(sqlite3.connect(_write(data, records, tmp_path / "actor.sqlite"))) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        expected = _funds_csv(cli, "--db", str(path), "--pair", "旺苍", "--actor", "government")
        assert _totals(connection) == expected
        counted = connection.execute(
            "SELECT counted, reason FROM fund_decisions WHERE id = 'wangcang-furniture-city'"
        )
        assert counted.fetchone() == (1, "summed")
    # the 2023 revision is not yet published at --as-of 2022-12-31: it is in the file (the
    # purchase's whole) but revises nothing, so the 2.22亿 counts and so does the purchase
    records, known_by = _select(data, pair=["康定"], as_of="2022-12-31")
    out = _write(data, records, tmp_path / "as-of.sqlite", known_by=known_by)
    with closing(sqlite3.connect(out)) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        context = connection.execute("SELECT id FROM records WHERE selected = 0").fetchall()
        assert ("kangding-tea-investment-2023",) in context
        expected = _funds_csv(cli, "--db", str(path), "--pair", "康定", "--as-of", "2022-12-31")
        assert _totals(connection) == expected
        decided = dict(
            connection.execute(
                "SELECT id, reason FROM fund_decisions WHERE id LIKE 'kangding-tea-investment%'"
                " OR id = 'kangding-songrong-purchase'"
            ).fetchall()
        )
        assert decided == {
            "kangding-tea-investment": "summed",
            "kangding-songrong-purchase": "summed",
        }


# ─── the file ───────────────────────────────────────────────────────────────────────────────


def test_existing_file_survives_a_failed_write(
    bundled: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.sqlite"
    target.write_bytes(b"the old file")

    def broken(records: object) -> Iterator[dict[str, object]]:
        yield {"record": "x", "ordinal": 1, "source": "y", "quote": None, "note": None}
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sqlite_export, "_citation_rows", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        sqlite_export.write_sqlite(bundled, bundled.records, str(target))
    assert target.read_bytes() == b"the old file"
    assert os.listdir(tmp_path) == ["out.sqlite"]  # no temporary file left behind


def test_dangling_reference_fails_loudly(
    bundled: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.sqlite"
    target.write_bytes(b"the old file")
    without_wholes = [r for r in bundled.records if r.id != "cangxi-special-fund"]
    monkeypatch.setattr(
        sqlite_export, "_with_references", lambda data, records, known_by: (without_wholes, set())
    )
    with pytest.raises(XiezuoError, match="dangling reference"):
        sqlite_export.write_sqlite(bundled, bundled.records, str(target))
    assert target.read_bytes() == b"the old file"
    assert os.listdir(tmp_path) == ["out.sqlite"]


def test_success_replaces_the_file_and_keeps_its_mode(bundled: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "out.sqlite"
    target.write_bytes(b"not a database")
    target.chmod(0o640)
    records = bundled.records[:3]
    sqlite_export.write_sqlite(bundled, records, str(target))
    assert target.stat().st_mode & 0o777 == 0o640
    with closing(sqlite3.connect(target)) as connection:
        count = connection.execute("SELECT COUNT(*) FROM records WHERE selected = 1").fetchone()
        assert count == (3,)
    assert os.listdir(tmp_path) == ["out.sqlite"]


def test_unwritable_targets_are_usage_errors(bundled: Dataset, tmp_path: Path) -> None:
    with pytest.raises(UsageProblem, match="is a directory"):
        sqlite_export.write_sqlite(bundled, bundled.records, str(tmp_path))
    with pytest.raises(UsageProblem, match="no folder"):
        sqlite_export.write_sqlite(bundled, bundled.records, str(tmp_path / "nope" / "x.db"))


def test_sqlite3_is_imported_only_when_writing() -> None:
    code = "import sys, xiezuo_cli.present.sqlite_export; print('sqlite3' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
