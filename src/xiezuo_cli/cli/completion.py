"""Shell completion: what each option's declaration says it completes (``Opt.complete``):
fixed choices, or the names of the pairings, places, records or fields of the database in use.

Completion never prints an error: a database that cannot be read completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer


def _data(ctx: typer.Context) -> Any:
    """The database in use for completion, or None: completion never prints an error."""
    from xiezuo_cli.storage import dataset

    given = ctx.params.get("db")
    path = given[-1] if isinstance(given, list | tuple) and given else given
    try:
        return dataset.load(dataset.resolve_path(str(path) if path else None))
    except Exception:
        return None


def _names_for(places: Any, incomplete: str) -> list[str]:
    """Names of these places that continue what was typed. Typer (and zsh, fish) keep only
    completions that start with the typed text, so a name typed in characters completes in
    characters (苍 → 苍溪), in pinyin to pinyin (cang → cangxi) and in traditional characters to
    traditional (蒼 → 蒼溪): every one of these forms is accepted by --pair, --in and --from."""
    from xiezuo_cli.model.names import normalize

    found: list[str] = []
    for place in places:
        for name in (place.short, place.full_name):
            if name.startswith(incomplete):
                found.append(name)
    typed = normalize(incomplete)
    if typed and not found:
        for place in places:
            forms = sorted((key for key in place.keys if key.startswith(typed)), key=len)
            if forms:  # what was typed, continued by the shortest form it begins
                found.append(incomplete + forms[0][len(typed) :])
    return list(dict.fromkeys(found))


def complete_pairing(ctx: typer.Context, incomplete: str) -> list[str]:
    """Place names of the pairings (and their ids) that continue what was typed."""
    data = _data(ctx)
    if data is None:
        return []
    places = {
        p.id: p for pairing in data.pairings.values() for p in (pairing.provider, pairing.receiver)
    }
    found = _names_for(places.values(), incomplete)
    found += [p for p in data.pairings if p.startswith(incomplete) and incomplete]
    return list(dict.fromkeys(found))


def complete_place(ctx: typer.Context, incomplete: str) -> list[str]:
    """Place names of the database in use that continue what was typed."""
    data = _data(ctx)
    return [] if data is None else _names_for(data.places.values(), incomplete)


def complete_record(ctx: typer.Context, incomplete: str) -> list[str]:
    data = _data(ctx)
    return [] if data is None else [i for i in data.record_ids() if i.startswith(incomplete)]


def complete_field(ctx: typer.Context, incomplete: str) -> list[str]:
    from xiezuo_cli.model.records import QUERY_FIELDS

    # --columns a,b,<TAB>: complete the last name of the list
    done, _, last = incomplete.rpartition(",")
    prefix = done + "," if done else ""
    return [prefix + name for name in QUERY_FIELDS if name.startswith(last)]


def _choices(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        done, _, last = incomplete.rpartition(",")
        prefix = done + "," if done else ""
        return [prefix + value for value in values if value.startswith(last)]

    return complete


COMPLETERS: dict[str, Callable[..., list[str]]] = {
    "pairing": complete_pairing,
    "place": complete_place,
    "record": complete_record,
    "field": complete_field,
}


def completer(complete: tuple[str, ...] | str | None) -> Callable[..., list[str]] | None:
    if complete is None:
        return None
    if isinstance(complete, tuple):
        return _choices(complete)
    return COMPLETERS[complete]
