"""Keep the README's console examples equal to what xiezuo really prints on an 80-column terminal.

Every ```console block of README.md is a list of ``$ command`` lines, each followed by its
output. This script runs each command (``xiezuo`` is the console script next to this Python) on
a real pseudo-terminal 80 columns wide, or through bash when the command is a pipeline, with
NO_COLOR=1 and no pager, and writes the output back under it. ``--check`` only compares and
exits 1 naming the first example that differs; the tests run it.

    python scripts/readme_examples.py          # rewrite README.md's examples
    python scripts/readme_examples.py --check  # exit 1 if one is out of date

A command whose output depends on the machine (the database's path) has it replaced by "…"; a
command meant to show an error (``--db broken.json``) runs against a file the script makes, and
the ``extract`` examples read ``article.txt``, which it writes too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
sys.path.insert(0, str(ROOT / "src"))
WIDTH = 80
_BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_BUNDLED_PATH = re.compile(r"/\S*?(?:xiezuo_cli/)?data/xiezuo\.json")


def _xiezuo() -> str:
    found = Path(sys.executable).with_name("xiezuo")
    if not found.exists():
        raise SystemExit(f"readme_examples: no xiezuo next to {sys.executable}")
    return str(found)


def _environment(folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIEZUO_")}
    env.update(
        NO_COLOR="1",
        TERM="xterm",
        XIEZUO_PAGER="",
        COLUMNS=str(WIDTH),
        PATH=f"{Path(_xiezuo()).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    env.pop("COLUMNS")  # the pty says how wide it is
    env["XDG_CACHE_HOME"] = os.path.join(folder, "cache")
    return env


def run(command: str, folder: str) -> str:
    """The output of one README command, as a terminal 80 columns wide shows it."""
    env = _environment(folder)
    # Machine formats print the same bytes on a terminal as in a pipe; run those (and pipelines)
    # through bash, so a terminal's line-end translation does not get into the README.
    machine = any(word in command.split() for word in ("--csv", "--json", "--format", "-f"))
    if "|" in command or machine:
        done = subprocess.run(
            ["bash", "-c", command], env=env, cwd=folder, capture_output=True, text=True
        )
        text = done.stdout + done.stderr.replace(folder + os.sep, "")
    else:
        script = shutil.which("script")
        if script is None:
            raise SystemExit("readme_examples: needs script(1) to run commands on a terminal")
        done = subprocess.run(
            [script, "-qec", f"stty cols {WIDTH} rows 200; {command}", "/dev/null"],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
        )
        text = done.stdout
    text = _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", ""))
    # the bundled database's path differs between a checkout and an installed package
    text = _BUNDLED_PATH.sub("…/xiezuo_cli/data/xiezuo.json", text)
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n"))


def _make_broken_database(folder: str) -> None:
    from xiezuo_cli.storage.dataset import bundled_path

    text = Path(bundled_path()).read_text(encoding="utf-8")
    text = text.replace('"amount_yuan": 39000000', '"amount_yuan": "3900万"', 1)
    Path(folder, "broken.json").write_text(text, encoding="utf-8")


# The article the README's `extract` examples read (written for the README; the figures are
# made up, as its heading says).
SAMPLE_ARTICLE = (
    "示例文章（数字为虚构）\n"
    "2023年，萧山区向旺苍县拨付东西部协作资金4200万元，其中产业项目资金3100万元；"
    "帮助销售农特产品超1000万元。\n"
    "今年，两地计划引进企业投资约2亿元，选派干部12名。\n"
)


def _make_sample_article(folder: str) -> None:
    Path(folder, "article.txt").write_text(SAMPLE_ARTICLE, encoding="utf-8")


def render(readme: str, folder: str) -> str:
    def block(match: re.Match[str]) -> str:
        commands = [line[2:] for line in match[1].split("\n") if line.startswith("$ ")]
        parts = []
        for command in commands:
            parts.append(f"$ {command}\n{run(command, folder)}\n")
        return "```console\n" + "\n".join(parts) + "```"

    return _BLOCK.sub(block, readme)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report a stale example")
    args = parser.parse_args()
    readme = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        _make_broken_database(folder)
        _make_sample_article(folder)
        fresh = render(readme, folder)
    if args.check:
        if fresh != readme:
            old, new = readme.split("\n"), fresh.split("\n")
            line = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
            print(
                f"readme_examples: README.md line {line + 1} differs from the real output:\n"
                f"  README: {old[line]}\n  real:   {new[line]}",
                file=sys.stderr,
            )
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    print("wrote README.md examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
