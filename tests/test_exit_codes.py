"""Each documented exit code, from the edge that produces it (httpie-style: every code tested)."""

from __future__ import annotations

import pytest
from conftest import one_error_line

from xiezuo_cli.cli import registry
from xiezuo_cli.errors import ExitStatus


def test_the_documented_codes() -> None:
    assert {status.name: int(status) for status in ExitStatus} == {
        "OK": 0,
        "ERROR": 1,
        "USAGE": 2,
        "DATA": 3,
        "INTERRUPTED": 130,
        "BROKEN_PIPE": 141,
    }


def test_ok_also_when_nothing_matches(cli) -> None:
    result = cli("list", "--pair", "绿园", "--json")
    assert (result.exit_code, result.stdout) == (ExitStatus.OK, "[]\n")


def test_usage_error(cli) -> None:
    result = cli("list", "--year", "soon")
    assert result.exit_code == ExitStatus.USAGE
    assert one_error_line(result).startswith("xiezuo: error: invalid --year 'soon'")


def test_data_error(cli, tmp_path) -> None:
    result = cli("list", "--db", str(tmp_path / "none.json"))
    assert result.exit_code == ExitStatus.DATA


def _boom(raw: object) -> None:
    raise RuntimeError("disk on fire")


@pytest.mark.parametrize("path", ["fast", "typer"])
def test_unexpected_error_is_one_line_and_exit_1(
    path: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug must not show users a traceback: one line, exit 1 (XIEZUO_DEBUG=1 shows it)."""
    from xiezuo_cli.cli import entry

    monkeypatch.setitem(registry.RUNNERS, "pairs", _boom)
    monkeypatch.setattr("sys.argv", ["xiezuo", "pairs"])
    monkeypatch.delenv("XIEZUO_DEBUG", raising=False)
    if path == "typer":
        monkeypatch.setenv("XIEZUO_NO_FASTPATH", "1")
    with pytest.raises(SystemExit) as exit_:
        entry.main()
    assert exit_.value.code == ExitStatus.ERROR
    err = capsys.readouterr().err
    assert err == "xiezuo: error: unexpected RuntimeError: disk on fire\n"


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from xiezuo_cli.cli import entry

    monkeypatch.setitem(registry.RUNNERS, "pairs", _boom)
    monkeypatch.setattr("sys.argv", ["xiezuo", "pairs"])
    monkeypatch.setenv("XIEZUO_DEBUG", "1")
    with pytest.raises(RuntimeError, match="disk on fire"):
        entry.main()


def _interrupt(raw: object) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_is_exit_130_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from xiezuo_cli.cli import entry

    monkeypatch.setitem(registry.RUNNERS, "pairs", _interrupt)
    monkeypatch.setattr("sys.argv", ["xiezuo", "pairs"])
    with pytest.raises(SystemExit) as exit_:
        entry.main()
    assert exit_.value.code == ExitStatus.INTERRUPTED
    assert capsys.readouterr().err == "\n"
