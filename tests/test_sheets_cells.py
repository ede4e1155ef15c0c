"""A person's sheet, cell by cell and row by row (xiezuo_cli.authoring.sheets.cells and rows).

Expected values are written by hand; the hypothesis tests build a cell's text from numbers and
compute what it must read as with integer arithmetic, never through the parser."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiezuo_cli.authoring.sheets import cells
from xiezuo_cli.authoring.sheets.cells import CellError, DateCell, Period, ShownNumber
from xiezuo_cli.authoring.sheets.rows import Figure, Layout, Origin, SheetRow, build_row

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ─── figures ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("1.55亿元", 155_000_000, "元", "exact"),
        ("10余万元", 100_000, "元", "at_least"),
        ("约6100万元", 61_000_000, "元", "about"),
        ("三千万元", 30_000_000, "元", "exact"),
        ("８６５０萬元", 86_500_000, "元", "exact"),
        ("2,150万元", 21_500_000, "元", "exact"),
        ("  3900万元\u3000", 39_000_000, "元", "exact"),
        ("超1000万元", 10_000_000, "元", "at_least"),
        ("近900万元", 9_000_000, "元", "about"),
        ("三十五名", 35, "名", "exact"),
        ("79.5%", 79.5, "%", "exact"),
    ],
)
def test_a_figure_as_written(text: str, value: int | float, unit: str, approx: str) -> None:
    written = cells.figure(text)
    assert written is not None
    assert written.text == text.strip()  # kept as written: ８６５０萬元 stays
    assert (written.quantity.value, written.quantity.unit, written.quantity.approx) == (
        value,
        unit,
        approx,
    )
    assert type(written.quantity.value) is type(value)


@pytest.mark.parametrize("text", ["-3900万元", "－3900万元", "很多", "abc", "万亿"])
def test_what_is_not_a_figure(text: str) -> None:
    with pytest.raises(CellError):
        cells.figure(text)


def test_a_date_in_the_figure_column_says_the_spreadsheet_made_it_one() -> None:
    with pytest.raises(CellError, match="read the figure as a date"):
        cells.figure(DateCell(date(2021, 3, 5), "day"))


@settings(max_examples=60, deadline=None)
@given(
    digits=st.integers(min_value=0, max_value=10**9),
    decimals=st.integers(min_value=0, max_value=2),
    scale=st.sampled_from([("元", 1), ("万元", 10**4), ("亿元", 10**8)]),
    marker=st.sampled_from([("", "", "exact"), ("约", "", "about"), ("超", "", "at_least")]),
    full_width=st.booleans(),
    padding=st.sampled_from(["", " ", "\u3000", "\t"]),
)
def test_money_figures_read_to_exact_yuan(
    digits: int,
    decimals: int,
    scale: tuple[str, int],
    marker: tuple[str, str, str],
    full_width: bool,
    padding: str,
) -> None:
    unit, multiplier = scale
    prefix, suffix, approx = marker
    whole, fraction = divmod(digits, 10**decimals)
    number = str(whole) + (f".{fraction:0{decimals}d}" if decimals else "")
    if full_width:
        number = number.translate(FULL_WIDTH).replace(".", "．")
    text = f"{padding}{prefix}{number}{unit}{suffix}{padding}"
    written = cells.figure(text)
    assert written is not None
    yuan, remainder = divmod(digits * multiplier, 10**decimals)
    if remainder:
        assert written.quantity.value == digits * multiplier / 10**decimals
        return
    assert written.quantity.value == yuan
    assert isinstance(written.quantity.value, int)
    assert written.quantity.approx == approx


# ─── numbers ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1200", 1200),
        ("1,200", 1200),
        ("１２００", 1200),
        (" 79.5 ", 79.5),
        (39000000.0, 39000000),
        (3900.5, 3900.5),
        ("-12", -12),
        (None, None),
        ("", None),
    ],
)
def test_numbers(raw: object, expected: object) -> None:
    found = cells.number(raw)  # type: ignore[arg-type]
    assert found == expected
    assert type(found) is type(expected)


@pytest.mark.parametrize("raw", ["12a", "1.2.3", True, "nan", float("inf"), "1" * 80])
def test_not_numbers(raw: object) -> None:
    with pytest.raises(CellError):
        cells.number(raw)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_number_text_reads_back_exactly(value: float) -> None:
    text = cells.number_text(value)
    assert "e" not in text.lower()
    assert float(text) == value


@pytest.mark.parametrize(
    ("raw", "expected"), [("39000000", 39000000), (39000000.0, 39000000), ("39,000,000", 39000000)]
)
def test_amount_yuan(raw: object, expected: int) -> None:
    assert cells.yuan(raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["3900.5", -1, "10" + "0" * 14 + "1"])
def test_amount_yuan_refused(raw: object) -> None:
    with pytest.raises(CellError):
        cells.yuan(raw)  # type: ignore[arg-type]


# ─── periods and dates ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("2021", "2021", "2021"),
        (2021, "2021", "2021"),
        ("2021-05", "2021-05", "2021-05"),
        ("2021-05..2021-11", "2021-05", "2021-11"),
        ("..2019-08", None, "2019-08"),
        ("2021..", "2021", None),
        ("2021 .. 2023", "2021", "2023"),
        ("2021年", "2021", "2021"),
        ("2021年5月", "2021-05", "2021-05"),
        ("2021年5月至11月", "2021-05", "2021-11"),
        ("2021年5月至2022年2月", "2021-05", "2022-02"),
        ("2021年至2023年", "2021", "2023"),
        ("2021—2023年", "2021", "2023"),
        ("2021～2023", "2021", "2023"),
        ("２０２１－０５．．２０２１－１１", "2021-05", "2021-11"),
        ("2021/5/17", "2021-05-17", "2021-05-17"),
        (DateCell(date(2021, 5, 1), "month"), "2021-05", "2021-05"),
        (DateCell(date(2021, 5, 17), "day"), "2021-05-17", "2021-05-17"),
        (None, None, None),
    ],
)
def test_periods(raw: object, start: str | None, end: str | None) -> None:
    found = cells.period(raw)  # type: ignore[arg-type]
    if start is None and end is None:
        assert found is None
    else:
        assert found == Period(start, end)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2021-2023", "2021..2023"),
        ("2021-11..2021-05", "before it starts"),
        ("1900", "real date"),
        ("..", "a start, an end or both"),
        ("2021至", "open start"),
        ("2021..2022..2023", "one start and one end"),
        ("2021-13", "not a date"),
        (44517, "not a period"),
        ("明年", "not a date"),
    ],
)
def test_periods_refused(raw: object, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        cells.period(raw)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    first=st.tuples(st.integers(1949, 2100), st.integers(1, 12)),
    months=st.integers(0, 40),
    chinese=st.booleans(),
)
def test_month_spans(first: tuple[int, int], months: int, chinese: bool) -> None:
    year, month = first
    last_year, last_month = divmod(year * 12 + month - 1 + months, 12)
    last_month += 1
    if last_year > 2100:
        return
    if chinese:
        text = f"{year}年{month}月至{last_year}年{last_month}月"
    else:
        text = f"{year}-{month:02d}..{last_year}-{last_month:02d}"
    assert cells.period(text) == Period(f"{year}-{month:02d}", f"{last_year}-{last_month:02d}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-11-17", "2021-11-17"),
        ("2021/11/17", "2021-11-17"),
        ("2021年11月17日", "2021-11-17"),
        ("２０２１－１１－１７", "2021-11-17"),
        ("2021-11", "2021-11"),
        (datetime(2021, 11, 17), "2021-11-17"),
        (DateCell(date(2021, 11, 17), "day"), "2021-11-17"),
    ],
)
def test_as_of(raw: object, expected: str) -> None:
    assert cells.as_of(raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["2021-02-30", "someday", 44517])
def test_as_of_refused(raw: object) -> None:
    with pytest.raises(CellError):
        cells.as_of(raw)  # type: ignore[arg-type]


# ─── flags, choices, ids, texts ─────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("是", True),
        ("yes", True),
        ("Ｙｅｓ", True),
        ("1", True),
        (1, True),
        (True, True),
        ("false", False),
        ("否", False),
        ("No", False),
        ("0", False),
        (False, False),
        ("", None),
        (None, None),
    ],
)
def test_flags(raw: object, expected: bool | None) -> None:
    assert cells.flag(raw) is expected  # type: ignore[arg-type]


def test_a_flag_that_is_not_one() -> None:
    with pytest.raises(CellError, match="是/否"):
        cells.flag("maybe")


@pytest.mark.parametrize(
    ("parser", "raw", "expected"),
    [
        (cells.stage, "实际", "actual"),
        (cells.stage, "签约", "pledged"),
        (cells.stage, "签约/意向", "pledged"),
        (cells.stage, "安排／分配", "allocated"),
        (cells.stage, " Actual ", "actual"),
        (cells.stage, "FORECAST", "forecast"),
        (cells.actor, "政府", "government"),
        (cells.actor, "enterprise", "enterprise"),
        (cells.approx, "约数", "about"),
        (cells.approx, "下限", "at_least"),
        (cells.approx, "At_Least", "at_least"),
        (cells.kind, "东西部协作", "东西部协作"),
        (cells.kind, "东西部扶贫协作", "东西部协作"),
        (cells.kind, " 山海 协作 ", "山海协作"),
        (cells.category, "财政援助", "财政援助"),
    ],
)
def test_choices(parser: object, raw: str, expected: str) -> None:
    assert parser(raw) == expected  # type: ignore[operator]


def test_an_unknown_choice_lists_the_choices() -> None:
    with pytest.raises(CellError) as caught:
        cells.stage("done")
    assert "'done' is not a stage" in str(caught.value)
    assert "actual" in str(caught.value) and "实际" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("R-1", "r-1"),
        ("ｙｕｈａｎｇ－ｃａｎｇｘｉ", "yuhang-cangxi"),
        (" src-2 ", "src-2"),
        (12, "12"),
    ],
)
def test_ids(raw: object, expected: str) -> None:
    assert cells.identifier(raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["a b", "r_1", "苍溪", "-r"])
def test_ids_refused(raw: str) -> None:
    with pytest.raises(CellError, match="is not an id"):
        cells.identifier(raw)


def test_the_data_s_words_are_trimmed_never_folded() -> None:
    assert cells.text("  ２０２１年，投入（ＡＢ）资金。 ") == "２０２１年，投入（ＡＢ）资金。"
    assert cells.place(" ５１０８２４ ") == "510824"
    assert cells.unit("％") == "%"


# ─── a row's figure ─────────────────────────────────────────────────────────────────────

BASE = {
    "provider": "余杭",
    "receiver": "苍溪",
    "category": "财政援助",
    "measure": "协作资金",
    "item": "专项资金",
    "source": "art-1",
}
ORIGIN = Origin(1, 2, Layout("line"))


def row(**given: object) -> SheetRow:
    built = build_row({**BASE, **given}, ORIGIN)  # type: ignore[arg-type]
    assert isinstance(built, SheetRow), built
    return built


def problems(**given: object) -> list[tuple[str | None, str]]:
    built = build_row({**BASE, **given}, ORIGIN)  # type: ignore[arg-type]
    assert not isinstance(built, SheetRow), built
    return [(problem.column, problem.reason) for problem in built]


@pytest.mark.parametrize(
    ("given", "figure"),
    [
        ({"figure": "1.55亿元"}, Figure("1.55亿元", 155_000_000, "元", 155_000_000, "exact")),
        (
            {"figure": "约6100万元", "approx": "about"},
            Figure("约6100万元", 61_000_000, "元", 61_000_000, "about"),
        ),
        (
            {"figure": "10余万元", "approx": "下限"},
            Figure("10余万元", 100_000, "元", 100_000, "at_least"),
        ),
        ({"value": "3900", "unit": "万元"}, Figure(None, 39_000_000, "元", 39_000_000, "exact")),
        ({"value": 3900.5, "unit": "万元"}, Figure(None, 39_005_000, "元", 39_005_000, "exact")),
        ({"value": 39000000.0, "unit": "元"}, Figure(None, 39_000_000, "元", 39_000_000, "exact")),
        ({"figure": "3900", "unit": "万元"}, Figure("3900", 39_000_000, "元", 39_000_000, "exact")),
        ({"amount_yuan": "39000000"}, Figure(None, 39_000_000, "元", 39_000_000, "exact")),
        (
            {"figure": "1.55亿元", "value": "155000000", "unit": "元", "amount_yuan": 155000000},
            Figure("1.55亿元", 155_000_000, "元", 155_000_000, "exact"),
        ),
        ({"figure": "三十五名"}, Figure("三十五名", 35, "名", None, "exact")),
        (
            {"value": "35", "unit": "人", "approx": "at_least"},
            Figure(None, 35, "人", None, "at_least"),
        ),
        (
            {"figure": "1200元", "value": "1200", "unit": "元/人·年"},
            Figure("1200元", 1200, "元/人·年", None, "exact"),
        ),
        ({"figure": "79.5%"}, Figure("79.5%", 79.5, "%", None, "exact")),
    ],
)
def test_a_row_s_figure(given: dict[str, object], figure: Figure) -> None:
    assert row(**given).figure == figure


@pytest.mark.parametrize(
    ("given", "column", "reason"),
    [
        ({"figure": "约6100万元", "approx": "exact"}, "approx", "wording"),
        ({"figure": "6100万元", "approx": "约数"}, "approx", "says exact"),
        ({"value": "1234.56785", "unit": "万元"}, "value", "not a whole number of yuan"),
        ({"figure": "0.5元"}, "figure", "not a whole number of yuan"),
        ({"figure": "3900"}, "figure", "has no unit"),
        ({"value": "3900"}, "unit", "what does the value 3900 count"),
        ({"same_as": "r-1", "unit": "万元"}, "unit", "a unit with no figure"),
        ({"figure": "3900万元", "amount_yuan": "3900"}, "amount_yuan", "39,000,000 yuan"),
        ({"figure": "3900万元", "value": "390", "unit": "万元"}, "value", "3,900,000 yuan"),
        ({"figure": "三十五名", "unit": "万元"}, "figure", "is not money"),
        ({"figure": "三十五名", "amount_yuan": 35}, "amount_yuan", "not money"),
        ({"figure": "三十五名", "value": 36, "unit": "名"}, "figure", "says 35, the value 36"),
    ],
)
def test_a_row_s_figure_refused(given: dict[str, object], column: str, reason: str) -> None:
    found = problems(**given)
    assert len(found) == 1, found
    assert found[0][0] == column
    assert reason in found[0][1]


@settings(max_examples=60, deadline=None)
@given(
    digits=st.integers(min_value=0, max_value=10**12),
    decimals=st.integers(min_value=0, max_value=6),
    unit=st.sampled_from([("元", 1), ("万元", 10**4), ("亿元", 10**8)]),
)
def test_value_and_money_unit_exact_or_refused(
    digits: int, decimals: int, unit: tuple[str, int]
) -> None:
    name, multiplier = unit
    whole, fraction = divmod(digits, 10**decimals)
    text = str(whole) + (f".{fraction:0{decimals}d}" if decimals else "")
    built = build_row({**BASE, "value": text, "unit": name}, ORIGIN)
    yuan, remainder = divmod(digits * multiplier, 10**decimals)
    if remainder:
        assert not isinstance(built, SheetRow)
        assert "not a whole number of yuan" in built[0].reason
    elif yuan > 10**14:
        assert not isinstance(built, SheetRow)
    else:
        assert isinstance(built, SheetRow), built
        assert built.figure == Figure(None, yuan, "元", yuan, "exact")


def test_a_new_figure_names_every_missing_column() -> None:
    built = build_row({"figure": "3900万元"}, ORIGIN)
    assert not isinstance(built, SheetRow)
    assert [p.column for p in built] == [
        "provider",
        "receiver",
        "category",
        "measure",
        "item",
        "source",
    ]


def test_a_row_without_any_figure() -> None:
    assert problems() == [("figure", "missing: give the figure (3900万元), or a value and a unit")]


def test_a_same_as_row_is_a_citation_and_needs_only_its_id() -> None:
    built = build_row({"same_as": "r-7", "source": "art-2", "quote": "……"}, ORIGIN)
    assert isinstance(built, SheetRow)
    assert (built.same_as, built.source, built.figure, built.provider) == (
        "r-7",
        "art-2",
        None,
        None,
    )


def test_every_bad_cell_of_a_row_is_reported() -> None:
    found = problems(figure="3900万元", period="2021-13", stage="done", cumulative="maybe")
    assert [column for column, _ in found] == ["period", "stage", "cumulative"]


def test_a_typed_row() -> None:
    built = row(
        id="R-1",
        kind="东西部协作",
        figure="８６５０萬元",
        period="2021年5月至11月",
        stage="实际",
        actor="政府",
        cumulative="是",
        as_of="2021年11月17日",
        part_of="r-0",
        quote=" 投入８６５０萬元。 ",
        note="备注",
        derivation=None,
    )
    assert built.id == "r-1"
    assert built.figure == Figure("８６５０萬元", 86_500_000, "元", 86_500_000, "exact")
    assert built.period == Period("2021-05", "2021-11")
    assert (built.stage, built.actor, built.cumulative, built.scope) == (
        "actual",
        "government",
        True,
        "running_total",
    )
    assert built.as_of == "2021-11-17"
    assert built.quote == "投入８６５０萬元。"
    assert built.where == "line 2"


def test_a_number_shown_with_its_unit_is_that_figure() -> None:
    assert row(figure=ShownNumber(3900.5, "万元")).figure == Figure(
        "3900.5万元", 39_005_000, "元", 39_005_000, "exact"
    )
