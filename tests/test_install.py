"""The installed command works from any folder, on the data bundled with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xiezuo_cli.storage import dataset


def test_bundled_database_exists() -> None:
    assert os.path.isfile(dataset.bundled_path())


def test_validate_runs_from_another_folder_without_env(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XIEZUO_DB"}
    result = subprocess.run(
        [sys.executable, "-m", "xiezuo_cli", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ") and "191 records" in result.stdout
