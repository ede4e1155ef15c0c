"""Match what a user types to pairings: 苍溪, 苍溪县, 蒼溪, CangXi, cang xi, 余杭-苍溪.

The forms themselves (traditional characters, pinyin) are computed when the data is built and
stored on each pairing, already normalised; here a query is only normalised the same way and
looked up. That keeps OpenCC and pypinyin off the query path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.records import Pairing, Place
from xiezuo_cli.model.safe_text import shown

# Spaces and the separators people put between two place names or pinyin syllables.
_SEPARATORS = re.compile(r"[\s\-‐‑–—―~·•・→↔⇄<>/_.,'’，、]+")
# Pinyin with tone marks (Kāngdìng) folds to plain letters; ü in any tone to v, as pypinyin writes.
_TONED_U = str.maketrans({"ü": "v", "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v"})
_COMBINING = re.compile("[\u0300-\u036f]")


def normalize(text: str) -> str:
    """Case-, width- and separator-insensitive key: 'Cang Xi' and 'cangxi' are one key."""
    key = text
    # Twice at most: removing a separator can leave a combining mark that NFKC then joins up.
    for _ in range(3):
        folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", key)).casefold()
        folded = folded.translate(_TONED_U)
        if not folded.isascii():  # only then can there be tone marks to drop
            folded = unicodedata.normalize(
                "NFC", _COMBINING.sub("", unicodedata.normalize("NFD", folded))
            )
        if folded == key:
            break
        key = folded
    return key


def pairing_matches(pairing: Pairing, key: str) -> bool:
    """Whether a normalised name fits the pairing: its id, a provider–receiver form, or either
    place by any of its names or its code (513301 is 康定市 as 康定 is)."""
    return (
        key == normalize(pairing.id)
        or _place_fits(pairing.provider, key)
        or _place_fits(pairing.receiver, key)
        or key in pairing.pair_keys
    )


def _place_fits(place: Place, key: str) -> bool:
    return key in place.keys or key == place.code or key == place.id


def exact_id(ids: Iterable[str], name: str) -> str | None:
    """The id ``name`` spells exactly (case aside), if any: an exact pairing id selects exactly
    that pairing, never also the pairings whose names merely contain it (yuhang-cangxi, not
    yuhang-cangxi-k1 … whose provider–receiver form is yuhangcangxi too)."""
    wanted = name.strip().casefold()
    return next((pairing_id for pairing_id in ids if pairing_id.casefold() == wanted), None)


def match_pairings(pairings: Iterable[Pairing], name: str) -> list[Pairing]:
    """All pairings a name fits (萧山 fits five); exactly one for a pairing's own id. Raises
    UsageProblem for an unknown name."""
    pairings = list(pairings)
    exact = exact_id((pairing.id for pairing in pairings), name)
    if exact is not None:
        return [pairing for pairing in pairings if pairing.id == exact]
    key = normalize(name)
    found = [pairing for pairing in pairings if key and pairing_matches(pairing, key)]
    if found:
        return found
    raise UsageProblem(f"unknown pairing {name!r}{_suggestion(pairings, key)}")


def match_one_pairing(pairings: Iterable[Pairing], name: str) -> Pairing:
    """The one pairing a name fits (`show 苍溪`, `extract --pair 苍溪`). UsageProblem for an
    unknown name, and for one that fits several (萧山), listing them."""
    found = match_pairings(pairings, name)
    if len(found) > 1:
        listed = ", ".join(f"{p.id} ({p.label})" for p in found)
        raise UsageProblem(f"{shown(name)} fits {len(found)} pairings: {listed}; name one of them")
    return found[0]


# How many pairings an unknown-name message lists before it points to `xiezuo pairs`.
KNOWN_SHOWN = 30


def known_list(labels: Sequence[str]) -> str:
    """``known: a, b, …`` naming every pairing of a database, or, for a large one, the first
    KNOWN_SHOWN and how many more there are: never a silent cut."""
    if not labels:
        return "known: none yet (xiezuo pairs add)"
    shown = ", ".join(labels[:KNOWN_SHOWN])
    rest = len(labels) - KNOWN_SHOWN
    return f"known: {shown}" + (f" and {rest} more (xiezuo pairs lists them)" if rest > 0 else "")


def display_names(pairings: Iterable[Pairing]) -> list[str]:
    """Names worth offering a user: short names, full names and ids, each once."""
    names: dict[str, None] = {}
    for pairing in pairings:
        for place in (pairing.provider, pairing.receiver):
            names[place.short] = None
            names[place.full_name] = None
        names[pairing.id] = None
    return list(names)


def _suggestion(pairings: list[Pairing], key: str) -> str:
    import difflib  # only on this error path

    candidates = display_names(pairings)
    by_key = {normalize(name): name for name in candidates}
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.4)
    # Chinese names are short: one wrong character in two is a 0.5 ratio, so also try containment.
    close += [k for k in by_key if key and (key in k or k in key) and k not in close]
    shown = [by_key[k] for k in close][:3]
    if not shown:
        return "; " + known_list([pairing.label for pairing in pairings])
    return "; did you mean " + ", ".join(shown) + "?"


def match_places(places: Mapping[str, Place], name: str, option: str) -> list[Place]:
    """Every place a name fits, by any of its forms or its code (广安 fits 广安市 and 广安区).
    Raises UsageProblem for an unknown name."""
    key = normalize(name)
    found = [place for place in places.values() if key and (key in place.keys or key == place.id)]
    if found:
        return found
    import difflib  # only on this error path

    shown = {normalize(p.short): p.short for p in places.values()}
    shown |= {normalize(p.full_name): p.full_name for p in places.values()}
    close = difflib.get_close_matches(key, list(shown), n=3, cutoff=0.4)
    close += [k for k in shown if key and (key in k or k in key) and k not in close]
    hint = ", ".join(shown[k] for k in close[:3])
    return _unknown_place(option, name, hint)


def _unknown_place(option: str, name: str, hint: str) -> list[Place]:
    suffix = f"; did you mean {hint}?" if hint else ""
    raise UsageProblem(f"{option}: unknown place {name!r}{suffix}")
