"""`report`, `pairs`, `show` and `cite`: exact rows, sections and exit codes.

Expected values are literals checked by hand against data/*.yaml and data/sources/*.txt, or are
computed here from those files (record ids, citations, sources, titles); xiezuo's loader is not
used to compute them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import yaml
from conftest import DATA, one_error_line
from contract import CONTRACT as RECORD_FIELDS
from typer.testing import Result

Invoke = Callable[..., Result]
Row = dict[str, Any]

SOURCE_COLUMNS = ("source_title", "source_publisher", "source_author", "source_published")
CITE_COLUMNS = (*RECORD_FIELDS, "citation_note", *SOURCE_COLUMNS, "source_url")
PAIRS_COLUMNS = (
    "id",
    "kind",
    "level",
    "provider",
    "provider_code",
    "receiver",
    "receiver_code",
    "since",
    "records",
    "fiscal_aid_yuan",
    "fiscal_aid_at_least",
    "fiscal_aid_about",
    "fiscal_aid_measure",
    "fiscal_aid_period_start",
    "fiscal_aid_period_end",
    "fiscal_aid_derived",
)
SOURCE_FIELDS = (
    "id",
    "title",
    "publisher",
    "author",
    "published",
    "published_inferred",
    "url",
    "reprint_of",
    "excerpt_only",
    "text_held",
)
CATEGORIES = (
    "财政援助",
    "社会帮扶",
    "消费帮扶",
    "产业合作",
    "劳务协作",
    "人才交流",
    "携手促振兴",
    "成效",
)
CANGXI_SOURCE = "余杭·苍溪：共铸发展蓝图 携手梦圆小康"
XIAOSHAN_SOURCE = "两会特别报道 | 对口协作促发展 携手同进谋共富"
BAR_CHARS = "█▏▎▍▌▋▊▉"
AID_LABEL = "帮扶资金合计"


def subtotal(measure: str) -> str:
    return f"小计（{measure}；不重复计算）"


# ─── the raw data, read without xiezuo ─────────────────────────────────────────────────────


def _load_yaml(name: str) -> Any:
    with open(DATA / name, encoding="utf-8") as file:
        return yaml.safe_load(file)


RAW_RECORDS: list[dict[str, Any]] = [
    *_load_yaml("records.yaml"),
    *_load_yaml("records-facts.yaml"),
]
RAW = {raw["id"]: raw for raw in RAW_RECORDS}
PAIRINGS = {p["id"]: p for p in _load_yaml("pairings.yaml")}  # file order is pairs' order
PLACES = {p["id"]: p for p in _load_yaml("places.yaml")}
SOURCES = {s["id"]: s for s in [*_load_yaml("sources.yaml"), *_load_yaml("sources-facts.yaml")]}
FURTHER_CITATIONS = _load_yaml("citations-facts.yaml")


def cited_sources(record_id: str) -> list[str]:
    """A record's sources in citation order: its own, then citations-facts.yaml's."""
    own = [c["source"] for c in RAW[record_id]["citations"]]
    return own + [c["source"] for c in FURTHER_CITATIONS if c["record"] == record_id]


def ids_of(pairing: str) -> list[str]:
    return [raw["id"] for raw in RAW_RECORDS if raw["pairing"] == pairing]


def in_category_order(ids: Iterable[str]) -> list[str]:
    return sorted(ids, key=lambda i: (CATEGORIES.index(RAW[i]["category"]), i))


def title_of(pairing_id: str) -> str:
    pairing = PAIRINGS[pairing_id]
    provider, receiver = PLACES[pairing["provider"]], PLACES[pairing["receiver"]]
    return (
        f"{provider['short']}→{receiver['short']} · {pairing['kind']}："
        f"{provider['full_name']} → {receiver['full_name']}"
    )


def caption_of(record_ids: Iterable[str]) -> str:
    sources = dict.fromkeys(s for i in record_ids for s in cited_sources(i))
    return "来源：" + "；".join(
        f"{title or '（无标题）'}（{publisher}，{published}）"
        for title, publisher, published in (
            (SOURCES[s]["title"], SOURCES[s]["publisher"], SOURCES[s]["published"]) for s in sources
        )
    )


def period_key(raw: dict[str, Any]) -> int | str | None:
    """The year of a record's period, else its span (2021–2024), else None (no period)."""
    if not raw.get("period"):
        return None
    start, end = (None if v is None else str(v) for v in raw["period"])
    if start and end and start[:4] == end[:4]:
        return int(start[:4])
    return f"{start[:4] if start else '…'}–{end[:4] if end else '…'}"


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def json_out(cli: Invoke, *args: str) -> Any:
    return json.loads(ok(cli(*args)))


def export(cli: Invoke) -> list[Row]:
    """The exported records with the record contract's fields (export also carries figure)."""
    rows = json_out(cli, "export", "--format", "json")
    return [{k: v for k, v in row.items() if k != "figure"} for row in rows]


def cells(line: str) -> list[str]:
    return line.split()


def rows_starting(text: str, *first: str) -> list[list[str]]:
    return [cells(line) for line in text.splitlines() if cells(line)[: len(first)] == list(first)]


def subtotals(text: str, category: str) -> list[list[str]]:
    """The 小计 rows of one category in a report table."""
    return [row for row in rows_starting(text, category) if row[1].startswith("小计（")]


def sections(text: str) -> list[list[str]]:
    """A report's tables, as the list of lines from each title to its 来源 caption."""
    out: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if current is None and line.strip():
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith("来源："):
                out.append(current)
                current = None
    return out


def bar_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(ch in line for ch in BAR_CHARS)]


# ─── report ───────────────────────────────────────────────────────────────────────────────

WITH_RECORDS = [p for p in PAIRINGS if ids_of(p)]


def test_report_per_pairing_table(cli: Invoke) -> None:
    text = ok(cli("report", "--per", "pairing", "--format", "table"))
    found = sections(text)
    assert [section[0] for section in found] == [title_of(p) for p in WITH_RECORDS]
    assert [section[0] for section in found[:4]] == [
        "余杭→苍溪 · 东西部协作：杭州市余杭区 → 广元市苍溪县",
        "萧山→旺苍 · 东西部协作：杭州市萧山区 → 广元市旺苍县",
        "萧山→康定 · 对口支援：杭州市萧山区 → 甘孜藏族自治州康定市",
        "萧山→龙泉 · 山海协作：杭州市萧山区 → 丽水市龙泉市",
    ]
    assert len(found) == 13  # the 16 pairings less 绿园, 公主岭 and 杭州→广元, which have none
    captions = [section[-1] for section in found]
    assert captions == [caption_of(in_category_order(ids_of(p))) for p in WITH_RECORDS]
    assert captions[0].startswith(
        f"来源：{CANGXI_SOURCE}（广元市农业农村局（农民网转载），2021-11-17）；"
        "余杭、苍溪携手共进 跃上东西部协作新台阶（中新网四川（中新社四川分社），2021-11-17）"
    )
    assert f"{XIAOSHAN_SOURCE}（萧山日报，2022-02-10）" in captions[1]
    # one 小计 per category and measure family (and level, stage) with counted money: the 22
    # rows of `funds` (浙川's 2016–2021-06 running total and its 2021 figure are two)
    assert text.count("小计（") == 22

    by_title = {section[0]: "\n".join(section) for section in found}
    cangxi = by_title[title_of("yuhang-cangxi")]
    assert rows_starting(cangxi, "财政援助", subtotal("财政资金")) == [
        ["财政援助", subtotal("财政资金"), "4,100.0", "万元", "实际", "2", "笔"]
    ]
    assert rows_starting(cangxi, "社会帮扶", subtotal("捐款捐物"))[0][2] == "251.0"
    assert rows_starting(cangxi, "消费帮扶", subtotal("帮助销售额"))[0][2:] == [
        "≥8,280.0", "万元", "实际", "2", "笔",
    ]  # fmt: skip
    assert rows_starting(cangxi, "消费帮扶", subtotal("采购额"))[0][2:] == [
        "1,085.0",
        "万元",
        "实际",
        "1",
        "笔",
    ]
    assert rows_starting(cangxi, "产业合作", subtotal("投资额"))[0][2] == "31,800.0"
    wangcang = by_title[title_of("xiaoshan-wangcang")]
    assert rows_starting(wangcang, "财政援助", subtotal("财政资金"))[0][2:] == [
        "推算5,204.0", "万元", "实际", "2", "笔",
    ]  # fmt: skip
    assert rows_starting(wangcang, "社会帮扶", subtotal("捐款捐物"))[0][2] == "≥887.5"
    kangding = by_title[title_of("xiaoshan-kangding")]
    assert [row[:3] for row in rows_starting(kangding, "财政援助", subtotal("各类帮扶资金"))] == [
        ["财政援助", subtotal("各类帮扶资金"), "约18,000"]
    ]
    # its donations are inside the 近1.8亿, its tea investment pledged: no other 小计
    assert kangding.count("小计（") == 1
    assert subtotals(kangding, "社会帮扶") == subtotals(kangding, "产业合作") == []
    longquan = by_title[title_of("xiaoshan-longquan")]
    assert rows_starting(longquan, "消费帮扶", subtotal("采购额（全部结对地区）"))[0][2] == "≥1,000"
    assert rows_starting(longquan, "成效")  # outcomes are listed, with no 小计
    assert subtotals(longquan, "成效") == []
    sichuan = by_title[title_of("zhejiang-sichuan")]
    # the running total and the 2021 figure overlap in 2021: two 小计, never 857,880
    assert "857,880" not in sichuan
    assert (
        rows_starting(sichuan, "财政援助", "小计（财政资金，省级；不重复计算）")[0][2] == "330,000"
    )
    (running,) = [line for line in sichuan.splitlines() if "2016–2021-06累计数" in line]
    assert "527,880" in running
    changchun = by_title[title_of("hangzhou-changchun")]
    assert (
        rows_starting(changchun, "产业合作", "小计（投资额，市级；不重复计算）")[0][2] == "100,000"
    )
    # every record of the pairing is in its table
    for pairing in WITH_RECORDS:
        body = by_title[title_of(pairing)]
        missing = [record_id for record_id in ids_of(pairing) if record_id not in body]
        assert missing == [], pairing


def test_report_default_per_is_pairing(cli: Invoke) -> None:
    assert ok(cli("report", "--format", "table")) == ok(
        cli("report", "--per", "pairing", "--format", "table")
    )
    assert ok(cli("report", "--csv")) == ok(cli("report", "--per", "pairing", "--csv"))


def _year_title(key: int | str | None) -> str:
    if key is None:
        return "未注明期间"
    return f"{key}年" if isinstance(key, int) else f"{key}年（跨年，不拆分）"


def test_report_per_year_table(cli: Invoke) -> None:
    text = ok(cli("report", "--per", "year", "--format", "table"))
    found = sections(text)
    keys = sorted({period_key(raw) for raw in RAW_RECORDS}, key=lambda k: (k is None, str(k or "")))
    assert [section[0] for section in found] == [_year_title(key) for key in keys]
    assert [section[0] for section in found] == [
        "2012–2017年（跨年，不拆分）",
        "2012–2022年（跨年，不拆分）",
        "2016–2021年（跨年，不拆分）",
        "2017年",
        "2017–2026年（跨年，不拆分）",
        "2018年",
        "2018–2024年（跨年，不拆分）",
        "2021年",
        "2021–2022年（跨年，不拆分）",
        "2021–2023年（跨年，不拆分）",
        "2021–2024年（跨年，不拆分）",
        "2022年",
        "2022–2024年（跨年，不拆分）",
        "2023年",
        "2024年",
        "2025年",
        "…–2017年（跨年，不拆分）",
        "…–2018年（跨年，不拆分）",
        "…–2020年（跨年，不拆分）",
        "…–2022年（跨年，不拆分）",
        "…–2023年（跨年，不拆分）",
        "…–2024年（跨年，不拆分）",
        "…–2026年（跨年，不拆分）",
        "未注明期间",
    ]
    by_title = {section[0]: "\n".join(section) for section in found}
    year_2021 = by_title["2021年"]
    # 苍溪 3900万 + 200万, 旺苍 约5004万 (county); 浙川 33亿 (province) apart
    assert rows_starting(year_2021, "财政援助", subtotal("财政资金"))[0][2] == "推算9,104.0"
    assert rows_starting(year_2021, "财政援助", "小计（财政资金，省级；不重复计算）")[0][2] == (
        "330,000.0"
    )
    assert rows_starting(year_2021, "产业合作", subtotal("投资额"))[0][2] == "31,800.0"
    assert rows_starting(year_2021, "社会帮扶", subtotal("捐款捐物"))[0][2] == "≥1,111.0"
    assert CANGXI_SOURCE in found[7][-1] and XIAOSHAN_SOURCE in found[7][-1]
    assert "wangcang-digital-platform-modules" in year_2021
    assert "kangding-tea-investment " in year_2021  # 2.22亿 (pledged): 2021, no 小计
    assert "kangding-tea-investment-2023" in by_title["2021–2023年（跨年，不拆分）"]
    # 康定's 5939万 (2021-06 to 2022-02) is inside the 近1.8亿 of 2021–2024: no 小计 of its own
    spring = by_title["2021–2022年（跨年，不拆分）"]
    assert "kangding-support-funds" in spring and subtotals(spring, "财政援助") == []
    assert (
        rows_starting(
            by_title["2021–2024年（跨年，不拆分）"], "财政援助", subtotal("各类帮扶资金")
        )[0][2]
        == "约18,000"
    )
    open_start = by_title["…–2022年（跨年，不拆分）"]
    assert rows_starting(open_start, "财政援助", subtotal("财政资金"))[0][2] == "960"
    assert "longquan-zhangfan-funds" in open_start
    undated = by_title["未注明期间"]
    assert rows_starting(undated, "产业合作", "小计（投资额，市级；不重复计算）")[0][2] == "100,000"
    assert "kangding-tea-taxes" in undated and "changchun-transfar-investment" in undated


def _report_order(records: Iterable[Row], key: Callable[[Row], Any]) -> list[str]:
    return [
        r["id"]
        for r in sorted(records, key=lambda r: (key(r), CATEGORIES.index(r["category"]), r["id"]))
    ]


def test_report_machine_output_is_records_in_report_order(cli: Invoke) -> None:
    records = export(cli)
    pairings = list(PAIRINGS)
    rows = json_out(cli, "report", "--json")
    assert all(list(row) == list(RECORD_FIELDS) for row in rows)
    assert [r["id"] for r in rows] == _report_order(records, lambda r: pairings.index(r["pairing"]))
    by_id = {r["id"]: r for r in records}
    assert all(row == by_id[row["id"]] for row in rows)
    assert len(rows) == len(RAW_RECORDS) == 191
    assert all(isinstance(row["citations"], list) for row in rows)

    def year_key(record: Row) -> tuple[bool, str]:
        key = period_key(RAW[record["id"]])
        return key is None, str(key or "")

    rows = json_out(cli, "report", "--per", "year", "--json")
    assert [r["id"] for r in rows] == _report_order(records, year_key)

    csv_rows = list(csv.DictReader(io.StringIO(ok(cli("report", "--pair", "旺苍", "--csv")))))
    assert tuple(csv_rows[0]) == RECORD_FIELDS
    assert [r["id"] for r in csv_rows] == in_category_order(ids_of("xiaoshan-wangcang"))
    assert csv_rows[0]["id"] == "wangcang-allocation-2021"
    assert csv_rows[0]["amount_yuan"] == "50000000"
    assert csv_rows[0]["stage"] == "allocated"
    assert {r["citations"] for r in csv_rows} == {"1"}  # a count in CSV

    cangxi = {
        r["id"]: r
        for r in csv.DictReader(io.StringIO(ok(cli("report", "--pair", "苍溪", "--csv"))))
    }
    assert cangxi["cangxi-special-fund"]["citations"] == "2"
    assert cangxi["cangxi-special-fund"]["source"] == "yuhang-cangxi-2021-11-17"


def test_report_filters_and_empty(cli: Invoke) -> None:
    rows = json_out(cli, "report", "--pair", "苍溪", "--category", "财政援助", "--json")
    assert [r["id"] for r in rows] == [
        "cangxi-agriculture-investment",
        "cangxi-allocation-2021",
        "cangxi-disability-aids-funds",
        "cangxi-factory-investment",
        "cangxi-fiscal-donation",
        "cangxi-lingjiang-investment",
        "cangxi-special-fund",
    ]
    assert json_out(cli, "report", "--pair", "绿园", "--json") == []
    result = cli("report", "--pair", "绿园", "--csv")
    assert (result.exit_code, result.stdout_bytes) == (
        0,
        ",".join(RECORD_FIELDS).encode() + b"\r\n",
    )
    # no match: the header row and a count line, as for list, funds, pairs and show's sections
    lines = ok(cli("report", "--pair", "绿园", "--format", "table")).strip().splitlines()
    assert lines[0].split() == ["类别", "事项", "数值", "单位", "阶段", "年份", "编号", "备注"]
    assert set(lines[1]) == {"─"}
    # an empty answer says why
    assert lines[2:] == ["0 条记录", "没有匹配的记录：所选结对（萧山→绿园）还没有任何记录。"]


@pytest.mark.parametrize("value", ["bogus", "category", "Year "])
def test_report_per_bogus_is_a_usage_error(cli: Invoke, value: str) -> None:
    result = cli("report", "--per", value)
    assert result.exit_code == 2
    line = one_error_line(result)
    assert line.startswith("xiezuo: error: invalid --per ")
    assert "pairing" in line and "year" in line
    assert result.stdout == ""


def test_report_chart(cli: Invoke) -> None:
    text = ok(cli("report", "--pair", "苍溪", "--chart", "--format", "table"))
    assert "█" in text
    bars = bar_lines(text)
    assert [line.split()[0] for line in bars] == [
        "财政援助",
        "社会帮扶",
        "消费帮扶",
        "消费帮扶",
        "产业合作",
    ]
    assert [line.split()[-1] for line in bars] == ["4,100", "251", "≥8,280", "1,085", "31,800"]
    assert bars[4].count("█") == 40
    text = ok(cli("report", "--chart", "--format", "table"))
    assert text.count("█") > 40
    assert ok(cli("report", "--chart", "--csv")) == ok(cli("report", "--csv"))


def test_report_chart_labels_tell_every_bar_apart(cli: Invoke) -> None:
    text = ok(cli("report", "--pair", "苍溪", "--chart", "--format", "table"))
    labels = []
    for line in bar_lines(text):
        first = min(line.index(ch) for ch in BAR_CHARS if ch in line)
        labels.append(line[:first].strip())
    assert len(labels) == 5
    assert len(set(labels)) == len(labels), labels


# ─── pairs ────────────────────────────────────────────────────────────────────────────────

# id, kind, level, records, fiscal aid (yuan), ≥, 约, its measure family — by hand: 旺苍 is the
# derived 5004万 of 2021 + the 200万 donation of 2025; 康定 has no 财政资金 figure, only the
# 近1.8亿 各类帮扶资金; 临平→石渠's 1660万 is allocated; 浙川's 52.788亿 (a running total of
# 2016 to 2021-06) and 33亿 (2021) overlap: no one figure, its measure named.
PAIRS = [
    ("yuhang-cangxi", "东西部协作", "county", 40, 41_000_000, False, False, "财政资金"),
    ("xiaoshan-wangcang", "东西部协作", "county", 30, 52_040_000, False, False, "财政资金"),
    ("xiaoshan-kangding", "对口支援", "county", 29, 180_000_000, False, True, "各类帮扶资金"),
    ("xiaoshan-longquan", "山海协作", "county", 25, 9_600_000, False, False, "财政资金"),
    ("xiaoshan-lvyuan", "对口合作", "county", 0, None, False, False, None),
    ("xiaoshan-gongzhuling", "对口合作", "county", 0, None, False, False, None),
    ("binjiang-chaotian", "东西部协作", "county", 3, 155_000_000, False, False, "财政资金"),
    ("linping-shiqu", "对口支援", "county", 8, None, False, False, None),
    ("nanxun-guangan", "东西部协作", "county", 1, None, False, False, None),
    ("nantaihu-qingyuan", "山海协作", "county", 1, None, False, False, None),
    ("hangzhou-guangyuan", "东西部协作", "city", 0, None, False, False, None),
    ("hangzhou-changchun", "对口合作", "city", 7, None, False, False, None),
    ("zhejiang-ganzi", "对口支援", "city", 7, None, False, False, None),
    ("lishui-partners", "山海协作", "city", 11, None, False, False, None),
    ("zhejiang-sichuan", "东西部协作", "province", 25, None, False, False, "财政资金"),
    ("zhejiang-jilin", "对口合作", "province", 4, None, False, False, None),
]


def test_pairs_json(cli: Invoke) -> None:
    rows = json_out(cli, "pairs", "--json")
    assert [
        (
            r["id"],
            r["kind"],
            r["level"],
            r["records"],
            r["fiscal_aid_yuan"],
            r["fiscal_aid_at_least"],
            r["fiscal_aid_about"],
            r["fiscal_aid_measure"],
        )
        for r in rows
    ] == PAIRS
    assert all(list(row) == list(PAIRS_COLUMNS) for row in rows)
    assert rows[0] == {
        "id": "yuhang-cangxi",
        "kind": "东西部协作",
        "level": "county",
        "provider": "杭州市余杭区",
        "provider_code": "330110",
        "receiver": "广元市苍溪县",
        "receiver_code": "510824",
        "since": "2021-05",
        "records": 40,
        "fiscal_aid_yuan": 41_000_000,
        "fiscal_aid_at_least": False,
        "fiscal_aid_about": False,
        "fiscal_aid_measure": "财政资金",
        "fiscal_aid_period_start": "2021-05",
        "fiscal_aid_period_end": "2021-11",
        "fiscal_aid_derived": False,
    }
    assert [row["id"] for row in rows] == list(PAIRINGS)
    for row in rows:
        pairing = PAIRINGS[row["id"]]
        assert row["records"] == len(ids_of(row["id"]))
        assert (row["kind"], row["since"]) == (pairing["kind"], pairing["since"])
        assert row["provider"] == PLACES[pairing["provider"]]["full_name"]
        assert row["receiver_code"] == PLACES[pairing["receiver"]]["code"]
        assert row["level"] == PLACES[pairing["receiver"]]["level"]
    nantaihu = next(row for row in rows if row["id"] == "nantaihu-qingyuan")
    assert (nantaihu["provider"], nantaihu["provider_code"]) == ("湖州市南太湖新区", None)


def test_pairs_kind(cli: Invoke) -> None:
    rows = json_out(cli, "pairs", "--kind", "对口合作", "--json")
    assert [r["id"] for r in rows] == [
        "xiaoshan-lvyuan",
        "xiaoshan-gongzhuling",
        "hangzhou-changchun",
        "zhejiang-jilin",
    ]
    assert [r["receiver"] for r in rows] == ["长春市绿园区", "长春市公主岭市", "长春市", "吉林省"]
    assert [r["records"] for r in rows] == [0, 0, 7, 4]
    assert all(r["fiscal_aid_yuan"] is None for r in rows)
    text = ok(cli("pairs", "--kind", "对口合作", "--csv"))
    assert text.splitlines()[0] == ",".join(PAIRS_COLUMNS)
    assert len(text.splitlines()) == 5
    result = cli("pairs", "--kind", "bogus")
    assert result.exit_code == 2
    assert "--kind" in one_error_line(result)


def test_pairs_table(cli: Invoke) -> None:
    text = ok(cli("pairs", "--format", "table"))
    # each row names the measure and the period of its figure: the figures of a ranking differ
    line = ["40", "4,100", "财政资金", "2021-05–2021-11"]
    assert rows_starting(text, "yuhang-cangxi")[0][-4:] == line
    line = ["30", "推算5,204", "财政资金", "2021–2025-10-21"]
    assert rows_starting(text, "xiaoshan-wangcang")[0][-4:] == line
    line = ["29", "约18,000", "各类帮扶资金", "2021-06–2024-05"]
    assert rows_starting(text, "xiaoshan-kangding")[0][-4:] == line
    assert rows_starting(text, "xiaoshan-lvyuan")[0][-2:] == ["0", "—"]
    # the running total of 2016 to 2021-06 and the 33亿 of 2021: no one figure (see funds)
    assert rows_starting(text, "zhejiang-sichuan")[0][-3:] == ["25", "分列", "财政资金"]
    assert "分列：该结对的累计数与同口径的其他数字期间重叠" in text
    assert "比较、排序时看这两栏" in text


def test_pairs_takes_the_shared_filters(cli: Invoke) -> None:
    rows = {row["id"]: row for row in json_out(cli, "pairs", "--year", "2022", "--json")}
    assert list(rows) == list(PAIRINGS)  # every pairing is listed, with what the filters leave
    in_2022 = [raw for raw in RAW_RECORDS if period_key(raw) == 2022]
    assert sorted(raw["id"] for raw in in_2022) == [
        "kangding-songrong-purchase",  # 500万 (pledged)
        "kangding-tea-phase1-area",
        "kangding-tea-progress-forecast",
    ]
    assert {pid: row["records"] for pid, row in rows.items() if row["records"]} == {
        "xiaoshan-kangding": 3
    }
    assert all(row["fiscal_aid_yuan"] is None for row in rows.values())
    kinds = json_out(cli, "pairs", "--kind", "山海协作", "--json")
    assert [row["id"] for row in kinds] == [
        "xiaoshan-longquan",
        "nantaihu-qingyuan",
        "lishui-partners",
    ]
    levels = json_out(cli, "pairs", "--level", "province", "--json")
    assert [row["id"] for row in levels] == ["zhejiang-sichuan", "zhejiang-jilin"]


# ─── show ─────────────────────────────────────────────────────────────────────────────────


def test_show_cangxi_json(cli: Invoke) -> None:
    document = json_out(cli, "show", "苍溪", "--json")
    assert list(document) == ["pairing", "funds", "aid_totals", "records", "sources"]
    assert document["pairing"] == {
        "id": "yuhang-cangxi",
        "kind": "东西部协作",
        "level": "county",
        "provider": "杭州市余杭区",
        "provider_code": "330110",
        "receiver": "广元市苍溪县",
        "receiver_code": "510824",
        "since": "2021-05",
    }

    def row(category: str, measure: str, amount: int, records: int, at_least: bool = False) -> Row:
        return {
            "category": category,
            "measure": measure,
            "level": "county",
            "stage": "actual",
            "amount_yuan": amount,
            "at_least": at_least,
            "about": False,
            "records": records,
            "period_start": "2021-05",
            "period_end": "2021-11" if category != "消费帮扶" or at_least is False else "2022-01",
            "apart": None,
            "derived": False,
        }

    assert document["funds"] == [
        row("财政援助", "财政资金", 41_000_000, 2),
        row("社会帮扶", "捐款捐物", 2_510_000, 1),
        row("消费帮扶", "帮助销售额", 82_800_000, 2, at_least=True),
        row("消费帮扶", "采购额", 10_850_000, 1),
        row("产业合作", "投资额", 318_000_000, 1),
    ]
    (aid,) = document["aid_totals"]
    assert {k: v for k, v in aid.items() if k != "ids"} == row(
        AID_LABEL, "财政资金＋捐款捐物", 43_510_000, 3
    )
    assert sorted(aid["ids"]) == [
        "cangxi-fiscal-donation",
        "cangxi-social-funds",
        "cangxi-special-fund",
    ]
    assert [r["id"] for r in document["records"]] == in_category_order(ids_of("yuhang-cangxi"))
    assert len(document["records"]) == 40
    assert all(list(r) == list(RECORD_FIELDS) for r in document["records"])
    assert all(isinstance(r["citations"], list) for r in document["records"])
    expected_sources = dict.fromkeys(
        [PAIRINGS["yuhang-cangxi"]["source"]]
        + [s for i in in_category_order(ids_of("yuhang-cangxi")) for s in cited_sources(i)]
    )
    assert (
        [s["id"] for s in document["sources"]]
        == list(expected_sources)
        == [
            "yuhang-cangxi-2021-11-17",
            "yuhang-cangxi-chinanews-2021-11-17",
            "zhejiang-sichuan-allocation-scol-2021-07-07",
            "cangxi-zhanxiaoguan-2022-01-19",
        ]
    )
    source = document["sources"][0]
    assert list(source) == list(SOURCE_FIELDS)
    assert source["url"] == "http://nyncj.cngy.gov.cn/new/show/20211115174700534.html"
    assert source["title"] == CANGXI_SOURCE
    assert source["published"] == "2021-11-17"
    assert (source["reprint_of"], source["text_held"]) == ("广元市农业农村局", True)
    undated = document["sources"][3]
    assert (undated["title"], undated["published_inferred"]) == (None, True)


@pytest.mark.parametrize(
    "name", ["蒼溪", "cangxi", "CangXi", "苍溪县", "yuhang-cangxi", "余杭苍溪"]
)
def test_show_accepts_every_name_form(cli: Invoke, name: str) -> None:
    assert json_out(cli, "show", name, "--json") == json_out(cli, "show", "苍溪", "--json")


def test_show_kangding_names_its_measure_and_has_no_aid_total(cli: Invoke) -> None:
    document = json_out(cli, "show", "康定", "--json")
    assert [
        (r["category"], r["measure"], r["amount_yuan"], r["about"]) for r in document["funds"]
    ] == [("财政援助", "各类帮扶资金", 180_000_000, True)]
    assert document["aid_totals"] == []
    assert len(document["records"]) == len(ids_of("xiaoshan-kangding")) == 29


def test_show_wangcang_table_sections(cli: Invoke) -> None:
    text = ok(cli("show", "旺苍", "--format", "table"))
    lines = text.splitlines()
    assert lines[0] == "萧山→旺苍（xiaoshan-wangcang）"
    assert lines[1] == "东西部协作：杭州市萧山区 → 广元市旺苍县，自 2021 起"
    assert lines[2] == PAIRINGS["xiaoshan-wangcang"]["note"]
    headings = ["资金（按类别，不重复计算）", "资金明细", "人员", "数量", "比率与标准", "来源"]
    positions = [lines.index(heading) for heading in headings]
    assert positions == sorted(positions)
    funds = "\n".join(lines[positions[0] : positions[1]])
    assert rows_starting(funds, "财政援助") == [
        ["财政援助", "财政资金", "实际", "推算5,204.0", "2"]
    ]
    assert rows_starting(funds, "社会帮扶") == [["社会帮扶", "捐款捐物", "实际", "≥887.5", "2"]]
    assert rows_starting(funds, "消费帮扶") == [["消费帮扶", "帮助销售额", "实际", "38.0", "1"]]
    (aid,) = rows_starting(funds, AID_LABEL)
    assert aid == [AID_LABEL, "财政资金＋捐款捐物", "实际", "推算≥6,091.5", "4"]
    money = "\n".join(lines[positions[1] : positions[2]])
    # the stage in a column of its own, on every money row
    (allocation,) = [line for line in money.splitlines() if "wangcang-allocation-2021" in line]
    assert "安排/分配" in allocation and "含于 sichuan-fiscal-2021" in allocation
    people = "\n".join(lines[positions[2] : positions[3]])
    assert [row[-1] for row in rows_starting(people, "人才交流")] == [
        "wangcang-professionals",
        "wangcang-teachers-doctors-to-xiaoshan",
    ]
    counts = "\n".join(lines[positions[3] : positions[4]])
    assert "wangcang-paired-schools" in counts and "wangcang-shop-products" in counts
    rates = "\n".join(lines[positions[4] : positions[5]])
    assert rows_starting(rates, "财政援助")[0][-4:] == [
        "79.5",
        "%",
        "实际",
        "wangcang-park-funds-share",
    ]
    # every record of the pairing is shown somewhere in the dossier
    for record_id in ids_of("xiaoshan-wangcang"):
        assert record_id in text, record_id
    sources = lines[positions[5] :]
    assert any(XIAOSHAN_SOURCE in line and "2022-02-10" in line for line in sources)
    assert any(
        "（无标题）" in line and "旺苍县人民政府网" in line and "2025-10-22" in line
        for line in sources
    )


def test_show_marks_a_total_that_is_both_a_lower_bound_and_derived(cli: Invoke) -> None:
    text = ok(cli("show", "旺苍", "--format", "table"))
    (aid,) = rows_starting(text, AID_LABEL)
    assert aid[3] == "推算≥6,091.5", aid


def test_show_machine_formats_are_records(cli: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(cli("show", "旺苍", "--csv")))))
    assert len(rows) == len(ids_of("xiaoshan-wangcang")) == 30
    assert {r["pairing"] for r in rows} == {"xiaoshan-wangcang"}
    assert [r["id"] for r in rows] == in_category_order(ids_of("xiaoshan-wangcang"))
    assert {r["citations"] for r in rows} == {"1"}
    lines = ok(cli("show", "苍溪", "--format", "jsonl")).splitlines()
    special = next(json.loads(line) for line in lines if '"cangxi-special-fund"' in line)
    assert [c["source"] for c in special["citations"]] == cited_sources("cangxi-special-fund")


def test_show_ambiguous_name_lists_the_pairings(cli: Invoke) -> None:
    result = cli("show", "萧山")
    assert result.exit_code == 2
    line = one_error_line(result)
    for pairing in (
        "xiaoshan-wangcang",
        "xiaoshan-kangding",
        "xiaoshan-longquan",
        "xiaoshan-lvyuan",
        "xiaoshan-gongzhuling",
    ):
        assert pairing in line
    assert "yuhang-cangxi" not in line
    assert "5" in line
    assert result.stdout == ""


@pytest.mark.parametrize("name", ["北京", "nowhere", ""])
def test_show_unknown_name(cli: Invoke, name: str) -> None:
    result = cli("show", name)
    assert result.exit_code == 2
    assert "unknown pairing" in one_error_line(result)
    assert result.stdout == ""


def test_show_argument_errors(cli: Invoke) -> None:
    for args in (("show",), ("show", "苍溪", "旺苍")):
        result = cli(*args)
        assert result.exit_code == 2
        one_error_line(result)


@pytest.mark.parametrize(
    ("name", "pairing", "kind", "sources"),
    [
        ("绿园", "xiaoshan-lvyuan", "对口合作", [XIAOSHAN_SOURCE]),
        ("公主岭", "xiaoshan-gongzhuling", "对口合作", [XIAOSHAN_SOURCE]),
        ("hangzhou-guangyuan", "hangzhou-guangyuan", "东西部协作", []),  # no source of its own
    ],
)
def test_show_pairing_without_records(
    cli: Invoke, name: str, pairing: str, kind: str, sources: list[str]
) -> None:
    assert ids_of(pairing) == []
    document = json_out(cli, "show", name, "--json")
    assert document["pairing"]["id"] == pairing
    assert document["pairing"]["kind"] == kind
    assert document["funds"] == []
    assert document["aid_totals"] == []
    assert document["records"] == []
    assert [s["title"] for s in document["sources"]] == sources
    text = ok(cli("show", name, "--format", "table"))
    assert pairing in text.splitlines()[0]
    # every section is there, empty: its header row and a count line
    lines = text.splitlines()
    assert lines[lines.index("资金（按类别，不重复计算）") + 3] == "0 行，计入 0 条记录"
    for section in ("资金明细", "人员", "数量", "比率与标准"):
        start = lines.index(section)
        assert lines[start + 1].split()[:2] == ["类别", "事项"]
        assert lines[start + 3] == "0 条记录"
    assert f"{len(sources)} 个来源" in lines
    assert all(title in text for title in sources)
    result = cli("show", name, "--csv")
    assert (result.exit_code, result.stdout_bytes) == (
        0,
        ",".join(RECORD_FIELDS).encode() + b"\r\n",
    )


def test_show_takes_the_shared_filters_but_not_pair(cli: Invoke) -> None:
    shown = json_out(cli, "show", "旺苍", "--category", "财政援助", "--json")
    assert [r["id"] for r in shown["records"]] == [
        "wangcang-allocation-2021",
        "wangcang-cooperation-projects",
        "wangcang-furniture-city",
        "wangcang-gov-donation-2025",
        "wangcang-park-funds",
        "wangcang-park-funds-share",
        "wangcang-project-funds-2021",
    ]
    assert [(row["category"], row["amount_yuan"]) for row in shown["funds"]] == [
        ("财政援助", 52_040_000)
    ]
    assert shown["aid_totals"] == []  # 社会帮扶 is not in the result
    result = cli("show", "旺苍", "--pair", "苍溪")
    assert result.exit_code == 2
    one_error_line(result)


# ─── cite ─────────────────────────────────────────────────────────────────────────────────

CANGXI_QUOTE = (
    "截至目前，余杭区向苍溪县投入东西部协作专项资金3900万元、财政捐赠资金200万元，"
    "动员社会力量投入帮扶资金251万元。"
)


def _source_row(source_id: str) -> dict[str, object]:
    raw = SOURCES[source_id]
    return {
        "source_title": raw["title"],
        "source_publisher": raw["publisher"],
        "source_author": raw["author"],
        "source_published": raw["published"],
        "source_url": raw["url"],
    }


def test_cite_json(cli: Invoke) -> None:
    document = json_out(cli, "cite", "cangxi-special-fund", "--json")
    assert list(document) == [*RECORD_FIELDS, "sources", "history"]
    assert document["id"] == "cangxi-special-fund"
    assert document["amount_yuan"] == 39_000_000
    held_text = (DATA / "sources" / "yuhang-cangxi-2021-11-17.txt").read_text(encoding="utf-8")
    assert CANGXI_QUOTE in held_text
    assert document["quote"] == CANGXI_QUOTE
    assert document["source"] == "yuhang-cangxi-2021-11-17"
    further = next(c for c in FURTHER_CITATIONS if c["record"] == "cangxi-special-fund")
    assert document["citations"] == [
        {"source": "yuhang-cangxi-2021-11-17", "quote": CANGXI_QUOTE, "note": None},
        {"source": "yuhang-cangxi-chinanews-2021-11-17", "quote": None, "note": further["note"]},
    ]
    assert further["note"].startswith("同为3900万元。")
    assert [s["id"] for s in document["sources"]] == cited_sources("cangxi-special-fund")
    for source in document["sources"]:
        raw = SOURCES[source["id"]]
        assert {k: source[k] for k in SOURCE_FIELDS if k != "id"} == {
            k: raw[k] for k in SOURCE_FIELDS if k != "id"
        }
    assert document["sources"][0]["publisher"] == "广元市农业农村局（农民网转载）"
    assert document["sources"][1]["author"] == "冯金虎"
    by_id = {r["id"]: r for r in export(cli)}
    assert {k: document[k] for k in RECORD_FIELDS} == by_id["cangxi-special-fund"]
    assert document["history"] == [by_id["cangxi-special-fund"]]  # never revised


def test_cite_csv_has_one_row_per_citation(cli: Invoke) -> None:
    result = cli("cite", "cangxi-special-fund", "--csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(CITE_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2
    assert [r["citations"] for r in rows] == ["2", "2"]
    assert [r["source"] for r in rows] == cited_sources("cangxi-special-fund")
    assert [r["quote"] for r in rows] == [CANGXI_QUOTE, ""]
    for row in rows:
        expected = {k: v or "" for k, v in _source_row(row["source"]).items()}
        assert {k: row[k] for k in expected} == expected
    assert rows[1]["source_author"] == "冯金虎"
    assert rows[1]["source_url"] == "http://51si.cn/bwbd/2021-11-17/158470.html"
    # the record itself is the same in both rows
    same = [k for k in RECORD_FIELDS if k not in ("source", "quote")]
    assert {k: rows[0][k] for k in same} == {k: rows[1][k] for k in same}
    assert (rows[0]["amount_yuan"], rows[0]["id"]) == ("39000000", "cangxi-special-fund")


def test_cite_table_shows_every_citation(cli: Invoke) -> None:
    text = ok(cli("cite", "cangxi-special-fund", "--format", "table"))
    assert text.splitlines()[0].split() == ["cangxi-special-fund", "余杭→苍溪", "财政援助"]
    assert "东西部协作专项资金：3,900 万元（原文：3900万元）" in text
    assert "［1］" in text and "［2］" in text and text.index("［1］") < text.index("［2］")
    first, second = text.split("［2］")
    assert CANGXI_QUOTE in first
    assert f"—— {CANGXI_SOURCE}，广元市农业农村局（农民网转载），2021-11-17" in first
    assert "（未存原文，仅有出处）" in second
    assert (
        "—— 余杭、苍溪携手共进 跃上东西部协作新台阶，中新网四川（中新社四川分社），"
        "冯金虎，2021-11-17" in second
    )
    assert "http://51si.cn/bwbd/2021-11-17/158470.html" in second
    further = next(c for c in FURTHER_CITATIONS if c["record"] == "cangxi-special-fund")
    assert f"注：{further['note']}" in second
    assert f"说明：{RAW['cangxi-special-fund']['note']}" in second
    assert "修订记录" not in text


def test_cite_shows_the_revision_history(cli: Invoke) -> None:
    assert RAW["kangding-tea-investment"]["figure"] == "2.22亿元"
    assert RAW["kangding-tea-investment-2023"]["figure"] == "3.2亿元"
    assert RAW["kangding-tea-investment-2023"]["revises"] == "kangding-tea-investment"
    history = ["kangding-tea-investment", "kangding-tea-investment-2023"]
    for record_id in history:
        document = json_out(cli, "cite", record_id, "--json")
        assert [(r["id"], r["amount_yuan"]) for r in document["history"]] == [
            ("kangding-tea-investment", 222_000_000),
            ("kangding-tea-investment-2023", 320_000_000),
        ]
        text = ok(cli("cite", record_id, "--format", "table"))
        assert "修订记录（旧→新" in text
        lines = text[text.index("修订记录（旧→新") :].splitlines()[1:]
        assert [line.split()[:4] for line in lines] == [
            ["2022-02-10", "kangding-tea-investment", "22,200", "万元"],
            ["2023-01-16", "kangding-tea-investment-2023", "32,000", "万元"],
        ]
        assert [line.endswith("← 本条") for line in lines] == [i == record_id for i in history]
    text = ok(cli("cite", "kangding-tea-investment-2023", "--format", "table", "--unit", "亿元"))
    assert "kangding-tea-investment  2.22 亿元" in text
    assert "kangding-tea-investment-2023  3.2 亿元  ← 本条" in text
    assert "（原文：3.2亿元）" in text
    assert "阶段 签约/意向" in text
    document = json_out(cli, "cite", "kangding-tea-investment-2023", "--json")
    assert (document["revises"], document["stage"], document["quote"]) == (
        "kangding-tea-investment",
        "pledged",
        None,
    )
    assert [s["id"] for s in document["sources"]] == ["kangding-scol-2023-01-16"]


def test_cite_table(cli: Invoke) -> None:
    text = ok(cli("cite", "wangcang-donations", "--format", "table"))
    by_id = {r["id"]: r for r in export(cli)}
    quote = by_id["wangcang-donations"]["quote"]
    assert "各类捐赠款物达860余万元" in quote
    assert quote in (DATA / "sources" / "xiaoshan-2022-02-10.txt").read_text(encoding="utf-8")
    assert quote in text
    assert "≥860" in text
    assert "万元" in text
    assert XIAOSHAN_SOURCE in text and "萧山日报" in text and "2022-02-10" in text
    assert text.splitlines()[0].split()[0] == "wangcang-donations"
    assert "［1］" not in text  # one citation: no numbering
    assert "修订记录" not in text


def test_cite_a_facts_only_record_has_no_quote(cli: Invoke) -> None:
    text = ok(cli("cite", "cangxi-hall-sales", "--format", "table"))
    assert "（未存原文，仅有出处）" in text
    # 每日商报's date is read from its URL
    assert (
        "—— （无标题），每日商报，见习记者 赖羽彤；记者 祝芷媛；通讯员 赵波，"
        "2022-01-19（日期为推断）" in text
    )
    assert SOURCES["cangxi-zhanxiaoguan-2022-01-19"]["url"] in text
    (row,) = csv.DictReader(io.StringIO(ok(cli("cite", "cangxi-hall-sales", "--csv"))))
    assert (row["quote"], row["source_title"], row["approx"], row["amount_yuan"]) == (
        "",
        "",
        "at_least",
        "2800000",
    )


def test_cite_csv(cli: Invoke) -> None:
    (row,) = csv.DictReader(io.StringIO(ok(cli("cite", "wangcang-donations", "--csv"))))
    assert row["amount_yuan"] == "8600000"
    assert row["approx"] == "at_least"
    assert row["source_published"] == "2022-02-10"
    assert row["source_url"] == ""
    assert row["citations"] == "1"


@pytest.mark.parametrize("record_id", ["nosuch", "cangxi-special-fun", "xiaoshan-lvyuan"])
def test_cite_unknown_record(cli: Invoke, record_id: str) -> None:
    result = cli("cite", record_id)
    assert result.exit_code == 2
    assert f"no record {record_id!r}" in one_error_line(result)
    assert result.stdout == ""


def test_cite_suggests_close_ids(cli: Invoke) -> None:
    result = cli("cite", "cangxi-special-fun")
    assert "cangxi-special-fund" in one_error_line(result)


def test_cite_missing_argument(cli: Invoke) -> None:
    result = cli("cite")
    assert result.exit_code == 2
    one_error_line(result)
