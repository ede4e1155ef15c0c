"""The country's places: every province-, city- and county-level division of GB/T 2260, and 全国.

A place table to look names up in when a place is not yet in the database: `pairs add --provider
路桥`, `places add --parent`, a sheet's provider and receiver columns. It reads the generated file
data/gazetteer.tsv (scripts/build_gazetteer.py; docs/places.md describes it) once per process, on
the first call, and never at import. The query commands do not import this module.

What the file stores for each place is its own name forms, normalised: name, short form, aliases,
their traditional spellings and pinyin (苍溪县, 苍溪, 蒼溪, cangxi). A form with places above it
(四川苍溪, 广元市苍溪县, 甘孜州康定, guangyuancangxi) is resolved here: the query is split into a
place's own form at its end and, before it, forms of that place's ancestors, top down, each one
optional. A name that fits several places gives them all (朝阳区: in 北京 and in 长春; 广安: 广安市
and its 广安区); the caller decides what that means.

Standard library only, besides xiezuo_cli.names for the one normalisation every name goes through.
"""

import os
from bisect import bisect_left
from collections.abc import Iterator
from typing import NamedTuple

from xiezuo_cli.errors import ExitStatus, XiezuoError
from xiezuo_cli.model.names import normalize

NATION_ID = "quanguo"  # 全国 has no GB/T 2260 code; its id is its name's pinyin
LEVELS = ("nation", "province", "city", "county")
FILE_NAME = "gazetteer.tsv"
# No name of a place is longer, even written out with its province and prefecture in pinyin
# (sichuanshengganzizangzuzizhizhoukangdingshi is 43): a longer text is not looked up, so a
# 100 KB cell of a sheet costs nothing.
LONGEST_NAME = 160

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


class GazetteerPlace(NamedTuple):
    id: str  # the code, or NATION_ID
    code: str | None  # the six-digit GB/T 2260 code; None for the nation
    level: str  # nation, province, city or county
    parent: str | None  # the id of the place above; None for a province and for the nation
    name: str  # 苍溪县
    full_name: str  # 广元市苍溪县 (prefecture + name at county level, 北京市朝阳区; else the name)
    short: str  # 苍溪
    aliases: tuple[str, ...]  # other written names: 甘孜州, 克州
    names: frozenset[str]  # its own normalised forms, without places above it


class GazetteerError(XiezuoError):
    """The places file is missing or damaged: a broken installation, not a user's mistake
    (exit 1, as when the system fails us; a user's database file is exit 3)."""

    exit_status = ExitStatus.ERROR


class _Table(NamedTuple):
    vintage: str
    places: list[str]  # one line per place, sorted by id
    forms: list[str]  # "form\tid id ...", sorted by form


_table: _Table | None = None
_cache: dict[str, GazetteerPlace] = {}


def data_path() -> str:
    """The installed wheel carries the file inside the package (xiezuo_cli/data); a source
    checkout, including an editable install, keeps it in the repository's data/ folder."""
    installed = os.path.join(_PACKAGE_DIR, "data", FILE_NAME)
    if os.path.exists(installed):
        return installed
    checkout = os.path.dirname(os.path.dirname(_PACKAGE_DIR))
    return os.path.join(checkout, "data", FILE_NAME)


def _load() -> _Table:
    global _table
    if _table is None:
        path = data_path()
        try:
            with open(path, encoding="utf-8") as file:
                lines = file.read().split("\n")
        except (OSError, UnicodeDecodeError) as error:
            raise GazetteerError(f"the country's places cannot be read: {path}: {error}") from None
        start = 0
        vintage = ""
        while start < len(lines) and lines[start].startswith("#"):
            if lines[start].startswith("# vintage: "):
                vintage = lines[start].removeprefix("# vintage: ")
            start += 1
        if "" not in lines[start:-1]:
            raise GazetteerError(f"the country's places file is damaged: {path}")
        blank = lines.index("", start)
        end = len(lines) - 1 if lines[-1] == "" else len(lines)
        _table = _Table(vintage, lines[start:blank], lines[blank + 1 : end])
    return _table


def _find_line(lines: list[str], key: str) -> str | None:
    """The line of a sorted section whose first field is ``key``."""
    prefix = key + "\t"
    at = bisect_left(lines, prefix)
    if at < len(lines) and lines[at].startswith(prefix):
        return lines[at]
    return None


def _ids_named(form: str) -> list[str]:
    line = _find_line(_load().forms, form) if form else None
    return line.split("\t", 1)[1].split(" ") if line else []


def _place(line: str) -> GazetteerPlace:
    place_id = line.split("\t", 1)[0]
    place = _cache.get(place_id)
    if place is not None:
        return place
    _, code, level, parent, name, full_name, short, aliases, names = line.split("\t")
    place = _cache[place_id] = GazetteerPlace(
        id=place_id,
        code=code or None,
        level=level,
        parent=parent or None,
        name=name,
        full_name=full_name,
        short=short,
        aliases=tuple(aliases.split("|")) if aliases else (),
        names=frozenset(names.split(" ")),
    )
    return place


def by_id(place_id: str) -> GazetteerPlace | None:
    """The place with this id: a six-digit code, or NATION_ID."""
    place = _cache.get(place_id)
    if place is None:
        line = _find_line(_load().places, place_id) if place_id else None
        place = _place(line) if line else None
    return place


def by_code(code: str) -> GazetteerPlace | None:
    """The place with this GB/T 2260 code in the current list; None for any other text, and for
    a code the list no longer has (公主岭市 was 220381 under 四平市 until 2020: now 220184)."""
    code = code.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    return by_id(code)


def ancestors(place: GazetteerPlace) -> list[GazetteerPlace]:
    """The places above, nearest first: 苍溪县 → [广元市, 四川省]."""
    found = []
    current = place
    while current.parent is not None:
        parent = by_id(current.parent)
        if parent is None:  # the generator checks every parent: this is a damaged file
            raise GazetteerError(f"the parent {current.parent} of {current.id} is missing")
        found.append(parent)
        current = parent
    return found


def children(place: GazetteerPlace) -> list[GazetteerPlace]:
    """The places directly under a place, by code: a province's cities (and its counties that
    have no city: 北京市's districts, 湖北省's 仙桃市), a city's counties."""
    if place.code is None or place.level == "county":
        return []
    prefix = place.code[:2] if place.level == "province" else place.code[:4]
    lines = _load().places
    found = []
    for line in lines[bisect_left(lines, prefix) :]:
        if not line.startswith(prefix):
            break
        if line.split("\t", 4)[3] == place.id:
            found.append(_place(line))
    return found


def lookup(text: str) -> list[GazetteerPlace]:
    """Every place ``text`` names, sorted by id: by its code (510824) or by any name form, alone
    or after forms of places above it (苍溪, 苍溪县, 蒼溪, Cāngxī, 四川苍溪, 广元市苍溪县).
    An empty list when none."""
    key = normalize(text)
    if not key or len(key) > LONGEST_NAME:
        return []
    if key.isascii() and key.isdigit():
        place = by_code(key)
        return [place] if place else []
    found: set[str] = set()
    for start in range(len(key)):
        for place_id in _ids_named(key[start:]):
            if start == 0 or _is_chain(key[:start], _ancestor_ids(place_id)):
                found.add(place_id)
    return [place for place in map(by_id, sorted(found)) if place is not None]


def _ancestor_ids(place_id: str) -> list[str]:
    place = by_id(place_id)
    return [] if place is None else [a.id for a in ancestors(place)]


def _is_chain(prefix: str, above: list[str]) -> bool:
    """Whether ``prefix`` is forms of some of the places ``above`` (nearest first), written top
    down: 四川广元 and 四川 and 广元 are chains of [广元市, 四川省]; 广元四川 is not."""
    for cut in range(len(prefix)):
        named = _ids_named(prefix[cut:])
        if not named:
            continue
        for depth, ancestor in enumerate(above):
            if ancestor in named and (cut == 0 or _is_chain(prefix[:cut], above[depth + 1 :])):
                return True
    return False


def chained_names(place: GazetteerPlace) -> frozenset[str]:
    """Every normalised form of a place, with the forms of places above it written before its
    own, top down, each ancestor optional (四川苍溪, 四川省广元市苍溪县, 广元苍溪县, 廣元蒼溪,
    guangyuancangxi): what a database's place table stores so that a query matches by set lookup.
    Chinese forms chain with Chinese ones and pinyin with pinyin."""
    prefixes = {""}
    for ancestor in ancestors(place):  # nearest first: each chain grows by the next in front
        prefixes |= {
            form + prefix
            for form in ancestor.names
            for prefix in prefixes
            if _same_script(form, prefix)
        }
    return frozenset(
        prefix + form for prefix in prefixes for form in place.names if _same_script(form, prefix)
    )


def _same_script(form: str, prefix: str) -> bool:
    return not prefix or form.isascii() == prefix.isascii()


def places() -> Iterator[GazetteerPlace]:
    """Every place, by id."""
    return map(_place, _load().places)


def vintage() -> str:
    """The year of the official list the file was built from: 2024."""
    return _load().vintage


def closest(text: str, n: int = 3) -> list[GazetteerPlace]:
    """Up to ``n`` places whose names are nearest to ``text``, nearest first, for a "did you
    mean": 苍西 → 苍溪县 among others; 广元苍西 → 苍溪县 (the places above are matched first, then
    the rest among the places under them); cangxu → 苍溪县. Empty when nothing is near."""
    key = normalize(text)
    if not key or n <= 0 or len(key) > LONGEST_NAME:
        return []
    # A chain with a misspelt end: the longest head that names places narrows the candidates.
    for cut in range(len(key) - 1, 0, -1):
        heads = lookup(key[:cut])
        if heads:
            under = [below for head in heads for below in _descendants(head)]
            near = _nearest(key[cut:], under, n)
            if near:
                return near
            break
    return _nearest(key, list(places()), n)


def _descendants(place: GazetteerPlace) -> list[GazetteerPlace]:
    found = []
    for child in children(place):
        found.append(child)
        found.extend(_descendants(child))
    return found


def _nearest(key: str, candidates: list[GazetteerPlace], n: int) -> list[GazetteerPlace]:
    from difflib import SequenceMatcher  # only on this error path

    cutoff = 0.5  # one character of two right: 苍西 for 苍溪
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    scored: list[tuple[float, int, int, str, GazetteerPlace]] = []
    for place in candidates:
        forms = place.names | {place.id} if key.isdigit() else place.names
        for form in forms:
            if form.isascii() != key.isascii():
                continue
            matcher.set_seq1(form)
            if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
                continue
            ratio = matcher.ratio()
            if ratio >= cutoff:
                # Ties (苍西: 苍溪, 苍南, 旺苍) go to the same beginning, then the same length.
                start = _same_start(form, key)
                scored.append((ratio, start, -abs(len(form) - len(key)), place.id, place))
    scored.sort(key=lambda item: (-item[0], -item[1], -item[2], item[3]))
    found: dict[str, GazetteerPlace] = {}
    for *_, place in scored:
        found.setdefault(place.id, place)
        if len(found) == n:
            break
    return list(found.values())


def _same_start(one: str, other: str) -> int:
    """How many characters two strings share at their beginning."""
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count
