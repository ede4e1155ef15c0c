"""argv.parse, the Typer-free reader of well-formed command lines, and its parity with Typer.

parse() must accept exactly what the Typer app accepts for a query command, giving the same
option values, and decline (None) everything else so that Typer explains the problem.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from conftest import BUNDLED
from hypothesis import given, settings
from hypothesis import strategies as st

from xiezuo_cli.cli import entry, registry
from xiezuo_cli.cli.argv import parse
from xiezuo_cli.cli.spec import bind

Raw = dict[str, Any]


def parsed(*argv: str) -> tuple[str, Raw]:
    result = parse(list(argv))
    assert result is not None, argv
    return result


def typed(name: str, raw: Raw) -> Any:
    """The command's typed parameters, as spec.bind makes them from what a parser gave."""
    return bind(registry.command(name), raw)


def used(raw: Raw) -> Raw:
    """The options a command line set: unused ones are None, False or [] depending on path."""
    return {key: value for key, value in raw.items() if value not in (None, False, [])}


@pytest.fixture(autouse=True)
def _fixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("XIEZUO_NO_FASTPATH", "_XIEZUO_COMPLETE", "COMP_WORDS", "COMP_CWORD"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("XIEZUO_DB", str(BUNDLED))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "200")


# ─── accepted forms ───────────────────────────────────────────────────────────────────────


def test_option_with_separate_value() -> None:
    name, raw = parsed("funds", "--pair", "苍溪", "--format", "json")
    assert name == "funds"
    assert used(raw) == {"pair": ["苍溪"], "format": ["json"]}


def test_every_declared_option_is_in_the_result() -> None:
    name, raw = parsed("funds")
    assert set(raw) == {opt.name for opt in registry.command(name).options}
    assert used(raw) == {}
    assert raw["explain"] is False and raw["json"] is False
    assert raw["format"] is None


def test_option_with_equals() -> None:
    assert used(parsed("list", "--pair=苍溪", "--year=2021-2023", "--columns=id,item")[1]) == {
        "pair": ["苍溪"],
        "year": ["2021-2023"],
        "columns": ["id,item"],
    }


def test_equals_inside_a_value_is_kept() -> None:
    assert parsed("list", "--search=a=b")[1]["search"] == ["a=b"]
    assert parsed("list", "--pair=")[1]["pair"] == [""]


def test_short_option_with_separate_value() -> None:
    assert used(parsed("list", "-p", "苍溪", "-n", "5", "-f", "csv")[1]) == {
        "pair": ["苍溪"],
        "limit": ["5"],
        "format": ["csv"],
    }


def test_short_option_with_attached_value() -> None:
    assert used(parsed("list", "-p苍溪", "-n5", "-cfoo")[1]) == {
        "pair": ["苍溪"],
        "limit": ["5"],
        "category": ["foo"],
    }


def test_repeated_pair_keeps_every_value_in_order() -> None:
    raw = parsed("funds", "--pair", "苍溪", "-p", "旺苍", "--pair=康定", "-p龙泉")[1]
    assert raw["pair"] == ["苍溪", "旺苍", "康定", "龙泉"]


def test_repeated_single_option_is_kept_for_params_to_refuse() -> None:
    """Both values reach spec.bind, which refuses them (a script's mistake, not a choice)."""
    from xiezuo_cli.errors import UsageProblem

    raw = parsed("list", "--limit", "3", "--limit", "7")[1]
    assert raw["limit"] == ["3", "7"]
    with pytest.raises(UsageProblem, match="--limit was given 2 times; give it once"):
        typed("list", raw)


def test_repeated_by_and_category() -> None:
    raw = parsed(
        "funds", "--by", "year", "--by", "kind", "-c", "财政援助", "--category", "社会帮扶"
    )[1]
    assert raw["by"] == ["year", "kind"]
    assert raw["category"] == ["财政援助", "社会帮扶"]


def test_flags() -> None:
    raw = parsed("list", "--money", "--desc", "--csv", "--no-headers", "--excel", "--no-color")[1]
    assert used(raw) == {
        "money": True,
        "desc": True,
        "csv": True,
        "no_headers": True,
        "excel": True,
        "no_color": True,
    }
    assert used(parsed("funds", "--explain", "--chart", "--json")[1]) == {
        "explain": True,
        "chart": True,
        "json": True,
    }


def test_a_value_that_looks_like_an_option_is_taken_as_the_value() -> None:
    assert parsed("list", "--limit", "-1")[1]["limit"] == ["-1"]
    assert parsed("list", "--search", "--json")[1]["search"] == ["--json"]


def test_arguments() -> None:
    assert parsed("show", "苍溪")[1]["name"] == "苍溪"
    assert parsed("show", "苍溪", "--json")[1]["json"] is True
    assert parsed("show", "--json", "苍溪")[1]["name"] == "苍溪"
    assert parsed("cite", "cangxi-special-fund")[1]["record"] == "cangxi-special-fund"
    raw = parsed("filter", "year=2021", "--json", "amount_yuan>=1000万")[1]
    assert raw["expressions"] == ["year=2021", "amount_yuan>=1000万"]
    assert raw["json"] is True


def test_double_dash_before_arguments() -> None:
    raw = parsed("filter", "--json", "--", "amount_yuan>-5", "--pair")[1]
    assert raw["expressions"] == ["amount_yuan>-5", "--pair"]
    assert raw["json"] is True
    assert raw["pair"] in (None, [])
    assert parsed("show", "--", "-苍溪")[1]["name"] == "-苍溪"
    assert parsed("cite", "--", "--json")[1]["record"] == "--json"
    assert parsed("list", "--")[0] == "list"


def test_a_lone_dash_is_an_argument() -> None:
    assert parsed("show", "-")[1]["name"] == "-"


@pytest.mark.parametrize("command", ["pairs", "list", "funds", "report"])
def test_commands_without_arguments(command: str) -> None:
    assert parsed(command)[0] == command


# ─── declined: Typer answers these ────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["--version"],
        ["--help"],
        ["funds", "--help"],
        ["funds", "-h"],
        ["show", "苍溪", "--help"],
        ["funds", "--bogus"],
        ["funds", "--pai", "苍溪"],
        ["funds", "---pair", "苍溪"],
        ["funds", "-x"],
        ["show", "苍溪", "--pair", "旺苍"],
        ["funds", "--pair"],
        ["funds", "-p"],
        ["list", "--limit"],
        ["funds", "--explain=yes"],
        ["funds", "--json=true"],
        ["funds", "extra"],
        ["list", "--", "extra"],
        ["pairs", "苍溪"],
        ["filter"],
        ["filter", "--json"],
        ["filter", "--"],
        ["show"],
        ["show", "苍溪", "旺苍"],
        ["cite"],
        ["cite", "a", "b"],
    ],
    ids=lambda argv: " ".join(argv) or "(empty)",
)
def test_declined(argv: list[str]) -> None:
    assert parse(argv) is None


@pytest.mark.parametrize("value", ["complete_bash", "source_bash", "complete_zsh", ""])
def test_declined_during_shell_completion(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    assert parse(["funds", "--pair", "苍溪"]) is not None
    monkeypatch.setenv("_XIEZUO_COMPLETE", value)
    assert parse(["funds", "--pair", "苍溪"]) is None


# ─── parity with Typer, in-process ────────────────────────────────────────────────────────


def run_main(
    argv: Sequence[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fastpath: bool,
) -> tuple[int, str, str]:
    """entry.main as the console script runs it: (exit status, stdout, stderr)."""
    capsys.readouterr()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "argv", ["xiezuo", *argv])
        if not fastpath:
            patch.setenv("XIEZUO_NO_FASTPATH", "1")
        try:
            status = entry.main()
        except SystemExit as stop:
            code = stop.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
    out, err = capsys.readouterr()
    return int(status), out, err


PARITY = [
    # valid, every query command
    ["pairs"],
    ["pairs", "--kind", "东西部协作", "--json"],
    ["list", "--pair", "苍溪", "--category", "财政援助", "--json"],
    ["list", "-p蒼溪", "--money", "--sort", "amount_yuan", "--desc", "-n", "3"],
    ["list", "--pair=萧山", "--year", "2021", "--columns", "id,amount_yuan", "-f", "tsv"],
    ["list", "--search", "校服", "--columns=id,item,value,unit", "--csv", "--no-headers"],
    ["list", "--min", "3900万", "--max=2.22亿", "--format", "markdown"],
    ["list", "--since", "2021年6月", "--until", "2022", "--format", "jsonl"],
    ["filter", "amount_yuan>=1000万", "category=财政援助"],
    ["filter", "--json", "--", "quote~校服"],
    ["funds", "--pair", "苍溪"],
    ["funds", "--pair", "苍溪", "--format", "table"],
    ["funds", "--by", "year", "--by", "category", "--json"],
    ["funds", "--pair", "萧山", "--explain", "--format", "table"],
    ["funds", "--pair", "旺苍", "--chart", "--format", "table", "--unit", "元"],
    ["report", "--pair", "旺苍", "--format", "table"],
    ["report", "--per", "year", "--csv", "--excel"],
    ["show", "康定", "--json"],
    ["show", "cangxi", "--format", "table"],
    ["cite", "wangcang-donations", "--format", "table"],
    ["cite", "cangxi-special-fund", "--json"],
    # usage errors found by the core, on either path
    ["funds", "--by", "bogus"],
    ["funds", "--pair", "北京"],
    ["show", "萧山"],
    ["cite", "nosuch"],
    ["list", "--year", "20x1"],
    ["list", "--limit", "-1"],
    ["list", "--format", "xml"],
    ["list", "--csv", "--json"],
    ["list", "--columns", "id,bogus"],
    ["filter", "bogus=1"],
    ["report", "--per", "bogus"],
    ["funds", "--pair", "--json"],
    ["list", "--pair="],
    # declined by parse(): Typer's own errors, the same with or without the fast path
    ["funds", "--bogus"],
    ["funds", "--pair"],
    ["show"],
    ["filter"],
    ["funds", "--json=yes"],
    ["list", "extra"],
]
DECLINED_PARITY = PARITY[-6:]
# Not query commands: either path may run them; the output must still agree.
OTHER_PARITY = [
    ["validate"],
    ["export", "--format", "csv"],
    ["export", "-f", "jsonl"],
    ["export", "--format", "xml"],
    ["--version"],
    ["funds", "--help"],
]


@pytest.mark.parametrize("argv", PARITY + OTHER_PARITY, ids=" ".join)
def test_fast_path_and_typer_agree(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fast = run_main(argv, monkeypatch, capsys, fastpath=True)
    typer_path = run_main(argv, monkeypatch, capsys, fastpath=False)
    assert fast[0] == typer_path[0], (fast, typer_path)
    assert fast[1] == typer_path[1]
    assert fast[2] == typer_path[2]
    if fast[0] == 0:
        assert fast[1]
        assert not fast[2]
    else:
        assert fast[0] == 2
        assert fast[1] == ""
        assert fast[2].count("\n") == 1 and fast[2].startswith("xiezuo: error: ")


def test_parity_lines_exercise_both_paths() -> None:
    accepted = [argv for argv in PARITY if parse(argv) is not None]
    declined = [argv for argv in PARITY if parse(argv) is None]
    assert len(accepted) >= 30
    assert declined == DECLINED_PARITY


@pytest.mark.parametrize(
    "argv",
    [argv for argv in PARITY if parse(argv) is not None],
    ids=" ".join,
)
def test_parse_gives_the_values_typer_gives(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The raw values and the typed parameters handed to the command are the same on both
    paths (unused: None or [])."""
    from xiezuo_cli.errors import UsageProblem

    seen: list[Any] = []
    name, from_parse = parsed(*argv)
    capture: Callable[[Any], None] = seen.append
    monkeypatch.setitem(registry.RUNNERS, name, capture)
    try:
        expected = typed(name, from_parse)
    except UsageProblem as problem:  # a bad value: the same one line on both paths
        for fastpath in (True, False):
            status, out, err = run_main(argv, monkeypatch, capsys, fastpath=fastpath)
            assert (status, out, err) == (2, "", f"xiezuo: error: {problem}\n")
        return
    status, _, err = run_main(argv, monkeypatch, capsys, fastpath=False)
    assert (status, err) == (0, "")
    (from_typer,) = seen
    assert from_typer == expected


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "list",
                    "funds",
                    "show",
                    "filter",
                    "--pair",
                    "-p",
                    "--csv",
                    "--",
                    "-",
                    "=",
                    "--format=json",
                    "-p苍溪",
                    "--by",
                    "--limit",
                    "--help",
                    "苍溪",
                    "x=1",
                ]
            ),
            st.text(max_size=6),
        ),
        max_size=8,
    )
)
def test_parse_never_raises(argv: list[str]) -> None:
    """Any command line either parses into a known command or is left to Typer."""
    result = parse(argv)
    assert result is None or result[0] in registry.MODULES
