"""`xiezuo export`: every record, the contract fields, id order, exact integers."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from conftest import DATA, one_error_line
from contract import CONTRACT


def written_ids() -> list[str]:
    """The record ids the curators wrote, in records.yaml and records-facts.yaml."""
    ids = []
    for name in ("records.yaml", "records-facts.yaml"):
        with open(DATA / name, encoding="utf-8") as file:
            ids += [raw["id"] for raw in yaml.safe_load(file)]
    return ids


def test_json_is_one_array_of_contract_records(cli) -> None:
    result = cli("export", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 191
    # the contract fields, then figure (issue 17: what import needs to rebuild the record)
    assert all(tuple(record) == (*CONTRACT, "figure") for record in records)
    ids = [record["id"] for record in records]
    assert ids == sorted(written_ids())
    special = next(r for r in records if r["id"] == "cangxi-special-fund")
    assert special["amount_yuan"] == 39000000 and isinstance(special["amount_yuan"], int)
    assert special["quote"].startswith("截至目前，余杭区向苍溪县投入东西部协作专项资金3900万元")
    # source and quote are the first citation's; the facts-only article adds a second, unquoted
    assert special["source"] == "yuhang-cangxi-2021-11-17"
    assert [(c["source"], c["quote"]) for c in special["citations"]] == [
        ("yuhang-cangxi-2021-11-17", special["quote"]),
        ("yuhang-cangxi-chinanews-2021-11-17", None),
    ]
    assert all(set(c) == {"source", "quote", "note"} for r in records for c in r["citations"])


def test_default_format_is_json(cli) -> None:
    assert json.loads(cli("export").stdout) == json.loads(cli("export", "-f", "json").stdout)


def test_fiscal_total_from_export(cli) -> None:
    records = json.loads(cli("export").stdout)
    total = sum(
        r["amount_yuan"]
        for r in records
        if r["pairing"] == "yuhang-cangxi"
        and r["category"] == "财政援助"
        and r["stage"] == "actual"
        and not r["part_of"]
    )
    assert total == 41_000_000


def test_csv_matches_json(cli) -> None:
    result = cli("export", "--format", "csv")
    assert result.stdout_bytes.startswith(b"id,pairing,kind,")
    assert b"\r\n" in result.stdout_bytes  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    records = json.loads(cli("export").stdout)
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        expected = {
            key: ""
            if value is None
            else ("true" if value is True else "false" if value is False else str(value))
            for key, value in record.items()
        }
        expected["citations"] = str(len(record["citations"]))  # CSV carries the count
        assert row == expected


def test_jsonl_is_one_record_per_line(cli) -> None:
    lines = cli("export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 191
    assert json.loads(lines[0])["id"] == "cangxi-agriculture-investment"


@pytest.mark.parametrize("fmt", ["xml", "html", ""])
def test_unknown_format_is_a_usage_error(cli, fmt: str) -> None:
    result = cli("export", "--format", fmt)
    assert result.exit_code == 2
    assert "invalid --format" in one_error_line(result)


def test_version(cli) -> None:
    from xiezuo_cli import __version__

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"xiezuo {__version__}\n"


def test_unknown_command_and_option_exit_2(cli) -> None:
    result = cli("frobnicate")
    assert result.exit_code == 2
    assert (
        one_error_line(result)
        == "xiezuo: error: No such command 'frobnicate'. (see 'xiezuo --help')"
    )
    result = cli("export", "--bogus")
    assert result.exit_code == 2
    assert "No such option: --bogus" in one_error_line(result)
