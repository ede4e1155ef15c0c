"""Issue 17, the data grows: a copy of the bundled data plus new articles entered as a user
would (`sources add` for each article, `places add` for a group, then one sheet), and every
refusal on the way (one line, its exit code, nothing written).

The expected totals are worked out here from the sheet's own figures, by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import one_error_line
from typer.testing import Result

Run = Callable[..., Result]

ARTICLES = (
    ("taizhou-2024-05-10", "台州日报", "2024-05-10"),
    ("renmin-2024-03-01", "人民日报", "2024-03-01"),
    ("xinhua-2024-03-02", "新华社", "2024-03-02"),
    ("ningbo-2024-01-15", "宁波日报", "2024-01-15"),
    ("taizhou-2024-12-20", "台州日报", "2024-12-20"),
)
HEADER = "编号,支援方,受援方,类型,类别,口径,事项,数字,时期,累计,来源,含于,修订,同一数字,备注"
# Figures as the articles write them; what each is in yuan, worked out by hand.
WHOLE, PART = "三千万元", "８６５万元"  # 30,000,000 and 8,650,000 (full-width digits)
SOCIAL, SOCIAL_REVISED = "500万元", "520万元"
NATIONAL = "231.4亿元"  # 23,140,000,000
GROUP = "约1.2亿元"  # 120,000,000, about
SHEET_ROWS = (
    # a county pairing of two places the old table lacked: 路桥 by its code, 剑阁 by name
    f"lq-whole,331004,剑阁,东西部协作,财政援助,协作资金,财政援助资金,{WHOLE},2023,否,"
    "taizhou-2024-05-10,,,,",
    f"lq-part,路桥,剑阁县,东西部协作,财政援助,协作资金,产业项目资金,{PART},2023,否,"
    "taizhou-2024-05-10,lq-whole,,,",
    f"lq-social,路桥区,剑阁,东西部协作,社会帮扶,捐款,社会捐款,{SOCIAL},2023,否,"
    "taizhou-2024-05-10,,,,",
    f"lq-social-2,路桥区,剑阁,东西部协作,社会帮扶,捐款,社会捐款,{SOCIAL_REVISED},2023,否,"
    "taizhou-2024-12-20,,lq-social,,年终核定",
    # the nation's east–west total, reported by two outlets: one figure, two citations
    f"nat-2023,全国,全国,东西部协作,财政援助,协作资金,东西部协作财政援助资金,{NATIONAL},2023,否,"
    "renmin-2024-03-01,,,,",
    ",,,,,,,,,,xinhua-2024-03-02,,,nat-2023,同为231.4亿元",
    # a group receiver
    f"fh-2023,奉化,fenghua-partners,对口支援,财政援助,协作资金,对口地区财政援助资金,{GROUP},2023,否,"
    "ningbo-2024-01-15,,,,",
)


def _database(tmp_path: Path, db_copy: Callable[..., Path], cli: Run) -> Path:
    path = db_copy()
    for source_id, publisher, published in ARTICLES:
        result = cli("sources", "add", "--id", source_id, "--publisher", publisher,
                     "--published", published, "--db", str(path))  # fmt: skip
        assert result.exit_code == 0, result.stderr
    result = cli("places", "add", "奉化对口地区", "--group", "--member", "延边州", "--member",
                 "黔西南州", "--id", "fenghua-partners", "--db", str(path))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return path


def _sheet(tmp_path: Path, *rows: str, encoding: str = "utf-8") -> Path:
    sheet = tmp_path / "articles.csv"
    sheet.write_bytes(("\n".join((HEADER, *rows)) + "\n").encode(encoding))
    return sheet


def _funds(cli: Run, db: Path, pair: str) -> list[dict[str, Any]]:
    result = cli("funds", "--pair", pair, "--json", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def _record(db: Path, record_id: str) -> dict[str, Any]:
    data = json.loads(db.read_text(encoding="utf-8"))
    return next(r for r in data["record"].values() if r["id"] == record_id)


@pytest.fixture
def grown(tmp_path: Path, db_copy: Callable[..., Path], cli: Run) -> Path:
    db = _database(tmp_path, db_copy, cli)
    result = cli("import", str(_sheet(tmp_path, *SHEET_ROWS, encoding="gb18030")), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    return db


def test_a_sheet_of_new_articles_goes_in_and_funds_totals_it(grown: Path, cli: Run) -> None:
    data = json.loads(grown.read_text(encoding="utf-8"))
    places = {p["id"]: p for p in data["place"].values()}
    # the new places and the places above them, copied from the country's list
    assert (
        places["331004"]["full_name"] == "台州市路桥区" and places["331004"]["parent"] == "331000"
    )
    assert places["331000"]["name"] == "台州市" and places["510823"]["name"] == "剑阁县"
    assert places["quanguo"]["level"] == "nation"
    assert places["fenghua-partners"]["members"] == ["222400", "522300"]
    luqiao = _funds(cli, grown, "路桥")
    by_category = {row["category"]: row for row in luqiao}
    # the part is inside its whole: 30,000,000, not 38,650,000
    assert by_category["财政援助"]["amount_yuan"] == 30_000_000
    # the revision replaces the figure it revises: 5,200,000, not 10,200,000
    assert by_category["社会帮扶"]["amount_yuan"] == 5_200_000
    assert _record(grown, "lq-part")["amount_yuan"] == 8_650_000
    assert _record(grown, "lq-part")["part_of"] == "lq-whole"
    (national,) = _funds(cli, grown, "全国")
    assert national["amount_yuan"] == 23_140_000_000 and national["records"] == 1
    cited = _record(grown, "nat-2023")["citations"]
    assert [c["source"] for c in cited] == ["renmin-2024-03-01", "xinhua-2024-03-02"]
    assert [c["quote"] for c in cited] == [None, None]
    assert cited[1]["note"] == "同为231.4亿元"
    (group,) = _funds(cli, grown, "奉化对口地区")
    assert group["amount_yuan"] == 120_000_000 and group["about"] is True


def test_the_same_sheet_again_adds_nothing(grown: Path, cli: Run, tmp_path: Path) -> None:
    before = grown.read_bytes()
    sheet = _sheet(tmp_path, *SHEET_ROWS)
    result = cli("import", str(sheet), "--db", str(grown), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    actions = {row["action"] for row in json.loads(result.stdout)}
    assert actions == {"skip"}
    assert grown.read_bytes() == before


def test_dry_run_says_add_cite_skip_per_row(
    tmp_path: Path, db_copy: Callable[..., Path], cli: Run
) -> None:
    db = _database(tmp_path, db_copy, cli)
    before = db.read_bytes()
    result = cli("import", str(_sheet(tmp_path, *SHEET_ROWS)), "--db", str(db), "--dry-run",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = [row for row in json.loads(result.stdout) if row["action"] in ("add", "merge")]
    assert [(row["where"], row["action"]) for row in rows] == [
        ("line 2", "add"),
        ("line 3", "add"),
        ("line 4", "add"),
        ("line 5", "add"),
        ("line 6", "add"),
        ("line 7", "merge"),
        ("line 8", "add"),
    ]
    assert db.read_bytes() == before


REFUSED_ROWS = [
    (f"x,朝阳,剑阁,东西部协作,财政援助,协作资金,资金,{WHOLE},2023,否,taizhou-2024-05-10,,,,",
     "column 支援方 (provider): '朝阳' fits 4 places: 北京市朝阳区 (110105, in 北京市)"),
    (f"x,火星,剑阁,东西部协作,财政援助,协作资金,资金,{WHOLE},2023,否,taizhou-2024-05-10,,,,",
     "column 支援方 (provider): unknown place '火星'"),
    (f"x,路桥,旺苍,,财政援助,协作资金,资金,{WHOLE},2023,否,taizhou-2024-05-10,,,,",
     "column 类型 (kind): missing: 台州市路桥区 → 广元市旺苍县 is no pairing yet"),
    (f"x,路桥,剑阁,东西部协作,财政援助,协作资金,资金,{WHOLE},2023,否,nope,,,,",
     "column 来源 (source): no source 'nope' (xiezuo sources add)"),
    (",,,,,,,,,,xinhua-2024-03-02,,,no-such,",
     "column 同一数字 (same_as): no figure no-such"),
    (f"x,路桥,剑阁,东西部协作,财政援助,协作资金,资金,{PART},2023,否,taizhou-2024-05-10,nope,,,",
     "column 含于 (part_of): "),
]  # fmt: skip


@pytest.mark.parametrize(("row", "message"), REFUSED_ROWS)
def test_a_bad_row_is_one_line_and_nothing_is_written(
    tmp_path: Path, db_copy: Callable[..., Path], cli: Run, row: str, message: str
) -> None:
    db = _database(tmp_path, db_copy, cli)
    before = db.read_bytes()
    good = SHEET_ROWS[0]
    sheet = _sheet(tmp_path, good, row)
    result = cli("import", str(sheet), "--db", str(db))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"xiezuo: error: {sheet}: line 3: "), lines[0]
    assert message in lines[0], lines[0]
    assert lines[1].endswith("1 row refused; nothing was written")
    assert db.read_bytes() == before


def test_a_pairing_a_row_fits_twice_is_refused_listing_them(
    tmp_path: Path, db_copy: Callable[..., Path], cli: Run
) -> None:
    db = _database(tmp_path, db_copy, cli)
    for kind in ("东西部协作", "对口支援"):
        result = cli("pairs", "add", "--kind", kind, "--provider", "路桥", "--receiver", "剑阁",
                     "--db", str(db))  # fmt: skip
        assert result.exit_code == 0, result.stderr
    before = db.read_bytes()
    row = f"x,路桥,剑阁,,财政援助,协作资金,资金,{WHOLE},2023,否,taizhou-2024-05-10,,,,"
    result = cli("import", str(_sheet(tmp_path, row)), "--db", str(db))
    assert result.exit_code == 3
    assert "fits 2 pairings (luqiao-jiange (东西部协作), luqiao-jiange-2 (对口支援))" in (
        result.stderr
    )
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pairs", "add", "--kind", "东西部协作", "--provider", "朝阳", "--receiver", "剑阁"),
         "--provider: '朝阳' fits 4 places: 北京市朝阳区 (110105, in 北京市), 朝阳市 (211300, "
         "in 辽宁省), 朝阳市朝阳县 (211321, in 朝阳市), 长春市朝阳区 (220104, in 长春市); give its "
         "code, or the place above it too (北京朝阳区)"),
        (("pairs", "add", "--kind", "东西部协作", "--provider", "余杭", "--receiver", "苍溪"),
         "--receiver: 杭州市余杭区 → 广元市苍溪县 (东西部协作) is already pairing yuhang-cangxi"),
        (("places", "add", "南太湖新区", "--parent", "湖州"),
         "NAME: 南太湖新区 is place huzhou-nantaihu (湖州市南太湖新区)"),
        (("places", "add", "路桥区", "--parent", "台州"),
         "NAME: 路桥区 is in the official list (台州市路桥区, 331004)"),
        (("places", "add", "某园区", "--parent", "湖州", "--level", "province"),
         "--parent: 湖州市 is at a lower level (city)"),
        (("places", "add", "某组", "--group", "--member", "延边州", "--member", "苍溪"),
         "--level: missing: the members are at several levels"),
        (("places", "remove", "510824"),
         "cannot remove place 510824: used by pairing yuhang-cangxi"),
        (("places", "remove", "510000"),
         "cannot remove place 510000: used by pairing zhejiang-sichuan"),
        (("places", "remove", "fenghua-partners"),
         "cannot remove place fenghua-partners: used by"),
        (("places", "remove", "999999"), "no place '999999'"),
    ],
)  # fmt: skip
def test_place_refusals_are_one_line_exit_2_nothing_written(
    tmp_path: Path, db_copy: Callable[..., Path], cli: Run, args: tuple[str, ...], message: str
) -> None:
    db = _database(tmp_path, db_copy, cli)
    # a pairing with the group, so that it is used
    result = cli("pairs", "add", "--kind", "对口支援", "--provider", "奉化", "--receiver",
                 "fenghua-partners", "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    before = db.read_bytes()
    result = cli(*args, "--db", str(db))
    assert result.exit_code == 2, result.stderr
    assert one_error_line(result).startswith("xiezuo: error: " + message)
    assert db.read_bytes() == before


def test_places_add_and_remove(tmp_path: Path, db_copy: Callable[..., Path], cli: Run) -> None:
    db = db_copy()
    result = cli("places", "add", "台州湾新区", "--short", "台州湾", "--parent", "台州",
                 "--id", "taizhou-taizhouwan", "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "taizhou-taizhouwan\n"
    data = json.loads(db.read_text(encoding="utf-8"))
    added = {p["id"]: p for p in data["place"].values()}
    assert added["taizhou-taizhouwan"]["full_name"] == "台州市台州湾新区"
    assert added["taizhou-taizhouwan"]["level"] == "county"
    assert added["331000"]["level"] == "city"  # its parent, from the country's list
    result = cli("pairs", "add", "--kind", "山海协作", "--provider", "台州湾",
                 "--receiver", "庆元", "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = cli("remove", result.stdout.strip(), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    result = cli("places", "remove", "taizhou-taizhouwan", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    data = json.loads(db.read_text(encoding="utf-8"))
    assert "taizhou-taizhouwan" not in {p["id"] for p in data["place"].values()}


def test_a_code_and_the_nation_on_pairs_add(db_copy: Callable[..., Path], cli: Run) -> None:
    db = db_copy()
    result = cli("pairs", "add", "--kind", "东西部协作", "--provider", "331004", "--receiver",
                 "苍溪", "--db", str(db))  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "luqiao-cangxi\n"), result.stderr
    result = cli("pairs", "add", "--kind", "东西部协作", "--provider", "全国", "--receiver", "全国",
                 "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pairing = cli("list", "--pair", "全国", "--json", "--db", str(db))
    assert pairing.exit_code == 0 and json.loads(pairing.stdout) == []
    result = cli("pairs", "--json", "--db", str(db))
    found = {row["id"]: row for row in json.loads(result.stdout)}
    assert found[next(i for i in found if i.startswith("quanguo"))]["level"] == "nation"


def test_the_template_csv_and_xlsx(tmp_path: Path, cli: Run) -> None:
    result = cli("import", "--template")
    assert result.exit_code == 0, result.stderr
    english, chinese = result.stdout.splitlines()
    assert english.startswith("id,provider,receiver,kind,category")
    assert chinese.startswith("编号,支援方,受援方,类型,类别")
    target = tmp_path / "表格.xlsx"
    result = cli("import", "--template", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes()[:2] == b"PK"  # a zip: the workbook
    for args, message in (
        (("import", "--template", "--format", "json"), "--template is a CSV sheet or an .xlsx"),
        (("import", "x.csv", "--template"), "--template writes the empty sheet: give no FILE"),
        (("import", "--db", str(target)), "FILE is required (or --template"),
    ):
        result = cli(*args)
        assert result.exit_code == 2
        assert message in one_error_line(result)


def test_an_xlsx_sheet_filled_in_goes_in(
    tmp_path: Path, db_copy: Callable[..., Path], cli: Run
) -> None:
    """The .xlsx template filled in (a sheet of notes before the data in the workbook, so
    --sheet names it): the figures go in as from the CSV."""
    from openpyxl import Workbook

    db = _database(tmp_path, db_copy, cli)
    book = Workbook()
    book.active.title = "封面"
    book.active.append(["台州日报 2024年5月"])
    sheet = book.create_sheet("路桥")
    sheet.append(HEADER.split(","))
    for row in SHEET_ROWS[:2]:
        sheet.append([cell or None for cell in row.split(",")])
    path = tmp_path / "articles.xlsx"
    book.save(path)
    result = cli("import", str(path), "--sheet", "路桥", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    (luqiao,) = _funds(cli, db, "路桥")
    assert luqiao["amount_yuan"] == 30_000_000 and luqiao["records"] == 1
    assert _record(db, "lq-part")["amount_yuan"] == 8_650_000
