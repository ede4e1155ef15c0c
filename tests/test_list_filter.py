"""`xiezuo list` and `xiezuo filter`: every shared filter, sorting, limits, columns, bad values.

Expected record sets are written out where they are small and otherwise computed from the raw
bundled database (not through xiezuo's own code), with their sizes pinned as literals.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import BUNDLED, ENV, one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from xiezuo_cli.cli import app
from xiezuo_cli.model import RECORD_FIELDS

Cli = Callable[..., Result]
Record = dict[str, Any]

RECORDS: list[Record] = sorted(
    json.loads(BUNDLED.read_text(encoding="utf-8"))["record"].values(), key=lambda r: r["id"]
)


def where(predicate: Callable[[Record], bool]) -> set[str]:
    """Ids of the bundled records a plain Python predicate accepts: the oracle."""
    return {record["id"] for record in RECORDS if predicate(record)}


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
AT_LEAST_3900_WAN = {
    "cangxi-special-fund",  # 39000000: the bound itself
    "wangcang-park-funds",  # 39780000
    "kangding-support-funds",  # 59390000
    "cangxi-online-sales",  # 80000000
    "kangding-tea-investment",  # 222000000
    "cangxi-enterprise-investment",  # 318000000
}
AT_LEAST_222_YI = {"kangding-tea-investment", "cangxi-enterprise-investment"}
PART_OF_SET = {
    "cangxi-agriculture-investment",
    "cangxi-disability-aids-funds",
    "cangxi-factory-investment",
    "cangxi-lingjiang-investment",
    "cangxi-medical-equipment",
    "wangcang-furniture-city",
}
CUMULATIVE = {
    "longquan-joint-parks",
    "longquan-partner-departments",
    "longquan-partner-towns",
    "longquan-zhangfan-funds",
}
YEAR_2022 = {"longquan-science-park-area", "wangcang-digital-platform-modules"}


def test_oracle_sizes() -> None:
    """The data these tests were written against."""
    assert (len(ALL), len(CANGXI), len(XIAOSHAN), len(MONEY)) == (72, 30, 42, 25)
    assert where(lambda r: "校服" in r["item"] or "校服" in r["quote"]) == UNIFORMS
    assert where(lambda r: r["as_of"] == "2021-11-17") == CANGXI
    assert where(lambda r: r["as_of"] == "2022-02-10") == XIAOSHAN


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
    kangding = where(lambda r: r["pairing"] == "xiaoshan-kangding")
    assert len(kangding) == 16
    assert ids(cli, "list", "--kind", "对口支援") == kangding
    assert ids(cli, "list", "--kind", "东西部协作") == where(lambda r: r["kind"] == "东西部协作")
    assert ids(cli, "list", "--kind", "对口合作") == set()


def test_category(cli: Cli) -> None:
    fiscal = where(lambda r: r["category"] == "财政援助")
    assert len(fiscal) == 12
    assert ids(cli, "list", "--category", "财政援助") == fiscal
    both = where(lambda r: r["category"] in ("财政援助", "社会帮扶"))
    assert ids(cli, "list", "--category", "财政援助", "-c", "社会帮扶") == both
    assert ids(cli, "list", "--category", "劳务协作") == set()


def test_pair_and_category(cli: Cli) -> None:
    assert ids(cli, "list", "--pair", "苍溪", "--category", "财政援助") == {
        "cangxi-agriculture-investment",
        "cangxi-disability-aids-funds",
        "cangxi-factory-investment",
        "cangxi-fiscal-donation",
        "cangxi-lingjiang-investment",
        "cangxi-special-fund",
    }


def test_year(cli: Cli) -> None:
    in_2021 = where(lambda r: r["year"] == 2021)
    assert len(in_2021) == 65
    assert ids(cli, "list", "--year", "2021") == in_2021
    assert ids(cli, "list", "--year", "2022") == YEAR_2022
    # Records without a year (cumulative over unnamed years) are in no range.
    assert ids(cli, "list", "--year", "2021-2022") == in_2021 | YEAR_2022
    assert len(in_2021 | YEAR_2022) == 67
    assert ids(cli, "list", "-y", "2019-2020") == set()


@pytest.mark.parametrize("form", ["2021", "2021-11", "2021-11-17", "November 2021", "2021年11月"])
def test_since_and_until_date_forms(cli: Cli, form: str) -> None:
    # yuhang-cangxi figures are as of 2021-11-17, the xiaoshan ones as of 2022-02-10.
    assert ids(cli, "list", "--until", form) == CANGXI
    assert ids(cli, "list", "--since", form) == ALL


@pytest.mark.parametrize("form", ["2021-11-18", "2021-12", "2022", "December 2021", "2022年2月"])
def test_since_after_cangxi(cli: Cli, form: str) -> None:
    assert ids(cli, "list", "--since", form) == XIAOSHAN


@pytest.mark.parametrize("form", ["2021-11-16", "2021-10", "2020", "2021年10月"])
def test_until_before_everything(cli: Cli, form: str) -> None:
    assert ids(cli, "list", "--until", form) == set()


def test_since_and_until_together(cli: Cli) -> None:
    assert ids(cli, "list", "--since", "2022-02", "--until", "2022-02-10") == XIAOSHAN
    assert ids(cli, "list", "--since", "2021-11-17", "--until", "2021-11-17") == CANGXI
    assert ids(cli, "list", "--since", "2021-12", "--until", "2022-01") == set()


@pytest.mark.parametrize("form", ["39000000", "3900万", "3900万元", "0.39亿", "39,000,000元"])
def test_min_amount_forms(cli: Cli, form: str) -> None:
    assert ids(cli, "list", "--min", form) == AT_LEAST_3900_WAN


def test_min_in_yi(cli: Cli) -> None:
    assert ids(cli, "list", "--min", "2.22亿") == AT_LEAST_222_YI
    assert ids(cli, "list", "--min", "2.22亿元") == AT_LEAST_222_YI
    assert ids(cli, "list", "--min", "222000001") == {"cangxi-enterprise-investment"}


def test_max_amount(cli: Cli) -> None:
    below = MONEY - {"cangxi-enterprise-investment"}
    assert ids(cli, "list", "--max", "2.22亿") == below
    assert ids(cli, "list", "--max", "25万") == {
        "longquan-zhangfan-collective-income",
        "kangding-jiaren-donation",
    }
    assert ids(cli, "list", "--max", "229999") == set()


def test_min_and_max(cli: Cli) -> None:
    assert ids(cli, "list", "--min", "3900万", "--max", "2.22亿") == AT_LEAST_3900_WAN - {
        "cangxi-enterprise-investment"
    }
    assert ids(cli, "list", "--min", "3900万元", "--max", "39000000") == {"cangxi-special-fund"}


def test_money(cli: Cli) -> None:
    assert ids(cli, "list", "--money") == MONEY
    assert ids(cli, "list", "--money", "--pair", "旺苍") == {
        "wangcang-donations",
        "wangcang-furniture-city",
        "wangcang-park-funds",
        "wangcang-shop-sales",
    }


def test_search(cli: Cli) -> None:
    assert ids(cli, "list", "--search", "校服") == UNIFORMS
    assert ids(cli, "list", "--search", "专项资金", "--pair", "苍溪", "--money") == where(
        lambda r: (
            r["pairing"] == "yuhang-cangxi"
            and r["amount_yuan"] is not None
            and ("专项资金" in r["item"] or "专项资金" in r["quote"])
        )
    )
    assert ids(cli, "list", "--search", "没有这样的文字") == set()


def test_search_is_case_insensitive_for_latin_text(cli: Cli) -> None:
    assert ids(cli, "list", "--search", "NO SUCH TEXT") == set()


def test_every_filter_at_once(cli: Cli) -> None:
    assert ids(
        cli,
        "list",
        "--pair",
        "萧山",
        "--kind",
        "对口支援",
        "--category",
        "社会帮扶",
        "--year",
        "2021",
        "--since",
        "2022",
        "--until",
        "2022年2月",
        "--min",
        "50万",
        "--max",
        "1.3亿",
        "--money",
        "--search",
        "校服",
    ) == {"kangding-paper-plane-donation", "kangding-uniforms-donation"}


# ─── sort, limit, columns ─────────────────────────────────────────────────────────────────


def test_sort_amount_desc_limit(cli: Cli) -> None:
    assert ordered_ids(cli, "list", "--sort", "amount_yuan", "--desc", "--limit", "3") == [
        "cangxi-enterprise-investment",
        "kangding-tea-investment",
        "cangxi-online-sales",
    ]


def test_sort_puts_missing_values_last_both_ways(cli: Cli) -> None:
    args = ("list", "--pair", "旺苍", "--category", "财政援助", "--sort", "amount_yuan")
    assert ordered_ids(cli, *args) == [
        "wangcang-furniture-city",
        "wangcang-park-funds",
        "wangcang-park-funds-share",
    ]
    assert ordered_ids(cli, *args, "--desc") == [
        "wangcang-park-funds",
        "wangcang-furniture-city",
        "wangcang-park-funds-share",
    ]
    full = ordered_ids(cli, "list", "--sort", "amount_yuan", "--desc")
    assert set(full[:25]) == MONEY
    assert set(full[25:]) == ALL - MONEY


def test_sort_year_puts_missing_years_last(cli: Cli) -> None:
    order = ordered_ids(cli, "list", "--pair", "龙泉", "--sort", "year", "--desc")
    assert order[0] == "longquan-science-park-area"
    assert set(order[-5:]) == where(lambda r: r["year"] is None)


def test_sort_ascending_by_amount(cli: Cli) -> None:
    order = ordered_ids(cli, "list", "--money", "--sort", "amount_yuan", "-n", "2")
    assert order == ["longquan-zhangfan-collective-income", "kangding-jiaren-donation"]


def test_columns_in_csv(cli: Cli) -> None:
    result = cli(
        "list", "--pair", "旺苍", "--category", "财政援助", "--columns", "id,amount_yuan", "--csv"
    )
    assert csv_rows(result) == [
        ["id", "amount_yuan"],
        ["wangcang-furniture-city", "20000000"],
        ["wangcang-park-funds", "39780000"],
        ["wangcang-park-funds-share", ""],
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
    ],
)
@pytest.mark.parametrize("command", [("list",), ("filter", "id~-")])
def test_bad_value_exits_2_with_one_line(
    cli: Cli, command: tuple[str, ...], args: tuple[str, ...], mentions: str
) -> None:
    line = usage_error(cli(*command, *args))
    assert mentions in line


# ─── filter expressions ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("amount_yuan=3900万", {"cangxi-special-fund"}),
        ("amount_yuan==39000000", {"cangxi-special-fund"}),
        ("amount_yuan = 0.39亿元", {"cangxi-special-fund"}),
        ("amount_yuan>2.22亿", {"cangxi-enterprise-investment"}),
        ("amount_yuan>=2.22亿", AT_LEAST_222_YI),
        ("amount_yuan>=3900万", AT_LEAST_3900_WAN),
        (
            "amount_yuan<79万",
            {
                "longquan-zhangfan-collective-income",
                "kangding-jiaren-donation",
                "wangcang-shop-sales",
            },
        ),
        (
            "amount_yuan<=79万",
            {
                "longquan-zhangfan-collective-income",
                "kangding-jiaren-donation",
                "wangcang-shop-sales",
                "kangding-paper-plane-donation",
            },
        ),
        ("amount_yuan~3978", {"wangcang-park-funds"}),
        ("amount_yuan>100亿", set()),
        ("year=2022", YEAR_2022),
        ("year>=2022", YEAR_2022),
        ("year>2021", YEAR_2022),
        ("year<2021", set()),
        ("year<=2021", where(lambda r: r["year"] == 2021)),
        ("year=null", where(lambda r: r["year"] is None)),
        ("as_of<2022-01", CANGXI),
        ("as_of<2022", CANGXI),
        ("as_of<=2021-11-17", CANGXI),
        ("as_of=2021-11", CANGXI),
        ("as_of=November 2021", CANGXI),
        ("as_of=2021年11月", CANGXI),
        ("as_of!=2022-02-10", CANGXI),
        ("as_of>2021-11", XIAOSHAN),
        ("as_of>=2022-02-10", XIAOSHAN),
        ("as_of>2022-02-10", set()),
        ("as_of~2021", CANGXI),
        ("cumulative=true", CUMULATIVE),
        ("cumulative=false", ALL - CUMULATIVE),
        ("part_of=null", ALL - PART_OF_SET),
        ("part_of!=null", PART_OF_SET),
        ("part_of=", ALL - PART_OF_SET),
        (
            "part_of=cangxi-special-fund",
            PART_OF_SET - {"cangxi-medical-equipment", "wangcang-furniture-city"},
        ),
        ("pairing=苍溪", CANGXI),
        ("pairing=蒼溪", CANGXI),
        ("pairing=cang xi", CANGXI),
        ("pairing=萧山", XIAOSHAN),
        ("pairing!=苍溪", XIAOSHAN),
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
        (
            "stage=planned",
            {"kangding-tea-taxes", "wangcang-demo-village", "wangcang-digital-platform-modules"},
        ),
        ("figure=3900万元", {"cangxi-special-fund"}),
        ("id~special", {"cangxi-special-fund"}),
        ("value>300000000", {"cangxi-enterprise-investment"}),
        ("value=79.5", {"wangcang-park-funds-share"}),
    ],
)
def test_filter_expression(cli: Cli, expression: str, expected: set[str]) -> None:
    assert ids(cli, "filter", expression) == expected


def test_filter_not_equal_amount_with_money(cli: Cli) -> None:
    assert ids(cli, "filter", "amount_yuan!=3900万", "--money") == MONEY - {"cangxi-special-fund"}


def test_filter_expressions_are_anded(cli: Cli) -> None:
    big_fiscal = {
        "cangxi-special-fund",
        "cangxi-factory-investment",
        "kangding-support-funds",
        "wangcang-furniture-city",
        "wangcang-park-funds",
    }
    assert ids(cli, "filter", "amount_yuan>=1000万", "category=财政援助") == big_fiscal
    assert ids(cli, "filter", "amount_yuan>=1000万", "category=财政援助", "part_of=null") == (
        big_fiscal - {"cangxi-factory-investment", "wangcang-furniture-city"}
    )
    assert ids(cli, "filter", "year!=2021", "year!=null") == YEAR_2022
    assert ids(cli, "filter", "quote~校服", "amount_yuan>=100万") == {"kangding-uniforms-donation"}


def test_filter_with_shared_filters(cli: Cli) -> None:
    assert ids(cli, "filter", "amount_yuan>=1000万", "category=财政援助", "--pair", "萧山") == {
        "kangding-support-funds",
        "wangcang-furniture-city",
        "wangcang-park-funds",
    }
    assert ids(cli, "filter", "as_of<2022-01", "--pair", "萧山") == set()
    assert ids(cli, "filter", "unit=人", "--category", "人才交流", "--pair", "旺苍") == {
        "wangcang-professionals",
        "wangcang-teachers-doctors-to-xiaoshan",
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
        ["kangding-support-funds", "59390000"],
        ["wangcang-park-funds", "39780000"],
    ]


def test_filter_unknown_field_lists_valid_fields(cli: Cli) -> None:
    line = usage_error(cli("filter", "nosuch=1"))
    assert "nosuch" in line
    for field in ("amount_yuan", "pairing", "as_of", "category", "year"):
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


def test_filter_value_containing_equals(cli: Cli) -> None:
    result = ok(cli("filter", "quote~a=b", "--json"))
    assert json.loads(result.stdout) == []
    assert ids(cli, "filter", "note~79.7万元 = 3439.7") == {"cangxi-factory-investment"}


def test_filter_never_evaluates_python(cli: Cli) -> None:
    assert ids(cli, "filter", "item~__import__('os').system('false')") == set()
    usage_error(cli("filter", "__import__('os')=1"))


# ─── empty results ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--pair", "绿园"),
        ("list", "--min", "100亿"),
        ("list", "--search", "没有"),
        ("filter", "amount_yuan>100亿"),
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
