"""The README's console examples are what xiezuo prints on an 80-column terminal (the script
runs each one on a real pseudo-terminal and compares)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a terminal")
def test_readme_examples_match_real_output_at_80_columns() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_examples.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
