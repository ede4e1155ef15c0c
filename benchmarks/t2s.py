"""Traditional → simplified at run time: OpenCC (the library) against OpenCC's tables generated
into the package (xiezuo_cli/extract/t2s_data.py, by scripts/t2s_table.py).

Measures, each in fresh interpreters against ``python -c pass`` in the same run: the cost of
loading each converter and converting the raw 萧山 article (12,965 bytes, traditional), the time
to convert a 5,000-character text once loaded, the bytes each adds to an installation, and
whether the two give the same text. Needs opencc (the build extra) for its side.

    .venv/bin/python benchmarks/t2s.py            # --runs N (default 15)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from timing import fresh_ms

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "sources" / "raw" / "xiaoshan-2022-02-10.txt"

LOAD_AND_CONVERT = {
    "python -c pass": "pass",
    "OpenCC": (
        "import opencc, pathlib; opencc.OpenCC('t2s').convert("
        f"pathlib.Path({str(RAW)!r}).read_text('utf-8'))"
    ),
    "generated tables": (
        "import pathlib; from xiezuo_cli.extract.text import to_simplified; "
        f"to_simplified(pathlib.Path({str(RAW)!r}).read_text('utf-8'))"
    ),
}


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if importlib.util.find_spec("opencc") is None:
        print("opencc is not installed: pip install -e '.[build]'")
        return 2
    import opencc

    from xiezuo_cli.extract import t2s_data
    from xiezuo_cli.extract.text import to_simplified

    raw = RAW.read_text("utf-8")
    converter = opencc.OpenCC("t2s")
    same = converter.convert(raw).replace("随著", "随着") == to_simplified(raw)
    print(f"same text on the raw 萧山 article: {same}")

    floor = None
    for label, code in LOAD_AND_CONVERT.items():
        cost = fresh_ms([sys.executable, "-c", code], args.runs)
        floor = floor or cost
        print(f"load + convert the raw article, {label:<16}: {cost:6.1f} ms ({cost / floor:.2f}x)")

    text = (raw * 3)[:5000]
    for label, convert in (("OpenCC", converter.convert), ("generated tables", to_simplified)):
        convert(text)
        start = time.perf_counter()
        for _ in range(50):
            convert(text)
        per = (time.perf_counter() - start) / 50 * 1000
        print(f"convert 5,000 characters, {label:<16}: {per:6.2f} ms")

    opencc_dir = Path(opencc.__file__).resolve().parent
    print(f"installed size, OpenCC package: {size(opencc_dir) / 2**20:.1f} MiB")
    print(f"installed size, t2s_data.py: {size(Path(t2s_data.__file__)) / 2**10:.0f} KiB")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
