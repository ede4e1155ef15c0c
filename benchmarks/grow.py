"""How long the data takes to grow (issue 17): a person's sheet, a place from the country's list.

Times, as fresh processes against a copy of the bundled database (its held texts beside it):

- ``xiezuo funds`` on that copy: the peer the writes are compared with;
- ``xiezuo pairs add`` naming a place the database lacks (路桥 and 剑阁: the gazetteer is read,
  both places and 台州市 are copied in), each run into a fresh copy;
- ``xiezuo places add`` of a functional zone under 台州 (a parent from the country's list);
- ``xiezuo import`` of a 1,000-row person's sheet (CSV, Chinese headers, GBK as Excel saves
  it): 20 new county pairings of places not in the old table (each named a different way: code,
  short name, full name), figures as articles write them (三千万元, ８６５万元, 约1.2亿元,
  2,150万元),
  one part_of per pairing and one same_as row per 50 (a second outlet), into a fresh copy each
  run; and the same with ``--dry-run``.

Prints the medians and each write as a multiple of ``funds``. The targets: the sheet under 3 s,
``pairs add`` and ``places add`` within 3x ``funds``. Start-up of the query path is
benchmarks/startup.py's.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/grow.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "xiezuo.json"
XIEZUO = Path(sys.executable).parent / "xiezuo"
ENV = {**os.environ, "NO_COLOR": "1"}
ENV.pop("XIEZUO_DB", None)
WARM_UP = 2

# (provider, receiver) as a person might write them: codes, short names, full names.
PAIRS = [
    ("331004", "剑阁"), ("黄岩", "青川"), ("台州市椒江区", "广元市利州区"), ("温岭", "昭化"),
    ("玉环", "巴州"), ("临海", "通江"), ("天台", "南江"), ("仙居", "平昌"), ("三门", "恩阳"),
    ("鄞州", "黔西南州兴义"), ("镇海", "安龙"), ("北仑", "册亨"), ("奉化", "望谟"),
    ("慈溪", "晴隆"), ("余姚", "贞丰"), ("宁海", "普安"), ("宁波象山", "兴仁"),
    ("330212", "522328"), ("宁波江北", "汪清"), ("海曙", "和龙"),
]  # fmt: skip
FIGURES = ["三千万元", "８６５万元", "约1.2亿元", "2,150万元", "10余万元", "1.55亿元", "3900万元"]
HEADER = "编号,支援方,受援方,类型,类别,口径,事项,数字,时期,来源,含于,同一数字,备注"


def sheet_text(rows: int) -> str:
    lines = [HEADER]
    for n in range(rows):
        provider, receiver = PAIRS[n % len(PAIRS)]
        if n % 50 == 49:  # the figure of the row before, from a second outlet
            lines.append(f",,,,,,,,,bench-b,,g-{n - 1},同一数字")
            continue
        whole = f"g-{n - n % len(PAIRS)}" if n >= len(PAIRS) and n % 7 == 3 else ""
        figure = "1万元" if whole else FIGURES[n % len(FIGURES)]
        category = "社会帮扶" if whole else "财政援助"
        lines.append(
            f'g-{n},{provider},{receiver},东西部协作,{category},协作资金,第{n}项,"{figure}",'
            f"{2021 + n % 4},bench-a,{whole if category == '财政援助' else ''},,"
        )
    return "\n".join(lines) + "\n"


def fresh_copy(folder: Path) -> Path:
    target = folder / "xiezuo.json"
    shutil.copy(BUNDLED, target)
    sources = folder / "sources"
    if not sources.exists():
        shutil.copytree(ROOT / "data" / "sources", sources)
    return target


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv[:3])} failed: {result.stderr.strip()[:500]}")
    return elapsed


def median_ms(make_argv: object, runs: int, folder: Path) -> float:
    times = []
    for _ in range(runs + WARM_UP):
        db = fresh_copy(folder)
        base = [str(XIEZUO), "sources", "add", "--publisher", "测试", "--published", "2024-01-01"]
        for source_id in ("bench-a", "bench-b"):
            subprocess.run(
                [*base, "--id", source_id, "--db", str(db)],
                check=True,
                env=ENV,
                capture_output=True,
            )
        argv = make_argv(db)  # type: ignore[operator]
        times.append(timed(argv))
    return statistics.median(times[WARM_UP:]) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xiezuo-grow-") as name:
        folder = Path(name)
        sheet = folder / "表格.csv"
        sheet.write_bytes(sheet_text(args.rows).encode("gb18030"))
        x = str(XIEZUO)
        results = {
            "funds (bundled copy)": median_ms(
                lambda db: [x, "funds", "--db", str(db)], args.runs, folder),
            "pairs add 路桥→剑阁 (gazetteer)": median_ms(
                lambda db: [x, "pairs", "add", "--kind", "东西部协作", "--provider", "路桥",
                            "--receiver", "剑阁", "--db", str(db)],
                args.runs, folder),
            "places add 台州湾新区 --parent 台州": median_ms(
                lambda db: [x, "places", "add", "台州湾新区", "--parent", "台州",
                            "--id", "taizhouwan", "--db", str(db)],
                args.runs, folder),
            f"import {args.rows}-row sheet --dry-run": median_ms(
                lambda db: [x, "import", str(sheet), "--dry-run", "--csv", "--db", str(db)],
                args.runs, folder),
            f"import {args.rows}-row sheet": median_ms(
                lambda db: [x, "import", str(sheet), "--db", str(db)], args.runs, folder),
        }  # fmt: skip
    funds = results["funds (bundled copy)"]
    width = max(len(name) for name in results)
    print(f"{'command':<{width}}  median ms  × funds")
    for command, ms in results.items():
        print(f"{command:<{width}}  {ms:9.1f}  {ms / funds:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
