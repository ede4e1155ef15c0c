"""The converters options and arguments declare (``Opt(type=…)``): typed text to typed values.

Each is called with the text typed and the option as a message names it (``--limit``), and either
returns the typed value or raises UsageProblem with one line. An empty text is handled by each as
its option needs: for most query options it means "not given" (a script's empty variable
selects nothing away), where that would hide a mistake it is refused.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import LEVELS, check_choice

# Seconds a write waits for another writer's lock, and the most it may be asked to: one day.
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 86400


class Day(NamedTuple):
    """A date option: the day it stands for (ISO) and the text that said it, for messages."""

    iso: str
    text: str


class Yuan(NamedTuple):
    """A money option: exact yuan, and the text that said it (3900万), for messages."""

    amount: int
    text: str


def nonempty(text: str, option: str) -> str:
    """Text that may not be empty (a script's unset variable is a mistake, not a choice)."""
    if not text.strip():
        raise UsageProblem(f"{option} is empty: give a value")
    return text


def stripped(text: str, option: str) -> str:
    return text.strip()


def optional_text(text: str, option: str) -> str | None:
    """The text, or None when empty."""
    return text.strip() or None


def folded(text: str, option: str) -> str | None:
    """Text to search for, case folded; None when empty."""
    return text.casefold() or None


def choice(values: Sequence[str], *, lower: bool = False) -> Callable[[str, str], str]:
    """One of ``values`` (surrounding spaces dropped)."""

    def convert(text: str, option: str) -> str:
        value = text.strip().lower() if lower else text.strip()
        return check_choice(value, values, option)

    return convert


def choice_or(default: str, values: Sequence[str]) -> Callable[[str, str], str]:
    """One of ``values``; an empty text is ``default``."""

    def convert(text: str, option: str) -> str:
        return check_choice((text or default).strip(), values, option)

    return convert


# The Chinese names tables show (省级 市级 县级) and their one-character forms work as well.
_LEVEL_ALIASES = {"省级": "province", "省": "province", "市级": "city", "市": "city"}
_LEVEL_ALIASES |= {"地级": "city", "县级": "county", "县": "county", "全国": "nation"}
LEVEL_CHOICES = (*LEVELS, "全国", "省级", "市级", "县级")


def level(text: str, option: str) -> str:
    """A pairing level: province, city, county, or 省级, 市级, 县级 (and 省, 市, 地级, 县)."""
    return check_choice(_LEVEL_ALIASES.get(text, text), LEVELS, option)


def count(text: str, option: str) -> int:
    """A whole number, 0 or more (--limit)."""
    if len(text.strip()) > 20:  # more than any count of rows (int() refuses past 4300 digits)
        raise UsageProblem(f"invalid {option} {shown(text)}: too large")
    try:
        value = int(text.strip())
    except ValueError:
        raise UsageProblem(f"invalid {option} {shown(text)}: use a whole number") from None
    if value < 0:
        raise UsageProblem(f"invalid {option} {shown(text)}: use 0 or more")
    return value


def seconds(text: str, option: str) -> float:
    """Seconds to wait, from 0 to a day (--timeout): the one reading of every command's."""
    try:
        value = float(text.strip())
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_TIMEOUT:  # also refuses NaN
        raise UsageProblem(
            f"invalid {option} {shown(text)}: a number of seconds from 0 to {MAX_TIMEOUT}"
        )
    return value


def years(text: str, option: str) -> tuple[int, int] | None:
    """--year: 2021, or 2021-2023 (first and last year); None when empty."""
    from xiezuo_cli.query.filters import parse_year_range

    return parse_year_range(text, option) if text else None


def window(text: str, option: str) -> tuple[str, str] | None:
    """--during: the years' first and last ISO day; None when empty."""
    span = years(text, option)
    return None if span is None else (f"{span[0]}-01-01", f"{span[1]}-12-31")


def _day(text: str, option: str, end: bool) -> Day | None:
    if not text:
        return None
    from xiezuo_cli.model.dates import DateParseError, parse_date_span

    try:
        span = parse_date_span(text)
    except DateParseError as error:
        raise UsageProblem(f"{option}: {error}") from None
    return Day((span.last if end else span.first).isoformat(), text)


def first_day(text: str, option: str) -> Day | None:
    """A date form (2021, 2021-06, June 2021, 2021年6月 …) as its first day; None when empty."""
    return _day(text, option, end=False)


def last_day(text: str, option: str) -> Day | None:
    """A date form as its last day; None when empty."""
    return _day(text, option, end=True)


def yuan(text: str, option: str) -> Yuan | None:
    """Money: 39000000, 3900万, 3900万元, 2.22亿; None when empty."""
    if not text:
        return None
    from xiezuo_cli.model.amounts import AmountError, parse_yuan

    try:
        return Yuan(parse_yuan(text), text)
    except AmountError as error:
        raise UsageProblem(f"{option}: {error}") from None


def record_field(text: str, option: str) -> str:
    """A field name of the records (`xiezuo fields`)."""
    from xiezuo_cli.query.fields import check_field

    return check_field(text.strip(), option)


def conditions(words: tuple[str, ...], option: str) -> tuple[Any, ...]:
    """`filter`'s conditions, parsed (a malformed one is a usage error before any data is read)."""
    from xiezuo_cli.query.expressions import parse_words

    return parse_words(words)


# ─── the write commands: values checked as the authoring layer checks them ────────────────


@contextmanager
def said_of(option: str) -> Iterator[None]:
    """authoring's FieldError, said with the option's name: ``--part-of: no record 'x'``."""
    from xiezuo_cli.authoring.inputs import FieldError

    try:
        yield
    except FieldError as error:
        raise UsageProblem(f"{option}: {error.problem}") from None


def field_choice(values: Sequence[str]) -> Callable[[str, str], str]:
    """One of a vocabulary, checked (and said) as authoring checks a field."""

    def convert(text: str, option: str) -> str:
        from xiezuo_cli.authoring.inputs import check_choice as check_field_choice

        with said_of(option):
            return check_field_choice(option, nonempty(text, option), values)

    return convert


def slug(text: str, option: str) -> str:
    """An id: lower-case ASCII letters, digits and hyphens."""
    from xiezuo_cli.authoring.inputs import check_slug

    with said_of(option):
        return check_slug(option, nonempty(text, option))


def date(text: str, option: str) -> str:
    """A real date written 2021, 2021-05 or 2021-05-17."""
    from xiezuo_cli.authoring.inputs import check_date

    with said_of(option):
        return check_date(option, nonempty(text, option).strip())


def month(text: str, option: str) -> str:
    """A real year or month: 2021 or 2021-05."""
    from xiezuo_cli.authoring.inputs import check_date

    with said_of(option):
        return check_date(option, nonempty(text, option).strip(), month=True)


def period(text: str, option: str) -> tuple[str | None, str | None]:
    """2021-05..2021-11, 2021, 2021-05.. or ..2021-11."""
    from xiezuo_cli.authoring.inputs import parse_period

    with said_of(option):
        return parse_period(option, nonempty(text, option).strip())


def amount(text: str, option: str) -> Any:
    """Money as the article gives it (3900万, 100余万元), parsed once to the figure stored."""
    from xiezuo_cli.authoring.inputs import parse_amount

    with said_of(option):
        return parse_amount(option, nonempty(text, option).strip())


def number(text: str, option: str) -> int | float:
    """A count or measure's number: 1200, 79.5 (an int whenever it is whole)."""
    from xiezuo_cli.authoring.inputs import parse_value

    with said_of(option):
        return parse_value(option, nonempty(text, option).strip())


def word(text: str, option: str) -> str:
    """Text that may not be empty, spaces around it dropped."""
    return nonempty(text, option).strip()
