"""Tables on terminals of any width: cells wrap, but no character of the data is ever lost."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from conftest import BUNDLED
from rich.cells import cell_len
from rich.console import Console

from xiezuo_cli import dataset, funds, render
from xiezuo_cli.options import OutputOptions

DATA = dataset.load(BUNDLED)
OPTIONS = OutputOptions(format="table", headers=True, excel=False, unit="万元", color=False)


def _rendered(draw: Callable[[], None], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    buffer = io.StringIO()
    original = render.make_console

    def terminal_of_width(options: OutputOptions) -> Console:
        console = original(options)
        console.file = buffer
        console.width = width
        return console

    monkeypatch.setattr(render, "make_console", terminal_of_width)
    draw()
    return buffer.getvalue()


def _characters(texts: Iterator[str]) -> Counter[str]:
    return Counter(ch for text in texts for ch in text if not ch.isspace())


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_list_table_loses_no_character_at_any_width(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [r for r in DATA.records if r.pairing == "xiaoshan-wangcang"]
    out = _rendered(lambda: render.records_table(DATA, records, OPTIONS), width, monkeypatch)
    assert all(cell_len(line) <= width for line in out.splitlines())
    expected = _characters(
        text
        for record in records
        for text in (record.id, record.item, record.category, render.remarks(record))
    )
    assert not expected - _characters(iter([out])), "characters were cropped"


@pytest.mark.parametrize("width", [40, 80])
def test_report_table_loses_no_character(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    records = DATA.records_of("yuhang-cangxi")
    subtotals = funds.totals(funds.decide_all(records), funds.group_fields(["category"]))
    groups = [("余杭→苍溪", records, subtotals, [])]
    out = _rendered(lambda: render.report_tables(DATA, groups, OPTIONS), width, monkeypatch)
    expected = _characters(text for record in records for text in (record.id, record.item))
    assert not expected - _characters(iter([out]))
