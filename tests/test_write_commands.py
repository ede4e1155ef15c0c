"""The write commands: init, pairs add, sources add, add (and add --cite), edit, remove.

Each bad input is one readable line naming the option, with the right exit code, and leaves the
database as it was; a walkthrough builds a database from nothing and queries it. Real processes
at once and signals mid-write are in test_write_cli_processes.py; documents.py (the builder the
commands share with import) is checked against every record of the bundled data here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, DATA, ENV, one_error_line
from typer.testing import Result

from xiezuo_cli.authoring import documents, inputs, lookup
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.storage import dataset, store

HELD = DATA / "sources" / "yuhang-cangxi-2021-11-17.txt"
QUOTE = (
    "截至目前，余杭区向苍溪县投入东西部协作专项资金3900万元、财政捐赠资金200万元，"
    "动员社会力量投入帮扶资金251万元。"
)
FACTORY = "余杭区投资2360万元"  # a phrase of the held text

Run = Callable[..., Result]


@pytest.fixture
def db(tmp_path: Path, cli: Run) -> Path:
    """A new database with 余杭→苍溪, 萧山→旺苍, a held source and one known by reference."""
    path = tmp_path / "my.json"
    assert cli("init", str(path)).exit_code == 0
    for provider, receiver in (("余杭", "苍溪"), ("萧山", "旺苍")):
        result = cli("pairs", "add", "--kind", "东西部协作", "--provider", provider,
                     "--receiver", receiver, "--db", str(path))  # fmt: skip
        assert result.exit_code == 0, result.stderr
    text = tmp_path / "article.txt"
    text.write_bytes(HELD.read_bytes())
    result = cli("sources", "add", "--id", "cangxi", "--publisher", "广元市农业农村局",
                 "--published", "2021-11-17", "--text", str(text), "--db", str(path))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = cli("sources", "add", "--id", "chinanews", "--publisher", "中新网四川",
                 "--published", "2021-11-17", "--db", str(path))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def write(cli: Run, db: Path) -> Run:
    """The CLI with --db of the fixture's database."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return cli(*args, "--db", str(db), env=env)

    return invoke


def fund(**changes: str) -> list[str]:
    """`add` options for 苍溪's 3900万元 专项资金, as --name value pairs, with changes."""
    options = {
        "pair": "苍溪",
        "category": "财政援助",
        "measure": "协作资金",
        "item": "东西部协作专项资金",
        "amount": "3900万元",
        "period": "2021-05..2021-11",
        "source": "cangxi",
        "scope": "running_total",
        "actor": "government",
    } | changes
    words: list[str] = []
    for name, value in options.items():
        if value is not None:
            words += [f"--{name.replace('_', '-')}", value]
    return words


def records(path: Path) -> dict[str, dict[str, Any]]:
    return {doc["id"]: doc for doc in store.read_tables(path)["record"]}


def added(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


# ─── init ─────────────────────────────────────────────────────────────────────────────────


def test_init_makes_an_empty_database_with_the_bundled_places(tmp_path: Path, cli: Run) -> None:
    path = tmp_path / "new.json"
    result = cli("init", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"created {path}: 27 places")
    tables = store.read_tables(path)
    bundled = store.read_tables(BUNDLED)
    assert tables["place"] == bundled["place"]
    assert tables["meta"] == bundled["meta"]  # the schema version and the pinyin table
    assert tables["pairing"] == tables["source"] == tables["record"] == []
    loaded = dataset.load(path)
    assert len(loaded.places) == 27 and not loaded.records


def test_init_refuses_to_overwrite(tmp_path: Path, cli: Run) -> None:
    path = tmp_path / "taken.json"
    path.write_text("something else")
    result = cli("init", str(path))
    assert result.exit_code == 2
    assert one_error_line(result).endswith("taken.json exists; refusing to overwrite")
    assert path.read_text() == "something else"


# ─── the walkthrough ──────────────────────────────────────────────────────────────────────


def test_walkthrough_init_pairs_sources_add_query_edit_remove(
    tmp_path: Path, cli: Run, db: Path, write: Run
) -> None:
    tables = store.read_tables(db)
    assert [p["id"] for p in tables["pairing"]] == ["yuhang-cangxi", "xiaoshan-wangcang"]
    yuhang = tables["pairing"][0]
    bundled_yuhang = store.read_tables(BUNDLED)["pairing"][0]
    assert yuhang["names"] == bundled_yuhang["names"]  # the provider–receiver forms, no pypinyin
    assert (tmp_path / "sources" / "cangxi.txt").read_bytes() == HELD.read_bytes()
    source = tables["source"][0]
    assert source["text_held"] and source["text_file"] == "sources/cangxi.txt"

    # add, with the quote found (the one sentence with the figure) and given
    assert added(write("add", *fund())) == "r-1"
    assert added(write("add", *fund(item="厂房", amount="2360万元", period=None, scope=None,
                                    part_of="r-1", quote=FACTORY))) == "r-2"  # fmt: skip
    stored = records(db)
    whole = stored["r-1"]
    assert whole["citations"] == [{"source": "cangxi", "quote": QUOTE, "note": None}]
    assert whole["provider"] == "杭州市余杭区" and whole["receiver_code"] == "510824"
    assert (whole["amount_yuan"], whole["value"], whole["unit"]) == (39000000, 39000000, "元")
    assert (whole["year"], whole["cumulative"], whole["as_of"]) == (2021, False, "2021-11-17")
    assert whole["figure"] == "3900万元" and whole["approx"] == "exact"
    assert stored["r-2"]["part_of"] == "r-1" and stored["r-2"]["citations"][0]["quote"] == FACTORY

    # a second citation, of a source known by reference only
    assert added(write("add", "--cite", "r-1", "--source", "chinanews",
                       "--citation-note", "同为3900万元")) == "r-1"  # fmt: skip
    assert records(db)["r-1"]["citations"][1] == {
        "source": "chinanews",
        "quote": None,
        "note": "同为3900万元",
    }

    # the query commands read it, and never write it
    before = (db.read_bytes(), os.stat(db).st_mtime_ns)
    listed = write("list", "--columns", "id,item,amount_yuan,part_of,citations", "--csv")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines()[1:] == [
        "r-1,东西部协作专项资金,39000000,,2",
        "r-2,厂房,23600000,r-1,1",
    ]
    funds = write("funds", "--csv")
    assert funds.stdout.splitlines()[1] == (
        "yuhang-cangxi,财政援助,财政资金,county,actual,39000000,false,false,1,2021-05,2021-11,,false"
    )
    assert write("cite", "r-1", "--json").exit_code == 0
    assert write("validate").exit_code == 0
    assert (db.read_bytes(), os.stat(db).st_mtime_ns) == before

    # edit: what depends on the changed field is derived again
    assert added(write("edit", "r-2", "--amount", "100余万元", "--period", "2021-05..2022-02",
                       "--quote", "100余万元", "--note", "出自专项资金")) == "r-2"  # fmt: skip
    part = records(db)["r-2"]
    assert (part["amount_yuan"], part["figure"], part["approx"]) == (
        1000000,
        "100余万元",
        "at_least",
    )
    assert (part["year"], part["cumulative"], part["note"]) == (None, True, "出自专项资金")
    line = write("funds", "--csv").stdout.splitlines()[1]
    assert line.endswith(",39000000,false,false,1,2021-05,2021-11,,false")
    assert added(write("edit", "r-2", "--clear", "part_of", "--stage", "allocated")) == "r-2"
    part = records(db)["r-2"]
    assert part["part_of"] is None and part["stage"] == "allocated"

    # remove: a referenced document stays until nothing refers to it
    result = write("remove", "cangxi")
    assert result.exit_code == 2
    assert "cannot remove source cangxi: record r-1 (citation), record r-2 (citation) refer" in (
        one_error_line(result)
    )
    assert write("remove", "r-2").stdout == "removed record r-2\n"
    assert write("remove", "r-1").exit_code == 0
    assert write("remove", "cangxi", "--table", "source").exit_code == 0
    assert not (tmp_path / "sources" / "cangxi.txt").exists()  # the held copy goes with it
    assert write("remove", "yuhang-cangxi").stdout == "removed pairing yuhang-cangxi\n"
    final = dataset.load(db)
    assert not final.records and list(final.pairings) == ["xiaoshan-wangcang"]


def test_figure_forms_and_ids(write: Run, db: Path) -> None:
    assert added(write("add", *fund(amount="39000000", figure="3900万元"))) == "r-1"
    assert added(write("add", *fund(amount=None, value="3900", unit="万元", item="x",
                                    period="2022", source="chinanews"))) == "r-2"  # fmt: skip
    people = fund(amount=None, value="12", unit="人", category="人才交流", measure="人数",
                  item="选派干部", source="chinanews", id="cadres-2021", figure="12名")  # fmt: skip
    assert added(write("add", *people)) == "cadres-2021"
    assert added(write("add", *fund(amount="约5000万元", item="y", source="chinanews",
                                    period="2023", approx="exact"))) == "r-3"  # fmt: skip
    stored = records(db)
    assert stored["r-1"]["figure"] == "3900万元" and stored["r-1"]["amount_yuan"] == 39000000
    assert stored["r-2"]["figure"] == "3900万元" and stored["r-2"]["amount_yuan"] == 39000000
    cadres = stored["cadres-2021"]
    assert (cadres["value"], cadres["unit"], cadres["amount_yuan"], cadres["figure"]) == (
        12,
        "人",
        None,
        "12名",
    )
    assert stored["r-3"]["approx"] == "exact"  # the override beats 约
    result = write("add", *fund(id="cadres-2021", source="chinanews", period="2024"))
    assert result.exit_code == 2
    assert one_error_line(result) == "xiezuo: error: --id: record cadres-2021 exists"


def test_pairing_ids_and_places_by_code(write: Run, db: Path) -> None:
    result = write("pairs", "add", "--kind", "对口支援", "--provider", "330000", "--receiver",
                   "甘孜州", "--since", "2021", "--source", "chinanews")  # fmt: skip
    assert added(result) == "zhejiang-ganzi"
    again = write("pairs", "add", "--kind", "对口支援", "--provider", "浙江", "--receiver",
                  "513300")  # fmt: skip
    assert again.exit_code == 2
    assert "already pairing zhejiang-ganzi" in one_error_line(again)
    other = write("pairs", "add", "--kind", "对口合作", "--provider", "浙江", "--receiver",
                  "513300")  # fmt: skip
    assert added(other) == "zhejiang-ganzi-2"  # another kind between the same places
    named = write("pairs", "add", "--kind", "山海协作", "--provider", "浙江", "--receiver",
                  "甘孜州", "--id", "zj-gz")  # fmt: skip
    assert added(named) == "zj-gz"


# ─── one line, the right exit code, nothing written ───────────────────────────────────────

BAD_ADDS = [
    ({"amount": "-5"}, "--amount: '-5' is negative: an amount is 0 or more"),
    ({"amount": "abc"}, "--amount: 'abc' is not an amount: use 3900万, 2.22亿, 100余万元 or"),
    ({"amount": "1200人"}, "--amount: '1200人' is not money"),
    ({"amount": "0.5元"}, "--amount: '0.5元' is not a whole number of yuan"),
    ({"amount": None, "value": "x", "unit": "人"}, "--value: 'x' is not a number"),
    ({"amount": None, "value": "-3", "unit": "万元"}, "--value: '-3' is negative"),
    ({"category": "财政"}, "--category: '财政' is not one of 财政援助, 社会帮扶"),
    ({"stage": "done"}, "--stage: 'done' is not one of actual, allocated"),
    ({"pair": "火星"}, "--pair: unknown pairing '火星'; known: yuhang-cangxi, xiaoshan-wangcang"),
    ({"pair": "杭州"}, "--pair: unknown pairing '杭州'"),
    ({"source": "nope"}, "--source: no source 'nope' (xiezuo sources add)"),
    ({"source": "Not A Slug"}, "--source: 'Not A Slug' is not an id"),
    ({"part_of": "r-99"}, "--part-of: no record 'r-99'"),
    ({"revises": "r-99"}, "--revises: no record 'r-99'"),
    ({"period": "2021-13-45"}, "--period: '2021-13-45' is not a real date (1949–2100; use 2021,"),
    ({"period": "May 2021"}, "--period: 'May 2021' is not a date: use 2021, 2021-05 or 2021-05-17"),
    ({"period": "2021-02-30"}, "--period: '2021-02-30' is not a real date"),
    ({"period": "2021-11..2021-05"}, "--period: the period ends (2021-05) before it starts"),
    ({"as_of": "2021-13-45"}, "--as-of: '2021-13-45' is not a real date"),
    ({"quote": ""}, "--quote: empty: give the sentence, or leave --quote out"),
    (
        {"quote": "余杭区向苍溪县投入了一个亿"},
        "--quote: not found verbatim in the held text of cangxi",
    ),
    (
        {"quote": "截至目前，余杭区向苍溪县投入东西部协作专项资金"},
        "--quote: does not hold the figure's",
    ),
    ({"source": "chinanews", "quote": "专项资金3900万元"}, "--quote: the text of chinanews is not"),
    ({"amount": "5000万元"}, "--quote: missing: '5000万元' is in 0 sentences of the held text"),
    ({"figure": "4000万元"}, "--figure: '4000万元' says 40000000 yuan, the amount 39000000"),
    ({"measure": None}, "--measure is required"),
    ({"amount": "3900万", "value": "1"}, "--amount: give an amount, or --value and --unit, not"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_ADDS, ids=[m for _, m in BAD_ADDS])
def test_bad_add_is_one_line_exit_2_and_writes_nothing(
    write: Run, db: Path, changes: dict[str, str], message: str
) -> None:
    before = db.read_bytes()
    result = write("add", *fund(**changes))
    assert result.exit_code == 2, result.stdout
    assert one_error_line(result).startswith("xiezuo: error: " + message), result.stderr
    assert result.stdout == ""
    assert db.read_bytes() == before


@pytest.fixture
def whole(write: Run, db: Path) -> Path:
    """r-1: 苍溪's 3900万元 (a running total, 2021); r-2: 旺苍's 12 people; r-3: a 2000万 part."""
    assert added(write("add", *fund())) == "r-1"
    people = fund(pair="旺苍", amount=None, value="12", unit="人", category="人才交流",
                  measure="人数", item="干部", source="chinanews", scope=None)  # fmt: skip
    assert added(write("add", *people)) == "r-2"
    part = fund(item="x", amount="2000万元", source="chinanews", part_of="r-1", scope=None)
    assert added(write("add", *part)) == "r-3"
    return db


BAD_LINKS = [
    (
        {"pair": "旺苍", "part_of": "r-1", "scope": None},
        "--part-of: r-1 belongs to yuhang-cangxi, which is neither this pairing "
        "(xiaoshan-wangcang) nor one above it",
    ),
    ({"part_of": "r-2", "scope": None}, "--part-of: r-2 belongs to xiaoshan-wangcang"),
    ({"amount": "4000万元", "part_of": "r-1"}, "--part-of: this (4000万元) is larger than its"),
    ({"amount": "2000万元", "part_of": "r-1"}, "--part-of: with the other parts of r-1 this adds"),
    ({"category": "社会帮扶", "revises": "r-1"}, "--revises: r-1 has another category (财政援助)"),
    ({"measure": "财政捐赠", "revises": "r-1"}, "--revises: r-1 has another measure (协作资金)"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_LINKS, ids=[m for _, m in BAD_LINKS])
def test_part_of_or_revises_where_it_cannot_belong(
    write: Run, whole: Path, changes: dict[str, str], message: str
) -> None:
    before = whole.read_bytes()
    result = write("add", *fund(source="chinanews", item="new", **changes))
    assert result.exit_code == 2, result.stdout
    assert one_error_line(result).startswith("xiezuo: error: " + message), result.stderr
    assert whole.read_bytes() == before


def test_overlapping_running_totals_are_refused_by_the_loaders_rule(
    write: Run, whole: Path
) -> None:
    result = write("add", *fund(source="chinanews", amount="4000万元", item="again"))
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "overlaps the running total" in line and line.endswith("nothing was written")


def test_edit_and_remove_refusals(write: Run, whole: Path) -> None:
    before = whole.read_bytes()
    cases = [
        (("edit", "r-1", "--amount", "1000万元"), "--quote: does not hold the figure's number"),
        (("edit", "r-3", "--part-of", "r-3"), "--part-of: r-3 is this record itself"),
        (("edit", "r-1", "--part-of", "r-3"), "--part-of: r-3 is itself (within) a part of"),
        (("edit", "r-9", "--note", "x"), "no record 'r-9'"),
        (("edit", "r-1"), "nothing to change: give a field's option, --quote or --clear"),
        (("edit", "r-1", "--clear", "stage"), "invalid --clear 'stage': choose one of part_of"),
        (("edit", "r-1", "--period", "2021-13"), "--period: '2021-13' is not a real date"),
        (("remove", "r-1"), "cannot remove record r-1: record r-3 (part_of) refers to it"),
        (("remove", "yuhang-cangxi"), "cannot remove pairing yuhang-cangxi: record r-1, record"),
        (("remove", "chinanews"), "cannot remove source chinanews: record r-2 (citation)"),
        (("remove", "nothing"), "no record, pairing or source 'nothing'"),
        (("add", "--cite", "r-1", "--source", "cangxi"), "--source: r-1 already cites cangxi"),
        (("add", "--cite", "r-9", "--source", "cangxi"), "--cite: no record 'r-9'"),
        (
            ("add", "--cite", "r-1", "--source", "chinanews", "--item", "x"),
            "--item: --cite adds a citation to an existing record",
        ),
    ]
    for args, message in cases:
        result = write(*args)
        assert result.exit_code == 2, (args, result.stdout)
        assert one_error_line(result).startswith("xiezuo: error: " + message), result.stderr
    assert whole.read_bytes() == before


def test_bad_pairs_and_sources(write: Run, db: Path, tmp_path: Path) -> None:
    before = db.read_bytes()
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("余杭区投入3900万元。".encode("gb18030"))
    cases = [
        (("pairs", "add", "--kind", "东西部协作", "--provider", "火星", "--receiver", "苍溪"),
         "--provider: unknown place '火星': neither in the database's place table nor among the "
         "country's places"),
        (("pairs", "add", "--kind", "东西部协作", "--provider", "广安", "--receiver", "苍溪"),
         "--provider: '广安' fits 2 places: 广安市 (511600, in 四川省), "
         "广安市广安区 (511602, in 广安市); give its code"),
        (("pairs", "add", "--kind", "协作", "--provider", "余杭", "--receiver", "苍溪"),
         "--kind: '协作' is not one of 东西部协作"),
        (("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "余杭区"),
         "--receiver: 杭州市余杭区 is also the provider"),
        (("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪"),
         "--receiver: 杭州市余杭区 → 广元市苍溪县 (东西部协作) is already pairing yuhang-cangxi"),
        (("pairs", "add", "--kind", "对口支援", "--provider", "余杭", "--receiver", "康定",
          "--since", "2021-13"), "--since: '2021-13' is not a real date"),
        (("pairs", "add", "--kind", "对口支援", "--provider", "余杭", "--receiver", "康定",
          "--source", "nope"), "--source: no source 'nope'"),
        (("sources", "add", "--id", "x", "--publisher", "p", "--published", "2021-13-45"),
         "--published: '2021-13-45' is not a real date"),
        (("sources", "add", "--id", "cangxi", "--publisher", "p", "--published", "2021"),
         "--id: source cangxi exists"),
        (("sources", "add", "--id", "x", "--publisher", "p", "--published", "2021",
          "--url", "not a url"), "--url: 'not a url' is not a URL"),
        (("sources", "add", "--id", "x", "--publisher", "p"), "--published is required"),
        (("add", *fund(), "--timeout", "soon"), "invalid --timeout 'soon'"),
    ]  # fmt: skip
    for args, message in cases:
        result = write(*args)
        assert result.exit_code == 2, (args, result.stdout)
        assert one_error_line(result).startswith("xiezuo: error: " + message), result.stderr
    # A file that cannot be read is a file error, exit 3, as for every file xiezuo reads.
    missing = tmp_path / "missing.txt"
    result = write("sources", "add", "--id", "x", "--publisher", "p", "--published", "2021",
                   "--text", str(missing))  # fmt: skip
    assert result.exit_code == 3
    assert one_error_line(result) == f"xiezuo: error: {missing}: no such file"
    assert db.read_bytes() == before
    assert added(write("sources", "add", "--id", "gbk", "--publisher", "p", "--published",
                       "2021", "--text", str(gbk))) == "gbk"  # fmt: skip
    # held as extract reads an article: decoded, cleaned, one line end at the end
    held = (tmp_path / "sources" / "gbk.txt").read_text(encoding="utf-8")
    assert held == "余杭区投入3900万元。\n"


def test_the_bundled_database_and_missing_files(cli: Run, tmp_path: Path) -> None:
    """Writes refuse the bundled data (XIEZUO_DB names it in these tests, as --db may) and never
    make a database; init is the one command that does."""
    bundled = BUNDLED.read_bytes()
    for extra in ((), ("--db", str(BUNDLED))):
        result = cli("add", *fund(), *extra)
        assert result.exit_code == 2
        assert one_error_line(result) == (
            "xiezuo: error: xiezuo add changes a database and the bundled data is read-only: "
            "make one with `xiezuo init PATH` and give --db PATH (or XIEZUO_DB)"
        )
    result = cli("remove", "r-1", env={"XIEZUO_DB": ""})
    assert result.exit_code == 2 and "XIEZUO_DB is set but empty" in one_error_line(result)
    missing = tmp_path / "missing.json"
    result = cli("add", *fund(), "--db", str(missing))
    assert result.exit_code == 3
    assert one_error_line(result).endswith("missing.json: no such file (make a database with "
                                           "`xiezuo init PATH`)")  # fmt: skip
    assert not missing.exists()
    assert BUNDLED.read_bytes() == bundled


HOLD = """
import sys
from xiezuo_cli.storage import locking
with locking.exclusive(sys.argv[1], timeout=5):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_writer_waits_then_gives_up_exit_1(write: Run, db: Path) -> None:
    before = db.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        result = write("add", *fund(), "--timeout", "0.2")
    finally:
        holder.communicate(b"\n", timeout=30)
    assert result.exit_code == 1
    assert "another process is changing it" in one_error_line(result)
    assert db.read_bytes() == before
    assert added(write("add", *fund(), "--timeout", "0.2")) == "r-1"


def test_a_held_text_is_read_and_cleaned_as_extract_reads_an_article(
    write: Run, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One reading rule (extract.read_article): traditional characters converted with the
    package's own OpenCC tables, whether or not OpenCC is installed; pinyin glosses dropped;
    a scraper's half-width commas made Chinese. The quote `extract` drafts is then found in the
    held text, so `add --quote` takes it."""
    traditional = tmp_path / "trad.txt"
    traditional.write_text("蕭山區投入協作資金3900萬元。\r\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "opencc", None)  # as if not installed: no difference
    result = write("sources", "add", "--id", "trad", "--publisher", "p", "--published", "2022",
                   "--text", str(traditional))  # fmt: skip
    assert added(result) == "trad"
    assert result.stderr == "xiezuo: note: sources/trad.txt: converted to simplified Chinese " \
        "(OpenCC)\n"  # fmt: skip
    assert (tmp_path / "sources" / "trad.txt").read_text(encoding="utf-8") == (
        "萧山区投入协作资金3900万元。\n"
    )
    glossed = tmp_path / "glossed.txt"
    glossed.write_text(
        "余杭区向苍溪县投(tóu)入资金300万元,帮助销售农产品1085万元。\n", encoding="utf-8"
    )
    result = write("sources", "add", "--id", "glossed", "--publisher", "p", "--published",
                   "2022", "--text", str(glossed))  # fmt: skip
    assert added(result) == "glossed"
    assert result.stderr == "xiezuo: note: sources/glossed.txt: 1 pinyin glosses dropped " \
        "(報(bào)道 → 报道)\n"  # fmt: skip
    cleaned = "余杭区向苍溪县投入资金300万元，帮助销售农产品1085万元。\n"
    assert (tmp_path / "sources" / "glossed.txt").read_text(encoding="utf-8") == cleaned
    drafted = write("extract", str(glossed), "--source", "glossed", "--json")
    assert drafted.exit_code == 0, drafted.stderr
    quote = json.loads(drafted.stdout)[0]["quote"]
    assert quote == cleaned.strip()
    result = write("add", "--pair", "苍溪", "--category", "财政援助", "--measure", "协作资金",
                   "--item", "资金", "--amount", "300万元", "--source", "glossed",
                   "--quote", quote)  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_a_failed_source_add_takes_its_text_back(
    write: Run, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "a.txt"
    text.write_text("一句话。", encoding="utf-8")
    result = write("sources", "add", "--id", "cangxi", "--publisher", "p", "--published",
                   "2022", "--text", str(text))  # fmt: skip
    assert result.exit_code == 2  # the id exists: its held text is untouched
    assert (tmp_path / "sources" / "cangxi.txt").read_bytes() == HELD.read_bytes()
    (tmp_path / "sources" / "other.txt").write_text("别的文本。", encoding="utf-8")
    result = write("sources", "add", "--id", "other", "--publisher", "p", "--published",
                   "2022", "--text", str(text))  # fmt: skip
    assert result.exit_code == 2
    assert "sources/other.txt exists and holds another text" in one_error_line(result)

    def refuse(shown: str, tables: object) -> None:
        raise UsageProblem("refused")

    monkeypatch.setattr(store, "validate_change", refuse)  # fails after the text is written
    result = write("sources", "add", "--id", "late", "--publisher", "p", "--published",
                   "2022", "--text", str(text))  # fmt: skip
    assert result.exit_code == 2 and one_error_line(result) == "xiezuo: error: refused"
    assert not (tmp_path / "sources" / "late.txt").exists()


def test_both_command_line_paths_write_the_same(tmp_path: Path) -> None:
    """The pre-parser and Typer, in real processes: the same databases, byte for byte."""
    made = []
    for fast in (True, False):
        folder = tmp_path / ("fast" if fast else "typer")
        folder.mkdir()
        (folder / "a.txt").write_bytes(HELD.read_bytes())
        env = {**os.environ, **ENV, "XIEZUO_DB": str(folder / "db.json")}
        if not fast:
            env["XIEZUO_NO_FASTPATH"] = "1"
        steps = [
            ["init", str(folder / "db.json")],
            ["pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪"],
            ["sources", "add", "--id", "cangxi", "--publisher", "p", "--published",
             "2021-11-17", "--text", "a.txt"],
            ["add", *fund()],
            ["edit", "r-1", "--note", "改"],
        ]  # fmt: skip
        for step in steps:
            done = subprocess.run(
                [sys.executable, "-m", "xiezuo_cli", *step],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr
        made.append((folder / "db.json").read_bytes())
    assert made[0] == made[1]
    assert json.loads(made[0])["record"]["1"]["note"] == "改"


# ─── authoring, the builder shared with import ────────────────────────────────────────────


def test_every_bundled_record_is_rebuilt_exactly_by_authoring() -> None:
    """record_document gives the build's shape: each bundled record, taken back to user-level
    fields and built again (against the rest), is the stored document: a derived figure too,
    whose quote holds the numbers it was worked out from, not the figure."""
    tables = store.read_tables(BUNDLED)
    for document in tables["record"]:
        others = {**tables, "record": [d for d in tables["record"] if d is not document]}
        fields = documents.record_fields(document)
        assert documents.record_document(fields, others, str(DATA)) == document


def test_a_derived_figure_needs_its_derivation_to_pass_a_quote_without_its_number() -> None:
    tables = store.read_tables(BUNDLED)
    (document,) = [d for d in tables["record"] if d["id"] == "wangcang-project-funds-2021"]
    others = {**tables, "record": [d for d in tables["record"] if d is not document]}
    fields = documents.record_fields(document)
    del fields["derivation"]
    with pytest.raises(inputs.FieldError, match="does not hold the figure's number"):
        documents.record_document(fields, others, str(DATA))


def test_pair_names_and_ids_from_the_place_table_alone() -> None:
    tables = store.read_tables(BUNDLED)
    places = {place["id"]: place for place in tables["place"]}
    for pairing in tables["pairing"]:
        provider, receiver = places[pairing["provider"]], places[pairing["receiver"]]
        names = lookup.pair_names(pairing["id"], provider, receiver)
        assert names == pairing["names"]["pair"], pairing["id"]
        if pairing["id"] != "lishui-partners":  # a curated id
            assert lookup.next_pairing_id(provider, receiver, {"pairing": []}) == pairing["id"]


def test_authoring_errors_name_the_field() -> None:
    tables = documents.new_database_tables()
    with pytest.raises(inputs.FieldError) as caught:
        documents.record_document({"pairing": "苍溪", "colour": "red"}, tables, None)
    assert (caught.value.field, str(caught.value)) == (
        "colour",
        "colour: no such field; the fields are " + ", ".join(documents.RECORD_INPUT_FIELDS),
    )
    assert lookup.next_record_id({"record": [{"id": "r-9"}, {"id": "x-12"}]}) == "r-10"
    assert lookup.next_record_id(tables) == "r-1"
