"""Money totals that count nothing twice and never add unlike things.

The rules, each with the reason it exists:
- Only money records (amount_yuan set) are summed; a rate such as 1200 元/人·年 has no
  amount_yuan and is never summed.
- Only flows (财政援助, 社会帮扶, 消费帮扶, 产业合作): a 成效 amount is an outcome (income gained,
  taxes forecast), not money sent.
- Only one stage: ``actual`` unless asked for another. Money allocated, pledged or planned is not
  money spent, and two stages are never added: stage is part of every grouping key.
- Never a figure that a later one revises, when the later one is known (published by --as-of).
- Never a record whose whole is counted in the same result (``part_of``, up the chain), even in
  another row (another measure or category): the whole already holds it, and the money would be
  counted twice across rows. A part whose whole is not in the result (filtered out, not yet
  published) is counted: that is then the best figure there is.
- Never across categories, measure families, levels or stages: all four are always part of the
  grouping key. A county's money is inside its province's; 采购额 is not 帮助销售额. The one
  exception is the labelled line 帮扶资金合计 = 财政援助 (财政资金) + 社会帮扶 (捐款捐物), made
  only when both are in the result, and naming what it adds.
- Never a running total and another figure of its measure whose period overlaps it
  (``never_added``): a running total holds everything of its measure for its pairing over its
  period, so a figure of that measure in an overlapping period is in it, in part or whole, unless
  the two are declared part and whole (then the part is skipped, above). Such figures stay in rows
  of their own, each with its period (``apart`` "overlap" on the running total's row). Another
  measure of the same family (苍溪's 财政捐赠 beside its 协作资金 running total) is not in it.
- Asked about a window of time (--year, --during), a total adds only the figures whose period
  lies within it; a figure that overlaps the window but reaches beyond it is a row of its own
  (``apart`` "window"), never added, and not a whole that hides its parts: a part is skipped only
  when its whole is counted in the same answer.
- A total with an ``at_least`` figure in it is a lower bound (≥); with ``about``, approximate;
  with a ``derived`` one (worked out from an article's numbers, not given by it), derived (推算).
  Derived figures are counted unless asked not to (``derived=False``: funds --no-derived); then
  their parts count in their place.
"""

from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import rules
from xiezuo_cli.model.periods import first_day, last_day
from xiezuo_cli.model.records import Record
from xiezuo_cli.model.vocab import CATEGORIES, FLOW_CATEGORIES, LEVELS, STAGES
from xiezuo_cli.query.filters import Filters, select
from xiezuo_cli.storage.dataset import Dataset

GROUP_FIELDS = (
    "pairing",
    "year",
    "category",
    "measure",
    "kind",
    "level",
    "stage",
    "actor",
    "provider",
    "receiver",
)
DEFAULT_GROUPS = ("pairing", "category")
# Always in the key, whatever --by says: these are the things never added together.
ALWAYS = ("category", "measure", "level", "stage")
AID_TOTAL_LABEL = "帮扶资金合计"
AID_TOTAL_PARTS = (("财政援助", "财政资金"), ("社会帮扶", "捐款捐物"))
DEFAULT_STAGE = "actual"


class Decision(NamedTuple):
    record: Record
    counted: bool
    # machine code: summed | rate | currency | outcome | stage | revised | part_of | window
    # | derived
    reason: str
    detail: str  # for people, in Chinese
    whole: str | None = None  # part_of: the counted record that holds this one
    revised_by: str | None = None  # revised: the later figure that replaces this one
    # counted figures this one is never added to (a running total and a figure of its measure
    # whose period overlaps it): they stay in rows of their own
    overlaps: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """Whether the figure has a row in the totals: counted, or shown apart (window)."""
        return self.counted or self.reason == "window"


# Why a row of totals stands apart from the rows that share its key (never added to them).
APART_OVERLAP = "overlap"  # a running total whose period overlaps figures of its measure
APART_WINDOW = "window"  # a figure whose period reaches beyond the --year/--during asked
# The fields every row of totals ends with, after its sum (README, "Machine fields").
TOTAL_TAIL = ("at_least", "about", "records", "period_start", "period_end", "apart", "derived")


class Total(NamedTuple):
    key: tuple[tuple[str, object], ...]  # (field, value) for each grouping field
    amount_yuan: int
    at_least: bool
    about: bool
    records: int  # how many records were summed
    ids: tuple[str, ...] = ()  # which records, for people and for the 合计 line
    period_start: str | None = None  # the earliest start of the figures summed (None: open)
    period_end: str | None = None  # the latest end (None: open)
    apart: str | None = None  # APART_OVERLAP, APART_WINDOW, or None
    derived: bool = False  # a figure we worked out (推算) is in the sum

    def value(self, field: str) -> object:
        return dict(self.key)[field]

    def as_row(self, total: str = "amount_yuan") -> dict[str, object]:
        """The machine row; ``total`` names the sum: amount_yuan, or value for counts."""
        return {
            **dict(self.key),
            total: self.amount_yuan,
            "at_least": self.at_least,
            "about": self.about,
            "records": self.records,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "apart": self.apart,
            "derived": self.derived,
        }


def group_fields(by: Sequence[str]) -> tuple[str, ...]:
    """The grouping fields in the order given, each once, then those always kept apart.

    ``year`` brings ``span`` with it: a multi-year figure gets a row of its own, labelled with
    its years (2021–2024), never split or spread over them.
    """
    fields: list[str] = []
    for name in by or DEFAULT_GROUPS:
        name = name.strip()
        if name not in GROUP_FIELDS:
            raise UsageProblem(f"invalid --by {name!r}: choose from {', '.join(GROUP_FIELDS)}")
        if name not in fields:
            fields.append(name)
        if name == "year" and "span" not in fields:
            fields.append("span")
    for name in ALWAYS:
        if name not in fields:
            fields.append(name)
    return tuple(fields)


def check_stages(stages: Collection[str]) -> frozenset[str]:
    return frozenset(stages) if stages else frozenset([DEFAULT_STAGE])


def superseded(records: Iterable[Record]) -> dict[str, str]:
    """For each figure that a later one among ``records`` revises: the id of that later one."""
    return {record.revises: record.id for record in records if record.revises is not None}


def decide_all(
    records: Sequence[Record],
    stages: Collection[str] = (DEFAULT_STAGE,),
    revised: dict[str, str] | None = None,
    *,
    same_level_parts: bool = False,
    counts: bool = False,
    window: tuple[str, str] | None = None,
    derived: bool = True,
) -> list[Decision]:
    """Whether each money record counts in a total, and why; records that are not money (and not
    a money rate) are left out.

    ``records`` is the selection; ``revised`` maps a figure to the later one that replaces it,
    computed over every figure known at --as-of (not only the selection: a revision found by
    another filter still replaces the old value). ``same_level_parts`` (for the roll-up) skips a
    part only for a whole at its own level: a county's money inside its province's figure is
    still summed into the county rows that are rolled up beside that figure. ``counts`` decides
    for counts (people, projects, 亩) instead of money, under the same rules: one stage, no
    revised figure, no part of a counted whole; rates and shares are never summed.
    ``window`` (first and last ISO day of --year/--during): a figure whose period does not lie
    within it is shown apart (reason ``window``), never added, and hides none of its parts.
    ``derived=False`` leaves out the figures we worked out (reason ``derived``): their parts
    count in their place.
    """
    revised = revised if revised is not None else superseded(records)
    stages = frozenset(stages)
    first: list[Decision] = []
    for record in records:
        if counts:
            if record.amount_yuan is None and not record.is_rate and not _currency(record):
                first.append(_decide_flow(record, stages, revised))
            continue
        if record.amount_yuan is None:
            if record.unit.startswith("元/"):
                first.append(Decision(record, False, "rate", f"比率（{record.unit}），不求和"))
            elif _currency(record):  # 美元, 港元: money, but not in yuan
                detail = f"外币（{record.unit}），未折算，不求和"
                first.append(Decision(record, False, "currency", detail))
            continue
        if record.category not in FLOW_CATEGORIES:
            first.append(
                Decision(record, False, "outcome", f"{record.category}：结果而非投入，不计入")
            )
        else:
            first.append(_decide_flow(record, stages, revised))
    if not derived:
        first = [
            Decision(d.record, False, "derived", "推算数，按 --no-derived 不计入")
            if d.counted and d.record.derived
            else d
            for d in first
        ]
    if window is not None:
        first = [
            _beyond(decision)
            if decision.counted and not within(decision.record, window)
            else decision
            for decision in first
        ]
    counted = {d.record.id: d.record for d in first if d.counted}
    by_id = {record.id: record for record in records}
    final = []
    for decision in first:
        whole = None
        if decision.shown:
            level = decision.record.level if same_level_parts else None
            whole = _counted_whole(decision.record, counted, by_id, revised, level)
        if whole is not None:
            decision = Decision(
                decision.record, False, "part_of", f"含于 {whole}，已计入其总额", whole=whole
            )
        final.append(decision)
    return _mark_overlaps(final)


def _beyond(decision: Decision) -> Decision:
    period = period_text(decision.record.period_start, decision.record.period_end)
    detail = f"期间 {period} 跨出所问年份：单列一行，不计入合计"
    return Decision(decision.record, False, "window", detail)


def within(record: Record, window: tuple[str, str]) -> bool:
    """Whether the figure's period lies within the window: both ends known and inside it. A
    figure with an open end, or none, is not known to lie within anything."""
    start, end = record.period_start, record.period_end
    if start is None or end is None:
        return False
    return first_day(start) >= window[0] and last_day(end) <= window[1]


def periods_may_overlap(a: Record, b: Record) -> bool:
    """Whether two figures' periods may share a day (model.rules.periods_may_overlap)."""
    return rules.periods_may_overlap((a.period_start, a.period_end), (b.period_start, b.period_end))


def never_added(a: Record, b: Record) -> bool:
    """The rule for running totals, written once: a running total (the pairing's total of one
    measure over its period) holds every figure of that measure, pairing and stage whose period
    overlaps its own, so it is never added to one. Figures declared part and whole are decided
    before this (the part is skipped); another measure is not held (it may share a family)."""
    if a.scope != "running_total" and b.scope != "running_total":
        return False
    return (
        a.id != b.id
        and a.pairing == b.pairing
        and a.category == b.category
        and a.measure == b.measure
        and a.stage == b.stage
        and a.unit == b.unit
        and periods_may_overlap(a, b)
    )


def _mark_overlaps(decisions: list[Decision]) -> list[Decision]:
    """Each counted figure with the counted figures it is never added to (``never_added``)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, decision in enumerate(decisions):
        if decision.counted:
            record = decision.record
            key = (record.pairing, record.category, record.measure, record.stage, record.unit)
            groups.setdefault(key, []).append(index)
    found: dict[int, list[str]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        totals = [i for i in members if decisions[i].record.scope == "running_total"]
        for i in totals:
            for j in members:
                if j != i and never_added(decisions[i].record, decisions[j].record):
                    found.setdefault(i, []).append(decisions[j].record.id)
                    found.setdefault(j, []).append(decisions[i].record.id)
    for index, others in found.items():
        decision = decisions[index]
        unique = tuple(sorted(set(others)))
        detail = f"计入；与 {'、'.join(unique)} 期间重叠，各列一行、不相加"
        decisions[index] = decision._replace(overlaps=unique, detail=detail)
    return decisions


def period_text(start: str | None, end: str | None) -> str:
    """A period as people read it: 2021, 2021-06–2022-02, …–2024-09; 未注明期间 for none."""
    if start is None and end is None:
        return "未注明期间"
    if start == end:
        return str(start)
    return f"{start or '…'}–{end or '…'}"


def _currency(record: Record) -> bool:
    """An amount in another currency (美元, 港元), kept as written: never converted or summed."""
    return record.amount_yuan is None and record.unit != "元" and record.unit.endswith("元")


def _decide_flow(record: Record, stages: frozenset[str], revised: dict[str, str]) -> Decision:
    if record.stage not in stages:
        return Decision(record, False, "stage", f"{_stage_name(record.stage)}，另计")
    if record.id in revised:
        later = revised[record.id]
        return Decision(record, False, "revised", f"已被 {later} 修订", revised_by=later)
    return Decision(record, True, "summed", "计入")


def count_fields(fields: Sequence[str]) -> tuple[str, ...]:
    """Counts are added only within one unit: 人 with 人, 个 with 个."""
    return tuple(fields) if "unit" in fields else (*fields, "unit")


def _counted_whole(
    record: Record,
    counted: dict[str, Record],
    by_id: dict[str, Record],
    revised: dict[str, str],
    level: str | None = None,
) -> str | None:
    """The nearest record up the part_of chain that is itself counted (at ``level``, if given),
    if any. A whole that a later figure revises stands for that later figure: the revision still
    holds the part."""
    current = record
    while current.part_of is not None:
        whole = current.part_of
        seen = {whole}
        while whole in revised and revised[whole] not in seen:
            whole = revised[whole]
            seen.add(whole)
        if whole in counted and (level is None or counted[whole].level == level):
            return whole
        parent = by_id.get(current.part_of)
        if parent is None:  # the whole is outside the selection: walk no further
            return None
        current = parent
    return None


def _stage_name(stage: str) -> str:
    from xiezuo_cli.model.vocab import STAGE_NAMES

    return STAGE_NAMES.get(stage, stage)


EXPLAIN_FIELDS = (
    "id",
    "pairing",
    "level",
    "category",
    "measure",
    "stage",
    "item",
    "amount_yuan",
    "approx",
    "counted",
    "reason",
    "part_of",
    "revised_by",
    "overlaps",
    "derived",
    "derivation",
)


def explain_row(decision: Decision) -> dict[str, object]:
    record = decision.record
    return {
        "id": record.id,
        "pairing": record.pairing,
        "level": record.level,
        "category": record.category,
        "measure": record.family,
        "stage": record.stage,
        "item": record.item,
        "amount_yuan": record.amount_yuan,
        "approx": record.approx,
        "counted": decision.counted,
        "reason": decision.reason,
        "part_of": decision.whole,
        "revised_by": decision.revised_by,
        "overlaps": ",".join(decision.overlaps) or None,
        "derived": record.derived,
        "derivation": record.derivation,
    }


def _key_value(record: Record, name: str) -> object:
    if name == "measure":
        return record.family
    return getattr(record, name)


def _sort_key(key: tuple[tuple[str, object], ...]) -> tuple[tuple[int, int, str], ...]:
    parts: list[tuple[int, int, str]] = []
    for name, value in key:
        if name == "category" and value in CATEGORIES:
            parts.append((0, CATEGORIES.index(value), ""))
        elif name == "level" and value in LEVELS:
            parts.append((0, LEVELS.index(value), ""))
        elif name == "stage" and value in STAGES:
            parts.append((0, STAGES.index(value), ""))
        elif value is None:  # no year (a multi-year figure) sorts after the years
            parts.append((1, 0, ""))
        else:
            parts.append((0, value if isinstance(value, int) else 0, str(value)))
    return tuple(parts)


Key = tuple[tuple[str, object], ...]


def _span(
    starts: Sequence[str | None], ends: Sequence[str | None]
) -> tuple[str | None, str | None]:
    """The period the figures cover together: the earliest start and the latest end, each None
    (open) when any figure's is."""
    known_starts = [start for start in starts if start is not None]
    known_ends = [end for end in ends if end is not None]
    return (
        min(known_starts, key=first_day) if len(known_starts) == len(starts) else None,
        max(known_ends, key=last_day) if len(known_ends) == len(ends) else None,
    )


def _total(key: Key, members: Sequence[Record], apart: str | None = None) -> Total:
    money = all(r.amount_yuan is not None for r in members)
    # money adds exactly (ints only); a count's value may be a decimal (1.5万亩)
    summed = sum(r.amount_yuan or 0 for r in members) if money else sum(r.value for r in members)
    period_start, period_end = _span(
        [r.period_start for r in members], [r.period_end for r in members]
    )
    return Total(
        key=key,
        # a count's sum may be a decimal (1.5万亩); money, the only sum shown as yuan, is an int
        amount_yuan=summed,  # type: ignore[arg-type]
        at_least=any(r.approx == "at_least" for r in members),
        about=any(r.approx == "about" for r in members),
        records=len(members),
        ids=tuple(r.id for r in members),
        period_start=period_start,
        period_end=period_end,
        apart=apart,
        derived=any(r.derived for r in members),
    )


def _rows(groups: dict[Key, list[Decision]]) -> list[Total]:
    """The rows of totals for decisions grouped by key: the counted ones of a key in one row,
    but a running total never added to a figure of its measure whose period overlaps it (each
    such running total a row of its own, ``apart`` "overlap", also when the grouping puts that
    figure in another row, as --by year does: a reader must not add the two rows either); each
    figure shown apart for the window a row of its own. Rows sort by key, then by period."""
    rows: list[Total] = []
    ids = {d.record.id for members in groups.values() for d in members if d.counted}
    for key, members in groups.items():
        counted = [d for d in members if d.counted]
        alone = [
            d
            for d in counted
            if d.record.scope == "running_total" and any(o in ids for o in d.overlaps)
        ]
        alone_ids = {d.record.id for d in alone}
        rest = [d.record for d in counted if d.record.id not in alone_ids]
        rows.extend(_total(key, [d.record], APART_OVERLAP) for d in alone)
        if rest:
            rows.append(_total(key, rest))
        rows.extend(_total(key, [d.record], APART_WINDOW) for d in members if d.reason == "window")
    return sorted(rows, key=_row_order)


def _row_order(total: Total) -> tuple[tuple[tuple[int, int, str], ...], bool, str, str]:
    start = first_day(total.period_start) if total.period_start else ""
    end = last_day(total.period_end) if total.period_end else "9999"
    return (_sort_key(total.key), total.apart == APART_WINDOW, start, end)


def totals(decisions: Iterable[Decision], fields: Sequence[str]) -> list[Total]:
    """One total per key among the counted decisions (``fields`` from group_fields()), with the
    rows kept apart that ``_rows`` says."""
    groups: dict[Key, list[Decision]] = {}
    for decision in decisions:
        if decision.shown:
            record = decision.record
            key = tuple((name, _key_value(record, name)) for name in fields)
            groups.setdefault(key, []).append(decision)
    return _rows(groups)


def aid_totals(rows: Sequence[Total]) -> list[Total]:
    """帮扶资金合计 (财政援助 财政资金 + 社会帮扶 捐款捐物) for each group of the other grouping
    fields, only where both are present: a 合计 of one part would claim what it does not add."""
    combined: dict[tuple[tuple[str, object], ...], list[Total]] = {}
    for total in rows:
        if total.apart == APART_WINDOW:
            continue
        if (total.value("category"), total.value("measure")) in AID_TOTAL_PARTS:
            rest = tuple(
                (name, value) for name, value in total.key if name not in ("category", "measure")
            )
            combined.setdefault(rest, []).append(total)
    result = []
    for rest, parts in combined.items():
        # both parts, each one row: a part kept in rows of its own has no one sum to add
        kinds = [(t.value("category"), t.value("measure")) for t in parts]
        if sorted(kinds) != sorted(AID_TOTAL_PARTS):
            continue
        key = []
        for name, value in rest:
            key.append((name, value))
        key.insert(len(key), ("category", AID_TOTAL_LABEL))
        key.insert(len(key), ("measure", "财政资金＋捐款捐物"))
        period_start, period_end = _span(
            [t.period_start for t in parts], [t.period_end for t in parts]
        )
        result.append(
            Total(
                key=_reorder(tuple(key), parts[0].key),
                amount_yuan=sum(t.amount_yuan for t in parts),
                at_least=any(t.at_least for t in parts),
                about=any(t.about for t in parts),
                records=sum(t.records for t in parts),
                ids=tuple(i for t in parts for i in t.ids),
                period_start=period_start,
                period_end=period_end,
                derived=any(t.derived for t in parts),
            )
        )
    return result


def _reorder(
    key: tuple[tuple[str, object], ...], model: tuple[tuple[str, object], ...]
) -> tuple[tuple[str, object], ...]:
    """The fields of ``key`` in the order of ``model``'s, so every row has one column order."""
    values = dict(key)
    return tuple((name, values[name]) for name, _ in model)


def fiscal_total(decisions: Iterable[Decision]) -> tuple[str | None, Total | None]:
    """The 财政援助 of one pairing's decisions, for `pairs`, at the actual stage: the family
    (the 财政资金 family when there is one; else the one other family there is, such as
    各类帮扶资金, which mixes in social money) and its total. The family is None when there is
    none, or several that must not be added; the total is None too when the family's figures
    are no one sum (a running total overlapping another figure of its measure: `funds` shows them
    as rows of their own)."""
    by_family: dict[str, list[Decision]] = {}
    for decision in decisions:
        record = decision.record
        if decision.counted and record.category == "财政援助" and record.stage == DEFAULT_STAGE:
            by_family.setdefault(record.family, []).append(decision)
    if "财政资金" in by_family:
        family = "财政资金"
    elif len(by_family) == 1:
        (family,) = by_family
    else:
        return None, None
    key: Key = (("category", "财政援助"), ("measure", family))
    rows = _rows({key: by_family[family]})
    return family, rows[0] if len(rows) == 1 else None


# ─── roll-up ────────────────────────────────────────────────────────────────────────────────

ROLL_UP_LEVELS = ("city", "province")
ROLL_UP_FIELDS = (
    "provider",
    "receiver",
    "level",
    "category",
    "measure",
    "stage",
    "basis",
    "from_level",
    "amount_yuan",
    *TOTAL_TAIL,
)


def roll_up(decisions: Iterable[Decision], level: str, data: Dataset) -> list[Total]:
    """County (and city) figures summed up to their ``level`` ancestors, beside the figures
    reported at that level for the same two places: ``basis`` tells which is which, and the two
    are never added (the reported figure may already hold the rolled-up ones). Figures rolled up
    from different levels (a city's and its counties') stay on rows of their own, ``from_level``:
    the city's figure may hold its counties'."""
    if level not in ROLL_UP_LEVELS:
        raise UsageProblem(f"invalid --roll-up {level!r}: choose one of city, province")
    target = LEVELS.index(level)
    groups: dict[Key, list[Decision]] = {}
    for decision in decisions:
        if not decision.shown:
            continue
        record = decision.record
        pairing = data.pairings[record.pairing]
        depth = LEVELS.index(record.level)
        if depth < target:
            continue  # above the level asked for: nothing to roll up into
        provider = data.ancestor_at(pairing.provider.id, level)
        receiver = data.ancestor_at(pairing.receiver.id, level)
        basis = "reported" if depth == target else "rolled_up"
        key = (
            ("provider", provider.full_name),
            ("receiver", receiver.full_name),
            ("level", level),
            ("category", record.category),
            ("measure", record.family),
            ("stage", record.stage),
            ("basis", basis),
            ("from_level", record.level),
        )
        groups.setdefault(key, []).append(decision)
    return _rows(groups)


def decisions_for(
    data: Dataset,
    filters: Filters,
    stages: Collection[str] = (),
    *,
    roll_up: bool = False,
    counts: bool = False,
    text: bool = False,
    derived: bool = True,
) -> list[Decision]:
    """The decisions for the records the (resolved) filters select, at every stage (a total
    says which stage it counts and which it skips), with the revisions known at --as-of.
    ``text``: the caller reads the records' item or citations (--explain); else they may come
    without."""
    # --during selects every figure that overlaps the window: those that lie within it are added,
    # those that reach beyond it are shown apart (decide_all). --year selects only those that
    # lie within it, so both add the same figures.
    selected = select(data, filters, stage=False, text=text)
    return decide_all(
        selected,
        check_stages(stages or filters.stages),
        data.superseded(filters.known_by),
        same_level_parts=roll_up,
        counts=counts,
        window=filters.window(),
        derived=derived,
    )
