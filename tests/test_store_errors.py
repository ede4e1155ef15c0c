"""A broken data file exits 3 with one line naming the file, record and field; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BUNDLED, one_error_line, record_doc


def test_bundled_data_validates(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    # data/places.yaml, pairings.yaml, records.yaml + records-facts.yaml (73 + 118; 26 + 34 of
    # them money), sources.yaml + sources-facts.yaml (2 + 19)
    assert result.stdout == (
        f"ok: {BUNDLED}: 27 places, 16 pairings, 191 records (60 money), 21 sources\n"
    )


def test_missing_file_is_an_error_and_is_not_created(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = cli("validate", "--db", str(missing))
    assert result.exit_code == 3
    assert one_error_line(result) == f"xiezuo: error: {missing}: no such file"
    assert not missing.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        ("this is not json", "not valid JSON (line 1): Expecting value"),
        ('{"meta": {"1": {"schema_version": 1}}, "pairing": {"1": {"id": "a', "not valid JSON"),
        ("[1, 2]", "not a TinyDB database (the top level is not a JSON object)"),
        ('{"meta": {}}', "table 'place' is missing"),
    ],
    ids=["empty", "not-json", "truncated", "array", "no-tables"],
)
def test_unreadable_files(cli, tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = cli("validate", "--db", str(path))
    assert result.exit_code == 3
    assert one_error_line(result).startswith(f"xiezuo: error: {path}: {problem}")


def test_truncated_copy_of_the_real_file(cli, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(BUNDLED.read_bytes()[:5000])
    result = cli("validate", "--db", str(path))
    assert result.exit_code == 3
    assert "not valid JSON" in one_error_line(result)


def test_directory_instead_of_file(cli, tmp_path: Path) -> None:
    result = cli("validate", "--db", str(tmp_path))
    assert result.exit_code == 3
    assert "is a directory" in one_error_line(result)


def _set(record_id: str, field: str, value: object):
    def change(data: dict) -> None:
        record_doc(data, record_id)[field] = value

    return change


def _schema(version: object):
    def change(data: dict) -> None:
        data["meta"]["1"]["schema_version"] = version

    return change


def _delete(record_id: str, field: str):
    def change(data: dict) -> None:
        del record_doc(data, record_id)[field]

    return change


def _cite(record_id: str, field: str, value: object):
    def change(data: dict) -> None:
        record_doc(data, record_id)["citations"][0][field] = value

    return change


def _uncite(record_id: str, field: str):
    def change(data: dict) -> None:
        del record_doc(data, record_id)["citations"][0][field]

    return change


def _cycle(data: dict) -> None:
    record_doc(data, "cangxi-special-fund")["part_of"] = "cangxi-factory-investment"


def _duplicate(data: dict) -> None:
    record_doc(data, "cangxi-cadres")["id"] = "cangxi-professionals"


def _too_many_parts(data: dict) -> None:
    record_doc(data, "cangxi-fiscal-donation")["part_of"] = "cangxi-special-fund"
    record_doc(data, "cangxi-factory-investment")["value"] = 30_000_000
    record_doc(data, "cangxi-factory-investment")["amount_yuan"] = 30_000_000


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_schema(3), "schema version 3 is not supported (expected 2)"),
        (_schema("2"), "schema version '2' is not supported (expected 2)"),
        (
            _schema(1),
            "schema version 1 (xiezuo 0.1) is not supported: this xiezuo reads version 2",
        ),
        (
            _set("cangxi-special-fund", "amount_yuan", "3900万"),
            "record cangxi-special-fund: field amount_yuan: "
            "expected an integer from 0 to 100000000000000 or null, got str '3900万'",
        ),
        (
            _set("cangxi-special-fund", "amount_yuan", 39000000.0),
            "record cangxi-special-fund: field amount_yuan: "
            "expected an integer from 0 to 100000000000000 or null, got float 39000000.0",
        ),
        (
            _set("cangxi-factory-investment", "part_of", "no-such-record"),
            "record cangxi-factory-investment: field part_of: no record 'no-such-record'",
        ),
        (
            _set("cangxi-factory-investment", "part_of", "wangcang-park-funds"),
            "record cangxi-factory-investment: field part_of: wangcang-park-funds belongs "
            "to xiaoshan-wangcang, which is neither this pairing (yuhang-cangxi) nor one above it",
        ),
        (
            _set("cangxi-special-fund", "part_of", "cangxi-fiscal-donation"),
            "record cangxi-special-fund: field part_of: larger than its whole "
            "cangxi-fiscal-donation",
        ),
        (_cycle, "field part_of: "),
        (
            _too_many_parts,
            "record cangxi-special-fund: field value: its parts add up to 42797000, "
            "more than its value 39000000",
        ),
        (
            _set("cangxi-cadres", "category", "扶贫"),
            "record cangxi-cadres: field category: expected one of 财政援助, 社会帮扶",
        ),
        (_set("cangxi-cadres", "pairing", "nowhere"), "field pairing: no pairing 'nowhere'"),
        (
            _cite("cangxi-cadres", "source", "nowhere"),
            "record cangxi-cadres: field citations[0].source: no source 'nowhere'",
        ),
        (_set("cangxi-cadres", "cumulative", "no"), "field cumulative: expected true or false"),
        (_set("cangxi-cadres", "as_of", "yesterday"), "field as_of: expected a real date like"),
        (_set("cangxi-cadres", "unit", "元"), "field amount_yuan: missing for a record in 元"),
        (
            _uncite("cangxi-cadres", "quote"),
            "record cangxi-cadres: field citations[0].quote: missing",
        ),
        (
            _set("cangxi-cadres", "citations", []),
            "record cangxi-cadres: field citations: empty: a figure needs at least one citation",
        ),
        (
            _cite("cangxi-cadres", "quote", None),
            "record cangxi-cadres: field citations[0].quote: missing: "
            "the text of yuhang-cangxi-2021-11-17 is held",
        ),
        (
            _cite("cangxi-hall-sales", "quote", "凭空的引文。"),
            "record cangxi-hall-sales: field citations[0].quote: must be null: "
            "the text of cangxi-zhanxiaoguan-2022-01-19 is not held",
        ),
        (_duplicate, "record cangxi-professionals: the id is used twice"),
    ],
    ids=[
        "schema-3",
        "schema-str",
        "schema-1",
        "amount-str",
        "amount-float",
        "dangling-part-of",
        "part-of-other-pairing",
        "part-larger-than-whole",
        "part-of-cycle",
        "parts-exceed-whole",
        "unknown-category",
        "unknown-pairing",
        "unknown-source",
        "bool-as-str",
        "bad-date",
        "money-unit-without-amount",
        "missing-quote",
        "empty-citations",
        "null-quote",
        "quote-of-facts-only-source",
        "duplicate-id",
    ],
)
def test_invalid_documents(cli, db_copy, change, expected: str) -> None:
    path = db_copy(change)
    result = cli("validate", "--db", str(path))
    assert result.exit_code == 3, result.stdout
    line = one_error_line(result)
    assert line.startswith(f"xiezuo: error: {path}: ")
    assert expected in line


def test_cycle_is_reported_not_looped(cli, db_copy) -> None:
    def change(data: dict) -> None:
        record_doc(data, "cangxi-special-fund")["part_of"] = "cangxi-factory-investment"
        record_doc(data, "cangxi-special-fund")["value"] = 1
        record_doc(data, "cangxi-special-fund")["amount_yuan"] = 1

    result = cli("validate", "--db", str(db_copy(change)))
    assert result.exit_code == 3
    assert "field part_of" in one_error_line(result)


def test_every_command_reports_data_errors_the_same_way(cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("", encoding="utf-8")
    for command in (["validate"], ["export", "--format", "csv"]):
        result = cli(*command, "--db", str(path))
        assert result.exit_code == 3
        assert one_error_line(result) == f"xiezuo: error: {path}: the file is empty"


def test_db_from_environment(cli, tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    result = cli("validate", env={"XIEZUO_DB": str(path)})
    assert result.exit_code == 3
    assert str(path) in one_error_line(result)


def test_read_commands_never_write(cli, db_copy) -> None:
    path = db_copy()
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    for command in (["validate"], ["export", "--format", "json"]):
        assert cli(*command, "--db", str(path)).exit_code == 0
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_written_file_round_trips(tmp_path: Path) -> None:
    from xiezuo_cli.storage import dataset, store

    tables = store.read_tables(BUNDLED)
    target = tmp_path / "copy.json"
    store.write_tables(target, tables)
    assert dataset.load(target).records == dataset.load(BUNDLED).records
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        BUNDLED.read_text(encoding="utf-8")
    )
    assert [p.name for p in tmp_path.iterdir()] == ["copy.json"]  # no temporary left behind


def test_db_option_wins_over_environment(cli, tmp_path: Path) -> None:
    missing = tmp_path / "from-env.json"
    result = cli("validate", "--db", str(BUNDLED), env={"XIEZUO_DB": str(missing)})
    assert result.exit_code == 0
    assert str(BUNDLED) in result.stdout
