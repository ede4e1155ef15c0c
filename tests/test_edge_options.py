"""Options at the edge: typed once, comma lists, conflicts, -o FILE, sorting, counts, help by
display width, completion. Expected values come from the YAML data files or are literals checked
by hand; processes are real where the behaviour is about processes (pipefail, completion)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BUNDLED, DATA, one_error_line

MODULE = [sys.executable, "-m", "xiezuo_cli"]


def rows(result: Any) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def yaml_records() -> list[dict[str, Any]]:
    found = []
    for name in ("records.yaml", "records-facts.yaml"):
        found += yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return found


# ─── usage errors: one line, exit 2, on both paths ─────────────────────────────────────────


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--excel", "--json"], "--excel makes CSV for spreadsheets"),
        (["list", "--excel", "--format", "tsv"], "--excel makes CSV for spreadsheets"),
        (["list", "--no-headers", "--json"], "--no-headers is for CSV and TSV"),
        (["list", "--desc"], "--desc sorts in descending order: give --sort FIELD with it"),
        (["list", "--min", "1亿", "--max", "1000万"], "--min 1亿 is above --max 1000万"),
        (["list", "--db", ""], "--db is empty"),
        (["list", "--limit", "3", "--limit", "4"], "--limit was given 2 times; give it once"),
        (["list", "--format", "csv", "-f", "json"], "--format was given 2 times"),
        (["funds", "--roll-up", "city", "--roll-up", "province"], "--roll-up was given 2 times"),
        (["list", "--pair="], "--pair is empty"),
        (["list", "--category", ","], "--category is empty"),
        (["list", "--output", ""], "--output is empty"),
        (["funds", "--unit-of", "人"], "--unit-of picks units of counts: give --counts with it"),
        (["funds", "--by", "pairing,bogus"], "invalid --by 'bogus'"),
        (["pairs", "--sort", "bogus"], "invalid --sort 'bogus'"),
    ],
)
@pytest.mark.parametrize("path", ["fast", "typer"])
def test_conflicting_or_empty_options_are_usage_errors(
    cli: Callable, args: list[str], message: str, path: str
) -> None:
    env = {"XIEZUO_NO_FASTPATH": "1"} if path == "typer" else {}
    result = cli(*args, env=env)
    assert result.exit_code == 2
    assert message in one_error_line(result)


def test_an_empty_xiezuo_db_never_selects_the_bundled_data(cli: Callable) -> None:
    result = cli("list", env={"XIEZUO_DB": ""})
    assert result.exit_code == 2
    assert "XIEZUO_DB is set but empty" in one_error_line(result)


def test_an_unset_xiezuo_db_is_the_bundled_data() -> None:
    env = {k: v for k, v in os.environ.items() if k != "XIEZUO_DB"}
    done = subprocess.run([*MODULE, "validate"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "191 records" in done.stdout


# ─── comma lists ───────────────────────────────────────────────────────────────────────────


def test_repeatable_options_take_comma_lists(cli: Callable) -> None:
    repeated = cli("list", "--category", "财政援助", "--category", "社会帮扶", "--csv")
    listed = cli("list", "--category", "财政援助,社会帮扶", "--csv")
    full_width = cli("list", "--category", "财政援助，社会帮扶", "--csv")
    assert rows(repeated) == rows(listed) == rows(full_width)
    expected = {r["id"] for r in yaml_records() if r["category"] in ("财政援助", "社会帮扶")}
    assert {row["id"] for row in rows(listed)} == expected


def test_by_takes_a_comma_list(cli: Callable) -> None:
    one = rows(cli("funds", "--by", "pairing,year", "--pair", "苍溪", "--csv"))
    two = rows(cli("funds", "--by", "pairing", "--by", "year", "--pair", "苍溪", "--csv"))
    assert one == two
    assert list(one[0])[:3] == ["pairing", "year", "span"]


# ─── -o FILE ───────────────────────────────────────────────────────────────────────────────


def test_output_file_holds_what_stdout_would(cli: Callable, tmp_path: Path) -> None:
    target = tmp_path / "funds.csv"
    result = cli("funds", "--pair", "苍溪", "--csv", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == cli("funds", "--pair", "苍溪", "--csv").stdout


def test_output_dash_is_stdout(cli: Callable) -> None:
    assert cli("pairs", "--csv", "-o", "-").stdout == cli("pairs", "--csv").stdout


def test_output_to_a_file_defaults_to_csv_not_a_table(cli: Callable, tmp_path: Path) -> None:
    target = tmp_path / "list.out"
    assert cli("list", "--pair", "苍溪", "--output", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("id,pairing,kind,level,")


def test_a_failed_command_leaves_the_old_file_whole(cli: Callable, tmp_path: Path) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("old,content\n", encoding="utf-8")
    target.chmod(0o640)
    result = cli("list", "--pair", "火星", "-o", str(target))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "old,content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]  # no temporary left
    assert cli("list", "--pair", "苍溪", "-o", str(target)).exit_code == 0
    assert (target.stat().st_mode & 0o777) == 0o640  # the file keeps its permissions
    assert target.read_text(encoding="utf-8").startswith("id,")


def test_output_into_a_folder_or_nowhere_is_a_usage_error(cli: Callable, tmp_path: Path) -> None:
    for target in (tmp_path, tmp_path / "no" / "such" / "x.csv"):
        result = cli("pairs", "-o", str(target))
        assert result.exit_code == 2
        assert "cannot write" in one_error_line(result)


def test_validate_and_export_take_output_files(cli: Callable, tmp_path: Path) -> None:
    summary, records = tmp_path / "ok.txt", tmp_path / "records.json"
    assert cli("validate", "-o", str(summary)).exit_code == 0
    assert summary.read_text(encoding="utf-8").startswith("ok: ")
    assert cli("export", "--in", "四川", "-o", str(records)).exit_code == 0
    assert len(json.loads(records.read_text(encoding="utf-8"))) > 0


# ─── export takes the filters and the output options ───────────────────────────────────────


def test_export_takes_the_shared_filters(cli: Callable) -> None:
    exported = rows(cli("export", "--pair", "苍溪", "--category", "财政援助", "--format", "csv"))
    expected = sorted(
        r["id"]
        for r in yaml_records()
        if r["pairing"] == "yuhang-cangxi" and r["category"] == "财政援助"
    )
    assert [row["id"] for row in exported] == expected
    assert json.loads(cli("export", "--pair", "苍溪", "--money", "--json").stdout)[0]["citations"]


# ─── sorting and limits ────────────────────────────────────────────────────────────────────


def test_funds_sort_desc_limit(cli: Callable) -> None:
    all_rows = rows(cli("funds", "--csv"))
    top = rows(cli("funds", "--sort", "amount_yuan", "--desc", "--limit", "2", "--csv"))
    expected = sorted(all_rows, key=lambda r: -int(r["amount_yuan"]))[:2]
    assert top == expected


def test_pairs_sort_by_fiscal_aid(cli: Callable) -> None:
    found = rows(cli("pairs", "--sort", "fiscal_aid_yuan", "--desc", "--limit", "3", "--csv"))
    # 浙江→四川 has no one figure (a running total overlaps its 2021 figure): it sorts last, as a
    # missing value does
    assert [r["id"] for r in found] == [
        "xiaoshan-kangding",
        "binjiang-chaotian",
        "xiaoshan-wangcang",
    ]


def test_list_sorts_by_several_keys_chinese_by_pinyin(cli: Callable) -> None:
    from pypinyin import lazy_pinyin  # independent of the table the build stores

    result = rows(cli("list", "--pair", "苍溪", "--sort", "category,item", "--csv"))
    got = [(r["category"], r["item"]) for r in result]

    def key(text: str) -> str:  # each character's own reading, as the README says
        return "".join(
            lazy_pinyin(ch)[0] + " " if "\u4e00" <= ch <= "\u9fff" else ch for ch in text
        )

    records = [r for r in yaml_records() if r["pairing"] == "yuhang-cangxi"]
    pairs = ((r["category"], r["item"]) for r in records)
    expected = sorted(pairs, key=lambda p: (key(p[0]).casefold(), key(p[1]).casefold()))
    assert got == expected
    assert got[0][0] == "财政援助" and got[-1][0] == "携手促振兴"  # cai … xie


def test_missing_values_sort_last_either_way(cli: Callable) -> None:
    for direction in ([], ["--desc"]):
        result = rows(cli("list", "--pair", "苍溪", "--sort", "amount_yuan", *direction, "--csv"))
        amounts = [r["amount_yuan"] for r in result]
        first_missing = amounts.index("")
        assert all(a == "" for a in amounts[first_missing:])


# ─── counts ────────────────────────────────────────────────────────────────────────────────


def test_counts_add_people_with_people_only(cli: Callable) -> None:
    result = rows(cli("funds", "--counts", "--pair", "苍溪", "--csv"))
    assert all("value" in row and "amount_yuan" not in row for row in result)
    people = [r for r in result if r["unit"] == "人" and r["category"] == "人才交流"]
    expected = sum(
        r["value"]
        for r in yaml_records()
        if r["pairing"] == "yuhang-cangxi"
        and r.get("unit") == "人"
        and r["category"] == "人才交流"
        and not r.get("part_of")
    )
    assert [int(float(r["value"])) for r in people] == [expected]
    units = {(r["category"], r["measure"], r["unit"]) for r in result}
    assert len(units) == len(result)  # one unit per row, never across units


def test_counts_skip_parts_of_a_counted_whole(cli: Callable) -> None:
    explained = rows(cli("funds", "--counts", "--pair", "石渠", "--explain", "--csv"))
    reasons = {r["id"]: r["reason"] for r in explained}
    assert reasons["shiqu-project-primary-school"] == "part_of"
    assert reasons["shiqu-projects-2024"] == "summed"


# ─── help wraps by display width ───────────────────────────────────────────────────────────


def _width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
@pytest.mark.parametrize("command", [[], ["funds"], ["list"], ["show"], ["filter"]])
def test_help_fits_the_terminal_by_display_width(
    cli: Callable, columns: int, command: list[str]
) -> None:
    result = cli(*command, "--help", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        # a line wider than the terminal may only be one unbreakable word
        assert _width(line) <= columns or " " not in line.strip(), (columns, line)
        assert line == line.rstrip()


def test_help_examples_need_no_quoting_or_are_quoted(cli: Callable) -> None:
    text = cli("filter", "--help").stdout
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("xiezuo filter"):
            for word in line.split()[2:]:
                assert not any(op in word for op in (">", "<")) or word.startswith("'"), line


# ─── completion, through the real process ──────────────────────────────────────────────────


def complete(words: str, cword: int) -> list[str]:
    env = {
        **os.environ,
        "_XIEZUO_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "XIEZUO_DB": str(BUNDLED),
    }
    done = subprocess.run(MODULE, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stderr == ""
    return done.stdout.split()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("xiezuo list --category 财政", 3, ["财政援助"]),
        ("xiezuo list --format j", 3, ["json", "jsonl"]),
        ("xiezuo list --stage pl", 3, ["pledged", "planned"]),
        ("xiezuo funds --by pairing,ye", 3, ["pairing,year"]),
        ("xiezuo funds --roll-up p", 3, ["province"]),
        ("xiezuo list --columns id,ite", 3, ["id,item"]),
        ("xiezuo cite cangxi-spec", 2, ["cangxi-special-fund"]),
        ("xiezuo show 旺", 2, ["旺苍"]),
    ],
)
def test_completion_of_choices_ids_fields_and_places(
    words: str, cword: int, expected: list[str]
) -> None:
    assert sorted(complete(words, cword)) == sorted(expected)


def test_place_completion_by_characters_and_traditional() -> None:
    places = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))
    names = {p[key] for p in places for key in ("short", "full_name") if p[key].startswith("广")}
    assert sorted(complete("xiezuo list --in 广", 3)) == sorted(names)
    traditional = complete("xiezuo list --in 廣", 3)
    assert {"廣元", "廣安"} <= set(traditional)
    assert all(name.startswith("廣") for name in traditional)
    assert complete("xiezuo list --from hang", 3)[:1] == ["hangzhou"]


# ─── pipefail ──────────────────────────────────────────────────────────────────────────────


def test_pipefail_sees_141_when_the_reader_leaves_early() -> None:
    script = (
        "set -o pipefail; "
        f"{' '.join(MODULE)} list --csv | head -1 > /dev/null; echo status=$?; "
        f"{' '.join(MODULE)} list --csv | head -1 > /dev/null || [ $? -eq 141 ]; echo ok=$?"
    )
    env = {**os.environ, "XIEZUO_DB": str(BUNDLED)}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["status=141", "ok=0"]
    assert done.stderr == ""


# ─── export to SQLite through the CLI ──────────────────────────────────────────────────────


def test_export_sqlite_needs_a_file_and_gives_the_funds_totals(
    cli: Callable, tmp_path: Path
) -> None:
    import sqlite3

    refused = cli("export", "--format", "sqlite")
    assert refused.exit_code == 2
    assert "give -o FILE" in one_error_line(refused)
    assert cli("list", "--format", "sqlite", "-o", str(tmp_path / "x")).exit_code == 2
    target = tmp_path / "xiezuo.sqlite"
    assert cli("export", "--format", "sqlite", "-o", str(target)).exit_code == 0
    with sqlite3.connect(target) as db:
        found = db.execute(
            "select pairing, category, measure, level, stage, amount_yuan from fund_totals"
        ).fetchall()
    expected = [
        (r["pairing"], r["category"], r["measure"], r["level"], r["stage"], int(r["amount_yuan"]))
        for r in rows(cli("funds", "--csv"))
    ]
    assert sorted(found) == sorted(expected)
