"""The installed console script in real processes: pipes, a pseudo-terminal, help, completion.

CliRunner cannot show these: a reader that leaves a pipe early, a real terminal choosing the
table format, the two start-up paths (argv.py and Typer), and the shell-completion protocol.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, run_on_terminal
from rich.cells import cell_len

from xiezuo_cli.cli.edge import BROKEN_PIPE_STATUS
from xiezuo_cli.cli.registry import NAMES

SCRIPT = Path(sys.executable).parent / "xiezuo"
TIMEOUT = 20  # seconds; each run takes well under one

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"no console script at {SCRIPT}")

# Both ways a user starts xiezuo.
STARTS = {
    "script": [str(SCRIPT)],
    "module": [sys.executable, "-m", "xiezuo_cli"],
}


# The shell named on the command line, not detected: Typer (with shellingham) otherwise looks
# for a shell among the processes above, and a test run started detached has none.
NAMED_SHELL = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}


def environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("_XIEZUO_COMPLETE", "XIEZUO_", "COMP_", "_TYPER_"))
        and key not in ("COLUMNS", "LINES", "NO_COLOR", "TERM")
    }
    env.update({"XIEZUO_DB": str(BUNDLED), "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"})
    env["XIEZUO_PAGER"] = "cat"  # a long table on a pty must never start the real less
    env.update(extra)
    return env


def run(
    args: Sequence[str], start: str = "script", **env: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*STARTS[start], *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=environment(**env),
        timeout=TIMEOUT,
        check=False,
    )


def run_into_small_pipe(args: Sequence[str], read: int, start: str = "script", **env: str):
    """Run with stdout into a one-page pipe, read ``read`` bytes, then close the reader.

    The pipe holds 4096 bytes, so any longer output is still being written when the reader
    leaves: the writer meets a broken pipe every time, not by chance of timing.
    """
    reader, writer = os.pipe()
    fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 4096)
    process = subprocess.Popen(
        [*STARTS[start], *args],
        stdin=subprocess.DEVNULL,
        stdout=writer,
        stderr=subprocess.PIPE,
        env=environment(**env),
    )
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        head = stream.read(read)
    stderr = process.stderr.read() if process.stderr else b""
    status = process.wait(timeout=TIMEOUT)
    if process.stderr:
        process.stderr.close()
    return head, status, stderr


def run_into_closed_pipe(args: Sequence[str], start: str = "script", **env: str):
    """Run with stdout into a pipe whose reader is already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [*STARTS[start], *args],
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
            env=environment(**env),
            timeout=TIMEOUT,
            check=False,
        )
    finally:
        os.close(writer)
    return done.returncode, done.stderr


def assert_quiet(stderr: bytes) -> None:
    text = stderr.decode("utf-8", "replace")
    assert text == "", text
    for noise in ("Traceback", "Broken pipe", "BrokenPipeError", "Exception ignored"):
        assert noise not in text


# ─── pipes ────────────────────────────────────────────────────────────────────────────────


def test_list_into_head_ends_quietly() -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    done = subprocess.run(
        [bash, "-c", f"set -o pipefail; '{SCRIPT}' list | head -1"],
        capture_output=True,
        env=environment(),
        timeout=TIMEOUT,
        check=False,
    )
    assert_quiet(done.stderr)
    assert done.stdout.decode() == ",".join(_record_fields()) + "\r\n"
    # 141 if the reader left before xiezuo finished writing, 0 if everything fitted in the pipe
    assert done.returncode in (0, BROKEN_PIPE_STATUS)


def _record_fields() -> tuple[str, ...]:
    from xiezuo_cli.model.records import RECORD_FIELDS

    return RECORD_FIELDS


@pytest.mark.parametrize("start", sorted(STARTS))
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["export", "--format", "jsonl"], {}),
        (["list"], {}),
        (["list", "--csv"], {"XIEZUO_NO_FASTPATH": "1"}),
        (["list", "--json"], {}),
        (["report", "--format", "table"], {}),
        (["filter", "year=2021", "--format", "table"], {}),
    ],
    ids=["export-jsonl", "list", "list-typer", "list-json", "report-table", "filter-table"],
)
def test_reader_leaving_a_long_output_is_exit_141_and_silent(
    start: str, args: list[str], env: dict[str, str]
) -> None:
    head, status, stderr = run_into_small_pipe(args, read=10, start=start, **env)
    assert len(head) == 10
    assert_quiet(stderr)
    assert status == BROKEN_PIPE_STATUS == 141


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["funds", "--pair", "苍溪"], {}),
        (["funds", "--pair", "苍溪"], {"XIEZUO_NO_FASTPATH": "1"}),
        (["funds", "--pair", "苍溪", "--format", "table"], {}),
        (["pairs"], {}),
        (["cite", "cangxi-special-fund"], {}),
        (["export"], {}),
    ],
    ids=["funds", "funds-typer", "funds-table", "pairs", "cite", "export"],
)
def test_short_output_into_a_closed_pipe_is_exit_141_and_silent(
    args: list[str], env: dict[str, str]
) -> None:
    status, stderr = run_into_closed_pipe(args, **env)
    assert_quiet(stderr)
    assert status == BROKEN_PIPE_STATUS


@pytest.mark.parametrize(
    "args", [["--help"], ["funds", "--help"], ["--version"], ["validate"]], ids=" ".join
)
def test_help_and_validate_into_a_closed_pipe_are_exit_141_and_silent(args: list[str]) -> None:
    status, stderr = run_into_closed_pipe(args)
    assert_quiet(stderr)
    assert status == BROKEN_PIPE_STATUS  # not 1, which the README reserves for real errors


def test_short_output_read_in_full_is_exit_0() -> None:
    head, status, stderr = run_into_small_pipe(["funds", "--pair", "苍溪", "--json"], read=100_000)
    assert_quiet(stderr)
    assert status == 0
    assert b'"amount_yuan": 41000000' in head


FUNDS_HEADER = (
    b"pairing,category,measure,level,stage,amount_yuan,at_least,about,records,"
    b"period_start,period_end,apart,derived\r\n"
)


@pytest.mark.parametrize("start", sorted(STARTS))
def test_funds_in_a_pipe_prints_csv(start: str) -> None:
    done = run(["funds", "--pair", "苍溪"], start=start)
    assert done.returncode == 0
    assert_quiet(done.stderr)
    assert done.stdout.startswith(FUNDS_HEADER)
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))
    assert [
        (r["category"], r["measure"], r["level"], r["stage"], r["amount_yuan"], r["at_least"])
        for r in rows
    ] == [
        ("财政援助", "财政资金", "county", "actual", "41000000", "false"),  # 3900万 + 200万
        ("社会帮扶", "捐款捐物", "county", "actual", "2510000", "false"),
        ("消费帮扶", "帮助销售额", "county", "actual", "82800000", "true"),  # 8000万 + 280余万
        ("消费帮扶", "采购额", "county", "actual", "10850000", "false"),  # never added to sales
        ("产业合作", "投资额", "county", "actual", "318000000", "false"),
    ]


# ─── a real terminal ──────────────────────────────────────────────────────────────────────


COLOUR_SGR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
ANY_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run_in_terminal(
    args: Sequence[str], *, no_color: bool = True, term: str = "xterm"
) -> tuple[str, int]:
    """Run with stdout on a pseudo-terminal; return what the terminal showed and the status.

    The terminal is put in raw mode so that it passes bytes through unchanged (no LF to CRLF).
    """
    env = environment(COLUMNS="120", TERM=term)
    if not no_color:
        del env["NO_COLOR"]
    shown, status, stderr = run_on_terminal([str(SCRIPT), *args], env, timeout=TIMEOUT)
    assert_quiet(stderr)
    return shown.decode("utf-8"), status


def test_funds_on_a_terminal_prints_a_table() -> None:
    text, status = run_in_terminal(["funds", "--pair", "苍溪"])
    assert status == 0
    assert "pairing,category" not in text
    assert "amount_yuan" not in text
    plain = ANY_ESCAPE.sub("", text)
    assert "财政援助" in plain and "万元" in plain
    rows = [line.split() for line in plain.splitlines()]
    assert ["余杭→苍溪", "财政援助", "财政资金", "县级", "实际", "4,100", "2"] in rows
    assert ["余杭→苍溪", "消费帮扶", "帮助销售额", "县级", "实际", "≥8,280", "2"] in rows
    assert ["余杭→苍溪", "消费帮扶", "采购额", "县级", "实际", "1,085", "1"] in rows
    # 帮扶资金合计 = 财政援助 (财政资金) 4100万 + 社会帮扶 (捐款捐物) 251万
    assert ["余杭→苍溪", "帮扶资金合计", "财政资金＋捐款捐物", "县级", "实际", "4,351", "3"] in rows
    assert not COLOUR_SGR.search(text)  # NO_COLOR=1
    assert all(cell_len(line) <= 120 for line in plain.splitlines())  # COLUMNS=120


def test_csv_forced_on_a_terminal() -> None:
    text, status = run_in_terminal(["funds", "--pair", "苍溪", "--csv"])
    assert status == 0
    assert text.encode("utf-8").startswith(FUNDS_HEADER)


def test_colour_on_a_terminal_and_every_way_to_turn_it_off() -> None:
    args = ["funds", "--pair", "苍溪", "--chart"]
    coloured, status = run_in_terminal(args, no_color=False)
    assert status == 0
    assert COLOUR_SGR.search(coloured), "the chart's bars are coloured on a colour terminal"
    for text, _ in (
        run_in_terminal(args),  # NO_COLOR=1
        run_in_terminal([*args, "--no-color"], no_color=False),
    ):
        assert "█" in text
        assert not COLOUR_SGR.search(text)
    dumb, _ = run_in_terminal(args, no_color=False, term="dumb")
    assert "█" in dumb
    assert not ANY_ESCAPE.search(dumb)


# ─── the two start-up paths ───────────────────────────────────────────────────────────────

PARITY_LINES = [
    ["funds", "--pair", "苍溪", "--csv"],
    ["funds", "--by", "year", "--json"],
    ["list", "--pair", "萧山", "--money", "--sort", "amount_yuan", "--desc"],
    ["filter", "amount_yuan>=1000万", "--columns", "id,amount_yuan"],
    ["report", "--pair", "旺苍", "--format", "table"],
    ["show", "康定", "--json"],
    ["cite", "wangcang-donations", "--format", "table"],
    ["pairs", "--kind", "对口合作"],
]


@pytest.mark.parametrize("args", PARITY_LINES, ids=" ".join)
def test_no_fastpath_gives_byte_identical_output(args: list[str]) -> None:
    fast = run(args)
    slow = run(args, XIEZUO_NO_FASTPATH="1")
    assert fast.returncode == slow.returncode == 0, (fast.stderr, slow.stderr)
    assert fast.stdout == slow.stdout
    assert fast.stderr == slow.stderr == b""
    module = run(args, start="module")
    assert module.stdout == fast.stdout


@pytest.mark.parametrize(
    "args",
    [["funds", "--by", "bogus"], ["show", "北京"], ["list", "--year", "20x1"], ["cite", "nosuch"]],
    ids=" ".join,
)
def test_no_fastpath_gives_the_same_errors(args: list[str]) -> None:
    fast = run(args)
    slow = run(args, XIEZUO_NO_FASTPATH="1")
    assert fast.returncode == slow.returncode == 2
    assert fast.stderr == slow.stderr
    assert fast.stderr.decode().count("\n") == 1
    assert fast.stdout == slow.stdout == b""


# ─── help ─────────────────────────────────────────────────────────────────────────────────

ALL_COMMANDS = list(dict.fromkeys([*NAMES, "validate", "export"]))


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_command_has_help_with_examples_and_exit_codes(command: str) -> None:
    done = run([command, "--help"])
    assert done.returncode == 0
    assert_quiet(done.stderr)
    text = done.stdout.decode()
    assert text.startswith(f"Usage: xiezuo {command} ")
    assert "Examples" in text
    assert "Exit codes" in text
    assert f"xiezuo {command}" in text.split("Examples", 1)[1]
    summary = text.split("\n\n")[1].strip()
    assert summary and "\n" not in summary.splitlines()[0]


@pytest.mark.parametrize("args", [[], ["--help"]], ids=["no-args", "--help"])
def test_bare_xiezuo_prints_help_and_exits_0(args: list[str]) -> None:
    done = run(args)
    assert done.returncode == 0
    assert_quiet(done.stderr)
    text = done.stdout.decode()
    assert text.startswith("Usage: xiezuo ")
    assert "Exit codes" in text
    for command in ALL_COMMANDS:
        assert f"  {command} " in text
    assert "--install-completion" in text


def test_help_through_the_module() -> None:
    done = run(["funds", "--help"], start="module")
    assert done.returncode == 0
    assert_quiet(done.stderr)
    assert "Examples" in done.stdout.decode() and "Exit codes" in done.stdout.decode()


# ─── read-only ────────────────────────────────────────────────────────────────────────────


def test_read_commands_never_modify_the_database(tmp_path: Path) -> None:
    db = tmp_path / "xiezuo.json"
    shutil.copy(BUNDLED, db)
    past = time.time() - 3600
    os.utime(db, (past, past))
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    lines = [
        ["pairs"],
        ["list", "--pair", "苍溪"],
        ["filter", "year=2021"],
        ["funds", "--explain", "--json"],
        ["report", "--format", "table"],
        ["show", "旺苍", "--json"],
        ["cite", "cangxi-special-fund"],
        ["validate"],
        ["export"],
    ]
    for args in lines:
        for env in ({}, {"XIEZUO_NO_FASTPATH": "1"}):
            done = run([*args, "--db", str(db)], **env)
            assert done.returncode == 0, (args, done.stderr)
            assert (db.read_bytes(), db.stat().st_mtime_ns) == before, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xiezuo.json"]  # no lock or temp file


# ─── completion ───────────────────────────────────────────────────────────────────────────


def complete(words: str, cword: int, **env: str) -> list[str]:
    """Typer's bash protocol: the script sets these variables and reads one name per line."""
    done = run(
        [],
        _XIEZUO_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(cword),
        **env,
    )
    assert done.returncode == 0
    assert_quiet(done.stderr)
    return done.stdout.decode().split()


def test_bash_completion_script_is_offered() -> None:
    done = run([], _XIEZUO_COMPLETE="source_bash")
    assert done.returncode == 0
    text = done.stdout.decode()
    assert "_XIEZUO_COMPLETE=complete_bash" in text
    assert "complete " in text and "xiezuo" in text


def test_show_completion_names_the_shell() -> None:
    done = run(["--show-completion", "bash"], **NAMED_SHELL)
    assert done.returncode == 0
    assert "_XIEZUO_COMPLETE=complete_bash" in done.stdout.decode()


def test_pair_completes_from_pinyin() -> None:
    # Typer keeps only completions that start with the typed text, so pinyin completes to the
    # pinyin form, which --pair accepts too.
    assert complete("xiezuo list --pair cang", 3) == ["cangxi"]
    assert "xiaoshan" in complete("xiezuo list --pair xiao", 3)


@pytest.mark.parametrize("command", ["list", "funds", "report", "pairs", "filter"])
def test_pair_completes_from_chinese(command: str) -> None:
    assert complete(f"xiezuo {command} --pair 苍", 3) == ["苍溪"]
    assert "旺苍" in complete(f"xiezuo {command} -p 旺", 3)


def test_pair_completion_offers_every_pairing_when_empty() -> None:
    names = complete("xiezuo funds --pair ", 3)
    # the receiver of each of the 16 pairings in data/pairings.yaml, by its short name
    receivers = ("苍溪", "旺苍", "康定", "龙泉", "绿园", "公主岭", "朝天", "石渠", "广安", "庆元")
    receivers += ("广元", "长春", "甘孜", "丽水", "四川", "吉林")
    for name in receivers:
        assert name in names
    assert complete("xiezuo funds --pair 朝", 3) == ["朝天"]


def test_pair_completion_uses_the_database_in_use(
    db_copy: Callable[[Callable[[dict[str, Any]], None] | None], Path],
) -> None:
    def drop_gongzhuling(data: dict[str, Any]) -> None:
        data["pairing"] = {
            key: doc for key, doc in data["pairing"].items() if doc["id"] != "xiaoshan-gongzhuling"
        }

    assert complete("xiezuo list --pair 公", 3) == ["公主岭"]
    db = db_copy(drop_gongzhuling)
    assert complete("xiezuo list --pair 公", 3, XIEZUO_DB=str(db)) == []
    assert complete(f"xiezuo list --db {db} --pair 公", 5) == []
    assert complete(f"xiezuo list --db {db} --pair 苍", 5) == ["苍溪"]


def test_completion_never_prints_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert complete("xiezuo list --pair 苍", 3, XIEZUO_DB=str(missing)) == []


def test_install_completion_writes_a_script_that_completes_pair(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    done = run(["--install-completion", "bash"], HOME=str(tmp_path), **NAMED_SHELL)
    assert done.returncode == 0, done.stderr
    installed = tmp_path / ".bash_completions" / "xiezuo.sh"
    assert installed.is_file()
    assert str(installed) in (tmp_path / ".bashrc").read_text()
    # Use the installed function as bash would on <TAB> after `xiezuo funds --pair 旺`.
    script = (
        f"source '{installed}'; "
        "COMP_WORDS=(xiezuo funds --pair 旺); COMP_CWORD=3; "
        '_xiezuo_completion xiezuo; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    env = environment(HOME=str(tmp_path))
    env["PATH"] = f"{SCRIPT.parent}{os.pathsep}{env.get('PATH', '')}"
    shell = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        capture_output=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.decode().split() == ["旺苍"]
