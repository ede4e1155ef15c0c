"""Totals a reporter can quote (issue 15, part 1): each finding, checked against the articles'
figures written out here, and a property test over generated databases.

Expected values are literals checked by hand against data/records*.yaml, or sums computed in
this file from the raw JSON; xiezuo's own code computes none of them.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, record_doc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from xiezuo_cli.cli.app import app
from xiezuo_cli.present import terminal

Cli = Callable[..., Result]
Row = dict[str, Any]
RAW = json.loads(BUNDLED.read_text(encoding="utf-8"))


def json_out(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def at_80(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI on a terminal 80 columns wide (no pager, no colour)."""
    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: True)
    runner = CliRunner()

    def invoke(*args: str, width: int = 80) -> str:
        env = {"NO_COLOR": "1", "COLUMNS": str(width), "TERM": "dumb", "XIEZUO_DB": str(BUNDLED)}
        table = [] if "--format" in args else ["--format", "table"]
        result = runner.invoke(app, [*args, *table, "--no-pager"], env=env)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    return invoke


# ─── 1. a running total is never added to a figure its period overlaps ────────────────────

# 浙江→四川's 财政资金: 52.788亿 from 2016 to 2021-06 (a running total) and 33亿 of 2021 to 2021-07.
SICHUAN_RUNNING = (5_278_800_000, "2016", "2021-06", "overlap")
SICHUAN_2021 = (3_300_000_000, "2021", "2021-07", None)
SUM_OF_BOTH = 5_278_800_000 + 3_300_000_000


def _fiscal(rows: Iterable[Row]) -> list[tuple]:
    return [
        (row["amount_yuan"], row["period_start"], row["period_end"], row["apart"])
        for row in rows
        if row["category"] == "财政援助" and row["measure"] == "财政资金"
    ]


@pytest.mark.parametrize(
    "by",
    ["pairing", "category", "measure", "kind", "level", "stage", "actor", "provider", "receiver"],
)
def test_the_running_total_and_the_2021_figure_are_two_rows_in_every_view(
    cli: Cli, by: str
) -> None:
    rows = json_out(cli, "funds", "--pair", "浙江-四川", "--by", by)
    assert _fiscal(rows) == [SICHUAN_RUNNING, SICHUAN_2021]
    every = json_out(cli, "funds", "--by", by)
    assert SUM_OF_BOTH not in {row["amount_yuan"] for row in every}


def test_pairs_show_report_and_the_roll_up_never_add_them(cli: Cli, at_80: Cli) -> None:
    (pairs,) = json_out(cli, "pairs", "--pair", "浙江-四川")
    assert (pairs["fiscal_aid_yuan"], pairs["fiscal_aid_measure"]) == (None, "财政资金")
    shown = json_out(cli, "show", "浙江-四川")
    assert _fiscal(shown["funds"]) == [SICHUAN_RUNNING, SICHUAN_2021]
    rolled = json_out(
        cli, "funds", "--in", "四川", "--category", "财政援助", "--roll-up", "province"
    )
    reported = [r for r in rolled if r["basis"] == "reported"]
    assert _fiscal(reported) == [SICHUAN_RUNNING, SICHUAN_2021]
    for args in (
        ("report", "--pair", "浙江-四川"),
        ("show", "浙江-四川"),
        ("funds", "--pair", "浙江-四川"),
        ("pairs",),
        ("funds", "--in", "四川", "--roll-up", "province"),
    ):
        text = at_80(*args)
        assert "857,880" not in text, args
    table = at_80("funds", "--pair", "浙江-四川")
    assert "2016–2021-06" in table and "累计：该行是一个累计数" in table


def test_the_running_total_row_carries_its_period_and_why(cli: Cli) -> None:
    rows = json_out(cli, "funds", "--pair", "浙江-四川", "--category", "财政援助", "--explain")
    by_id = {row["id"]: row for row in rows}
    assert by_id["sichuan-fiscal-2016-2021"]["overlaps"] == "sichuan-fiscal-2021"
    assert by_id["sichuan-fiscal-2021"]["overlaps"] == "sichuan-fiscal-2016-2021"
    assert by_id["sichuan-fiscal-2021"]["counted"] is True


# ─── 2. "in 2021" means the same for --year and --during ──────────────────────────────────


def test_kangding_in_2021(cli: Cli, at_80: Cli) -> None:
    """The article: 5,939万 in the half year from 2021-06 (to early 2022), and donated goods
    of 25万, 130万 and 79万 under 2021年. Only the donations lie within 2021."""
    year = json_out(cli, "funds", "--pair", "康定", "--year", "2021")
    during = json_out(cli, "funds", "--pair", "康定", "--during", "2021")
    donations = ("社会帮扶", "捐款捐物", 250_000 + 1_300_000 + 790_000, 3, "2021", "2021", None)

    def short(rows: list[Row]) -> list[tuple]:
        return [
            (
                r["category"],
                r["measure"],
                r["amount_yuan"],
                r["records"],
                r["period_start"],
                r["period_end"],
                r["apart"],
            )
            for r in rows
        ]

    assert short(year) == [donations]
    assert short(during) == [
        ("财政援助", "各类帮扶资金", 59_390_000, 1, "2021-06", "2022-02", "window"),
        ("财政援助", "各类帮扶资金", 180_000_000, 1, "2021-06", "2024-05", "window"),
        donations,
    ]
    table = at_80("funds", "--pair", "康定", "--year", "2021")
    assert "kangding-support-funds（2021-06–2022-02，5,939万元）" in table
    assert "--during" in table


@pytest.mark.parametrize("year", range(2016, 2027))
def test_year_and_during_add_the_same_figures(cli: Cli, year: int) -> None:
    added = json_out(cli, "funds", "--year", str(year))
    during = json_out(cli, "funds", "--during", str(year))
    assert [row for row in during if row["apart"] != "window"] == added
    # and what --during shows apart reaches beyond the year
    for row in during:
        if row["apart"] == "window":
            start, end = row["period_start"], row["period_end"]
            assert not (start and end and start[:4] == end[:4] == str(year)), row


def test_a_part_counts_when_its_whole_reaches_beyond_the_years(cli: Cli) -> None:
    explained = json_out(cli, "funds", "--pair", "康定", "--during", "2021", "--explain")
    reasons = {row["id"]: (row["counted"], row["reason"]) for row in explained}
    assert reasons["kangding-funds-total"] == (False, "window")
    assert reasons["kangding-jiaren-donation"] == (True, "summed")  # its whole is not counted


# ─── 3. every table that lists money shows its stage ──────────────────────────────────────


def _line(text: str, needle: str) -> str:
    """The one line of the table row of ``needle`` (an id, or a cell): where it stands as a
    cell, not where another row's remarks name it (含于 X, 已被 X 修订)."""
    found = []
    for line in text.splitlines():
        tokens = line.split()
        if needle.strip() not in tokens:
            continue
        at = tokens.index(needle.strip())
        if at and tokens[at - 1] in ("含于", "已被", "修订"):
            continue
        found.append(line)
    (line,) = found
    return line


def test_report_shows_allocated_and_pledged_money_as_such(at_80: Cli) -> None:
    text = at_80("report", "--pair", "康定", "--year", "2021")
    assert "安排/分配" in _line(text, "kangding-allocation-2021")
    pledged = _line(text, "kangding-tea-investment")
    assert "22,200" in pledged and "签约/意向" in pledged
    lines = text.splitlines()
    after = lines[lines.index(pledged) + 1]
    assert "（已修订）" in pledged + after


def test_show_lists_money_with_its_stage(at_80: Cli) -> None:
    text = at_80("show", "康定")
    assert "签约/意向" in _line(text, "kangding-tea-investment-2023")
    assert "签约/意向" in _line(text, "kangding-tea-investment")
    assert "预计" in _line(text, "kangding-tea-taxes")
    assert "实际" in _line(text, "kangding-support-funds")


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--pair", "康定", "--money"),
        ("filter", "pairing", "eq", "康定", "amount_yuan", "gt", "0"),
        ("export", "--pair", "康定", "--money", "--format", "table"),
        ("funds", "--pair", "康定", "--stage", "pledged", "--stage", "actual", "--explain"),
    ],
)
def test_record_tables_show_the_stage_of_each_figure(at_80: Cli, args: tuple[str, ...]) -> None:
    text = at_80(*args)
    if "编号: " in text:  # too narrow for a table: each row a block, its stage a line of it
        blocks = text.split("\n\n")
        (block,) = [b for b in blocks if "编号:         kangding-tea-investment-2023" in b]
        assert re.search(r"阶段: +签约/意向", block), block
        return
    assert "签约/意向" in _line(text, "kangding-tea-investment-2023")


def test_a_stage_all_rows_share_may_hide_and_is_then_named(at_80: Cli) -> None:
    # 苍溪's actual figures only: on 64 columns the stage column goes, and the line says which
    text = at_80("list", "--pair", "苍溪", "--stage", "actual", width=64)
    assert "阶段" not in text.splitlines()[0]
    assert "阶段（均为实际）" in text
    # with an allocated figure among them, it stays (or each row is a block, with its stage)
    text = at_80("list", "--pair", "苍溪", width=64)
    if "编号: " in text:
        assert text.count("阶段: ") == 40
    else:
        assert "阶段" in text.splitlines()[0]


# ─── 4. a ranking says what it ranks ──────────────────────────────────────────────────────


def test_pairs_rows_show_measure_and_period(cli: Cli, at_80: Cli) -> None:
    rows = {r["id"]: r for r in json_out(cli, "pairs", "--level", "county")}
    kangding, chaotian = rows["xiaoshan-kangding"], rows["binjiang-chaotian"]
    assert (
        kangding["fiscal_aid_measure"],
        kangding["fiscal_aid_period_start"],
        kangding["fiscal_aid_period_end"],
    ) == ("各类帮扶资金", "2021-06", "2024-05")
    assert (
        chaotian["fiscal_aid_measure"],
        chaotian["fiscal_aid_period_start"],
        chaotian["fiscal_aid_period_end"],
    ) == ("财政资金", "2021", "2024-09")
    text = at_80("pairs", "--level", "county", "--sort", "fiscal_aid_yuan", "--desc")
    line = _line(text, "xiaoshan-kangding")
    assert "约18,000" in line and "各类帮扶" in line and "2021-06–2024-05" in line
    assert "2021–2024-09" in _line(text, "binjiang-chaotian")
    assert "比较、排序时看这两栏" in text.replace("\n", "")


# ─── 5. a figure we worked out is marked as ours ──────────────────────────────────────────

DERIVED = {
    "wangcang-project-funds-2021",
    "wangcang-allocation-2021",
    "kangding-allocation-2021",
    "cangxi-allocation-2021",
}


def test_derived_figures_are_marked_in_the_contract(cli: Cli) -> None:
    records = json_out(cli, "export")
    assert {r["id"] for r in records if r["derived"]} == DERIVED
    assert all((r["derivation"] is not None) == r["derived"] for r in records)
    project = next(r for r in records if r["id"] == "wangcang-project-funds-2021")
    assert project["approx"] == "exact"  # never the article's 约
    assert "3978万元" in project["derivation"] and "79.5%" in project["derivation"]


def test_derived_figures_say_so_in_every_table(cli: Cli, at_80: Cli) -> None:
    assert "推算5,004" in _line(at_80("list", "--pair", "旺苍"), "wangcang-project-funds-2021")
    assert "推算5,204" in _line(at_80("pairs"), "xiaoshan-wangcang")
    assert "推算5,204" in _line(at_80("funds", "--pair", "旺苍"), "财政援助")
    explained = at_80("funds", "--pair", "旺苍", "--category", "财政援助", "--explain")
    assert "推算：3978万元" in explained.replace("\n", "").replace(" ", "")
    assert "约5,004" not in at_80("show", "旺苍")


def test_derived_figures_count_by_default_and_no_derived_leaves_them_out(cli: Cli) -> None:
    (row,) = json_out(cli, "funds", "--pair", "旺苍", "--category", "财政援助")
    assert (row["amount_yuan"], row["derived"]) == (50_040_000 + 2_000_000, True)
    (row,) = json_out(cli, "funds", "--pair", "旺苍", "--category", "财政援助", "--no-derived")
    # the 3978万 园区共建资金 count in the worked-out whole's place (the 2000万 inside them)
    assert (row["amount_yuan"], row["derived"]) == (39_780_000 + 2_000_000, False)


def test_a_database_written_before_derivation_still_loads(
    cli: Cli, db_copy: Callable[..., Path]
) -> None:
    def drop(data: dict[str, Any]) -> None:
        for doc in data["record"].values():
            doc.pop("derivation", None)

    db = str(db_copy(drop))
    result = cli("validate", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert not any(r["derived"] for r in json_out(cli, "export", "--db", db))

    def bad(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-special-fund")["derivation"] = 5

    result = cli("validate", "--db", str(db_copy(bad)))
    assert result.exit_code == 3
    assert "derivation" in result.stderr


# ─── 7. an empty answer always says why ───────────────────────────────────────────────────


def test_the_issues_empty_funds_says_why(at_80: Cli) -> None:
    text = at_80(
        "funds", "--pair", "康定", "-c", "产业合作", "--stage", "pledged", "--as-of", "2022-01-01"
    )
    assert "0 行" in text
    # 2.22亿 and its revision 3.2亿 were published after 2022-01-01
    assert "去掉 --as-of 2022-01-01 则有 2 条" in text


REASONS = ("没有匹配", "另有匹配记录未计入", "匹配的", "期间跨出", "还没有任何")


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--pair", "苍溪", "--year", "2030"),
        ("filter", "year", "eq", "2030"),
        ("export", "--category", "成效", "--stage", "pledged", "--format", "table"),
        ("funds", "--pair", "绿园"),
        ("funds", "--pair", "苍溪", "--category", "人才交流"),
        ("funds", "--pair", "苍溪", "--explain", "--year", "2030"),
        ("funds", "--counts", "--pair", "苍溪", "--category", "财政援助", "--stage", "pledged"),
        ("funds", "--in", "四川", "--roll-up", "province", "--year", "2030"),
        ("report", "--pair", "绿园"),
        ("report", "--per", "year", "--year", "2030"),
        ("show", "绿园"),
        ("show", "苍溪", "--year", "2030"),
        ("pairs", "--kind", "对口合作", "--level", "province", "--in", "四川"),
    ],
)
def test_every_empty_table_says_why(at_80: Cli, args: tuple[str, ...]) -> None:
    text = at_80(*args)
    assert any(reason in text for reason in REASONS), text


# ─── the property: generated databases ────────────────────────────────────────────────────

PAIRINGS = ["yuhang-cangxi", "xiaoshan-wangcang", "binjiang-chaotian"]
MEASURES = {"财政援助": ["协作资金", "财政捐赠"], "社会帮扶": ["捐款捐物"], "消费帮扶": ["采购额"]}
FAMILY = {"协作资金": "财政资金", "财政捐赠": "财政资金"}


def _first(date: str) -> str:
    return {4: date + "-01-01", 7: date + "-01"}.get(len(date), date)


def _last(date: str) -> str:
    if len(date) == 4:
        return date + "-12-31"
    if len(date) == 7:
        return f"{date}-{calendar.monthrange(int(date[:4]), int(date[5:]))[1]:02d}"
    return date


def _may_overlap(a: Row, b: Row) -> bool:
    a0 = _first(a["period_start"]) if a["period_start"] else "0000"
    a1 = _last(a["period_end"]) if a["period_end"] else "9999"
    b0 = _first(b["period_start"]) if b["period_start"] else "0000"
    b1 = _last(b["period_end"]) if b["period_end"] else "9999"
    return a0 <= b1 and b0 <= a1


_period = st.one_of(
    st.tuples(st.integers(2019, 2023), st.integers(1, 12), st.integers(0, 30)).map(
        lambda t: (f"{t[0]}-{t[1]:02d}", _month_after(t[0], t[1], t[2]))
    ),
    st.integers(2019, 2023).map(lambda y: (str(y), str(y))),
    st.tuples(st.integers(2019, 2022), st.integers(0, 3)).map(
        lambda t: (str(t[0]), str(t[0] + t[1]))
    ),
    st.integers(2019, 2023).map(lambda y: (None, str(y))),
)


def _month_after(year: int, month: int, months: int) -> str:
    index = year * 12 + month - 1 + months
    return f"{index // 12}-{index % 12 + 1:02d}"


_figure = st.fixed_dictionaries(
    {
        "pairing": st.sampled_from(PAIRINGS),
        "category": st.sampled_from(sorted(MEASURES)),
        "measure_index": st.integers(0, 1),
        "stage": st.sampled_from(["actual", "actual", "actual", "allocated"]),
        "running": st.booleans(),
        "amount": st.integers(1, 500).map(lambda n: n * 100_000),
        "approx": st.sampled_from(["exact", "exact", "at_least", "about"]),
        "period": _period,
        "part_of": st.one_of(st.none(), st.integers(0, 30)),
        "derived": st.integers(0, 5).map(lambda n: n == 0),
    }
)


def _database(figures: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Row]]:
    """A valid database of the bundled places and pairings and these figures: each part fits its
    whole (same pairing, category... of the money); overlapping running totals of one measure
    are linked or made items, as validate requires."""
    pairings = {p["id"]: p for p in RAW["pairing"].values()}
    places = {p["id"]: p for p in RAW["place"].values()}
    source = {
        "id": "s1",
        "title": "测试",
        "publisher": "测试",
        "author": None,
        "published": "2024-12-31",
        "published_inferred": False,
        "url": None,
        "reprint_of": None,
        "excerpt_only": False,
        "text_held": False,
        "text_file": None,
        "note": None,
    }
    docs: list[Row] = []
    room: dict[str, int] = {}
    for number, figure in enumerate(figures):
        measures = MEASURES[figure["category"]]
        measure = measures[figure["measure_index"] % len(measures)]
        start, end = figure["period"]
        pairing = pairings[figure["pairing"]]
        provider, receiver = places[pairing["provider"]], places[pairing["receiver"]]
        year = int(start[:4]) if start and end and start[:4] == end[:4] else None
        doc = {
            "id": f"r-{number}",
            "pairing": pairing["id"],
            "kind": pairing["kind"],
            "level": receiver["level"],
            "provider": provider["full_name"],
            "provider_code": provider["code"],
            "receiver": receiver["full_name"],
            "receiver_code": receiver["code"],
            "category": figure["category"],
            "item": "测试",
            "measure": measure,
            "value": figure["amount"],
            "unit": "元",
            "amount_yuan": figure["amount"],
            "approx": figure["approx"],
            "period_start": start,
            "period_end": end,
            "year": year,
            "cumulative": bool(start or end) and year is None,
            "as_of": "2024-12-31",
            "stage": figure["stage"],
            "actor": "government",
            "scope": "running_total" if figure["running"] else "item",
            "part_of": None,
            "revises": None,
            "citations": [{"source": "s1", "quote": None, "note": None}],
            "note": None,
            "derivation": "1 × 2" if figure["derived"] else None,
            "figure": f"{figure['amount']}元",
        }
        whole_index = figure["part_of"]
        if whole_index is not None and whole_index < len(docs):
            whole = docs[whole_index]
            if whole["pairing"] == doc["pairing"] and room[whole["id"]] >= doc["amount_yuan"]:
                doc["part_of"] = whole["id"]
                room[whole["id"]] -= doc["amount_yuan"]
        room[doc["id"]] = doc["amount_yuan"]
        docs.append(doc)
    by_id = {doc["id"]: doc for doc in docs}

    def linked(a: Row, b: Row) -> bool:
        for first, second in ((a, b), (b, a)):
            current: Row | None = first
            while current is not None and current["part_of"]:
                if current["part_of"] == second["id"]:
                    return True
                current = by_id[current["part_of"]]
        return False

    totals: list[Row] = []
    for doc in docs:  # validate: overlapping running totals of one thing must be linked
        if doc["scope"] != "running_total":
            continue
        same = [
            t
            for t in totals
            if all(t[k] == doc[k] for k in ("pairing", "category", "measure", "stage"))
            and _may_overlap(t, doc)
            and not linked(t, doc)
        ]
        if same:
            doc["scope"] = "item"
        else:
            totals.append(doc)
    data = {
        "meta": RAW["meta"],
        "place": RAW["place"],
        "pairing": RAW["pairing"],
        "source": {**RAW["source"], "9999": source},
        "record": {str(i + 1): doc for i, doc in enumerate(docs)},
    }
    return data, docs


def _touches(doc: Row, year: int) -> bool:
    """--during: the period overlaps the year, as far as it is known (an open end covers only
    the end that is given)."""
    start, end = doc["period_start"], doc["period_end"]
    if start is None and end is None:
        return False
    return _first(start or end) <= f"{year}-12-31" and _last(end or start) >= f"{year}-01-01"


def _inside(doc: Row, year: int) -> bool:
    start, end = doc["period_start"], doc["period_end"]
    return bool(start and end and start[:4] == end[:4] == str(year))


def expected_rows(
    docs: list[Row], pairing: str | None = None, during: int | None = None
) -> dict[tuple, list[tuple]]:
    """funds' rows by (pairing, category, family, level, stage), written independently: actual
    money of the flows; a figure is skipped when a whole up its part_of chain (within the
    selection) is summed; in each key, a running total overlapping another summed figure of its
    measure is a row of its own, the rest one row. With ``during`` (--during YEAR): the figures
    that touch the year are selected, those in it summed, the others shown alone (window) unless
    a summed whole holds them. Each row as (amount, records, earliest start, latest end, apart)."""
    chosen = [d for d in docs if pairing is None or d["pairing"] == pairing]
    if during is not None:
        chosen = [d for d in chosen if _touches(d, during)]
    by_id = {d["id"]: d for d in chosen}
    actual = [d for d in chosen if d["stage"] == "actual"]
    candidates = {d["id"] for d in actual if during is None or _inside(d, during)}

    def hidden(doc: Row) -> bool:
        current = doc
        while current["part_of"] and current["part_of"] in by_id:
            if current["part_of"] in candidates:
                return True
            current = by_id[current["part_of"]]
        return False

    summed = [d for d in chosen if d["id"] in candidates and not hidden(d)]
    beyond = [d for d in actual if d["id"] not in candidates and not hidden(d)]
    groups: dict[tuple, list[Row]] = {}
    for doc in summed:
        key = (
            doc["pairing"],
            doc["category"],
            FAMILY.get(doc["measure"], doc["measure"]),
            doc["level"],
            doc["stage"],
        )
        groups.setdefault(key, []).append(doc)
    out: dict[tuple, list[tuple]] = {}
    for key, members in groups.items():
        alone = [
            d
            for d in members
            if d["scope"] == "running_total"
            and any(
                o is not d
                and all(o[k] == d[k] for k in ("pairing", "category", "measure"))
                and _may_overlap(o, d)
                for o in summed
            )
        ]
        rest = [d for d in members if d not in alone]
        rows = [([d], "overlap") for d in alone] + ([(rest, None)] if rest else [])
        for part, apart in rows:
            starts = [d["period_start"] for d in part]
            ends = [d["period_end"] for d in part]
            out.setdefault(key, []).append(
                (
                    sum(d["amount_yuan"] for d in part),
                    len(part),
                    None if None in starts else min(starts, key=_first),
                    None if None in ends else max(ends, key=_last),
                    apart,
                )
            )
    for doc in beyond:
        key = (
            doc["pairing"],
            doc["category"],
            FAMILY.get(doc["measure"], doc["measure"]),
            doc["level"],
            doc["stage"],
        )
        row = (doc["amount_yuan"], 1, doc["period_start"], doc["period_end"], "window")
        out.setdefault(key, []).append(row)
    return {key: sorted(rows, key=str) for key, rows in out.items()}


def _got(rows: list[Row]) -> dict[tuple, list[tuple]]:
    out: dict[tuple, list[tuple]] = {}
    for row in rows:
        key = (row["pairing"], row["category"], row["measure"], row["level"], row["stage"])
        out.setdefault(key, []).append(
            (
                row["amount_yuan"],
                row["records"],
                row["period_start"],
                row["period_end"],
                row["apart"],
            )
        )
    return {key: sorted(rows, key=str) for key, rows in out.items()}


_SUBTOTAL = re.compile(r"(?:小计|单列)（[^）]*）\s+(?:推算)?约?≥?([\d,]+)")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(figures=st.lists(_figure, min_size=1, max_size=14), year=st.integers(2019, 2023))
def test_totals_over_generated_databases(
    tmp_path_factory: pytest.TempPathFactory, figures: list[dict[str, Any]], year: int
) -> None:
    data, docs = _database(figures)
    db = tmp_path_factory.mktemp("generated") / "db.json"
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    env = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb", "XIEZUO_DB": str(db)}

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--no-index"], env=env)
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout

    # funds: its rows are the independent sum, row for row
    rows = json.loads(run("funds", "--json"))
    assert _got(rows) == expected_rows(docs)
    # never a running total added to a figure of its measure whose period overlaps it
    explained = {r["id"]: r for r in json.loads(run("funds", "--explain", "--json"))}
    by_id = {d["id"]: d for d in docs}
    counted = [by_id[i] for i, r in explained.items() if r["counted"]]
    for total in counted:
        if total["scope"] != "running_total":
            continue
        clash = [
            o
            for o in counted
            if o is not total
            and all(o[k] == total[k] for k in ("pairing", "category", "measure", "stage"))
            and _may_overlap(o, total)
        ]
        if clash:
            assert any(
                row["apart"] == "overlap"
                and row["records"] == 1
                and row["amount_yuan"] == total["amount_yuan"]
                and (row["period_start"], row["period_end"])
                == (total["period_start"], total["period_end"])
                for row in rows
            ), total["id"]
    # "in YEAR": --during adds the figures that lie in the year and shows the rest apart;
    # --year adds the same figures
    during = json.loads(run("funds", "--during", str(year), "--json"))
    assert _got(during) == expected_rows(docs, during=year)
    in_year = json.loads(run("funds", "--year", str(year), "--json"))
    assert in_year == [row for row in during if row["apart"] != "window"]
    # every --by keeps the sum of what is counted
    for by in ("year", "category", "level"):
        by_rows = json.loads(run("funds", "--by", by, "--json"))
        assert sum(r["amount_yuan"] for r in by_rows) == sum(d["amount_yuan"] for d in counted)
    # pairs: the 财政资金 total when it is one sum, else none
    for pair in json.loads(run("pairs", "--json")):
        if pair["id"] not in PAIRINGS:
            continue
        expected = [
            row
            for key, rows_of in expected_rows(docs, pair["id"]).items()
            if key[1:3] == ("财政援助", "财政资金")
            for row in rows_of
        ]
        if len(expected) == 1:
            assert pair["fiscal_aid_yuan"] == expected[0][0]
        else:
            assert pair["fiscal_aid_yuan"] is None
    # show and report: the same rows, pairing by pairing
    for pairing in PAIRINGS:
        want = expected_rows(docs, pairing)
        if not any(d["pairing"] == pairing for d in docs):
            continue
        shown = json.loads(run("show", pairing, "--json"))["funds"]
        assert _got([{**row, "pairing": pairing} for row in shown]) == want
        table = run("report", "--pair", pairing, "--format", "table", "--unit", "元")
        subtotals = sorted(int(m.replace(",", "")) for m in _SUBTOTAL.findall(table))
        assert subtotals == sorted(row[0] for rows_of in want.values() for row in rows_of)
