"""The README's pipelines, run for real: the totals agree with jq, completion installs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

XIEZUO = Path(sys.executable).parent / "xiezuo"
pytestmark = pytest.mark.skipif(not XIEZUO.exists(), reason="console script not installed")


def shell(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "XIEZUO_DB"}
    environment["PATH"] = f"{XIEZUO.parent}{os.pathsep}{environment.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        capture_output=True,
        text=True,
        env={**environment, **env},
        timeout=30,
    )


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
@pytest.mark.parametrize("pairing", ["苍溪", "旺苍", "康定", "龙泉"])
def test_funds_json_agrees_with_jq_over_export(pairing: str) -> None:
    funds = shell(f"xiezuo funds --pair {pairing} --json")
    assert funds.returncode == 0, funds.stderr
    rows = json.loads(funds.stdout)
    pairing_id = rows[0]["pairing"]
    assert {row["stage"] for row in rows} == {"actual"}
    for row in rows:
        # A row adds one measure family (协作资金 and 财政捐赠 are both 财政资金) at one level and
        # stage; it leaves out parts (each whole here is in the same pairing) and revised figures.
        jq_filter = (
            "[.[] | .revises | select(. != null)] as $revised | "
            f'[.[] | select(.pairing=="{pairing_id}" and .category=="{row["category"]}" '
            f'and .level=="{row["level"]}" and .stage=="{row["stage"]}" '
            'and (if .measure=="协作资金" or .measure=="财政捐赠" then "财政资金" '
            f'else .measure end)=="{row["measure"]}" '
            "and .amount_yuan != null and .part_of == null and (.id | IN($revised[]) | not)) "
            "| .amount_yuan] | add"
        )
        summed = shell(f"xiezuo export --format json | jq '{jq_filter}'")
        assert summed.returncode == 0, summed.stderr
        assert int(summed.stdout) == row["amount_yuan"], row


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 is not installed")
def test_csv_loads_into_sqlite() -> None:
    query = (
        "select sum(amount_yuan) from records where pairing = 'yuhang-cangxi' "
        "and category = '财政援助' and stage = 'actual' and part_of = ''"
    )
    done = shell(
        "xiezuo list --money --csv | sqlite3 -csv :memory: "
        f"'.import --csv /dev/stdin records' \"{query}\""
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "41000000"


def test_sort_pipeline_puts_the_largest_total_first() -> None:
    # pairing,category,measure,level,stage,amount_yuan,...: the amount is the sixth column
    done = shell("xiezuo funds --by pairing --csv | tail -n +2 | sort -t, -k6 -nr | head -1")
    assert done.returncode == 0, done.stderr
    # 丽水's feidi investments that arrived: 233.17亿 (industry) + 25.51亿 (science)
    assert (
        done.stdout.strip()
        == "lishui-partners,产业合作,到位资金,city,actual,25868000000,false,false,2,,2024-09,,false"
    )


def test_install_completion_writes_only_under_home(tmp_path: Path) -> None:
    done = shell(
        "xiezuo --install-completion bash",
        HOME=str(tmp_path),
        SHELL="/bin/bash",
        _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1",  # named, not detected from the parents
    )
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "xiezuo.sh"
    assert "_XIEZUO_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()
