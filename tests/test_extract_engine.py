"""The engine, pattern by pattern, on sentences written here (issue 18, "It must get right")."""

from __future__ import annotations

from datetime import date

import pytest

from xiezuo_cli.extract import (
    SHEET_COLUMNS,
    Draft,
    PairingRef,
    PlaceRef,
    StaticLookup,
    extract,
    lookup_from_model,
    read_article,
)
from xiezuo_cli.model.vocab import CATEGORIES, STAGES

YUHANG = PlaceRef("330110", "杭州市余杭区", "余杭区", "余杭", "330110")
CANGXI = PlaceRef("510824", "广元市苍溪县", "苍溪县", "苍溪", "510824")
XIAOSHAN = PlaceRef("330109", "杭州市萧山区", "萧山区", "萧山", "330109")
WANGCANG = PlaceRef("510821", "广元市旺苍县", "旺苍县", "旺苍", "510821")
KANGDING = PlaceRef("513301", "甘孜藏族自治州康定市", "康定市", "康定", "513301")
YUHANG_CANGXI = PairingRef("yuhang-cangxi", "东西部协作", YUHANG, CANGXI, "2021-05")
XIAOSHAN_WANGCANG = PairingRef("xiaoshan-wangcang", "东西部协作", XIAOSHAN, WANGCANG, "2021")
XIAOSHAN_KANGDING = PairingRef("xiaoshan-kangding", "对口支援", XIAOSHAN, KANGDING, "2021-06")
PLACES = StaticLookup(
    (YUHANG, CANGXI, XIAOSHAN, WANGCANG, KANGDING),
    (YUHANG_CANGXI, XIAOSHAN_WANGCANG, XIAOSHAN_KANGDING),
)


def drafts(text: str, **options: object) -> list[Draft]:
    cleaned = read_article(text.encode("utf-8")).text
    return extract(cleaned, places=PLACES, **options)  # type: ignore[arg-type]


def one(text: str, **options: object) -> Draft:
    found = drafts(text, **options)
    assert len(found) == 1, [d.figure for d in found]
    return found[0]


# ─── numbers ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("sentence", "figure", "amount", "approx"),
    [
        ("余杭区向苍溪县投入协作资金3900万元。", "3900万元", 39_000_000, "exact"),
        ("引进企业投资2.22亿元。", "2.22亿元", 222_000_000, "exact"),
        ("协议投资1.1亿余元。", "1.1亿余元", 110_000_000, "at_least"),
        ("捐款捐物560余万元。", "560余万元", 5_600_000, "at_least"),
        ("采购农产品超1000万元。", "超1000万元", 10_000_000, "at_least"),
        ("投入资金近900万元。", "近900万元", 9_000_000, "about"),
        ("投资约6100万元。", "约6100万元", 61_000_000, "about"),
        ("社会捐赠不少于10万元。", "不少于10万元", 100_000, "at_least"),
        ("累计投入资金逾三十亿元。", "逾三十亿元", 3_000_000_000, "at_least"),
        ("拨付资金三千万元。", "三千万元", 30_000_000, "exact"),
        ("拨付资金一千二百万元。", "一千二百万元", 12_000_000, "exact"),
        ("采购2,150万元。", "2,150万元", 21_500_000, "exact"),
        ("拨付资金８６５０萬元。", "８６５０万元", 86_500_000, "exact"),
        ("捐赠物资价值10余万元。", "10余万元", 100_000, "at_least"),
        ("销售额1000万元以上。", "1000万元以上", 10_000_000, "at_least"),
        ("投资3000万建设厂房。", "3000万", 30_000_000, "exact"),
    ],
)
def test_money_as_articles_write_it(sentence: str, figure: str, amount: int, approx: str) -> None:
    draft = one(sentence)
    assert (draft.figure, draft.amount_yuan, draft.approx, draft.unit) == (
        figure,
        amount,
        approx,
        "元",
    )
    assert type(draft.amount_yuan) is int and draft.value == amount


@pytest.mark.parametrize(
    ("sentence", "figure", "value", "unit", "approx"),
    [
        ("选派专业技术人才三十五名。", "三十五名", 35, "人", "exact"),
        ("惠及学生万余名。", "万余名", 10_000, "人", "at_least"),
        ("培训干部1200人次。", "1200人次", 1200, "人次", "exact"),
        ("引进企业6家。", "6家", 6, "家", "exact"),
        ("共建产业园区面积14.7万平方米。", "14.7万平方米", 147_000, "平方米", "exact"),
        ("展厅面积超100平米。", "超100平米", 100, "平方米", "at_least"),
    ],
)
def test_counts(sentence: str, figure: str, value: int, unit: str, approx: str) -> None:
    draft = one(sentence)
    assert (draft.figure, draft.value, draft.unit, draft.approx) == (figure, value, unit, approx)
    assert draft.amount_yuan is None


# ─── what is not a figure ─────────────────────────────────────────────────────────────────


def test_years_dates_ordinals_phones_and_set_phrases_are_not_figures() -> None:
    text = (
        "2021年10月15日，第三届消费帮扶大会在杭州举行，会期3天。"
        "咨询电话：0571-86543210，邮编311200。"
        "两地千家万户受益，一个平台、四条主线、五张名片都已建成，“十四五”开局良好。"
        "投入资金500万元。"
    )
    assert [d.figure for d in drafts(text)] == ["500万元"]


def test_a_growth_clause_is_the_change_of_the_figure_before_it() -> None:
    found = drafts("投入资金500万元，实现产值3.6亿元，同比增长28%；医疗队手术量同比提升35%。")
    assert [(d.figure, d.category, d.rate) for d in found][2:] == [
        ("28%", "成效", True),  # the 产值's growth
        ("35%", "人才交流", True),  # its own clause names what grew
    ]


def test_a_person_introduced_is_no_count() -> None:
    assert [d.figure for d in drafts("一位茶农说，今年选派一名干部，投入资金300万元。")] == [
        "一名",
        "300万元",
    ]


def test_percentages_and_growth_are_rates_never_money() -> None:
    found = drafts("采购额1500万元，同比增长12.5%，占全部采购的百分之三十。")
    assert [(d.figure, d.unit, d.amount_yuan, d.rate) for d in found] == [
        ("1500万元", "元", 15_000_000, False),
        ("12.5%", "%", None, True),
        ("百分之三十", "%", None, True),
    ]
    assert [d.measure for d in found[1:]] == ["增长率", "占比"]
    assert not found[1].difference  # a growth rate is a rate, not a difference


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("确定孤儿教育补助标准，即每生每年小学1200元、中学1500元。", 1200, "元/人·年"),
        ("对每个结对村每年安排帮扶资金不少于10万元。", 100_000, "元/村·年"),
        ("每亩土地流转租金800元。", 800, "元/亩"),
        ("带动农户增收，户均年增收约8000元。", 8000, "元/户·年"),
        ("预计带动每个项目村年增收不少于5万元。", 50_000, "元/村·年"),
    ],
)
def test_per_unit_standards_are_rates_never_amounts(sentence: str, value: int, unit: str) -> None:
    draft = drafts(sentence)[0]
    assert (draft.value, draft.unit, draft.amount_yuan, draft.rate) == (value, unit, None, True)
    assert not draft.cumulative


# ─── structure ────────────────────────────────────────────────────────────────────────────


def test_qizhong_makes_parts_of_the_figure_before_it() -> None:
    found = drafts(
        "全年投入资金5860万元，较上年增加420万元，其中产业项目3900万元、乡村建设1180万元；"
        "引进企业12家，其中制造业企业5家。"
    )
    by_figure = {d.figure: d for d in found}
    whole = by_figure["5860万元"]
    assert by_figure["3900万元"].part_of == whole.id
    assert by_figure["1180万元"].part_of == whole.id
    assert by_figure["5家"].part_of == by_figure["12家"].id
    assert by_figure["420万元"].part_of is None and by_figure["12家"].part_of is None
    assert by_figure["420万元"].difference and by_figure["420万元"].measure.endswith("增减")


def test_qizhong_opening_the_next_sentence_refers_back() -> None:
    first, second, third = drafts(
        "今年投入协作资金4560万元。其中，产业资金2900万元，民生资金1200万元。"
    )
    assert (second.part_of, third.part_of) == (first.id, first.id)


def test_a_part_larger_than_the_figure_before_is_not_in_it() -> None:
    found = drafts("拨付援建资金1200万元，支持项目14个；其中产业项目9个，完成投资约2800万元。")
    by_figure = {d.figure: d for d in found}
    assert by_figure["9个"].part_of == by_figure["14个"].id
    assert by_figure["约2800万元"].part_of is None


def test_running_totals_with_their_period() -> None:
    found = drafts(
        "截至2023年11月底，余杭区与苍溪县结对以来累计投入协作资金1.56亿元。\n\n"
        "2021年6月，萧山与康定市建立对口支援结对关系，累计投入资金5939万元。\n\n"
        "今年以来，余杭区帮助苍溪县转移就业3860人。",
        published="2023-12-28",
    )
    assert [(d.cumulative, d.period) for d in found] == [
        (True, "2021-05..2023-11"),  # from the pairing's start (结对以来) to the 截至 date
        (True, "2021-06..2023-12"),  # from the date the pairing began to the article's month
        (True, "2023"),  # 今年以来 in an article of December: the year so far
    ]


@pytest.mark.parametrize(
    ("sentence", "stage"),
    [
        ("计划投入资金5000万元。", "planned"),
        ("明年将投入资金5000万元。", "planned"),
        ("力争采购农产品不低于2500万元。", "planned"),
        ("预计年产值可达3亿元。", "forecast"),
        ("新签约项目5个，协议投资额约6100万元。", "pledged"),
        ("签订合作协议，总投资10亿元。", "pledged"),
        ("每年安排帮扶资金1500万元。", "allocated"),
        ("已完成投资2亿元。", "actual"),
        ("将汗水挥洒在一线，投入资金300万元。", "actual"),  # 将 as the object marker
        ("两地签订劳务协议，鄞州区今年吸纳就业2100人。", "actual"),  # a new subject
        ("占全年计划的百分之七十二。", "actual"),  # 计划 as a noun
    ],
)
def test_stage_from_the_words(sentence: str, stage: str) -> None:
    assert drafts(sentence)[-1].stage == stage


@pytest.mark.parametrize(
    ("text", "published", "period"),
    [
        ("2022年投入资金300万元。", None, "2022"),
        ("今年投入资金300万元。", "2023-11-10", "2023"),
        ("去年投入资金300万元。", "2024-01-20", "2023"),
        ("今年上半年投入资金300万元。", "2023-09-20", "2023-01..2023-06"),
        ("1至5月，采购农产品300万元。", "2024-06-15", "2024-01..2024-05"),
        ("2021年至2023年投入资金300万元。", None, "2021..2023"),
        ("去年10月，专卖店开业。开业10天零售额达38万元。", "2022-02-10", "2021"),
        ("投入资金300万元，计划于今年10月投产。", "2024-06-15", None),
        ("全年投入资金300万元，较上年增加20万元。", "2023-12-28", "2023"),
        ("今年1至11月实现产值3.6亿元。", "2024-12-20", "2024-01..2024-11"),
        ("2024年1-9月，采购农产品300万元。", None, "2024-01..2024-09"),
        ("10月，采购农产品300万元。", "2022-02-10", "2021-10"),
    ],
)
def test_period_from_the_sentence_or_paragraph(
    text: str, published: str | None, period: str | None
) -> None:
    found = drafts(text, published=published)
    assert found[0].period == period


def test_today_without_a_date_is_said() -> None:
    draft = one("今年投入资金300万元。")
    assert draft.period is None and "发稿日期" in (draft.note or "")
    assert "period" in draft.guessed


def test_published_may_be_a_date() -> None:
    assert one("今年投入资金300万元。", published=date(2023, 5, 1)).period == "2023"


# ─── category and measure ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("sentence", "category", "measure"),
    [
        ("拨付东西部协作专项资金3900万元。", "财政援助", "协作资金"),
        ("财政捐赠资金200万元。", "财政援助", "财政捐赠"),
        ("爱心企业捐款捐物折合560万元。", "社会帮扶", "捐款捐物"),
        ("机关单位采购农特产品2150万元。", "消费帮扶", "采购额"),
        ("帮助销售农产品8000万元。", "消费帮扶", "帮助销售额"),
        ("引进6家企业投资3.18亿元。", "产业合作", "投资额"),
        ("企业实际到位资金2.35亿元。", "产业合作", "到位资金"),
        ("上半年到位财政援助资金8650万元。", "财政援助", "协作资金"),
        ("帮助农村劳动力转移就业3860人。", "劳务协作", "就业人数"),
        ("选派党政干部6名。", "人才交流", "人数"),
        ("两地结对学校15所。", "携手促振兴", "结对数"),
        ("预计年利税1955万元。", "成效", "税收"),
        ("为薄弱村返利3680万元。", "成效", "返利"),
    ],
)
def test_category_and_measure_from_the_words(sentence: str, category: str, measure: str) -> None:
    draft = drafts(sentence)[-1]
    assert (draft.category, draft.measure) == (category, measure)
    assert draft.category in CATEGORIES and draft.stage in STAGES


# ─── pairing ──────────────────────────────────────────────────────────────────────────────


def test_pair_given_is_every_figure_s() -> None:
    draft = one("投入资金300万元。", pair=XIAOSHAN_KANGDING)
    assert (draft.pairing, draft.provider, draft.receiver, draft.kind) == (
        "xiaoshan-kangding",
        "杭州市萧山区",
        "甘孜藏族自治州康定市",
        "对口支援",
    )
    assert "pairing" not in draft.guessed


def test_each_paragraph_s_places_choose_its_pairing_and_otherwise_it_says_so() -> None:
    found = drafts(
        "萧山区向旺苍县拨付资金6120万元。\n\n"
        "对口支援方面，萧山区向康定市投入资金4800万元。\n\n"
        "萧山区慈善总会募集款物1860万元。"
    )
    assert [d.pairing for d in found] == ["xiaoshan-wangcang", "xiaoshan-kangding", None]
    assert "无法判断结对" in (found[2].note or "") and "pairing" in found[2].guessed


def test_a_pairing_not_in_the_database_is_drafted_from_its_places() -> None:
    yinzhou = PlaceRef("330212", "宁波市鄞州区", "鄞州区", "鄞州", "330212")
    puan = PlaceRef("522323", "黔西南布依族苗族自治州普安县", "普安县", "普安", "522323")
    lookup = StaticLookup((yinzhou, puan), ())
    text = read_article("鄞州区向普安县拨付东西部协作资金3250万元。\n".encode()).text
    (draft,) = extract(text, places=lookup)
    assert (draft.pairing, draft.provider, draft.receiver, draft.kind) == (
        None,
        "宁波市鄞州区",
        "黔西南布依族苗族自治州普安县",
        "东西部协作",
    )


def test_lookup_from_model_reads_a_loaded_database() -> None:
    from xiezuo_cli.storage import dataset

    database = dataset.load(dataset.bundled_path())
    lookup = lookup_from_model(database.places.values(), database.pairings.values())
    assert any(p.id == "yuhang-cangxi" for p in lookup.pairings())
    text = read_article("余杭区向苍溪县投入资金300万元。\n".encode()).text
    assert extract(text, places=lookup)[0].pairing == "yuhang-cangxi"


# ─── the row ──────────────────────────────────────────────────────────────────────────────


def test_the_row_is_the_sheet_s_columns_and_the_quote_is_the_sentence() -> None:
    text = "标题\n\n截至目前，余杭区向苍溪县投入专项资金3900万元、财政捐赠资金200万元。另有数据。\n"
    found = drafts(text, source="yuhang-cangxi-2021-11-17", published="2021-11-17")
    row = found[1].row()
    assert tuple(row) == SHEET_COLUMNS
    assert row["quote"] == "截至目前，余杭区向苍溪县投入专项资金3900万元、财政捐赠资金200万元。"
    assert row["quote"] in text and row["figure"] in row["quote"]
    assert row["source"] == "yuhang-cangxi-2021-11-17"
    assert [d.id for d in found] == ["yuhang-cangxi-2021-11-17-1", "yuhang-cangxi-2021-11-17-2"]
    quote = found[1].quote
    assert quote[found[1].start : found[1].end] == "200万元"
    assert (row["amount_yuan"], row["value"], row["unit"]) == (2_000_000, 2_000_000, "元")
