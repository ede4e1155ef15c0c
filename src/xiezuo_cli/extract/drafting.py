"""`xiezuo extract` as the core sees it: typed values in, drafts out.

``request`` resolves what the user named against the database's tables (``--pair`` by any name
form, as the queries resolve it; ``--source`` to its id and publication date; ``--published``
over the source's), raising UsageProblem (exit 2) before the article is read. ``draft`` reads
the article's bytes (text.read_article: one encoding and cleaning rule) and drafts its figures
with the database's places. An article with no figure is not an error here: its drafts are
empty and ``Drafted.empty`` says why, for the command to tell the user.
"""

import difflib
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.extract.engine import Draft, extract
from xiezuo_cli.extract.pairing import PairingRef, lookup_from_model
from xiezuo_cli.extract.text import ArticleText, NoFigures, read_article
from xiezuo_cli.model.names import match_one_pairing
from xiezuo_cli.model.records import Pairing, Place, Source
from xiezuo_cli.model.safe_text import shown


class Request(NamedTuple):
    """What the drafts are to say besides what the article says."""

    pairing: Pairing | None  # --pair: every figure is this pairing's
    source: Source | None  # --source: the citation of every draft
    published: str | None  # the article's date: --published, else the source's


class Drafted(NamedTuple):
    article: ArticleText
    drafts: list[Draft]
    request: Request
    empty: str | None = None  # why there is no draft (the article holds no figure)


def request(
    pairings: Mapping[str, Pairing],
    sources: Mapping[str, Source],
    *,
    pair: str | None = None,
    source: str | None = None,
    published: str | None = None,
) -> Request:
    """The pairing and source named, looked up in the database's tables."""
    pairing = match_one_pairing(pairings.values(), pair) if pair is not None else None
    cited = None
    if source is not None:
        cited = sources.get(source)
        if cited is None:
            hint = _source_hint(source, sources)
            raise UsageProblem(f"--source: no source {shown(source)}{hint}")
    return Request(pairing, cited, published or (cited.published if cited else None))


def _source_hint(wanted: str, sources: Mapping[str, Source]) -> str:
    close = difflib.get_close_matches(wanted, list(sources), n=3, cutoff=0.5)
    if close:
        return f"; did you mean {', '.join(close)}?"
    return " in the database (add it with `xiezuo sources add`, or leave --source out)"


def draft(
    data: bytes,
    name: str,
    asked: Request,
    places: Iterable[Place],
    pairings: Iterable[Pairing],
) -> Drafted:
    """The drafts of the article whose bytes are ``data`` (``name`` names it in messages).
    ArticleError (exit 3) for bytes that are not an article's text."""
    article = read_article(data, name)
    pairings = list(pairings)
    lookup = lookup_from_model(places, pairings)
    pair: PairingRef | None = None
    if asked.pairing is not None:
        pair = next(p for p in lookup.pairings() if p.id == asked.pairing.id)
    try:
        drafts = extract(
            article.text,
            places=lookup,
            pair=pair,
            published=asked.published,
            source=asked.source.id if asked.source else None,
            name=name,
        )
    except NoFigures as error:
        return Drafted(article, [], asked, str(error))
    return Drafted(article, drafts, asked)
