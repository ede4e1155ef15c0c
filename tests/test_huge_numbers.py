"""Numbers too long to be figures (issue 15, part 2, finding 6).

A 5,001-digit number, past Python's int-string limit of 4,300 digits, gave exit 1 "unexpected
ValueError: Exceeds the limit (4300 digits)" in list --min, filter, add --amount and a JSON
import's amount_yuan. A usage error is exit 2 with one short line; an import row is a row error
(exit 3). Every conversion of user text to a number is bounded before int() sees it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import YUHANG_CANGXI, new_database, one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from xiezuo_cli.authoring import inputs
from xiezuo_cli.model import amounts

Run = Callable[..., Result]
HUGE = "1" * 5001
RECORD = ("--pair", "苍溪", "--category", "财政援助", "--measure", "协作资金", "--item", "y",
          "--source", "art")  # fmt: skip


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    source = ("sources", "add", "--id", "art", "--publisher", "p", "--published", "2021")
    record = ("add", *RECORD, "--amount", "3900万元")
    return new_database(cli, tmp_path / "my.json", YUHANG_CANGXI, source, record)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("list", "--min", HUGE), "--min: invalid amount"),
        (("list", "--max", HUGE + "万"), "--max: invalid amount"),
        (("funds", "--min", HUGE), "--min: invalid amount"),
        (("filter", "amount_yuan", "ge", HUGE), "invalid number"),
        (("filter", f"amount_yuan>={HUGE}"), "invalid number"),
        (("filter", "amount_yuan", "in", f"1,{HUGE}"), "invalid number"),
        (("add", *RECORD, "--amount", HUGE), "--amount:"),
        (("add", *RECORD, "--amount", "1." + HUGE + "亿"), "--amount:"),
        (("add", *RECORD, "--value", HUGE, "--unit", "人"), "--value:"),
        (("add", *RECORD, "--value", "1", "--unit", "人", "--figure", HUGE + "人"), "--figure:"),
        (("edit", "r-1", "--amount", HUGE), "--amount:"),
        (("list", "--limit", HUGE), "invalid --limit"),
    ],
)
def test_a_huge_number_is_a_usage_error(
    cli: Run, db: Path, args: tuple[str, ...], expected: str
) -> None:
    before = db.read_bytes()
    result = cli(*args, "--db", str(db))
    assert result.exit_code == 2, result.stderr[:300]
    line = one_error_line(result)
    assert line.startswith("xiezuo: error: " + expected), line[:300]
    assert len(line) < 400
    assert db.read_bytes() == before


def test_a_quote_holding_a_huge_number_is_checked_not_converted(
    cli: Run, db: Path, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"共投入{HUGE}元。另有3900万元。", encoding="utf-8")
    result = cli("sources", "add", "--id", "held", "--publisher", "p", "--published", "2021",
                 "--text", str(article), "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = cli("add", *RECORD[:-1], "held", "--amount", "3900万元", "--quote",
                 f"共投入{HUGE}元。", "--db", str(db))  # fmt: skip
    assert result.exit_code == 2
    assert one_error_line(result).endswith("does not hold the figure's number ('3900万元')")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_a_huge_amount_in_an_import_row_is_a_row_error(
    cli: Run, db: Path, tmp_path: Path, fmt: str
) -> None:
    exported = cli("export", "--format", fmt, "--db", str(db))
    assert exported.exit_code == 0
    text = exported.stdout.replace("39000000", HUGE, 1)
    assert HUGE in text
    rows = tmp_path / f"rows.{fmt}"
    rows.write_text(text, encoding="utf-8")
    other = tmp_path / "other.json"
    assert cli("init", str(other)).exit_code == 0
    before = other.read_bytes()
    result = cli("import", str(rows), "--db", str(other))
    assert result.exit_code == 3, result.stderr[:300]
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr[:500]
    assert "of 5,001 digits (the limit is 20)" in lines[0]
    assert lines[1].endswith("1 row refused; nothing was written")
    assert all(len(line) < 400 for line in lines)
    assert other.read_bytes() == before


def test_environment_sizes_with_huge_numbers_are_ignored(cli: Run, db: Path) -> None:
    result = cli("list", "--help", env={"COLUMNS": HUGE})
    assert result.exit_code == 0
    result = cli("validate", "--db", str(db), env={"XIEZUO_INDEX_MIN_BYTES": HUGE})
    assert result.exit_code == 0, result.stderr


@settings(max_examples=60, deadline=None)
@given(
    digits=st.integers(min_value=1, max_value=6000),
    decimals=st.integers(min_value=0, max_value=40),
    suffix=st.sampled_from(["", "万", "亿", "万元", "余万元", "人", "%"]),
    prefix=st.sampled_from(["", "约", "超"]),
)
def test_parsers_raise_only_their_own_errors(digits: int, decimals: int, suffix: str, prefix: str):
    """The figure, amount and value readers on numbers of any length: a value or their own
    one-line error, never Python's int-string limit."""
    number = "9" * digits + ("." + "5" * decimals if decimals else "")
    text = prefix + number + suffix
    for parse in (amounts.parse_quantity, amounts.parse_yuan):
        try:
            parse(text)
        except amounts.AmountError as error:
            assert len(str(error)) < 300
    for parse in (inputs.parse_amount, inputs.parse_value):
        try:
            parse("field", text)
        except inputs.FieldError as error:
            assert len(str(error)) < 300
    if digits + decimals <= amounts.MAX_DIGITS and not prefix and suffix in ("", "万", "亿"):
        assert amounts.parse_quantity(text).value > 0


def test_json_rows_keep_reading_after_a_huge_integer(tmp_path: Path) -> None:
    """The array reader skips the refused item without converting it, and reads the next."""
    from xiezuo_cli.authoring.import_reader import read_rows

    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([{"a": 1}, {"b": 2}]).replace("1", HUGE), encoding="utf-8")
    _, problems, count, _ = read_rows(str(rows))
    assert count == 2  # the first refused for its integer, the second for its fields
    assert "5,001 digits" in problems[0].reason
