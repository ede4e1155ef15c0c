"""Select records: the filters every query command shares, sorting, limits and columns.

Option values arrive as the text the user typed; parsing them here means a bad value raises
UsageProblem with one line, whichever command it came through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from xiezuo_cli.amounts import AmountError, parse_yuan
from xiezuo_cli.dataset import Dataset
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model import CATEGORIES, RECORD_FIELDS, Record
from xiezuo_cli.options import check_choice

_YEAR_RANGE = re.compile(r"\s*(\d{4})\s*(?:(?:-|–|—|~|\.\.|to|至|到)\s*(\d{4}))?\s*")

# Fields a user may name in --sort, --columns and filter expressions: the contract, plus the
# figure as the article writes it.
QUERY_FIELDS = (*RECORD_FIELDS, "figure")


def parse_year_range(text: str) -> tuple[int, int]:
    """'2021' -> (2021, 2021); '2021-2023' -> (2021, 2023)."""
    match = _YEAR_RANGE.fullmatch(text)
    if match is None:
        raise UsageProblem(f"invalid --year {text!r}: use a year like 2021 or a range 2021-2023")
    first = int(match[1])
    last = int(match[2] or match[1])
    if first > last:
        raise UsageProblem(f"invalid --year {text!r}: the range ends before it starts")
    return first, last


def parse_date(text: str, option: str, end: bool) -> str:
    """The first (or, for an end, the last) day a date form covers, as an ISO date: records
    carry ISO dates, which compare correctly as text."""
    from xiezuo_cli.dates import DateParseError, parse_date_span

    try:
        span = parse_date_span(text)
    except DateParseError as error:
        raise UsageProblem(f"{option}: {error}") from None
    return (span.last if end else span.first).isoformat()


def parse_amount_option(text: str, option: str) -> int:
    try:
        return parse_yuan(text)
    except AmountError as error:
        raise UsageProblem(f"{option}: {error}") from None


def check_fields(names: Iterable[str], option: str) -> tuple[str, ...]:
    fields = tuple(name.strip() for name in names if name.strip())
    unknown = [name for name in fields if name not in QUERY_FIELDS]
    if unknown:
        raise UsageProblem(
            f"unknown field {unknown[0]!r} in {option}; valid fields: {', '.join(QUERY_FIELDS)}"
        )
    return fields


class Filters(NamedTuple):
    """What --pair, --kind, --category, --year, --since/--until, --min/--max, --money and
    --search ask for. Empty means no restriction."""

    pairings: frozenset[str] | None = None  # pairing ids; None: all
    kinds: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    years: tuple[int, int] | None = None
    since: str | None = None  # ISO date
    until: str | None = None
    min_yuan: int | None = None
    max_yuan: int | None = None
    money_only: bool = False
    search: str | None = None
    extra: tuple = ()  # predicates from `filter` expressions

    @classmethod
    def parse(
        cls,
        data: Dataset,
        *,
        pair: Sequence[str] = (),
        kind: str | None = None,
        category: Sequence[str] = (),
        year: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_amount: str | None = None,
        max_amount: str | None = None,
        money: bool = False,
        search: str | None = None,
    ) -> Filters:
        from xiezuo_cli.names import match_pairings

        pairings = None
        if pair:
            pairings = frozenset(
                p.id for name in pair for p in match_pairings(data.pairings.values(), name)
            )
        kinds: frozenset[str] = frozenset()
        if kind:
            known = tuple(dict.fromkeys(p.kind for p in data.pairings.values()))
            kinds = frozenset([check_choice(kind.strip(), known, "--kind")])
        categories = frozenset(check_choice(c.strip(), CATEGORIES, "--category") for c in category)
        first = parse_date(since, "--since", end=False) if since else None
        last = parse_date(until, "--until", end=True) if until else None
        if first and last and first > last:
            raise UsageProblem(f"--since {since} is after --until {until}")
        low = parse_amount_option(min_amount, "--min") if min_amount else None
        high = parse_amount_option(max_amount, "--max") if max_amount else None
        return cls(
            pairings=pairings,
            kinds=kinds,
            categories=categories,
            years=parse_year_range(year) if year else None,
            since=first,
            until=last,
            min_yuan=low,
            max_yuan=high,
            money_only=money,
            search=search.casefold() if search else None,
        )

    def accepts(self, record: Record) -> bool:
        if self.pairings is not None and record.pairing not in self.pairings:
            return False
        if self.kinds and record.kind not in self.kinds:
            return False
        if self.categories and record.category not in self.categories:
            return False
        if self.years is not None and (
            record.year is None or not self.years[0] <= record.year <= self.years[1]
        ):
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
            self.search in record.item.casefold() or self.search in record.quote.casefold()
        ):
            return False
        return all(predicate(record) for predicate in self.extra)


def select(data: Dataset, filters: Filters) -> list[Record]:
    return [record for record in data.records if filters.accepts(record)]


def sort_records(records: list[Record], field_name: str | None, descending: bool) -> list[Record]:
    """Sort by one field; records without a value for it go last either way."""
    if not field_name:
        return records
    (name,) = check_fields([field_name], "--sort")
    present = [r for r in records if getattr(r, name) is not None]
    missing = [r for r in records if getattr(r, name) is None]
    present.sort(key=lambda record: getattr(record, name), reverse=descending)
    return present + missing


def limit_records(records: list[Record], limit: int | None) -> list[Record]:
    return records if limit is None else records[:limit]
