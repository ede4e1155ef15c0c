"""Places a write names: found in the database's place table or in the country's places.

``find_place`` is how every write (``pairs add``, ``places add --parent``, a sheet's provider
and receiver, a pairing an import makes) finds a place: by any name form or code, among the
database's places *and* the country's (storage.gazetteer, read only here, on a write), so that a
name which fits two places of the country is never silently taken for the one the database
happens to hold. A place found only in the country's list comes back with the documents to add
to the place table: itself and its ancestors the table lacks (``Found.new``), so a query later
finds it by set lookup as it finds the bundled places.

``place_document`` (``places add``) makes a place the official list lacks, under a parent;
``group_document`` (``places add --group``) a party made of several places; ``unused_place``
(``places remove``) says whether a place may go.

Every problem is an inputs.FieldError (exit 2), one line.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from xiezuo_cli.authoring.inputs import FieldError, cut_repr
from xiezuo_cli.authoring.lookup import Tables, place_keys
from xiezuo_cli.model.limits import is_slug
from xiezuo_cli.model.names import normalize
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import LEVELS, NATION_LEVEL

# The most places a "fits several" message lists.
SHOWN_CHOICES = 6


class Found(NamedTuple):
    document: dict[str, Any]  # the place, as the table stores it
    new: list[dict[str, Any]]  # what the table must gain for it: ancestors first, then itself


def _from_gazetteer(place: Any) -> dict[str, Any]:
    from xiezuo_cli.storage import gazetteer

    return {
        "id": place.id,
        "code": place.code,
        "name": place.name,
        "full_name": place.full_name,
        "short": place.short,
        "level": place.level,
        "parent": place.parent,
        "names": sorted(gazetteer.chained_names(place)),
    }


def _above(place: Mapping[str, Any], table: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The place above one (from the table, else the country's list); empty for none."""
    parent = place.get("parent")
    if parent is None:
        return {}
    above = table.get(str(parent))
    if above is not None:
        return dict(above)
    from xiezuo_cli.storage import gazetteer

    found = gazetteer.by_id(str(parent))
    return {} if found is None else {"full_name": found.full_name, "short": found.short}


def _described(place: Mapping[str, Any], table: Mapping[str, Mapping[str, Any]]) -> str:
    """苍溪县 (510824, in 广元市): what a "fits several" message says of each."""
    above = _above(place, table)
    where = f", in {above['full_name']}" if above else ""
    return f"{place.get('full_name')} ({place.get('id')}{where})"


def find_place(name: str, tables: Tables, field: str = "place") -> Found:
    """The one place ``name`` fits, by any name form, id or code, in the database's place table
    or the country's; FieldError listing them (with codes and parents) when several fit, or the
    closest names when none does."""
    from xiezuo_cli.storage import gazetteer

    key = normalize(str(name or ""))
    if not key:
        raise FieldError(field, "missing")
    table = {str(p.get("id")): p for p in tables.get("place", ())}
    exact = table.get(str(name).strip())
    if exact is not None:  # an id (a code or a slug) is one place
        return Found(exact, [])
    found: dict[str, dict[str, Any]] = {
        place_id: place for place_id, place in table.items() if key in place_keys(place)
    }
    country = {place.id: place for place in gazetteer.lookup(name)}
    for place_id, place in country.items():
        found.setdefault(place_id, _from_gazetteer(place))
    if len(found) > 1:
        shown_places = [_described(p, table) for p in list(found.values())[:SHOWN_CHOICES]]
        more = f" and {len(found) - SHOWN_CHOICES} more" if len(found) > SHOWN_CHOICES else ""
        first = next(iter(found.values()))
        example = f"{_above(first, table).get('short', '')}{first.get('name')}"
        raise FieldError(
            field,
            f"{cut_repr(name)} fits {len(found)} places: {', '.join(shown_places)}{more}; "
            f"give its code, or the place above it too ({example})",
        )
    if found:
        (place_id, document), *_ = found.items()
        if place_id in table:
            return Found(document, [])
        return Found(document, _with_ancestors(country[place_id], table))
    close = [f"{p.full_name} ({p.id})" for p in gazetteer.closest(name)]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise FieldError(
        field,
        f"unknown place {cut_repr(name)}: neither in the database's place table nor among the "
        f"country's places ({gazetteer.vintage()} list){hint}",
    )


def _with_ancestors(place: Any, table: Mapping[str, Any]) -> list[dict[str, Any]]:
    from xiezuo_cli.storage import gazetteer

    chain = [place, *gazetteer.ancestors(place)]
    return [_from_gazetteer(p) for p in reversed(chain) if p.id not in table]


def add_places(tables: dict[str, list[dict[str, Any]]], found: Iterable[Found]) -> None:
    """Put the places found in the country's list into the place table (once each)."""
    have = {str(p.get("id")) for p in tables["place"]}
    for each in found:
        for document in each.new:
            if document["id"] not in have:
                have.add(document["id"])
                tables["place"].append(document)


# ─── places the official list lacks ────────────────────────────────────────────────────────


def _names(name: str, short: str, above: Sequence[Mapping[str, Any]]) -> list[str]:
    """The forms a new place answers to: its name and short form, and each after its parent's
    forms (the parent's own, chained as the table stores them)."""
    own = {normalize(name), normalize(short)}
    forms = set(own)
    for ancestor in above[:1]:
        forms |= {str(k) + form for k in ancestor.get("names") or () for form in own}
    return sorted(f for f in forms if f)


def place_document(
    name: str,
    tables: Tables,
    *,
    parent: Mapping[str, Any] | None,
    level: str | None = None,
    code: str | None = None,
    id: str | None = None,
    short: str | None = None,
) -> dict[str, Any]:
    """A place the official list lacks (a functional zone, a place renamed since): under
    ``parent`` (a document of the table), at ``level`` (default: the level below the parent's),
    with ``code`` if it has one (then its id), else ``id`` (an ASCII slug)."""
    name = str(name or "").strip()
    if not name:
        raise FieldError("name", "missing")
    table = {str(p.get("id")): p for p in tables.get("place", ())}
    if level is None:
        if parent is None:
            raise FieldError("level", "missing: a place with no parent needs its level")
        at = LEVELS.index(str(parent.get("level")))
        if at + 1 >= len(LEVELS):
            raise FieldError("level", f"missing: {parent.get('full_name')} is at county level")
        level = LEVELS[at + 1]
    if level not in LEVELS or level == NATION_LEVEL:
        raise FieldError("level", f"{shown(level)}: expected one of {', '.join(LEVELS[1:])}")
    if parent is not None and LEVELS.index(str(parent.get("level"))) > LEVELS.index(level):
        raise FieldError(
            "parent", f"{parent.get('full_name')} is at a lower level ({parent.get('level')})"
        )
    _not_there(name, parent, table)
    if code is not None:
        code = code.strip()
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise FieldError("code", f"{cut_repr(code)} is not a six-digit code")
        if id is not None and id != code:
            raise FieldError("id", f"a place with a code has its code as its id ({code})")
        place_id = code
    elif id is not None:
        if not is_slug(id):
            raise FieldError("id", f"{cut_repr(id)} is not an id (an ASCII slug)")
        place_id = id
    else:
        place_id = derived_id((short or "").strip() or name, parent, tables)
    if place_id in table:
        raise FieldError("id", f"place {place_id} exists: {table[place_id].get('full_name')}")
    short_name = (short or "").strip() or name
    parent_name = str(parent.get("full_name")) if parent is not None else ""
    full_name = name if level != "county" or parent_name in name else parent_name + name
    return {
        "id": place_id,
        "code": code,
        "name": name,
        "full_name": full_name,
        "short": short_name,
        "level": level,
        "parent": None if parent is None else str(parent["id"]),
        "names": sorted(
            {*_names(name, short_name, [parent] if parent is not None else []), normalize(place_id)}
        ),
    }


def _not_there(name: str, parent: Mapping[str, Any] | None, table: Mapping[str, Any]) -> None:
    """A place of that name under that parent is in the table or the official list already."""
    from xiezuo_cli.storage import gazetteer

    key = normalize(name)
    above = None if parent is None else str(parent.get("id"))
    for place in table.values():
        if place.get("parent") == above and key in place_keys(place):
            raise FieldError("name", f"{name} is place {place.get('id')} ({place['full_name']})")
    for found in gazetteer.lookup(name):
        if found.parent == above:
            raise FieldError(
                "name",
                f"{name} is in the official list ({found.full_name}, {found.id}): any write "
                "takes it by name or code, with no adding",
            )


def derived_id(short: str, parent: Mapping[str, Any] | None, tables: Tables) -> str:
    """An id for a place with no code: its parent's pinyin and its short name's, from the
    database's character table (湖州市 + 南太湖 → huzhou-nantaihu); FieldError asking for one
    when a character has no pinyin there (no pinyin library is loaded at run time)."""
    from xiezuo_cli.authoring.lookup import pinyin_slug

    meta = tables.get("meta") or [{}]
    pinyin = meta[0].get("pinyin") or {} if meta else {}
    head = "" if parent is None else pinyin_slug(parent) + "-"
    syllables = [pinyin.get(ch) for ch in short]
    if not short or None in syllables:
        raise FieldError("id", f"missing: give {shown(short)} an id (an ASCII slug: --id)")
    place_id = head + "".join(str(s) for s in syllables)
    taken = {str(p.get("id")) for p in tables.get("place", ())}
    number, base = 2, place_id
    while place_id in taken:
        place_id, number = f"{base}-{number}", number + 1
    return place_id


def group_document(
    name: str,
    members: Sequence[Mapping[str, Any]],
    tables: Tables,
    *,
    id: str | None,
    level: str | None = None,
    parent: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A party made of several places (宁波市奉化区's 对口地区, reported together): its members
    where known; its level the members' (or ``level`` when they differ or none is known); its
    parent the nearest place above every member, unless given."""
    if level is None:
        levels = {str(m.get("level")) for m in members}
        if len(levels) != 1:
            raise FieldError(
                "level",
                "missing: the members are at several levels; say the group's level"
                if levels
                else "missing: a group with no member known needs its level",
            )
        (level,) = levels
    if parent is None and members:
        parent = _common_ancestor(members, tables)
    if id is None:
        id = derived_id(name, parent, tables)
    document = place_document(name, tables, parent=parent, level=level, id=id)
    document["members"] = [str(m["id"]) for m in members]
    return document


def _common_ancestor(
    members: Sequence[Mapping[str, Any]], tables: Tables
) -> Mapping[str, Any] | None:
    table = {str(p.get("id")): p for p in tables.get("place", ())}

    def chain(place: Mapping[str, Any]) -> list[str]:
        found = []
        current = place.get("parent")
        while current is not None and str(current) in table:
            found.append(str(current))
            current = table[str(current)].get("parent")
        return found

    common: list[str] | None = None
    for member in members:
        above = chain(member)
        common = above if common is None else [p for p in common if p in above]
    return table[common[0]] if common else None


def users_of_place(tables: Tables, place_id: str) -> list[str]:
    """What uses a place: pairings on either side, places under it, groups it is a member of."""
    found = [
        f"pairing {p.get('id')}"
        for p in tables.get("pairing", ())
        if place_id in (p.get("provider"), p.get("receiver"))
    ]
    for place in tables.get("place", ()):
        if place.get("parent") == place_id:
            found.append(f"place {place.get('id')} (parent)")
        if place_id in (place.get("members") or ()):
            found.append(f"place {place.get('id')} (member)")
    return found
