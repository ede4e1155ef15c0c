"""Scoring the extraction engine against answer keys written by hand (tests/extract_corpus/).

Any ``NAME.txt`` with a ``NAME.key.yaml`` beside it is scored the same way; the key format is in
tests/extract_corpus/README.md. Expected values come from the keys (and, for the two held source
articles, from data/xiezuo.json read as plain JSON), never from xiezuo's own code: the scorer
only runs the engine and compares.

    python tests/extract_scoring.py            # the scores per field, per article and in all
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xiezuo_cli.extract import (
    Draft,
    PairingRef,
    PlaceRef,
    StaticLookup,
    extract,
    read_article,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "extract_corpus"
BUNDLED = ROOT / "data" / "xiezuo.json"


# The fields scored, in the order reported. Each is a recall over the key's figures that have
# the field; ``precision`` is over the drafts that have it, where that means something.
FIELDS = (
    "money",  # amount_yuan, exact
    "bound",  # approx, of the key figures drafted
    "counts",  # value and unit of counts and areas
    "rates",  # value and unit of shares (%) and per-unit standards (元/人·年), never money
    "stage",
    "category",
    "part_of",  # 其中 / 包括 links
    "measure",
    "period",
    "cumulative",
    "difference",
    "pairing",
)


def plain(text: str) -> str:
    """Full-width and half-width written alike, no spaces: how figures are compared."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def period_months(period: str | None) -> tuple[str, str] | None:
    """'2023' -> ('2023-01', '2023-12'); '2021..2023-11' -> ('2021-01', '2023-11');
    '..2022-02' -> ('', '2022-02'): periods written differently compare alike."""
    if period in (None, ""):
        return None
    start, _, end = str(period).partition("..") if ".." in str(period) else (period, "", period)
    start_text, end_text = str(start), str(end)
    if len(start_text) == 4:
        start_text += "-01"
    if len(end_text) == 4:
        end_text += "-12"
    return start_text, end_text


# ─── the database a key runs against ──────────────────────────────────────────────────────


def _bundled_tables() -> dict[str, Any]:
    return json.loads(BUNDLED.read_text(encoding="utf-8"))


def lookup_for(key: dict[str, Any]) -> StaticLookup:
    """The bundled database's places and pairings, plus those the key's ``database`` adds."""
    tables = _bundled_tables()
    places = {
        p["id"]: PlaceRef(p["id"], p["full_name"], p["name"], p["short"], p["code"])
        for p in tables["place"].values()
    }
    extra = key.get("database") or {}
    for p in extra.get("places", ()):
        places[str(p["id"])] = PlaceRef(
            str(p["id"]), p["full_name"], p["name"], p["short"], p.get("code")
        )
    pairings = [
        PairingRef(p["id"], p["kind"], places[p["provider"]], places[p["receiver"]], p["since"])
        for p in tables["pairing"].values()
    ]
    for p in extra.get("pairings", ()):
        since = None if p.get("since") is None else str(p["since"])
        pairings.append(
            PairingRef(
                p["id"], p["kind"], places[str(p["provider"])], places[str(p["receiver"])], since
            )
        )
    return StaticLookup(tuple(places.values()), tuple(pairings))


# ─── matching drafts to a key's figures ───────────────────────────────────────────────────


def _matches(draft: Draft, figure: dict[str, Any]) -> bool:
    written, drafted = plain(str(figure["figure"])), plain(draft.figure)
    # the data writes some figures with their noun (4个乡镇): the draft's 4个 is that figure
    if not (written == drafted or written.startswith(drafted) or drafted.startswith(written)):
        return False
    anchor = figure.get("anchor")
    return anchor is None or plain(str(anchor)) in plain(draft.quote)


def match(drafts: list[Draft], figures: list[dict[str, Any]]) -> dict[int, Draft]:
    """Each key figure (by index) to the draft it is, in the order both are written."""
    taken: set[int] = set()
    found: dict[int, Draft] = {}
    for index, figure in enumerate(figures):
        for position, draft in enumerate(drafts):
            if position not in taken and _matches(draft, figure):
                found[index] = draft
                taken.add(position)
                break
    return found


# ─── scores ───────────────────────────────────────────────────────────────────────────────


@dataclass
class Score:
    right: int = 0
    total: int = 0
    drafted_right: int = 0  # for precision
    drafted: int = 0

    def add(self, right: bool) -> None:
        self.total += 1
        self.right += right

    def recall(self) -> float | None:
        return self.right / self.total if self.total else None

    def precision(self) -> float | None:
        return self.drafted_right / self.drafted if self.drafted else None


@dataclass
class Result:
    name: str
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    drafts: int = 0
    unmatched_drafts: list[Draft] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def merge(self, other: Result) -> None:
        for name, score in other.scores.items():
            mine = self.scores[name]
            mine.right += score.right
            mine.total += score.total
            mine.drafted_right += score.drafted_right
            mine.drafted += score.drafted
        self.drafts += other.drafts
        self.unmatched_drafts += other.unmatched_drafts
        self.missed += other.missed
        self.wrong += other.wrong

    def unmatched_share(self) -> float:
        return len(self.unmatched_drafts) / self.drafts if self.drafts else 0.0


def _is_rate(figure: dict[str, Any]) -> bool:
    unit = str(figure.get("unit") or "")
    return unit in ("%", "个百分点") or "/" in unit


def score(name: str, drafts: list[Draft], figures: list[dict[str, Any]]) -> Result:
    result = Result(name, drafts=len(drafts))
    found = match(drafts, figures)
    ids = {f["id"]: i for i, f in enumerate(figures) if f.get("id")}
    matched = {id(d) for d in found.values()}
    result.unmatched_drafts = [d for d in drafts if id(d) not in matched]
    s = result.scores

    def check(field_name: str, figure: dict[str, Any], draft: Draft | None, right: bool) -> None:
        s[field_name].add(right)
        if not right and draft is not None:
            result.wrong.append(
                f"{name}: {figure['figure']} {field_name}: {_shown(draft, field_name)}"
            )

    for index, figure in enumerate(figures):
        draft = found.get(index)
        if draft is None:
            result.missed.append(f"{name}: {figure['figure']} ({figure.get('anchor') or ''})")
        if figure.get("amount_yuan") is not None:
            check(
                "money",
                figure,
                draft,
                draft is not None and draft.amount_yuan == figure["amount_yuan"],
            )
        elif _is_rate(figure):
            check(
                "rates",
                figure,
                draft,
                draft is not None
                and draft.amount_yuan is None
                and draft.value == figure["value"]
                and draft.unit == figure["unit"],
            )
        else:
            check(
                "counts",
                figure,
                draft,
                draft is not None
                and draft.value == figure["value"]
                and draft.unit == figure["unit"],
            )
        if draft is not None:
            check("bound", figure, draft, draft.approx == figure.get("approx", "exact"))
        check(
            "stage",
            figure,
            draft,
            draft is not None and draft.stage == figure.get("stage", "actual"),
        )
        check("category", figure, draft, draft is not None and draft.category == figure["category"])
        if figure.get("measure"):
            check(
                "measure", figure, draft, draft is not None and draft.measure == figure["measure"]
            )
        # a key without a period says the text gives none
        expected = period_months(figure.get("period"))
        check(
            "period", figure, draft, draft is not None and period_months(draft.period) == expected
        )
        check(
            "cumulative",
            figure,
            draft,
            draft is not None and draft.cumulative == bool(figure.get("cumulative", False)),
        )
        check(
            "difference",
            figure,
            draft,
            draft is not None and draft.difference == bool(figure.get("difference", False)),
        )
        if "pairing" in figure or "provider" in figure:
            check("pairing", figure, draft, draft is not None and _same_pairing(draft, figure))
        whole_index = ids.get(figure.get("part_of")) if figure.get("part_of") else None
        if figure.get("part_of") and whole_index is not None:
            whole = found.get(whole_index)
            right = draft is not None and whole is not None and draft.part_of == whole.id
            check("part_of", figure, draft, right)

    # precision: of the drafts that say a thing, how many say it rightly
    by_draft = {id(d): i for i, d in found.items()}
    for draft in drafts:
        index = by_draft.get(id(draft))
        figure = figures[index] if index is not None else None
        if draft.amount_yuan is not None:
            s["money"].drafted += 1
            s["money"].drafted_right += bool(
                figure and figure.get("amount_yuan") == draft.amount_yuan
            )
        if draft.part_of is not None:
            s["part_of"].drafted += 1
            whole = (
                figures[ids[figure["part_of"]]] if figure and figure.get("part_of") in ids else None
            )
            whole_draft = (
                found.get(ids[figure["part_of"]]) if whole is not None and figure else None
            )
            s["part_of"].drafted_right += bool(whole_draft and whole_draft.id == draft.part_of)
    return result


def _same_pairing(draft: Draft, figure: dict[str, Any]) -> bool:
    if "provider" in figure:
        return (draft.provider, draft.receiver) == (figure["provider"], figure["receiver"])
    return draft.pairing == figure["pairing"]


def _shown(draft: Draft, field_name: str) -> str:
    value = {
        "money": draft.amount_yuan,
        "counts": (draft.value, draft.unit),
        "rates": (draft.value, draft.unit, draft.amount_yuan),
    }.get(field_name, getattr(draft, field_name, None))
    return repr(value)


# ─── running the corpus ───────────────────────────────────────────────────────────────────


def corpus_articles(folder: Path = CORPUS) -> list[tuple[Path, Path]]:
    """Every article with a key beside it."""
    return [
        (text, text.with_suffix(".key.yaml"))
        for text in sorted(folder.glob("*.txt"))
        if text.with_suffix(".key.yaml").exists()
    ]


def run_article(text_path: Path, key_path: Path) -> tuple[Result, dict[str, Any], Any]:
    key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
    lookup = lookup_for(key)
    pair = None
    if key.get("pair"):
        pair = next(p for p in lookup.pairings() if p.id == key["pair"])
    article = read_article(text_path.read_bytes(), text_path.name)
    published = key.get("published")
    drafts = extract(
        article.text,
        places=lookup,
        pair=pair,
        published=None if published is None else str(published),
        source=key.get("source"),
    )
    return score(text_path.stem, drafts, key["figures"]), key, article


def run_corpus(folder: Path = CORPUS) -> tuple[Result, list[Result]]:
    total = Result("all")
    each = []
    for text_path, key_path in corpus_articles(folder):
        result, _, _ = run_article(text_path, key_path)
        each.append(result)
        total.merge(result)
    return total, each


# ─── the two held source articles, keyed by the bundled data ──────────────────────────────

SOURCES = ("yuhang-cangxi-2021-11-17", "xiaoshan-2022-02-10")


def source_key(source_id: str) -> dict[str, Any]:
    """A key for a held source article made from data/xiezuo.json's records that quote it:
    every record whose figure stands in its quote (a figure worked out by the curators, such as
    约5004万元, is not in the text and is left out)."""
    tables = _bundled_tables()
    published = tables["source"]
    when = next(s["published"] for s in published.values() if s["id"] == source_id)
    figures = []
    for record in tables["record"].values():
        for citation in record["citations"]:
            if citation["source"] != source_id or not citation["quote"]:
                continue
            if record["figure"] not in citation["quote"]:
                continue
            period = None
            if record["period_start"] or record["period_end"]:
                start, end = record["period_start"] or "", record["period_end"] or ""
                period = start if start == end else f"{start}..{end}"
            entry: dict[str, Any] = {
                "id": record["id"],
                "figure": record["figure"],
                "anchor": citation["quote"],
                "approx": record["approx"],
                "category": record["category"],
                "measure": record["measure"],
                "stage": record["stage"],
                "period": period,
                "cumulative": record["scope"] == "running_total",
                "pairing": record["pairing"],
            }
            if record["amount_yuan"] is not None:
                entry["amount_yuan"] = record["amount_yuan"]
            else:
                entry["value"], entry["unit"] = record["value"], record["unit"]
            if record["part_of"]:
                entry["part_of"] = record["part_of"]
            figures.append(entry)
    return {"published": when, "figures": figures}


def run_source(source_id: str, *, raw: bool) -> Result:
    key = source_key(source_id)
    folder = ROOT / "data" / "sources" / ("raw" if raw else "")
    article = read_article((folder / f"{source_id}.txt").read_bytes(), source_id)
    drafts = extract(article.text, places=lookup_for({}), published=key["published"])
    if raw:  # the raw page's sentences differ where the page was garbled: match on figures
        for figure in key["figures"]:
            figure.pop("anchor")
    return score(("raw " if raw else "") + source_id, drafts, key["figures"])


# ─── the report ───────────────────────────────────────────────────────────────────────────


def _pct(value: float | None) -> str:
    return "   –  " if value is None else f"{value:6.1%}"


def table(results: Iterable[Result]) -> str:
    results = list(results)
    lines = ["field        " + " ".join(f"{r.name[:22]:>24}" for r in results)]
    for name in FIELDS:
        cells = []
        for r in results:
            sc = r.scores[name]
            cell = f"{_pct(sc.recall())} ({sc.right}/{sc.total})"
            if sc.drafted:
                cell += f" p{_pct(sc.precision()).strip()}"
            cells.append(f"{cell:>24}")
        lines.append(f"{name:<12} " + " ".join(cells))
    cells = [
        f"{f'{r.unmatched_share():.1%} ({len(r.unmatched_drafts)}/{r.drafts})':>24}"
        for r in results
    ]
    lines.append(f"{'no key':<12} " + " ".join(cells))
    return "\n".join(lines)


def main() -> int:
    total, each = run_corpus()
    print("Corpus (tests/extract_corpus):")
    print(table([*each, total]))
    sources = [run_source(s, raw=raw) for s in SOURCES for raw in (False, True)]
    print("\nThe held source articles, against the bundled data's records:")
    print(table(sources))
    if "-v" in sys.argv:
        for result in (total, *sources):
            for line in result.missed:
                print("missed", line)
            for line in result.wrong:
                print("wrong ", line)
            for draft in result.unmatched_drafts:
                print("no key", result.name, draft.figure, "|", draft.quote[:50])
    return 0


if __name__ == "__main__":
    sys.exit(main())
