"""Select records: the filters every query command shares, sorting, limits and columns.

Option values arrive as the text the user typed; parsing them here means a bad value raises
UsageProblem with one line, whichever command it came through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.periods import first_day, last_day
from xiezuo_cli.model.records import QUERY_FIELDS, Record
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import CATEGORIES, check_choice
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


def parse_date(text: str, option: str, end: bool) -> str:
    """The first (or, for an end, the last) day a date form covers, as an ISO date: records
    carry ISO dates, which compare correctly as text."""
    from xiezuo_cli.model.dates import DateParseError, parse_date_span

    try:
        span = parse_date_span(text)
    except DateParseError as error:
        raise UsageProblem(f"{option}: {error}") from None
    return (span.last if end else span.first).isoformat()


def parse_amount_option(text: str, option: str) -> int:
    from xiezuo_cli.model.amounts import AmountError, parse_yuan

    try:
        return parse_yuan(text)
    except AmountError as error:
        raise UsageProblem(f"{option}: {error}") from None


def check_fields(names: Iterable[str], option: str) -> tuple[str, ...]:
    fields = tuple(name.strip() for name in names if name.strip())
    unknown = [name for name in fields if name not in QUERY_FIELDS]
    if unknown:
        from xiezuo_cli.query.fields import unknown_field_message

        raise UsageProblem(unknown_field_message(unknown[0], option))
    return fields


class Filters(NamedTuple):
    """What the shared filters ask for, typed. Empty means no restriction.

    ``parse`` checks every value that can be checked without the data; ``resolve`` turns the
    place filters (--pair, --in, --from, --kind, --level) into a set of pairing ids once, so a
    record then passes them with one set lookup.
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
    extra: tuple = ()  # predicates from `filter` expressions

    @classmethod
    def parse(
        cls,
        *,
        pair: Sequence[str] = (),
        place_in: Sequence[str] = (),
        place_from: Sequence[str] = (),
        level: Sequence[str] = (),
        kind: str | None = None,
        category: Sequence[str] = (),
        stage: Sequence[str] = (),
        actor: Sequence[str] = (),
        year: str | None = None,
        during: str | None = None,
        since: str | None = None,
        until: str | None = None,
        as_of: str | None = None,
        min_amount: str | None = None,
        max_amount: str | None = None,
        money: bool = False,
        search: str | None = None,
    ) -> Filters:
        from xiezuo_cli.model.vocab import ACTORS, STAGES

        categories = frozenset(check_choice(c.strip(), CATEGORIES, "--category") for c in category)
        stages = frozenset(check_choice(s.strip(), STAGES, "--stage") for s in stage)
        actors = frozenset(check_choice(a.strip(), ACTORS, "--actor") for a in actor)
        first = parse_date(since, "--since", end=False) if since else None
        last = parse_date(until, "--until", end=True) if until else None
        if first and last and first > last:
            raise UsageProblem(f"--since {since} is after --until {until}")
        low = parse_amount_option(min_amount, "--min") if min_amount else None
        high = parse_amount_option(max_amount, "--max") if max_amount else None
        if low is not None and high is not None and low > high:
            raise UsageProblem(f"--min {min_amount} is above --max {max_amount}: nothing can match")
        window = None
        if during:
            start_year, end_year = parse_year_range(during, "--during")
            window = (f"{start_year}-01-01", f"{end_year}-12-31")
        for option, names in (("--pair", pair), ("--in", place_in), ("--from", place_from)):
            if any(not name.strip() for name in names):
                raise UsageProblem(f"{option} is empty: give a place name")
        return cls(
            pair_names=tuple(pair),
            in_names=tuple(place_in),
            from_names=tuple(place_from),
            levels=frozenset(_level(value.strip()) for value in level),
            kind=kind.strip() if kind else None,
            categories=categories,
            stages=stages,
            actors=actors,
            years=parse_year_range(year) if year else None,
            during=window,
            since=first,
            until=last,
            known_by=parse_date(as_of, "--as-of", end=True) if as_of else None,
            min_yuan=low,
            max_yuan=high,
            money_only=money,
            search=search.casefold() if search else None,
        )

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

    def resolve(self, data: Dataset) -> Filters:
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
    start, end = record.period_start, record.period_end
    if start is None and end is None:
        return False
    first = first_day(start or end)  # type: ignore[arg-type]
    last = last_day(end or start)  # type: ignore[arg-type]
    return first <= window[1] and last >= window[0]


# The Chinese names tables show (省级 市级 县级) and their one-character forms work as well.
_LEVEL_ALIASES = {"省级": "province", "省": "province", "市级": "city", "市": "city"}
_LEVEL_ALIASES |= {"地级": "city", "县级": "county", "县": "county"}


def _level(text: str) -> str:
    from xiezuo_cli.model.vocab import LEVELS

    return check_choice(_LEVEL_ALIASES.get(text, text), LEVELS, "--level")


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
