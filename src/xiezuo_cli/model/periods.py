"""Dates as records store them (YYYY, YYYY-MM or YYYY-MM-DD) and the days they cover.

Standard library only, and only ``calendar`` when a month's last day is asked for: every query
loads this.
"""

from __future__ import annotations


def first_day(date_text: str) -> str:
    """'2022' -> '2022-01-01', '2022-02' -> '2022-02-01', '2022-02-10' unchanged."""
    return date_text + "-01-01"[len(date_text) - 4 :] if len(date_text) < 10 else date_text


def period_year(start: str | None, end: str | None) -> int | None:
    """The year a period lies within, when both ends are known and in one calendar year."""
    if start is None or end is None or start[:4] != end[:4]:
        return None
    return int(start[:4])


def last_day(date_text: str) -> str:
    """'2022' -> '2022-12-31', '2022-02' -> '2022-02-28', '2022-02-10' unchanged."""
    if len(date_text) == 4:
        return f"{date_text}-12-31"
    if len(date_text) == 7:
        import calendar

        year, month = int(date_text[:4]), int(date_text[5:7])
        return f"{date_text}-{calendar.monthrange(year, month)[1]:02d}"
    return date_text
