"""`xiezuo funds`: exact totals that count nothing twice and never add unlike things.

Every expectation is computed twice: hard-coded from the articles, and summed independently
(like a `jq` sum) over `xiezuo export --format json`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import one_error_line, record_doc
from rich.cells import cell_len
from typer.testing import Result

Invoke = Callable[..., Result]
Row = dict[str, Any]

FLOWS = ("财政援助", "社会帮扶", "消费帮扶", "产业合作")
FUNDS_HEADER = "pairing,category,amount_yuan,at_least,about,records"
BAR_CHARS = "█▏▎▍▌▋▊▉"


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def json_out(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def export(cli: Invoke, *args: str) -> list[Row]:
    return json_out(cli, "export", "--format", "json", *args)


def summed(records: Iterable[Row]) -> list[Row]:
    """The records a total may include, chosen as a reader of the README would with jq."""
    return [
        r
        for r in records
        if r["amount_yuan"] is not None
        and r["category"] in FLOWS
        and r["stage"] == "actual"
        and not r["part_of"]
    ]


def expected_totals(records: Iterable[Row], fields: Sequence[str]) -> dict[tuple, Row]:
    """Totals keyed by the grouping values, from the export alone."""
    out: dict[tuple, Row] = {}
    for record in summed(records):
        key = tuple(record[field] for field in fields)
        row = out.setdefault(
            key,
            {
                **dict(zip(fields, key, strict=True)),
                "amount_yuan": 0,
                "at_least": False,
                "about": False,
                "records": 0,
            },
        )
        row["amount_yuan"] += record["amount_yuan"]
        row["at_least"] = row["at_least"] or record["approx"] == "at_least"
        row["about"] = row["about"] or record["approx"] == "about"
        row["records"] += 1
    return out


def keyed(rows: Iterable[Row], fields: Sequence[str]) -> dict[tuple, Row]:
    rows = list(rows)
    result = {tuple(row[field] for field in fields): row for row in rows}
    assert len(result) == len(rows), "a group appears twice"
    return result


def table_line(text: str, *words: str) -> str:
    """The one table line that contains all of ``words``."""
    lines = [line for line in text.splitlines() if all(word in line for word in words)]
    assert len(lines) == 1, (words, lines)
    return lines[0]


def cells(line: str) -> list[str]:
    return line.split()


def table_row(text: str, *first: str) -> list[str]:
    """The cells of the one table line whose first cells are ``first``."""
    rows = [cells(line) for line in text.splitlines() if cells(line)[: len(first)] == list(first)]
    assert len(rows) == 1, (first, rows)
    return rows[0]


# ─── 苍溪: the user's main line ─────────────────────────────────────────────────────────────


CANGXI_ROWS = [
    {
        "pairing": "yuhang-cangxi",
        "category": "财政援助",
        "amount_yuan": 41_000_000,
        "at_least": False,
        "about": False,
        "records": 2,
    },
    {
        "pairing": "yuhang-cangxi",
        "category": "社会帮扶",
        "amount_yuan": 2_510_000,
        "at_least": False,
        "about": False,
        "records": 1,
    },
    {
        "pairing": "yuhang-cangxi",
        "category": "消费帮扶",
        "amount_yuan": 90_850_000,
        "at_least": False,
        "about": False,
        "records": 2,
    },
    {
        "pairing": "yuhang-cangxi",
        "category": "产业合作",
        "amount_yuan": 318_000_000,
        "at_least": False,
        "about": False,
        "records": 1,
    },
]


def test_cangxi_json_rows_are_exact(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--pair", "苍溪", "--json")
    assert rows == CANGXI_ROWS
    for row in rows:
        assert list(row) == ["pairing", "category", "amount_yuan", "at_least", "about", "records"]
        assert type(row["amount_yuan"]) is int
        assert type(row["records"]) is int
        assert type(row["at_least"]) is bool


def test_cangxi_json_sum_agrees_with_a_sum_over_export(cli: Invoke) -> None:
    records = [r for r in export(cli) if r["pairing"] == "yuhang-cangxi"]
    expected = expected_totals(records, ("pairing", "category"))
    assert keyed(json_out(cli, "funds", "--pair", "苍溪", "--json"), ("pairing", "category")) == (
        expected
    )
    fiscal = [r for r in summed(records) if r["category"] == "财政援助"]
    assert sorted(r["id"] for r in fiscal) == ["cangxi-fiscal-donation", "cangxi-special-fund"]
    assert sum(r["amount_yuan"] for r in fiscal) == 41_000_000


def test_every_pairing_agrees_with_a_sum_over_export(cli: Invoke) -> None:
    fields = ("pairing", "category")
    rows = json_out(cli, "funds", "--json")
    assert keyed(rows, fields) == expected_totals(export(cli), fields)
    got = keyed(rows, fields)
    assert got["xiaoshan-wangcang", "财政援助"]["amount_yuan"] == 39_780_000
    assert got["xiaoshan-wangcang", "社会帮扶"]["amount_yuan"] == 8_600_000
    assert got["xiaoshan-wangcang", "社会帮扶"]["at_least"] is True
    assert got["xiaoshan-longquan", "消费帮扶"]["amount_yuan"] == 10_000_000
    assert got["xiaoshan-longquan", "消费帮扶"]["at_least"] is True
    assert got["xiaoshan-kangding", "财政援助"]["amount_yuan"] == 59_390_000
    assert got["xiaoshan-kangding", "社会帮扶"] == {
        "pairing": "xiaoshan-kangding",
        "category": "社会帮扶",
        "amount_yuan": 2_340_000,
        "at_least": False,
        "about": False,
        "records": 3,
    }


def test_pipe_default_is_csv_with_the_documented_header(cli: Invoke) -> None:
    result = cli("funds", "--pair", "苍溪")  # CliRunner's stdout is no terminal
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(FUNDS_HEADER.encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["category"], int(r["amount_yuan"]), r["records"]) for r in rows] == [
        ("财政援助", 41_000_000, "2"),
        ("社会帮扶", 2_510_000, "1"),
        ("消费帮扶", 90_850_000, "2"),
        ("产业合作", 318_000_000, "1"),
    ]
    assert {r["at_least"] for r in rows} == {"false"}
    assert {r["pairing"] for r in rows} == {"yuhang-cangxi"}


def test_csv_and_json_agree(cli: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(cli("funds", "--csv").stdout)))
    as_json = json_out(cli, "funds", "--json")
    assert [
        {**r, "amount_yuan": int(r["amount_yuan"]), "records": int(r["records"])} for r in rows
    ] == [
        {
            **r,
            "at_least": str(r["at_least"]).lower(),
            "about": str(r["about"]).lower(),
        }
        for r in as_json
    ]


# ─── part_of ──────────────────────────────────────────────────────────────────────────────


def test_part_of_is_not_added_to_its_whole(cli: Invoke) -> None:
    by_id = {r["id"]: r for r in export(cli)}
    assert by_id["wangcang-furniture-city"]["part_of"] == "wangcang-park-funds"
    assert by_id["wangcang-furniture-city"]["amount_yuan"] == 20_000_000
    rows = json_out(cli, "funds", "--pair", "旺苍", "--category", "财政援助", "--json")
    assert rows == [
        {
            "pairing": "xiaoshan-wangcang",
            "category": "财政援助",
            "amount_yuan": 39_780_000,
            "at_least": False,
            "about": False,
            "records": 1,
        }
    ]


def _clear_part_of(record_id: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, record_id)["part_of"] = None

    return change


@pytest.mark.parametrize(
    ("record_id", "pair", "before", "added"),
    [
        ("wangcang-furniture-city", "旺苍", 39_780_000, 20_000_000),
        ("cangxi-agriculture-investment", "苍溪", 41_000_000, 8_000_000),
    ],
)
def test_clearing_part_of_grows_the_total_by_exactly_that_amount(
    cli: Invoke,
    db_copy: Callable[..., Path],
    record_id: str,
    pair: str,
    before: int,
    added: int,
) -> None:
    db = db_copy(_clear_part_of(record_id))
    args = ("funds", "--pair", pair, "--category", "财政援助", "--json")
    (old,) = json_out(cli, *args)
    (new,) = json_out(cli, *args, "--db", str(db))
    assert old["amount_yuan"] == before
    assert new["amount_yuan"] == before + added
    assert new["records"] == old["records"] + 1
    # and the independent sum over the changed export agrees
    changed = export(cli, "--db", str(db))
    pairing = next(r["pairing"] for r in changed if r["id"] == record_id)
    assert new["pairing"] == pairing
    fiscal = [r for r in summed(changed) if r["pairing"] == pairing and r["category"] == "财政援助"]
    assert sum(r["amount_yuan"] for r in fiscal) == before + added


def test_an_at_least_figure_inside_a_whole_does_not_make_the_total_a_lower_bound(
    cli: Invoke,
) -> None:
    by_id = {r["id"]: r for r in export(cli)}
    medical = by_id["cangxi-medical-equipment"]
    assert (medical["approx"], medical["part_of"]) == ("at_least", "cangxi-social-funds")
    (row,) = json_out(cli, "funds", "--pair", "苍溪", "--category", "社会帮扶", "--json")
    assert (row["amount_yuan"], row["at_least"], row["records"]) == (2_510_000, False, 1)


# ─── ≥ ────────────────────────────────────────────────────────────────────────────────────


def test_at_least_in_json_and_table(cli: Invoke) -> None:
    rows = keyed(json_out(cli, "funds", "--json"), ("pairing", "category"))
    assert rows["xiaoshan-wangcang", "社会帮扶"]["at_least"] is True
    assert rows["yuhang-cangxi", "财政援助"]["at_least"] is False
    assert rows["xiaoshan-longquan", "消费帮扶"]["at_least"] is True

    table = cli("funds", "--pair", "旺苍", "--format", "table").stdout
    assert table_row(table, "萧山→旺苍", "社会帮扶") == ["萧山→旺苍", "社会帮扶", "≥860", "1"]
    assert table_row(table, "萧山→旺苍", "财政援助") == ["萧山→旺苍", "财政援助", "3,978", "1"]
    assert table_row(table, "萧山→旺苍", "帮扶资金合计（财政援助＋社会帮扶）") == [
        "萧山→旺苍",
        "帮扶资金合计（财政援助＋社会帮扶）",
        "≥4,838",
        "2",
    ]

    table = cli("funds", "--pair", "苍溪", "--format", "table").stdout
    assert table_row(table, "余杭→苍溪", "财政援助") == ["余杭→苍溪", "财政援助", "4,100", "2"]


def test_an_at_least_record_makes_its_total_a_lower_bound(
    cli: Invoke, db_copy: Callable[..., Path]
) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-fiscal-donation")["approx"] = "at_least"

    db = db_copy(change)
    (row,) = json_out(
        cli, "funds", "--pair", "苍溪", "--category", "财政援助", "--json", "--db", str(db)
    )
    assert (row["amount_yuan"], row["at_least"]) == (41_000_000, True)
    table = cli("funds", "--pair", "苍溪", "--format", "table", "--db", str(db)).stdout
    assert table_row(table, "余杭→苍溪", "财政援助") == [
        "余杭→苍溪",
        "财政援助",
        "≥4,100",
        "2",
    ]


# ─── outcomes, plans and rates ────────────────────────────────────────────────────────────


def test_outcomes_are_never_summed(cli: Invoke) -> None:
    by_id = {r["id"]: r for r in export(cli)}
    taxes = by_id["kangding-tea-taxes"]
    assert (taxes["category"], taxes["stage"], taxes["amount_yuan"]) == (
        "成效",
        "planned",
        19_550_000,
    )
    assert by_id["longquan-village-income"]["category"] == "成效"
    for pair in ("康定", "龙泉", "苍溪"):
        rows = json_out(cli, "funds", "--pair", pair, "--json")
        assert {row["category"] for row in rows} <= set(FLOWS)
    assert json_out(cli, "funds", "--category", "成效", "--json") == []
    kangding = keyed(json_out(cli, "funds", "--pair", "康定", "--json"), ("category",))
    assert sorted(kangding) == [("产业合作",), ("社会帮扶",), ("财政援助",)]
    assert kangding["产业合作",]["amount_yuan"] == 222_000_000
    longquan = keyed(json_out(cli, "funds", "--pair", "龙泉", "--json"), ("category",))
    assert {k: v["amount_yuan"] for k, v in longquan.items()} == {
        ("财政援助",): 9_600_000,
        ("消费帮扶",): 10_000_000,
    }


def test_planned_flows_are_never_summed(cli: Invoke, db_copy: Callable[..., Path]) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "kangding-tea-investment")["stage"] = "planned"

    db = db_copy(change)
    rows = json_out(cli, "funds", "--pair", "康定", "--json", "--db", str(db))
    assert [row["category"] for row in rows] == ["财政援助", "社会帮扶"]
    explained = json_out(cli, "funds", "--pair", "康定", "--explain", "--json", "--db", str(db))
    row = next(r for r in explained if r["id"] == "kangding-tea-investment")
    assert (row["counted"], row["reason"]) == (False, "planned")


def test_rates_are_never_summed(cli: Invoke) -> None:
    rates = [r for r in export(cli) if r["unit"].startswith("元/")]
    assert sorted(r["id"] for r in rates) == [
        "cangxi-orphan-grant-high",
        "cangxi-orphan-grant-middle",
        "cangxi-orphan-grant-primary",
    ]
    assert all(r["amount_yuan"] is None for r in rates)
    assert json_out(cli, "funds", "--pair", "苍溪", "--category", "成效", "--json") == []


def test_categories_are_never_added_together_in_machine_output(cli: Invoke) -> None:
    for by in ([], ["--by", "pairing"], ["--by", "year"], ["--by", "kind"], ["--by", "provider"]):
        rows = json_out(cli, "funds", *by, "--json")
        assert rows
        assert all(row["category"] in FLOWS for row in rows), by
        assert all("帮扶资金合计" not in json.dumps(row, ensure_ascii=False) for row in rows)
        fields = [key for key in rows[0] if key not in ("amount_yuan", "at_least", "about")]
        fields.remove("records")
        assert "category" in fields
        keyed(rows, fields)  # one row per group: no category-less grand total
    csv_text = cli("funds", "--by", "year", "--csv").stdout
    assert "帮扶资金合计" not in csv_text


def test_aid_total_line_is_fiscal_plus_social(cli: Invoke) -> None:
    table = cli("funds", "--format", "table").stdout
    expected = {
        "余杭→苍溪": ("4,351", "3"),
        "萧山→旺苍": ("≥4,838", "2"),
        "萧山→康定": ("6,173", "4"),
        "萧山→龙泉": ("960", "1"),
    }
    for label, (amount, count) in expected.items():
        label_cell = "帮扶资金合计（财政援助＋社会帮扶）"
        assert table_row(table, label, label_cell) == [label, label_cell, amount, count]
    rows = keyed(json_out(cli, "funds", "--json"), ("pairing", "category"))
    assert (
        rows["yuhang-cangxi", "财政援助"]["amount_yuan"]
        + rows["yuhang-cangxi", "社会帮扶"]["amount_yuan"]
        == 43_510_000
    )


# ─── --by ─────────────────────────────────────────────────────────────────────────────────


def _rows(cli: Invoke, *by: str) -> list[Row]:
    args = [arg for field in by for arg in ("--by", field)]
    return json_out(cli, "funds", *args, "--json")


def _short(rows: Iterable[Row], first: str) -> list[tuple]:
    return [(r[first], r["category"], r["amount_yuan"], r["at_least"], r["records"]) for r in rows]


YEAR_ROWS = [
    (2021, "财政援助", 140_170_000, False, 4),
    (2021, "社会帮扶", 13_450_000, True, 5),
    (2021, "消费帮扶", 101_230_000, True, 4),
    (2021, "产业合作", 540_000_000, False, 2),
    (None, "财政援助", 9_600_000, False, 1),
]


def test_by_year(cli: Invoke) -> None:
    rows = _rows(cli, "year")
    assert [list(r) for r in rows] == [
        ["year", "category", "amount_yuan", "at_least", "about", "records"]
    ] * 5
    assert _short(rows, "year") == YEAR_ROWS
    assert keyed(rows, ("year", "category")) == expected_totals(export(cli), ("year", "category"))


def test_by_year_and_category_is_the_same_as_by_year(cli: Invoke) -> None:
    rows = _rows(cli, "year", "category")
    assert _short(rows, "year") == YEAR_ROWS
    assert rows == _rows(cli, "year")
    assert rows == _rows(cli, "year", "year")


def test_by_year_table_names_the_cumulative_row(cli: Invoke) -> None:
    table = cli("funds", "--by", "year", "--format", "table").stdout
    assert table_row(table, "跨年累计", "财政援助") == ["跨年累计", "财政援助", "960", "1"]
    assert table_row(table, "2021", "产业合作") == ["2021", "产业合作", "54,000", "2"]


def test_by_kind(cli: Invoke) -> None:
    rows = _rows(cli, "kind")
    assert sorted(_short(rows, "kind")) == sorted(
        [
            ("东西部协作", "财政援助", 80_780_000, False, 3),
            ("东西部协作", "社会帮扶", 11_110_000, True, 2),
            ("东西部协作", "消费帮扶", 91_230_000, False, 3),
            ("东西部协作", "产业合作", 318_000_000, False, 1),
            ("对口支援", "财政援助", 59_390_000, False, 1),
            ("对口支援", "社会帮扶", 2_340_000, False, 3),
            ("对口支援", "产业合作", 222_000_000, False, 1),
            ("山海协作", "财政援助", 9_600_000, False, 1),
            ("山海协作", "消费帮扶", 10_000_000, True, 1),
        ]
    )
    assert keyed(rows, ("kind", "category")) == expected_totals(export(cli), ("kind", "category"))


def test_by_provider(cli: Invoke) -> None:
    rows = _rows(cli, "provider")
    assert sorted(_short(rows, "provider")) == sorted(
        [
            ("杭州市余杭区", "财政援助", 41_000_000, False, 2),
            ("杭州市余杭区", "社会帮扶", 2_510_000, False, 1),
            ("杭州市余杭区", "消费帮扶", 90_850_000, False, 2),
            ("杭州市余杭区", "产业合作", 318_000_000, False, 1),
            ("杭州市萧山区", "财政援助", 108_770_000, False, 3),
            ("杭州市萧山区", "社会帮扶", 10_940_000, True, 4),
            ("杭州市萧山区", "消费帮扶", 10_380_000, True, 2),
            ("杭州市萧山区", "产业合作", 222_000_000, False, 1),
        ]
    )
    assert keyed(rows, ("provider", "category")) == expected_totals(
        export(cli), ("provider", "category")
    )


def test_by_receiver_and_pairing_with_year(cli: Invoke) -> None:
    records = export(cli)
    for by in (("receiver",), ("pairing", "year")):
        rows = _rows(cli, *by)
        fields = (*by, "category")
        assert keyed(rows, fields) == expected_totals(records, fields)
        assert [list(r)[: len(fields)] for r in rows] == [list(fields)] * len(rows)


def test_csv_header_follows_by(cli: Invoke) -> None:
    result = cli("funds", "--by", "year", "--by", "kind", "--csv")
    assert result.stdout.splitlines()[0] == "year,kind,category,amount_yuan,at_least,about,records"


@pytest.mark.parametrize("value", ["bogus", "amount_yuan", ""])
def test_by_bogus_is_a_usage_error(cli: Invoke, value: str) -> None:
    result = cli("funds", "--by", value)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"xiezuo: error: invalid --by {value!r}: "
        "choose from pairing, year, category, kind, provider, receiver"
    )
    assert result.stdout == ""


# ─── --explain ────────────────────────────────────────────────────────────────────────────

EXPLAIN_FIELDS = {"id", "pairing", "category", "item", "amount_yuan", "approx", "counted", "reason"}


def test_explain_json_has_one_row_per_money_or_rate_record(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--explain", "--json")
    assert all(set(row) >= EXPLAIN_FIELDS for row in rows)
    records = export(cli)
    money_or_rate = sorted(
        r["id"] for r in records if r["amount_yuan"] is not None or r["unit"].startswith("元/")
    )
    assert sorted(row["id"] for row in rows) == money_or_rate
    assert len(rows) == 28  # 25 money records and 3 rates
    reasons = {row["id"]: (row["counted"], row["reason"]) for row in rows}
    assert reasons["cangxi-special-fund"] == (True, "summed")
    assert reasons["cangxi-fiscal-donation"] == (True, "summed")
    assert reasons["wangcang-furniture-city"] == (False, "part_of")
    assert reasons["cangxi-agriculture-investment"] == (False, "part_of")
    assert reasons["cangxi-medical-equipment"] == (False, "part_of")
    assert reasons["kangding-tea-taxes"][0] is False
    assert reasons["kangding-tea-taxes"][1] in ("outcome", "planned")
    assert reasons["longquan-village-income"] == (False, "outcome")
    assert reasons["longquan-zhangfan-collective-income"] == (False, "outcome")
    assert reasons["cangxi-orphan-grant-primary"] == (False, "rate")
    assert {row["reason"] for row in rows} <= {"summed", "part_of", "planned", "outcome", "rate"}
    assert [row["counted"] for row in rows] == [row["reason"] == "summed" for row in rows]


def test_explain_summed_rows_add_up_to_the_totals(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--explain", "--json")
    totals = keyed(json_out(cli, "funds", "--json"), ("pairing", "category"))
    from_explain: dict[tuple, int] = {}
    for row in rows:
        if row["counted"]:
            key = (row["pairing"], row["category"])
            from_explain[key] = from_explain.get(key, 0) + row["amount_yuan"]
    assert from_explain == {key: row["amount_yuan"] for key, row in totals.items()}


def test_explain_for_wangcang_exact(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--pair", "旺苍", "--explain", "--json")
    assert [(r["id"], r["amount_yuan"], r["approx"], r["counted"], r["reason"]) for r in rows] == [
        ("wangcang-donations", 8_600_000, "at_least", True, "summed"),
        ("wangcang-furniture-city", 20_000_000, "exact", False, "part_of"),
        ("wangcang-park-funds", 39_780_000, "exact", True, "summed"),
        ("wangcang-shop-sales", 380_000, "exact", True, "summed"),
    ]
    assert rows[1]["pairing"] == "xiaoshan-wangcang"
    assert rows[1]["item"] == "共建东西部协作中国西部绿色家居产业城"


def test_explain_csv_header(cli: Invoke) -> None:
    result = cli("funds", "--pair", "苍溪", "--explain", "--csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(rows[0]) >= EXPLAIN_FIELDS
    assert len(rows) == 14
    assert {r["id"]: r["reason"] for r in rows}["cangxi-orphan-grant-high"] == "rate"


def test_explain_table_shows_totals_and_details(cli: Invoke) -> None:
    result = cli("funds", "--pair", "旺苍", "--explain", "--format", "table")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "帮扶资金合计" in text  # the totals table
    assert "明细：计入与跳过的记录" in text  # the details table
    assert text.index("帮扶资金合计") < text.index("明细")
    line = table_line(text, "wangcang-furniture-city")
    assert "2,000" in line and "—" in line and "含于 wangcang-park-funds" in line
    line = table_line(text, "wangcang-park-funds ")
    assert "3,978" in line and "✓" in line
    assert "✓" in table_line(text, "wangcang-donations") and "≥860" in table_line(
        text, "wangcang-donations"
    )


# ─── --chart ──────────────────────────────────────────────────────────────────────────────


def test_chart_draws_bars_aligned_after_chinese_labels(cli: Invoke) -> None:
    result = cli("funds", "--pair", "萧山", "--chart", "--format", "table")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "█" in text
    bar_lines = [
        line
        for line in text.splitlines()
        if any(ch in line for ch in BAR_CHARS) and "│" not in line
    ]
    labels = [
        "萧山→康定 财政援助",
        "萧山→康定 社会帮扶",
        "萧山→康定 产业合作",
        "萧山→龙泉 财政援助",
        "萧山→龙泉 消费帮扶",
        "萧山→旺苍 财政援助",
        "萧山→旺苍 社会帮扶",
        "萧山→旺苍 消费帮扶",
    ]
    assert sorted(line.split()[0] + " " + line.split()[1] for line in bar_lines) == sorted(labels)
    starts = set()
    for line in bar_lines:
        first = min(line.index(ch) for ch in BAR_CHARS if ch in line)
        starts.add(cell_len(line[:first]))
    assert len(starts) == 1, starts  # every bar starts in the same terminal column
    longest = table_line(text, "萧山→康定 产业合作")
    assert longest.count("█") == 40 and longest.split()[-1] == "22,200"
    assert table_line(text, "萧山→旺苍 社会帮扶").split()[-1] == "≥860"


def test_chart_for_cangxi(cli: Invoke) -> None:
    text = cli("funds", "--pair", "苍溪", "--chart", "--format", "table").stdout
    assert "█" in text
    for category in FLOWS:
        assert any(
            line.startswith(f"余杭→苍溪 {category}") and any(ch in line for ch in BAR_CHARS)
            for line in text.splitlines()
        ), category


def test_chart_does_not_change_machine_output(cli: Invoke) -> None:
    assert cli("funds", "--chart", "--csv").stdout == cli("funds", "--csv").stdout


# ─── empty results ────────────────────────────────────────────────────────────────────────


def test_empty_result_is_an_empty_array_and_a_header_only_csv(cli: Invoke) -> None:
    result = cli("funds", "--pair", "绿园", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    result = cli("funds", "--pair", "绿园", "--csv")
    assert result.exit_code == 0
    assert result.stdout_bytes == FUNDS_HEADER.encode() + b"\r\n"
    result = cli("funds", "--pair", "绿园", "--format", "table")
    assert result.exit_code == 0
    assert "帮扶资金合计" not in result.stdout
    result = cli("funds", "--pair", "绿园", "--explain", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_filters_narrow_the_totals(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--pair", "萧山", "--min", "3900万", "--json")
    assert sorted((r["pairing"], r["category"], r["amount_yuan"]) for r in rows) == [
        ("xiaoshan-kangding", "产业合作", 222_000_000),
        ("xiaoshan-kangding", "财政援助", 59_390_000),
        ("xiaoshan-wangcang", "财政援助", 39_780_000),
    ]
