"""Tables on real terminals of 40 to 200 columns, and the pager, through real pseudo-terminals.

Each run starts the installed console script with its stdout on a pty sized with TIOCSWINSZ (as
``stty cols N rows M`` does) and no COLUMNS or LINES, so xiezuo measures the terminal itself. The
checks are what a reader needs: every record id and every amount is whole on one line (so it can
be copied into ``cite``), no line is wider than the terminal (but a URL longer than the whole
terminal, printed whole on a line of its own), every hidden column is announced, and a table too
wide even for its essential columns becomes blocks.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, run_on_terminal
from rich.cells import cell_len

from xiezuo_cli.present import emit, pager, terminal

SCRIPT = Path(sys.executable).parent / "xiezuo"
TIMEOUT = 20
WIDTHS = (40, 60, 80, 120, 200)
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"no console script at {SCRIPT}")


def environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XIEZUO_", "_XIEZUO", "COMP_", "_TYPER_"))
        and key not in ("COLUMNS", "LINES", "NO_COLOR", "TERM", "PAGER", "LESS", "FORCE_COLOR")
    }
    env.update({"XIEZUO_DB": str(BUNDLED), "NO_COLOR": "1", "TERM": "xterm"})
    env.update(extra)
    return env


def in_terminal(
    argv: Sequence[str],
    columns: int,
    rows: int = 50,
    env: dict[str, str] | None = None,
    errors: list[str] | None = None,
) -> tuple[str, int]:
    """Run ``argv`` with stdout on a pty of ``columns`` x ``rows``; what it showed, and the
    status. Raw mode: bytes pass unchanged. A new session, so no pager can read the keyboard
    of the terminal running the tests. stderr must stay empty, unless ``errors`` is given to
    collect it."""
    shown, status, stderr = run_on_terminal(
        argv,
        env if env is not None else environment(XIEZUO_PAGER="cat"),
        size=(columns, rows),
        new_session=True,
        timeout=TIMEOUT,
    )
    if errors is None:
        assert stderr == b"", stderr.decode("utf-8", "replace")
    else:
        errors.append(stderr.decode("utf-8", "replace"))
    return ESCAPE.sub("", shown.decode("utf-8")), status


def xiezuo(args: Sequence[str], columns: int) -> list[str]:
    text, status = in_terminal([str(SCRIPT), *args], columns)
    assert status == 0, text
    return text.splitlines()


def machine(*args: str) -> Any:
    done = subprocess.run(
        [str(SCRIPT), *args, "--json"],
        capture_output=True,
        env=environment(),
        timeout=TIMEOUT,
        check=True,
    )
    return json.loads(done.stdout)


# ─── what a reader needs ──────────────────────────────────────────────────────────────────

AMOUNT = re.compile(r"(?<![\d,.])(约?≥?)(\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?![\d,]|\.\d)")
MARKS = {"at_least": "≥", "about": "约", "exact": ""}


def amounts_shown(lines: Iterable[str]) -> set[tuple[str, Decimal]]:
    """Every number on every line, whole: (its mark, its value)."""
    found = set()
    for line in lines:
        for mark, digits in AMOUNT.findall(line):
            found.add((mark, Decimal(digits.replace(",", ""))))
    return found


def in_wan(yuan: int) -> Decimal:
    return Decimal(yuan) / 10_000


def total_mark(row: dict[str, object]) -> str:
    return ("约" if row["about"] else "") + ("≥" if row["at_least"] else "")


def assert_fits(lines: Sequence[str], columns: int) -> None:
    """No line wider than the terminal, but a URL longer than the whole terminal, alone."""
    for line in lines:
        if cell_len(line) <= columns:
            continue
        assert re.fullmatch(r"https?://\S+", line) and len(line) > columns, (columns, line)


def assert_ids_whole(lines: Sequence[str], ids: Iterable[str]) -> None:
    text = "\n".join(lines)
    missing = [i for i in ids if not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert missing == [], missing


def assert_amounts_whole(lines: Sequence[str], expected: Iterable[tuple[str, Decimal]]) -> None:
    shown = amounts_shown(lines)
    missing = [pair for pair in expected if pair not in shown]
    assert missing == [], missing


def header_and_hidden(lines: Sequence[str]) -> list[tuple[str, str]]:
    """For each table: the text of its heading lines, and its 已隐藏列 line (or '')."""
    tables = []
    for index, line in enumerate(lines):
        if not line or set(line) != {"─"}:
            continue
        heading = " ".join(lines[max(0, index - 2) : index])
        hidden = ""
        for later in lines[index + 1 :]:
            if later.startswith("已隐藏列："):
                hidden = later
                break
            if later and set(later) == {"─"}:
                break
        tables.append((heading, hidden))
    return tables


def assert_hidden_announced(lines: Sequence[str], headings: Sequence[str]) -> None:
    tables = header_and_hidden(lines)
    assert tables, "no table"
    for heading, hidden in tables:
        for name in headings:
            shown = all(part in heading for part in name.split())  # a heading may wrap
            assert shown or name in hidden, (name, heading, hidden)


RECORDS = machine("list")
MONEY = [r for r in RECORDS if r["amount_yuan"] is not None]


# ─── list ─────────────────────────────────────────────────────────────────────────────────

LIST_HEADINGS = ("编号", "结对", "类别", "事项", "数值", "单位", "年份", "备注")


@pytest.mark.parametrize("columns", WIDTHS)
def test_list_at_every_width(columns: int) -> None:
    lines = xiezuo(["list"], columns)
    assert_fits(lines, columns)
    assert_ids_whole(lines, (str(r["id"]) for r in RECORDS))
    assert_amounts_whole(
        lines, {(MARKS[str(r["approx"])], in_wan(int(r["amount_yuan"]))) for r in MONEY}
    )
    assert lines[-1] == f"{len(RECORDS)} 条记录"
    # a block starts with its id: beside the label, or below it when too long for both
    blocks = [line for line in lines if line == "编号:" or line.startswith("编号: ")]
    if columns == 40:  # even 编号, 事项, 数值 and 单位 do not fit: one block per record
        assert len(blocks) == len(RECORDS)
        assert not header_and_hidden(lines)
    if columns >= 80:
        assert blocks == []
        assert_hidden_announced(lines, LIST_HEADINGS)
    if columns == 200:
        assert not any(line.startswith("已隐藏列") for line in lines)


def test_list_amounts_share_their_decimals_at_80() -> None:
    lines = xiezuo(["list", "--money", "--pair", "苍溪"], 80)
    # 79.7万 needs one decimal, so every amount in the column has one: 3,900.0
    rows = [line for line in lines if line.startswith("cangxi-")]
    assert any(re.search(r" 3,900\.0 ", line) for line in rows)
    found = [re.search(r"\d\.(\d) +万元", line) for line in rows]
    points = {
        cell_len(line[: match.start(1)]) for line, match in zip(rows, found, strict=True) if match
    }
    assert len(points) == 1, points  # the decimal points line up


# ─── pairs, funds ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("columns", WIDTHS)
def test_pairs_at_every_width(columns: int) -> None:
    lines = xiezuo(["pairs"], columns)
    rows = machine("pairs")
    assert_fits(lines, columns)
    assert_ids_whole(lines, (str(r["id"]) for r in rows))
    assert_amounts_whole(
        lines,
        {
            (
                ("约" if r["fiscal_aid_about"] else "") + ("≥" if r["fiscal_aid_at_least"] else ""),
                in_wan(int(r["fiscal_aid_yuan"])),
            )
            for r in rows
            if r["fiscal_aid_yuan"] is not None
        },
    )
    if not any(line.startswith("编号: ") for line in lines):
        assert_hidden_announced(lines, ("编号", "类型", "支援方 → 受援方", "起始", "记录数"))


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_funds(columns: int) -> None:
    lines = xiezuo(["funds"], columns)
    rows = machine("funds")
    assert_fits(lines, columns)
    assert_amounts_whole(lines, {(total_mark(r), in_wan(int(r["amount_yuan"]))) for r in rows})
    # at 40 columns the stage (which differs from row to row) and the periods of the rows kept
    # apart do not leave room for a table: each row is a block
    if not any(line.startswith("结对: ") for line in lines):
        assert_hidden_announced(lines, ("结对", "类别", "口径", "层级", "阶段", "期间", "笔数"))
    assert lines.index(f"{len(rows)} 行，计入 {sum(int(r['records']) for r in rows)} 条记录")


@pytest.mark.parametrize("columns", [40, 80])
def test_funds_chart_keeps_each_label_on_its_bar(columns: int) -> None:
    lines = xiezuo(["funds", "--pair", "苍溪", "--chart"], columns)
    bars = [line for line in lines if any(ch in line for ch in "▏▎▍▌▋▊▉█")]
    assert len(bars) == 5
    assert all(line.startswith("余杭→苍溪 ") for line in bars)
    assert_fits(lines, columns)
    widest = max(bars, key=lambda line: line.count("█"))
    if columns == 80:
        assert widest.count("█") > 40  # the bar takes what the label and amount leave


# ─── report, show, cite ───────────────────────────────────────────────────────────────────

REPORT_HEADINGS = ("类别", "事项", "数值", "单位", "年份", "编号", "备注")


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_report(columns: int) -> None:
    lines = xiezuo(["report"], columns)
    assert_fits(lines, columns)
    assert_ids_whole(lines, (str(r["id"]) for r in RECORDS))
    assert_amounts_whole(
        lines, {(MARKS[str(r["approx"])], in_wan(int(r["amount_yuan"]))) for r in MONEY}
    )
    if columns >= 80:
        assert_hidden_announced(lines, REPORT_HEADINGS)


def test_report_per_year_names_each_row_s_pairing() -> None:
    lines = xiezuo(["report", "--per", "year"], 200)
    assert lines[1].split()[:3] == ["结对", "类别", "事项"]
    row = next(line for line in lines if "longquan-park-investment" in line)
    assert row.split()[0] == "萧山→龙泉"


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_show(columns: int) -> None:
    lines = xiezuo(["show", "旺苍"], columns)
    records = [r for r in RECORDS if r["pairing"] == "xiaoshan-wangcang"]
    assert_fits(lines, columns)
    assert_ids_whole(lines, (str(r["id"]) for r in records))
    assert_amounts_whole(
        lines,
        {
            (MARKS[str(r["approx"])], in_wan(int(r["amount_yuan"])))
            for r in records
            if r["amount_yuan"] is not None
        },
    )
    urls = [str(s["url"]) for s in machine("show", "旺苍")["sources"] if s["url"]]
    assert_ids_whole(lines, urls)  # whole, in a cell or on a line of its own


@pytest.mark.parametrize("columns", [40, 80])
def test_cite(columns: int) -> None:
    lines = xiezuo(["cite", "cangxi-special-fund"], columns)
    assert_fits(lines, columns)
    assert lines[0].split()[0] == "cangxi-special-fund"
    assert "http://nyncj.cngy.gov.cn/new/show/20211115174700534.html" in lines
    assert "http://51si.cn/bwbd/2021-11-17/158470.html" in lines
    assert any("3,900" in line for line in lines)


# ─── the pager ────────────────────────────────────────────────────────────────────────────

FAKE_LESS = """#!/bin/sh
echo "$0 $*" >> "$PAGER_LOG"
echo "PAGED"
cat
"""
DRIVER = """
import sys
from xiezuo_cli.present import pager
with pager.paging(sys.argv[1] == "on"):
    for n in range(int(sys.argv[2])):
        print(f"line {n}")
"""


@pytest.fixture
def fake_less(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose PATH finds a ``less`` that logs its calls, then passes text on."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "less"
    script.write_text(FAKE_LESS)
    script.chmod(0o755)
    log = tmp_path / "pager.log"
    env = environment(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    env["PAGER_LOG"] = str(log)
    return env, log


def drive(env: dict[str, str], lines: int, rows: int, paging: str = "on") -> str:
    text, status = in_terminal(
        [sys.executable, "-c", DRIVER, paging, str(lines)], 80, rows=rows, env=env
    )
    assert status == 0
    return text


def test_pager_runs_only_when_the_output_does_not_fit(
    fake_less: tuple[dict[str, str], Path],
) -> None:
    env, log = fake_less
    text = drive(env, lines=5, rows=24)
    assert text.splitlines() == [f"line {n}" for n in range(5)]
    assert not log.exists(), "less was started for an output that fits"
    text = drive(env, lines=40, rows=24)
    assert text.splitlines()[0] == "PAGED"
    assert text.splitlines()[1:] == [f"line {n}" for n in range(40)]
    assert log.read_text().split()[1:] == ["-FRX"]


@pytest.mark.parametrize(
    "setting",
    [
        {"PAGER": "cat"},
        {"XIEZUO_PAGER": ""},
        {"XIEZUO_PAGER": "cat", "PAGER": "less"},
        {"PAGER": "/bin/cat"},
    ],
    ids=["PAGER=cat", "XIEZUO_PAGER=", "XIEZUO_PAGER wins", "PAGER=/bin/cat"],
)
def test_pager_turned_off(fake_less: tuple[dict[str, str], Path], setting: dict[str, str]) -> None:
    env, log = fake_less
    text = drive({**env, **setting}, lines=40, rows=24)
    assert text.splitlines() == [f"line {n}" for n in range(40)]
    assert not log.exists()


def test_pager_off_by_the_caller(fake_less: tuple[dict[str, str], Path]) -> None:
    env, log = fake_less
    text = drive(env, lines=40, rows=24, paging="off")  # --no-pager
    assert text.splitlines() == [f"line {n}" for n in range(40)]
    assert not log.exists()


@pytest.mark.parametrize("command", ["no-such-pager-here", "false", "sh -c 'exit 3'"])
def test_a_pager_that_fails_leaves_the_output_printed(
    fake_less: tuple[dict[str, str], Path], command: str
) -> None:
    env, _ = fake_less
    text = drive({**env, "XIEZUO_PAGER": command}, lines=40, rows=24)
    assert text.splitlines() == [f"line {n}" for n in range(40)]


def test_pager_reader_quitting_early_is_quiet(fake_less: tuple[dict[str, str], Path]) -> None:
    env, _ = fake_less
    text = drive({**env, "XIEZUO_PAGER": "head -n 3"}, lines=100_000, rows=24)
    assert text.splitlines() == ["line 0", "line 1", "line 2"]  # and nothing on stderr


def test_never_a_pager_in_a_pipe(fake_less: tuple[dict[str, str], Path]) -> None:
    env, log = fake_less
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "on", "40"],
        capture_output=True,
        env=env,
        timeout=TIMEOUT,
        check=True,
    )
    assert done.stdout.decode().splitlines() == [f"line {n}" for n in range(40)]
    assert not log.exists()


@pytest.mark.skipif(
    "paging(" not in Path(emit.__file__).read_text(encoding="utf-8"),
    reason="the pager is not wired into emit.py yet",
)
def test_xiezuo_pages_a_long_table_and_honours_pager_cat(
    fake_less: tuple[dict[str, str], Path],
) -> None:
    env, log = fake_less
    text, status = in_terminal([str(SCRIPT), "pairs"], 120, rows=100, env=env)
    assert status == 0 and "PAGED" not in text and not log.exists()  # it fits: no less
    text, status = in_terminal([str(SCRIPT), "list"], 120, rows=24, env=env)
    assert status == 0 and text.startswith("PAGED") and log.exists()
    log.unlink()
    text, status = in_terminal([str(SCRIPT), "list"], 120, rows=24, env={**env, "PAGER": "cat"})
    assert status == 0 and "PAGED" not in text and not log.exists()
    assert text.splitlines()[-1] == f"{len(RECORDS)} 条记录"


# ─── the decisions, without a terminal ────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("environ", "command"),
    [
        ({}, ["less", "-FRX"]),
        ({"PAGER": "more"}, ["more"]),
        ({"PAGER": "less -R", "XIEZUO_PAGER": "most"}, ["most"]),
        ({"XIEZUO_PAGER": ""}, None),
        ({"XIEZUO_PAGER": "  "}, None),
        ({"XIEZUO_PAGER": "", "PAGER": "less"}, None),
        ({"PAGER": "cat"}, None),
        ({"PAGER": "/usr/bin/cat"}, None),
        ({"PAGER": ""}, None),
        ({"PAGER": "cat -v"}, ["cat", "-v"]),
        ({"PAGER": "less 'unbalanced"}, None),
    ],
)
def test_pager_command(environ: dict[str, str], command: list[str] | None) -> None:
    assert pager.pager_command(environ) == command


def test_pager_decision() -> None:
    short, long = "a\n" * 5, "a\n" * 30
    decide = pager.decide
    base = {"enabled": True, "is_terminal": True, "height": 24, "width": 80, "environ": {}}
    assert decide(long, **base) == ["less", "-FRX"]  # type: ignore[arg-type]
    assert decide(short, **base) is None  # type: ignore[arg-type]
    assert decide(long, **{**base, "enabled": False}) is None  # type: ignore[arg-type]
    assert decide(long, **{**base, "is_terminal": False}) is None  # type: ignore[arg-type]
    assert decide(long, **{**base, "environ": {"PAGER": "cat"}}) is None  # type: ignore[arg-type]
    assert decide(long, **{**base, "height": 40}) is None  # type: ignore[arg-type]
    # 23 lines leave the last row for the prompt; 24 do not
    assert decide("a\n" * 23, **base) is None  # type: ignore[arg-type]
    assert decide("a\n" * 24, **base) == ["less", "-FRX"]  # type: ignore[arg-type]
    # a line wider than the terminal takes the rows it wraps to; escapes take none; 字 takes 2
    assert pager.screen_rows("x" * 161, 80) == 3
    assert pager.screen_rows("\x1b[1m" + "x" * 80 + "\x1b[0m", 80) == 1
    assert pager.screen_rows("字" * 41, 80) == 2
    assert pager.screen_rows("", 80) == 0


class FakeStream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def fileno(self) -> int:
        raise OSError("no descriptor")


@pytest.mark.parametrize(
    ("environ", "width"),
    [
        ({"COLUMNS": "120"}, 120),
        ({"COLUMNS": " 60 "}, 60),
        ({"COLUMNS": "0"}, 80),
        ({"COLUMNS": "abc"}, 80),
        ({"COLUMNS": "-5"}, 80),
        ({"COLUMNS": ""}, 80),
        ({}, 80),  # no size from the system either
    ],
)
def test_width_on_a_terminal(environ: dict[str, str], width: int) -> None:
    assert terminal.width(FakeStream(True), environ) == width  # type: ignore[arg-type]


def test_no_width_off_a_terminal() -> None:
    assert terminal.width(FakeStream(False), {"COLUMNS": "120"}) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("lines", "height"), [("30", 30), ("0", 24), ("x", 24), (None, 24)])
def test_height(lines: str | None, height: int) -> None:
    environ = {} if lines is None else {"LINES": lines}
    assert terminal.height(FakeStream(True), environ) == height  # type: ignore[arg-type]


def test_width_from_a_real_terminal() -> None:
    text, status = in_terminal(
        [sys.executable, "-c", "from xiezuo_cli.present import terminal; print(terminal.width())"],
        63,
    )
    assert (status, text.strip()) == (0, "63")
    text, status = in_terminal(
        [sys.executable, "-c", "from xiezuo_cli.present import terminal; print(terminal.width())"],
        0,
    )
    assert (status, text.strip()) == (0, "80")  # a terminal that reports no size


def test_a_table_of_thousands_of_rows_asks_for_limit_unless_it_is_paged(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import scale

    db = tmp_path / "big.json"
    scale.write_database(db, emit.TABLE_ROWS_MAX + 300, 5)
    base = ["--db", str(db)]
    errors: list[str] = []
    shown, status = in_terminal(
        [str(SCRIPT), "list", *base, "--no-pager"], 120, env=environment(), errors=errors
    )
    assert status == 2 and shown == ""
    assert len(errors[0].splitlines()) == 1 and "--limit" in errors[0], errors
    assert errors[0].startswith("xiezuo: error: 5,") and "rows are too many" in errors[0]
    errors.clear()
    shown, status = in_terminal(
        [str(SCRIPT), "report", *base, "--no-pager"], 120, env=environment(), errors=errors
    )
    assert status == 2 and "--limit" in errors[0]
    shown, status = in_terminal(
        [str(SCRIPT), "list", *base, "--limit", "40", "--no-pager"], 120, env=environment()
    )
    assert status == 0 and "40 条记录" in shown
    shown, status = in_terminal(
        [str(SCRIPT), "list", *base], 120, rows=30, env=environment(XIEZUO_PAGER="tail -n 4")
    )
    assert status == 0 and f"{emit.TABLE_ROWS_MAX + 300} 条记录" in shown
