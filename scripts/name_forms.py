"""The name forms a user may type for a place or a pairing, computed once when the data is built.

Build-time only: OpenCC gives the traditional spellings (蒼溪, 蕭山, 餘杭) and pypinyin the
romanisations (cangxi, xiaoshan; tone marks are folded away by normalisation, so Kāngdìng works
too). Every form is stored normalised (xiezuo_cli.names.normalize), so the query side only
normalises what the user typed and looks it up.

pypinyin reads a character as it is read in ordinary words, which for place names is often wrong
(成都 as chengdou, 长治 as zhangzhi, 库尔勒 as kuerlei, 朝阳市 as zhaoyang): PLACE_READINGS and
PLACE_PHRASES correct it. They were made by listing, for every division of the official list,
each character pypinyin knows several readings of and the reading it chose, and checking those
against the places' official romanisations.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

import opencc
from pypinyin import lazy_pinyin

from xiezuo_cli.model.names import normalize

_TRADITIONAL = [opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk")]

# How a character is read in every place name that has it, where pypinyin reads it otherwise.
PLACE_READINGS = {
    "都": "du",  # 成都, 宜都, 昌都, 望都, 信都 (pypinyin: dou)
    "长": "chang",  # 长治, 长海, 长白, 长岭, 弓长岭 (zhang); but 长子, below
    "什": "shi",  # 什邡, 乌什, 阿图什, 克什克腾, 塔什库尔干 (shen)
    "勒": "le",  # 库尔勒, 锡林郭勒, 克孜勒苏, 策勒, 尼勒克 (lei)
    "朝": "chao",  # 朝阳市, 朝阳县 (zhao)
    "漯": "luo",  # 漯河 (ta)
    "曾": "zeng",  # 曾都 (ceng)
    "泊": "bo",  # 泊头 (po)
    "峙": "shi",  # 繁峙 (zhi)
    "珲": "hun",  # 珲春 (hui)
    "浚": "xun",  # 浚县 (jun)
    "涡": "guo",  # 涡阳 (wo)
    "筠": "jun",  # 筠连 (yun)
    "伽": "jia",  # 伽师 (ga)
    "圩": "xu",  # 龙圩 (wei)
    "柏": "bai",  # 万柏林 (bo)
    "佛": "fo",  # 佛冈, 佛坪 (fu)
    "尾": "wei",  # 马尾 (yi)
    "蚌": "beng",  # 蚌山 (bang)
    "单": "shan",  # 单县 (dan)
    "卡": "ka",  # 浪卡子 (qia)
    "乐": "le",  # 南乐, 民乐 (yue); but 乐清 and 乐亭, below
}
# Whole words read otherwise than their characters are in other names.
PLACE_PHRASES = {
    "长子": ("zhang", "zi"),
    "乐清": ("yue", "qing"),
    "乐亭": ("lao", "ting"),
    "六合": ("lu", "he"),
    "洪洞": ("hong", "tong"),
    "红寺堡": ("hong", "si", "bu"),
    "召陵": ("shao", "ling"),
    "覃塘": ("qin", "tang"),
}
# Suffixes of place names; 藏族自治州 before 州 so the longest goes.
_SUFFIXES = re.compile(r"(藏族自治州|自治州|自治县|省|市|区|县|州)$")


def _stem(name: str) -> str:
    return _SUFFIXES.sub("", name)


def _chinese_forms(place: dict[str, Any], ancestors: Sequence[dict[str, Any]]) -> set[str]:
    """苍溪, 苍溪县, 广元市苍溪县, 广元苍溪, 广元苍溪县, 四川苍溪, 四川省苍溪县 …"""
    own = {place["name"], place["short"], *place.get("alias", [])}
    forms = set(own) | {place["full_name"]}
    # Each ancestor alone (广元苍溪, 四川苍溪) and every chain of them top down (四川省广元市苍溪县,
    # 四川广元苍溪), each written in full, without its suffix, or short.
    prefixes = {""}
    for ancestor in ancestors:  # nearest first: a chain grows by putting the next one in front
        written = {w for w in (ancestor["name"], _stem(ancestor["name"]), ancestor["short"]) if w}
        prefixes |= {w + prefix for w in written for prefix in prefixes}
        prefixes |= written
    return forms | {prefix + form for prefix in prefixes for form in own}


def place_pinyin(text: str) -> str:
    """The pinyin of a place name, without tones or spaces: 长治市 → changzhishi, 绿园 → lvyuan."""
    syllables = lazy_pinyin(text)
    if len(syllables) != len(text):  # not all Chinese characters: nothing to correct
        return "".join(syllables)
    syllables = [PLACE_READINGS.get(char, read) for char, read in zip(text, syllables, strict=True)]
    for phrase, reading in PLACE_PHRASES.items():
        start = text.find(phrase)
        while start >= 0:
            syllables[start : start + len(phrase)] = reading
            start = text.find(phrase, start + 1)
    return "".join(syllables)


def _pinyin(text: str) -> set[str]:
    joined = place_pinyin(text)
    return {joined, joined.replace("v", "u"), joined.replace("v", "ü")}


def _traditional(forms: set[str]) -> set[str]:
    return {converter.convert(form) for form in forms for converter in _TRADITIONAL}


def own_keys(place: dict[str, Any]) -> list[str]:
    """The normalised forms of a place by itself, without any place above it: its name, short
    form and aliases, their traditional spellings and their pinyin (苍溪县, 苍溪, 蒼溪, 蒼溪縣,
    cangxi, cangxixian). The gazetteer stores these and resolves 四川苍溪 or 广元市苍溪县 at lookup
    time from the forms of 四川省 and 广元市."""
    written = {place["name"], place["short"], *place.get("alias", [])}
    pinyin: set[str] = set()
    for form in written:
        pinyin |= _pinyin(form)
    return sorted({normalize(form) for form in written | _traditional(written) | pinyin})


def place_keys(place: dict[str, Any], ancestors: Sequence[dict[str, Any]]) -> list[str]:
    """Every normalised form of one place, given the places above it (nearest first)."""
    chinese = _chinese_forms(place, ancestors)
    pinyin: set[str] = set()
    for form in (place["short"], place["name"], place["full_name"]):
        pinyin |= _pinyin(form)
    return sorted({normalize(form) for form in chinese | _traditional(chinese) | pinyin})


def _pair_forms(place: dict[str, Any]) -> set[str]:
    """The forms that make sense in a provider–receiver name: 余杭, 余杭区, 餘杭, yuhang."""
    short = {place["short"], place["name"]}
    return short | _traditional(short) | _pinyin(place["short"])


def pair_keys(pairing_id: str, provider: dict[str, Any], receiver: dict[str, Any]) -> list[str]:
    # 余杭苍溪, 余杭-苍溪, 余杭->苍溪 (separators go in normalisation), 蕭山旺蒼, xiaoshanwangcang …
    pairs = {a + b for a, b in itertools.product(_pair_forms(provider), _pair_forms(receiver))}
    pairs.add(pairing_id)
    return sorted({normalize(form) for form in pairs})
