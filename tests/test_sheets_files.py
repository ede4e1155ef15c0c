"""A person's sheet as a file: CSV (UTF-8, BOM, GBK from Excel), TSV, JSON, JSON Lines; the
header in English, Chinese or both; sheets as people save them; the seam with the export's
columns. Expected values are written by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xiezuo_cli.authoring.import_reader import read_rows
from xiezuo_cli.authoring.import_types import ImportFileError
from xiezuo_cli.authoring.sheets import CONTRACT, SHEET, Figure, Period, read_sheet
from xiezuo_cli.authoring.sheets.template import header_rows, write_template_csv
from xiezuo_cli.model.records import RECORD_FIELDS

ENGLISH = "id,provider,receiver,kind,category,measure,item,figure,period,stage,source,quote"
CHINESE = "编号,支援方,受援方,类型,类别,口径,事项,数字,时期,阶段,来源,原文"
ROW_1 = (
    "r-1,余杭,苍溪,东西部协作,财政援助,协作资金,专项资金,3900万元,2021,实际,art-1,投入3900万元。"
)
ROW_2 = (
    "r-2,余杭,苍溪,东西部协作,消费帮扶,采购额,农产品,1085万元,2021-05..2021-11,actual,art-1,"
    "采购1085万元。"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def figures(read: object) -> list[tuple[str | None, int | float | None]]:
    return [(row.id, row.figure.value if row.figure else None) for row in read.rows]  # type: ignore[attr-defined]


def test_english_header(tmp_path: Path) -> None:
    read = read_sheet(write(tmp_path, "a.csv", f"{ENGLISH}\n{ROW_1}\n{ROW_2}\n"))
    assert (read.shape, read.format, read.encoding) == (SHEET, "csv", "utf-8-sig")
    assert figures(read) == [("r-1", 39_000_000), ("r-2", 10_850_000)]
    assert read.rows[1].period == Period("2021-05", "2021-11")
    assert read.rows[1].stage == "actual" and read.rows[0].stage == "actual"
    assert read.problems == () and read.rejected == 0
    assert read.columns == tuple(ENGLISH.split(","))


def test_chinese_header_saved_by_excel_in_gbk(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{CHINESE}\r\n{ROW_1}\r\n{ROW_2}\r\n", "gbk")
    read = read_sheet(path)
    assert read.encoding == "gb18030"
    assert figures(read) == [("r-1", 39_000_000), ("r-2", 10_850_000)]
    assert read.rows[0].provider == "余杭" and read.rows[0].quote == "投入3900万元。"


def test_a_byte_order_mark_on_gbk_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{CHINESE}\n{ROW_1}\n".encode("gbk"))
    with pytest.raises(ImportFileError, match="the encodings disagree"):
        read_sheet(str(path))


def test_utf8_with_a_byte_order_mark_undoes_excel_guards(tmp_path: Path) -> None:
    text = f"\ufeff{ENGLISH},note\n{ROW_1},'=SUM(A1)\n"
    read = read_sheet(write(tmp_path, "a.csv", text))
    assert read.rows[0].note == "=SUM(A1)"
    assert read.rows[0].id == "r-1"


def test_headers_in_any_case_width_and_both_languages(tmp_path: Path) -> None:
    header = "ＩＤ,Provider,受援方,KIND,类别, Measure ,事项,数字,As Of,SOURCE,原 文,part-of"
    row = "r-1,余杭,苍溪,东西部协作,财政援助,协作资金,专项资金,3900万元,2021-11-17,art-1,x,r-0"
    read = read_sheet(write(tmp_path, "a.csv", f"{header}\n{row}\n"))
    assert read.rejected == 0, read.problems
    only = read.rows[0]
    assert (only.id, only.receiver, only.as_of, only.part_of, only.quote) == (
        "r-1",
        "苍溪",
        "2021-11-17",
        "r-0",
        "x",
    )
    assert read.header.labels()["receiver"] == "受援方 (receiver)"
    assert read.header.labels()["provider"] == "provider"


def test_sheets_as_people_save_them(tmp_path: Path) -> None:
    """A title above the header, the Chinese header row under the English one, trailing empty
    columns and rows, the header again halfway, blank lines, spaces and full-width digits."""
    lines = [
        "2021年余杭—苍溪东西部协作数字,,,,,,,,,,,,,",
        f"{ENGLISH},,",
        f"{CHINESE},,",
        f"{ROW_1},,",
        ",,,,,,,,,,,,,",
        "",
        f"{ENGLISH},,",
        " r-3 , 余杭 ,苍溪,东西部协作,财政援助,协作资金,专项资金, ８６５０萬元 ,"
        "２０２１,实际,art-1, 原文 ,",
        ",,,,,,,,,,,,,",
        ",,,,,,,,,,,,,",
    ]
    read = read_sheet(write(tmp_path, "a.csv", "\r\n".join(lines) + "\r\n"))
    assert read.rejected == 0, read.problems
    assert figures(read) == [("r-1", 39_000_000), ("r-3", 86_500_000)]
    assert read.skipped == ("line 3", "line 7")
    third = read.rows[1]
    assert third.figure == Figure("８６５０萬元", 86_500_000, "元", 86_500_000, "exact")
    assert (third.provider, third.period, third.quote) == ("余杭", Period("2021", "2021"), "原文")
    assert third.where == "line 8"


def test_the_template_reads_back_empty(tmp_path: Path) -> None:
    path = tmp_path / "template.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        write_template_csv(stream)
    english, chinese = header_rows()
    expected = ",".join(english) + "\r\n" + ",".join(chinese) + "\r\n"
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    read = read_sheet(str(path))
    assert (read.shape, read.rows, read.skipped, read.problems) == (SHEET, (), ("line 2",), ())


def test_every_bad_row_is_one_problem_naming_line_and_column(tmp_path: Path) -> None:
    lines = [
        CHINESE,
        ROW_1,
        "r-2,余杭,苍溪,东西部协作,财政援助,协作资金,专项资金,很多,2021,实际,art-1,x",
        "r-3,余杭,苍溪,东西部协作,财政援助,协作资金,专项资金,3900万元,2021-13,done,art-1,x",
        ",余杭,苍溪,东西部协作,财政援助,,专项资金,3900万元,2021,实际,art-1,x",
    ]
    path = write(tmp_path, "a.csv", "\n".join(lines) + "\n")
    read = read_sheet(path)
    assert figures(read) == [("r-1", 39_000_000)]
    assert read.rejected == 3 and read.problem_count == 4
    texts = [problem.text(path) for problem in read.problems]
    assert texts[0].startswith(
        f"{path}: line 3: record r-2: column 数字 (figure): '很多' is not a figure"
    )
    assert texts[1].startswith(
        f"{path}: line 4: record r-3: column 时期 (period): '2021-13' is not a date"
    )
    assert texts[2].startswith(
        f"{path}: line 4: record r-3: column 阶段 (stage): 'done' is not a stage"
    )
    assert texts[3] == f"{path}: line 5: column 口径 (measure): missing: a new figure needs it"


def test_problems_are_bounded_and_counted(tmp_path: Path) -> None:
    bad = "r-{},余杭,苍溪,东西部协作,财政援助,协作资金,专项资金,很多,2021,实际,art-1,x"
    text = ENGLISH + "\n" + "\n".join(bad.format(n) for n in range(50)) + "\n"
    read = read_sheet(write(tmp_path, "a.csv", text))
    assert (len(read.problems), read.problem_count, read.rejected) == (20, 50, 50)
    assert [p.where for p in read.problems] == [f"line {n}" for n in range(2, 22)]


def test_a_value_in_a_column_with_no_header(tmp_path: Path) -> None:
    text = f"{ENGLISH},,#mine\n{ROW_1},stray,kept apart\n{ROW_2},,\n"
    path = write(tmp_path, "a.csv", text)
    read = read_sheet(path)
    assert figures(read) == [("r-2", 10_850_000)]
    assert (
        read.problems[0].text(path)
        == f"{path}: line 2: record r-1: column 13 has no header but holds 'stray'"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ENGLISH.replace("receiver", "recevier") + ",foo",
            "line 1: unknown columns 'recevier' (column 3; did you mean receiver 受援方?), "
            "'foo' (column 13)",
        ),
        (
            ENGLISH + ",数字",
            "line 1: the column figure (数字) is there twice: 'figure' (column 8) and '数字' "
            "(column 13)",
        ),
        (
            ENGLISH + ",period_start",
            "the header mixes a sheet's columns (period) with the export's (period_start)",
        ),
        (
            "id,figure,quote",
            "line 1: no column provider (支援方), receiver (受援方), category (类别)",
        ),
        ("id,provider,receiver,category,measure,item,source", "or amount_yuan (金额（元）)"),
    ],
)
def test_header_problems_are_one_line(tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_sheet(write(tmp_path, "a.csv", f"{header}\n{ROW_1}\n"))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_header_in_another_order_halfway(tmp_path: Path) -> None:
    shuffled = ",".join(reversed(ENGLISH.split(",")))
    read = read_sheet(write(tmp_path, "a.csv", f"{ENGLISH}\n{ROW_1}\n{shuffled}\n{ROW_2}\n"))
    assert figures(read) == [("r-1", 39_000_000), ("r-2", 10_850_000)]
    assert "a header in another order than line 1's" in read.problems[0].reason


def test_a_sheet_of_citations_only(tmp_path: Path) -> None:
    read = read_sheet(write(tmp_path, "a.csv", "同一数字,来源,原文\nr-1,art-2,另一篇报道。\n"))
    assert [(r.same_as, r.source, r.figure) for r in read.rows] == [("r-1", "art-2", None)]


def test_tsv_with_xiezuo_escapes(tmp_path: Path) -> None:
    header = ENGLISH.replace(",", "\t")
    row = ROW_1.replace(",", "\t").replace("投入3900万元。", "投入\\t3900万元。\\n第二行")
    read = read_sheet(write(tmp_path, "a.tsv", f"{header}\n{row}\n"))
    assert read.format == "tsv"
    assert read.rows[0].quote == "投入\t3900万元。\n第二行"


def test_json_array_with_chinese_keys_and_typed_values(tmp_path: Path) -> None:
    items = [
        {
            "编号": "r-1", "支援方": "余杭", "受援方": "苍溪", "类别": "财政援助",
            "口径": "协作资金",
            "事项": "专项资金", "数值": 3900, "单位": "万元", "累计": True, "来源": "art-1",
            "备注": None,
        },
        {
            "id": "r-2", "provider": "余杭", "receiver": "苍溪", "category": "人才交流",
            "measure": "人数", "item": "挂职干部", "figure": "三十五名", "cumulative": False,
            "source": "art-1",
        },
        {"id": "r-3", "figure": ["3900万元"]},
        "not an object",
    ]  # fmt: skip
    path = write(tmp_path, "a.json", json.dumps(items, ensure_ascii=False))
    read = read_sheet(path)
    assert read.format == "json"
    assert figures(read) == [("r-1", 39_000_000), ("r-2", 35)]
    assert (read.rows[0].cumulative, read.rows[1].cumulative) == (True, False)
    assert [p.text(path) for p in read.problems] == [
        f"{path}: item [2]: record r-3: column figure: expected text, a number or "
        "true/false, got a list",
        f"{path}: item [3]: expected an object of columns, got text",
    ]


def test_json_lines_as_extract_prints_them(tmp_path: Path) -> None:
    draft = {
        "id": "d-1", "provider": "杭州市余杭区", "receiver": "广元市苍溪县", "kind": "东西部协作",
        "category": "财政援助", "measure": "协作资金", "item": "专项资金", "figure": "1.55亿元",
        "value": 155000000, "unit": "元", "approx": "exact", "period": "2021..2024",
        "stage": "actual", "actor": "government", "cumulative": False, "source": "art-1",
        "part_of": None, "quote": "1.55亿元。", "note": None, "amount_yuan": 155000000,
    }  # fmt: skip
    lines = [
        json.dumps(draft, ensure_ascii=False),
        "",
        json.dumps({**draft, "id": "d-2", "figure": "1.5亿元"}, ensure_ascii=False),
        "{not json",
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(lines) + "\n")
    read = read_sheet(path)
    assert figures(read) == [("d-1", 155_000_000)]
    assert read.rows[0].period == Period("2021", "2024")
    assert [(p.where, p.record, p.field) for p in read.problems] == [
        ("line 3", "d-2", "value"),  # the key as the row writes it
        ("line 4", None, None),
    ]
    assert read.problems[0].reason == (
        "the value 155000000 元 is 155,000,000 yuan, but the figure '1.5亿元' is 150,000,000 yuan"
    )


def test_the_export_s_columns_are_left_to_the_contract_path(tmp_path: Path, cli: object) -> None:
    result = cli("export", "--format", "csv")  # type: ignore[operator]
    path = tmp_path / "export.csv"
    path.write_text(result.stdout, encoding="utf-8")
    read = read_sheet(str(path))
    assert (read.shape, read.format, read.rows) == (CONTRACT, "csv", ())
    assert read.columns == (*RECORD_FIELDS, "figure")  # export carries the figure as written
    rows, problems, _, _ = read_rows(str(path), read.format, read.encoding)
    bundled = json.loads((Path(__file__).parent.parent / "data" / "xiezuo.json").read_text())
    assert len(rows) == len(bundled["record"]) and problems == []


def test_the_export_s_json_is_the_contract_too(tmp_path: Path, cli: object) -> None:
    result = cli("export", "--format", "jsonl")  # type: ignore[operator]
    path = tmp_path / "export.jsonl"
    path.write_text(result.stdout, encoding="utf-8")
    read = read_sheet(str(path))
    assert (read.shape, read.format) == (CONTRACT, "jsonl")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n ,,\n", "empty"),
        (b"\xff\xfe\x00\x00garbage", "UTF-16"),
        (bytes(range(128, 256)) * 10, "neither UTF-8 nor GBK"),
    ],
)
def test_files_that_are_not_sheets(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_sheet(str(path))


def test_a_100_mb_file_of_junk_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    with path.open("wb") as stream:
        stream.truncate(100 * 2**20)  # sparse: 100 MB of NUL bytes, valid UTF-8, one line
    with pytest.raises(ImportFileError, match="line 1: longer than 1048576 characters"):
        read_sheet(str(path))


def test_a_huge_cell_is_refused(tmp_path: Path) -> None:
    text = f'{ENGLISH}\n{ROW_1.rpartition(",")[0]},"' + "x\n" * 600_000 + '"\n'
    with pytest.raises(ImportFileError, match="a cell longer than 1048576 characters"):
        read_sheet(write(tmp_path, "a.csv", text))


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    os.mkfifo(path)
    with pytest.raises(ImportFileError, match="named pipe"):
        read_sheet(str(path))


@pytest.mark.parametrize(
    ("name", "message"), [("a.xls", "Excel 97–2003"), ("a.ods", "OpenDocument")]
)
def test_other_spreadsheet_formats_say_what_to_do(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"whatever")
    with pytest.raises(ImportFileError, match=message):
        read_sheet(str(path))


def test_the_readme_lists_every_column_as_declared() -> None:
    from xiezuo_cli.authoring.sheets.template import explanations

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A person's sheet", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    expected = [
        f"| `{e.column}` | {e.header} | {e.required} | {e.meaning} | "
        + (f"`{e.example}`" if e.example else "")
        + " |"
        for e in explanations()
    ]
    assert rows == expected


def test_an_id_is_one_figure_s(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{ENGLISH}\n{ROW_1}\n{ROW_2.replace('r-2', 'R-1')}\n")
    read = read_sheet(path)
    assert figures(read) == [("r-1", 39_000_000)]
    assert [p.text(path) for p in read.problems] == [
        f"{path}: line 3: record r-1: column id: r-1 is also the id of line 2's figure: each "
        "figure has its own id (a row citing a figure again names it in same_as)"
    ]
