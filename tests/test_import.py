"""xiezuo import: CSV (UTF-8, BOM, GBK as Excel saves it), TSV, JSON and JSON Lines in; all or
nothing; the same fact twice is one figure; --dry-run; a file that is not one of records; and
the round trip export → import → export, byte for byte.

Every command runs as a real process (stdout, stderr and the exit code apart).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED

RUNNER = """
import sys
from xiezuo_cli.cli.entry import main
sys.exit(main())
"""

ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "COLUMNS": "200",
    "TERM": "dumb",
    "PYTHONIOENCODING": "utf-8",
    "XIEZUO_NO_INDEX": "1",
}
ENV.pop("XIEZUO_DB", None)


def xiezuo(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUNNER, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        timeout=timeout,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def errors(result: subprocess.CompletedProcess[str], status: int = 3) -> list[str]:
    """The error lines of a failed command: each one line, none a traceback."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("xiezuo: error: ") for line in lines), lines
    return lines


def empty_db(folder: Path) -> Path:
    """A database as `xiezuo init` makes it: the bundled places, nothing else."""
    path = folder / "db.json"
    result = xiezuo("init", path)
    if result.returncode != 0:  # `init` not wired: what it runs
        from xiezuo_cli.authoring import documents
        from xiezuo_cli.storage import store

        store.init_database(path, documents.new_database_tables())
    return path


def folder(parent: Path, name: str) -> Path:
    made = parent / name
    made.mkdir()
    return made


def export(db: Path | str, fmt: str, *filters: str) -> str:
    """What `xiezuo export` writes, exactly (CSV's CRLF kept)."""
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, "export", "--db", str(db), "--format", fmt, *filters],
        capture_output=True,
        env=ENV,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


def bundled_export(fmt: str, *filters: str) -> str:
    return export(BUNDLED, fmt, *filters)


def single_citation_csv(text: str, delimiter: str = ",") -> str:
    """The rows of a CSV/TSV export whose records have one citation (all a CSV row holds) and
    name no figure left out (part_of, revises)."""
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header, body = rows[0], rows[1:]
    count, part_of, revises = (header.index(n) for n in ("citations", "part_of", "revises"))
    kept = [row for row in body if row[count] == "1"]
    while True:  # and none that names a figure left out
        ids = {row[0] for row in kept}
        still = [row for row in kept if all(row[i] in ("", *ids) for i in (part_of, revises))]
        if len(still) == len(kept):
            break
        kept = still
    out = io.StringIO(newline="")
    writer = csv.writer(
        out, delimiter=delimiter, lineterminator="\n" if delimiter == "\t" else "\r\n"
    )
    writer.writerow(header)
    writer.writerows(kept)
    return out.getvalue()


def standalone(row: dict[str, Any]) -> bool:
    """A record that names no other (part_of, revises) and has one citation."""
    return row["part_of"] is None and row["revises"] is None and len(row["citations"]) == 1


def db_records(db: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(db.read_text(encoding="utf-8"))
    return {doc["id"]: doc for doc in data["record"].values()}


# ─── formats and encodings ────────────────────────────────────────────────────────────────


def test_json_round_trip_is_byte_for_byte(tmp_path: Path) -> None:
    original = bundled_export("json")
    source = tmp_path / "records.json"
    source.write_text(original, encoding="utf-8")
    db = empty_db(tmp_path)
    said = ok(xiezuo("import", source, "--db", db))
    assert "191 added" in said and "sources made" in said and "pairings made" in said
    assert export(db, "json") == original
    # every source a stub of the documented shape, dated by the latest as_of citing it
    data = json.loads(db.read_text(encoding="utf-8"))
    sources = {doc["id"]: doc for doc in data["source"].values()}
    real = {doc["id"]: doc for doc in json.loads(BUNDLED.read_text("utf-8"))["source"].values()}
    assert set(sources) == set(real)
    from xiezuo_cli.model.periods import last_day

    for source_id, stub in sources.items():
        assert stub["publisher"] == "（导入：未注明）"
        assert stub["published_inferred"] and stub["excerpt_only"]
        assert stub["text_held"] == real[source_id]["text_held"]
        assert last_day(stub["published"]) == last_day(real[source_id]["published"])
    # a held stub's text is its quotes, each verbatim
    held = (db.parent / "sources" / "yuhang-cangxi-2021-11-17.txt").read_text(encoding="utf-8")
    quotes = [
        c["quote"]
        for r in json.loads(original)
        for c in r["citations"]
        if c["source"] == "yuhang-cangxi-2021-11-17"
    ]
    assert quotes and all(quote in held for quote in quotes)
    # the figure as written comes back from the quote where it is there
    assert db_records(db)["kangding-tea-base-area"]["figure"] == "万亩"
    assert ok(xiezuo("validate", "--db", db)).startswith("ok: ")


def test_jsonl_round_trip(tmp_path: Path) -> None:
    original = bundled_export("jsonl")
    source = tmp_path / "records.jsonl"
    source.write_text(original, encoding="utf-8")
    db = empty_db(tmp_path)
    ok(xiezuo("import", source, "--db", db))
    assert export(db, "jsonl") == original


def test_gbk_csv_as_excel_saves_it(tmp_path: Path) -> None:
    text = single_citation_csv(bundled_export("csv", "--pair", "旺苍"))
    assert "\r\n" in text
    source = tmp_path / "旺苍.csv"
    source.write_bytes(text.encode("gb18030"))  # what Chinese Excel writes, CRLF line ends
    with pytest.raises(UnicodeDecodeError):
        source.read_bytes().decode("utf-8")
    db = empty_db(tmp_path)
    said = ok(xiezuo("import", source, "--db", db))
    count = len(text.splitlines()) - 1
    assert f"{count} added" in said
    # CSV round trip for figures with one citation
    assert export(db, "csv") == text


def test_utf8_bom_csv(tmp_path: Path) -> None:
    text = single_citation_csv(bundled_export("csv", "--pair", "康定"))
    source = tmp_path / "kangding.csv"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    db = empty_db(tmp_path)
    ok(xiezuo("import", source, "--db", db))
    assert export(db, "csv") == text


def test_given_encoding(tmp_path: Path) -> None:
    text = single_citation_csv(bundled_export("csv", "--pair", "龙泉"))
    source = tmp_path / "longquan.txt"  # no extension to go by: sniffed as CSV
    source.write_bytes(text.encode("gbk"))
    db = empty_db(tmp_path)
    ok(xiezuo("import", source, "--db", db, "--encoding", "gbk"))
    assert export(db, "csv") == text


def test_tsv_escapes_undone(tmp_path: Path) -> None:
    text = single_citation_csv(bundled_export("tsv"), delimiter="\t")
    source = tmp_path / "records.tsv"
    source.write_text(text, encoding="utf-8")
    db = empty_db(tmp_path)
    ok(xiezuo("import", source, "--db", db))
    assert export(db, "tsv") == text
    # a note with a tab, a line break and a backslash comes back as it was
    rows = [json.loads(line) for line in bundled_export("jsonl").splitlines()]
    row = next(r for r in rows if standalone(r) and r["citations"][0]["quote"] is None)
    row = {**row, "id": "escaped-note", "note": "一\t二\n三\\四", "item": row["item"] + "（转义）"}
    single = tmp_path / "one.jsonl"
    single.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    db2 = empty_db(folder(tmp_path, "two"))
    ok(xiezuo("import", single, "--db", db2))
    tsv = export(db2, "tsv")
    assert "一\\t二\\n三\\\\四" in tsv
    again = tmp_path / "again.tsv"
    again.write_text(tsv, encoding="utf-8")
    db3 = empty_db(folder(tmp_path, "three"))
    ok(xiezuo("import", again, "--db", db3))
    assert db_records(db3)["escaped-note"]["note"] == "一\t二\n三\\四"


def test_csv_with_more_citations_than_it_carries_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "all.csv"
    source.write_text(bundled_export("csv", "--pair", "苍溪"), encoding="utf-8")
    db = empty_db(tmp_path)
    before = db.read_bytes()
    lines = errors(xiezuo("import", source, "--db", db))
    counted = [line for line in lines if "field citations: the file says 2 citations" in line]
    assert counted and all("JSON Lines export" in line for line in counted)
    assert db.read_bytes() == before
    # into the database it came from, every row is already there
    copy = tmp_path / "copy.json"
    shutil.copy(BUNDLED, copy)
    said = ok(xiezuo("import", source, "--db", copy))
    assert "skipped (already there)" in said and "added" not in said
    assert copy.read_bytes() == BUNDLED.read_bytes()


# ─── all or nothing ───────────────────────────────────────────────────────────────────────


def test_bad_rows_all_reported_nothing_written(tmp_path: Path) -> None:
    lines_in = bundled_export("jsonl").splitlines()
    rows = [json.loads(line) for line in lines_in]
    rows[2]["amount_yuan"] = "3900万"  # line 3: wrong type
    rows[4]["category"] = "财政"  # line 5: not a category
    rows[6]["year"] = 1999  # line 7: not what the period gives
    rows[9]["pairing"] = "no-such-pairing"  # line 10: a new pairing from nothing
    rows[9]["provider_code"] = "999999"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    text = text.replace(json.dumps(rows[11], ensure_ascii=False), "{not json", 1)  # line 12
    source = tmp_path / "bad.jsonl"
    source.write_text(text + "\n", encoding="utf-8")
    db = empty_db(tmp_path)
    before = db.read_bytes()
    lines = errors(xiezuo("import", source, "--db", db))
    assert lines[-1].endswith("5 rows refused; nothing was written")
    found = lines[:-1]
    assert len(found) == 5
    assert found[0].startswith(f"xiezuo: error: {source}: line 3: record {rows[2]['id']}: ")
    assert "field amount_yuan: expected a whole number or null, got text" in found[0]
    assert "line 5:" in found[1] and "field category:" in found[1]
    assert "line 7:" in found[2] and "field year: the file says 1999" in found[2]
    assert "line 10:" in found[3] and "field provider_code:" in found[3]
    assert "line 12:" in found[4] and "not JSON" in found[4]
    assert db.read_bytes() == before
    assert not (tmp_path / "sources").exists()


def test_csv_bad_rows_name_their_lines(tmp_path: Path) -> None:
    text = single_citation_csv(bundled_export("csv", "--pair", "旺苍"))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    rows[1][header.index("value")] = "许多"
    rows[3][header.index("cumulative")] = "maybe"
    rows[5][header.index("stage")] = "done"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    source = tmp_path / "bad.csv"
    source.write_text(out.getvalue(), encoding="utf-8")
    db = empty_db(tmp_path)
    before = db.read_bytes()
    lines = errors(xiezuo("import", source, "--db", db))
    assert "line 2:" in lines[0] and "field value: expected a number" in lines[0]
    assert "line 4:" in lines[1] and "field cumulative: expected true or false" in lines[1]
    assert "line 6:" in lines[2] and "field stage:" in lines[2]
    assert lines[-1].endswith("3 rows refused; nothing was written")
    assert db.read_bytes() == before


def test_many_bad_rows_are_capped(tmp_path: Path) -> None:
    source = tmp_path / "junk.jsonl"
    source.write_text("".join(f'{{"id": "x-{n}"}}\n' for n in range(500)), encoding="utf-8")
    db = empty_db(tmp_path)
    lines = errors(xiezuo("import", source, "--db", db))
    assert len(lines) == 21
    assert "line 1: record x-0: field pairing: missing" in lines[0]
    assert lines[-1].endswith("500 rows refused (the first 20 shown above); nothing was written")


# ─── the same fact twice ──────────────────────────────────────────────────────────────────


def test_duplicates_skipped_and_counted(tmp_path: Path) -> None:
    rows = [line for line in bundled_export("jsonl").splitlines() if standalone(json.loads(line))]
    source = tmp_path / "twice.jsonl"
    source.write_text("\n".join([*rows[:5], rows[2], rows[3]]) + "\n", encoding="utf-8")
    db = empty_db(tmp_path)
    said = ok(xiezuo("import", source, "--db", db))
    assert "5 added" in said and "2 skipped (already there)" in said
    written = db.read_bytes()
    mtime = db.stat().st_mtime_ns
    said = ok(xiezuo("import", source, "--db", db))
    assert "7 skipped (already there)" in said and "added" not in said
    assert db.read_bytes() == written and db.stat().st_mtime_ns == mtime  # not even rewritten
    report = json.loads(ok(xiezuo("import", source, "--db", db, "--dry-run", "--json")))
    assert [r["action"] for r in report] == ["skip"] * 7
    assert report[0]["match"] == "id" and report[0]["reason"] == "already in the database"
    assert report[5]["match"] == "id" and report[5]["reason"] == "the same row as line 3"


def test_same_fact_new_source_becomes_a_citation(tmp_path: Path) -> None:
    db = tmp_path / "copy.json"
    shutil.copy(BUNDLED, db)
    rows = [json.loads(line) for line in bundled_export("jsonl").splitlines()]
    target = next(r for r in rows if r["id"] == "chaotian-fiscal-funds")
    assert len(target["citations"]) == 1
    again = {
        **target,
        "id": "chaotian-fiscal-funds-again",
        "item": "朝天区获得的东西部协作财政援助资金（另一篇报道）",
        "as_of": "2024-10-01",
        "source": "chaotian-report-2024-10-01",
        "quote": None,
        "citations": [
            {"source": "chaotian-report-2024-10-01", "quote": None, "note": "另一篇报道，数同。"}
        ],
    }
    source = tmp_path / "again.jsonl"
    source.write_text(json.dumps(again, ensure_ascii=False) + "\n", encoding="utf-8")
    before = db.read_bytes()
    report = json.loads(ok(xiezuo("import", source, "--db", db, "--dry-run", "--json")))
    assert db.read_bytes() == before
    merge = next(r for r in report if r["action"] == "merge")
    assert merge["figure"] == "chaotian-fiscal-funds"
    assert merge["match"] == "pairing, category, measure, stage, period, amount"
    assert "chaotian-report-2024-10-01" in merge["reason"]
    assert any(r["action"] == "source" and r["id"] == "chaotian-report-2024-10-01" for r in report)
    said = ok(xiezuo("import", source, "--db", db))
    assert "1 merged" in said
    stored = db_records(db)
    assert "chaotian-fiscal-funds-again" not in stored
    citations = stored["chaotian-fiscal-funds"]["citations"]
    assert [c["source"] for c in citations][-1] == "chaotian-report-2024-10-01"
    assert citations[-1]["note"] == "另一篇报道，数同。"
    cited = json.loads(ok(xiezuo("cite", "chaotian-fiscal-funds", "--db", db, "--json")))
    assert len(cited["citations"]) == 2


def test_id_taken_by_another_figure_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "copy.json"
    shutil.copy(BUNDLED, db)
    row = json.loads(bundled_export("jsonl").splitlines()[0])
    row["item"] = row["item"] + "（改）"
    source = tmp_path / "changed.jsonl"
    source.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = errors(xiezuo("import", source, "--db", db))
    assert "is in the database with other content (item)" in lines[0]
    assert db.read_bytes() == BUNDLED.read_bytes()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "records.json"
    source.write_text(bundled_export("json"), encoding="utf-8")
    db = empty_db(tmp_path)
    before, mtime = db.read_bytes(), db.stat().st_mtime_ns
    listing = sorted(os.listdir(tmp_path))
    report = json.loads(ok(xiezuo("import", source, "--db", db, "--dry-run", "--json")))
    counts: dict[str, int] = {}
    for row in report:
        counts[row["action"]] = counts.get(row["action"], 0) + 1
    assert counts == {"add": 191, "pairing": 13, "source": 21}
    assert set(report[0]) == {"where", "id", "action", "figure", "match", "field", "reason"}
    table = ok(xiezuo("import", source, "--db", db, "--dry-run", "--format", "table"))
    assert "新增" in table and "191" in table and "nothing was written (--dry-run)" in table
    assert db.read_bytes() == before and db.stat().st_mtime_ns == mtime
    assert sorted(os.listdir(tmp_path)) == listing  # no sources/ folder, no lock file


def test_bundled_data_is_never_written(tmp_path: Path) -> None:
    source = tmp_path / "records.json"
    source.write_text("[]\n", encoding="utf-8")
    (line,) = errors(xiezuo("import", source), status=2)
    assert "give --db PATH" in line
    (line,) = errors(xiezuo("import", source, "--db", BUNDLED), status=2)
    assert "never written" in line


# ─── files that are not files of records ──────────────────────────────────────────────────


def test_missing_column(tmp_path: Path) -> None:
    text = bundled_export("csv", "--pair", "旺苍")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    drop = rows[0].index("amount_yuan")
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    source = tmp_path / "no-amount.csv"
    source.write_text(out.getvalue(), encoding="utf-8")
    db = empty_db(tmp_path)
    (line,) = errors(xiezuo("import", source, "--db", db))
    assert f"{source}: line 1: no column amount_yuan" in line


def test_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    source = tmp_path / "latin.csv"
    source.write_bytes(b"id,pairing\r\nabc,\x80\xff\xfe\r\n")
    db = empty_db(tmp_path)
    (line,) = errors(xiezuo("import", source, "--db", db))
    assert "neither UTF-8 nor GBK/GB18030 text" in line and "line 2: byte 0x80" in line


@pytest.mark.parametrize("name", ["empty.csv", "empty.json", "empty.jsonl", "empty"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(b"")
    db = empty_db(tmp_path)
    (line,) = errors(xiezuo("import", source, "--db", db))
    assert "the file is empty" in line or "the sheet is empty" in line


def _measured(source: Path, db: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run an import in a child process; its time and its peak memory (bytes)."""
    script = (
        "import resource, subprocess, sys, json\n"
        "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
        "print(json.dumps([result.returncode, result.stdout, result.stderr, peak]))\n"
    )
    started = time.monotonic()
    outer = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            sys.executable,
            "-c",
            RUNNER,
            "import",
            str(source),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    code, stdout, stderr, peak = json.loads(outer.stdout)
    return subprocess.CompletedProcess([], code, stdout, stderr), elapsed, peak


def test_100_mb_of_random_bytes(tmp_path: Path) -> None:
    source = tmp_path / "junk.csv"
    with open(source, "wb") as stream:
        for _ in range(100):
            stream.write(os.urandom(1 << 20))
    db = empty_db(tmp_path)
    result, elapsed, peak = _measured(source, db)
    (line,) = errors(result)
    assert "neither UTF-8 nor GBK/GB18030 text" in line
    assert elapsed < 10
    assert peak < 150 * 2**20


def test_100_mb_of_junk_text(tmp_path: Path) -> None:
    """Text that decodes, so every one of its 500,000 lines is read and refused: memory stays
    bounded, the first 20 problems are shown and the rest counted."""
    import random

    rng = random.Random(7)
    source = tmp_path / "junk.jsonl"
    alphabet = 'abcdefghij{}[]:," 0123456789苍溪'
    with open(source, "w", encoding="utf-8") as stream:
        written = 0
        while written < 100 * 2**20:
            line = "".join(rng.choice(alphabet) for _ in range(200)) + "\n"
            stream.write(line * 50)
            written += len(line.encode("utf-8")) * 50
    db = empty_db(tmp_path)
    result, elapsed, peak = _measured(source, db)
    lines = errors(result)
    assert len(lines) == 21 and "(the first 20 shown above)" in lines[-1]
    assert "line 1:" in lines[0] and "not JSON" in lines[0]
    assert elapsed < 30
    assert peak < 150 * 2**20


def test_a_line_too_long_is_one_error(tmp_path: Path) -> None:
    source = tmp_path / "long.jsonl"
    source.write_text("x" * (3 << 20), encoding="utf-8")
    db = empty_db(tmp_path)
    (line,) = errors(xiezuo("import", source, "--db", db))
    assert "line 1: longer than" in line


# ─── more of the rules ────────────────────────────────────────────────────────────────────


def test_csv_one_row_per_citation_makes_one_figure(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in bundled_export("jsonl").splitlines()]
    record = next(
        r
        for r in rows
        if len(r["citations"]) == 2
        and r["part_of"] is None
        and r["revises"] is None
        and all(c["quote"] is None for c in r["citations"])
    )
    from xiezuo_cli.model.records import RECORD_FIELDS
    from xiezuo_cli.present.output import write_rows

    flat = [
        {**record, "source": citation["source"], "quote": None, "citations": 2}
        for citation in record["citations"]
    ]
    out = io.StringIO(newline="")
    write_rows(flat, RECORD_FIELDS, "csv", out)  # as `xiezuo export --format csv` writes
    source = tmp_path / "two-rows.csv"
    source.write_text(out.getvalue(), encoding="utf-8")
    db = empty_db(tmp_path)
    said = ok(xiezuo("import", source, "--db", db))
    assert "1 added, 1 merged" in said
    stored = db_records(db)[record["id"]]
    assert [c["source"] for c in stored["citations"]] == [c["source"] for c in record["citations"]]


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in bundled_export("jsonl").splitlines()]
    first, second = [r for r in rows if standalone(r) and r["unit"] == "人"][:2]
    first = {**first, "id": "cycle-a", "part_of": "cycle-b"}
    second = {**second, "id": "cycle-b", "part_of": "cycle-a", "pairing": first["pairing"]}
    source = tmp_path / "cycle.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (first, second)),
        encoding="utf-8",
    )
    db = empty_db(tmp_path)
    lines = errors(xiezuo("import", source, "--db", db))
    assert len(lines) == 3
    assert all("field part_of: part_of/revises form a cycle" in line for line in lines[:2])


def test_lock_timeout(tmp_path: Path) -> None:
    from xiezuo_cli.storage import locking

    source = tmp_path / "one.jsonl"
    row = next(r for r in bundled_export("jsonl").splitlines() if standalone(json.loads(r)))
    source.write_text(row + "\n", encoding="utf-8")
    db = empty_db(tmp_path)
    before = db.read_bytes()
    with locking.exclusive(db, timeout=1):
        (line,) = errors(xiezuo("import", source, "--db", db, "--timeout", "0.2"), status=1)
    assert str(db) in line
    assert db.read_bytes() == before
    ok(xiezuo("import", source, "--db", db))  # and with the lock free, it goes in


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """A file of 1 MiB or more: a bar on stderr when it is a terminal, nothing in a pipe."""
    import pty
    import select

    rows = bundled_export("jsonl")
    source = tmp_path / "again.jsonl"
    source.write_text(rows * (1 + (1 << 20) // len(rows.encode("utf-8"))), encoding="utf-8")
    db = tmp_path / "copy.json"
    shutil.copy(BUNDLED, db)
    piped = xiezuo("import", source, "--db", db)
    assert ok(piped).startswith("imported") and piped.stderr == ""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, "import", str(source), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**ENV, "TERM": "xterm", "COLUMNS": "80"},
    )
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    out, _ = process.communicate(timeout=60)
    os.close(master)
    assert process.returncode == 0
    assert "skipped (already there)" in out.decode("utf-8")
    assert "读取".encode() in seen or "检查".encode() in seen
