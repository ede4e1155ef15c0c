"""Draft figures from an article: the engine behind ``xiezuo extract`` (issue 18).

A self-contained layer: it imports the standard library, ``xiezuo_cli.model`` (vocabularies,
the one figure parser ``model.amounts``, name matching, the records' types) and
``xiezuo_cli.errors``, nothing else. ``drafting`` is what the ``extract`` command calls: typed
values (the article's bytes, the pairing and source looked up in the database) in, drafts out.

    article = read_article(data, name="a.txt")          # bytes -> cleaned text (ArticleError)
    drafts = extract(article.text, places=lookup, pair=None, published="2022-02-10",
                     source="xiaoshan-2022-02-10")       # -> list[Draft] (ArticleError if none)
    rows = [draft.row() for draft in drafts]             # the import sheet's columns

``lookup`` is any ``PlaceLookup`` (``places()`` and ``pairings()``); ``lookup_from_model`` makes
one from a loaded database's ``model.Place`` and ``model.Pairing`` values.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xiezuo_cli.extract.engine import SHEET_COLUMNS, Draft, extract
    from xiezuo_cli.extract.pairing import (
        PairingRef,
        PlaceLookup,
        PlaceRef,
        StaticLookup,
        lookup_from_model,
    )
    from xiezuo_cli.extract.text import (
        MAX_ARTICLE_BYTES,
        ArticleError,
        ArticleText,
        NoFigures,
        clean_text,
        decode_article,
        read_article,
        sentences,
        to_simplified,
    )

# Where each public name lives. Loaded on first use, so that reading and cleaning a text
# (xiezuo_cli.extract.text: scripts/clean_sources.py, a held text) does not load the engine.
_HOMES = {
    "SHEET_COLUMNS": "engine",
    "Draft": "engine",
    "extract": "engine",
    "PairingRef": "pairing",
    "PlaceLookup": "pairing",
    "PlaceRef": "pairing",
    "StaticLookup": "pairing",
    "lookup_from_model": "pairing",
    "MAX_ARTICLE_BYTES": "text",
    "ArticleError": "text",
    "ArticleText": "text",
    "NoFigures": "text",
    "clean_text": "text",
    "decode_article": "text",
    "read_article": "text",
    "sentences": "text",
    "to_simplified": "text",
}

__all__ = [
    "MAX_ARTICLE_BYTES",
    "SHEET_COLUMNS",
    "ArticleError",
    "ArticleText",
    "Draft",
    "NoFigures",
    "PairingRef",
    "PlaceLookup",
    "PlaceRef",
    "StaticLookup",
    "clean_text",
    "decode_article",
    "extract",
    "lookup_from_model",
    "read_article",
    "sentences",
    "to_simplified",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
