"""Pairing names however typed: full, short, suffix, id, traditional, pinyin, pair forms.

Checked through `xiezuo list --pair X --json` (the set of `pairing` values), `xiezuo pairs
--pair X --json` (the pairings themselves, also those without records) and `xiezuo show X
--json`, and through the normaliser that both the query and the stored forms go through.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BUNDLED, DATA, one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from xiezuo_cli.model.names import normalize

Cli = Callable[..., Result]


def _yaml(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


# The oracle: the YAML the database is built from.
PLACES: dict[str, dict[str, Any]] = {str(place["id"]): place for place in _yaml("places.yaml")}
PAIRINGS: dict[str, dict[str, Any]] = {pairing["id"]: pairing for pairing in _yaml("pairings.yaml")}
RECORDS: list[dict[str, Any]] = _yaml("records.yaml") + _yaml("records-facts.yaml")
RECORD_COUNTS = Counter(record["pairing"] for record in RECORDS)

CANGXI = "yuhang-cangxi"
XIAOSHAN_ALL = frozenset(
    {
        "xiaoshan-wangcang",
        "xiaoshan-kangding",
        "xiaoshan-longquan",
        "xiaoshan-lvyuan",
        "xiaoshan-gongzhuling",
    }
)
# 萧山 provides five pairings, but the data holds records for three of them only.
XIAOSHAN_WITH_RECORDS = frozenset({"xiaoshan-wangcang", "xiaoshan-kangding", "xiaoshan-longquan"})

# Every name form stored with the data (places and provider–receiver pairs), plus the pairing
# ids: all already normalised.
RAW = json.loads(BUNDLED.read_text(encoding="utf-8"))
KNOWN_KEYS = sorted(
    {key for doc in RAW["place"].values() for key in doc["names"]}
    | {key for doc in RAW["pairing"].values() for forms in doc["names"].values() for key in forms}
    | {normalize(doc["id"]) for doc in RAW["pairing"].values()}
)


def test_oracle() -> None:
    """The data these tests were written against."""
    assert len(PLACES) == 27
    assert len(PAIRINGS) == 16
    assert {p for p, doc in PAIRINGS.items() if doc["provider"] == "330109"} == XIAOSHAN_ALL
    assert {p for p in XIAOSHAN_ALL if RECORD_COUNTS[p]} == XIAOSHAN_WITH_RECORDS
    assert RECORD_COUNTS[CANGXI] == 40
    assert sum(RECORD_COUNTS[p] for p in XIAOSHAN_WITH_RECORDS) == 30 + 29 + 25
    # 余杭 provides one pairing only, so its name alone selects 苍溪.
    assert [p for p, doc in PAIRINGS.items() if doc["provider"] == "330110"] == [CANGXI]


CANGXI_FORMS = (
    "广元市苍溪县",  # full name
    "苍溪",  # short
    "苍溪县",  # with suffix
    "yuhang-cangxi",  # the id
    "蒼溪",  # traditional
    "蒼溪縣",
    "cangxi",  # pinyin, any case, spaces or not
    "CangXi",
    "cang xi",
    "CANGXI",
    "Cang-Xi",
    "ｃａｎｇｘｉ",  # full-width letters
    " 苍溪 ",
    "余杭-苍溪",  # provider–receiver forms
    "余杭苍溪",
    "余杭→苍溪",
    "余杭 → 苍溪",
    "yuhang cangxi",
    "YuhangCangxi",
    "余杭区苍溪县",
    "余杭->苍溪",
    "四川苍溪",  # with the province before it
    "四川省苍溪县",
    "广元苍溪",  # with the prefecture before it
    "Cāngxī",  # pinyin with tone marks
    "余杭",  # the provider of one pairing only
    "杭州市余杭区",
    "餘杭",
)


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def listed_pairings(cli: Cli, *names: str) -> set[str]:
    """The pairings of the records `list --pair NAME ... --json` prints."""
    args = [arg for name in names for arg in ("--pair", name)]
    return {record["pairing"] for record in ok_json(cli("list", *args, "--json"))}


def pairs_ids(cli: Cli, *names: str) -> set[str]:
    args = [arg for name in names for arg in ("--pair", name)]
    return {row["id"] for row in ok_json(cli("pairs", *args, "--json"))}


def shown_pairing(cli: Cli, name: str) -> str:
    return ok_json(cli("show", name, "--json"))["pairing"]["id"]


# ─── list --pair ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", CANGXI_FORMS)
def test_list_pair_forms_select_cangxi(cli: Cli, name: str) -> None:
    records = ok_json(cli("list", "--pair", name, "--json"))
    assert {record["pairing"] for record in records} == {CANGXI}
    assert len(records) == RECORD_COUNTS[CANGXI] == 40


@pytest.mark.parametrize("name", CANGXI_FORMS)
def test_show_forms_find_cangxi(cli: Cli, name: str) -> None:
    assert shown_pairing(cli, name) == CANGXI


@pytest.mark.parametrize("name", CANGXI_FORMS)
def test_pairs_forms_find_cangxi(cli: Cli, name: str) -> None:
    assert pairs_ids(cli, name) == {CANGXI}


@pytest.mark.parametrize(
    ("name", "pairing"),
    [
        ("旺苍", "xiaoshan-wangcang"),
        ("旺蒼縣", "xiaoshan-wangcang"),
        ("wangcang", "xiaoshan-wangcang"),
        ("Wang Cang", "xiaoshan-wangcang"),
        ("康定", "xiaoshan-kangding"),
        ("康定市", "xiaoshan-kangding"),
        ("甘孜藏族自治州康定市", "xiaoshan-kangding"),
        ("KangDing", "xiaoshan-kangding"),
        ("Kāngdìng", "xiaoshan-kangding"),  # tone marks
        ("KĀNGDÌNG", "xiaoshan-kangding"),
        ("甘孜州康定市", "xiaoshan-kangding"),  # the alias
        ("萧山-康定", "xiaoshan-kangding"),
        ("蕭山康定", "xiaoshan-kangding"),
        ("xiaoshan-kangding", "xiaoshan-kangding"),
        ("龙泉", "xiaoshan-longquan"),
        ("龍泉", "xiaoshan-longquan"),
        ("long quan", "xiaoshan-longquan"),
    ],
)
def test_list_pair_other_receivers(cli: Cli, name: str, pairing: str) -> None:
    assert listed_pairings(cli, name) == {pairing}
    assert shown_pairing(cli, name) == pairing


def test_wangcang_and_cangxi_do_not_overlap(cli: Cli) -> None:
    # 旺苍 and 苍溪 share the character 苍: neither may match the other.
    assert listed_pairings(cli, "旺苍") == {"xiaoshan-wangcang"}
    assert listed_pairings(cli, "苍溪") == {CANGXI}


@pytest.mark.parametrize("name", ["萧山", "蕭山", "萧山区", "蕭山區", "xiaoshan", "XiaoShan"])
def test_xiaoshan_selects_all_its_pairings(cli: Cli, name: str) -> None:
    assert listed_pairings(cli, name) == XIAOSHAN_WITH_RECORDS
    assert pairs_ids(cli, name) == XIAOSHAN_ALL
    records = ok_json(cli("list", "--pair", name, "--json"))
    assert len(records) == 84 == sum(RECORD_COUNTS[p] for p in XIAOSHAN_WITH_RECORDS)


def test_pairs_without_pair_lists_every_pairing(cli: Cli) -> None:
    assert pairs_ids(cli) == set(PAIRINGS)
    assert len(PAIRINGS) == 16


def test_repeated_pair_is_a_union(cli: Cli) -> None:
    assert listed_pairings(cli, "苍溪", "康定") == {CANGXI, "xiaoshan-kangding"}
    assert pairs_ids(cli, "苍溪", "康定") == {CANGXI, "xiaoshan-kangding"}
    assert listed_pairings(cli, "苍溪", "萧山") == XIAOSHAN_WITH_RECORDS | {CANGXI}
    assert pairs_ids(cli, "绿园", "公主岭") == {"xiaoshan-lvyuan", "xiaoshan-gongzhuling"}


def test_repeated_pair_never_repeats_records(cli: Cli) -> None:
    records = ok_json(cli("list", "--pair", "苍溪", "--pair", "余杭", "--pair", "蒼溪", "--json"))
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids)) == 40


def test_pairing_without_records_lists_nothing(cli: Cli) -> None:
    assert ok_json(cli("list", "--pair", "绿园", "--json")) == []
    assert pairs_ids(cli, "绿园") == {"xiaoshan-lvyuan"}


# ─── ambiguous and unknown names ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ["萧山", "蕭山", "xiaoshan"])
def test_show_ambiguous_name_lists_every_pairing(cli: Cli, name: str) -> None:
    result = cli("show", name, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    line = one_error_line(result)
    for pairing in XIAOSHAN_ALL:
        assert pairing in line
    assert CANGXI not in line


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--pair", "北京"),
        ("list", "--pair", "cangxu"),
        ("list", "--pair", "苍溪", "--pair", "北京"),
        ("pairs", "--pair", "北京"),
        ("filter", "--pair", "北京", "year=2021"),
        ("funds", "--pair", "北京"),
        ("report", "--pair", "北京"),
        ("show", "北京"),
        ("show", "cangxu"),
    ],
)
def test_unknown_name_exits_2_with_one_line(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown pairing" in one_error_line(result)


@pytest.mark.parametrize("command", ["list", "show"])
def test_unknown_name_suggests_the_closest(cli: Cli, command: str) -> None:
    args = ("show", "cangxu") if command == "show" else ("list", "--pair", "cangxu")
    line = one_error_line(cli(*args))
    assert "cangxu" in line
    assert "苍溪" in line or "cangxi" in line


def test_unknown_chinese_name_names_known_ones(cli: Cli) -> None:
    line = one_error_line(cli("list", "--pair", "苍西"))
    assert "unknown pairing" in line
    assert "苍溪" in line


@pytest.mark.parametrize("name", ["", "   ", "-", "→"])
def test_empty_name_is_unknown_not_everything(cli: Cli, name: str) -> None:
    result = cli("list", f"--pair={name}", "--json")
    assert result.exit_code == 2
    one_error_line(result)


# ─── normalize ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("cangxi", "cangxi"),
        ("CangXi", "cangxi"),
        ("CANGXI", "cangxi"),
        ("cang xi", "cangxi"),
        ("Cang-Xi", "cangxi"),
        ("  cang\txi\n", "cangxi"),
        ("ｃａｎｇ　ｘｉ", "cangxi"),  # full-width letters and space
        ("苍溪", "苍溪"),
        ("余杭-苍溪", "余杭苍溪"),
        ("余杭->苍溪", "余杭苍溪"),
        ("余杭→苍溪", "余杭苍溪"),
        ("余杭 — 苍溪", "余杭苍溪"),
        ("余杭·苍溪", "余杭苍溪"),
        ("余杭/苍溪", "余杭苍溪"),
        ("yuhang-cangxi", "yuhangcangxi"),
        ("yuhang_cangxi", "yuhangcangxi"),
        ("Lüyuan", "lvyuan"),
        ("LÜYUAN", "lvyuan"),
        ("Kāngdìng", "kangding"),
        ("Cāngxī", "cangxi"),
        ("Lǜyuán", "lvyuan"),
        ("", ""),
    ],
)
def test_normalize_examples(text: str, key: str) -> None:
    assert normalize(text) == key


def test_stored_name_forms_are_normalised() -> None:
    assert KNOWN_KEYS
    assert all(normalize(key) == key for key in KNOWN_KEYS)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@st.composite
def spaced_key(draw: st.DrawFn) -> tuple[str, str]:
    """A known key, with spaces and hyphens put between its characters and ASCII case varied."""
    key = draw(st.sampled_from(KNOWN_KEYS))
    gaps = st.sampled_from(["", " ", "-", "  ", " - ", "\u3000", "—"])
    parts = []
    for char in key:
        upper = char.isascii() and draw(st.booleans())
        parts.append(char.upper() if upper else char)
        parts.append(draw(gaps))
    return key, draw(gaps) + "".join(parts)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(spaced_key())
def test_normalize_ignores_spaces_hyphens_and_case_in_known_keys(pair: tuple[str, str]) -> None:
    key, typed = pair
    assert normalize(typed) == key


# ─── places: --in and --from ──────────────────────────────────────────────────────────────


def _within(place_id: str, ancestor_id: str) -> bool:
    current: str | None = place_id
    while current is not None:
        if current == ancestor_id:
            return True
        current = PLACES[current]["parent"]
    return False


def _own_forms(place: dict[str, Any]) -> set[str]:
    return {place["short"], place["name"], place["full_name"], *place.get("alias", [])}


def _records_at(form: str, side: str) -> set[str]:
    """Ids of the records whose pairing's receiver (or provider) lies within a place written
    ``form`` (广安 is both 广安市 and 广安区)."""
    named = {place_id for place_id, place in PLACES.items() if form in _own_forms(place)}
    assert named, form
    return {
        record["id"]
        for record in RECORDS
        if any(_within(str(PAIRINGS[record["pairing"]][side]), place) for place in named)
    }


PLACE_FORMS = sorted(
    {(form, place_id) for place_id, place in PLACES.items() for form in _own_forms(place)}
)


def csv_ids(result: Result) -> set[str]:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "id"
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids))
    return set(ids)


@pytest.mark.parametrize(("option", "side"), [("--in", "receiver"), ("--from", "provider")])
@pytest.mark.parametrize(("form", "place_id"), PLACE_FORMS)
def test_every_place_form_is_matched(
    cli: Cli, option: str, side: str, form: str, place_id: str
) -> None:
    """Every place in places.yaml, by its short name, its name and its full name (and any
    alias): the forms scripts/name_forms.py turns into keys when the data is built."""
    assert csv_ids(cli("list", option, form, "--csv")) == _records_at(form, side)


def test_place_forms_cover_every_place() -> None:
    assert {place_id for _, place_id in PLACE_FORMS} == set(PLACES)
    assert len(PLACES) == 27


@pytest.mark.parametrize(
    "form", ["甘孜", "甘孜州", "甘孜藏族自治州", "Gānzī", "ganzi", "四川甘孜", "513300"]
)
def test_in_a_prefecture_takes_its_counties(cli: Cli, form: str) -> None:
    pairings = {"zhejiang-ganzi", "xiaoshan-kangding", "linping-shiqu"}
    assert listed_in(cli, form) == pairings


def test_in_a_shared_short_name_takes_both_places(cli: Cli) -> None:
    # 广安 is the short name of 广安市 and of its 广安区.
    assert PLACES["511600"]["short"] == PLACES["511602"]["short"] == "广安"
    assert listed_in(cli, "广安") == {"nanxun-guangan"}
    assert listed_in(cli, "广安区") == {"nanxun-guangan"}


def listed_in(cli: Cli, *names: str) -> set[str]:
    args = [arg for name in names for arg in ("--in", name)]
    return {record["pairing"] for record in ok_json(cli("list", *args, "--json"))}


@pytest.mark.parametrize(("option", "name"), [("--in", "北京"), ("--from", "cangxu")])
def test_unknown_place_exits_2_with_one_line(cli: Cli, option: str, name: str) -> None:
    result = cli("list", option, name, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    line = one_error_line(result)
    assert option in line and name in line


@pytest.mark.parametrize(
    ("args", "pairing"),
    [
        (("list", "--in", "四川省广元市苍溪县"), CANGXI),
        (("list", "--pair", "四川省广元市苍溪县"), CANGXI),
        (("list", "--from", "浙江省杭州市余杭区"), CANGXI),
        (("list", "--pair", "四川省甘孜藏族自治州康定市"), "xiaoshan-kangding"),
    ],
)
def test_full_administrative_name_from_the_province_down(
    cli: Cli, args: tuple[str, ...], pairing: str
) -> None:
    """The official written form names every level: 四川省广元市苍溪县."""
    records = ok_json(cli(*args, "--json"))
    assert {record["pairing"] for record in records} == {pairing}
    assert len(records) == RECORD_COUNTS[pairing]


# ─── codes, exact ids and the known list (issue 15, item 6) ───────────────────────────────


def _raw() -> dict[str, Any]:
    return json.loads(BUNDLED.read_text(encoding="utf-8"))


def test_every_pairing_answers_to_its_places_codes(cli: Cli) -> None:
    raw = _raw()
    places = {place["id"]: place for place in raw["place"].values()}
    for pairing in raw["pairing"].values():
        for side in ("provider", "receiver"):
            code = places[pairing[side]]["code"]
            if code is None:
                continue
            result = cli("pairs", "--pair", code, "--csv")
            assert result.exit_code == 0, (code, result.stderr)
            ids = [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]
            assert pairing["id"] in ids, (code, ids)


@pytest.mark.parametrize("command", ["funds", "show", "list", "report"])
def test_a_county_code_selects_its_pairing(cli: Cli, command: str) -> None:
    args = ("show", "513301") if command == "show" else (command, "--pair", "513301")
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    if command == "show":
        assert document["pairing"]["id"] == "xiaoshan-kangding"
    else:
        assert document and {row["pairing"] for row in document} == {"xiaoshan-kangding"}


def test_unknown_pairing_names_every_pairing(cli: Cli) -> None:
    raw = _raw()
    places = {place["id"]: place for place in raw["place"].values()}
    line = one_error_line(cli("funds", "--pair", "zzqqxx"))
    known = line.split("known: ", 1)[1]
    for pairing in raw["pairing"].values():
        label = f"{places[pairing['provider']]['short']}→{places[pairing['receiver']]['short']}"
        assert label in known.split(", "), label


def _with_near_ids(data: dict[str, Any]) -> None:
    base = next(p for p in data["pairing"].values() if p["id"] == "yuhang-cangxi")
    for number in range(1, 10):
        data["pairing"][str(1000 + number)] = {**base, "id": f"yuhang-cangxi-k{number}"}


@pytest.mark.parametrize("name", ["yuhang-cangxi", "YUHANG-CANGXI", " yuhang-cangxi "])
def test_an_exact_pairing_id_selects_exactly_that_pairing(
    cli: Cli, db_copy: Callable[..., Path], name: str
) -> None:
    db = str(db_copy(_with_near_ids))
    pairs = cli("pairs", "--pair", name, "--csv", "--db", db)
    assert pairs.exit_code == 0, pairs.stderr
    assert [row["id"] for row in csv.DictReader(io.StringIO(pairs.stdout))] == ["yuhang-cangxi"]
    shown = cli("show", name, "--json", "--db", db)
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["pairing"]["id"] == "yuhang-cangxi"
    # the name forms still fit them all: 苍溪 is every one of the ten
    every = cli("pairs", "--pair", "苍溪", "--csv", "--db", db)
    assert len(list(csv.DictReader(io.StringIO(every.stdout)))) == 10
