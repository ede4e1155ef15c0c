"""From an article's cleaned text to draft figures, one per figure, in the import sheet's columns.

The engine reads the text paragraph by paragraph and sentence by sentence; for each figure
``figures.find_figures`` finds, the words of its clause and sentence (``rules``) decide what it
is, the time words of its sentence or paragraph (``periods``) its period, and the places named
around it (``pairing``) its pairing. What no word decided is marked as guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from xiezuo_cli.extract import periods, rules
from xiezuo_cli.extract.figures import Mention, find_figures
from xiezuo_cli.extract.pairing import (
    Choice,
    PairingChooser,
    PairingRef,
    PlaceIndex,
    PlaceLookup,
)
from xiezuo_cli.extract.text import ArticleError, paragraphs, sentences

# The import sheet's columns (issue 17), in order, then amount_yuan.
SHEET_COLUMNS = (
    "id", "provider", "receiver", "kind", "category", "measure", "item", "figure", "value",
    "unit", "approx", "period", "stage", "actor", "cumulative", "source", "part_of", "quote",
    "note", "amount_yuan",
)  # fmt: skip

_MONEY_WORDS = re.compile(r"资金|投资|投入|捐|援|销售|采购|收入|税|产值|帮扶|金额|元")
_HEADING_END = re.compile(r"[。！？；：，”…]$")
_ID = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Draft:
    """One figure drafted from an article: the import sheet's columns plus what people need to
    check it (where the figure is in its quote, which fields were guessed)."""

    id: str
    provider: str | None  # full names, as the database writes them
    receiver: str | None
    kind: str | None
    pairing: str | None  # the database pairing's id, when one was found
    category: str
    measure: str
    item: str
    figure: str  # as written: 超1000万元
    value: int | float
    unit: str
    amount_yuan: int | None  # money only; never a float
    approx: str
    period: str | None
    stage: str
    actor: str
    cumulative: bool  # a running total (累计, 截至, 自…以来)
    source: str | None
    part_of: str | None  # the id of the draft this one is part of (其中, 包括)
    quote: str  # the sentence as it stands in the cleaned text
    note: str | None
    difference: bool = False  # 较上年增加: a change, not a flow
    rate: bool = False  # a share (%) or a per-unit standard (元/人·年): never added
    paragraph: int = 0  # the paragraph's number, from 1
    start: int = 0  # the figure's place in the quote
    end: int = 0
    guessed: frozenset[str] = field(default_factory=frozenset)

    def row(self) -> dict[str, object]:
        """The sheet row: SHEET_COLUMNS, in order."""
        return {name: getattr(self, name) for name in SHEET_COLUMNS}


def _published(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    parts = [int(p) for p in str(value).split("-")]
    # a year or a month only: its last days, as model.last_day reads them (no day after it)
    year, month, day = [*parts, 12, 28][:3] if len(parts) == 1 else [*parts, 28][:3]
    return date(year, month, day)


def extract(
    text: str,
    *,
    places: PlaceLookup,
    pair: PairingRef | None = None,
    published: date | str | None = None,
    source: str | None = None,
) -> list[Draft]:
    """Draft every figure of an article's cleaned text (``text.read_article``).

    ``pair``: every figure belongs to this pairing (``--pair``); else each figure's pairing is
    found from the places its paragraph names. ``published``: the article's date (a date or
    ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), to resolve 今年, 去年, 目前. ``source``: the source
    id every draft cites, and the prefix of the drafts' ids.

    Raises ArticleError when the article holds no figure."""
    when = _published(published)
    chooser = PairingChooser(PlaceIndex(places), text)
    prefix = _ID.sub("-", (source or "f").lower()).strip("-") or "f"
    drafts: list[Draft] = []
    section = ""
    for number, paragraph in enumerate(paragraphs(text), start=1):
        if _is_heading(paragraph):
            section = paragraph + "\n"  # a heading's programme word (山海协作…) helps tell pairings
            continue
        section += paragraph + "\n"
        reader = _ParagraphReader(paragraph, number, when, chooser, pair, section)
        previous: list[Draft] = []
        for sentence, found in reader.sentence_drafts():
            made = [
                replace(draft, id=f"{prefix}-{len(drafts) + i + 1}", source=source)
                for i, draft in enumerate(found)
            ]
            drafts.extend(_with_parts(made, previous, sentence))
            previous = made
    if not drafts:
        raise ArticleError("no figures found: the article holds no money, count or rate to draft")
    return drafts


def _is_heading(paragraph: str) -> bool:
    """A short line with no sentence punctuation: a title or a section heading, whose figures
    repeat the body's."""
    return len(paragraph) <= 30 and not _HEADING_END.search(paragraph)


class _ParagraphReader:
    def __init__(
        self,
        paragraph: str,
        number: int,
        published: date | None,
        chooser: PairingChooser,
        pair: PairingRef | None,
        section: str,
    ) -> None:
        self.paragraph = paragraph
        self.number = number
        self.published = published
        self.chooser = chooser
        self.pair = pair
        self.section = section
        self.paragraph_spans = periods.time_spans(paragraph, published)

    def sentence_drafts(self) -> Iterator[tuple[str, list[Draft]]]:
        """Each sentence with the drafts of its figures (ids and part_of not yet set)."""
        for sentence in sentences(self.paragraph):
            money_words = bool(_MONEY_WORDS.search(sentence))
            mentions = find_figures(sentence, money_without_unit=money_words)
            yield sentence, [self._draft(sentence, mention) for mention in mentions]

    # ── one figure ──

    def _draft(self, sentence: str, mention: Mention) -> Draft:
        clause_start, clause_end = _clause(sentence, mention.start, mention.end)
        before = sentence[clause_start : mention.start]
        after = sentence[mention.end : clause_end]
        guessed: set[str] = set()
        notes: list[str] = []

        rate_unit = _rate_unit(sentence, clause_start, mention)
        difference = bool(rules.DIFFERENCE_CUES.search(before))
        if mention.is_money and rate_unit is None:
            category, measure, actor = _classify(rules.MONEY_RULES, before, after, sentence)
        elif mention.unit in rules.AREA_UNITS:
            category, measure, actor = _area(before, after, sentence)
        elif mention.is_percent:
            category, measure, actor = self._classify_rate(before, after, sentence)
        else:
            rules_ = rules.MONEY_RULES if rate_unit else rules.COUNT_RULES
            category, measure, actor = _classify(rules_, before, after, sentence)
            if rate_unit:
                measure = _standard_measure(sentence)
            else:
                measure = _count_measure(measure, mention.unit, before, after)
        if not category:
            category = _category_fallback(sentence) or "成效"
            guessed.add("category")
        if not measure:
            measure = "金额" if mention.is_money else rules.UNIT_MEASURES.get(mention.unit, "数量")
            guessed.add("measure")
        actor = _actor(before + after) or actor or _actor(sentence) or "unknown"
        stage = _stage(sentence, mention.start, mention.end)
        cumulative = self._cumulative(sentence, mention)
        period = self._period(sentence, mention, cumulative)
        if difference:
            measure = f"{measure}增减"
            notes.append("较上年的增减额，不是一笔资金或数量，不与流量相加")
        choice = self._pairing(sentence)
        if choice.guessed:
            guessed.add("pairing")
        if choice.problem:
            notes.append(choice.problem)
        if period is None and self._needs_date(sentence):
            notes.append("时间词需要发稿日期才能换算：请给出发稿日期")
            guessed.add("period")

        quantity = mention.quantity
        unit = rate_unit or mention.unit
        money = mention.is_money and rate_unit is None
        return Draft(
            id="",
            provider=choice.provider.full_name if choice.provider else None,
            receiver=choice.receiver.full_name if choice.receiver else None,
            kind=choice.kind,
            pairing=choice.pairing.id if choice.pairing else None,
            category=category,
            measure=measure,
            item=_item(before, after, mention),
            figure=mention.figure,
            value=quantity.value,
            unit=unit,
            amount_yuan=quantity.value if money and isinstance(quantity.value, int) else None,
            approx=quantity.approx,
            period=period,
            stage=stage,
            actor=actor,
            cumulative=cumulative,
            source=None,
            part_of=None,
            quote=sentence,
            note="；".join(notes) or None,
            difference=difference,
            rate=rate_unit is not None or mention.is_percent,
            paragraph=self.number,
            start=mention.start,
            end=mention.end,
            guessed=frozenset(guessed),
        )

    def _classify_rate(self, before: str, after: str, sentence: str) -> tuple[str, str, str]:
        measure = "比例"
        for words, name in rules.PERCENT_MEASURES:
            if words.search(before[-8:]):
                measure = name
                break
        category, _, actor = _classify(rules.MONEY_RULES, before, after, sentence)
        return category, measure, actor

    def _cumulative(self, sentence: str, mention: Mention) -> bool:
        if mention.is_percent:
            return False
        cue = rules.CUMULATIVE_CUES.search(sentence[: mention.start])
        return cue is not None

    def _period(self, sentence: str, mention: Mention, cumulative: bool) -> str | None:
        spans = periods.time_spans(sentence, self.published)
        if cumulative:
            return self._running_period(sentence, mention, spans)
        before = [s for s in spans if s[0] < mention.start]
        chosen = before[-1][2] if before else (spans[0][2] if spans else None)
        if chosen is None and self.paragraph_spans:
            first = self.paragraph_spans[0][2]
            # a paragraph's 去年10月 sets the year of its other sentences, not their month
            year = (first.start or first.end or "")[:4]
            whole_years = first.start is not None and len(first.start) == 4
            chosen = first if whole_years else periods.Span(year or None, year or None)
        return chosen.text() if chosen else None

    def _running_period(
        self, sentence: str, mention: Mention, spans: list[tuple[int, int, periods.Span]]
    ) -> str | None:
        choice = self._pairing(sentence)
        since = choice.pairing.since if choice.pairing else (self.pair.since if self.pair else None)
        end, has_as_of = periods.as_of_end(sentence, self.published)
        start = periods.since_start(sentence, self.published, since)
        if not has_as_of:
            end = periods.month_of(self.published) if self.published else None
        if start is None:
            # 2021年6月，…结对…，累计投入: a date before the cue is where the total starts;
            # else the pairing's start (截至目前 in an article about one pairing)
            earlier = [s for s in spans if s[1] <= mention.start]
            if earlier and not has_as_of:
                start = earlier[0][2].start
            elif not re.search(r"近年来|多年来|历年|近几年|这些年", sentence):
                start = since
        if start and end and start > end:
            start = None
        return periods.Span(start, end).text()

    def _needs_date(self, sentence: str) -> bool:
        return self.published is None and bool(
            re.search(r"今年|去年|本年|上年|目前|上半年|前三季度|过去一年", sentence)
        )

    def _pairing(self, sentence: str) -> Choice:
        if self.pair is not None:
            pair = self.pair
            return Choice(pair, pair.provider, pair.receiver, pair.kind, False, None)
        return self.chooser.choose(sentence, self.paragraph, self.section)


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between ，；：) that holds sentence[start:end]."""
    left = max((m.end() for m in rules.CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right_break = rules.CLAUSE_BREAK.search(sentence, end)
    right = right_break.start() if right_break else len(sentence)
    return left, right


def _classify(
    table: tuple[rules.Rule, ...], before: str, after: str, sentence: str
) -> tuple[str, str, str]:
    """The first rule whose words are in the clause before the figure (nearest words first:
    the last 12 characters, then the whole), else after it in the clause; else the rule whose
    words stand nearest before the figure in the sentence, else nearest after it."""
    for window in (before[-12:], before, after):
        for rule in table:
            if rule.words.search(window):
                return rule.category, rule.measure, rule.actor
    at = sentence.find(before + after) + len(before) if before + after else 0
    nearest: list[tuple[int, int, rules.Rule]] = []
    for order, rule in enumerate(table):
        for match in rule.words.finditer(sentence):
            distance = at - match.end() if match.end() <= at else 1000 + match.start() - at
            nearest.append((distance, order, rule))
    if nearest:
        rule = min(nearest)[2]
        return rule.category, rule.measure, rule.actor
    return "", "", ""


def _count_measure(measure: str, unit: str, before: str, after: str) -> str:
    """A count's measure: the noun right after it (6家企业, 130个经济薄弱行政村) when the words
    said only what kind of thing it is; 结对数 stays (4所学校 … 实现结对共建)."""
    if measure == "结对数":
        return measure
    phrase = re.split(r"[，、。；（(和与及]", after, maxsplit=1)[0][:8]
    nouns = [(phrase.find(noun), m) for noun, m in rules.NOUN_MEASURES if noun in phrase]
    if nouns:
        return min(nouns)[1]
    nouns = [(len(noun), m) for noun, m in rules.NOUN_MEASURES if before.endswith(noun)]
    if nouns and measure != "人数":  # 新签约项目5个
        return max(nouns)[1]
    if measure in ("", "数量") or (measure == "人数" and unit not in ("人", "人次")):
        return rules.UNIT_MEASURES.get(unit, measure or "数量")
    if measure == "企业数" and unit not in ("家", "户", "个"):
        return rules.UNIT_MEASURES.get(unit, "数量")
    return measure


def _area(before: str, after: str, sentence: str) -> tuple[str, str, str]:
    """An area (亩, 平方米) is a 面积; its category from what it is the area of."""
    for window in (before + after, sentence):
        for words, category in rules.AREA_CATEGORIES:
            if words.search(window):
                return category, "面积", ""
    return "", "面积", ""


def _standard_measure(sentence: str) -> str:
    """A per-unit money standard: 资助标准 (每生每年1200元), 分配标准 (每县…), else 标准."""
    if re.search(r"资助|助学|补助|救助|奖励", sentence):
        return "资助标准"
    if re.search(r"分配|安排|切块|下达", sentence):
        return "分配标准"
    return "标准"


def _category_fallback(sentence: str) -> str | None:
    for words, category in rules.CATEGORY_WORDS:
        if words.search(sentence):
            return category
    return None


def _actor(window: str) -> str | None:
    for words, actor in rules.ACTOR_WORDS:
        if words.search(window):
            return actor
    return None


def _stage(sentence: str, start: int, end: int) -> str:
    """The stage from the nearest cue before the figure in its clause, or after it in its
    clause (…亿元的项目签约), or a strong cue in an earlier clause of the sentence unless a word
    that says it happened stands between."""
    clause_start, clause_end = _clause(sentence, start, end)
    before_in_clause = sentence[clause_start:start]
    if rules.ACTUAL_CUES.search(before_in_clause[-6:]) and not _cue(before_in_clause[-6:]):
        return "actual"
    cue = _cue(before_in_clause, last=True)
    if cue:
        return cue[0]
    after = sentence[end:clause_end]
    cue = _cue(after)
    if cue and cue[0] == "pledged":
        return cue[0]
    earlier = sentence[:clause_start]
    cue = _cue(earlier, last=True, strong_only=True)
    if cue and not rules.ACTUAL_CUES.search(earlier[cue[1] :] + before_in_clause):
        return cue[0]
    return "actual"


def _cue(text: str, *, last: bool = False, strong_only: bool = False) -> tuple[str, int] | None:
    """The stage a text's cue words give: the first stage of STAGE_CUES found (its precedence),
    with the end of its last (or first) occurrence."""
    for pattern, stage, strong in rules.STAGE_CUES:
        if strong_only and not strong:
            continue
        ends = [match.end() for match in pattern.finditer(text)]
        if ends:
            return stage, (max(ends) if last else min(ends))
    return None


def _rate_unit(sentence: str, clause_start: int, mention: Mention) -> str | None:
    """元/人·年 for a per-unit standard (每生每年1200元, 人均增收2000元), else None."""
    if not mention.is_money:
        return None
    before = sentence[clause_start : mention.start]
    pers = []
    for phrase in before.split("每")[1:]:
        noun = rules.PER_NOUNS.search(phrase.removeprefix("个"))
        if noun:
            pers.append(rules.PER_NAMES.get(noun[0], noun[0]))
    if pers:
        return "元/" + "·".join(pers)
    average = rules.AVERAGE_UNIT.search(before)
    if average:
        return "元/" + rules.PER_NAMES.get(average[1], average[1])
    return None


_ITEM_LEAD = re.compile(
    r"^(?:截至目前|截至|截止|目前|其中|此外|同时|累计|共计|共|合计|今年以来|今年|去年|全年"
    r"|(?:19|20)\d{2}年(?:\d{1,2}月)?(?:以来)?|[^，]{0,6}以来)[，、]?"
)
_ITEM_TAIL = re.compile(r"(?:达到了|达到|达|为|共计|共|约|价值|总额|金额|累计|超过|超|近|逾|的)+$")
_ITEM_SUBJECT = re.compile(r"^.{0,12}?(?:向|为|给|在|对)[^，]{1,8}?(?=投入|投资|捐|采购|购买|销售)")


def _item(before: str, after: str, mention: Mention) -> str:
    """What the figure is about, in the article's words: the clause before the figure without
    its time words, subject and trailing verbs (达, 为, 价值); the noun after a count."""
    # in an enumeration (专项资金3900万元、财政捐赠资金200万元) the item is this piece only
    piece = re.split(r"[、]|[0-9０-９][^、，]*?(?:元|人|名|家|个|所|项)", before)[-1]
    if len(piece) >= 2:
        before = piece
    item = _ITEM_LEAD.sub("", before.strip("，、；：“”"))
    item = _ITEM_SUBJECT.sub("", item)
    item = _ITEM_TAIL.sub("", item)
    if len(item) > 24:
        item = item[-24:]
    if not mention.is_money:
        noun = re.match(r"[\u4e00-\u9fff]{1,6}?(?=[，、。；）]|的|$)", after)
        if noun:
            item += noun[0]
    elif not item:
        noun = re.match(r"的?([\u4e00-\u9fff]{1,10})", after)
        item = noun[1] if noun else ""
    return item or mention.figure


def _with_parts(made: list[Draft], previous: list[Draft], sentence: str) -> list[Draft]:
    """Link the figures after 其中 / 包括 to the figure they are part of: the last figure of the
    same kind (money with money, a count with a count of its unit) before the cue in the
    sentence, or in the sentence before when the sentence opens with 其中. A cue's reach ends at
    a semicolon."""
    cues = list(rules.PART_CUES.finditer(sentence))
    if not made or not cues:
        return made
    linked = list(made)
    for i, draft in enumerate(made):
        cue = next((c for c in reversed(cues) if c.end() <= draft.start), None)
        if cue is None or draft.rate:
            continue
        ends = rules.SENTENCE_PARTS if cue[0] in rules.WIDE_PART_CUES else rules.CLAUSE_BREAK
        if ends.search(sentence, cue.end(), draft.start):
            continue
        wholes = [d for d in made[:i] if d.end <= cue.start()]
        if not wholes and cue.start() <= 2:
            wholes = previous
        whole = next((w for w in reversed(wholes) if _same_kind(w, draft)), None)
        if whole is not None:
            linked[i] = replace(draft, part_of=whole.id)
    return linked


def _same_kind(whole: Draft, part: Draft) -> bool:
    if whole.rate or whole.difference:
        return False
    if (whole.amount_yuan is None) != (part.amount_yuan is None):
        return False
    return whole.amount_yuan is not None or whole.unit == part.unit
