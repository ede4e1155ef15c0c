"""`report`, `pairs`, `show` and `cite`: exact rows, sections and exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import one_error_line
from typer.testing import Result

from xiezuo_cli.model import CATEGORIES, RECORD_FIELDS

Invoke = Callable[..., Result]
Row = dict[str, Any]

PAIRING_TITLES = {
    "yuhang-cangxi": "余杭→苍溪 · 东西部协作：杭州市余杭区 → 广元市苍溪县",
    "xiaoshan-wangcang": "萧山→旺苍 · 东西部协作：杭州市萧山区 → 广元市旺苍县",
    "xiaoshan-kangding": "萧山→康定 · 对口支援：杭州市萧山区 → 甘孜藏族自治州康定市",
    "xiaoshan-longquan": "萧山→龙泉 · 山海协作：杭州市萧山区 → 丽水市龙泉市",
}
SUBTOTAL = "小计（不重复计算）"
CANGXI_SOURCE = "余杭·苍溪：共铸发展蓝图 携手梦圆小康"
XIAOSHAN_SOURCE = "两会特别报道 | 对口协作促发展 携手同进谋共富"
BAR_CHARS = "█▏▎▍▌▋▊▉"


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def json_out(cli: Invoke, *args: str) -> Any:
    return json.loads(ok(cli(*args)))


def export(cli: Invoke) -> list[Row]:
    return json_out(cli, "export", "--format", "json")


def pairing_order(cli: Invoke) -> list[str]:
    return [row["id"] for row in json_out(cli, "pairs", "--json")]


def cells(line: str) -> list[str]:
    return line.split()


def rows_starting(text: str, *first: str) -> list[list[str]]:
    return [cells(line) for line in text.splitlines() if cells(line)[: len(first)] == list(first)]


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


# ─── report ───────────────────────────────────────────────────────────────────────────────


def test_report_per_pairing_table(cli: Invoke) -> None:
    text = ok(cli("report", "--per", "pairing", "--format", "table"))
    found = sections(text)
    assert [section[0] for section in found] == list(PAIRING_TITLES.values())
    captions = [section[-1] for section in found]
    assert captions[0] == f"来源：{CANGXI_SOURCE}（广元市农业农村局（农民网转载），2021-11-17）"
    assert captions[1:] == [f"来源：{XIAOSHAN_SOURCE}（萧山日报，2022-02-10）"] * 3
    assert text.count(SUBTOTAL) == 12  # 4 + 3 + 3 + 2 money categories
    cangxi = "\n".join(found[0])
    assert [row[:3] for row in rows_starting(cangxi, "财政援助", SUBTOTAL)] == [
        ["财政援助", SUBTOTAL, "4,100"]
    ]
    assert rows_starting(cangxi, "财政援助", SUBTOTAL)[0][3:] == ["万元", "2", "笔"]
    assert rows_starting(cangxi, "社会帮扶", SUBTOTAL)[0][:3] == ["社会帮扶", SUBTOTAL, "251"]
    assert rows_starting(cangxi, "消费帮扶", SUBTOTAL)[0][:3] == ["消费帮扶", SUBTOTAL, "9,085"]
    assert rows_starting(cangxi, "产业合作", SUBTOTAL)[0][:3] == ["产业合作", SUBTOTAL, "31,800"]
    wangcang = "\n".join(found[1])
    assert rows_starting(wangcang, "财政援助", SUBTOTAL)[0][:3] == ["财政援助", SUBTOTAL, "3,978"]
    assert rows_starting(wangcang, "社会帮扶", SUBTOTAL)[0][:3] == ["社会帮扶", SUBTOTAL, "≥860"]
    longquan = "\n".join(found[3])
    assert rows_starting(longquan, "消费帮扶", SUBTOTAL)[0][:3] == ["消费帮扶", SUBTOTAL, "≥1,000"]
    assert not rows_starting(longquan, "成效", SUBTOTAL)  # outcomes get no subtotal
    # every record of the pairing is in its table
    for section, pairing in zip(found, PAIRING_TITLES, strict=True):
        body = "\n".join(section)
        ids = [r["id"] for r in export(cli) if r["pairing"] == pairing]
        assert all(record_id in body for record_id in ids), pairing


def test_report_default_per_is_pairing(cli: Invoke) -> None:
    assert ok(cli("report", "--format", "table")) == ok(
        cli("report", "--per", "pairing", "--format", "table")
    )
    assert ok(cli("report", "--csv")) == ok(cli("report", "--per", "pairing", "--csv"))


def test_report_per_year_table(cli: Invoke) -> None:
    text = ok(cli("report", "--per", "year", "--format", "table"))
    found = sections(text)
    assert [section[0] for section in found] == ["2021年", "2022年", "跨年累计（未注明年份）"]
    year_2021 = "\n".join(found[0])
    assert rows_starting(year_2021, "财政援助", SUBTOTAL)[0][:3] == [
        "财政援助",
        SUBTOTAL,
        "14,017",
    ]
    assert rows_starting(year_2021, "产业合作", SUBTOTAL)[0][:3] == [
        "产业合作",
        SUBTOTAL,
        "54,000",
    ]
    assert CANGXI_SOURCE in found[0][-1] and XIAOSHAN_SOURCE in found[0][-1]
    no_year = "\n".join(found[2])
    assert rows_starting(no_year, "财政援助", SUBTOTAL)[0][:3] == ["财政援助", SUBTOTAL, "960"]
    assert "longquan-zhangfan-funds" in no_year
    assert "wangcang-digital-platform-modules" in "\n".join(found[1])


def _report_order(records: list[Row], key: Callable[[Row], Any]) -> list[str]:
    order = {category: index for index, category in enumerate(CATEGORIES)}
    return [r["id"] for r in sorted(records, key=lambda r: (key(r), order[r["category"]], r["id"]))]


def test_report_machine_output_is_records_in_report_order(cli: Invoke) -> None:
    records = export(cli)
    pairings = pairing_order(cli)
    rows = json_out(cli, "report", "--json")
    assert all(list(row) == list(RECORD_FIELDS) for row in rows)
    assert [r["id"] for r in rows] == _report_order(records, lambda r: pairings.index(r["pairing"]))
    by_id = {r["id"]: r for r in records}
    assert all(row == by_id[row["id"]] for row in rows)
    assert len(rows) == 72

    rows = json_out(cli, "report", "--per", "year", "--json")
    assert [r["id"] for r in rows] == _report_order(
        records, lambda r: (r["year"] is None, r["year"] or 0)
    )

    csv_rows = list(csv.DictReader(io.StringIO(ok(cli("report", "--pair", "旺苍", "--csv")))))
    assert tuple(csv_rows[0]) == RECORD_FIELDS
    wangcang = [r for r in records if r["pairing"] == "xiaoshan-wangcang"]
    assert [r["id"] for r in csv_rows] == _report_order(wangcang, lambda r: 0)
    assert csv_rows[0]["id"] == "wangcang-furniture-city"
    assert csv_rows[0]["amount_yuan"] == "20000000"


def test_report_filters_and_empty(cli: Invoke) -> None:
    rows = json_out(cli, "report", "--pair", "苍溪", "--category", "财政援助", "--json")
    assert [r["id"] for r in rows] == [
        "cangxi-agriculture-investment",
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
    ok(cli("report", "--pair", "绿园", "--format", "table"))


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
    bars = [line for line in text.splitlines() if any(ch in line for ch in BAR_CHARS)]
    assert [line.split()[0] for line in bars] == ["财政援助", "社会帮扶", "消费帮扶", "产业合作"]
    assert bars[3].count("█") == 40 and bars[3].split()[-1] == "31,800"
    assert bars[0].split()[-1] == "4,100"
    text = ok(cli("report", "--chart", "--format", "table"))
    assert text.count("█") > 40
    assert ok(cli("report", "--chart", "--csv")) == ok(cli("report", "--csv"))


# ─── pairs ────────────────────────────────────────────────────────────────────────────────

PAIRS = [
    ("yuhang-cangxi", "东西部协作", 30, 41_000_000),
    ("xiaoshan-wangcang", "东西部协作", 17, 39_780_000),
    ("xiaoshan-kangding", "对口支援", 16, 59_390_000),
    ("xiaoshan-longquan", "山海协作", 9, 9_600_000),
    ("xiaoshan-lvyuan", "对口合作", 0, None),
    ("xiaoshan-gongzhuling", "对口合作", 0, None),
]


def test_pairs_json(cli: Invoke) -> None:
    rows = json_out(cli, "pairs", "--json")
    assert [(r["id"], r["kind"], r["records"], r["fiscal_aid_yuan"]) for r in rows] == PAIRS
    assert rows[0] == {
        "id": "yuhang-cangxi",
        "kind": "东西部协作",
        "provider": "杭州市余杭区",
        "receiver": "广元市苍溪县",
        "since": "2021-05",
        "records": 30,
        "fiscal_aid_yuan": 41_000_000,
        "fiscal_aid_at_least": False,
    }
    records = export(cli)
    for row in rows:
        assert row["records"] == sum(1 for r in records if r["pairing"] == row["id"])


def test_pairs_kind(cli: Invoke) -> None:
    rows = json_out(cli, "pairs", "--kind", "对口合作", "--json")
    assert [r["id"] for r in rows] == ["xiaoshan-lvyuan", "xiaoshan-gongzhuling"]
    assert [r["receiver"] for r in rows] == ["长春市绿园区", "长春市公主岭市"]
    assert all(r["fiscal_aid_yuan"] is None and r["records"] == 0 for r in rows)
    text = ok(cli("pairs", "--kind", "对口合作", "--csv"))
    assert text.splitlines()[0] == (
        "id,kind,provider,receiver,since,records,fiscal_aid_yuan,fiscal_aid_at_least"
    )
    assert len(text.splitlines()) == 3
    result = cli("pairs", "--kind", "bogus")
    assert result.exit_code == 2
    assert "--kind" in one_error_line(result)


def test_pairs_table(cli: Invoke) -> None:
    text = ok(cli("pairs", "--format", "table"))
    assert rows_starting(text, "yuhang-cangxi")[0][-2:] == ["30", "4,100"]
    assert rows_starting(text, "xiaoshan-kangding")[0][-2:] == ["16", "5,939"]
    assert rows_starting(text, "xiaoshan-lvyuan")[0][-2:] == ["0", "—"]


# ─── show ─────────────────────────────────────────────────────────────────────────────────


def test_show_cangxi_json(cli: Invoke) -> None:
    document = json_out(cli, "show", "苍溪", "--json")
    assert set(document) >= {"pairing", "funds", "records", "sources"}
    assert document["pairing"]["id"] == "yuhang-cangxi"
    assert document["pairing"]["kind"] == "东西部协作"
    assert document["pairing"]["provider"] == "杭州市余杭区"
    assert document["pairing"]["receiver"] == "广元市苍溪县"
    assert document["pairing"]["since"] == "2021-05"
    funds = {row["category"]: row for row in document["funds"]}
    assert {k: (v["amount_yuan"], v["records"]) for k, v in funds.items()} == {
        "财政援助": (41_000_000, 2),
        "社会帮扶": (2_510_000, 1),
        "消费帮扶": (90_850_000, 2),
        "产业合作": (318_000_000, 1),
        "帮扶资金合计": (43_510_000, 3),
    }
    assert all(row["at_least"] is False for row in document["funds"])
    assert len(document["records"]) == 30
    assert {r["pairing"] for r in document["records"]} == {"yuhang-cangxi"}
    assert all(list(r) == list(RECORD_FIELDS) for r in document["records"])
    (source,) = document["sources"]
    assert source["url"] == "http://nyncj.cngy.gov.cn/new/show/20211115174700534.html"
    assert source["title"] == CANGXI_SOURCE
    assert source["published"] == "2021-11-17"


@pytest.mark.parametrize(
    "name", ["蒼溪", "cangxi", "CangXi", "苍溪县", "yuhang-cangxi", "余杭苍溪"]
)
def test_show_accepts_every_name_form(cli: Invoke, name: str) -> None:
    assert json_out(cli, "show", name, "--json") == json_out(cli, "show", "苍溪", "--json")


def test_show_wangcang_table_sections(cli: Invoke) -> None:
    text = ok(cli("show", "旺苍", "--format", "table"))
    lines = text.splitlines()
    assert lines[0] == "萧山→旺苍（xiaoshan-wangcang）"
    assert lines[1] == "东西部协作：杭州市萧山区 → 广元市旺苍县，自 2021 起"
    funds_heading = next(line for line in lines if line.startswith("资金（"))
    headings = [funds_heading, "人员", "数量", "来源"]
    positions = [lines.index(heading) for heading in headings]
    assert positions == sorted(positions)
    funds = "\n".join(lines[positions[0] : positions[1]])
    assert rows_starting(funds, "财政援助", "3,978") == [["财政援助", "3,978", "1"]]
    assert rows_starting(funds, "社会帮扶", "≥860") == [["社会帮扶", "≥860", "1"]]
    assert rows_starting(funds, "帮扶资金合计") == [["帮扶资金合计", "≥4,838", "2"]]
    people = "\n".join(lines[positions[1] : positions[2]])
    assert [row[-1] for row in rows_starting(people, "人才交流")] == [
        "wangcang-professionals",
        "wangcang-teachers-doctors-to-xiaoshan",
    ]
    counts = "\n".join(lines[positions[2] : positions[3]])
    assert "wangcang-paired-schools" in counts and "wangcang-shop-products" in counts
    # every record of the pairing is shown somewhere in the dossier
    for record in export(cli):
        if record["pairing"] == "xiaoshan-wangcang":
            assert record["id"] in text, record["id"]
    sources = lines[positions[3] :]
    assert any(XIAOSHAN_SOURCE in line and "2022-02-10" in line for line in sources)


def test_show_machine_formats_are_records(cli: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(cli("show", "旺苍", "--csv")))))
    assert len(rows) == 17
    assert {r["pairing"] for r in rows} == {"xiaoshan-wangcang"}


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
    ("name", "pairing"), [("绿园", "xiaoshan-lvyuan"), ("公主岭", "xiaoshan-gongzhuling")]
)
def test_show_pairing_without_records(cli: Invoke, name: str, pairing: str) -> None:
    document = json_out(cli, "show", name, "--json")
    assert document["pairing"]["id"] == pairing
    assert document["pairing"]["kind"] == "对口合作"
    assert document["funds"] == []
    assert document["records"] == []
    assert [s["title"] for s in document["sources"]] == [XIAOSHAN_SOURCE]
    text = ok(cli("show", name, "--format", "table"))
    assert pairing in text.splitlines()[0]
    assert XIAOSHAN_SOURCE in text
    result = cli("show", name, "--csv")
    assert (result.exit_code, result.stdout_bytes) == (
        0,
        ",".join(RECORD_FIELDS).encode() + b"\r\n",
    )


# ─── cite ─────────────────────────────────────────────────────────────────────────────────


def test_cite_json(cli: Invoke) -> None:
    rows = json_out(cli, "cite", "cangxi-special-fund", "--json")
    (row,) = rows if isinstance(rows, list) else [rows]
    assert row["id"] == "cangxi-special-fund"
    assert row["amount_yuan"] == 39_000_000
    assert row["quote"] == (
        "截至目前，余杭区向苍溪县投入东西部协作专项资金3900万元、财政捐赠资金200万元，"
        "动员社会力量投入帮扶资金251万元。"
    )
    assert row["source_title"] == CANGXI_SOURCE
    assert row["source_publisher"] == "广元市农业农村局（农民网转载）"
    assert row["source_url"] == "http://nyncj.cngy.gov.cn/new/show/20211115174700534.html"
    assert row["source_published"] == "2021-11-17"
    by_id = {r["id"]: r for r in export(cli)}
    assert {k: row[k] for k in RECORD_FIELDS} == by_id["cangxi-special-fund"]


def test_cite_table(cli: Invoke) -> None:
    text = ok(cli("cite", "wangcang-donations", "--format", "table"))
    by_id = {r["id"]: r for r in export(cli)}
    quote = by_id["wangcang-donations"]["quote"]
    assert "各类捐赠款物达860余万元" in quote
    assert quote in text
    assert "≥860" in text
    assert "万元" in text
    assert XIAOSHAN_SOURCE in text and "萧山日报" in text and "2022-02-10" in text
    assert text.splitlines()[0].split()[0] == "wangcang-donations"


def test_cite_csv(cli: Invoke) -> None:
    (row,) = csv.DictReader(io.StringIO(ok(cli("cite", "wangcang-donations", "--csv"))))
    assert row["amount_yuan"] == "8600000"
    assert row["approx"] == "at_least"
    assert row["source_published"] == "2022-02-10"
    assert row["source_url"] == ""


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


def test_pairs_takes_the_shared_filters(cli) -> None:
    rows = {row["id"]: row for row in json.loads(cli("pairs", "--year", "2022", "--json").stdout)}
    assert len(rows) == 6  # every pairing is listed, with what the filters leave of it
    assert rows["xiaoshan-wangcang"]["records"] == 1  # the planned platform modules (2022)
    assert rows["xiaoshan-longquan"]["records"] == 1  # the science park's area (2022)
    assert rows["yuhang-cangxi"]["records"] == 0
    assert all(row["fiscal_aid_yuan"] is None for row in rows.values())
    kinds = json.loads(cli("pairs", "--kind", "对口合作", "--json").stdout)
    assert [row["id"] for row in kinds] == ["xiaoshan-lvyuan", "xiaoshan-gongzhuling"]


def test_show_takes_the_shared_filters_but_not_pair(cli) -> None:
    shown = json.loads(cli("show", "旺苍", "--category", "财政援助", "--json").stdout)
    assert [r["id"] for r in shown["records"]] == [
        "wangcang-furniture-city",
        "wangcang-park-funds",
        "wangcang-park-funds-share",
    ]
    assert [row["category"] for row in shown["funds"]] == ["财政援助", "帮扶资金合计"]
    assert cli("show", "旺苍", "--pair", "苍溪").exit_code == 2
