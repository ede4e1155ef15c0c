"""The period a figure covers, from the time words of its sentence or paragraph, resolved with the
article's date: 2021年, 今年, 去年, 上半年, 2021—2023年, 1-9月, “十四五”, 截至…, 自…以来.

Periods are written as the import sheet writes them: ``2021``, ``2021-05``, ``2021-05..2021-11``,
``..2022-02``, ``2021..``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MONTH |= {"十": 10, "十一": 11, "十二": 12}

# One pattern for every time expression; the named groups say which it is. A year (2023年, 今年,
# 去年) may go on with a part of it: months (1至11月), a month (6月), a half or quarter.
_WITHIN = (
    r"(?:(?P<{p}m1>1[0-2]|[1-9])(?:月)?[—–\-~至到](?P<{p}m2>1[0-2]|[1-9])月"
    r"|(?P<{p}month>1[0-2]|[1-9])月(?!份?以来)"
    r"|(?P<{p}half>上半年|下半年|前三季度|一季度|前两季度))"
)
TIME_WORDS = re.compile(
    r"(?P<range>(?P<y1>(?:19|20)\d{2})年?(?:[—–\-~至到])(?P<y2>(?:19|20)\d{2})年)"
    r"|(?P<plan>“?十四五”?)"
    r"|(?P<dated>(?:(?P<year>(?:19|20)\d{2})年|(?<![较比同])(?P<rel>今年|本年|去年|上年|上一年|前年"
    r"|明年))" + _WITHIN.format(p="d_") + "?)"
    r"|(?<![年\d])(?P<within>" + _WITHIN.format(p="w_") + ")"
    r"|(?P<past>过去一年|一年来|全年(?!计划|目标|任务))"
)
# 截至 X / 到 X: the end of a running total; 自 X 以来 / X 以来 / 从 X 起: its start.
AS_OF = re.compile(
    r"(?:截至|截止|截止到|到)(?P<when>目前|今年|去年|年底|[^，。；]{0,12}?)(?:底|末|，|,|$)"
)
SINCE = re.compile(r"(?:自|从)?(?P<when>[^，。；自从]{0,14}?)(?:以来|起)")


@dataclass(frozen=True)
class Span:
    start: str | None  # YYYY or YYYY-MM
    end: str | None

    def text(self) -> str | None:
        """As the sheet writes it: 2023, 2023-05, 2021..2023-11, ..2022-02; a year and a month
        make months (2023-01..2023-06), and a whole year's months make the year."""
        start, end = self.start, self.end
        if start and end and len(start) != len(end):
            start = f"{start}-01" if len(start) == 4 else start
            end = f"{end}-12" if len(end) == 4 else end
        if start and end and start[:4] == end[:4] and start[4:] == "-01" and end[4:] == "-12":
            start = end = start[:4]
        if start is None and end is None:
            return None
        if start == end:
            return start
        return f"{start or ''}..{end or ''}"


def month_of(when: date) -> str:
    return f"{when.year}-{when.month:02d}"


def _half(year: int, word: str) -> Span:
    if word == "上半年":
        return Span(f"{year}-01", f"{year}-06")
    if word == "下半年":
        return Span(f"{year}-07", f"{year}-12")
    if word == "前三季度":
        return Span(f"{year}-01", f"{year}-09")
    if word == "前两季度":
        return Span(f"{year}-01", f"{year}-06")
    return Span(f"{year}-01", f"{year}-03")  # 一季度


def _relative_year(word: str, published: date | None) -> int | None:
    if published is None:
        return None
    offset = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2, "明年": 1}
    return published.year + offset[word]


def time_spans(text: str, published: date | None) -> list[tuple[int, int, Span]]:
    """Every time expression of a text with its position: (start, end, span). A time after
    较, 比 or 同比 (较2022年增加…) is what a figure is compared with, not its period: left out."""
    found = []
    for match in TIME_WORDS.finditer(text):
        if re.search(r"(?:较|比|相比|对比)$", text[: match.start()]):
            continue
        span = _span(match, published)
        if span is not None:
            found.append((match.start(), match.end(), span))
    return found


def _span(match: re.Match[str], published: date | None) -> Span | None:
    if match["range"]:
        return Span(match["y1"], match["y2"])
    if match["plan"] and "十四五" in match["plan"]:
        return Span("2021", "2025")
    if match["dated"]:
        if match["year"]:
            year: int | None = int(match["year"])
        else:
            year = _relative_year(match["rel"], published)
        if year is None:
            return None
        return _within(match, "d_", year) or Span(str(year), str(year))
    if match["within"] and published is not None:
        month = match["w_month"] or match["w_m2"]
        # 10月 in an article of February is last October
        year = published.year
        if month and int(month) > published.month and not match["w_m1"]:
            year -= 1
        return _within(match, "w_", year)
    if match["past"] and published is not None:
        # 过去一年 in an article of the first months of a year is the year before
        last = published.year - 1 if published.month <= 3 else published.year
        return Span(str(last), str(last))
    return None


def _within(match: re.Match[str], prefix: str, year: int) -> Span | None:
    """The months of a year a match names after it: 1至11月, 6月, 上半年; None for the year."""
    if match[prefix + "m1"]:
        first, last = int(match[prefix + "m1"]), int(match[prefix + "m2"])
        return Span(f"{year}-{first:02d}", f"{year}-{last:02d}")
    if match[prefix + "month"]:
        month = f"{year}-{int(match[prefix + 'month']):02d}"
        return Span(month, month)
    if match[prefix + "half"]:
        return _half(year, match[prefix + "half"])
    return None


def as_of_end(sentence: str, published: date | None) -> tuple[str | None, bool]:
    """The end a 截至 phrase gives (``2023-06``, the publication month for 目前), and whether the
    sentence has such a phrase."""
    match = AS_OF.search(sentence)
    if match is None or not sentence[match.start() :].startswith(("截至", "截止")):
        return None, False
    when = match["when"]
    if when in ("目前", "") or when.startswith(("目前", "发稿", "当前", "现在")):
        return (month_of(published) if published else None), True
    spans = time_spans(when, published)
    if spans:
        span = spans[-1][2]
        end = span.end
        if end is not None and len(end) == 4 and (when.endswith("年") or "年底" in when):
            end = f"{end}-12"
        return end, True
    return (month_of(published) if published else None), True


def since_start(sentence: str, published: date | None, pairing_since: str | None) -> str | None:
    """The start a 自…以来 / 结对以来 phrase gives, else None."""
    for match in SINCE.finditer(sentence):
        when = match["when"]
        spans = time_spans(when, published)
        if spans:  # 2018年结对以来: the year the text gives
            return spans[-1][2].start
        if "结对" in when or "牵手" in when or "协作" in when or "帮扶" in when:
            return pairing_since
    return None
