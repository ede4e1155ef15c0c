"""The one figure parser (amounts.parse_quantity): every form issue 18 lists, and hypothesis over
numbers written the ways Chinese articles write them. Expected values are worked out here, by a
writer of Chinese numerals independent of the parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiezuo_cli.model.amounts import AmountError, parse_quantity


@pytest.mark.parametrize(
    ("figure", "value", "unit", "approx"),
    [
        ("3900万元", 39_000_000, "元", "exact"),
        ("2.22亿元", 222_000_000, "元", "exact"),
        ("1.1亿余元", 110_000_000, "元", "at_least"),
        ("560余万元", 5_600_000, "元", "at_least"),
        ("超1000万元", 10_000_000, "元", "at_least"),
        ("近900万元", 9_000_000, "元", "about"),
        ("约6100万元", 61_000_000, "元", "about"),
        ("不少于10万元", 100_000, "元", "at_least"),
        ("逾三十亿元", 3_000_000_000, "元", "at_least"),
        ("三千万元", 30_000_000, "元", "exact"),
        ("一千二百万元", 12_000_000, "元", "exact"),
        ("三十五名", 35, "名", "exact"),
        ("2,150万元", 21_500_000, "元", "exact"),
        ("８６５０萬元", 86_500_000, "元", "exact"),
        ("万余名", 10_000, "名", "at_least"),
        ("10余万元", 100_000, "元", "at_least"),
        ("1000万元以上", 10_000_000, "元", "at_least"),
        ("突破500万元", 5_000_000, "元", "at_least"),
        ("300万元左右", 3_000_000, "元", "about"),
        ("十余万元", 100_000, "元", "at_least"),
        ("一亿二千万元", 120_000_000, "元", "exact"),
        ("三点五亿元", 350_000_000, "元", "exact"),
        ("79.7万元", 797_000, "元", "exact"),
        ("百分之三十", 30, "%", "exact"),
        ("79.5%", 79.5, "%", "exact"),
        ("１２．５％", 12.5, "%", "exact"),
        ("壹佰万元", 1_000_000, "元", "exact"),
        ("一千零五十元", 1_050, "元", "exact"),
        ("二十万零五百元", 200_500, "元", "exact"),
    ],
)
def test_the_forms_articles_write(figure: str, value: int | float, unit: str, approx: str) -> None:
    quantity = parse_quantity(figure)
    assert (quantity.value, quantity.unit, quantity.approx) == (value, unit, approx)
    assert type(quantity.value) is type(value)  # money is an int, never a float


@pytest.mark.parametrize("text", ["", "元", "万余", "五五百元", "百百元", "abc", "百分之三十元"])
def test_what_is_not_a_figure(text: str) -> None:
    if text == "万余":  # a multiplier alone is one of it (万余名): this one is a figure
        assert parse_quantity(text).value == 10_000
        return
    with pytest.raises(AmountError):
        parse_quantity(text)


# ─── hypothesis: numbers as articles write them ──────────────────────────────────────────────

_DIGITS = "零一二三四五六七八九"


def _section(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese; ``leading`` when nothing bigger is written before it."""
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if unit == 10 and d == 1 and not out and leading:
            out += "十"  # 十五, not 一十五, at the start of a number
        else:
            out += _DIGITS[d] + name
    return out


def chinese(n: int) -> str:
    """A positive integer below 10**12 as an article writes it in Chinese numerals."""
    parts = []
    for scale, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        section = n // scale % 10**4 if scale < 10**8 else n // scale
        if section:
            if parts and section < 1000:
                parts.append("零")
            parts.append(_section(section, leading=not parts) + name)
        elif parts and n % scale:
            parts.append("")  # a gap: the next section says 零
    return "".join(parts).replace("零零", "零") or "零"


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def decimal_of(n: int, scale: int) -> str | None:
    """n / scale written exactly with up to 4 decimals (2220000, 10**4 -> '222'), else None."""
    whole, remainder = divmod(n, scale)
    if remainder == 0:
        return str(whole)
    fraction = str(remainder).rjust(len(str(scale)) - 1, "0").rstrip("0")
    if len(fraction) > 4:
        return None
    return f"{whole}.{fraction}"


@st.composite
def written_money(draw: st.DrawFn) -> tuple[str, int, str]:
    """(figure as written, yuan, approx)."""
    multiplier = draw(st.sampled_from(["", "万", "亿"]))
    scale = {"": 1, "万": 10**4, "亿": 10**8}[multiplier]
    style = draw(st.sampled_from(["arabic", "commas", "full-width", "chinese", "decimal"]))
    if style == "decimal" and multiplier:
        digits = draw(st.integers(1, 10**7))
        places = draw(st.integers(1, 2))
        yuan = digits * scale // 10**places
        number = decimal_of(yuan, scale)
        if number is None or yuan * 10**places != digits * scale:
            number = str(yuan // scale)
            yuan = yuan // scale * scale
    else:
        # 一千二百万 is written, 一万万 is not: a Chinese count before 万 or 亿 stays below 万.
        top = (9_999 if multiplier else 99_999_999) if style == "chinese" else 10**9
        count = draw(st.integers(1, top))
        yuan = count * scale
        number = {
            "arabic": str(count),
            "decimal": str(count),
            "commas": f"{count:,}",
            "full-width": str(count).translate(FULL_WIDTH),
            "chinese": chinese(count),
        }[style]
    bound = draw(st.sampled_from(["", "余", "超", "超过", "逾", "不少于", "约", "近", "以上"]))
    approx = "exact"
    if bound == "余" and multiplier:
        figure = f"{number}余{multiplier}元"
        approx = "at_least"
    elif bound in ("超", "超过", "逾", "不少于"):
        figure, approx = f"{bound}{number}{multiplier}元", "at_least"
    elif bound in ("约", "近"):
        figure, approx = f"{bound}{number}{multiplier}元", "about"
    elif bound == "以上":
        figure, approx = f"{number}{multiplier}元以上", "at_least"
    else:
        figure = f"{number}{multiplier}元"
    return figure, yuan, approx


@settings(max_examples=300, deadline=None)
@given(written_money())
def test_money_written_any_way_is_exact_yuan(case: tuple[str, int, str]) -> None:
    figure, yuan, approx = case
    quantity = parse_quantity(figure)
    assert (quantity.value, quantity.unit, quantity.approx) == (yuan, "元", approx), figure
    assert type(quantity.value) is int


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**12 - 1), st.sampled_from(["名", "人", "家", "个", "所"]))
def test_counts_in_chinese_numerals(count: int, unit: str) -> None:
    quantity = parse_quantity(chinese(count) + unit)
    assert (quantity.value, quantity.unit, quantity.approx) == (count, unit, "exact")


def test_the_test_writer_itself() -> None:
    """The writer the hypothesis tests trust, checked against numbers written by hand."""
    assert chinese(35) == "三十五"
    assert chinese(1200) == "一千二百"
    assert chinese(12_000_000) == "一千二百万"
    assert chinese(200_500) == "二十万零五百"
    assert chinese(100_000_001) == "一亿零一"
    assert chinese(110_000) == "十一万"
    assert chinese(3_000_000_000) == "三十亿"
