"""Tests for xiezuo_cli.model.dates: every accepted form, every rejection, the lazy dateutil
import."""

from __future__ import annotations

import calendar
import dataclasses
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    from xiezuo_cli.model.dates import DateParseError, DateSpan, parse_date_span
except ModuleNotFoundError:  # an uninstalled checkout: fall back to the src layout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from xiezuo_cli.model.dates import DateParseError, DateSpan, parse_date_span

# Hypothesis runs must be reproducible in CI; no deadline, since the first English example pays
# for importing dateutil.
DETERMINISTIC = settings(derandomize=True, max_examples=200, deadline=None)

SRC_DIR = Path(sys.modules[DateSpan.__module__].__file__ or "").resolve().parents[1]

YEAR_2021 = DateSpan(date(2021, 1, 1), date(2021, 12, 31))
JUNE_2021 = DateSpan(date(2021, 6, 1), date(2021, 6, 30))
JUNE_15 = DateSpan(date(2021, 6, 15), date(2021, 6, 15))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # year
        ("2021", YEAR_2021),
        ("2021年", YEAR_2021),
        ("１９００", DateSpan(date(1900, 1, 1), date(1900, 12, 31))),
        ("2100", DateSpan(date(2100, 1, 1), date(2100, 12, 31))),
        # month, numeric
        ("2021-06", JUNE_2021),
        ("2021/06", JUNE_2021),
        ("2021.6", JUNE_2021),
        ("2021-6", JUNE_2021),
        ("2024-02", DateSpan(date(2024, 2, 1), date(2024, 2, 29))),
        ("2100-02", DateSpan(date(2100, 2, 1), date(2100, 2, 28))),
        # month, Chinese
        ("2021年6月", JUNE_2021),
        ("2021年06月", JUNE_2021),
        ("２０２１年６月", JUNE_2021),
        ("2021 年 6 月", JUNE_2021),
        # month, English
        ("June 2021", JUNE_2021),
        ("Jun 2021", JUNE_2021),
        ("june 2021", JUNE_2021),
        ("Dec 2021", DateSpan(date(2021, 12, 1), date(2021, 12, 31))),
        # day, numeric
        ("2021-06-15", JUNE_15),
        ("2021/6/15", JUNE_15),
        ("2021.06.15", JUNE_15),
        ("20210615", JUNE_15),
        ("２０２１－０６－１５", JUNE_15),
        ("2024-02-29", DateSpan(date(2024, 2, 29), date(2024, 2, 29))),
        # day, Chinese
        ("2021年6月15日", JUNE_15),
        ("2021年6月15号", JUNE_15),
        ("2021年06月15日", JUNE_15),
        # day, English
        ("15 June 2021", JUNE_15),
        ("June 15, 2021", JUNE_15),
        ("Jun 15 2021", JUNE_15),
        ("Tuesday, June 15, 2021", JUNE_15),
        # surrounding whitespace, including the ideographic space
        ("  2021-06 \n", JUNE_2021),
        ("\u30002021年6月\u3000", JUNE_2021),
        ("\tJune 2021 ", JUNE_2021),
    ],
)
def test_accepted_forms(text: str, expected: DateSpan) -> None:
    assert parse_date_span(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2021-13",
        "2021-00",
        "2021-02-30",
        "2023-02-29",
        "20211301",
        "abc",
        "June",
        "June 15",  # no year
        "Jun 21",  # two-digit year
        "2021年13月",
        "2021年2月30日",
        "1899",
        "2101",
        "0000",
        "June 1899",
        "29 Feb 2023",
        "June 2021 10:30",  # a time of day is not a date
        "June 2021 UTC",
        "01/02/2021",  # day-first or month-first: ambiguous, so refused
        "2021-06/15",  # mixed separators
        "202106",
        "21-06-15",
        "2021年6",
        "June3.5:9999999999999999999999999999999999999999",  # decimal.InvalidOperation inside
    ],
)
def test_rejected_forms(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_date_span(text)


def test_error_message_names_original_text_and_accepted_forms() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date_span(" ２０２１-13 ")
    assert str(caught.value) == (
        "invalid date ' ２０２１-13 ': use 2021, 2021-06, 2021-06-15, June 2021 or 2021年6月"
    )


def test_error_message_stays_on_one_line() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date_span("20\n21")
    assert "\n" not in str(caught.value)
    assert "'20\\n21'" in str(caught.value)


def test_error_is_a_value_error() -> None:
    # Callers that only know ValueError (argparse type= functions) must still catch it.
    assert issubclass(DateParseError, ValueError)


def test_span_is_frozen() -> None:
    span = parse_date_span("2021")
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.first = date(2020, 1, 1)  # type: ignore[misc]


def _modules_after(code: str) -> set[str]:
    """The module names loaded by a fresh interpreter that runs code after importing dates."""
    script = (
        "import sys\nfrom xiezuo_cli.model.dates import parse_date_span\n"
        f"{code}\nprint(*sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_numeric_and_chinese_forms_do_not_import_dateutil() -> None:
    # dateutil costs ~40 ms of CLI start-up; only English month names may pay for it.
    code = "\n".join(
        f"parse_date_span({text!r})" for text in ("2021", "2021-06", "20210615", "2021年6月15日")
    )
    assert "dateutil" not in _modules_after(code)


def test_invalid_numeric_forms_do_not_import_dateutil() -> None:
    code = "try:\n    parse_date_span('2021-13')\nexcept ValueError:\n    pass"
    assert "dateutil" not in _modules_after(code)


def test_english_forms_do_import_dateutil() -> None:
    # The counterpart of the two tests above: proves they would notice the import.
    assert "dateutil" in _modules_after("parse_date_span('June 2021')")


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
years = st.integers(min_value=1900, max_value=2100)
months = st.integers(min_value=1, max_value=12)


@DETERMINISTIC
@given(days)
def test_iso_day_is_that_day(d: date) -> None:
    assert parse_date_span(f"{d:%Y-%m-%d}") == DateSpan(d, d)


@DETERMINISTIC
@given(days)
def test_chinese_day_is_that_day(d: date) -> None:
    assert parse_date_span(f"{d.year}年{d.month}月{d.day}日") == DateSpan(d, d)


@DETERMINISTIC
@given(days)
def test_english_day_is_that_day(d: date) -> None:
    assert parse_date_span(d.strftime("%B %d, %Y")) == DateSpan(d, d)


def _whole_month(y: int, m: int) -> DateSpan:
    return DateSpan(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]))


@DETERMINISTIC
@given(years, months)
def test_iso_month_is_whole_month(y: int, m: int) -> None:
    assert parse_date_span(f"{y}-{m:02d}") == _whole_month(y, m)


@DETERMINISTIC
@given(years, months)
def test_chinese_month_is_whole_month(y: int, m: int) -> None:
    assert parse_date_span(f"{y}年{m}月") == _whole_month(y, m)


@DETERMINISTIC
@given(st.text())
def test_any_text_parses_or_raises_date_parse_error(text: str) -> None:
    try:
        span = parse_date_span(text)
    except DateParseError:
        return
    assert span.first <= span.last
