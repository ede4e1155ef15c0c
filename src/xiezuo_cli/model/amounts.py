"""Chinese figures and money as articles and people write them: 3900万元, 2.22亿, 1.1亿余元,
560余万元, 超1000万元, 近900万元, 不少于10万元, 逾三十亿元, 一千二百万元, 三十五名, 2,150万元,
８６５０萬元, 万余名, 79.5%, 百分之三十.

The one parser of figures for the whole project: the bundled data's build, ``add``, ``import``
(its ``figure`` column) and ``extract`` all read figures here. Exact integer arithmetic
throughout: a decimal such as 2.22 is read as 222 / 10**2, so 2.22亿元 is 222000000 yuan with no
float on the way. Only stdlib ``re`` is imported: this is on the start-up path of every query
command.
"""

import functools
import re
from typing import NamedTuple

MULTIPLIERS = {"百": 10**2, "千": 10**3, "万": 10**4, "亿": 10**8}
from xiezuo_cli.model.safe_text import shown  # noqa: E402
from xiezuo_cli.model.vocab import DISPLAY_UNITS  # noqa: E402  (re-exported for the renderers)

CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CHINESE_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}

# 余 超 多 以上 不低于 突破 mark a lower bound; 约 近 左右 an estimate (近, 不足: just under,
# shown as an estimate: the data has no upper-bound mark, and such a figure is never a floor).
AT_LEAST_PREFIXES = ("超过", "不低于", "不少于", "至少", "多于", "高于", "突破", "超", "逾")
ABOUT_PREFIXES = ("大约", "将近", "接近", "约合", "不足", "不到", "约", "近")
AT_LEAST_SUFFIXES = ("以上", "有余")
ABOUT_SUFFIXES = ("左右", "上下")
# Longest first, so 超过 is taken before 超 and 约合 before 约.
BOUND_PREFIXES = tuple(sorted(AT_LEAST_PREFIXES + ABOUT_PREFIXES, key=len, reverse=True))
BOUND_SUFFIXES = AT_LEAST_SUFFIXES + ABOUT_SUFFIXES

# Characters written for the same digit or multiplier: traditional forms (萬 億 餘 兩), the
# capital numerals of receipts (壹 贰 … 仟), full-width digits and signs (８６５０, ，．％).
_EQUIVALENTS = {
    "萬": "万", "億": "亿", "餘": "余", "兩": "两", "壹": "一", "贰": "二", "貳": "二",
    "叁": "三", "參": "三", "肆": "四", "伍": "五", "陆": "六", "陸": "六", "柒": "七",
    "捌": "八", "玖": "九", "拾": "十", "佰": "百", "仟": "千",
    "，": ",", "．": ".", "％": "%", "\u3000": " ",
}  # fmt: skip
_EQUIVALENTS |= {chr(0xFF10 + digit): str(digit) for digit in range(10)}

# A number: Arabic digits (3900, 2,150, 2.22) or Chinese numerals (三十五, 一千二百万, 三点五).
ARABIC_NUMBER = r"\d[\d,]*(?:\.\d+)?"
CHINESE_NUMBER = r"[〇零一二两三四五六七八九十百千万亿]+(?:点[〇零一二三四五六七八九]+)?"

_FIGURE_PATTERN = (
    rf"""
    (?P<number>{ARABIC_NUMBER}|{CHINESE_NUMBER})?
    \s*(?P<mult1>[百千]?[万亿]?)
    (?P<more>[余多])?
    (?P<mult2>[万亿])?
    \s*(?P<unit>.*)
    """,
    re.VERBOSE | re.DOTALL,
)


_PER_PATTERN = r"每(?P<per>[^\d〇零一二两三四五六七八九十百千万亿]+)"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled on first use: most query commands never read an amount, and compiling these
    at import was a noticeable part of start-up."""
    pattern, flags = _FIGURE_PATTERN
    return re.compile(pattern, flags), re.compile(_PER_PATTERN)


@functools.cache
def _equivalents() -> dict[int, str]:
    return str.maketrans(_EQUIVALENTS)


class AmountError(ValueError):
    """Text that is not a figure or amount; the message is one line for the user."""


# Digits of one number in a figure, decimals included: an amount of 10**14 yuan has 15, so 30
# is room enough; more is a mistake (and past 4300, Python refuses to convert them at all).
MAX_DIGITS = 30


class TooManyDigits(AmountError):
    """A number with more than MAX_DIGITS digits: the message says so, and callers that word
    their own message for a bad amount use this one instead."""

    def __init__(self, digits: int) -> None:
        self.reason = f"a number of {digits:,} digits (at most {MAX_DIGITS})"
        super().__init__(self.reason)


class Quantity(NamedTuple):
    value: int | float  # int whenever the figure is whole
    unit: str  # what follows the number as written: 元, 平方米, 名, 大共建产业园
    approx: str  # exact | at_least | about

    @property
    def is_money(self) -> bool:
        return self.unit == "元"


def plain_figure(text: str) -> str:
    """The figure with every equivalent character made plain: ８６５０萬元 -> 8650万元."""
    return text.translate(_equivalents())


def _exact(number: str) -> tuple[int, int]:
    """'2.22' -> (222, 2): the digits as an integer and how many of them are decimals."""
    whole, _, decimals = number.replace(",", "").partition(".")
    digits = whole + decimals
    if len(digits) > MAX_DIGITS:
        raise TooManyDigits(len(digits))
    return int(digits), len(decimals)


def chinese_integer(numerals: str) -> int:
    """三十五 -> 35, 一千二百万 -> 12000000, 十 -> 10, 万 -> 10000, 二〇二一 -> 2021.

    Raises AmountError for numerals that do not make a number (五五百, 百百)."""
    if len(numerals) == 1 and numerals in CHINESE_DIGITS:
        return CHINESE_DIGITS[numerals]
    if not any(c in CHINESE_DIGITS for c in numerals) and not re.fullmatch(
        "[百千]?[万亿]?", numerals
    ):
        raise AmountError(f"not a number: {shown(numerals)}")  # 万亿 alone is a scale, not a number
    if all(c in "〇零一二三四五六七八九" for c in numerals):  # digit by digit: 二〇二一
        return int("".join(str(CHINESE_DIGITS[c]) for c in numerals))
    total = section = 0
    digit: int | None = None
    last_small = 10**4  # the previous 十百千 of this section: they must fall
    for character in numerals:
        if character in _SMALL_UNITS:
            unit = _SMALL_UNITS[character]
            if unit >= last_small:
                raise AmountError(f"not a number: {shown(numerals)}")
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif character in ("万", "亿"):
            scale = MULTIPLIERS[character]
            part = section + (digit or 0)
            if character == "万":
                total += (part or 1) * scale
            else:
                total = (total + part or 1) * scale
            section, digit, last_small = 0, None, 10**4
        else:
            if digit not in (None, 0):
                raise AmountError(f"not a number: {shown(numerals)}")
            digit = CHINESE_DIGITS[character]
    return total + section + (digit or 0)


def _digits_and_scale(number: str) -> tuple[int, int]:
    """A written number as (digits, decimals): '2.22' -> (222, 2), '三点五' -> (35, 1)."""
    if number[0].isdigit():
        return _exact(number)
    whole, _, decimals = number.partition("点")
    value = chinese_integer(whole)
    if not decimals:
        return value, 0
    fraction = int("".join(str(CHINESE_DIGITS[c]) for c in decimals))
    return value * 10 ** len(decimals) + fraction, len(decimals)


def parse_quantity(text: str) -> Quantity:
    """Read a figure as an article writes it. Raises AmountError if it is not one."""
    rest = plain_figure(text).strip()
    approx = "exact"
    percent = rest.startswith("百分之")
    if percent:
        rest = rest[len("百分之") :]
    # 每亩41万元 is a rate (元/亩); 连续三年 and 前5年 are plain counts of years.
    per = _patterns()[1].match(rest)
    if per:
        rest = rest[per.end() :]
    rest = rest.removeprefix("连续").removeprefix("前")
    for prefix in BOUND_PREFIXES:
        if rest.startswith(prefix):
            approx = "at_least" if prefix in AT_LEAST_PREFIXES else "about"
            rest = rest[len(prefix) :]
            break
    for suffix in BOUND_SUFFIXES:
        if rest.endswith(suffix):
            approx = "at_least" if suffix in AT_LEAST_SUFFIXES else "about"
            rest = rest[: -len(suffix)]
            break
    match = _patterns()[0].fullmatch(rest)
    if match is None or not (match["number"] or match["mult1"] or match["mult2"]):
        raise AmountError(f"not a figure: {shown(text)}")
    if match["mult1"] and match["mult2"]:
        raise AmountError(f"not a figure: {shown(text)}")
    number = match["number"]
    if number is None:  # 万亩, 万余名: the multiplier alone stands for one of it
        digits, scale = 1, 0
    else:
        try:
            digits, scale = _digits_and_scale(number)
        except AmountError:
            raise AmountError(f"not a figure: {shown(text)}") from None
    multiplier = 1
    for character in match["mult1"] or match["mult2"] or "":
        multiplier *= MULTIPLIERS[character]
    if match["more"]:
        approx = "at_least"
    scaled, remainder = divmod(digits * multiplier, 10**scale)
    value: int | float = scaled if remainder == 0 else digits * multiplier / 10**scale
    unit = match["unit"].strip()
    if percent:
        if unit:
            raise AmountError(f"not a figure: {shown(text)}")
        unit = "%"
    if per:
        unit = f"{unit}/{per['per']}"
    return Quantity(value=value, unit=unit, approx=approx)


def parse_yuan(text: str) -> int:
    """An amount of money as a user types it: 39000000, 3900万, 3900万元, 2.22亿, 1,000元."""
    try:
        quantity = parse_quantity(text)
    except TooManyDigits as error:
        raise AmountError(f"invalid amount {shown(text)}: {error.reason}") from None
    except AmountError:
        quantity = None
    if quantity is None or quantity.unit not in ("", "元") or quantity.approx != "exact":
        raise AmountError(
            f"invalid amount {shown(text)}: use yuan or 万/亿, e.g. 39000000, 3900万, 2.22亿"
        )
    if not isinstance(quantity.value, int):
        raise AmountError(f"invalid amount {shown(text)}: a fraction of a yuan")
    return quantity.value


def format_amount(yuan: int, unit: str = "万元") -> str:
    """39000000 -> '3,900' in 万元; 797000 -> '79.7'; exact, no rounding, no float."""
    divisor = DISPLAY_UNITS[unit]
    sign = "-" if yuan < 0 else ""
    whole, remainder = divmod(abs(yuan), divisor)
    text = f"{sign}{whole:,}"
    if remainder:
        width = len(str(divisor)) - 1
        text += "." + str(remainder).rjust(width, "0").rstrip("0")
    return text


def format_value(value: int | float) -> str:
    """A count or measure for people: thousands separators, no trailing .0."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"
