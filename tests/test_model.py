"""Schema 2: places and levels, periods, citations, revisions, stages, measures, and a loader that
trusts nothing. Expected values are literals checked by hand against data/*.yaml, or computed here
from the YAML and places.yaml directly, never through xiezuo's own code."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import BUNDLED, DATA, one_error_line, record_doc


def rows(result: Any) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def ids(result: Any) -> set[str]:
    return {row["id"] for row in rows(result)}


def yaml_records() -> list[dict[str, Any]]:
    found = []
    for name in ("records.yaml", "records-facts.yaml"):
        found += yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return found


# ─── places and levels ──────────────────────────────────────────────────────────────────────


def test_every_pairing_end_is_a_place_with_a_code_and_level(cli: Callable) -> None:
    places = {str(p["id"]): p for p in yaml.safe_load((DATA / "places.yaml").read_text())}
    result = cli("pairs", "--csv")
    for row in rows(result):
        for side in ("provider", "receiver"):
            code = row[f"{side}_code"]
            if code:
                assert places[code]["full_name"] == row[side]
                assert len(code) == 6 and code.isdigit()
    by_id = {row["id"]: row for row in rows(result)}
    assert by_id["yuhang-cangxi"]["receiver_code"] == "510824"
    assert by_id["yuhang-cangxi"]["level"] == "county"
    assert by_id["zhejiang-sichuan"]["level"] == "province"
    assert by_id["zhejiang-ganzi"]["level"] == "city"  # a pairing's level is its receiver's


def _pairings_in(place_id: str, side: str) -> set[str]:
    """From the YAML: pairings whose ``side`` is the place or lies inside it."""
    places = {str(p["id"]): p for p in yaml.safe_load((DATA / "places.yaml").read_text())}

    def within(place: str | None) -> bool:
        while place is not None:
            if place == place_id:
                return True
            place = places[place]["parent"]
        return False

    pairings = yaml.safe_load((DATA / "pairings.yaml").read_text())
    return {p["id"] for p in pairings if within(str(p[side]))}


def test_in_selects_the_receivers_inside_a_place(cli: Callable) -> None:
    expected = _pairings_in("510800", "receiver")  # 广元市
    assert expected == {
        "yuhang-cangxi",
        "xiaoshan-wangcang",
        "binjiang-chaotian",
        "hangzhou-guangyuan",
    }
    result = cli("pairs", "--in", "广元", "--csv")
    assert {row["id"] for row in rows(result)} == expected


def test_from_selects_the_providers_inside_a_place(cli: Callable) -> None:
    result = cli("pairs", "--from", "湖州", "--csv")
    assert {row["id"] for row in rows(result)} == _pairings_in("330500", "provider")
    assert {row["id"] for row in rows(result)} == {"nanxun-guangan", "nantaihu-qingyuan"}


def test_level_filter(cli: Callable) -> None:
    result = cli("pairs", "--level", "province", "--csv")
    assert {row["id"] for row in rows(result)} == {"zhejiang-sichuan", "zhejiang-jilin"}


def test_unknown_place_is_a_usage_error(cli: Callable) -> None:
    result = cli("list", "--in", "火星")
    assert result.exit_code == 2
    assert "unknown place" in one_error_line(result)


def test_levels_are_never_added(cli: Callable) -> None:
    """County money is inside its province's: 财政资金 by category gives one row per level."""
    result = cli("funds", "--category", "财政援助", "--by", "category", "--csv")
    found = {
        (row["level"], row["measure"], row["period_start"] or None): int(row["amount_yuan"])
        for row in rows(result)
        if row["stage"] == "actual"
    }
    # county: 苍溪 3900万+200万, 朝天 1.55亿, 旺苍 推算5004万 (2021) + 200万 (2025), 龙泉 960万
    assert (
        found[("county", "财政资金", None)]  # 龙泉's 960万 has no start
        == 41_000_000 + 155_000_000 + 50_040_000 + 2_000_000 + 9_600_000
    )
    # province: 浙江→四川 52.788亿 (2016–2021-06, a running total) and 33亿 (2021): the first half
    # of 2021 is in both, so never one 85.788亿
    assert found[("province", "财政资金", "2016")] == 5_278_800_000
    assert found[("province", "财政资金", "2021")] == 3_300_000_000
    assert found[("county", "各类帮扶资金", "2021-06")] == 180_000_000


def test_roll_up_shows_the_sum_of_counties_beside_the_reported_figure(cli: Callable) -> None:
    result = cli(
        "funds", "--in", "四川", "--category", "财政援助", "--roll-up", "province", "--csv"
    )
    found = {(row["measure"], row["basis"], row["apart"]): row for row in rows(result)}
    # 本级报道: the 2016–2021-06 running total and the 2021 figure, two rows, never added
    reported = found[("财政资金", "reported", "")]
    running = found[("财政资金", "reported", "overlap")]
    rolled = found[("财政资金", "rolled_up", "")]
    assert (reported["provider"], reported["receiver"], reported["level"]) == (
        "浙江省",
        "四川省",
        "province",
    )
    assert int(reported["amount_yuan"]) == 3_300_000_000
    assert (int(running["amount_yuan"]), running["period_start"], running["period_end"]) == (
        5_278_800_000,
        "2016",
        "2021-06",
    )
    # 苍溪 4100万 + 旺苍 5004万 + 200万 + 朝天 1.55亿: the county figures, not added to the above
    assert int(rolled["amount_yuan"]) == 41_000_000 + 52_040_000 + 155_000_000
    assert (rolled["about"], rolled["derived"]) == ("false", "true")


def test_roll_up_keeps_county_parts_of_a_province_figure(cli: Callable) -> None:
    """The county allocations are part_of the province's 33亿; rolled up they still add up."""
    result = cli(
        "funds", "--in", "四川", "--stage", "allocated", "--stage", "actual",
        "--category", "财政援助", "--roll-up", "province", "--csv",
    )  # fmt: skip
    allocated = [r for r in rows(result) if r["stage"] == "allocated"]
    assert [(r["basis"], int(r["amount_yuan"])) for r in allocated] == [
        ("rolled_up", 39_000_000 + 50_000_000 + 50_000_000 + 16_600_000)
    ]


def test_cross_level_part_of_is_skipped_when_the_whole_is_counted(cli: Callable) -> None:
    result = cli(
        "funds", "--in", "四川", "--stage", "allocated", "--stage", "actual", "--explain", "--csv",
    )  # fmt: skip
    by_id = {row["id"]: row for row in rows(result)}
    assert by_id["cangxi-allocation-2021"]["reason"] == "part_of"
    assert by_id["cangxi-allocation-2021"]["part_of"] == "sichuan-fiscal-2021"
    # without the actual stage the province figure is not counted, so the allocation is
    only = {
        r["id"]: r
        for r in rows(cli("funds", "--pair", "苍溪", "--stage", "allocated", "--explain", "--csv"))
    }
    assert only["cangxi-allocation-2021"]["reason"] == "summed"


# ─── periods ────────────────────────────────────────────────────────────────────────────────


def test_year_means_within_during_means_overlapping(cli: Callable) -> None:
    within = ids(cli("list", "--pair", "康定", "--money", "--year", "2022", "--csv"))
    overlapping = ids(cli("list", "--pair", "康定", "--money", "--during", "2022", "--csv"))
    assert "kangding-funds-total" not in within  # 2021-06..2024-05
    assert "kangding-funds-total" in overlapping
    assert "kangding-support-funds" in overlapping  # 2021-06..2022-02
    assert "kangding-songrong-purchase" in within  # 2022 only
    expected_within = {
        r["id"]
        for r in yaml_records()
        if r["pairing"] == "xiaoshan-kangding"
        and r.get("period")
        and all(str(end or "")[:4] == "2022" for end in r["period"])
        and "unit" not in r
    }
    assert within == expected_within


def test_multi_year_figure_gets_its_own_row_by_year(cli: Callable) -> None:
    result = cli("funds", "--pair", "滨江", "--by", "year", "--csv")
    found = {
        (row["year"], row["span"], row["category"]): int(row["amount_yuan"]) for row in rows(result)
    }
    assert found == {
        ("", "2021–2024", "财政援助"): 155_000_000,
        ("", "2021–2024", "社会帮扶"): 27_800_000,
    }


def test_year_column_holds_single_years_only(cli: Callable) -> None:
    data = json.loads(cli("export").stdout)
    for record in data:
        start, end = record["period_start"], record["period_end"]
        if start and end and start[:4] == end[:4]:
            assert record["year"] == int(start[:4]) and record["cumulative"] is False
        else:
            assert record["year"] is None
            assert record["cumulative"] is bool(start or end)


# ─── citations and revisions ────────────────────────────────────────────────────────────────


def test_one_fact_two_citations_is_one_figure(cli: Callable) -> None:
    data = json.loads(cli("export").stdout)
    special = [r for r in data if r["amount_yuan"] == 39_000_000 and r["stage"] == "actual"]
    assert [r["id"] for r in special] == ["cangxi-special-fund"]
    sources = [c["source"] for c in special[0]["citations"]]
    assert sources == ["yuhang-cangxi-2021-11-17", "yuhang-cangxi-chinanews-2021-11-17"]
    assert special[0]["citations"][0]["quote"].startswith("截至目前")
    assert special[0]["citations"][1]["quote"] is None  # only the reference is held
    flat = rows(cli("export", "--format", "csv"))
    row = next(r for r in flat if r["id"] == "cangxi-special-fund")
    assert (row["citations"], row["source"]) == ("2", "yuhang-cangxi-2021-11-17")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2022-06-30", 222_000_000),
        ("2023-01-15", 222_000_000),
        ("2023-01-16", 320_000_000),
        (None, 320_000_000),
    ],
)
def test_as_of_takes_the_latest_revision_known_then(
    cli: Callable, as_of: str | None, expected: int
) -> None:
    args = ["funds", "--pair", "康定", "--category", "产业合作", "--stage", "pledged", "--csv"]
    result = cli(*args, *(["--as-of", as_of] if as_of else []))
    assert [int(row["amount_yuan"]) for row in rows(result)] == [expected]


def test_a_revised_figure_is_explained(cli: Callable) -> None:
    result = cli("funds", "--pair", "康定", "--stage", "pledged", "--explain", "--csv")
    by_id = {row["id"]: row for row in rows(result)}
    assert by_id["kangding-tea-investment"]["reason"] == "revised"
    assert by_id["kangding-tea-investment"]["revised_by"] == "kangding-tea-investment-2023"


def test_as_of_hides_what_was_not_yet_published(cli: Callable) -> None:
    published = {
        s["id"]: str(s["published"])
        for name in ("sources.yaml", "sources-facts.yaml")
        for s in yaml.safe_load((DATA / name).read_text())
    }
    listed = rows(cli("list", "--as-of", "2022-06-30", "--columns", "id,source", "--csv"))
    assert listed
    for row in listed:
        first = published[row["source"]]
        assert first <= "2022-06-30" or first == "2022"  # a year-only date counts at its end
    assert "kangding-funds-total" not in {row["id"] for row in listed}


# ─── stages and measures ────────────────────────────────────────────────────────────────────


def test_stages_are_never_added(cli: Callable) -> None:
    actual = rows(cli("funds", "--pair", "旺苍", "--category", "财政援助", "--csv"))
    assert [(r["stage"], int(r["amount_yuan"])) for r in actual] == [("actual", 52_040_000)]
    both = rows(
        cli(
            "funds",
            "--pair",
            "旺苍",
            "--category",
            "财政援助",
            "--stage",
            "allocated",
            "--stage",
            "actual",
            "--csv",
        )
    )
    assert sorted((r["stage"], int(r["amount_yuan"])) for r in both) == [
        ("actual", 52_040_000),
        ("allocated", 50_000_000),
    ]


def test_purchases_and_helped_sales_are_two_rows(cli: Callable) -> None:
    result = cli("funds", "--pair", "苍溪", "--category", "消费帮扶", "--csv")
    found = {row["measure"]: (int(row["amount_yuan"]), row["at_least"]) for row in rows(result)}
    # 1085万 bought by the homestay association; 8000万 platform sales + the hall's 280余万
    assert found == {"采购额": (10_850_000, "false"), "帮助销售额": (82_800_000, "true")}


def test_wangcang_fiscal_aid_is_not_shown_as_a_bare_3978(cli: Callable) -> None:
    result = cli("funds", "--pair", "旺苍", "--category", "财政援助", "--explain", "--csv")
    by_id = {row["id"]: row for row in rows(result)}
    assert by_id["wangcang-park-funds"]["reason"] == "part_of"
    project = by_id["wangcang-project-funds-2021"]
    assert (project["approx"], project["derived"]) == ("exact", "true")
    assert project["derivation"].startswith("3978万元")


# ─── validation of the model's rules ────────────────────────────────────────────────────────


def _validate(cli: Callable, path: Path) -> Any:
    return cli("validate", "--db", str(path))


def test_at_least_whole_may_have_parts_adding_to_more(cli: Callable, db_copy: Callable) -> None:
    hall = [r for r in yaml_records() if r.get("part_of") == "cangxi-hall-sales"]
    assert len(hall) == 4  # 150余万 + 15万余 + 约20万 + 超100万 = 285万 > 280余万
    assert _validate(cli, db_copy()).exit_code == 0

    def exact(data: dict) -> None:
        record_doc(data, "cangxi-hall-sales")["approx"] = "exact"

    result = _validate(cli, db_copy(exact))
    assert result.exit_code == 3
    assert "record cangxi-hall-sales: field value: its parts add up to" in one_error_line(result)


def test_unlinked_overlapping_running_totals_are_rejected(cli: Callable, db_copy: Callable) -> None:
    def unlink(data: dict) -> None:
        record_doc(data, "kangding-support-funds")["part_of"] = None

    result = _validate(cli, db_copy(unlink))
    assert result.exit_code == 3
    line = one_error_line(result)
    assert "kangding-support-funds" in line and "kangding-funds-total" in line


def test_part_of_must_point_to_this_pairing_or_one_above(cli: Callable, db_copy: Callable) -> None:
    def sideways(data: dict) -> None:
        record_doc(data, "cangxi-allocation-2021")["part_of"] = "kangding-funds-total"

    result = _validate(cli, db_copy(sideways))
    assert result.exit_code == 3
    assert "neither this pairing" in one_error_line(result)


@pytest.mark.parametrize(
    ("target", "field", "value", "message"),
    [
        ("kangding-tea-investment-2023", "measure", "到位资金", "has another measure"),
        (
            "kangding-tea-investment",
            "revises",
            "kangding-tea-investment-2023",
            "was published after this record",
        ),
        ("kangding-tea-investment-2023", "revises", "no-such-record", "no record 'no-such-record'"),
    ],
)
def test_revisions_are_checked(
    cli: Callable, db_copy: Callable, target: str, field: str, value: str, message: str
) -> None:
    def change(data: dict) -> None:
        record_doc(data, target)[field] = value

    result = _validate(cli, db_copy(change))
    assert result.exit_code == 3
    assert message in one_error_line(result)


def test_a_revision_chain_has_no_forks(cli: Callable, db_copy: Callable) -> None:
    def fork(data: dict) -> None:
        record_doc(data, "kangding-tea-investment-2023")  # exists
        copy = dict(record_doc(data, "kangding-tea-investment-2023"), id="kangding-tea-fork")
        data["record"]["999999"] = copy

    result = _validate(cli, db_copy(fork))
    assert result.exit_code == 3
    assert "is already revised by" in one_error_line(result)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("as_of", "2021-02-30", "field as_of: expected a real date"),
        ("period_start", "2021-13", "field period_start: expected a real date"),
        ("period_start", "1900", "field period_start: expected a real date"),
        ("amount_yuan", 10**15, "field amount_yuan: expected an integer from 0 to"),
        ("value", 10**16, "field value: expected a number"),
        ("id", "cangxi\x1b[2J", "field id: expected an ASCII slug"),
        ("stage", "maybe", "field stage: expected one of actual"),
        ("actor", "aliens", "field actor: expected one of government"),
    ],
)
def test_bad_fields_are_rejected(
    cli: Callable, db_copy: Callable, field: str, value: object, expected: str
) -> None:
    def change(data: dict) -> None:
        record_doc(data, "cangxi-special-fund")[field] = value

    result = _validate(cli, db_copy(change))
    assert result.exit_code == 3
    assert expected in one_error_line(result)


@pytest.mark.parametrize("bad", ["苍溪\u202e县", "苍溪\x07", "苍\u200b溪"])
def test_control_bidi_and_zero_width_in_place_names_are_rejected(
    cli: Callable, db_copy: Callable, bad: str
) -> None:
    def change(data: dict) -> None:
        place = next(p for p in data["place"].values() if p["id"] == "510824")
        place["short"] = bad

    result = _validate(cli, db_copy(change))
    assert result.exit_code == 3
    assert "place 510824: field short" in one_error_line(result)


def test_schema_version_1_gets_a_clear_message(cli: Callable, db_copy: Callable) -> None:
    def old(data: dict) -> None:
        data["meta"] = {"1": {"schema_version": 1}}

    result = _validate(cli, db_copy(old))
    assert result.exit_code == 3
    assert "schema version 1 (xiezuo 0.1) is not supported" in one_error_line(result)


@pytest.mark.parametrize("cycle", [False, True])
def test_part_of_chain_check_is_linear(cli: Callable, tmp_path: Path, cycle: bool) -> None:
    """A chain of 30,000 parts (each the part of the next) validates in seconds, not minutes;
    closed into a ring it is a cycle, found as fast."""
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    template = record_doc(data, "wangcang-puyang-donation-media")
    chain = 30_000
    records = {}
    for index in range(chain):
        doc = dict(template, id=f"chain-{index}", amount_yuan=1, value=1, scope="item")
        doc["part_of"] = f"chain-{index + 1}" if index + 1 < chain else None
        records[str(index + 1)] = doc
    if cycle:
        records[str(chain)]["part_of"] = "chain-0"
    data["record"] = records
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    started = time.perf_counter()
    result = _validate(cli, path)
    elapsed = time.perf_counter() - started
    if cycle:
        assert result.exit_code == 3
        assert "part_of forms a cycle" in one_error_line(result)
    else:
        assert result.exit_code == 0, result.stderr
    assert elapsed < 10, elapsed


# ─── a file validate accepts never makes another command fail ───────────────────────────────

ODD_VALUES = st.sampled_from(
    [None, "", "x", "2021", "2021-12", "2021-12-31", 0, 1, -1, 10**13, 0.5, True, [], {}]
)
FIELDS = st.sampled_from(
    [
        "part_of",
        "revises",
        "period_start",
        "period_end",
        "year",
        "cumulative",
        "amount_yuan",
        "value",
        "unit",
        "note",
        "scope",
        "approx",
        "measure",
        "item",
    ]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(index=st.integers(0, 190), field=FIELDS, value=ODD_VALUES)
def test_accepted_files_never_make_commands_fail(
    cli: Callable, tmp_path: Path, index: int, field: str, value: object
) -> None:
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    docs = list(data["record"].values())
    target = docs[index % len(docs)]
    target[field] = value
    path = tmp_path / f"odd-{index}-{field}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if cli("validate", "--db", str(path)).exit_code != 0:
        return
    for args in (
        ("funds", "--csv"),
        ("funds", "--by", "year", "--explain", "--csv"),
        ("funds", "--roll-up", "province", "--csv"),
        ("list", "--csv"),
        ("pairs", "--format", "table"),
        ("report", "--per", "year", "--format", "table"),
        ("show", "康定", "--format", "table"),
        ("cite", target["id"], "--format", "table"),
        ("export", "--format", "csv"),
    ):
        result = cli(*args, "--db", str(path))
        assert result.exit_code == 0, (args, result.stderr)
