"""A person's sheet as an .xlsx workbook, built in each test with openpyxl: date cells and
serial numbers, floats, formulas, error values, merged cells, several sheets, empty trailing
rows and columns, the template, hostile archives; and openpyxl never loaded by a query command.
Expected values are written by hand."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xiezuo_cli.authoring.import_types import ImportFileError
from xiezuo_cli.authoring.sheets import CONTRACT, SHEET, Figure, Period, read_sheet
from xiezuo_cli.authoring.sheets.template import DATA_SHEET, NOTES_SHEET, write_template_xlsx
from xiezuo_cli.model.records import RECORD_FIELDS

HEADER = ["id", "provider", "receiver", "category", "measure", "item", "figure", "value", "unit",
          "period", "as_of", "source", "amount_yuan"]  # fmt: skip
# A row by the columns above: A id … G figure, H value, I unit, J period, K as_of, L source.
BASE = ["r-1", "余杭", "苍溪", "财政援助", "协作资金", "专项资金", "3900万元", None, None,
        "2021", "2021-11-17", "art-1", None]  # fmt: skip


def workbook(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    change: Callable[[Any], None] | None = None,
) -> str:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if change is not None:
        change(book)
    book.save(path)
    return str(path)


def with_(index: int, **columns: Any) -> list[Any]:
    row = list(BASE)
    row[0] = f"r-{index}"
    for name, value in columns.items():
        row[HEADER.index(name)] = value
    return row


def test_dates_as_date_cells_and_serial_numbers(tmp_path: Path) -> None:
    def formats(book: Any) -> None:
        sheet = book["Sheet1"]
        sheet["J3"].number_format = "yyyy-mm"  # 2021-05 typed into Excel: a date shown as a month
        sheet["J4"].number_format = "mmm-yy"
        sheet["J5"].number_format = 'yyyy"年"m"月"d"日"'

    rows = [
        HEADER,
        with_(1, as_of=datetime(2021, 11, 17)),
        with_(2, period=datetime(2021, 5, 1)),
        with_(3, period=datetime(2021, 11, 1)),
        with_(4, period=datetime(2021, 6, 15), as_of=44517),
        with_(5, period=2021),
    ]
    read = read_sheet(workbook(tmp_path / "a.xlsx", {"Sheet1": rows}, formats))
    assert read.rejected == 0, read.problems
    assert [(r.period, r.as_of) for r in read.rows] == [
        (Period("2021", "2021"), "2021-11-17"),
        (Period("2021-05", "2021-05"), "2021-11-17"),
        (Period("2021-11", "2021-11"), "2021-11-17"),
        (Period("2021-06-15", "2021-06-15"), "2021-11-17"),  # serial 44517: 2021-11-17
        (Period("2021", "2021"), "2021-11-17"),
    ]


def test_numbers_stored_as_floats(tmp_path: Path) -> None:
    def shown_in_wan(book: Any) -> None:
        book["Sheet1"]["G6"].number_format = '0.0"万元"'

    rows = [
        HEADER,
        with_(1, figure=None, value=39000000.0, unit="元"),
        with_(2, figure=None, amount_yuan=39000000.0),
        with_(3, figure=None, value=3900.5, unit="万元"),
        with_(4, figure=None, value=1234.56785, unit="万元"),
        with_(5, figure=3900.5),
        with_(6, figure=3900),
        with_(7, figure=None, value=35.0, unit="人"),
    ]
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": rows}, shown_in_wan)
    read = read_sheet(path)
    assert [(r.id, r.figure) for r in read.rows] == [
        ("r-1", Figure(None, 39_000_000, "元", 39_000_000, "exact")),
        ("r-2", Figure(None, 39_000_000, "元", 39_000_000, "exact")),
        ("r-3", Figure(None, 39_005_000, "元", 39_005_000, "exact")),
        ("r-5", Figure("3900.5万元", 39_005_000, "元", 39_005_000, "exact")),
        ("r-7", Figure(None, 35, "人", None, "exact")),
    ]
    assert [p.text(path) for p in read.problems] == [
        f"{path}: sheet 'Sheet1' cell H5: record r-4: column value: 1234.56785万元 is not a whole "
        "number of yuan (12345678.5 yuan)",
        f"{path}: sheet 'Sheet1' cell G7: record r-6: column figure: '3900' has no unit: write "
        "it as the article does (3900万元), or give the unit (单位)",
    ]


def test_formulas_and_error_values_name_their_cell(tmp_path: Path) -> None:
    rows = [
        HEADER,
        with_(1, figure="=H2*10000", value=3900),
        with_(2, period="=YEAR(TODAY())"),
        with_(3, receiver="#N/A"),
    ]
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": rows})
    read = read_sheet(path)
    assert read.rows == ()
    assert [p.text(path) for p in read.problems] == [
        f"{path}: sheet 'Sheet1' cell G2: record r-1: column figure: holds a formula (=H2*10000): "
        "a figure must be typed as a value (copy the cells and paste them as values)",
        f"{path}: sheet 'Sheet1' cell J3: record r-2: column period: holds a formula "
        "(=YEAR(TODAY())): a period must be typed as a value (copy the cells and paste them as "
        "values)",
        f"{path}: sheet 'Sheet1' cell C4: record r-3: column receiver: holds the error value #N/A",
    ]


def test_merged_cells(tmp_path: Path) -> None:
    """A merged range's top-left value applies to every row it spans; a figure's own cells
    (id, figure, value, amount_yuan) merged over rows are refused."""

    def merge(book: Any) -> None:
        sheet = book["Sheet1"]
        sheet.merge_cells("B2:B4")  # the provider of rows 2–4
        sheet.merge_cells("C2:C4")  # and their receiver
        sheet.merge_cells("L2:L4")  # one source
        sheet.merge_cells("G5:G6")  # one figure over two rows

    rows = [
        HEADER,
        with_(1, provider="滨江", receiver="朝天"),
        with_(2, provider=None, receiver=None, source=None),
        with_(3, provider=None, receiver=None, source=None),
        with_(4),
        with_(5, figure=None),
    ]
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": rows}, merge)
    read = read_sheet(path)
    assert [(r.id, r.provider, r.receiver, r.source) for r in read.rows] == [
        ("r-1", "滨江", "朝天", "art-1"),
        ("r-2", "滨江", "朝天", "art-1"),
        ("r-3", "滨江", "朝天", "art-1"),
        ("r-4", "余杭", "苍溪", "art-1"),
    ]
    assert [p.text(path) for p in read.problems] == [
        f"{path}: sheet 'Sheet1' cell G6: record r-5: column figure: inside the merged range "
        "G5:G6: each row's figure is its own; unmerge the cells"
    ]


def test_sheets_as_people_save_them(tmp_path: Path) -> None:
    """A title, both header rows, empty trailing rows and columns (empty texts, spaces, styled
    cells), the header again halfway, full-width digits."""

    def style(book: Any) -> None:
        sheet = book["数据"]
        for row in range(8, 30):
            sheet.cell(row=row, column=20).number_format = "@"  # styled, empty

    chinese = ["编号", "支援方", "受援方", "类别", "口径", "事项", "数字", "数值", "单位", "时期",
               "截至", "来源", "金额（元）"]  # fmt: skip
    rows = [
        ["2021年数据"],
        [*HEADER, None, ""],
        chinese,
        with_(1, figure=" ８６５０萬元 "),
        [None, "", " ", None],
        [],
        HEADER,
        with_(2),
        ["", " "],
    ]
    read = read_sheet(workbook(tmp_path / "a.xlsx", {"数据": rows}, style))
    assert read.rejected == 0, read.problems
    assert [(r.id, r.figure.value if r.figure else None) for r in read.rows] == [
        ("r-1", 86_500_000),
        ("r-2", 39_000_000),
    ]
    assert read.skipped == ("sheet '数据' row 3", "sheet '数据' row 7")
    assert read.rows[1].where == "sheet '数据' row 8"
    assert read.rows[0].origin.at("receiver") == ("sheet '数据' cell C4", "receiver")


def test_a_value_far_to_the_right(tmp_path: Path) -> None:
    def far(book: Any) -> None:
        book["Sheet1"]["XFD2"] = "stray"

    path = workbook(tmp_path / "a.xlsx", {"Sheet1": [HEADER, with_(1)]}, far)
    read = read_sheet(path)
    assert [p.text(path) for p in read.problems] == [
        f"{path}: sheet 'Sheet1' row 2: record r-1: column XFD has no header but holds 'stray'"
    ]


def test_several_sheets(tmp_path: Path) -> None:
    data = [HEADER, with_(1)]
    other = [HEADER, with_(2), with_(3)]
    path = workbook(tmp_path / "a.xlsx", {"2021": data, "2022": other, "空": []})
    with pytest.raises(ImportFileError) as caught:
        read_sheet(path)
    assert str(caught.value) == (
        f"{path}: the workbook has several sheets of figures: '2021', '2022'; choose one with "
        "--sheet NAME"
    )
    assert [r.id for r in read_sheet(path, sheet="2022").rows] == ["r-2", "r-3"]
    with pytest.raises(ImportFileError, match="no sheet 'nope'; the workbook's sheets: '2021', "):
        read_sheet(path, sheet="nope")


def test_one_sheet_of_figures_among_others(tmp_path: Path) -> None:
    notes = [["说明"], ["这些数字来自两篇报道。"]]
    path = workbook(tmp_path / "a.xlsx", {"notes": notes, "Figures": [HEADER, with_(1)], "e": []})
    read = read_sheet(path)
    assert (read.sheet, [r.id for r in read.rows]) == ("Figures", ["r-1"])
    assert read_sheet(path, sheet="figures").sheet == "Figures"


def test_the_template(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    with path.open("wb") as stream:
        write_template_xlsx(stream)
    read = read_sheet(str(path))
    assert (read.sheet, read.shape, read.rows, read.skipped) == (
        DATA_SHEET,
        SHEET,
        (),
        ("sheet '数字' row 2",),
    )
    book = openpyxl.load_workbook(path)
    sheet = book[DATA_SHEET]
    assert [c.value for c in sheet[1]][:3] == ["id", "provider", "receiver"]
    assert [c.value for c in sheet[2]][:3] == ["编号", "支援方", "受援方"]
    assert "the giving side" in sheet["B1"].comment.text
    assert sheet["L3"].number_format == "@"  # period kept as text: 2021-05 stays 2021-05
    assert book[NOTES_SHEET]["A2"].value == "id"
    filled = ["r-1", "余杭", "苍溪", "东西部协作", "财政援助", "协作资金", "专项资金", "3900万元",
              None, None, None, "2021-05", "实际", "政府", "否", None, "art-1"]  # fmt: skip
    for column, value in enumerate(filled, start=1):
        sheet.cell(row=3, column=column, value=value)
    book.save(path)
    read = read_sheet(str(path))
    assert read.rejected == 0, read.problems
    assert [(r.id, r.period, r.stage, r.cumulative) for r in read.rows] == [
        ("r-1", Period("2021-05", "2021-05"), "actual", False)
    ]


def test_the_export_s_columns_in_a_workbook(tmp_path: Path) -> None:
    row: list[Any] = [None] * len(RECORD_FIELDS)
    row[RECORD_FIELDS.index("id")] = "cangxi-fund"
    row[RECORD_FIELDS.index("amount_yuan")] = 39000000.0
    row[RECORD_FIELDS.index("cumulative")] = False
    row[RECORD_FIELDS.index("as_of")] = datetime(2021, 11, 17)
    path = workbook(tmp_path / "a.xlsx", {"export": [list(RECORD_FIELDS), row]})
    read = read_sheet(path)
    assert (read.shape, read.rows, read.columns) == (CONTRACT, (), RECORD_FIELDS)
    (raw,) = read.raw_rows
    cells = dict(zip(RECORD_FIELDS, raw.cells, strict=True))
    assert (cells["id"], cells["amount_yuan"], cells["cumulative"], cells["as_of"]) == (
        "cangxi-fund",
        "39000000",
        "false",
        "2021-11-17",
    )
    assert raw.where == "sheet 'export' row 2"


def test_a_zip_bomb_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": [HEADER, with_(1)]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", b"\0" * (8 * 2**20))  # 8 MiB in ~8 KiB
    assert Path(path).stat().st_size < 100_000
    monkeypatch.setenv("XIEZUO_MAX_DB_BYTES", str(4 * 2**20))
    with pytest.raises(ImportFileError, match="the workbook unpacks to 8,4"):
        read_sheet(path)
    monkeypatch.setenv("XIEZUO_MAX_DB_BYTES", str(16 * 2**20))
    assert [r.id for r in read_sheet(path).rows] == ["r-1"]


def _replace_part(path: str, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in parts:
            target.writestr(info, data if info.filename == name else content)


def test_an_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": [HEADER]})
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY l0 "lol">{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    _replace_part(path, "xl/worksheets/sheet1.xml", bomb.encode())
    with pytest.raises(ImportFileError, match=r"not a readable \.xlsx workbook"):
        read_sheet(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04" + b"\0" * 100, "not a readable .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97–2003"),
        (b"id,figure\n", "not an .xlsx workbook"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_sheet(str(path))


def test_a_truncated_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": [HEADER, with_(1)]})
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFileError, match=r"not a readable \.xlsx workbook"):
        read_sheet(path)


def test_a_workbook_named_otherwise_is_recognised(tmp_path: Path) -> None:
    path = workbook(tmp_path / "figures.dat", {"Sheet1": [HEADER, with_(1)]})
    read = read_sheet(path)
    assert (read.format, [r.id for r in read.rows]) == ("xlsx", ["r-1"])


def test_openpyxl_is_loaded_only_for_a_workbook(tmp_path: Path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from xiezuo_cli.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(app, ['funds', '--pair', '苍溪', '--csv'])\n"
        "CliRunner().invoke(app, ['list', '--json'])\n"
        "from xiezuo_cli.authoring.sheets import read_sheet\n"
        f"read_sheet({str(csv_path)!r})\n"
        "print('openpyxl' in sys.modules, 'numpy' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert found.stdout.split() == ["False", "False"]


def test_openpyxl_is_imported_without_numpy(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Sheet1": [HEADER, with_(1)]})
    script = (
        "import sys\n"
        "from xiezuo_cli.authoring.sheets import read_sheet\n"
        f"assert [r.id for r in read_sheet({path!r}).rows] == ['r-1']\n"
        "print('openpyxl' in sys.modules, 'numpy' in sys.modules)\n"
        "import numpy\n"  # still importable afterwards where it is installed
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert found.stdout.split() == ["True", "False"], found.stderr
