"""Draft figures from an article: the engine behind ``xiezuo extract`` (issue 18).

A self-contained layer: it imports the standard library, ``xiezuo_cli.model`` (vocabularies),
``xiezuo_cli.amounts`` (the one figure parser) and ``xiezuo_cli.errors``, nothing else.

    article = read_article(data, name="a.txt")          # bytes -> cleaned text (ArticleError)
    drafts = extract(article.text, places=lookup, pair=None, published="2022-02-10",
                     source="xiaoshan-2022-02-10")       # -> list[Draft] (ArticleError if none)
    rows = [draft.row() for draft in drafts]             # the import sheet's columns

``lookup`` is any ``PlaceLookup`` (``places()`` and ``pairings()``); ``lookup_from_model`` makes
one from a loaded database's ``model.Place`` and ``model.Pairing`` values.
"""

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
    clean_text,
    decode_article,
    read_article,
    sentences,
    to_simplified,
)

__all__ = [
    "MAX_ARTICLE_BYTES",
    "SHEET_COLUMNS",
    "ArticleError",
    "ArticleText",
    "Draft",
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
