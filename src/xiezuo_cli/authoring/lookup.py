"""Finding what a person names in a database's tables: a place by any name form or code, a
pairing by its id or its two places, and the id rules (``r-<n>`` for a record,
``<provider>-<receiver>`` from the stored pinyin for a pairing).
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from xiezuo_cli.authoring.inputs import FieldError, cut_repr

Tables = Mapping[str, Sequence[dict[str, Any]]]


_RECORD_ID = re.compile(r"r-([0-9]+)")


# ─── tables ───────────────────────────────────────────────────────────────────────────────


def by_id(tables: Tables, table: str) -> dict[str, dict[str, Any]]:
    return {str(doc.get("id")): doc for doc in tables.get(table, ())}


def place_keys(place: Mapping[str, Any]) -> set[str]:
    from xiezuo_cli.model.names import normalize

    keys = {str(key) for key in place.get("names") or ()}
    keys.add(normalize(str(place.get("id"))))
    if place.get("code"):
        keys.add(str(place["code"]))
    return keys


def find_pairing(name: str, tables: Tables, field: str = "pairing") -> dict[str, Any]:
    """The pairing ``name`` fits: its id, a provider–receiver form (余杭-苍溪, yuhang cangxi) or
    either place's name. FieldError when none or several fit (萧山 fits five: give the id)."""
    from xiezuo_cli.model.names import exact_id, known_list, normalize

    pairings = list(tables.get("pairing", ()))
    key = normalize(str(name or ""))
    if not key:
        raise FieldError(field, "missing")
    exact = exact_id((str(p.get("id")) for p in pairings), str(name))
    if exact is not None:
        return next(p for p in pairings if str(p.get("id")) == exact)
    places = by_id(tables, "place")
    found: list[dict[str, Any]] = []
    for pairing in pairings:
        keys = set((pairing.get("names") or {}).get("pair") or ())
        for side in ("provider", "receiver"):
            place = places.get(str(pairing.get(side)))
            if place is not None:
                keys |= place_keys(place)
        if key in keys:
            found.append(pairing)
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(str(p.get("id")) for p in found[:6])
        raise FieldError(field, f"{cut_repr(name)} fits {len(found)} pairings ({ids}); give its id")
    known = known_list([str(p.get("id")) for p in pairings])
    raise FieldError(field, f"unknown pairing {cut_repr(name)}; {known}")


def place_within(places: Mapping[str, Mapping[str, Any]], place: str, ancestor: str) -> bool:
    current: str | None = place
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        parent = places.get(current, {}).get("parent")
        current = None if parent is None else str(parent)
    return False


def next_record_id(tables: Tables) -> str:
    """``r-<n>``: one more than the largest ``r-<n>`` of the record table (r-1 in a new one)."""
    highest = 0
    for doc in tables.get("record", ()):
        match = _RECORD_ID.fullmatch(str(doc.get("id")))
        if match:
            highest = max(highest, int(match[1]))
    return f"r-{highest + 1}"


def pinyin_slug(place: Mapping[str, Any]) -> str:
    """The place's short name in pinyin, from the forms the table stores (苍溪 → cangxi)."""
    forms = [k for k in place.get("names") or () if isinstance(k, str) and k.isascii()]
    forms = [k for k in forms if k.isalpha()]
    if not forms:
        return str(place.get("id"))
    shortest = min(len(k) for k in forms)
    # pypinyin writes ü as v (lvyuan); luyuan is the stored variant without it
    return max((k for k in forms if len(k) == shortest), key=lambda k: (k.count("v"), k))


def next_pairing_id(
    provider: Mapping[str, Any], receiver: Mapping[str, Any], tables: Tables
) -> str:
    """``<provider>-<receiver>`` in pinyin (yuhang-cangxi), then -2, -3 … if that is taken."""
    base = f"{pinyin_slug(provider)}-{pinyin_slug(receiver)}"
    taken = set(by_id(tables, "pairing"))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def pair_names(
    pairing_id: str, provider: Mapping[str, Any], receiver: Mapping[str, Any]
) -> list[str]:
    """The provider–receiver forms (余杭苍溪, 餘杭蒼溪, yuhangcangxi …), from the place forms the
    table stores: the build makes them with OpenCC and pypinyin, which the CLI never loads. Each
    side's forms are its short name and name in every script the table has (the stored forms as
    long as those) and its short name in pinyin."""
    from xiezuo_cli.model.names import normalize

    def forms(place: Mapping[str, Any]) -> set[str]:
        short, name = normalize(str(place.get("short"))), normalize(str(place.get("name")))
        stored = [str(k) for k in place.get("names") or ()]
        chinese = [k for k in stored if not k.isascii()]
        shorts = {k for k in chinese if len(k) == len(short)} | {short}
        # as long as the name, but a short name after a prefix (湖州南太湖) is not the name
        names = {
            k
            for k in chinese
            if len(k) == len(name) and not any(k.endswith(s) for s in shorts if len(s) < len(k))
        }
        ascii_forms = [k for k in stored if k.isascii() and k.isalpha()]
        shortest = min((len(k) for k in ascii_forms), default=0)
        return shorts | names | {name} | {k for k in ascii_forms if len(k) == shortest}

    pairs = {a + b for a in forms(provider) for b in forms(receiver)}
    pairs.add(normalize(pairing_id))
    return sorted(pairs)
