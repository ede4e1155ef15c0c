"""The name forms a user may type for a pairing, computed once when the database is built.

Build-time only: OpenCC gives the traditional spellings (蒼溪, 蕭山, 餘杭) and pypinyin the
romanisations (cangxi, xiaoshan). Every form is stored normalised (xiezuo_cli.names.normalize), so
the query side only normalises what the user typed and looks it up.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import opencc
from pypinyin import lazy_pinyin

from xiezuo_cli.names import normalize

_TRADITIONAL = [opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk")]
# Suffixes of county-level and prefecture-level names; 藏族自治州 before 州 so the longest goes.
_SUFFIXES = re.compile(r"(藏族自治州|自治州|自治县|市|区|县|州)$")


def _chinese_forms(place: dict[str, Any]) -> set[str]:
    forms = {place["name"], place["county"], place["short"], *place.get("alias", [])}
    prefecture = place["name"][: -len(place["county"])]
    if prefecture:  # 广元苍溪, 广元市苍溪, 广元苍溪县
        stem = _SUFFIXES.sub("", prefecture)
        forms |= {stem + place["short"], prefecture + place["short"], stem + place["county"]}
    forms.add(place["province"] + place["county"])  # 四川省苍溪县, as articles often write
    return forms


def _pinyin(text: str) -> set[str]:
    syllables = lazy_pinyin(text)
    joined = "".join(syllables)
    return {joined, joined.replace("v", "u"), joined.replace("v", "ü")}


def place_forms(place: dict[str, Any]) -> set[str]:
    """Every form of one place, not yet normalised."""
    chinese = _chinese_forms(place)
    traditional = {converter.convert(form) for form in chinese for converter in _TRADITIONAL}
    pinyin = set()
    for form in (place["short"], place["county"], place["name"]):
        pinyin |= _pinyin(form)
    return chinese | traditional | pinyin


def _pair_forms(place: dict[str, Any]) -> set[str]:
    """The forms that make sense in a provider–receiver name: 余杭, 余杭区, 餘杭, yuhang."""
    short = {place["short"], place["county"]}
    traditional = {converter.convert(form) for form in short for converter in _TRADITIONAL}
    return short | traditional | _pinyin(place["short"])


def pairing_name_keys(pairing: dict[str, Any]) -> dict[str, list[str]]:
    provider = place_forms(pairing["provider"])
    receiver = place_forms(pairing["receiver"])
    # 余杭苍溪, 余杭-苍溪 (the separator goes in normalisation), 蕭山旺蒼, xiaoshanwangcang ...
    pair_forms = itertools.product(
        _pair_forms(pairing["provider"]), _pair_forms(pairing["receiver"])
    )
    pair = {a + b for a, b in pair_forms}
    pair.add(pairing["id"])

    def keys(forms: set[str]) -> list[str]:
        return sorted({normalize(form) for form in forms})

    return {"provider": keys(provider), "receiver": keys(receiver), "pair": keys(pair)}
