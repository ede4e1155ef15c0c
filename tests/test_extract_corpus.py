"""The extraction engine scored against articles written for these tests, each with an answer key
written by hand (tests/extract_corpus/; the format is in its README.md), and against the two held
source articles, whose money figures the bundled data quotes.

The thresholds are issue 18's. Any article with a key dropped into the folder is scored the same
way; ``python tests/extract_scoring.py -v`` prints the table and every miss.
"""

from __future__ import annotations

import json
from pathlib import Path

import extract_scoring as scoring
import pytest
import yaml

from xiezuo_cli.extract import extract, read_article

ROOT = Path(__file__).resolve().parent.parent

# issue 18, "Done when": field -> the least recall it may have over the whole corpus
THRESHOLDS = {
    "money": 1.0,
    "bound": 1.0,
    "counts": 0.9,
    "stage": 0.9,
    "category": 0.8,
    "part_of": 0.8,
}
MOST_DRAFTS_WITHOUT_KEY = 0.10


@pytest.fixture(scope="module")
def corpus() -> tuple[scoring.Result, list[scoring.Result]]:
    return scoring.run_corpus()


def test_the_corpus_has_the_articles_the_issue_asks_for() -> None:
    """At least six articles; one traditional, one GB18030, one with pinyin glosses."""
    articles = scoring.corpus_articles()
    assert len(articles) >= 6
    raw = [text.read_bytes() for text, _ in articles]
    decoded = []
    for data in raw:
        try:
            decoded.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(data.decode("gb18030"))
    assert any("萬" in text or "協" in text for text in decoded)  # traditional
    assert any("(xié)" in text for text in decoded)  # pinyin glosses
    assert sum(1 for data in raw if _not_utf8(data)) >= 1  # GB18030


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_each_key_names_its_encoding_and_the_engine_reads_it() -> None:
    for text, key_path in scoring.corpus_articles():
        key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
        assert read_article(text.read_bytes(), text.name).encoding == key["encoding"], text.name


def test_scores_meet_the_issue_thresholds(corpus) -> None:
    total, each = corpus
    report = scoring.table([*each, total])
    print("\n" + report)
    for field, least in THRESHOLDS.items():
        recall = total.scores[field].recall()
        assert recall is not None and recall >= least, f"{field}: {recall}\n{report}"
    part_precision = total.scores["part_of"].precision()
    assert part_precision is not None and part_precision >= 0.8, report
    money_precision = total.scores["money"].precision()
    assert money_precision == 1.0, report  # nothing that is not money drafted as money
    assert total.unmatched_share() <= MOST_DRAFTS_WITHOUT_KEY, report


def test_rates_are_never_money(corpus) -> None:
    """每生每年3000元, 不少于10万元 per village, 79.5%: rates with their unit, no amount."""
    total, _ = corpus
    assert total.scores["rates"].total >= 10
    assert total.scores["rates"].recall() == 1.0, scoring.table([total])


def test_a_key_that_disagrees_fails_the_scorer() -> None:
    """The scorer can fail: a key with a wrong amount and a wrong stage scores below 100%."""
    text, key_path = scoring.corpus_articles()[0]
    key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
    article = read_article(text.read_bytes(), text.name)
    drafts = extract(article.text, places=scoring.lookup_for(key), published=str(key["published"]))
    figures = [dict(f) for f in key["figures"]]
    money = next(f for f in figures if f.get("amount_yuan"))
    money["amount_yuan"] += 1
    money["stage"] = "forecast" if money.get("stage", "actual") != "forecast" else "actual"
    result = scoring.score("altered", drafts, figures)
    assert result.scores["money"].recall() < 1.0
    assert result.scores["stage"].recall() < 1.0


# ─── the two held source articles ─────────────────────────────────────────────────────────

SOURCES = ("yuhang-cangxi-2021-11-17", "xiaoshan-2022-02-10")


def _quoted_money(source_id: str) -> list[tuple[str, str, int, str]]:
    """(figure, quote, amount, approx) of every money record data/xiezuo.json quotes from the
    source, read as plain JSON: the figures the article writes (not those worked out)."""
    tables = json.loads((ROOT / "data" / "xiezuo.json").read_text(encoding="utf-8"))
    found = []
    for record in tables["record"].values():
        for citation in record["citations"]:
            quote = citation["quote"]
            if (
                citation["source"] == source_id
                and quote
                and record["amount_yuan"] is not None
                and record["figure"] in quote
            ):
                found.append((record["figure"], quote, record["amount_yuan"], record["approx"]))
    return found


@pytest.mark.parametrize("raw", [False, True], ids=["cleaned", "raw"])
@pytest.mark.parametrize("source_id", SOURCES)
def test_every_money_figure_the_data_quotes_is_drafted(source_id: str, raw: bool) -> None:
    expected = _quoted_money(source_id)
    assert len(expected) >= 10
    folder = ROOT / "data" / "sources" / ("raw" if raw else "")
    article = read_article((folder / f"{source_id}.txt").read_bytes(), source_id)
    published = source_id[-10:]
    drafts = extract(article.text, places=scoring.lookup_for({}), published=published)
    for figure, quote, amount, approx in expected:
        candidates = [
            d
            for d in drafts
            if d.figure == figure and (raw or d.quote == quote) and d.amount_yuan is not None
        ]
        assert candidates, f"{source_id}: {figure} not drafted"
        assert any((d.amount_yuan, d.approx) == (amount, approx) for d in candidates), (
            f"{source_id}: {figure} drafted as {[(d.amount_yuan, d.approx) for d in candidates]}"
        )
        assert all(isinstance(d.amount_yuan, int) for d in candidates)
