"""The name forms a user may type for a place or a pairing, computed once when the data is built.

Build-time only: OpenCC gives the traditional spellings (蒼溪, 蕭山, 餘杭) and pypinyin the
romanisations (cangxi, xiaoshan; tone marks are folded away by normalisation, so Kāngdìng works
too). Every form is stored normalised (xiezuo_cli.names.normalize), so the query side only
normalises what the user typed and looks it up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

import opencc
from pypinyin import lazy_pinyin

from xiezuo_cli.names import normalize

_TRADITIONAL = [opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk")]
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


def _pinyin(text: str) -> set[str]:
    joined = "".join(lazy_pinyin(text))
    return {joined, joined.replace("v", "u"), joined.replace("v", "ü")}


def _traditional(forms: set[str]) -> set[str]:
    return {converter.convert(form) for form in forms for converter in _TRADITIONAL}


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
