"""From an article's cleaned text to draft figures, one per figure, in the import sheet's columns.

The engine reads the text paragraph by paragraph and sentence by sentence; for each figure
``figures.find_figures`` finds, the words of its clause and sentence (``rules``) decide what it
is, the time words of its sentence or paragraph (``periods``) its period, and the places named
around it (``pairing``) its pairing. What no word decided is marked as guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
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
from xiezuo_cli.extract.text import NoFigures, paragraphs, sentences

# The import sheet's columns (issue 17), in order, then amount_yuan.
SHEET_COLUMNS = (
    "id", "provider", "receiver", "kind", "category", "measure", "item", "figure", "value",
    "unit", "approx", "period", "stage", "actor", "cumulative", "source", "part_of", "quote",
    "note", "amount_yuan",
)  # fmt: skip

_MONEY_WORDS = re.compile(r"资金|投资|投入|捐|援|销售|采购|收入|税|产值|帮扶|金额|元")
_HEADING_END = re.compile(r"[。！？；：，”…]$")
_ID = re.compile(r"[^a-z0-9]+")
# A clause that is only a change (同比增长28%, 较上年增长近20%): the change of the figure before it.
_GROWTH_OF_PREVIOUS = re.compile(
    r"(?:同比|环比|较[^，；]{0,6}|比[^，；]{0,6})?(?:增长|增加|提高|提升|上升|下降|减少|增幅)"
    r"(?:了|达|为|约|达到)?"
)
_CLAUSE_OR_SENTENCE = re.compile(r"[，,；;：:。！？…“”]")


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
    name: str = "article",
) -> list[Draft]:
    """Draft every figure of an article's cleaned text (``text.read_article``).

    ``pair``: every figure belongs to this pairing (``--pair``); else each figure's pairing is
    found from the places its paragraph names. ``published``: the article's date (a date or
    ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), to resolve 今年, 去年, 目前. ``source``: the source
    id every draft cites, and the prefix of the drafts' ids. ``name``: the article as the user
    named it, for the error.

    Raises NoFigures (an ArticleError) when the article holds no figure."""
    when = _published(published)
    chooser = PairingChooser(PlaceIndex(places), text)
    prefix = _ID.sub("-", (source or "f").lower()).strip("-") or "f"
    drafts: list[Draft] = []
    section = heading = ""
    for number, paragraph in enumerate(paragraphs(text), start=1):
        if _is_heading(paragraph):
            section, heading = (
                paragraph + "\n",
                paragraph,
            )  # its programme word (山海协作…) helps tell pairings
            continue
        section += paragraph + "\n"
        reader = _ParagraphReader(paragraph, number, when, chooser, pair, section, heading)
        previous: list[Draft] = []
        for sentence, found in reader.sentence_drafts():
            made = [
                replace(draft, id=f"{prefix}-{len(drafts) + i + 1}", source=source)
                for i, draft in enumerate(found)
            ]
            drafts.extend(_with_parts(made, previous, sentence))
            previous = made
    if not drafts:
        raise NoFigures(name, "no figures found: it holds no money, count or rate to draft")
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
        heading: str,
    ) -> None:
        self.paragraph = paragraph
        self.number = number
        self.published = published
        self.chooser = chooser
        self.pair = pair
        self.section = section
        self.heading = heading
        # the time words heading a clause of the paragraph (去年，…; 2021年6月，…): the others
        # (计划于今年10月投产) date one event of their own sentence
        self.paragraph_spans = [
            span
            for span in periods.time_spans(paragraph, published)
            if _heads_clause(paragraph, span[0])
        ]

    def sentence_drafts(self) -> Iterator[tuple[str, list[Draft]]]:
        """Each sentence with the drafts of its figures (ids and part_of not yet set)."""
        for sentence in sentences(self.paragraph):
            money_words = bool(_MONEY_WORDS.search(sentence))
            mentions = find_figures(sentence, money_without_unit=money_words)
            made: list[Draft] = []
            for mention in mentions:
                made.append(self._draft(sentence, mention, made[-1] if made else None))
            yield sentence, made

    # ── one figure ──

    def _draft(self, sentence: str, mention: Mention, previous: Draft | None = None) -> Draft:
        clause_start, clause_end = _clause(sentence, mention.start, mention.end)
        before = sentence[clause_start : mention.start]
        after = sentence[mention.end : clause_end]
        guessed: set[str] = set()
        notes: list[str] = []

        at = mention.start
        rate_unit = _rate_unit(sentence, clause_start, mention)
        # 较上年增长18.6% is a growth rate, a rate like any share; 较上年增加420万元 a difference
        difference = not mention.is_percent and bool(rules.DIFFERENCE_CUES.search(before))
        if mention.is_money and rate_unit is None:
            category, measure, actor = _classify(rules.MONEY_RULES, before, after, sentence, at)
        elif mention.unit in rules.AREA_UNITS:
            category, measure, actor = _area(before, after, sentence)
        elif mention.is_percent:
            category, measure, actor = self._classify_rate(before, after, sentence, at)
            if previous is not None and _GROWTH_OF_PREVIOUS.fullmatch(before.strip("，、 ")):
                category = previous.category  # 实现产值3.6亿元，同比增长28%: the 产值's
        else:
            rules_ = rules.MONEY_RULES if rate_unit else rules.COUNT_RULES
            category, measure, actor = _classify(rules_, before, after, sentence, at)
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
        stage = _stage(sentence, mention.start, mention.end, self._new_statement)
        cumulative = rate_unit is None and self._cumulative(sentence, mention)
        period = self._period(sentence, mention, cumulative)
        if difference:
            measure = f"{measure}增减"
            notes.append("较上年的增减额，不是一笔资金或数量，不与流量相加")
        choice = self._pairing(sentence, mention.start)
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

    def _classify_rate(
        self, before: str, after: str, sentence: str, at: int
    ) -> tuple[str, str, str]:
        measure = "比例"
        for words, name in rules.PERCENT_MEASURES:
            if words.search(before[-8:]):
                measure = name
                break
        # a share of money (占年度项目资金的79.5%) or of what is counted (手术量同比提升35%):
        # the table its clause speaks of first
        tables: tuple[tuple[rules.Rule, ...], ...] = (rules.COUNT_RULES, rules.MONEY_RULES)
        if _MONEY_WORDS.search(before):
            tables = (rules.MONEY_RULES, rules.COUNT_RULES)
        for table in tables:
            category, _, actor = _classify(table, before, after, sentence, at)
            if category:
                break
        return category, measure, actor

    def _cumulative(self, sentence: str, mention: Mention) -> bool:
        if mention.is_percent:
            return False
        cue = rules.CUMULATIVE_CUES.search(sentence[: mention.start])
        return cue is not None

    def _new_statement(self, before_in_clause: str) -> bool:
        """Whether the figure's clause opens a statement of its own (a place or a time as its
        subject: 鄞州区今年新吸纳…), so a plan or a pledge of an earlier clause is not its."""
        return bool(self.chooser.index.named(before_in_clause)) or bool(
            periods.TIME_WORDS.search(before_in_clause)
        )

    def _period(self, sentence: str, mention: Mention, cumulative: bool) -> str | None:
        """The time words of the figure's own clause; else a time word heading an earlier clause
        of its sentence part (今年上半年，…; 2023年滨江区…); else the paragraph's first time
        word (a single month or day gives only its year: 去年10月 dates one event)."""
        spans = periods.time_spans(sentence, self.published)
        if cumulative:
            return self._running_period(sentence, mention, spans)
        clause_start, clause_end = _clause(sentence, mention.start, mention.end)
        own = [s for s in spans if clause_start <= s[0] < clause_end]
        own_before = [s for s in own if s[0] < mention.start]
        chosen = own_before[-1][2] if own_before else (own[0][2] if own else None)
        if chosen is None:
            part_start = max(
                (m.end() for m in rules.SENTENCE_PARTS.finditer(sentence, 0, mention.start)),
                default=0,
            )
            topics = [
                s
                for s in spans
                if part_start <= s[0] < clause_start and _heads_clause(sentence, s[0])
            ]
            chosen = topics[-1][2] if topics else None
        if chosen is None and self.paragraph_spans:
            first = self.paragraph_spans[0][2]
            single = first.start is not None and first.start == first.end and len(first.start) > 4
            year = (first.start or first.end or "")[:4]
            chosen = periods.Span(year, year) if single else first
        return chosen.text() if chosen else None

    def _running_period(
        self, sentence: str, mention: Mention, spans: list[tuple[int, int, periods.Span]]
    ) -> str | None:
        choice = self._pairing(sentence, mention.start)
        since = choice.pairing.since if choice.pairing else (self.pair.since if self.pair else None)
        end, has_as_of = periods.as_of_end(sentence, self.published)
        start = periods.since_start(sentence, self.published, since)
        if not has_as_of:
            end = periods.month_of(self.published) if self.published else None
        if start is None:
            # 2021年6月，…建立…结对关系，…累计投入: a date in a clause that says the pairing
            # began is where the total starts; else the pairing's start (截至目前)
            earlier = [
                s
                for s in spans
                if s[1] <= mention.start
                and rules.START_WORDS.search(sentence[slice(*_clause(sentence, s[0], s[1]))])
            ]
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

    def _pairing(self, sentence: str, at: int = 0) -> Choice:
        """The pairing of the figure at ``at``: the sentence part (between semicolons) that
        holds it names its places first (余杭区…；萧山区…；滨江区… are three pairings)."""
        if self.pair is not None:
            pair = self.pair
            return Choice(pair, pair.provider, pair.receiver, pair.kind, False, None)
        start = max((m.end() for m in rules.SENTENCE_PARTS.finditer(sentence, 0, at)), default=0)
        end_break = rules.SENTENCE_PARTS.search(sentence, at)
        part = sentence[start : end_break.start() if end_break else len(sentence)]
        return self.chooser.choose(sentence, self.paragraph, self.section, self.heading, part=part)


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between ，；：) that holds sentence[start:end]."""
    left = max((m.end() for m in rules.CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right_break = rules.CLAUSE_BREAK.search(sentence, end)
    right = right_break.start() if right_break else len(sentence)
    return left, right


def _classify(
    table: tuple[rules.Rule, ...], before: str, after: str, sentence: str, at: int
) -> tuple[str, str, str]:
    """The first rule whose words are in the clause before the figure (nearest words first:
    the last 12 characters, then the whole), else after it in the clause; else the rule whose
    words stand nearest before the figure in the sentence, else nearest after it. Money's last
    rule is a catch-all (资金, 投入) tried only when no other rule's words are anywhere."""
    tiers = (table[:-1], table[-1:]) if table is rules.MONEY_RULES else (table,)
    for tier in tiers:
        for window in (before[-12:], before, after):
            for rule in tier:
                if rule.words.search(window):
                    return rule.category, rule.measure, rule.actor
        nearest: list[tuple[int, int, rules.Rule]] = []
        for order, rule in enumerate(tier):
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


def _heads_clause(text: str, position: int) -> bool:
    """Whether a time word heads its clause, alone or after a short subject (今年上半年，…;
    2023年滨江区…; 萧山区全年向…), rather than dating an event inside it (计划于今年10月投产)."""
    start = max((m.end() for m in _CLAUSE_OR_SENTENCE.finditer(text, 0, position)), default=0)
    lead = text[start:position]
    if re.fullmatch(r"[^，；]{0,4}(?:方面|上|中)，?", lead):
        return True
    return len(lead) <= 6 and not re.search(r"[于在到至从自]$|计划|将|预计|拟|力争", lead)


def _stage(
    sentence: str, start: int, end: int, new_statement: Callable[[str], bool] = lambda _: False
) -> str:
    """The stage from the nearest cue before the figure in its clause, or after it in its
    clause (…亿元的项目签约), or a strong cue in an earlier clause of the sentence unless a word
    that says it happened stands between, or the figure's clause opens a statement of its own."""
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
    if cue is None or rules.ACTUAL_CUES.search(earlier[cue[1] :] + before_in_clause):
        return "actual"
    # 签订协议，鄞州区今年新吸纳…，…就业近400人: a clause between that opens a statement of its
    # own ends the pledge's reach
    between = rules.CLAUSE_BREAK.split(earlier[cue[1] :] + before_in_clause)
    if any(new_statement(clause) for clause in between[1:]):
        return "actual"
    return cue[0]


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
    pers: list[str] = []
    for phrase in before.split("每")[1:]:
        phrase = rules.PER_PHRASE_END.split(phrase.removeprefix("个"), maxsplit=1)[0]
        nouns = rules.PER_NOUNS.findall(phrase)
        if nouns:
            pers.append(rules.PER_NAMES.get(nouns[-1], nouns[-1]))
        time = rules.PER_TIMES.search(phrase[phrase.rfind(nouns[-1]) :] if nouns else phrase)
        if time and time[0] not in pers:
            pers.append(time[0])
    if pers:
        return "元/" + "·".join(pers)
    average = rules.AVERAGE_UNIT.search(before)
    if average:
        per = rules.PER_NAMES.get(average[1], average[1])
        return f"元/{per}·年" if average[2] and per != "年" else f"元/{per}"
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
        if cue is None or draft.rate or draft.difference:
            continue
        ends = rules.SENTENCE_PARTS if cue[0] in rules.WIDE_PART_CUES else rules.CLAUSE_BREAK
        if ends.search(sentence, cue.end(), draft.start):
            continue
        wholes = [d for d in made[:i] if d.end <= cue.start()]
        if not wholes and cue.start() <= 2:
            wholes = previous
        whole = next((w for w in reversed(wholes) if _same_kind(w, draft)), None)
        if whole is not None:
            own_time = bool(periods.time_spans(sentence[cue.end() : draft.start], None))
            linked[i] = _part(draft, whole, own_time=own_time)
    return linked


def _part(part: Draft, whole: Draft, *, own_time: bool = False) -> Draft:
    """A part of a whole: of the whole's kind (a part of 劳务协作's 就业人数 is one, whatever
    words its own clause has) unless the whole is of several kinds (各类帮扶资金, whose parts are
    财政资金 and 社会帮扶资金); for a running total's parts, of its period, unless the part says
    its own time (其中，2023年…3.46亿元)."""
    part = replace(part, part_of=whole.id)
    if part.category != whole.category and whole.measure not in rules.MIXED_MEASURES:
        part = replace(part, category=whole.category, measure=whole.measure)
    if whole.cumulative and not part.cumulative and not own_time:
        part = replace(part, cumulative=True, period=whole.period)
    return part


def _same_kind(whole: Draft, part: Draft) -> bool:
    """Whether ``part`` can be part of ``whole``: both money, or counts of one unit, and the
    part no larger than the whole (完成投资约2800万元 after 援建资金1200万元 is not in it)."""
    if whole.rate or whole.difference:
        return False
    if (whole.amount_yuan is None) != (part.amount_yuan is None):
        return False
    if whole.amount_yuan is None and whole.unit != part.unit:
        return False
    return whole.approx == "at_least" or part.value <= whole.value
