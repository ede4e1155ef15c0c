"""Time to read a 1,000-row person's sheet (xiezuo_cli.authoring.sheets.read_sheet): CSV in
UTF-8, CSV in GB18030 (as Chinese Excel saves it), and .xlsx; and what openpyxl costs to import.

The rows are the bundled records, in the sheet's columns, repeated to 1,000 (every row with its
quote and note, as real sheets have them): 191 records, so each appears five or six times under
a new id. Measured against ``python -c pass`` in the same run:

- in one process: read_sheet on each file, the median of many rounds after a warm-up;
- as a fresh interpreter that imports the reader and reads the file: what an import command
  pays for reading, start-up included;
- importing openpyxl as the reader does (numpy kept out) and plainly (which loads numpy where
  it is installed, as in the test environment).

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/sheets.py   # --runs N
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timing import fresh_ms

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1000

READ_A_FILE = (
    "import sys\nfrom xiezuo_cli.authoring.sheets import read_sheet\nread_sheet(sys.argv[1])"
)
IMPORT_OPENPYXL = "from xiezuo_cli.authoring.sheets.xlsx import openpyxl_module\nopenpyxl_module()"


def sheet_rows() -> tuple[list[str], list[list[object]]]:
    from xiezuo_cli.authoring.sheets.template import header_rows
    from xiezuo_cli.model.vocab import ACTOR_NAMES, STAGE_NAMES

    data = json.loads((ROOT / "data" / "xiezuo.json").read_text(encoding="utf-8"))
    records = list(data["record"].values())
    english = list(header_rows()[0])
    rows = []
    for number in range(ROWS):
        record = records[number % len(records)]
        cycle = number // len(records)
        start, end = record["period_start"], record["period_end"]
        period = (
            "" if not (start or end) else start if start == end else f"{start or ''}..{end or ''}"
        )
        citation = record["citations"][0]
        money = record["amount_yuan"] is not None
        values = {
            "id": f"{record['id']}-{cycle}",
            "provider": record["provider"],
            "receiver": record["receiver"],
            "kind": record["kind"],
            "category": record["category"],
            "measure": record["measure"],
            "item": record["item"],
            "figure": record["figure"] if money else None,
            "value": None if money else record["value"],
            "unit": None if money else record["unit"],
            "period": period,
            "stage": STAGE_NAMES[record["stage"]],
            "actor": ACTOR_NAMES[record["actor"]],
            "cumulative": "是" if record["scope"] == "running_total" else "否",
            "as_of": record["as_of"],
            "source": citation["source"],
            "part_of": f"{record['part_of']}-{cycle}" if record["part_of"] else None,
            "revises": f"{record['revises']}-{cycle}" if record["revises"] else None,
            "quote": citation["quote"],
            "note": record["note"],
            "derivation": record.get("derivation"),
            "amount_yuan": record["amount_yuan"],
        }
        rows.append([values.get(name) for name in english])
    return english, rows


def write_files(folder: Path) -> dict[str, Path]:
    import openpyxl

    from xiezuo_cli.authoring.sheets.template import header_rows

    english, rows = sheet_rows()
    chinese = list(header_rows()[1])
    files = {"csv utf-8": folder / "sheet.csv", "csv gb18030": folder / "sheet-gbk.csv"}
    for (name, path), encoding in zip(files.items(), ("utf-8-sig", "gb18030"), strict=True):
        with path.open("w", encoding=encoding, newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(chinese if "gb" in name else english)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(english)
    sheet.append(chinese)
    for row in rows:
        sheet.append(row)
    files["xlsx"] = folder / "sheet.xlsx"
    book.save(files["xlsx"])
    return files


def in_process_ms(path: Path, rounds: int) -> tuple[float, int]:
    from xiezuo_cli.authoring.sheets import read_sheet

    read = read_sheet(str(path))  # warm-up: imports, compiled patterns
    if read.problem_count:
        problems = "\n".join(p.text(str(path)) for p in read.problems)
        raise SystemExit(f"{path}: {read.problem_count} problems\n{problems}")
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        read_sheet(str(path))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(read.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh-process runs (median)")
    parser.add_argument("--rounds", type=int, default=15, help="in-process rounds (median)")
    options = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder))
        floor = fresh_ms([python, "-c", "pass"], options.runs)
        print(f"python -c pass: {floor:.1f} ms")
        print(
            f"{'file':<14} {'bytes':>9} {'rows':>5} {'in process':>11} {'fresh':>9} {'× pass':>7}"
        )
        for name, path in files.items():
            inside, count = in_process_ms(path, options.rounds)
            fresh = fresh_ms([python, "-c", READ_A_FILE, str(path)], options.runs)
            size = path.stat().st_size
            print(
                f"{name:<14} {size:>9,} {count:>5} {inside:>8.1f} ms {fresh:>6.1f} ms "
                f"{fresh / floor:>6.1f}×"
            )
        reader = fresh_ms([python, "-c", "import xiezuo_cli.authoring.sheets"], options.runs)
        ours = fresh_ms([python, "-c", IMPORT_OPENPYXL], options.runs)
        plain = fresh_ms([python, "-c", "import openpyxl"], options.runs)
        numpy = fresh_ms([python, "-c", "import numpy"], options.runs)
        print(f"import xiezuo_cli.authoring.sheets: {reader - floor:.1f} ms over pass")
        print(f"then openpyxl as the reader imports it (no numpy): {ours - reader:.1f} ms more")
        print(
            f"import openpyxl plainly: {plain - floor:.1f} ms over pass (numpy alone: "
            f"{numpy - floor:.1f})"
        )


if __name__ == "__main__":
    main()
