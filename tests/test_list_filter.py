"""`xiezuo list` and `xiezuo filter`: every shared filter, sorting, limits, columns, bad values.

Expected record sets are computed from the YAML the database is built from (data/places.yaml,
pairings.yaml, sources*.yaml, records*.yaml, citations-facts.yaml and the held source texts),
never through xiezuo's own code, and their sizes and small sets are pinned as literals.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, ENV, one_error_line, record_doc
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from xiezuo_cli.cli.app import app
from xiezuo_cli.model.records import RECORD_FIELDS

Cli = Callable[..., Result]
DbCopy = Callable[[Callable[[dict[str, Any]], None] | None], Path]
Record = dict[str, Any]


# ─── the oracle: records derived from the raw YAML ────────────────────────────────────────


def _yaml(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8")) or []


PLACES: dict[str, dict[str, Any]] = {str(place["id"]): place for place in _yaml("places.yaml")}
PAIRINGS: dict[str, dict[str, Any]] = {pairing["id"]: pairing for pairing in _yaml("pairings.yaml")}
SOURCES: dict[str, dict[str, Any]] = {
    source["id"]: source for source in _yaml("sources.yaml") + _yaml("sources-facts.yaml")
}


def _last_day(text: object) -> str:
    """The last day a date written as YYYY, YYYY-MM or YYYY-MM-DD can mean."""
    text = str(text)
    if len(text) == 4:
        return f"{text}-12-31"
    if len(text) == 7:
        days = calendar.monthrange(int(text[:4]), int(text[5:7]))[1]
        return f"{text}-{days:02d}"
    return text


def _first_day(text: str) -> str:
    return {4: f"{text}-01-01", 7: f"{text}-01"}.get(len(text), text)


def within(place_id: str, ancestor_id: str) -> bool:
    current: str | None = place_id
    while current is not None:
        if current == ancestor_id:
            return True
        current = PLACES[current]["parent"]
    return False


# Money as the articles write it: 3900万元, 近1.8亿元, 280余万元, 15万余元, 超过1.2亿元.
_MONEY = re.compile(r"(约|近|超过|超)?(\d+(?:\.\d+)?)余?([万亿])?余?元")
_FACTOR = {None: 1, "万": 10**4, "亿": 10**8}


def _quote(source_id: str, needle: str) -> str:
    """The one sentence of a held text that holds the needle (the anchor, else the figure)."""
    text = (DATA / "sources" / f"{source_id}.txt").read_text(encoding="utf-8")
    sentences = re.split(r"(?<=[。！？])|\n", text)
    found = [sentence for sentence in sentences if needle in sentence]
    assert len(found) == 1, (source_id, needle, found)
    return found[0]


def _approx(raw: Record) -> str:
    if "approx" in raw:
        return raw["approx"]
    if any(word in raw["figure"] for word in ("约", "近", "左右")):
        return "about"
    if any(word in raw["figure"] for word in ("余", "超", "多", "以上", "不低于")):
        return "at_least"
    return "exact"


def _record(raw: Record, more_citations: list[Record]) -> Record:
    pairing = PAIRINGS[raw["pairing"]]
    provider, receiver = str(pairing["provider"]), str(pairing["receiver"])
    start, end = (None if day is None else str(day) for day in raw["period"] or (None, None))
    year = int(start[:4]) if start and end and start[:4] == end[:4] else None
    sources = [c["source"] for c in raw["citations"]] + [c["source"] for c in more_citations]
    quotes = [
        _quote(c["source"], c.get("anchor", raw["figure"]))
        if SOURCES[c["source"]]["text_held"]
        else None
        for c in raw["citations"]
    ]
    if "unit" in raw:
        value, unit, amount = raw["value"], raw["unit"], None
    else:
        money = _MONEY.fullmatch(raw["figure"])
        assert money, raw["figure"]
        amount = int(Decimal(money[2]) * _FACTOR[money[3]])
        value, unit = amount, "元"
    return {
        "id": raw["id"],
        "pairing": raw["pairing"],
        "kind": pairing["kind"],
        "level": PLACES[receiver]["level"],
        "provider_id": provider,
        "receiver_id": receiver,
        "category": raw["category"],
        "item": raw["item"],
        "measure": raw["measure"],
        "figure": raw["figure"],
        "value": value,
        "unit": unit,
        "amount_yuan": amount,
        "approx": _approx(raw),
        "period_start": start,
        "period_end": end,
        "year": year,
        "cumulative": bool(start or end) and year is None,
        "as_of": _last_day(raw.get("as_of") or SOURCES[sources[0]]["published"]),
        # The last day by which the figure's earliest source was surely out.
        "known_by": min(_last_day(SOURCES[source]["published"]) for source in sources),
        "stage": raw["stage"],
        "actor": raw["actor"],
        "scope": raw["scope"],
        "part_of": raw.get("part_of"),
        "revises": raw.get("revises"),
        "sources": sources,
        "quote": quotes[0],  # the first citation's
        "quotes": [quote for quote in quotes if quote],
        "note": raw.get("note"),
    }


_MORE: dict[str, list[Record]] = {}
for _citation in _yaml("citations-facts.yaml"):
    _MORE.setdefault(_citation["record"], []).append(_citation)

RECORDS: list[Record] = sorted(
    (
        _record(raw, _MORE.get(raw["id"], []))
        for raw in _yaml("records.yaml") + _yaml("records-facts.yaml")
    ),
    key=lambda record: record["id"],
)


def where(predicate: Callable[[Record], bool]) -> set[str]:
    """Ids of the records a plain Python predicate accepts: the oracle."""
    return {record["id"] for record in RECORDS if predicate(record)}


def amount_at_least(yuan: int) -> Callable[[Record], bool]:
    return lambda r: r["amount_yuan"] is not None and r["amount_yuan"] >= yuan


def mentions(text: str) -> Callable[[Record], bool]:
    """What --search looks at: the item and every quote."""
    return lambda r: text in r["item"] or any(text in quote for quote in r["quotes"])


def overlaps(first_year: int, last_year: int) -> Callable[[Record], bool]:
    """The period overlaps the years; an open end reaches as far as it may, and a figure
    without a period overlaps nothing."""

    def test(r: Record) -> bool:
        if r["period_start"] is None and r["period_end"] is None:
            return False
        start = _first_day(r["period_start"]) if r["period_start"] else "0000-01-01"
        end = _last_day(r["period_end"]) if r["period_end"] else "9999-12-31"
        return start <= f"{last_year}-12-31" and end >= f"{first_year}-01-01"

    return test


ALL = where(lambda r: True)
CANGXI = where(lambda r: r["pairing"] == "yuhang-cangxi")
XIAOSHAN = where(lambda r: r["pairing"].startswith("xiaoshan-"))
MONEY = where(lambda r: r["amount_yuan"] is not None)
UNIFORMS = {
    "kangding-jiaren-donation",
    "kangding-paper-plane-days",
    "kangding-paper-plane-donation",
    "kangding-paper-plane-donors",
    "kangding-paper-plane-schools",
    "kangding-students-benefited",
    "kangding-uniform-boxes",
    "kangding-uniform-sets",
    "kangding-uniforms-donation",
    "kangding-yunji-books",
}
# 3900万 exactly: 苍溪's special fund and its 2021 allocation (a rate of 3900万元/县 is no money).
AT_3900_WAN = {"cangxi-special-fund", "cangxi-allocation-2021"}
AT_LEAST_3900_WAN = where(amount_at_least(39_000_000))
AT_LEAST_222_YI = where(amount_at_least(222_000_000))
PART_OF_SET = where(lambda r: r["part_of"] is not None)
CUMULATIVE = where(lambda r: r["cumulative"])
YEAR_2022 = {
    "kangding-songrong-purchase",
    "kangding-tea-phase1-area",
    "kangding-tea-progress-forecast",
}
# The largest amounts, in yuan.
LARGEST = {
    "jilin-signed-funds": 150_000_000_000,  # 近1500亿元
    "lishui-industry-feidi-investment": 23_317_000_000,  # 233.17亿元
    "sichuan-signed-investment-2023": 13_800_000_000,  # 138亿元
    "qingyuan-honeycomb-investment": 12_619_000_000,  # 126.19亿元
}


def test_oracle_sizes() -> None:
    """The data these tests were written against."""
    assert (len(ALL), len(CANGXI), len(XIAOSHAN), len(MONEY)) == (191, 40, 84, 60)
    assert (len(AT_LEAST_3900_WAN), len(AT_LEAST_222_YI)) == (28, 17)
    assert (len(PART_OF_SET), len(CUMULATIVE)) == (34, 72)
    assert where(mentions("校服")) == UNIFORMS
    assert where(lambda r: r["amount_yuan"] == 39_000_000) == AT_3900_WAN
    assert where(lambda r: r["year"] == 2022) == YEAR_2022
    assert where(amount_at_least(10_000_000_000)) == set(LARGEST)
    assert {r["id"]: r["amount_yuan"] for r in RECORDS if r["id"] in LARGEST} == LARGEST


def test_oracle_reads_figures_as_written() -> None:
    """Hand-checked derivations: amounts, approx, year, cumulative and dates from the YAML."""
    by_id = {record["id"]: record for record in RECORDS}
    funds_total = by_id["kangding-funds-total"]  # 近1.8亿元, 2021-06 to 2024-05
    assert (funds_total["amount_yuan"], funds_total["approx"]) == (180_000_000, "about")
    assert (funds_total["year"], funds_total["cumulative"]) == (None, True)
    assert funds_total["known_by"] == funds_total["as_of"] == "2024-05-28"
    sales = by_id["cangxi-hall-compound-sales"]  # 15万余元
    assert (sales["amount_yuan"], sales["approx"]) == (150_000, "at_least")
    assert by_id["cangxi-orphan-grant-primary"]["amount_yuan"] is None  # 1200元/人·年, a rate
    taxes = by_id["kangding-tea-taxes"]  # no period
    assert (taxes["year"], taxes["cumulative"], taxes["stage"]) == (None, False, "forecast")
    # 截至 2022-05, in an article dated only "2022": known surely by the year's end.
    land = by_id["kangding-tea-land-transfer"]
    assert (land["as_of"], land["known_by"]) == ("2022-05-31", "2022-12-31")
    # First cited 2022-02-10, and again in 2023 and 2024: known since the first.
    assert by_id["kangding-tea-base-area"]["known_by"] == "2022-02-10"


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result


def json_records(cli: Cli, *args: str) -> list[Record]:
    records = json.loads(ok(cli(*args, "--json")).stdout)
    assert isinstance(records, list)
    return records


def ids(cli: Cli, *args: str) -> set[str]:
    records = json_records(cli, *args)
    found = [record["id"] for record in records]
    assert len(found) == len(set(found)), "a record was printed twice"
    return set(found)


def ordered_ids(cli: Cli, *args: str) -> list[str]:
    return [record["id"] for record in json_records(cli, *args)]


def pairs(cli: Cli, *args: str) -> set[str]:
    """The ids `pairs ... --json` prints."""
    return {row["id"] for row in json.loads(ok(cli("pairs", *args, "--json")).stdout)}


def csv_rows(result: Result) -> list[list[str]]:
    return list(csv.reader(io.StringIO(ok(result).stdout)))


def usage_error(result: Result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    return one_error_line(result)


# ─── shared filters on list ───────────────────────────────────────────────────────────────


def test_no_filter_lists_every_record(cli: Cli) -> None:
    assert ids(cli, "list") == ALL


def test_default_order_is_id_order(cli: Cli) -> None:
    assert ordered_ids(cli, "list") == sorted(ALL)


def test_pair(cli: Cli) -> None:
    assert ids(cli, "list", "--pair", "苍溪") == CANGXI
    assert ids(cli, "list", "-p", "旺苍") == where(lambda r: r["pairing"] == "xiaoshan-wangcang")
    assert ids(cli, "list", "--pair", "萧山") == XIAOSHAN


def test_kind(cli: Cli) -> None:
    support = where(lambda r: r["kind"] == "对口支援")
    assert support == where(
        lambda r: r["pairing"] in ("xiaoshan-kangding", "linping-shiqu", "zhejiang-ganzi")
    )
    assert len(support) == 44
    assert ids(cli, "list", "--kind", "对口支援") == support
    assert ids(cli, "list", "--kind", "东西部协作") == where(lambda r: r["kind"] == "东西部协作")
    # 萧山's 对口合作 pairings (绿园, 公主岭) have no records.
    assert ids(cli, "list", "--kind", "对口合作", "--pair", "萧山") == set()
    assert ids(cli, "list", "--kind", "对口合作") == where(
        lambda r: r["pairing"] in ("hangzhou-changchun", "zhejiang-jilin")
    )


def test_category(cli: Cli) -> None:
    fiscal = where(lambda r: r["category"] == "财政援助")
    assert len(fiscal) == 33
    assert ids(cli, "list", "--category", "财政援助") == fiscal
    both = where(lambda r: r["category"] in ("财政援助", "社会帮扶"))
    assert ids(cli, "list", "--category", "财政援助", "-c", "社会帮扶") == both
    assert ids(cli, "list", "--category", "劳务协作", "--pair", "旺苍") == set()


def test_pair_and_category(cli: Cli) -> None:
    assert ids(cli, "list", "--pair", "苍溪", "--category", "财政援助") == {
        "cangxi-agriculture-investment",
        "cangxi-allocation-2021",
        "cangxi-disability-aids-funds",
        "cangxi-factory-investment",
        "cangxi-fiscal-donation",
        "cangxi-lingjiang-investment",
        "cangxi-special-fund",
    }


def test_year(cli: Cli) -> None:
    in_2021 = where(lambda r: r["year"] == 2021)
    assert len(in_2021) == 83
    assert ids(cli, "list", "--year", "2021") == in_2021
    assert ids(cli, "list", "--year", "2022") == YEAR_2022
    # Records without a year (their period runs over more than one year) are in no range.
    assert ids(cli, "list", "--year", "2021-2022") == in_2021 | YEAR_2022
    assert len(in_2021 | YEAR_2022) == 86
    assert ids(cli, "list", "-y", "2019-2020") == set()
    assert ids(cli, "list", "--year", "2017-2018") == where(lambda r: r["year"] in (2017, 2018))


# A date form and the first and last day it means.
DATE_FORMS = [
    ("2021", "2021-01-01", "2021-12-31"),
    ("2021-11", "2021-11-01", "2021-11-30"),
    ("2021-11-17", "2021-11-17", "2021-11-17"),
    ("November 2021", "2021-11-01", "2021-11-30"),
    ("2021年11月", "2021-11-01", "2021-11-30"),
    ("2021-11-18", "2021-11-18", "2021-11-18"),
    ("2021-12", "2021-12-01", "2021-12-31"),
    ("2022", "2022-01-01", "2022-12-31"),
    ("December 2021", "2021-12-01", "2021-12-31"),
    ("2022年2月", "2022-02-01", "2022-02-28"),
]


@pytest.mark.parametrize(("form", "first", "last"), DATE_FORMS)
def test_since_and_until_date_forms(cli: Cli, form: str, first: str, last: str) -> None:
    # --since and --until compare the as_of (截至) date: the first day of a --since form, the
    # last day of an --until form.
    assert ids(cli, "list", "--until", form) == where(lambda r: r["as_of"] <= last)
    assert ids(cli, "list", "--since", form) == where(lambda r: r["as_of"] >= first)


@pytest.mark.parametrize("form", ["2021-11-18", "2021-12", "2022", "December 2021"])
def test_since_after_cangxi(cli: Cli, form: str) -> None:
    # Nothing is as of a day between 2021-11-17 and 2022-01-19.
    after = where(lambda r: r["as_of"] > "2021-11-17")
    assert after == where(lambda r: r["as_of"] >= "2022-01-19")
    assert ids(cli, "list", "--since", form) == after
    assert not after & where(lambda r: r["as_of"] == "2021-11-17")


@pytest.mark.parametrize("form", ["2017-12-30", "2017-11", "2016", "2017年11月"])
def test_until_before_everything(cli: Cli, form: str) -> None:
    assert min(r["as_of"] for r in RECORDS) == "2017-12-31"
    assert ids(cli, "list", "--until", form) == set()


def test_since_and_until_together(cli: Cli) -> None:
    feb_10 = where(lambda r: r["as_of"] == "2022-02-10")
    assert len(feb_10) == 43 and feb_10 <= XIAOSHAN
    assert ids(cli, "list", "--since", "2022-02", "--until", "2022-02-10") == feb_10
    nov_17 = where(lambda r: r["as_of"] == "2021-11-17")
    assert len(nov_17) == 31 and nov_17 <= CANGXI
    assert ids(cli, "list", "--since", "2021-11-17", "--until", "2021-11-17") == nov_17
    assert ids(cli, "list", "--since", "2021-12", "--until", "2022-01-18") == set()
    assert ids(cli, "list", "--since", "2021-12", "--until", "2022-01") == {
        "cangxi-hall-compound-fairs",
        "cangxi-hall-compound-sales",
        "cangxi-hall-group-buyers",
        "cangxi-hall-group-purchase",
        "cangxi-hall-platform-sales",
        "cangxi-hall-products",
        "cangxi-hall-remote-sales",
        "cangxi-hall-sales",
    }


@pytest.mark.parametrize("form", ["39000000", "3900万", "3900万元", "0.39亿", "39,000,000元"])
def test_min_amount_forms(cli: Cli, form: str) -> None:
    assert ids(cli, "list", "--min", form) == AT_LEAST_3900_WAN


def test_min_in_yi(cli: Cli) -> None:
    assert ids(cli, "list", "--min", "2.22亿") == AT_LEAST_222_YI
    assert ids(cli, "list", "--min", "2.22亿元") == AT_LEAST_222_YI
    assert ids(cli, "list", "--min", "222000001") == AT_LEAST_222_YI - {"kangding-tea-investment"}


def test_max_amount(cli: Cli) -> None:
    below = MONEY - where(lambda r: (r["amount_yuan"] or 0) > 222_000_000)
    assert "kangding-tea-investment" in below
    assert ids(cli, "list", "--max", "2.22亿") == below
    assert ids(cli, "list", "--max", "25万") == {
        "wangcang-puyang-donation-kindergarten",  # 7.5万元
        "cangxi-hall-compound-sales",  # 15万余元
        "cangxi-hall-platform-sales",  # 约20万元
        "wangcang-puyang-donation-media",  # 20万元
        "longquan-zhangfan-collective-income",  # 23万元
        "kangding-jiaren-donation",  # 25万元
    }
    assert ids(cli, "list", "--max", "74999") == set()


def test_min_and_max(cli: Cli) -> None:
    assert ids(cli, "list", "--min", "3900万", "--max", "2.22亿") == AT_LEAST_3900_WAN - where(
        lambda r: (r["amount_yuan"] or 0) > 222_000_000
    )
    assert ids(cli, "list", "--min", "3900万元", "--max", "39000000") == AT_3900_WAN


def test_money(cli: Cli) -> None:
    assert ids(cli, "list", "--money") == MONEY
    assert ids(cli, "list", "--money", "--pair", "旺苍") == {
        "wangcang-allocation-2021",
        "wangcang-donations",
        "wangcang-furniture-city",
        "wangcang-gov-donation-2025",
        "wangcang-park-funds",
        "wangcang-project-funds-2021",
        "wangcang-puyang-donation",
        "wangcang-puyang-donation-kindergarten",
        "wangcang-puyang-donation-media",
        "wangcang-shop-sales",
    }


def test_search(cli: Cli) -> None:
    assert ids(cli, "list", "--search", "校服") == UNIFORMS
    special = where(
        lambda r: (
            r["pairing"] == "yuhang-cangxi"
            and r["amount_yuan"] is not None
            and mentions("专项资金")(r)
        )
    )
    # One sentence names the special fund, the fiscal donation and the social funds.
    assert special == {"cangxi-special-fund", "cangxi-fiscal-donation", "cangxi-social-funds"}
    assert ids(cli, "list", "--search", "专项资金", "--pair", "苍溪", "--money") == special
    assert ids(cli, "list", "--search", "没有这样的文字") == set()


def test_search_is_case_insensitive_for_latin_text(cli: Cli) -> None:
    assert ids(cli, "list", "--search", "NO SUCH TEXT") == set()


def test_every_filter_at_once(cli: Cli) -> None:
    every = (
        "list",
        "--pair",
        "萧山",
        "--in",
        "甘孜",
        "--from",
        "杭州",
        "--kind",
        "对口支援",
        "--level",
        "county",
        "--category",
        "社会帮扶",
        "--stage",
        "actual",
        "--actor",
        "social",
        "--actor",
        "enterprise",
        "--during",
        "2021-2022",
        "--since",
        "2022",
        "--until",
        "2022年2月",
        "--as-of",
        "2022-02-10",
        "--min",
        "50万",
        "--max",
        "1.3亿",
        "--money",
        "--search",
        "校服",
    )
    expected = where(
        lambda r: (
            r["pairing"] == "xiaoshan-kangding"
            and r["category"] == "社会帮扶"
            and r["stage"] == "actual"
            and r["actor"] in ("social", "enterprise")
            and overlaps(2021, 2022)(r)
            and "2022-01-01" <= r["as_of"] <= "2022-02-28"
            and r["known_by"] <= "2022-02-10"
            and 500_000 <= (r["amount_yuan"] or 0) <= 130_000_000
            and mentions("校服")(r)
        )
    )
    assert expected == {"kangding-paper-plane-donation", "kangding-uniforms-donation"}
    assert ids(cli, *every) == expected
    # The article reports them under 2021年: they lie in that year, and in no other.
    assert ids(cli, *every, "--year", "2021") == expected
    assert ids(cli, *every, "--year", "2022") == set()


"""
# ─── place, level, stage, actor, period and publication filters ───────────────────────────

GUANGYUAN_PAIRINGS = {
    "yuhang-cangxi",
    "xiaoshan-wangcang",
    "binjiang-chaotian",
    "hangzhou-guangyuan",
}


def pairings_where(predicate: Callable[[dict[str, Any]], bool]) -> set[str]:
    return {pairing_id for pairing_id, pairing in PAIRINGS.items() if predicate(pairing)}


def test_in_a_city_takes_its_own_and_its_counties_pairings(cli: Cli) -> None:
    in_guangyuan = pairings_where(lambda p: within(str(p["receiver"]), "510800"))
    assert in_guangyuan == GUANGYUAN_PAIRINGS
    expected = where(lambda r: r["pairing"] in GUANGYUAN_PAIRINGS)
    assert expected == where(lambda r: within(r["receiver_id"], "510800"))
    assert len(expected) == 40 + 30 + 3 + 0  # 杭州→广元 itself has no figures yet
    for form in ("广元", "广元市", "510800", "guangyuan", "廣元"):
        assert ids(cli, "list", "--in", form) == expected
    assert pairs(cli, "--in", "广元") == GUANGYUAN_PAIRINGS


def test_in_is_repeatable_and_narrows_with_pair(cli: Cli) -> None:
    in_ganzi = pairings_where(lambda p: within(str(p["receiver"]), "513300"))
    assert in_ganzi == {"zhejiang-ganzi", "xiaoshan-kangding", "linping-shiqu"}
    assert ids(cli, "list", "--in", "广元", "--in", "甘孜") == where(
        lambda r: r["pairing"] in GUANGYUAN_PAIRINGS | in_ganzi
    )
    assert ids(cli, "list", "--in", "广元", "--pair", "萧山") == where(
        lambda r: r["pairing"] == "xiaoshan-wangcang"
    )
    # A province holds every place below it; 山海协作 receivers are in 浙江 itself.
    assert ids(cli, "list", "--in", "四川") == where(lambda r: within(r["receiver_id"], "510000"))
    assert ids(cli, "list", "--in", "浙江") == where(
        lambda r: r["pairing"] in ("xiaoshan-longquan", "nantaihu-qingyuan", "lishui-partners")
    )


def test_from_a_province_city_or_county(cli: Cli) -> None:
    # Every provider is in 浙江.
    assert pairings_where(lambda p: within(str(p["provider"]), "330000")) == set(PAIRINGS)
    assert ids(cli, "list", "--from", "浙江") == ALL
    assert pairs(cli, "--from", "浙江") == set(PAIRINGS)
    from_hangzhou = pairings_where(lambda p: within(str(p["provider"]), "330100"))
    assert from_hangzhou == {
        "yuhang-cangxi",
        "xiaoshan-wangcang",
        "xiaoshan-kangding",
        "xiaoshan-longquan",
        "xiaoshan-lvyuan",
        "xiaoshan-gongzhuling",
        "binjiang-chaotian",
        "linping-shiqu",
        "hangzhou-guangyuan",
        "hangzhou-changchun",
    }
    assert ids(cli, "list", "--from", "杭州") == where(lambda r: r["pairing"] in from_hangzhou)
    assert ids(cli, "list", "--from", "萧山") == XIAOSHAN
    assert ids(cli, "list", "--from", "湖州") == where(
        lambda r: r["pairing"] in ("nanxun-guangan", "nantaihu-qingyuan")
    )
    assert ids(cli, "list", "--from", "浙江", "--in", "吉林") == where(
        lambda r: r["pairing"] in ("hangzhou-changchun", "zhejiang-jilin")
    )


def test_level(cli: Cli) -> None:
    province = where(lambda r: r["level"] == "province")
    assert province == where(lambda r: r["pairing"] in ("zhejiang-sichuan", "zhejiang-jilin"))
    assert len(province) == 29
    assert ids(cli, "list", "--level", "province") == province
    city = where(lambda r: r["level"] == "city")
    assert len(city) == 25
    assert ids(cli, "list", "--level", "city") == city
    assert ids(cli, "list", "--level", "county") == ALL - province - city
    assert ids(cli, "list", "--level", "city", "--level", "province") == city | province
    assert pairs(cli, "--level", "province") == {"zhejiang-sichuan", "zhejiang-jilin"}


def test_stage(cli: Cli) -> None:
    pledged = {
        "jilin-signed-funds",
        "jilin-signed-projects",
        "kangding-songrong-purchase",
        "kangding-tea-investment",
        "kangding-tea-investment-2023",
        "longquan-feidi-tax-return-years",
        "longquan-kaizun-investment",
        "sichuan-signed-investment-2023",
        "sichuan-signed-projects-2023",
    }
    assert where(lambda r: r["stage"] == "pledged") == pledged
    assert ids(cli, "list", "--stage", "pledged") == pledged
    assert ids(cli, "list", "--stage", "pledged", "--stage", "planned") == where(
        lambda r: r["stage"] in ("pledged", "planned")
    )
    actual = where(lambda r: r["stage"] == "actual")
    assert len(actual) == 157
    assert ids(cli, "list", "--stage", "actual") == actual
    # The 2021 allocations and the per-county rates are budgets, not money spent.
    assert ids(cli, "list", "--stage", "allocated", "--money") == {
        "cangxi-allocation-2021",
        "kangding-allocation-2021",
        "shiqu-support-2024",
        "wangcang-allocation-2021",
    }
    assert "kangding-tea-taxes" in ids(cli, "list", "--stage", "forecast")


def test_actor(cli: Cli) -> None:
    enterprise = where(lambda r: r["actor"] == "enterprise")
    assert len(enterprise) == 48
    assert ids(cli, "list", "--actor", "enterprise") == enterprise
    assert ids(cli, "list", "--actor", "social", "--actor", "mixed") == where(
        lambda r: r["actor"] in ("social", "mixed")
    )
    assert ids(cli, "list", "--actor", "government", "--pair", "苍溪", "--money") == where(
        lambda r: r["pairing"] == "yuhang-cangxi"
        and r["actor"] == "government"
        and r["amount_yuan"] is not None
    )


def test_year_against_during(cli: Cli) -> None:
    during = where(overlaps(2022, 2022))
    assert ids(cli, "list", "--year", "2022") == YEAR_2022
    assert ids(cli, "list", "--during", "2022") == during
    assert YEAR_2022 < during
    # 2021-06 to 2024-05: it overlaps 2022 but does not lie within it.
    assert "kangding-funds-total" in during - YEAR_2022
    # 2021-06 to 2022-02 and 2021-12-05 to 2022-01 likewise.
    assert {"kangding-support-funds", "cangxi-hall-sales"} <= during - YEAR_2022
    # A figure of 2021 alone is in neither; one with no period at all is never in --during.
    assert "cangxi-special-fund" not in during
    assert "kangding-tea-taxes" not in during
    assert ids(cli, "list", "--during", "2021-2022") == where(overlaps(2021, 2022))
    assert ids(cli, "list", "--during", "2021至2022") == where(overlaps(2021, 2022))
    assert ids(cli, "list", "--year", "2021-2022") <= ids(cli, "list", "--during", "2021-2022")


def test_as_of_leaves_out_what_was_published_later(cli: Cli) -> None:
    known = where(lambda r: r["known_by"] <= "2022-06-30")
    listed = json_records(cli, "list", "--as-of", "2022-06-30")
    assert {record["id"] for record in listed} == known
    assert len(known) == 119
    # The 2.22亿 pledge is known; the 3.2亿 that revises it came out in 2023.
    assert "kangding-tea-investment" in known
    assert "kangding-tea-investment-2023" not in known
    # 截至 2022-05, but in an article dated only "2022": not surely out by 2022-06-30.
    assert "kangding-tea-land-transfer" not in known
    # Cited first in 2022-02 and again later: known since the first.
    assert "kangding-tea-base-area" in known
    assert ids(cli, "list", "--as-of", "2022年6月") == known
    assert ids(cli, "list", "--as-of", "2022") == where(lambda r: r["known_by"] <= "2022-12-31")
    assert ids(cli, "list", "--as-of", "2017") == set()


"""
# ─── sort, limit, columns ─────────────────────────────────────────────────────────────────


def test_sort_amount_desc_limit(cli: Cli) -> None:
    assert ordered_ids(cli, "list", "--sort", "amount_yuan", "--desc", "--limit", "3") == [
        "jilin-signed-funds",
        "lishui-industry-feidi-investment",
        "sichuan-signed-investment-2023",
    ]


def test_sort_puts_missing_values_last_both_ways(cli: Cli) -> None:
    args = ("list", "--pair", "旺苍", "--category", "财政援助", "--sort", "amount_yuan")
    assert ordered_ids(cli, *args) == [
        "wangcang-gov-donation-2025",  # 200万元
        "wangcang-furniture-city",  # 2000万元
        "wangcang-park-funds",  # 3978万元
        "wangcang-allocation-2021",  # 5000万元
        "wangcang-project-funds-2021",  # 约5004万元
        "wangcang-cooperation-projects",  # 33个
        "wangcang-park-funds-share",  # 79.5%
    ]
    assert ordered_ids(cli, *args, "--desc") == [
        "wangcang-project-funds-2021",
        "wangcang-allocation-2021",
        "wangcang-park-funds",
        "wangcang-furniture-city",
        "wangcang-gov-donation-2025",
        "wangcang-cooperation-projects",
        "wangcang-park-funds-share",
    ]
    full = ordered_ids(cli, "list", "--sort", "amount_yuan", "--desc")
    assert set(full[:60]) == MONEY
    assert set(full[60:]) == ALL - MONEY


def test_sort_year_puts_missing_years_last(cli: Cli) -> None:
    longquan = [r for r in RECORDS if r["pairing"] == "xiaoshan-longquan"]
    order = ordered_ids(cli, "list", "--pair", "龙泉", "--sort", "year", "--desc")
    years = {r["id"]: r["year"] for r in longquan}
    with_year = [years[record_id] for record_id in order if years[record_id] is not None]
    assert with_year == sorted(with_year, reverse=True) and with_year[0] == 2021
    assert set(order[:3]) == {
        "longquan-consumption",
        "longquan-village-income",
        "longquan-weak-villages",
    }
    no_year = where(lambda r: r["pairing"] == "xiaoshan-longquan" and r["year"] is None)
    assert set(order[-len(no_year) :]) == no_year
    assert len(order) == len(longquan) == 25


def test_sort_ascending_by_amount(cli: Cli) -> None:
    order = ordered_ids(cli, "list", "--money", "--sort", "amount_yuan", "-n", "2")
    assert order == ["wangcang-puyang-donation-kindergarten", "cangxi-hall-compound-sales"]


def test_columns_in_csv(cli: Cli) -> None:
    result = cli(
        "list", "--pair", "旺苍", "--category", "财政援助", "--columns", "id,amount_yuan", "--csv"
    )
    assert csv_rows(result) == [
        ["id", "amount_yuan"],
        ["wangcang-allocation-2021", "50000000"],
        ["wangcang-cooperation-projects", ""],
        ["wangcang-furniture-city", "20000000"],
        ["wangcang-gov-donation-2025", "2000000"],
        ["wangcang-park-funds", "39780000"],
        ["wangcang-park-funds-share", ""],
        ["wangcang-project-funds-2021", "50040000"],
    ]


def test_columns_in_json_keep_types_and_order(cli: Cli) -> None:
    records = json_records(
        cli,
        "list",
        "--pair",
        "苍溪",
        "--sort",
        "amount_yuan",
        "--desc",
        "-n",
        "2",
        "--columns",
        "amount_yuan,id,figure",
    )
    assert records == [
        {"amount_yuan": 318000000, "id": "cangxi-enterprise-investment", "figure": "3.18亿元"},
        {"amount_yuan": 80000000, "id": "cangxi-online-sales", "figure": "8000万元"},
    ]
    assert [list(record) for record in records] == [["amount_yuan", "id", "figure"]] * 2


def test_columns_of_the_new_model(cli: Cli) -> None:
    records = json_records(
        cli,
        "list",
        "--pair",
        "康定",
        "--category",
        "财政援助",
        "--columns",
        "id,measure,stage,actor,scope,period_start,period_end,year,cumulative,part_of",
    )
    by_id = {r["id"]: r for r in RECORDS}
    assert {record["id"] for record in records} == {
        "kangding-allocation-2021",
        "kangding-funds-total",
        "kangding-projects",
        "kangding-support-funds",
    }
    for record in records:
        raw = by_id[record["id"]]
        assert record == {field: raw[field] for field in record}


def test_citations_are_a_list_in_json_and_a_count_in_csv(cli: Cli) -> None:
    args = ("list", "--pair", "苍溪", "--category", "财政援助", "--columns", "id,citations")
    records = json_records(cli, *args)
    rows = csv_rows(cli(*args, "--csv"))[1:]
    cited = {r["id"]: r["sources"] for r in RECORDS if r["id"] in {x["id"] for x in records}}
    assert cited["cangxi-special-fund"] == [
        "yuhang-cangxi-2021-11-17",
        "yuhang-cangxi-chinanews-2021-11-17",
    ]
    assert {r["id"]: [c["source"] for c in r["citations"]] for r in records} == cited
    assert {row[0]: int(row[1]) for row in rows} == {key: len(cited[key]) for key in cited}


def test_limit_zero_is_header_only(cli: Cli) -> None:
    assert csv_rows(cli("list", "--limit", "0", "--csv")) == [list(RECORD_FIELDS)]
    assert json_records(cli, "list", "--limit", "0") == []


def test_limit_larger_than_result(cli: Cli) -> None:
    assert ids(cli, "list", "--pair", "苍溪", "--limit", "1000") == CANGXI


# ─── bad values ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (("--year", "20x1"), "20x1"),
        (("--year", "2023-2021"), "2023-2021"),
        (("--since", "2021-13"), "2021-13"),
        (("--until", "2021-02-30"), "2021-02-30"),
        (("--since", "yesterday"), "yesterday"),
        (("--since", "2022", "--until", "2021"), "--since"),
        (("--min", "3900万美元"), "3900万美元"),
        (("--min", "abc"), "abc"),
        (("--max", "约3900万"), "约3900万"),
        (("--min", "0.5元"), "0.5元"),
        (("--category", "扶贫"), "扶贫"),
        (("--kind", "援藏"), "援藏"),
        (("--sort", "nosuchfield"), "nosuchfield"),
        (("--columns", "id,bogus"), "bogus"),
        (("--limit", "-1"), "-1"),
        (("--limit", "x"), "x"),
        (("--format", "xml"), "xml"),
        (("--csv", "--json"), "--json"),
        (("--format", "tsv", "--json"), "--json"),
        (("--unit", "千元"), "千元"),
        (("--in", "北京"), "北京"),
        (("--from", "苍西"), "苍西"),
        (("--level", "town"), "town"),
        (("--stage", "done"), "done"),
        (("--actor", "nobody"), "nobody"),
        (("--during", "2023-2021"), "2023-2021"),
        (("--during", "20x2"), "20x2"),
        (("--as-of", "2022-13"), "2022-13"),
        (("--as-of", "yesterday"), "yesterday"),
    ],
)
@pytest.mark.parametrize("command", [("list",), ("filter", "id~-")])
def test_bad_value_exits_2_with_one_line(
    cli: Cli, command: tuple[str, ...], args: tuple[str, ...], mentions: str
) -> None:
    line = usage_error(cli(*command, *args))
    assert mentions in line


# ─── filter expressions ───────────────────────────────────────────────────────────────────

BELOW_79_WAN = where(lambda r: r["amount_yuan"] is not None and r["amount_yuan"] < 790_000)
PLANNED = {
    "kangding-tea-jobs",
    "kangding-tea-phase1-area",
    "kangding-tea-project-years",
    "lishui-feidi-min-area",
    "longquan-feidi-land",
    "longquan-feidi-phase1-land",
    "wangcang-demo-village",
    "wangcang-digital-platform-modules",
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("amount_yuan=3900万", AT_3900_WAN),
        ("amount_yuan==39000000", AT_3900_WAN),
        ("amount_yuan = 0.39亿元", AT_3900_WAN),
        ("amount_yuan>2.22亿", AT_LEAST_222_YI - {"kangding-tea-investment"}),
        ("amount_yuan>=2.22亿", AT_LEAST_222_YI),
        ("amount_yuan>=3900万", AT_LEAST_3900_WAN),
        ("amount_yuan<79万", BELOW_79_WAN),
        ("amount_yuan<=79万", BELOW_79_WAN | {"kangding-paper-plane-donation"}),
        ("amount_yuan~3978", {"wangcang-park-funds"}),
        ("amount_yuan>100亿", set(LARGEST)),
        ("amount_yuan>1500亿", set()),
        ("year=2022", YEAR_2022),
        ("year>=2022", where(lambda r: (r["year"] or 0) >= 2022)),
        ("year>2021", where(lambda r: (r["year"] or 0) > 2021)),
        ("year<2021", where(lambda r: r["year"] in (2017, 2018))),
        ("year<2017", set()),
        ("year<=2021", where(lambda r: r["year"] is not None and r["year"] <= 2021)),
        ("year=null", where(lambda r: r["year"] is None)),
        ("as_of<2022-01", where(lambda r: r["as_of"] < "2022-01-01")),
        ("as_of<2022", where(lambda r: r["as_of"] < "2022-01-01")),
        ("as_of<=2021-11-17", where(lambda r: r["as_of"] <= "2021-11-17")),
        ("as_of=2021-11", where(lambda r: r["as_of"].startswith("2021-11"))),
        ("as_of=November 2021", where(lambda r: r["as_of"].startswith("2021-11"))),
        ("as_of=2021年11月", where(lambda r: r["as_of"].startswith("2021-11"))),
        ("as_of!=2022-02-10", where(lambda r: r["as_of"] != "2022-02-10")),
        ("as_of>2021-11", where(lambda r: r["as_of"] > "2021-11-30")),
        ("as_of>=2022-02-10", where(lambda r: r["as_of"] >= "2022-02-10")),
        ("as_of>2022-02-10", where(lambda r: r["as_of"] > "2022-02-10")),
        ("as_of>2026-01-03", set()),
        ("as_of~2021", where(lambda r: "2021" in r["as_of"])),
        (
            "period_end<=2021-06",
            where(lambda r: _last_day(r["period_end"] or "9999") <= "2021-06-30"),
        ),
        ("cumulative=true", CUMULATIVE),
        ("cumulative=false", ALL - CUMULATIVE),
        ("part_of=null", ALL - PART_OF_SET),
        ("part_of!=null", PART_OF_SET),
        ("part_of=", ALL - PART_OF_SET),
        (
            "part_of=cangxi-special-fund",
            {
                "cangxi-agriculture-investment",
                "cangxi-disability-aids-funds",
                "cangxi-factory-investment",
                "cangxi-lingjiang-investment",
            },
        ),
        (
            "part_of=sichuan-fiscal-2021",
            {"cangxi-allocation-2021", "kangding-allocation-2021", "wangcang-allocation-2021"},
        ),
        ("revises=kangding-tea-investment", {"kangding-tea-investment-2023"}),
        ("pairing=苍溪", CANGXI),
        ("pairing=蒼溪", CANGXI),
        ("pairing=cang xi", CANGXI),
        ("pairing=萧山", XIAOSHAN),
        ("pairing!=苍溪", ALL - CANGXI),
        ("pairing=yuhang-cangxi", CANGXI),
        ("quote~校服", UNIFORMS),
        (
            "item~校服",
            {"kangding-uniform-boxes", "kangding-uniform-sets", "kangding-uniforms-donation"},
        ),
        ("category=财政援助", where(lambda r: r["category"] == "财政援助")),
        ("category!=财政援助", where(lambda r: r["category"] != "财政援助")),
        ("unit=人", where(lambda r: r["unit"] == "人")),
        ("approx=at_least", where(lambda r: r["approx"] == "at_least")),
        ("approx=about", where(lambda r: r["approx"] == "about")),
        ("stage=planned", PLANNED),
        ("measure=帮助销售额", where(lambda r: r["measure"] == "帮助销售额")),
        ("actor=social", where(lambda r: r["actor"] == "social")),
        ("scope=running_total", where(lambda r: r["scope"] == "running_total")),
        ("level=province", where(lambda r: r["level"] == "province")),
        # A rate of 3900万元 per county has the same figure as the money.
        ("figure=3900万元", AT_3900_WAN | {"sichuan-rate-other"}),
        ("id~special", {"cangxi-special-fund"}),
        ("value>300000000", where(lambda r: r["value"] > 300_000_000)),
        ("value=79.5", {"wangcang-park-funds-share"}),
    ],
)
def test_filter_expression(cli: Cli, expression: str, expected: set[str]) -> None:
    assert ids(cli, "filter", expression) == expected


def test_filter_expression_oracle_sets() -> None:
    assert {
        "wangcang-puyang-donation-kindergarten",
        "cangxi-hall-compound-sales",
        "cangxi-hall-platform-sales",
        "wangcang-puyang-donation-media",
        "longquan-zhangfan-collective-income",
        "kangding-jiaren-donation",
        "wangcang-puyang-donation",
        "wangcang-shop-sales",
    } == BELOW_79_WAN
    assert where(lambda r: r["stage"] == "planned") == PLANNED
    assert where(lambda r: r["quote"] is not None and "校服" in r["quote"]) == UNIFORMS


def test_filter_not_equal_amount_with_money(cli: Cli) -> None:
    assert ids(cli, "filter", "amount_yuan!=3900万", "--money") == MONEY - AT_3900_WAN


def test_filter_expressions_are_anded(cli: Cli) -> None:
    big_fiscal = where(
        lambda r: r["category"] == "财政援助" and (r["amount_yuan"] or 0) >= 10_000_000
    )
    assert big_fiscal == {
        "cangxi-allocation-2021",
        "cangxi-factory-investment",
        "cangxi-special-fund",
        "chaotian-fiscal-funds",
        "kangding-allocation-2021",
        "kangding-funds-total",
        "kangding-support-funds",
        "shiqu-support-2024",
        "sichuan-fiscal-2016-2021",
        "sichuan-fiscal-2021",
        "wangcang-allocation-2021",
        "wangcang-furniture-city",
        "wangcang-park-funds",
        "wangcang-project-funds-2021",
    }
    assert ids(cli, "filter", "amount_yuan>=1000万", "category=财政援助") == big_fiscal
    assert ids(cli, "filter", "amount_yuan>=1000万", "category=财政援助", "part_of=null") == (
        big_fiscal - PART_OF_SET
    )
    assert ids(cli, "filter", "year!=2021", "year!=null") == where(
        lambda r: r["year"] not in (2021, None)
    )
    assert ids(cli, "filter", "quote~校服", "amount_yuan>=100万") == {"kangding-uniforms-donation"}


def test_filter_with_shared_filters(cli: Cli) -> None:
    assert ids(cli, "filter", "amount_yuan>=1000万", "category=财政援助", "--pair", "萧山") == {
        "kangding-allocation-2021",
        "kangding-funds-total",
        "kangding-support-funds",
        "wangcang-allocation-2021",
        "wangcang-furniture-city",
        "wangcang-park-funds",
        "wangcang-project-funds-2021",
    }
    assert ids(cli, "filter", "as_of<2022-01", "--pair", "萧山") == XIAOSHAN & where(
        lambda r: r["as_of"] < "2022-01-01"
    )
    assert ids(cli, "filter", "as_of<2017-12-31", "--pair", "萧山") == set()
    assert ids(cli, "filter", "unit=人", "--category", "人才交流", "--pair", "旺苍") == {
        "wangcang-professionals",
        "wangcang-teachers-doctors-to-xiaoshan",
    }
    assert ids(cli, "filter", "amount_yuan>0", "--stage", "pledged", "--in", "甘孜") == {
        "kangding-songrong-purchase",
        "kangding-tea-investment",
        "kangding-tea-investment-2023",
    }


def test_filter_without_expressions_is_a_usage_error(cli: Cli) -> None:
    usage_error(cli("filter", "--pair", "苍溪"))


def test_filter_sort_limit_columns(cli: Cli) -> None:
    result = cli(
        "filter",
        "category=财政援助",
        "amount_yuan>0",
        "--sort",
        "amount_yuan",
        "--desc",
        "--limit",
        "2",
        "--columns",
        "id,amount_yuan",
        "--csv",
    )
    assert csv_rows(result) == [
        ["id", "amount_yuan"],
        ["sichuan-fiscal-2016-2021", "5278800000"],  # 52.788亿元
        ["sichuan-fiscal-2021", "3300000000"],  # 33亿元
    ]


def test_filter_unknown_field_lists_valid_fields(cli: Cli) -> None:
    line = usage_error(cli("filter", "nosuch=1"))
    assert "nosuch" in line
    for field in ("amount_yuan", "pairing", "as_of", "category", "year", "stage", "measure"):
        assert field in line


@pytest.mark.parametrize(
    "expression",
    [
        "amount_yuan",
        "=3900万",
        "amount_yuan=>3900万",
        "amount_yuan>=3900万美元",
        "amount_yuan>abc",
        "amount_yuan>约3900万",
        "year=二〇二一年",
        "as_of<2021-13",
        "cumulative=maybe",
        "part_of>null",
        "pairing=北京",
    ],
)
def test_filter_bad_expression_exits_2(cli: Cli, expression: str) -> None:
    usage_error(cli("filter", expression))


def test_filter_value_containing_equals(cli: Cli, db_copy: DbCopy) -> None:
    result = ok(cli("filter", "quote~a=b", "--json"))
    assert json.loads(result.stdout) == []
    # The note works the per-county rates out as 10×6000万+38×5000万+20×3900万=32.8亿元.
    assert ids(cli, "filter", "note~20×3900万=32.8亿") == {"sichuan-fiscal-2021"}

    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-special-fund")["item"] = "x = y == z"

    db = str(db_copy(change))
    assert ids(cli, "filter", "item~x = y == z", "--db", db) == {"cangxi-special-fund"}
    assert ids(cli, "filter", "item=x = y == z", "--db", db) == {"cangxi-special-fund"}


def _by_count(test: Callable[[int], bool]) -> set[str]:
    return where(lambda r: test(len(r["sources"])))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param(
            "citations>1",
            _by_count(lambda n: n > 1),
        ),
        pytest.param(
            "citations=2",
            _by_count(lambda n: n == 2),
        ),
        pytest.param(
            "citations~Citation(",
            set(),
        ),
    ],
)
def test_filter_on_citations(cli: Cli, expression: str, expected: set[str]) -> None:
    """citations is a list in JSON and a count in CSV: a filter on it either compares that count
    (or the cited text), or is refused with a usage error; it never crashes or reads a repr."""
    assert _by_count(lambda n: n == 2) and _by_count(lambda n: n > 1)
    result = cli("filter", expression, "--json")
    if result.exit_code == 2:
        one_error_line(result)
        return
    assert ids(cli, "filter", expression) == expected


def test_filter_never_evaluates_python(cli: Cli) -> None:
    assert ids(cli, "filter", "item~__import__('os').system('false')") == set()
    usage_error(cli("filter", "__import__('os')=1"))


# ─── empty results ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--pair", "绿园"),
        ("list", "--in", "广元", "--pair", "杭州-广元"),
        ("list", "--min", "2000亿"),
        ("list", "--search", "没有"),
        ("list", "--as-of", "2017"),
        ("filter", "amount_yuan>2000亿"),
        ("filter", "quote~a=b"),
    ],
)
def test_empty_result(cli: Cli, args: tuple[str, ...]) -> None:
    assert ok(cli(*args, "--json")).stdout.strip() == "[]"
    assert json.loads(ok(cli(*args, "--format", "json")).stdout) == []
    assert ok(cli(*args, "--format", "jsonl")).stdout == ""
    csv_result = ok(cli(*args, "--csv"))
    assert csv_result.stdout_bytes == (",".join(RECORD_FIELDS) + "\r\n").encode()
    assert csv_rows(cli(*args, "--columns", "id,item", "--csv")) == [["id", "item"]]
    assert ok(cli(*args, "--csv", "--no-headers")).stdout == ""


# ─── robustness ───────────────────────────────────────────────────────────────────────────

_FIELDS = st.sampled_from(
    [*RECORD_FIELDS, "figure", "Amount_Yuan", "nosuch", "", "amount yuan", "as-of"]
)
_OPS = st.sampled_from(["=", "!=", ">", ">=", "<", "<=", "~", "==", "=>", "<>", "", " = "])
_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "3900万",
            "2.22亿",
            "1e400",
            "9" * 40,
            "-5",
            "null",
            "true",
            "2021-02-30",
            "June 2021",
            "2021年13月",
            "萧山",
            "北京",
            "nan",
            "inf",
            "0x10",
            "１２３",
            "½",
            "1,000.5元",
            "3900万余",
        ]
    ),
)
EXPRESSIONS = st.one_of(st.text(max_size=30), st.builds("{}{}{}".format, _FIELDS, _OPS, _VALUES))


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(EXPRESSIONS, min_size=1, max_size=3))
def test_filter_never_crashes(expressions: list[str]) -> None:
    runner = CliRunner()
    for fmt in ("--json", "--csv"):
        result = runner.invoke(app, ["filter", fmt, "--", *expressions], env=ENV)
        assert result.exit_code in (0, 2), (expressions, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        if result.exit_code == 0:
            assert result.stderr == ""
            if fmt == "--json":
                assert isinstance(json.loads(result.stdout), list)
        else:
            one_error_line(result)
