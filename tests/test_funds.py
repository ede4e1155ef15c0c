"""`xiezuo funds`: exact totals that count nothing twice and never add unlike things.

Every expectation is computed twice: written out as literals checked by hand against
data/records.yaml and data/records-facts.yaml, and summed independently from those YAML files
(figures parsed here, pairings and places from pairings.yaml and places.yaml) by the rules of
docs/model-v2.md, without xiezuo's own loader.

The rules, as the tests read them: only money (yuan) of the four flows is added; only one stage
(actual unless --stage says); a figure that a later one revises gives way to it; a part is
skipped only when its whole is counted in the same run; category, measure family, level and
stage are always in the key (协作资金 and 财政捐赠 are both the family 财政资金); a running total
is never added to a figure of its pairing, category, measure and stage whose period may overlap
its own (an open end reaches anywhere): it is a row of its own (apart "overlap"); every row
carries the earliest start and latest end of its figures and whether a derived figure is in it.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, one_error_line, record_doc
from rich.cells import cell_len
from typer.testing import Result

Invoke = Callable[..., Result]
Row = dict[str, Any]

FLOWS = ("财政援助", "社会帮扶", "消费帮扶", "产业合作")
ALWAYS = ("category", "measure", "level", "stage")
TOTAL_FIELDS = (
    *("amount_yuan", "at_least", "about", "records"),
    *("period_start", "period_end", "apart", "derived"),
)
# Added to every row of totals (issue 15): compared against the oracle; the literal rows below
# give the sums, marks and counts.
ADDED_FIELDS = ("period_start", "period_end", "apart", "derived")
FUNDS_HEADER = (
    "pairing,category,measure,level,stage,amount_yuan,at_least,about,records,"
    "period_start,period_end,apart,derived"
)
EXPLAIN_COLUMNS = [
    "id",
    "pairing",
    "level",
    "category",
    "measure",
    "stage",
    "item",
    "amount_yuan",
    "approx",
    "counted",
    "reason",
    "part_of",
    "revised_by",
    "overlaps",
    "derived",
    "derivation",
]
BAR_CHARS = "█▏▎▍▌▋▊▉"
AID_LABEL = "帮扶资金合计"
AID_MEASURE = "财政资金＋捐款捐物"


# ─── the raw data, read without xiezuo ─────────────────────────────────────────────────────


def _load_yaml(name: str) -> Any:
    with open(DATA / name, encoding="utf-8") as file:
        return yaml.safe_load(file)


RAW_RECORDS: list[dict[str, Any]] = [
    *_load_yaml("records.yaml"),
    *_load_yaml("records-facts.yaml"),
]
PAIRINGS = {p["id"]: p for p in _load_yaml("pairings.yaml")}
PLACES = {p["id"]: p for p in _load_yaml("places.yaml")}
# docs/model-v2.md: the money measures that sum under one family; any other is its own.
FAMILY = {"协作资金": "财政资金", "财政捐赠": "财政资金"}
_MONEY = re.compile(r"(约|近|超过|超)?(\d+(?:\.\d+)?)(余|多)?(万|亿)?(余|多)?元")
_SCALE = {None: 1, "万": 10**4, "亿": 10**8}


def money(figure: str) -> tuple[int, str]:
    """A money figure as the article writes it (约5004万元, 2780万余元) in exact yuan."""
    match = _MONEY.fullmatch(figure)
    assert match, figure
    prefix, number, more, scale, more_after = match.groups()
    amount = Decimal(number) * _SCALE[scale]
    assert amount == int(amount), figure
    if prefix in ("约", "近"):
        approx = "about"
    elif prefix in ("超", "超过") or more or more_after:
        approx = "at_least"
    else:
        approx = "exact"
    return int(amount), approx


def _period(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    period = raw.get("period")
    if not period:
        return None, None
    start, end = period
    return (None if start is None else str(start)), (None if end is None else str(end))


def raw_view(raw: dict[str, Any]) -> Row:
    """One YAML record with the fields a total groups on, derived here from the YAML."""
    pairing = PAIRINGS[raw["pairing"]]
    provider, receiver = PLACES[pairing["provider"]], PLACES[pairing["receiver"]]
    if "unit" in raw:  # value + unit: not money (a count, a rate, a foreign currency)
        amount, approx, unit = None, raw.get("approx", "exact"), raw["unit"]
    else:
        (amount, approx), unit = money(raw["figure"]), "元"
    start, end = _period(raw)
    year = int(start[:4]) if start and end and start[:4] == end[:4] else None
    span = None
    if year is None and (start or end):
        span = f"{start[:4] if start else '…'}–{end[:4] if end else '…'}"
    return {
        "id": raw["id"],
        "pairing": raw["pairing"],
        "kind": pairing["kind"],
        "level": receiver["level"],
        "provider": provider["full_name"],
        "receiver": receiver["full_name"],
        "category": raw["category"],
        "measure": FAMILY.get(raw["measure"], raw["measure"]),
        "stage": raw["stage"],
        "actor": raw["actor"],
        "part_of": raw.get("part_of"),
        "revises": raw.get("revises"),
        "amount_yuan": amount,
        "approx": approx,
        "year": year,
        "span": span,
        "scope": raw.get("scope", "item"),
        "raw_measure": raw["measure"],
        "unit": unit,
        "period_start": start,
        "period_end": end,
        "derived": bool(raw.get("derivation")),
    }


RAW = {raw["id"]: raw for raw in RAW_RECORDS}
VIEWS = [raw_view(raw) for raw in RAW_RECORDS]
VIEW = {row["id"]: row for row in VIEWS}


def summed(
    selection: Iterable[Row],
    stages: Collection[str] = ("actual",),
    every: Iterable[Row] | None = None,
) -> list[Row]:
    """The records a total adds, by the documented rules; ``every`` is where revisions are
    looked for (all records, not only the selection)."""
    selection = list(selection)
    by_id = {row["id"]: row for row in selection}
    revised_by = {row["revises"]: row["id"] for row in (every or VIEWS) if row["revises"]}
    candidates = {
        row["id"]
        for row in selection
        if row["amount_yuan"] is not None
        and row["category"] in FLOWS
        and row["stage"] in stages
        and row["id"] not in revised_by
    }

    def whole_counted(row: Row) -> bool:
        current = row
        while current["part_of"]:
            whole = current["part_of"]
            if whole in candidates or revised_by.get(whole) in candidates:
                return True
            if whole not in by_id:
                return False
            current = by_id[whole]
        return False

    return [row for row in selection if row["id"] in candidates and not whole_counted(row)]


def columns(*by: str) -> tuple[str, ...]:
    """The grouping columns of `funds --by …`: as given (year brings span), then the four
    never added together."""
    fields: list[str] = []
    for name in by or ("pairing", "category"):
        if name not in fields:
            fields.append(name)
        if name == "year" and "span" not in fields:
            fields.append("span")
    return (*fields, *(name for name in ALWAYS if name not in fields))


def _first(date: str) -> str:
    return {4: date + "-01-01", 7: date + "-01"}.get(len(date), date)


def _last(date: str) -> str:
    import calendar

    if len(date) == 4:
        return date + "-12-31"
    if len(date) == 7:
        return f"{date}-{calendar.monthrange(int(date[:4]), int(date[5:]))[1]:02d}"
    return date


def overlapping(a: Row, b: Row) -> bool:
    """A running total and a figure of its pairing, category, measure, stage and unit whose
    periods may share a day (an open end reaches anywhere on its side)."""
    if "running_total" not in (a["scope"], b["scope"]) or a["id"] == b["id"]:
        return False
    same = ("pairing", "category", "raw_measure", "stage", "unit")
    if any(a[name] != b[name] for name in same):
        return False
    a_first = _first(a["period_start"]) if a["period_start"] else "0000"
    a_last = _last(a["period_end"]) if a["period_end"] else "9999"
    b_first = _first(b["period_start"]) if b["period_start"] else "0000"
    b_last = _last(b["period_end"]) if b["period_end"] else "9999"
    return a_first <= b_last and b_first <= a_last


def expected_totals(
    fields: Sequence[str],
    selection: Iterable[Row] | None = None,
    stages: Collection[str] = ("actual",),
    every: Iterable[Row] | None = None,
) -> dict[tuple, Row]:
    """Totals keyed by the grouping values and the row's period and apart (by_key), from the
    YAML alone: in each group, a running total that overlaps another summed figure of its
    measure is a row of its own; the rest make one row."""
    groups: dict[tuple, list[Row]] = {}
    chosen = summed(VIEWS if selection is None else selection, stages, every)
    for row in chosen:
        groups.setdefault(tuple(row[field] for field in fields), []).append(row)
    out: dict[tuple, Row] = {}
    for key, members in groups.items():
        alone = [  # also when the other figure is in another row (--by year)
            row
            for row in members
            if row["scope"] == "running_total" and any(overlapping(row, other) for other in chosen)
        ]
        rest = [row for row in members if row not in alone]
        parts = [([row], "overlap") for row in alone] + ([(rest, None)] if rest else [])
        for rows, apart in parts:
            starts = [row["period_start"] for row in rows]
            ends = [row["period_end"] for row in rows]
            total = {
                **dict(zip(fields, key, strict=True)),
                "amount_yuan": sum(row["amount_yuan"] for row in rows),
                "at_least": any(row["approx"] == "at_least" for row in rows),
                "about": any(row["approx"] == "about" for row in rows),
                "records": len(rows),
                "period_start": None if None in starts else min(starts, key=_first),
                "period_end": None if None in ends else max(ends, key=_last),
                "apart": apart,
                "derived": any(row["derived"] for row in rows),
            }
            out[(*key, total["period_start"], total["period_end"], apart)] = total
    return out


def by_key(rows: Iterable[Row], fields: Sequence[str]) -> dict[tuple, Row]:
    """Rows keyed as expected_totals keys them: a key shared by rows kept apart is told apart by
    their periods."""
    rows = list(rows)
    result = {
        (
            *(row[field] for field in fields),
            row["period_start"],
            row["period_end"],
            row["apart"],
        ): row
        for row in rows
    }
    assert len(result) == len(rows), "a row appears twice"
    return result


def core_rows(cli: Invoke) -> list[Row]:
    """Every funds row but those kept apart (one row per key)."""
    return [row for row in json_out(cli, "funds", "--json") if row["apart"] is None]


def core(rows: Iterable[Row]) -> list[Row]:
    """Rows without the fields added in issue 15, to compare with the literal rows."""
    return [{k: v for k, v in row.items() if k not in ADDED_FIELDS} for row in rows]


def of_pairing(pairing: str, rows: Iterable[Row] = VIEWS) -> list[Row]:
    return [row for row in rows if row["pairing"] == pairing]


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def json_out(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def export(cli: Invoke, *args: str) -> list[Row]:
    return json_out(cli, "export", "--format", "json", *args)


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


def bar_lines(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if any(ch in line for ch in BAR_CHARS) and "│" not in line
    ]


def total(pairing: str | None, category: str, measure: str, level: str, amount: int, **kw) -> Row:
    """One funds row as `funds --json` prints it (pairing None: not grouped by pairing)."""
    row: Row = {} if pairing is None else {"pairing": pairing}
    row.update(
        {
            "category": category,
            "measure": measure,
            "level": level,
            "stage": kw.get("stage", "actual"),
            "amount_yuan": amount,
            "at_least": kw.get("at_least", False),
            "about": kw.get("about", False),
            "records": kw.get("records", 1),
        }
    )
    return row


# ─── 苍溪: the user's main line ─────────────────────────────────────────────────────────────

# By hand from records.yaml and records-facts.yaml:
# 财政援助 财政资金: cangxi-special-fund 3900万 (协作资金) + cangxi-fiscal-donation 200万
#   (财政捐赠);
#   the factory 2360万, agriculture 800万, 陵江 200万 and aids 79.7万 are part_of the special
#   fund; cangxi-allocation-2021 (3900万) is allocated.
# 社会帮扶 捐款捐物: cangxi-social-funds 251万 (the medical equipment 100余万 is part of it; the
#   orphan grants are 元/人·年 rates).
# 消费帮扶 帮助销售额: cangxi-online-sales 8000万 + cangxi-hall-sales 280余万 (its four parts are
#   skipped) = ≥8280万; 采购额: cangxi-homestay-purchase 1085万 (cangxi-hall-group-purchase
#   150余万 is part_of the hall's sales). The two measures are never one 9085万 or 9365万.
# 产业合作 投资额: cangxi-enterprise-investment 3.18亿.
CANGXI_ROWS = [
    total("yuhang-cangxi", "财政援助", "财政资金", "county", 41_000_000, records=2),
    total("yuhang-cangxi", "社会帮扶", "捐款捐物", "county", 2_510_000),
    total(
        "yuhang-cangxi", "消费帮扶", "帮助销售额", "county", 82_800_000, at_least=True, records=2
    ),
    total("yuhang-cangxi", "消费帮扶", "采购额", "county", 10_850_000),
    total("yuhang-cangxi", "产业合作", "投资额", "county", 318_000_000),
]

# Every pairing, by hand (the order funds prints: pairing id, then category, measure, level).
ALL_ROWS = [
    total("binjiang-chaotian", "财政援助", "财政资金", "county", 155_000_000),  # 1.55亿
    total("binjiang-chaotian", "社会帮扶", "捐款捐物", "county", 27_800_000, at_least=True),
    total("hangzhou-changchun", "产业合作", "投资额", "city", 1_000_000_000),  # 10亿
    # shiqu-support-2024 (1660万) is allocated: only the 96万 donations are actual money
    total("linping-shiqu", "社会帮扶", "捐款捐物", "county", 960_000),
    # 233.17亿 + 25.51亿
    total("lishui-partners", "产业合作", "到位资金", "city", 25_868_000_000, records=2),
    total("nantaihu-qingyuan", "产业合作", "投资额", "county", 12_619_000_000),
    # 近1.8亿 holds the 5939万 and the three social donations; the tea investment is pledged
    total("xiaoshan-kangding", "财政援助", "各类帮扶资金", "county", 180_000_000, about=True),
    total("xiaoshan-longquan", "财政援助", "财政资金", "county", 9_600_000),
    total(
        "xiaoshan-longquan",
        "消费帮扶",
        "采购额（全部结对地区）",
        "county",
        10_000_000,
        at_least=True,
    ),
    total("xiaoshan-longquan", "产业合作", "到位资金", "county", 3_910_000_000),  # 39.1亿
    # 5004万 (worked out: 3978万 ÷ 79.5%, the whole of 2021) + 200万 (the 2025 donation)
    total("xiaoshan-wangcang", "财政援助", "财政资金", "county", 52_040_000, records=2),
    # 860余万 + 27.5万 (the 20万 and 7.5万 are its parts)
    total(
        "xiaoshan-wangcang", "社会帮扶", "捐款捐物", "county", 8_875_000, at_least=True, records=2
    ),
    total("xiaoshan-wangcang", "消费帮扶", "帮助销售额", "county", 380_000),
    *CANGXI_ROWS,
    total("zhejiang-jilin", "产业合作", "投资额", "province", 3_844_000_000),  # 38.44亿
    # 52.788亿, a running total of 2016 to 2021-06, and 33亿 of 2021 to 2021-07: the first half
    # of 2021 is in both, so two rows, never 85.788亿
    total("zhejiang-sichuan", "财政援助", "财政资金", "province", 5_278_800_000),
    total("zhejiang-sichuan", "财政援助", "财政资金", "province", 3_300_000_000),
    # 52.31亿; the parks' 17亿 is part of it
    total("zhejiang-sichuan", "产业合作", "到位资金", "province", 5_231_000_000),
]


def test_cangxi_json_rows_are_exact(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--pair", "苍溪", "--json")
    assert core(rows) == CANGXI_ROWS
    assert by_key(rows, columns()) == expected_totals(columns(), of_pairing("yuhang-cangxi"))
    for row in rows:
        assert list(row) == [*columns(), *TOTAL_FIELDS]
        assert type(row["amount_yuan"]) is int
        assert type(row["records"]) is int
        assert type(row["at_least"]) is bool
        assert type(row["about"]) is bool


def test_cangxi_json_sum_agrees_with_a_sum_over_the_yaml(cli: Invoke) -> None:
    expected = expected_totals(columns(), of_pairing("yuhang-cangxi"))
    rows = json_out(cli, "funds", "--pair", "苍溪", "--json")
    assert by_key(rows, columns()) == expected
    fiscal = [r for r in summed(of_pairing("yuhang-cangxi")) if r["category"] == "财政援助"]
    assert sorted(r["id"] for r in fiscal) == ["cangxi-fiscal-donation", "cangxi-special-fund"]
    assert sum(r["amount_yuan"] for r in fiscal) == 41_000_000


def test_every_pairing_agrees_with_a_sum_over_the_yaml(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--json")
    assert core(rows) == ALL_ROWS
    assert by_key(rows, columns()) == expected_totals(columns())


def test_wangcang_fiscal_is_the_derived_2021_whole_plus_the_2025_donation(cli: Invoke) -> None:
    project, donation = RAW["wangcang-project-funds-2021"], RAW["wangcang-gov-donation-2025"]
    assert (project["figure"], project["measure"]) == ("5004万元", "协作资金")
    assert "3978万元" in project["derivation"] and "79.5%" in project["derivation"]
    assert (donation["figure"], donation["measure"]) == ("200万元", "财政捐赠")
    # the article has no 约 for it: derived, not approximate
    assert money(project["figure"]) == (50_040_000, "exact")
    (row,) = json_out(cli, "funds", "--pair", "旺苍", "--category", "财政援助", "--json")
    assert core([row]) == [
        total("xiaoshan-wangcang", "财政援助", "财政资金", "county", 52_040_000, records=2)
    ]
    assert (row["derived"], row["about"]) == (True, False)
    explained = json_out(
        cli, "funds", "--pair", "旺苍", "--category", "财政援助", "--explain", "--json"
    )
    counted = sorted(r["id"] for r in explained if r["counted"])
    assert counted == ["wangcang-gov-donation-2025", "wangcang-project-funds-2021"]
    # the donation is 财政捐赠, the project funds 协作资金: one family, 财政资金
    assert {r["measure"] for r in explained if r["counted"]} == {"财政资金"}


def test_pipe_default_is_csv_with_the_documented_header(cli: Invoke) -> None:
    result = cli("funds", "--pair", "苍溪")  # CliRunner's stdout is no terminal
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(FUNDS_HEADER.encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["category"], r["measure"], int(r["amount_yuan"]), r["records"]) for r in rows] == [
        ("财政援助", "财政资金", 41_000_000, "2"),
        ("社会帮扶", "捐款捐物", 2_510_000, "1"),
        ("消费帮扶", "帮助销售额", 82_800_000, "2"),
        ("消费帮扶", "采购额", 10_850_000, "1"),
        ("产业合作", "投资额", 318_000_000, "1"),
    ]
    assert [r["at_least"] for r in rows] == ["false", "false", "true", "false", "false"]
    assert {r["about"] for r in rows} == {"false"}
    assert {r["pairing"] for r in rows} == {"yuhang-cangxi"}
    assert {(r["level"], r["stage"]) for r in rows} == {("county", "actual")}


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
            "derived": str(r["derived"]).lower(),
            "period_start": r["period_start"] or "",
            "period_end": r["period_end"] or "",
            "apart": r["apart"] or "",
        }
        for r in as_json
    ]


# ─── part_of ──────────────────────────────────────────────────────────────────────────────


def test_part_of_is_not_added_to_its_whole(cli: Invoke) -> None:
    by_id = {r["id"]: r for r in export(cli)}
    # a chain: 2000万 furniture city ⊂ 3978万 park funds ⊂ 约5004万 project funds of 2021
    assert by_id["wangcang-furniture-city"]["part_of"] == "wangcang-park-funds"
    assert by_id["wangcang-furniture-city"]["amount_yuan"] == 20_000_000
    assert by_id["wangcang-park-funds"]["part_of"] == "wangcang-project-funds-2021"
    assert by_id["wangcang-park-funds"]["amount_yuan"] == 39_780_000
    assert by_id["wangcang-project-funds-2021"]["part_of"] is None
    rows = json_out(cli, "funds", "--pair", "旺苍", "--category", "财政援助", "--json")
    assert core(rows) == [
        total("xiaoshan-wangcang", "财政援助", "财政资金", "county", 52_040_000, records=2)
    ]


def _clear_part_of(record_id: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, record_id)["part_of"] = None

    return change


@pytest.mark.parametrize(
    ("record_id", "pair", "category", "before", "added"),
    [
        # parts of one-off figures (items): cleared, they add to the row of their whole
        ("wangcang-puyang-donation-media", "旺苍", "社会帮扶", 8_875_000, 200_000),
        ("cangxi-hall-compound-sales", "苍溪", "消费帮扶", 82_800_000, 150_000),
    ],
)
def test_clearing_part_of_grows_the_total_by_exactly_that_amount(
    cli: Invoke,
    db_copy: Callable[..., Path],
    record_id: str,
    pair: str,
    category: str,
    before: int,
    added: int,
) -> None:
    db = db_copy(_clear_part_of(record_id))
    measure = VIEW[record_id]["measure"]
    args = ("funds", "--pair", pair, "--category", category, "--json")
    (old,) = [r for r in json_out(cli, *args) if r["measure"] == measure]
    (new,) = [r for r in json_out(cli, *args, "--db", str(db)) if r["measure"] == measure]
    assert old["amount_yuan"] == before
    assert new["amount_yuan"] == before + added
    assert new["records"] == old["records"] + 1
    # and the independent sum over the changed YAML agrees
    changed = copy.deepcopy(VIEWS)
    next(row for row in changed if row["id"] == record_id)["part_of"] = None
    pairing = VIEW[record_id]["pairing"]
    assert new["pairing"] == pairing
    rows = [
        r
        for r in summed(of_pairing(pairing, changed))
        if r["category"] == category and r["measure"] == measure
    ]
    assert sum(r["amount_yuan"] for r in rows) == before + added


@pytest.mark.parametrize(
    ("record_id", "pair", "whole", "rest"),
    [
        # 2000万 of 2021, 协作资金, beside 旺苍's 2021 running total of 协作资金 (5004万) and the
        # 2025 donation; the park funds keep the furniture city inside them
        ("wangcang-furniture-city", "旺苍", 50_040_000, 20_000_000 + 2_000_000),
        ("wangcang-park-funds", "旺苍", 50_040_000, 39_780_000 + 2_000_000),
        # 800万 of 2021-05..11 beside 苍溪's 专项资金 running total (3900万) and 财政捐赠 200万
        ("cangxi-agriculture-investment", "苍溪", 39_000_000, 8_000_000 + 2_000_000),
    ],
)
def test_a_figure_in_a_running_totals_period_is_never_added_to_it(
    cli: Invoke, db_copy: Callable[..., Path], record_id: str, pair: str, whole: int, rest: int
) -> None:
    """Not declared part of it, a figure of a running total's measure in its period may still be
    in it: the running total is a row of its own (apart overlap), the rest another."""
    db = db_copy(_clear_part_of(record_id))
    args = ("funds", "--pair", pair, "--category", "财政援助", "--json", "--db", str(db))
    rows = json_out(cli, *args)
    assert [(r["amount_yuan"], r["apart"]) for r in rows] == [(whole, "overlap"), (rest, None)]
    changed = copy.deepcopy(VIEWS)
    next(row for row in changed if row["id"] == record_id)["part_of"] = None
    pairing = VIEW[record_id]["pairing"]
    fiscal = [r for r in of_pairing(pairing, changed) if r["category"] == "财政援助"]
    assert by_key(rows, columns()) == expected_totals(columns(), fiscal)
    explained = json_out(cli, *args, "--explain")
    cleared = next(r for r in explained if r["id"] == record_id)
    assert cleared["counted"] is True
    assert cleared["overlaps"] in ("wangcang-project-funds-2021", "cangxi-special-fund")


def test_a_part_counts_when_its_whole_is_not_in_the_result(cli: Invoke) -> None:
    # 康定's three donations (25万 + 130万 + 79万) are part of the 近1.8亿 各类帮扶资金 (财政援助):
    # skipped while it is counted, counted when it is filtered out.
    assert {
        VIEW[i]["part_of"]
        for i in (
            "kangding-jiaren-donation",
            "kangding-uniforms-donation",
            "kangding-paper-plane-donation",
            "kangding-support-funds",
        )
    } == {"kangding-funds-total"}
    rows = json_out(cli, "funds", "--pair", "康定", "--json")
    assert [row["category"] for row in rows] == ["财政援助"]
    donations = total("xiaoshan-kangding", "社会帮扶", "捐款捐物", "county", 2_340_000, records=3)
    assert core(json_out(cli, "funds", "--pair", "康定", "--category", "社会帮扶", "--json")) == [
        donations
    ]
    # before the 2024 article (甘孜日报 2024-05-28) there is no 1.8亿: the 5939万 is the best figure
    assert core(json_out(cli, "funds", "--pair", "康定", "--as-of", "2022-12-31", "--json")) == [
        total("xiaoshan-kangding", "财政援助", "各类帮扶资金", "county", 59_390_000),
        donations,
    ]
    # 旺苍 without the 约5004万 (over --max): the 3978万 it held counts, and still holds the 2000万
    rows = json_out(
        cli, "funds", "--pair", "旺苍", "--category", "财政援助", "--max", "4000万", "--json"
    )
    assert core(rows) == [
        total("xiaoshan-wangcang", "财政援助", "财政资金", "county", 41_780_000, records=2)
    ]
    selection = [
        r
        for r in of_pairing("xiaoshan-wangcang")
        if r["category"] == "财政援助" and r["amount_yuan"] and r["amount_yuan"] <= 40_000_000
    ]
    assert sorted(r["id"] for r in summed(selection)) == [
        "wangcang-gov-donation-2025",
        "wangcang-park-funds",
    ]


def test_an_approximate_figure_inside_a_whole_does_not_make_the_total_approximate(
    cli: Invoke,
) -> None:
    by_id = {r["id"]: r for r in export(cli)}
    medical = by_id["cangxi-medical-equipment"]
    assert (medical["approx"], medical["part_of"]) == ("at_least", "cangxi-social-funds")
    platform = by_id["cangxi-hall-platform-sales"]
    assert (platform["approx"], platform["part_of"]) == ("about", "cangxi-hall-sales")
    rows = keyed(json_out(cli, "funds", "--pair", "苍溪", "--json"), ("category", "measure"))
    social = rows["社会帮扶", "捐款捐物"]
    assert (social["amount_yuan"], social["at_least"], social["records"]) == (2_510_000, False, 1)
    sales = rows["消费帮扶", "帮助销售额"]
    assert (sales["amount_yuan"], sales["about"], sales["at_least"]) == (82_800_000, False, True)


# ─── ≥ and 约 ──────────────────────────────────────────────────────────────────────────────


def test_at_least_and_about_in_json_and_table(cli: Invoke) -> None:
    every = [r for r in json_out(cli, "funds", "--json") if r["apart"] is None]
    rows = keyed(every, ("pairing", "category", "measure"))
    assert rows["xiaoshan-wangcang", "社会帮扶", "捐款捐物"]["at_least"] is True
    # worked out, not 约: derived, never about
    assert rows["xiaoshan-wangcang", "财政援助", "财政资金"]["about"] is False
    assert rows["xiaoshan-wangcang", "财政援助", "财政资金"]["derived"] is True
    assert rows["xiaoshan-wangcang", "财政援助", "财政资金"]["at_least"] is False
    assert rows["yuhang-cangxi", "财政援助", "财政资金"]["at_least"] is False
    assert rows["xiaoshan-longquan", "消费帮扶", "采购额（全部结对地区）"]["at_least"] is True
    assert rows["xiaoshan-kangding", "财政援助", "各类帮扶资金"]["about"] is True

    table = cli("funds", "--pair", "旺苍", "--format", "table").stdout
    assert table_row(table, "萧山→旺苍", "社会帮扶") == [
        "萧山→旺苍", "社会帮扶", "捐款捐物", "县级", "实际", "≥887.5", "2",
    ]  # fmt: skip
    assert table_row(table, "萧山→旺苍", "财政援助") == [
        "萧山→旺苍", "财政援助", "财政资金", "县级", "实际", "推算5,204.0", "2",
    ]  # fmt: skip

    table = cli("funds", "--pair", "苍溪", "--format", "table").stdout
    assert table_row(table, "余杭→苍溪", "财政援助") == [
        "余杭→苍溪", "财政援助", "财政资金", "县级", "实际", "4,100", "2",
    ]  # fmt: skip
    assert table_row(table, "余杭→苍溪", "消费帮扶", "帮助销售额")[-2:] == ["≥8,280", "2"]


def test_an_at_least_record_makes_its_total_a_lower_bound(
    cli: Invoke, db_copy: Callable[..., Path]
) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-fiscal-donation")["approx"] = "at_least"

    db = db_copy(change)
    (row,) = json_out(
        cli, "funds", "--pair", "苍溪", "--category", "财政援助", "--json", "--db", str(db)
    )
    assert (row["amount_yuan"], row["at_least"], row["about"]) == (41_000_000, True, False)
    table = cli("funds", "--pair", "苍溪", "--format", "table", "--db", str(db)).stdout
    assert table_row(table, "余杭→苍溪", "财政援助") == [
        "余杭→苍溪", "财政援助", "财政资金", "县级", "实际", "≥4,100", "2",
    ]  # fmt: skip


def test_a_total_both_at_least_and_about_shows_both_marks(
    cli: Invoke, db_copy: Callable[..., Path]
) -> None:
    # 苍溪's 帮扶资金合计 in a copy where its 251万 is 约 and its 200万 余: the 约 part may be less,
    # so "≥4,351" alone would claim a lower bound the figures do not give.
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-social-funds")["approx"] = "about"
        record_doc(data, "cangxi-fiscal-donation")["approx"] = "at_least"

    db = str(db_copy(change))
    (aid,) = json_out(cli, "show", "苍溪", "--json", "--db", db)["aid_totals"]
    assert (aid["amount_yuan"], aid["at_least"], aid["about"]) == (43_510_000, True, True)
    table = cli("funds", "--pair", "苍溪", "--format", "table", "--db", db).stdout
    amount = table_row(table, "余杭→苍溪", AID_LABEL)[-2]
    assert amount == "约≥4,351", amount


def test_a_total_with_a_derived_figure_says_so(cli: Invoke) -> None:
    # 旺苍's 帮扶资金合计 = 5004万 (worked out) + 200万 + 860余万 + 27.5万: 推算, and a lower bound
    (aid,) = json_out(cli, "show", "旺苍", "--json")["aid_totals"]
    assert (aid["amount_yuan"], aid["at_least"], aid["about"]) == (60_915_000, True, False)
    assert aid["derived"] is True
    table = cli("funds", "--pair", "旺苍", "--format", "table").stdout
    assert table_row(table, "萧山→旺苍", AID_LABEL)[-2] == "推算≥6,091.5"
    assert "推算：含由文章的数字推算出的数" in table


# ─── outcomes, other stages, revisions and rates ─────────────────────────────────────────


def test_outcomes_are_never_summed(cli: Invoke) -> None:
    by_id = {r["id"]: r for r in export(cli)}
    taxes = by_id["kangding-tea-taxes"]
    assert (taxes["category"], taxes["stage"], taxes["amount_yuan"], taxes["year"]) == (
        "成效",
        "forecast",
        19_550_000,
        None,
    )
    assert by_id["longquan-village-income"]["category"] == "成效"
    assert (
        by_id["lishui-xiaobo-rebates"]["category"],
        by_id["lishui-xiaobo-rebates"]["stage"],
    ) == (
        "成效",
        "actual",
    )
    for pair in ("康定", "龙泉", "苍溪", "丽水"):
        rows = json_out(cli, "funds", "--pair", pair, "--json")
        assert {row["category"] for row in rows} <= set(FLOWS)
    for stage in ("actual", "forecast"):
        assert core(json_out(cli, "funds", "--category", "成效", "--stage", stage, "--json")) == []
    kangding = json_out(cli, "funds", "--pair", "康定", "--json")
    assert core(kangding) == [
        total("xiaoshan-kangding", "财政援助", "各类帮扶资金", "county", 180_000_000, about=True)
    ]
    longquan = keyed(json_out(cli, "funds", "--pair", "龙泉", "--json"), ("category", "measure"))
    assert {k: v["amount_yuan"] for k, v in longquan.items()} == {
        ("财政援助", "财政资金"): 9_600_000,
        ("消费帮扶", "采购额（全部结对地区）"): 10_000_000,
        ("产业合作", "到位资金"): 3_910_000_000,
    }  # never the 1000万 village income, the 23万 collective income or the 20亿 forecast output


def test_planned_flows_are_never_summed(cli: Invoke, db_copy: Callable[..., Path]) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-enterprise-investment")["stage"] = "planned"

    db = db_copy(change)
    rows = json_out(cli, "funds", "--pair", "苍溪", "--json", "--db", str(db))
    assert [row["category"] for row in rows] == ["财政援助", "社会帮扶", "消费帮扶", "消费帮扶"]
    explained = json_out(cli, "funds", "--pair", "苍溪", "--explain", "--json", "--db", str(db))
    row = next(r for r in explained if r["id"] == "cangxi-enterprise-investment")
    assert (row["counted"], row["reason"], row["stage"]) == (False, "stage", "planned")
    planned = json_out(
        cli, "funds", "--pair", "苍溪", "--stage", "planned", "--json", "--db", str(db)
    )
    assert core(planned) == [
        total("yuhang-cangxi", "产业合作", "投资额", "county", 318_000_000, stage="planned")
    ]


def test_stages_are_counted_apart_and_never_added(cli: Invoke) -> None:
    # the tea base's investment is pledged (签约), the 松茸 purchase pledged (意向书)
    assert (
        VIEW["kangding-tea-investment"]["stage"],
        VIEW["kangding-songrong-purchase"]["stage"],
    ) == (
        "pledged",
        "pledged",
    )
    explained = json_out(cli, "funds", "--pair", "康定", "--explain", "--json")
    reasons = {r["id"]: (r["counted"], r["reason"]) for r in explained}
    assert reasons["kangding-tea-investment-2023"] == (False, "stage")
    assert reasons["kangding-allocation-2021"] == (False, "stage")
    rows = json_out(
        cli, "funds", "--pair", "康定", "--stage", "actual", "--stage", "pledged", "--json"
    )
    assert core(rows) == [
        total("xiaoshan-kangding", "财政援助", "各类帮扶资金", "county", 180_000_000, about=True),
        total("xiaoshan-kangding", "消费帮扶", "采购额", "county", 5_000_000, stage="pledged"),
        total("xiaoshan-kangding", "产业合作", "投资额", "county", 320_000_000, stage="pledged"),
    ]
    assert by_key(rows, columns()) == expected_totals(
        columns(), of_pairing("xiaoshan-kangding"), stages=("actual", "pledged")
    )
    # allocations: 康定's 5000万 (derived 档) is its own stage, apart from the actual 近1.8亿
    allocated = json_out(cli, "funds", "--pair", "康定", "--stage", "allocated", "--json")
    assert core(allocated) == [
        total("xiaoshan-kangding", "财政援助", "财政资金", "county", 50_000_000, stage="allocated")
    ]


def test_a_revised_figure_gives_way_to_its_revision(cli: Invoke) -> None:
    assert VIEW["kangding-tea-investment-2023"]["revises"] == "kangding-tea-investment"
    args = ("funds", "--pair", "康定", "--category", "产业合作", "--stage", "pledged")
    assert core(json_out(cli, *args, "--json")) == [
        total("xiaoshan-kangding", "产业合作", "投资额", "county", 320_000_000, stage="pledged")
    ]  # 3.2亿, never 2.22亿 + 3.2亿
    explained = {r["id"]: r for r in json_out(cli, *args, "--explain", "--json")}
    old = explained["kangding-tea-investment"]
    assert (old["counted"], old["reason"], old["revised_by"]) == (
        False,
        "revised",
        "kangding-tea-investment-2023",
    )
    new = explained["kangding-tea-investment-2023"]
    assert (new["counted"], new["reason"], new["revised_by"]) == (True, "summed", None)
    # as known in mid-2022 (before the 2023-01-16 article): 2.22亿
    assert core(json_out(cli, *args, "--as-of", "2022-06-30", "--json")) == [
        total("xiaoshan-kangding", "产业合作", "投资额", "county", 222_000_000, stage="pledged")
    ]
    # before the 萧山日报 of 2022-02-10 nothing was published
    assert core(json_out(cli, *args, "--as-of", "2021-12-31", "--json")) == []


def test_rates_are_never_summed(cli: Invoke) -> None:
    rates = [r for r in export(cli) if r["unit"].startswith("元/")]
    assert sorted(r["id"] for r in rates) == [
        "cangxi-orphan-grant-high",
        "cangxi-orphan-grant-middle",
        "cangxi-orphan-grant-primary",
        "longquan-park-tax-per-mu",
        "shiqu-charity-sale-yearly",
        "sichuan-rate-5000",
        "sichuan-rate-liangshan",
        "sichuan-rate-other",
    ]
    assert sorted(r["id"] for r in rates) == sorted(
        raw["id"] for raw in RAW_RECORDS if str(raw.get("unit", "")).startswith("元/")
    )
    assert all(r["amount_yuan"] is None for r in rates)
    assert core(json_out(cli, "funds", "--pair", "苍溪", "--category", "成效", "--json")) == []
    (social,) = json_out(cli, "funds", "--pair", "苍溪", "--category", "社会帮扶", "--json")
    assert (social["measure"], social["amount_yuan"]) == ("捐款捐物", 2_510_000)
    # 浙川's per-county standards (6000万, 5000万, 3900万 元/县) are never a 1.49亿 total
    assert (
        core(json_out(cli, "funds", "--pair", "浙江→四川", "--stage", "allocated", "--json")) == []
    )


def test_measures_are_never_added(cli: Invoke) -> None:
    rows = keyed(json_out(cli, "funds", "--pair", "苍溪", "--json"), ("category", "measure"))
    assert rows["消费帮扶", "帮助销售额"]["amount_yuan"] == 82_800_000
    assert rows["消费帮扶", "采购额"]["amount_yuan"] == 10_850_000
    assert [r["amount_yuan"] for r in rows.values() if r["category"] == "消费帮扶"] == [
        82_800_000,
        10_850_000,
    ]
    # 各类帮扶资金 (government and social money together) is never added to 财政资金
    rows = json_out(
        cli, "funds", "--pair", "萧山", "--category", "财政援助", "--by", "category", "--json"
    )
    assert core(rows) == [
        total(None, "财政援助", "各类帮扶资金", "county", 180_000_000, about=True),
        total(None, "财政援助", "财政资金", "county", 61_640_000, records=3),
    ]  # 推算5004万 + 200万 (旺苍) + 960万 (龙泉)


def test_levels_are_never_added(cli: Invoke) -> None:
    rows = json_out(
        cli, "funds", "--in", "四川", "--by", "category", "--category", "财政援助", "--json"
    )
    assert core(rows) == [
        total(None, "财政援助", "各类帮扶资金", "county", 180_000_000, about=True),
        # 2016 to 2021-06 (running total) and 2021 to 2021-07: two rows, never one 85.788亿
        total(None, "财政援助", "财政资金", "province", 5_278_800_000),
        total(None, "财政援助", "财政资金", "province", 3_300_000_000),
        # 苍溪 4100万 + 旺苍 推算5204万 + 朝天 1.55亿
        total(None, "财政援助", "财政资金", "county", 248_040_000, records=5),
    ]
    in_sichuan = [r for r in VIEWS if PLACES[PAIRINGS[r["pairing"]]["receiver"]]["id"][:2] == "51"]
    fiscal = [r for r in in_sichuan if r["category"] == "财政援助"]
    assert by_key(rows, columns("category")) == expected_totals(columns("category"), fiscal)


def test_categories_are_never_added_together_in_machine_output(cli: Invoke) -> None:
    for by in (
        [],
        ["--by", "pairing"],
        ["--by", "year"],
        ["--by", "kind"],
        ["--by", "provider"],
        ["--by", "measure"],
        ["--by", "level"],
        ["--by", "stage"],
        ["--by", "actor"],
    ):
        rows = json_out(cli, "funds", *by, "--json")
        assert rows
        assert all(row["category"] in FLOWS for row in rows), by
        assert all(AID_LABEL not in json.dumps(row, ensure_ascii=False) for row in rows)
        fields = [key for key in rows[0] if key not in TOTAL_FIELDS]
        assert set(ALWAYS) <= set(fields)
        by_key(rows, fields)  # one row per group (and period): no category-less grand total
    csv_text = cli("funds", "--by", "year", "--csv").stdout
    assert AID_LABEL not in csv_text


def test_aid_total_line_is_fiscal_plus_social(cli: Invoke) -> None:
    table = cli("funds", "--format", "table").stdout
    aid_rows = [cells(line) for line in table.splitlines() if AID_LABEL in line.split()]
    labels = [row[0] for row in aid_rows]
    # only where both 财政援助 (财政资金) and 社会帮扶 (捐款捐物) are in the result: not 康定
    # (各类帮扶资金, its donations inside it), 龙泉 (no donations), 临平→石渠 (its 1660万 is
    # allocated)
    assert sorted(labels) == sorted(["余杭→苍溪", "萧山→旺苍", "滨江→朝天"])
    assert table_row(table, "余杭→苍溪", AID_LABEL) == [
        "余杭→苍溪", AID_LABEL, AID_MEASURE, "县级", "实际", "2021-05–2021-11", "4,351.0", "3",
    ]  # fmt: skip
    assert table_row(table, "滨江→朝天", AID_LABEL) == [
        "滨江→朝天", AID_LABEL, AID_MEASURE, "县级", "实际", "2021–2024-09", "≥18,280.0", "2",
    ]  # fmt: skip
    assert table_row(table, "萧山→旺苍", AID_LABEL) == [
        "萧山→旺苍", AID_LABEL, AID_MEASURE, "县级", "实际", "2021–2025-10-21", "推算≥6,091.5", "4",
    ]  # fmt: skip
    assert "帮扶资金合计＝财政援助（财政资金）＋社会帮扶（捐款捐物）" in table
    rows = keyed(core_rows(cli), ("pairing", "category", "measure"))
    assert (
        rows["yuhang-cangxi", "财政援助", "财政资金"]["amount_yuan"]
        + rows["yuhang-cangxi", "社会帮扶", "捐款捐物"]["amount_yuan"]
        == 43_510_000
    )
    # one part alone makes no 合计
    for args in (
        ("--pair", "苍溪", "--category", "财政援助"),
        ("--pair", "龙泉"),
        ("--pair", "康定"),
    ):
        text = cli("funds", *args, "--format", "table").stdout
        assert AID_LABEL not in text, args


# ─── --by ─────────────────────────────────────────────────────────────────────────────────


def _rows(cli: Invoke, *by: str) -> list[Row]:
    args = [arg for field in by for arg in ("--by", field)]
    return json_out(cli, "funds", *args, "--json")


def _short(rows: Iterable[Row], *first: str) -> list[tuple]:
    return [
        (
            *(r[name] for name in first),
            r["category"],
            r["measure"],
            r["level"],
            r["amount_yuan"],
            r["at_least"],
            r["about"],
            r["records"],
        )
        for r in rows
    ]


# By hand: the single years first, then the multi-year spans (text order, … last), then the
# one figure with no period at all (长春传化公路港's 10亿).
YEAR_ROWS = [
    (2021, None, "财政援助", "财政资金", "province", 3_300_000_000, False, False, 1),
    # 苍溪 3900万 + 200万, 旺苍 约5004万
    (2021, None, "财政援助", "财政资金", "county", 91_040_000, False, False, 3),
    # 苍溪 251万 + 旺苍 860余万
    (2021, None, "社会帮扶", "捐款捐物", "county", 11_110_000, True, False, 2),
    # 苍溪 8000万 + 旺苍 38万
    (2021, None, "消费帮扶", "帮助销售额", "county", 80_380_000, False, False, 2),
    (2021, None, "消费帮扶", "采购额", "county", 10_850_000, False, False, 1),
    (2021, None, "消费帮扶", "采购额（全部结对地区）", "county", 10_000_000, True, False, 1),
    (2021, None, "产业合作", "到位资金", "province", 5_231_000_000, False, False, 1),
    (2021, None, "产业合作", "投资额", "county", 318_000_000, False, False, 1),
    # 浦阳镇商会 27.5万 + 临平→石渠 96万
    (2024, None, "社会帮扶", "捐款捐物", "county", 1_235_000, False, False, 2),
    (2025, None, "财政援助", "财政资金", "county", 2_000_000, False, False, 1),
    (None, "2012–2017", "产业合作", "到位资金", "county", 3_910_000_000, False, False, 1),
    (None, "2016–2021", "财政援助", "财政资金", "province", 5_278_800_000, False, False, 1),
    (None, "2021–2022", "消费帮扶", "帮助销售额", "county", 2_800_000, True, False, 1),
    (None, "2021–2024", "财政援助", "各类帮扶资金", "county", 180_000_000, False, True, 1),
    (None, "2021–2024", "财政援助", "财政资金", "county", 155_000_000, False, False, 1),
    (None, "2021–2024", "社会帮扶", "捐款捐物", "county", 27_800_000, True, False, 1),
    (None, "…–2022", "财政援助", "财政资金", "county", 9_600_000, False, False, 1),
    (None, "…–2024", "产业合作", "到位资金", "city", 25_868_000_000, False, False, 2),
    (None, "…–2024", "产业合作", "投资额", "county", 12_619_000_000, False, False, 1),
    (None, "…–2026", "产业合作", "投资额", "province", 3_844_000_000, False, False, 1),
    (None, None, "产业合作", "投资额", "city", 1_000_000_000, False, False, 1),
]


def test_by_year(cli: Invoke) -> None:
    rows = _rows(cli, "year")
    assert [list(r) for r in rows] == [[*columns("year"), *TOTAL_FIELDS]] * len(YEAR_ROWS)
    assert columns("year") == ("year", "span", "category", "measure", "level", "stage")
    assert _short(rows, "year", "span") == YEAR_ROWS
    assert {r["stage"] for r in rows} == {"actual"}
    assert by_key(rows, columns("year")) == expected_totals(columns("year"))


def test_by_year_and_category_is_the_same_as_by_year(cli: Invoke) -> None:
    rows = _rows(cli, "year", "category")
    assert _short(rows, "year", "span") == YEAR_ROWS
    assert rows == _rows(cli, "year")
    assert rows == _rows(cli, "year", "year")


def test_by_year_table_names_the_span_of_a_multi_year_row(cli: Invoke) -> None:
    # (浙川's 2016–2021 running total overlaps its 2021 row: the table shows every row's period)
    table = cli("funds", "--by", "year", "--format", "table").stdout
    assert cells(table.splitlines()[0])[:2] == ["年份", "跨年"]
    assert table_row(table, "2021–2024", "财政援助", "各类帮扶资金") == [
        "2021–2024", "财政援助", "各类帮扶资金", "县级", "实际", "2021-06–2024-05",
        "约18,000.0", "1",
    ]  # fmt: skip
    assert table_row(table, "…–2022", "财政援助") == [
        "…–2022", "财政援助", "财政资金", "县级", "实际", "…–2022-02", "960.0", "1",
    ]  # fmt: skip
    assert table_row(table, "2021", "产业合作", "投资额") == [
        "2021", "产业合作", "投资额", "县级", "实际", "2021-05–2021-11", "31,800.0", "1",
    ]  # fmt: skip


def test_by_kind(cli: Invoke) -> None:
    rows = _rows(cli, "kind")
    assert _short(rows, "kind") == [
        ("东西部协作", "财政援助", "财政资金", "province", 5_278_800_000, False, False, 1),
        ("东西部协作", "财政援助", "财政资金", "province", 3_300_000_000, False, False, 1),
        # 苍溪 4100万 + 旺苍 推算5204万 + 朝天 1.55亿
        ("东西部协作", "财政援助", "财政资金", "county", 248_040_000, False, False, 5),
        # 苍溪 251万 + 旺苍 ≥887.5万 + 朝天 2780万余
        ("东西部协作", "社会帮扶", "捐款捐物", "county", 39_185_000, True, False, 4),
        ("东西部协作", "消费帮扶", "帮助销售额", "county", 83_180_000, True, False, 3),
        ("东西部协作", "消费帮扶", "采购额", "county", 10_850_000, False, False, 1),
        ("东西部协作", "产业合作", "到位资金", "province", 5_231_000_000, False, False, 1),
        ("东西部协作", "产业合作", "投资额", "county", 318_000_000, False, False, 1),
        ("对口合作", "产业合作", "投资额", "province", 3_844_000_000, False, False, 1),
        ("对口合作", "产业合作", "投资额", "city", 1_000_000_000, False, False, 1),
        ("对口支援", "财政援助", "各类帮扶资金", "county", 180_000_000, False, True, 1),
        ("对口支援", "社会帮扶", "捐款捐物", "county", 960_000, False, False, 1),
        ("山海协作", "财政援助", "财政资金", "county", 9_600_000, False, False, 1),
        ("山海协作", "消费帮扶", "采购额（全部结对地区）", "county", 10_000_000, True, False, 1),
        ("山海协作", "产业合作", "到位资金", "city", 25_868_000_000, False, False, 2),
        ("山海协作", "产业合作", "到位资金", "county", 3_910_000_000, False, False, 1),
        ("山海协作", "产业合作", "投资额", "county", 12_619_000_000, False, False, 1),
    ]
    assert by_key(rows, columns("kind")) == expected_totals(columns("kind"))


def test_by_provider(cli: Invoke) -> None:
    rows = _rows(cli, "provider")
    assert sorted(_short(rows, "provider")) == sorted(
        [
            (
                "丽水市山海协作结对各方",
                "产业合作",
                "到位资金",
                "city",
                25_868_000_000,
                False,
                False,
                2,
            ),
            ("杭州市", "产业合作", "投资额", "city", 1_000_000_000, False, False, 1),
            ("杭州市临平区", "社会帮扶", "捐款捐物", "county", 960_000, False, False, 1),
            ("杭州市余杭区", "财政援助", "财政资金", "county", 41_000_000, False, False, 2),
            ("杭州市余杭区", "社会帮扶", "捐款捐物", "county", 2_510_000, False, False, 1),
            ("杭州市余杭区", "消费帮扶", "帮助销售额", "county", 82_800_000, True, False, 2),
            ("杭州市余杭区", "消费帮扶", "采购额", "county", 10_850_000, False, False, 1),
            ("杭州市余杭区", "产业合作", "投资额", "county", 318_000_000, False, False, 1),
            ("杭州市滨江区", "财政援助", "财政资金", "county", 155_000_000, False, False, 1),
            ("杭州市滨江区", "社会帮扶", "捐款捐物", "county", 27_800_000, True, False, 1),
            ("杭州市萧山区", "财政援助", "各类帮扶资金", "county", 180_000_000, False, True, 1),
            # 旺苍 推算5204万 + 龙泉 960万
            ("杭州市萧山区", "财政援助", "财政资金", "county", 61_640_000, False, False, 3),
            ("杭州市萧山区", "社会帮扶", "捐款捐物", "county", 8_875_000, True, False, 2),
            ("杭州市萧山区", "消费帮扶", "帮助销售额", "county", 380_000, False, False, 1),
            (
                "杭州市萧山区",
                "消费帮扶",
                "采购额（全部结对地区）",
                "county",
                10_000_000,
                True,
                False,
                1,
            ),
            ("杭州市萧山区", "产业合作", "到位资金", "county", 3_910_000_000, False, False, 1),
            ("浙江省", "财政援助", "财政资金", "province", 5_278_800_000, False, False, 1),
            ("浙江省", "财政援助", "财政资金", "province", 3_300_000_000, False, False, 1),
            ("浙江省", "产业合作", "到位资金", "province", 5_231_000_000, False, False, 1),
            ("浙江省", "产业合作", "投资额", "province", 3_844_000_000, False, False, 1),
            ("湖州市南太湖新区", "产业合作", "投资额", "county", 12_619_000_000, False, False, 1),
        ]
    )
    assert by_key(rows, columns("provider")) == expected_totals(columns("provider"))


def test_by_receiver_actor_and_pairing_with_year(cli: Invoke) -> None:
    for by in (("receiver",), ("actor",), ("pairing", "year"), ("stage", "measure")):
        rows = _rows(cli, *by)
        fields = columns(*by)
        assert by_key(rows, fields) == expected_totals(fields), by
        assert [list(r) for r in rows] == [[*fields, *TOTAL_FIELDS]] * len(rows)


def test_csv_header_follows_by(cli: Invoke) -> None:
    result = cli("funds", "--by", "year", "--by", "kind", "--csv")
    assert result.stdout.splitlines()[0] == (
        "year,span,kind,category,measure,level,stage,amount_yuan,at_least,about,records,"
        "period_start,period_end,apart,derived"
    )
    result = cli("funds", "--by", "stage", "--by", "pairing", "--csv")
    assert result.stdout.splitlines()[0] == (
        "stage,pairing,category,measure,level,amount_yuan,at_least,about,records,"
        "period_start,period_end,apart,derived"
    )


@pytest.mark.parametrize("value", ["bogus", "amount_yuan", "span"])
def test_by_bogus_is_a_usage_error(cli: Invoke, value: str) -> None:
    result = cli("funds", "--by", value)
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"xiezuo: error: invalid --by {value!r}: choose one of pairing, year, category, "
        "measure, kind, level, stage, actor, provider, receiver"
    )
    assert result.stdout == ""


def test_by_empty_is_a_usage_error(cli: Invoke) -> None:
    result = cli("funds", "--by", "")
    assert result.exit_code == 2
    assert one_error_line(result) == "xiezuo: error: --by is empty: give a value"


# ─── --explain ────────────────────────────────────────────────────────────────────────────


def test_explain_json_has_one_row_per_money_or_rate_record(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--explain", "--json")
    assert all(list(row) == EXPLAIN_COLUMNS for row in rows)
    money_or_rate = {r["id"] for r in VIEWS if r["amount_yuan"] is not None} | {
        raw["id"] for raw in RAW_RECORDS if str(raw.get("unit", "")).startswith("元/")
    }
    assert len(money_or_rate) == 68  # 60 figures in yuan and 8 rates in 元/…
    ids = {row["id"] for row in rows}
    assert len(ids) == len(rows)
    assert money_or_rate <= ids
    # the one other row: 600万美元, a money figure not in yuan, never summed
    assert ids - money_or_rate == {"longquan-kaizun-investment"}
    reasons = {row["id"]: (row["counted"], row["reason"]) for row in rows}
    assert reasons["cangxi-special-fund"] == (True, "summed")
    assert reasons["cangxi-fiscal-donation"] == (True, "summed")
    assert reasons["wangcang-project-funds-2021"] == (True, "summed")
    assert reasons["wangcang-furniture-city"] == (False, "part_of")
    assert reasons["wangcang-park-funds"] == (False, "part_of")
    assert reasons["cangxi-agriculture-investment"] == (False, "part_of")
    assert reasons["cangxi-medical-equipment"] == (False, "part_of")
    assert reasons["cangxi-hall-group-purchase"] == (False, "part_of")
    assert reasons["kangding-support-funds"] == (False, "part_of")
    assert reasons["sichuan-park-investment-2021"] == (False, "part_of")
    assert reasons["kangding-tea-taxes"] == (False, "outcome")
    assert reasons["longquan-village-income"] == (False, "outcome")
    assert reasons["longquan-zhangfan-collective-income"] == (False, "outcome")
    assert reasons["longquan-guojing-output"] == (False, "outcome")
    assert reasons["kangding-tea-investment"] == (False, "stage")
    assert reasons["wangcang-allocation-2021"] == (False, "stage")
    assert reasons["cangxi-orphan-grant-primary"] == (False, "rate")
    assert reasons["sichuan-rate-5000"] == (False, "rate")
    assert {row["reason"] for row in rows} <= {
        "summed", "part_of", "revised", "stage", "outcome", "rate", "currency",
    }  # fmt: skip
    assert [row["counted"] for row in rows] == [row["reason"] == "summed" for row in rows]
    wholes = {row["id"]: row["part_of"] for row in rows if row["reason"] == "part_of"}
    assert wholes["wangcang-furniture-city"] == "wangcang-park-funds"
    assert wholes["wangcang-park-funds"] == "wangcang-project-funds-2021"
    assert wholes["kangding-jiaren-donation"] == "kangding-funds-total"
    assert all(row["part_of"] is None for row in rows if row["reason"] != "part_of")
    assert {row["id"] for row in rows if row["counted"]} == {r["id"] for r in summed(VIEWS)}


def test_explain_does_not_call_a_dollar_amount_a_rate(cli: Invoke) -> None:
    assert (
        RAW["longquan-kaizun-investment"]["figure"],
        RAW["longquan-kaizun-investment"]["unit"],
    ) == (
        "600万美元",
        "美元",
    )
    rows = json_out(cli, "funds", "--pair", "龙泉", "--explain", "--json")
    kaizun = [row for row in rows if row["id"] == "longquan-kaizun-investment"]
    assert all(row["reason"] != "rate" for row in kaizun), kaizun


def test_explain_summed_rows_add_up_to_the_totals(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--explain", "--json")
    totals: dict[tuple, int] = {}
    for total_row in json_out(cli, "funds", "--json"):
        key = tuple(total_row[field] for field in columns())
        totals[key] = totals.get(key, 0) + total_row["amount_yuan"]
    from_explain: dict[tuple, int] = {}
    for row in rows:
        if row["counted"]:
            key = tuple(row[field] for field in columns())
            from_explain[key] = from_explain.get(key, 0) + row["amount_yuan"]
    # (rows kept apart share a key: summed here only to match the counted figures one for one)
    assert from_explain == totals


def test_explain_for_wangcang_exact(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--pair", "旺苍", "--explain", "--json")
    assert [
        (r["id"], r["amount_yuan"], r["approx"], r["counted"], r["reason"], r["part_of"])
        for r in rows
    ] == [
        ("wangcang-allocation-2021", 50_000_000, "exact", False, "stage", None),
        ("wangcang-donations", 8_600_000, "at_least", True, "summed", None),
        ("wangcang-furniture-city", 20_000_000, "exact", False, "part_of", "wangcang-park-funds"),
        ("wangcang-gov-donation-2025", 2_000_000, "exact", True, "summed", None),
        (
            "wangcang-park-funds",
            39_780_000,
            "exact",
            False,
            "part_of",
            "wangcang-project-funds-2021",
        ),
        ("wangcang-project-funds-2021", 50_040_000, "exact", True, "summed", None),
        ("wangcang-puyang-donation", 275_000, "exact", True, "summed", None),
        (
            "wangcang-puyang-donation-kindergarten",
            75_000,
            "exact",
            False,
            "part_of",
            "wangcang-puyang-donation",
        ),
        (
            "wangcang-puyang-donation-media",
            200_000,
            "exact",
            False,
            "part_of",
            "wangcang-puyang-donation",
        ),
        ("wangcang-shop-sales", 380_000, "exact", True, "summed", None),
    ]
    furniture = rows[2]
    assert (furniture["pairing"], furniture["level"], furniture["stage"]) == (
        "xiaoshan-wangcang",
        "county",
        "actual",
    )
    assert furniture["item"] == "共建东西部协作中国西部绿色家居产业城"
    assert (furniture["category"], furniture["measure"]) == ("财政援助", "财政资金")
    assert rows[0]["stage"] == "allocated"
    # the 79.5% share is a rate of no money: not in the explanation
    assert "wangcang-park-funds-share" not in {r["id"] for r in rows}


def test_explain_csv_header(cli: Invoke) -> None:
    result = cli("funds", "--pair", "苍溪", "--explain", "--csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == ",".join(EXPLAIN_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # 17 figures in yuan (11 of the held article, 5 of the 展销馆, the 2021 allocation) + 3 rates
    assert len(rows) == 20
    by_id = {r["id"]: r for r in rows}
    assert by_id["cangxi-orphan-grant-high"]["reason"] == "rate"
    assert by_id["cangxi-orphan-grant-high"]["amount_yuan"] == ""
    assert by_id["cangxi-special-fund"]["counted"] == "true"
    assert by_id["cangxi-allocation-2021"]["reason"] == "stage"


def test_explain_table_shows_totals_and_details(cli: Invoke) -> None:
    result = cli("funds", "--pair", "旺苍", "--explain", "--format", "table")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert AID_LABEL in text  # the totals table
    assert "明细：计入与跳过的记录" in text  # the details table
    assert text.index(AID_LABEL) < text.index("明细")
    line = table_line(text, "wangcang-furniture-city")
    assert "2,000" in line and "—" in line and "含于 wangcang-park-funds" in line
    line = table_line(text, "wangcang-park-funds ")
    assert "3,978" in line and "—" in line and "含于 wangcang-project-funds-2021" in line
    line = table_line(text, "wangcang-project-funds-2021 ")
    assert "推算5,004" in line and "✓" in line and "推算：3978万元" in line
    # "wangcang-donations " with a space: the row, not the line naming what 合计 adds
    assert "✓" in table_line(text, "wangcang-donations ") and "≥860" in table_line(
        text, "wangcang-donations "
    )
    assert "帮扶资金合计相加" in text and "wangcang-project-funds-2021、" in text
    assert "安排/分配" in table_line(text, "wangcang-allocation-2021")
    assert "另有匹配记录未计入：" in text and "见 --explain" in text


# ─── --chart ──────────────────────────────────────────────────────────────────────────────


def test_chart_draws_bars_aligned_after_chinese_labels(cli: Invoke) -> None:
    result = cli("funds", "--pair", "萧山", "--chart", "--format", "table")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "█" in text
    lines = bar_lines(text)
    labels = [
        "萧山→康定 财政援助",
        "萧山→龙泉 财政援助",
        "萧山→龙泉 消费帮扶",
        "萧山→龙泉 产业合作",
        "萧山→旺苍 财政援助",
        "萧山→旺苍 社会帮扶",
        "萧山→旺苍 消费帮扶",
    ]
    assert sorted(line.split()[0] + " " + line.split()[1] for line in lines) == sorted(labels)
    starts = set()
    for line in lines:
        first = min(line.index(ch) for ch in BAR_CHARS if ch in line)
        starts.add(cell_len(line[:first]))
    assert len(starts) == 1, starts  # every bar starts in the same terminal column
    longest = table_line(text, "萧山→龙泉 产业合作")  # 39.1亿
    assert longest.count("█") == 40 and longest.split()[-1] == "391,000"
    assert table_line(text, "萧山→旺苍 社会帮扶").split()[-1] == "≥887.5"
    assert table_line(text, "萧山→康定 财政援助").split()[-1] == "约18,000"


def test_chart_for_cangxi(cli: Invoke) -> None:
    text = cli("funds", "--pair", "苍溪", "--chart", "--format", "table").stdout
    assert "█" in text
    for category in FLOWS:
        assert any(
            line.startswith(f"余杭→苍溪 {category}") and any(ch in line for ch in BAR_CHARS)
            for line in text.splitlines()
        ), category
    assert len(bar_lines(text)) == len(CANGXI_ROWS)


@pytest.mark.parametrize("args", [("--pair", "苍溪"), ("--by", "year")], ids=["cangxi", "by-year"])
def test_chart_labels_tell_every_bar_apart(cli: Invoke, args: tuple[str, ...]) -> None:
    text = cli("funds", *args, "--chart", "--format", "table").stdout
    labels = []
    for line in bar_lines(text):
        first = min(line.index(ch) for ch in BAR_CHARS if ch in line)
        labels.append(line[:first].strip())
    assert len(labels) == len(json_out(cli, "funds", *args, "--json"))
    assert len(set(labels)) == len(labels), labels


def test_chart_does_not_change_machine_output(cli: Invoke) -> None:
    assert cli("funds", "--chart", "--csv").stdout == cli("funds", "--csv").stdout


# ─── empty results and filters ────────────────────────────────────────────────────────────


def test_empty_result_is_an_empty_array_and_a_header_only_csv(cli: Invoke) -> None:
    result = cli("funds", "--pair", "绿园", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    result = cli("funds", "--pair", "绿园", "--csv")
    assert result.exit_code == 0
    assert result.stdout_bytes == FUNDS_HEADER.encode() + b"\r\n"
    result = cli("funds", "--pair", "绿园", "--format", "table")
    assert result.exit_code == 0
    assert AID_LABEL not in result.stdout
    result = cli("funds", "--pair", "绿园", "--explain", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])
    result = cli("funds", "--pair", "绿园", "--explain", "--csv")
    assert (result.exit_code, result.stdout_bytes) == (
        0,
        ",".join(EXPLAIN_COLUMNS).encode() + b"\r\n",
    )


def test_filters_narrow_the_totals(cli: Invoke) -> None:
    rows = json_out(cli, "funds", "--pair", "萧山", "--min", "3900万", "--json")
    assert [(r["pairing"], r["category"], r["measure"], r["amount_yuan"]) for r in rows] == [
        ("xiaoshan-kangding", "财政援助", "各类帮扶资金", 180_000_000),
        ("xiaoshan-longquan", "产业合作", "到位资金", 3_910_000_000),
        # the 约5004万; the 3978万 (≥ 3900万 too) is inside it
        ("xiaoshan-wangcang", "财政援助", "财政资金", 50_040_000),
    ]
    selection = [
        r
        for r in VIEWS
        if r["provider"] == "杭州市萧山区" and (r["amount_yuan"] or 0) >= 39_000_000
    ]
    assert by_key(rows, columns()) == expected_totals(columns(), selection)
    rows = json_out(cli, "funds", "--pair", "苍溪", "--year", "2021", "--json")
    # the 展销馆 (2021-12 to 2022-01) lies in no single year
    assert (
        keyed(rows, columns())["yuhang-cangxi", "消费帮扶", "帮助销售额", "county", "actual"][
            "amount_yuan"
        ]
        == 80_000_000
    )
