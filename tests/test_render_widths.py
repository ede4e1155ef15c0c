"""Tables fitted to a terminal's width, in process: the layout rules, the terminal width from
COLUMNS, amounts on one decimal point, --columns, and one shape for every empty result.

The CliRunner's stdout is not a terminal; tests that need one patch ``terminal.is_terminal``, so
the width comes from COLUMNS exactly as on a real terminal (tests/test_terminal.py runs the real
thing in pseudo-terminals).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from conftest import BUNDLED
from rich.cells import cell_len
from rich.console import Console
from typer.testing import Result

from xiezuo_cli.present import cells, funds_view, render, table, terminal
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query import funds
from xiezuo_cli.storage import dataset

DATA = dataset.load(BUNDLED)
OPTIONS = OutputOptions(format="table", headers=True, excel=False, unit="万元", color=False)
Cli = Callable[..., Result]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def on_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make xiezuo take the test's stdout for a terminal: its width is then COLUMNS."""
    monkeypatch.setattr(terminal, "is_terminal", lambda stream=None: True)


def _rendered(draw: Callable[[], None], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    buffer = io.StringIO()
    original = table.make_console

    def terminal_of_width(options: OutputOptions) -> Console:
        console = original(options)
        console.file = buffer
        console.width = width
        return console

    monkeypatch.setattr(table, "make_console", terminal_of_width)
    draw()
    return buffer.getvalue()


def _characters(texts: Iterator[str]) -> Counter[str]:
    return Counter(ch for text in texts for ch in text if not ch.isspace())


def table_lines(text: str) -> list[str]:
    """The lines of the first table: from its header to the line before its count."""
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if re.match(r"\d+ (条记录|行|个)", line))
    return lines[:end]


# ─── wrapping ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("width", [1, 4, 8, 13, 30])
def test_wrap_never_splits_a_run_and_keeps_every_character(width: int) -> None:
    text = "含于 cangxi-special-fund；安排/分配（2021–2024累计，3,900.5万元）http://a.cn/x?y=1"
    lines = table.wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for run in ("cangxi-special-fund", "3,900.5", "2021–2024", "http://a.cn/x?y=1"):
        assert any(run in line for line in lines), (run, lines)
    for line in lines:
        assert cell_len(line) <= width or " " not in line.strip(), (
            line
        )  # only a whole run runs over
        assert not line.startswith(("，", "。", "）", "；", "→")), line
        assert not line.endswith("（"), line


def test_wrap_keeps_paragraphs_and_indentation() -> None:
    assert table.wrap("  甲乙\n\n丙", 10) == ["  甲乙", "", "丙"]
    assert table.wrap("杭州市余杭区 → 广元市苍溪县", 14) == ["杭州市余杭区 →", "广元市苍溪县"]


# ─── fixed decimals, exact ────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("yuan", "unit", "needed", "shown"),
    [
        (39_000_000, "万元", 0, "3,900"),
        (797_000, "万元", 1, "79.7"),
        (797_000, "亿元", 5, "0.00797"),
        (1, "亿元", 8, "0.00000001"),
        (123_456_789_012, "亿元", 8, "1,234.56789012"),
        (5, "元", 0, "5"),
        (-797_000, "万元", 1, "-79.7"),
    ],
)
def test_decimals_are_exact(yuan: int, unit: str, needed: int, shown: str) -> None:
    assert table.decimals_needed(yuan, unit) == needed
    assert table.fixed_amount(yuan, unit, needed) == shown
    assert table.fixed_amount(yuan, unit, 8 if unit == "亿元" else needed).startswith(shown)
    if needed:
        with pytest.raises(ValueError):
            table.fixed_amount(yuan, unit, needed - 1)  # never rounded


def test_amounts_in_yi_line_up_on_the_decimal_point(cli: Cli) -> None:
    out = ok(cli("list", "--pair", "苍溪", "--money", "--format", "table", "--unit", "亿元"))
    rows = [line for line in table_lines(out)[2:] if line.startswith("cangxi-")]
    assert len(rows) == 17
    numbers = [re.search(r"(约|≥)?(\d[\d,]*)\.(\d+)\s+亿元", line) for line in rows]
    assert all(numbers), rows
    # 79.7万 (0.00797亿) needs five decimals: every amount in the column has five
    assert {len(m[3]) for m in numbers if m} == {5}
    assert "0.39000" in out and "0.00797" in out and "3.18000" in out
    points = {cell_len(line[: m.start(3)]) for line, m in zip(rows, numbers, strict=True) if m}
    assert len(points) == 1, points


def test_counts_line_up_with_amounts(cli: Cli) -> None:
    out = ok(cli("list", "--pair", "苍溪", "--format", "table"))
    money = table_lines(out)[2:]
    special = next(line for line in money if line.startswith("cangxi-special-fund "))
    cadres = next(line for line in money if line.startswith("cangxi-cadres "))
    # 3,900.0 万元 and 2 人: the units digits in one column, the decimal after it
    assert cell_len(special[: special.index("3,900.0") + len("3,900")]) == cell_len(
        cadres[: cadres.index(" 2 ") + 2]
    )


# ─── the terminal's width ─────────────────────────────────────────────────────────────────


@pytest.mark.usefixtures("on_terminal")
@pytest.mark.parametrize("columns", ["0", "abc", " ", "-1"])
def test_zero_or_junk_columns_is_80(cli: Cli, columns: str) -> None:
    env = {"XIEZUO_PAGER": "cat"}
    for args in (("list",), ("pairs",), ("show", "旺苍")):
        at_80 = ok(cli(*args, "--format", "table", env={**env, "COLUMNS": "80"}))
        assert ok(cli(*args, "--format", "table", env={**env, "COLUMNS": columns})) == at_80
        assert all(cell_len(line) <= 80 for line in at_80.splitlines())


@pytest.mark.usefixtures("on_terminal")
def test_columns_sets_the_width_on_a_terminal(cli: Cli) -> None:
    env = {"XIEZUO_PAGER": "cat"}
    wide = ok(cli("list", "--format", "table", env={**env, "COLUMNS": "200"}))
    narrow = ok(cli("list", "--format", "table", env={**env, "COLUMNS": "100"}))
    assert max(cell_len(line) for line in wide.splitlines()) > 100
    assert max(cell_len(line) for line in narrow.splitlines()) <= 100


def test_off_a_terminal_nothing_is_fitted(cli: Cli) -> None:
    """In a pipe COLUMNS means nothing: every cell whole on its row, no column hidden."""
    out = ok(cli("list", "--format", "table", env={"COLUMNS": "40"}))
    assert "已隐藏列" not in out and "编号: " not in out
    assert out.splitlines()[0].split() == [
        "编号",
        "结对",
        "类别",
        "事项",
        "数值",
        "单位",
        "阶段",
        "年份",
        "备注",
    ]
    assert len(out.splitlines()) == 191 + 3  # header, rule, a line per record, the count


# ─── hiding columns, then blocks ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_list_table_loses_no_character_at_any_width(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [r for r in DATA.records if r.pairing == "xiaoshan-wangcang"]
    out = _rendered(lambda: render.records_table(DATA, records, OPTIONS), width, monkeypatch)
    assert all(cell_len(line) <= width for line in out.splitlines())
    # what is shown is whole; what is hidden is named
    shown = [record.id for record in records] + [record.item for record in records]
    assert not _characters(iter(shown)) - _characters(iter([out])), "characters were cropped"
    heading = out.splitlines()[0]
    if "编号: " in out:  # blocks: an id beside its label, or below it when too long for both
        assert width <= 60
        starts = [line for line in out.splitlines() if line in ("编号:",) or line[:4] == "编号: "]
        assert len(starts) == len(records)
        assert "已隐藏列" not in out
        return
    for name in ("结对", "类别", "年份", "备注"):
        hidden = next((line for line in out.splitlines() if line.startswith("已隐藏列：")), "")
        assert name in heading or name in hidden, (name, heading, hidden)


def test_columns_are_hidden_in_the_documented_order() -> None:
    full = table.DROP_ORDER["list"]
    # the stage hides last, and only when every row has one stage (the line names it)
    assert full == ("remarks", "year", "category", "pairing", "=stage")
    order = [key.lstrip(table.UNIFORM) for key in full]
    cols = [cells.RECORD_COLUMNS[name] for name in cells.LIST_COLUMNS]
    rows = [cells.record_row(DATA, r, "万元") for r in DATA.records]
    columns = table.column_texts(cols, rows, "万元")
    previous = len(cols)
    for width in range(200, 60, -5):
        layout = table.fit_columns(cols, columns, width, full)
        if layout is None:
            break
        hidden = [c.key for i, c in enumerate(cols) if i not in layout.shown]
        hidden.sort(key=order.index)
        assert hidden == list(order[: len(hidden)]), (width, hidden)  # a prefix of the order
        assert "stage" not in hidden  # the bundled records have every stage
        assert len(layout.shown) <= previous
        previous = len(layout.shown)
        used = sum(layout.widths.values()) + len(layout.gap) * (len(layout.shown) - 1)
        assert used <= width
    assert table.fit_columns(cols, columns, 40, order) is None  # blocks


def test_hidden_line_names_a_value_all_rows_share(cli: Cli, on_terminal: None) -> None:
    out = ok(
        cli(
            "list",
            "--pair",
            "苍溪",
            "--category",
            "财政援助",
            "--format",
            "table",
            env={"COLUMNS": "200", "XIEZUO_PAGER": "cat"},
        )
    )
    assert "已隐藏列" not in out
    out = ok(
        cli(
            "list",
            "--pair",
            "苍溪",
            "--category",
            "财政援助",
            "--format",
            "table",
            env={"COLUMNS": "100", "XIEZUO_PAGER": "cat"},
        )
    )
    hidden = next(line for line in out.splitlines() if line.startswith("已隐藏列："))
    assert hidden.endswith("加宽终端或用 --columns 指定")
    assert "备注" in hidden


@pytest.mark.parametrize("width", [40, 80])
def test_report_table_loses_no_character(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    records = DATA.records_of("yuhang-cangxi")
    subtotals = funds.totals(funds.decide_all(records), funds.group_fields(["category"]))
    groups = [("余杭→苍溪 · 东西部协作", records, subtotals, [])]
    out = _rendered(lambda: render.report_tables(DATA, groups, OPTIONS), width, monkeypatch)
    expected = _characters(text for record in records for text in (record.id, record.item))
    assert not expected - _characters(iter([out]))
    assert all(cell_len(line) <= width for line in out.splitlines())


# ─── --columns ────────────────────────────────────────────────────────────────────────────


def test_columns_render_like_the_default_tables(cli: Cli) -> None:
    args = ("list", "--pair", "苍溪", "--money", "--format", "table")
    columns = "id,pairing,amount_yuan,value,unit,level,stage,actor,approx,scope"
    out = ok(cli(*args, "--columns", columns))
    lines = out.splitlines()
    assert lines[0].split() == [
        "编号", "结对", "金额（万元）", "数值", "单位", "层级", "阶段", "出资方", "精度", "范围",
    ]  # fmt: skip
    special = next(line.split() for line in lines if line.startswith("cangxi-special-fund "))
    assert special == [
        "cangxi-special-fund", "余杭→苍溪", "3,900.0", "3,900.0", "万元", "县级", "实际", "政府",
        "精确", "累计",
    ]  # fmt: skip
    hall = next(line.split() for line in lines if line.startswith("cangxi-hall-sales "))
    assert hall[2] == "≥280.0" and hall[8] == "下限"
    allocation = next(line.split() for line in lines if line.startswith("cangxi-allocation-2021"))
    assert allocation[6] == "安排/分配"
    assert lines[-1] == "17 条记录"
    in_yi = ok(cli(*args, "--columns", "id,amount_yuan", "--unit", "亿元"))
    assert "金额（亿元）" in in_yi and "0.39000" in in_yi


def test_columns_on_a_narrow_terminal_become_blocks(cli: Cli, on_terminal: None) -> None:
    env = {"COLUMNS": "40", "XIEZUO_PAGER": "cat"}
    out = ok(
        cli("list", "--pair", "苍溪", "--format", "table", "--columns", "id,item,quote", env=env)
    )
    assert "已隐藏列" not in out  # columns asked for are never hidden
    assert out.count("编号: ") == len(DATA.records_of("yuhang-cangxi"))
    assert all(cell_len(line) <= 40 for line in out.splitlines())


# ─── no match looks the same everywhere ───────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (("list", "--pair", "绿园"), "0 条记录"),
        (("filter", "amount_yuan>100000亿"), "0 条记录"),
        (("funds", "--pair", "绿园"), "0 行，计入 0 条记录"),
        (("funds", "--pair", "绿园", "--roll-up", "province"), "0 行，计入 0 条记录"),
        (("pairs", "--in", "四川", "--kind", "对口合作"), "0 个结对"),
        (("report", "--pair", "绿园"), "0 条记录"),
        (("report", "--pair", "绿园", "--per", "year"), "0 条记录"),
    ],
    ids=" ".join,
)
def test_no_match_is_a_header_and_a_count(cli: Cli, args: tuple[str, ...], count: str) -> None:
    result = cli(*args, "--format", "table")
    lines = ok(result).splitlines()
    assert lines[0].split(), lines  # the header row
    assert set(lines[1]) == {"─"}
    assert lines[2] == count


def test_show_sections_without_records_are_a_header_and_a_count(cli: Cli) -> None:
    lines = ok(cli("show", "绿园", "--format", "table")).splitlines()
    for title, count in [
        ("资金（按类别，不重复计算）", "0 行，计入 0 条记录"),
        ("资金明细", "0 条记录"),
        ("人员", "0 条记录"),
        ("数量", "0 条记录"),
        ("比率与标准", "0 条记录"),
    ]:
        start = lines.index(title)
        assert lines[start + 1].split(), title
        assert set(lines[start + 2]) == {"─"}, title
        assert lines[start + 3] == count, title
    lines = ok(cli("show", "旺苍", "--category", "人才交流", "--format", "table")).splitlines()
    assert lines[lines.index("资金明细") + 3] == "0 条记录"
    assert lines[lines.index("人员") + 5] == "2 条记录"  # two one-line rows


# ─── charts ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("width", [40, 60, 100, 200])
def test_chart_bars_take_what_the_labels_leave(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    decisions = funds.decide_all(DATA.records_of("yuhang-cangxi"))
    fields = ("pairing", "category", "measure", "level", "stage")
    totals = funds.totals(decisions, fields)
    draw = lambda: funds_view.funds_table(DATA, totals, fields, decisions, OPTIONS, chart=True)  # noqa: E731
    out = _rendered(draw, width, monkeypatch)
    bars = [line for line in out.splitlines() if any(ch in line for ch in "▏▎▍▌▋▊▉█")]
    assert len(bars) == len(totals) == 5
    assert all(cell_len(line) <= width for line in bars)
    assert max(cell_len(line) for line in bars) == width  # the largest bar fills the line
    assert all(line.startswith("余杭→苍溪 ") for line in bars)  # the label on its bar's line
