"""Find the figures of a sentence: the number, its multiplier, its unit and its bound words, as
written; and tell what is not a figure (a year, a date, an ordinal, a phone number, a duration).

Each figure found is read by the project's one parser, ``amounts.parse_quantity``, from the
exact text it was found in, so ``figure`` and ``amount_yuan`` can never disagree.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from xiezuo_cli.model.amounts import (
    BOUND_PREFIXES,
    BOUND_SUFFIXES,
    AmountError,
    Quantity,
    parse_quantity,
)

# Units a count may have, longest first so 平方公里 is taken before 平方米 … and 人次 before 人.
COUNT_UNITS = (
    "平方公里", "平方米", "平米", "公里", "公顷", "千克", "公斤", "人次", "个百分点",
    "人", "名", "位", "家", "个", "所", "项", "件", "套", "本", "箱", "种", "类", "户", "村",
    "批", "场", "次", "期", "台", "辆", "头", "只", "株", "吨", "亩", "座", "条", "处", "间",
    "份", "篇", "款", "对", "支", "届", "门", "节", "宗", "笔", "栋", "幢", "例", "床",
)  # fmt: skip
MONEY_UNITS = ("元",)
FOREIGN_MONEY = ("美元", "港元", "欧元", "日元")
# After a number these make a time, a date or a duration, never a figure to draft: 2021年, 10月,
# 15日, 7天, 三年, 半年多. A duration is the figure's period, not a figure.
TIME_UNITS = ("年", "月", "日", "号", "天", "周", "小时", "分钟", "秒", "岁", "时", "点", "世纪")
# Units written two ways, as the data writes them: 4名医师 is 4 人, 100平米 is 100 平方米.
SAME_UNITS = {"名": "人", "位": "人", "平米": "平方米"}
_NUMERALS = "〇零一二两三四五六七八九十百千万亿"

_NUMBER = (
    r"(?:[0-9０-９][0-9０-９]*(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?"
    r"|[〇零一二两三四五六七八九十百千万亿]+(?:点[〇零一二三四五六七八九]+)?)"
)


@functools.cache
def _figure_pattern() -> re.Pattern[str]:
    prefixes = "|".join(BOUND_PREFIXES)
    suffixes = "|".join(BOUND_SUFFIXES)
    units = "|".join(
        sorted((*COUNT_UNITS, *FOREIGN_MONEY, *MONEY_UNITS, *TIME_UNITS), key=len)[::-1]
    )
    return re.compile(
        rf"""
        (?P<prefix>{prefixes})?
        (?:(?P<percent_of>百分之)(?P<pnumber>{_NUMBER})
         |(?P<number>{_NUMBER})
          (?P<mult1>[百千]?[万亿])?(?P<more>[余多])?(?P<mult2>[万亿])?
          (?P<unit>{units}|%|％)?)
        (?P<suffix>{suffixes})?
        """,
        re.VERBOSE,
    )


@dataclass(frozen=True)
class Mention:
    """One figure in a sentence."""

    start: int  # where the figure as written starts and ends in the sentence
    end: int
    figure: str  # as written, bound words included: 超1000万元, 100余万元, 万余名
    quantity: Quantity  # as amounts.parse_quantity reads ``figure``
    unit: str  # 元 for money; a count's unit (人 for 名 and 位); % for a share

    @property
    def is_money(self) -> bool:
        return self.unit == "元"

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "个百分点")


# Words that, right before a number, make it no figure: 第3届 (an ordinal), 电话… (a number to
# call), 编号, 国道G318; a number glued to Latin letters is a code.
_ORDINAL_BEFORE = re.compile(r"(?:第|电话|热线|编号|号码|代码|邮编|国道|省道|[A-Za-z])$")
# 一个、一家、一次、一位: too often an article or a phrase (一个平台, 一次规划, 一位茶农说), not
# a count; a count of one person written 一名 or 一人 (选派一名干部) is kept.
_ONE_KEPT_UNITS = ("名", "人")
# In Chinese numerals these count ideas, not things: 四条主线, 三项措施, 五张名片.
_ABSTRACT_UNITS = ("条", "项", "张", "点")


def find_figures(sentence: str, *, money_without_unit: bool = False) -> list[Mention]:
    """The figures of one sentence, in order. ``money_without_unit``: read 3000万 with no 元 as
    money (the sentence speaks of money: 投资, 资金…)."""
    found: list[Mention] = []
    for match in _figure_pattern().finditer(sentence):
        mention = _mention(sentence, match, money_without_unit)
        if mention is not None:
            found.append(mention)
    return found


def _mention(sentence: str, match: re.Match[str], money_without_unit: bool) -> Mention | None:
    start, end = match.span()
    before = sentence[:start]
    if match["percent_of"]:
        written = match[0]
        try:
            quantity = parse_quantity(written)
        except AmountError:
            return None
        return Mention(start, end, written, quantity, "%")
    number = match["number"]
    unit = match["unit"] or ""
    chinese = not number[0].isdigit() and not ("０" <= number[0] <= "９")
    if _ORDINAL_BEFORE.search(before) or re.match(r"[A-Za-z]", sentence[end : end + 1]):
        return None
    if unit in TIME_UNITS:
        return None
    if unit == "%" or unit == "％":
        unit = "%"
    multiplier = match["mult1"] or match["mult2"]
    if not unit and not (multiplier and money_without_unit):
        return None  # a bare number (a code, a phone number) or 1.2万 of nothing said
    if chinese:
        if (number == "一" and unit not in _ONE_KEPT_UNITS) or unit in _ABSTRACT_UNITS:
            return None
        # 千家万户, 一村一品, 一人一策: numerals on both sides make a set phrase, not a count
        if sentence[start - 1 : start] in _NUMERALS or sentence[end : end + 1] in _NUMERALS:
            return None
        if re.search(f"[{_NUMERALS}][\u4e00-\u9fff]$", before):  # the 万户 of 千家万户
            return None
        if re.fullmatch(r"[〇零一二三四五六七八九]{2,}", number):  # 二〇二一: a year
            return None
        if unit == "期":  # 一期建设, 二期: phases, not counts
            return None
    if re.fullmatch(r"[0-9]{7,}", number.replace(",", "")) and not multiplier and unit != "元":
        return None  # 13800000000人 is a phone number glued to a word
    written = match[0]
    try:
        quantity = parse_quantity(written if unit or not multiplier else written + "元")
    except AmountError:
        return None
    if unit in FOREIGN_MONEY:
        shown = unit
    elif not unit or unit == "元":
        shown = "元"
    else:
        shown = SAME_UNITS.get(unit, unit)
    if shown == "元" and not isinstance(quantity.value, int):
        return None  # 0.5元: not a whole yuan; never drafted as money
    if quantity.value == 0:
        return None  # 从0元到23万元: a starting point, not a figure
    return Mention(start, end, written, quantity, shown)
