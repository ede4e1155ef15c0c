"""The bundled data: every figure traceable to its sentence, and totals that count nothing twice."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import pytest
from conftest import BUNDLED, DATA, ROOT

from xiezuo_cli import dataset
from xiezuo_cli.amounts import parse_quantity
from xiezuo_cli.model import CATEGORIES, RECORD_FIELDS

DATA_SET = dataset.load(BUNDLED)
RECORDS = DATA_SET.records


def cleaned_text(source_id: str) -> str:
    return (DATA / DATA_SET.sources[source_id].text_file).read_text(encoding="utf-8")


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_quote_is_verbatim_in_its_cleaned_source(record) -> None:
    assert record.quote in cleaned_text(record.source)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_quote_is_a_whole_sentence(record) -> None:
    text = cleaned_text(record.source)
    start = text.index(record.quote)
    before = text[start - 1] if start else "\n"
    assert before in "\n。！？”", f"quote starts mid-sentence after {before!r}"
    assert re.search(r"[。！？…][”’]*$", record.quote), "quote does not end a sentence"


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_figure_is_in_the_quote_and_gives_the_number(record) -> None:
    assert record.figure in record.quote
    quantity = parse_quantity(record.figure)
    assert quantity.value == record.value
    if record.is_money:
        assert record.amount_yuan == quantity.value and isinstance(record.amount_yuan, int)
    if record.approx != "about":  # 万亩 is marked 'about' by hand: a round name, not a count
        assert quantity.approx == record.approx


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_number_of_the_record_appears_in_its_quote(record) -> None:
    """The digits of value (or of its 万/亿 form) stand in the quote, or its Chinese numeral."""
    value = record.value
    forms = {str(value)}
    if isinstance(value, int):
        for divisor in (10**4, 10**8):
            if value % (divisor // 100) == 0 and value >= divisor // 10:
                shown = f"{value / divisor:.2f}".rstrip("0").rstrip(".")
                unit = "万" if divisor == 10**4 else "亿"
                forms |= {shown + unit, shown + "余" + unit}  # 3900万, 100余万
        forms |= {"万" if value == 10000 else "", {2: "两", 3: "三", 6: "六"}.get(value, "")}
    forms.discard("")
    assert any(form in record.quote for form in forms), (forms, record.quote)


def test_cleaned_sources_have_no_pinyin_glosses_or_traditional_leftovers() -> None:
    text = cleaned_text("xiaoshan-2022-02-10")
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", text)
    for traditional in "蕭區協對發東萬億產會":
        assert traditional not in text
    assert "?" not in text and "\ufffd" not in text


def test_every_pairing_of_the_articles_is_there() -> None:
    pairs = {
        (p.provider.name, p.receiver.name, p.kind, p.since) for p in DATA_SET.pairings.values()
    }
    assert pairs == {
        ("杭州市余杭区", "广元市苍溪县", "东西部协作", "2021-05"),
        ("杭州市萧山区", "广元市旺苍县", "东西部协作", "2021"),
        ("杭州市萧山区", "甘孜藏族自治州康定市", "对口支援", "2021-06"),
        ("杭州市萧山区", "丽水市龙泉市", "山海协作", "2012"),
        ("杭州市萧山区", "长春市绿园区", "对口合作", None),
        ("杭州市萧山区", "长春市公主岭市", "对口合作", "2021"),
    }


def test_records_per_pairing() -> None:
    assert Counter(record.pairing for record in RECORDS) == {
        "yuhang-cangxi": 30,
        "xiaoshan-wangcang": 17,
        "xiaoshan-kangding": 16,
        "xiaoshan-longquan": 9,
    }


FISCAL_TOTALS = {
    "yuhang-cangxi": 39_000_000 + 2_000_000,  # 专项资金 + 财政捐赠; the projects are inside
    "xiaoshan-wangcang": 39_780_000,  # 园区共建资金; the 2000万 furniture city is inside it
    "xiaoshan-kangding": 59_390_000,
    "xiaoshan-longquan": 9_600_000,
}


@pytest.mark.parametrize(("pairing", "total"), FISCAL_TOTALS.items())
def test_fiscal_total_counts_nothing_twice(pairing: str, total: int) -> None:
    summed = sum(
        r.amount_yuan
        for r in DATA_SET.records_of(pairing)
        if r.category == "财政援助" and r.part_of is None and r.amount_yuan is not None
    )
    assert summed == total


def test_part_of_decisions() -> None:
    parts = {r.id: r.part_of for r in RECORDS if r.part_of}
    assert parts == {
        "cangxi-factory-investment": "cangxi-special-fund",
        "cangxi-agriculture-investment": "cangxi-special-fund",
        "cangxi-lingjiang-investment": "cangxi-special-fund",
        "cangxi-disability-aids-funds": "cangxi-special-fund",
        "cangxi-medical-equipment": "cangxi-social-funds",
        "wangcang-furniture-city": "wangcang-park-funds",
    }
    for record_id in parts:
        assert DATA_SET.record(record_id).note, f"{record_id}: a part_of decision needs a note"


def test_approximate_figures_are_marked() -> None:
    marked = {r.id: r.approx for r in RECORDS if r.approx != "exact"}
    assert marked == {
        "cangxi-products-shown": "at_least",  # 20余种
        "cangxi-medical-equipment": "at_least",  # 100余万元
        "cangxi-disabled-people-helped": "at_least",  # 1500余人
        "kangding-tea-base-area": "about",  # 万亩
        "kangding-students-benefited": "at_least",  # 万余名
        "wangcang-shop-area": "at_least",  # 100余平方米
        "wangcang-donations": "at_least",  # 860余万元
        "longquan-consumption": "at_least",  # 超1000万元
    }


def test_rates_are_not_money() -> None:
    rates = [r for r in RECORDS if "/" in r.unit or r.unit == "%"]
    assert {r.id for r in rates} == {
        "cangxi-orphan-grant-primary",
        "cangxi-orphan-grant-middle",
        "cangxi-orphan-grant-high",
        "wangcang-park-funds-share",
    }
    assert all(r.amount_yuan is None for r in rates)


def test_records_use_known_categories_and_contract_fields() -> None:
    raw = json.loads(BUNDLED.read_text(encoding="utf-8"))
    for document in raw["record"].values():
        assert tuple(document)[: len(RECORD_FIELDS)] == RECORD_FIELDS
        assert document["category"] in CATEGORIES


def test_database_file_is_readable_utf8_not_escapes() -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    assert "\\u" not in text and "苍溪" in text


@pytest.mark.parametrize("script", ["clean_sources.py", "build_db.py"])
def test_committed_files_are_what_the_scripts_make(script: str) -> None:
    """Editing records.yaml or a raw source without rebuilding fails here."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
