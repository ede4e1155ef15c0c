"""Select records: the filters every query command shares, and why an answer is empty.

``Filters`` holds what the shared filters ask for, already typed (cli/groups.py makes it from the
options); ``resolve`` turns the place filters into pairing ids of one database (an unknown name
is a usage error, which needs the data), ``accepts`` decides one record.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.periods import first_day, last_day
from xiezuo_cli.model.records import Record
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import check_choice
from xiezuo_cli.storage.dataset import Dataset

_YEAR_RANGE = re.compile(r"\s*(\d{4})\s*(?:(?:-|–|—|~|\.\.|to|至|到)\s*(\d{4}))?\s*")


def parse_year_range(text: str, option: str = "--year") -> tuple[int, int]:
    """'2021' -> (2021, 2021); '2021-2023' -> (2021, 2023)."""
    match = _YEAR_RANGE.fullmatch(text)
    if match is None:
        raise UsageProblem(
            f"invalid {option} {shown(text)}: use a year like 2021 or a range 2021-2023"
        )
    first = int(match[1])
    last = int(match[2] or match[1])
    if first > last:
        raise UsageProblem(f"invalid {option} {shown(text)}: the range ends before it starts")
    return first, last


class Filters(NamedTuple):
    """What the shared filters ask for, typed. Empty means no restriction.

    ``resolve`` turns the place filters (--pair, --in, --from, --kind, --level) into a set of
    pairing ids once, so a record then passes them with one set lookup.
    """

    pair_names: tuple[str, ...] = ()
    in_names: tuple[str, ...] = ()
    from_names: tuple[str, ...] = ()
    levels: frozenset[str] = frozenset()
    kind: str | None = None
    pairings: frozenset[str] | None = None  # pairing ids, once resolved; None: all
    categories: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    years: tuple[int, int] | None = None  # the period lies within one of these years
    during: tuple[str, str] | None = None  # ISO days: the period overlaps them
    since: str | None = None  # ISO date, on as_of
    until: str | None = None
    known_by: str | None = None  # --as-of: the figure's first source was out by this day
    min_yuan: int | None = None
    max_yuan: int | None = None
    money_only: bool = False
    search: str | None = None
    extra: tuple[Callable[[Record], bool], ...] = ()  # predicates of `filter`'s conditions

    def window(self) -> tuple[str, str] | None:
        """The days a total is asked about, as first and last ISO day: --year's years, --during's,
        or, given both, the days both cover. None when neither is given."""
        spans = []
        if self.years is not None:
            spans.append((f"{self.years[0]}-01-01", f"{self.years[1]}-12-31"))
        if self.during is not None:
            spans.append(self.during)
        if not spans:
            return None
        return max(first for first, _ in spans), min(last for _, last in spans)

    def window_label(self) -> str | None:
        """The window as people read it: 2021年, 2021–2023年 (None without one)."""
        window = self.window()
        if window is None:
            return None
        first, last = window[0][:4], window[1][:4]
        if window[0].endswith("-01-01") and window[1].endswith("-12-31"):
            return f"{first}年" if first == last else f"{first}–{last}年"
        return f"{window[0]}至{window[1]}"

    def resolve(self, data: Dataset) -> "Filters":
        """The place filters as pairing ids of this database; unknown names are usage errors."""
        return self._replace(pairings=_pairings(data, self))

    def accepts(self, record: Record, *, stage: bool = True) -> bool:
        """Whether a record passes; ``stage=False`` leaves --stage to the caller (`funds`
        decides stages itself, so it can say what it skipped)."""
        if self.pairings is not None and record.pairing not in self.pairings:
            return False
        if self.categories and record.category not in self.categories:
            return False
        if stage and self.stages and record.stage not in self.stages:
            return False
        if self.actors and record.actor not in self.actors:
            return False
        if self.known_by is not None and record.known_by > self.known_by:
            return False
        if self.years is not None and (
            record.year is None or not self.years[0] <= record.year <= self.years[1]
        ):
            return False
        if self.during is not None and not _overlaps(record, self.during):
            return False
        if self.since and record.as_of < self.since:
            return False
        if self.until and record.as_of > self.until:
            return False
        needs_money = self.money_only or self.min_yuan is not None or self.max_yuan is not None
        if needs_money and record.amount_yuan is None:
            return False
        amount = record.amount_yuan
        if self.min_yuan is not None and (amount is None or amount < self.min_yuan):
            return False
        if self.max_yuan is not None and (amount is None or amount > self.max_yuan):
            return False
        if self.search and not (
            self.search in record.item.casefold()
            or any(self.search in (c.quote or "").casefold() for c in record.citations)
        ):
            return False
        return all(predicate(record) for predicate in self.extra)


def _overlaps(record: Record, window: tuple[str, str]) -> bool:
    """A period overlaps the window. Only what is known counts: a period with an open end is
    known to cover its one given end, not everything before or after it (a count "up to 2020-05"
    says nothing of 1990). A figure with no period at all has nothing to overlap with."""
    start = record.period_start or record.period_end
    end = record.period_end or record.period_start
    if start is None or end is None:  # both are None, or neither
        return False
    first = first_day(start)
    last = last_day(end)
    return first <= window[1] and last >= window[0]


def _pairings(data: Dataset, filters: Filters) -> frozenset[str] | None:
    """The pairing ids the place filters leave; None when none of them is given."""
    from xiezuo_cli.model.names import match_pairings, match_places

    if not (
        filters.pair_names
        or filters.in_names
        or filters.from_names
        or filters.levels
        or filters.kind
    ):
        return None
    chosen = set(data.pairings)
    if filters.pair_names:
        pairings = data.pairings.values()
        chosen &= {p.id for name in filters.pair_names for p in match_pairings(pairings, name)}
    for names, side in ((filters.in_names, "receiver"), (filters.from_names, "provider")):
        if names:
            option = "--in" if side == "receiver" else "--from"
            places = {p.id for name in names for p in match_places(data.places, name, option)}
            chosen = {
                pairing_id
                for pairing_id in chosen
                if any(
                    data.within(getattr(data.pairings[pairing_id], side).id, place)
                    for place in places
                )
            }
    if filters.levels:
        chosen = {p for p in chosen if data.pairings[p].level in filters.levels}
    if filters.kind:
        known = tuple(dict.fromkeys(p.kind for p in data.pairings.values()))
        wanted = check_choice(filters.kind, known, "--kind")
        chosen = {p for p in chosen if data.pairings[p].kind == wanted}
    return frozenset(chosen)


# Each filter a user can give, as (the Filters fields it sets, how to show it): what why_empty
# takes away one at a time to find the one that left nothing.
_RELAXABLE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("pair_names",), "--pair"),
    (("in_names",), "--in"),
    (("from_names",), "--from"),
    (("levels",), "--level"),
    (("kind",), "--kind"),
    (("categories",), "--category"),
    (("stages",), "--stage"),
    (("actors",), "--actor"),
    (("years",), "--year"),
    (("during",), "--during"),
    (("since",), "--since"),
    (("until",), "--until"),
    (("known_by",), "--as-of"),
    (("min_yuan",), "--min"),
    (("max_yuan",), "--max"),
    (("money_only",), "--money"),
    (("search",), "--search"),
    (("extra",), "the conditions"),
)
_CLEARED = Filters()


def _shown_filter(filters: Filters, fields: tuple[str, ...], option: str) -> str:
    value = getattr(filters, fields[0])
    if isinstance(value, bool) or value == ():
        return option
    if isinstance(value, tuple | frozenset) and all(isinstance(v, str) for v in value):
        return f"{option} {','.join(sorted(value))}"
    if fields[0] == "years":
        first, last = value
        return f"{option} {first}" + (f"-{last}" if last != first else "")
    if fields[0] == "during":
        first, last = value[0][:4], value[1][:4]
        return f"{option} {first}" + (f"-{last}" if last != first else "")
    return f"{option} {value}"


def why_empty(
    data: Dataset,
    filters: Filters,
    count: Callable[[Filters], int] | None = None,
    *,
    what: str = "记录",
    counter: str = "条",
) -> str:
    """Why an answer is empty, in one line for people: which filter left nothing (taking each
    away in turn, and how many it would leave), or that no single one did. ``filters`` are the
    unresolved ones the user gave; ``count`` counts what an answer would hold for some filters
    (default: the records they select)."""
    if count is None:

        def count(given: Filters) -> int:
            resolved = given.resolve(data)
            return sum(1 for _ in iter_select(data, resolved, text=False))

    given = [
        (fields, option)
        for fields, option in _RELAXABLE
        if any(getattr(filters, f) != getattr(_CLEARED, f) for f in fields)
    ]
    if not given:
        return f"没有匹配的{what}：数据库中没有这样的{what}。"
    chosen = filters.resolve(data).pairings
    if what == "记录" and chosen and not any(True for _ in data.light(chosen)):
        labels = "、".join(data.pairings[p].label for p in sorted(chosen))
        return f"没有匹配的记录：所选结对（{labels}）还没有任何记录。"
    found = []
    for fields, option in given:
        relaxed = filters._replace(**{f: getattr(_CLEARED, f) for f in fields}, pairings=None)
        number = count(relaxed)
        if number:
            found.append(f"去掉 {_shown_filter(filters, fields, option)} 则有 {number} {counter}")
    if not found:
        return f"没有匹配的{what}：没有{what}同时满足这些条件，任去掉其中一个也没有。"
    return f"没有匹配的{what}：" + "；".join(found) + "。"


def select(
    data: Dataset, filters: Filters, *, stage: bool = True, text: bool = True
) -> list[Record]:
    """The records the filters accept, in id order. ``text=False``: the caller reads no item,
    citation, note or figure, so an indexed database may give them without (Dataset.light)."""
    return list(iter_select(data, filters, stage=stage, text=text))


def iter_select(
    data: Dataset, filters: Filters, *, stage: bool = True, text: bool = True
) -> Iterator[Record]:
    """select, one record at a time: over every record of an indexed database, memory stays
    flat."""
    reads_text = text or filters.search is not None or bool(filters.extra)
    found = data.candidates(filters.pairings) if reads_text else data.light(filters.pairings)
    accepts = filters.accepts
    return (record for record in found if accepts(record, stage=stage))


def field_value(record: Record, name: str) -> object:
    """A record's field as --sort orders it: citations by their count."""
    if name == "citations":
        return len(record.citations)
    return getattr(record, name)


def limit_records(records: list[Record], limit: int | None) -> list[Record]:
    return records if limit is None else records[:limit]


def why_nothing(
    data: Dataset,
    filters: Filters,
    decisions: Sequence[object] | None = None,
    *,
    counts: bool = False,
) -> str:
    """Why an answer is empty, for the line under its table. For totals (``decisions`` given):
    the records matched, but none is money (or, for --counts, a count); else which filter left
    nothing (why_empty)."""
    if decisions is not None and not decisions:
        matched = sum(1 for _ in iter_select(data, filters, stage=False, text=False))
        if matched:
            if counts:
                return (
                    f"匹配的 {matched} 条记录都不是可加总的数量（金额见不带 --counts 的 funds）。"
                )
            return f"匹配的 {matched} 条记录都没有金额（人数、个数等见 funds --counts 或 list）。"
    return why_empty(data, filters)
