"""Output formats for every query command: CSV (RFC 4180), TSV, JSON, JSON Lines, Markdown,
Excel-safe CSV, tables in a pipe, literal data in tables, colour switches, money units; plus the
writers and the amount parser/formatter underneath."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, one_error_line, record_doc
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from xiezuo_cli.model.amounts import AmountError, format_amount, parse_yuan
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.present.output import FORMATS, MACHINE_FORMATS, write_rows

Cli = Callable[..., Result]
DbCopy = Callable[[Callable[[dict[str, Any]], None] | None], Path]

SELECTION = ("list", "--pair", "苍溪", "--category", "财政援助")
SELECTED_AMOUNTS = {
    "cangxi-agriculture-investment": 8000000,
    "cangxi-allocation-2021": 39000000,
    "cangxi-disability-aids-funds": 797000,
    "cangxi-factory-investment": 23600000,
    "cangxi-fiscal-donation": 2000000,
    "cangxi-lingjiang-investment": 2000000,
    "cangxi-special-fund": 39000000,
}
SELECTED_IDS = sorted(SELECTED_AMOUNTS)


def _citation_counts() -> dict[str, int]:
    """Citations per record in the YAML: a record's own, plus citations-facts.yaml's."""
    counts: dict[str, int] = {}
    for name in ("records.yaml", "records-facts.yaml"):
        for record in yaml.safe_load((DATA / name).read_text(encoding="utf-8")):
            counts[record["id"]] = len(record["citations"])
    for extra in yaml.safe_load((DATA / "citations-facts.yaml").read_text(encoding="utf-8")):
        counts[extra["record"]] += 1
    return counts


CITATIONS = _citation_counts()
BOM = b"\xef\xbb\xbf"
ESC = "\x1b"


# ─── helpers ──────────────────────────────────────────────────────────────────────────────


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    return result


def parse_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def raw_text(result: Result) -> str:
    """stdout exactly as written (Result.stdout turns CRLF into LF)."""
    return result.stdout_bytes.decode("utf-8")


def export_records(cli: Cli) -> dict[str, dict[str, Any]]:
    records = json.loads(ok(cli("export", "--format", "json")).stdout)
    return {record["id"]: record for record in records if record["id"] in SELECTED_AMOUNTS}


def as_cell(value: object) -> str:
    """How CSV writes a JSON value: null empty, booleans true/false, a list (the citations) as
    its length."""
    if isinstance(value, list):
        return str(len(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cells_width(text: str) -> int:
    """Terminal columns a string takes: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table_line(output: str, record_id: str) -> str:
    lines = [line for line in output.splitlines() if line.split()[:1] == [record_id]]
    assert len(lines) == 1, output
    return lines[0]


# The data's own "…": the open end of a period (…–2017, 2021–…, … 至 2017-12). Any other "…" is
# one a table put there when it cut a cell.
_OPEN_END = re.compile(r"…(?=–|\s*至)|(?<=–)…|(?<=至)\s*…")


def cropped(output: str) -> bool:
    return "…" in _OPEN_END.sub("", output)


def markup_db(db_copy: DbCopy) -> Path:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-fiscal-donation")["item"] = "[bold red]X[/]"
        record_doc(data, "cangxi-special-fund")["item"] = "\x1b[31mRED"
        record_doc(data, "cangxi-lingjiang-investment")["note"] = (
            "[link=https://example.com]L[/link]"
        )

    return db_copy(change)


# ─── CSV ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("flag", [("--csv",), ("--format", "csv"), ("-f", "CSV")])
def test_csv_is_rfc_4180(cli: Cli, flag: tuple[str, ...]) -> None:
    result = ok(cli(*SELECTION, *flag))
    raw = result.stdout_bytes
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == 8  # header + 7 records; no quote holds a line break
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert not raw.startswith(BOM)
    rows = parse_csv(raw_text(result))
    assert rows[0] == list(RECORD_FIELDS)
    records = export_records(cli)
    assert [row[0] for row in rows[1:]] == SELECTED_IDS
    for row in rows[1:]:
        assert row == [as_cell(records[row[0]][field]) for field in RECORD_FIELDS]
        assert row[RECORD_FIELDS.index("amount_yuan")] == str(SELECTED_AMOUNTS[row[0]])
        assert row[RECORD_FIELDS.index("citations")] == str(CITATIONS[row[0]])


def test_csv_quotes_commas_and_quotes(cli: Cli, db_copy: DbCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-special-fund")["item"] = 'say "hi", then\r\nleave'

    db = db_copy(change)
    result = ok(cli(*SELECTION, "--columns", "id,item", "--csv", "--db", str(db)))
    assert b'cangxi-special-fund,"say ""hi"", then\r\nleave"\r\n' in result.stdout_bytes
    rows = parse_csv(raw_text(result))
    assert rows[-1] == ["cangxi-special-fund", 'say "hi", then\r\nleave']


def test_no_headers(cli: Cli) -> None:
    rows = parse_csv(raw_text(ok(cli(*SELECTION, "--csv", "--no-headers"))))
    assert [row[0] for row in rows] == SELECTED_IDS
    rows = parse_csv(raw_text(ok(cli(*SELECTION, "--format", "tsv", "--no-headers"))), "\t")
    assert [row[0] for row in rows] == SELECTED_IDS
    with_headers = parse_csv(raw_text(ok(cli(*SELECTION, "--csv"))))
    assert rows == with_headers[1:]


def test_tsv(cli: Cli) -> None:
    result = ok(cli(*SELECTION, "--format", "tsv"))
    lines = result.stdout.splitlines()
    assert lines[0] == "\t".join(RECORD_FIELDS)
    assert len(lines) == 8
    assert all(line.count("\t") == len(RECORD_FIELDS) - 1 for line in lines)
    assert parse_csv(raw_text(result), "\t") == parse_csv(raw_text(ok(cli(*SELECTION, "--csv"))))


# ─── JSON, JSON Lines, Markdown ───────────────────────────────────────────────────────────


@pytest.mark.parametrize("flag", [("--json",), ("--format", "json")])
def test_json_array_with_exact_integers(cli: Cli, flag: tuple[str, ...]) -> None:
    records = json.loads(ok(cli(*SELECTION, *flag)).stdout)
    assert isinstance(records, list)
    assert [record["id"] for record in records] == SELECTED_IDS
    assert all(list(record) == list(RECORD_FIELDS) for record in records)
    assert {r["id"]: r["amount_yuan"] for r in records} == SELECTED_AMOUNTS
    assert all(type(record["amount_yuan"]) is int for record in records)
    assert all(type(record["cumulative"]) is bool for record in records)
    exported = export_records(cli)  # export also carries figure, last
    assert [{**record, "figure": exported[record["id"]]["figure"]} for record in records] == [
        exported[record_id] for record_id in SELECTED_IDS
    ]


def test_jsonl(cli: Cli) -> None:
    result = ok(cli(*SELECTION, "--format", "jsonl"))
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    assert records == json.loads(ok(cli(*SELECTION, "--json")).stdout)
    assert {r["id"]: r["amount_yuan"] for r in records} == SELECTED_AMOUNTS


def test_markdown_pipe_table(cli: Cli) -> None:
    lines = ok(cli(*SELECTION, "--format", "markdown")).stdout.splitlines()
    assert len(lines) == 9
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)

    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line[2:-2].split(" | ")]

    assert cells(lines[0]) == list(RECORD_FIELDS)
    assert all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells(lines[1]))
    assert len(cells(lines[1])) == len(RECORD_FIELDS)
    csv_rows = parse_csv(raw_text(ok(cli(*SELECTION, "--csv"))))[1:]
    assert not any("|" in cell or "\\" in cell for row in csv_rows for cell in row)
    assert [cells(line) for line in lines[2:]] == csv_rows


def test_markdown_escapes_pipes(cli: Cli, db_copy: DbCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-special-fund")["item"] = "a|b"

    db = db_copy(change)
    out = ok(cli(*SELECTION, "--columns", "id,item", "-f", "markdown", "--db", str(db))).stdout
    assert "| cangxi-special-fund | a\\|b |" in out.splitlines()


# ─── Excel ────────────────────────────────────────────────────────────────────────────────


def test_excel_writes_a_bom(cli: Cli) -> None:
    result = ok(cli(*SELECTION, "--csv", "--excel"))
    assert result.stdout_bytes.startswith(BOM + b"id,pairing,")
    plain = ok(cli(*SELECTION, "--csv")).stdout_bytes
    assert result.stdout_bytes == BOM + plain  # nothing in the bundled rows needs a guard


def test_excel_guards_formula_text_but_not_numbers(cli: Cli, db_copy: DbCopy) -> None:
    def change(data: dict[str, Any]) -> None:
        record_doc(data, "cangxi-fiscal-donation")["item"] = "=SUM(A1)"
        record_doc(data, "cangxi-special-fund")["item"] = "@cmd"
        record_doc(data, "cangxi-lingjiang-investment")["note"] = "-5"
        record_doc(data, "cangxi-factory-investment")["item"] = "+1+1"

    db = str(db_copy(change))
    item, note = RECORD_FIELDS.index("item"), RECORD_FIELDS.index("note")
    amount, value = RECORD_FIELDS.index("amount_yuan"), RECORD_FIELDS.index("value")

    result = ok(cli(*SELECTION, "--csv", "--excel", "--db", db))
    assert result.stdout_bytes.startswith(BOM)
    rows = {row[0]: row for row in parse_csv(raw_text(result).removeprefix("\ufeff"))[1:]}
    assert rows["cangxi-fiscal-donation"][item] == "'=SUM(A1)"
    assert rows["cangxi-special-fund"][item] == "'@cmd"
    assert rows["cangxi-lingjiang-investment"][note] == "'-5"
    assert rows["cangxi-factory-investment"][item] == "'+1+1"
    for record_id, row in rows.items():
        assert row[amount] == str(SELECTED_AMOUNTS[record_id])
        assert row[value] == str(SELECTED_AMOUNTS[record_id])
        assert not any(cell.startswith("'") for cell in (row[amount], row[value]))
    assert rows["cangxi-agriculture-investment"][item].startswith("向苍溪特色农业投资")

    # Without --excel the same cells are written exactly as they are.
    rows = {row[0]: row for row in parse_csv(raw_text(ok(cli(*SELECTION, "--csv", "--db", db))))}
    assert rows["cangxi-fiscal-donation"][item] == "=SUM(A1)"
    assert rows["cangxi-special-fund"][item] == "@cmd"
    assert rows["cangxi-lingjiang-investment"][note] == "-5"
    # JSON keeps the data exact too (and --excel, which is for CSV, is refused with it).
    records = json.loads(ok(cli(*SELECTION, "--json", "--db", db)).stdout)
    assert {r["id"]: r["item"] for r in records}["cangxi-fiscal-donation"] == "=SUM(A1)"
    refused = cli(*SELECTION, "--json", "--excel", "--db", db)
    assert refused.exit_code == 2
    assert "--excel makes CSV for spreadsheets" in one_error_line(refused)


def test_excel_without_headers_still_starts_with_the_bom(cli: Cli) -> None:
    result = ok(cli(*SELECTION, "--csv", "--excel", "--no-headers"))
    assert result.stdout_bytes.startswith(BOM + b"cangxi-agriculture-investment,")


# ─── default format, tables in a pipe ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "args",
    [
        SELECTION,
        ("pairs",),
        ("funds", "--pair", "苍溪"),
        ("report", "--pair", "苍溪"),
        ("filter", "year=2022"),
        ("cite", "cangxi-special-fund"),
    ],
)
def test_default_format_in_a_pipe_is_csv(cli: Cli, args: tuple[str, ...]) -> None:
    default = ok(cli(*args)).stdout_bytes
    assert default == ok(cli(*args, "--csv")).stdout_bytes
    assert default.endswith(b"\r\n")
    assert len(parse_csv(default.decode("utf-8"))) >= 2


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--columns", "id,item,quote,note"),
        ("pairs",),
        ("funds",),
        ("funds", "--pair", "萧山", "--explain"),
        ("report",),
        ("report", "--per", "year"),
        ("show", "苍溪"),
        ("cite", "cangxi-factory-investment"),
    ],
)
@pytest.mark.parametrize("columns", ["200", "40"])
def test_table_in_a_pipe_never_cuts_a_cell(cli: Cli, args: tuple[str, ...], columns: str) -> None:
    out = ok(cli(*args, "--format", "table", env={"COLUMNS": columns})).stdout
    assert out.strip()
    assert not cropped(out), out


def test_table_in_a_pipe_shows_every_item_whole(cli: Cli) -> None:
    out = ok(cli("list", "--format", "table", env={"COLUMNS": "40"})).stdout
    records = json.loads(ok(cli("export")).stdout)
    for record in records:
        assert record["item"] in out
        assert record["id"] in out


def test_table_has_chinese_headings_and_right_aligned_amounts(cli: Cli) -> None:
    out = ok(cli(*SELECTION, "--format", "table", "--unit", "元")).stdout
    heading = out.splitlines()[0].split()
    assert heading[:4] == ["编号", "结对", "类别", "事项"]
    ends = {
        record_id: cells_width(line[: line.index(f"{amount:,}") + len(f"{amount:,}")])
        for record_id, amount in SELECTED_AMOUNTS.items()
        for line in [table_line(out, record_id)]
    }
    assert len(set(ends.values())) == 1, ends  # every amount ends in the same column


# ─── literal data in tables ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "args",
    [
        SELECTION,
        ("list", "--pair", "苍溪", "--columns", "id,item,note"),
        ("report", "--pair", "苍溪"),
        ("show", "苍溪"),
    ],
)
def test_markup_and_escapes_in_data_are_shown_literally(
    cli: Cli, db_copy: DbCopy, args: tuple[str, ...]
) -> None:
    db = str(markup_db(db_copy))
    out = ok(cli(*args, "--format", "table", "--db", db)).stdout
    assert "[bold red]X[/]" in out
    assert ESC not in out
    assert "\\x1b[31mRED" in out


def test_markup_stays_literal_on_a_colour_terminal(cli: Cli, db_copy: DbCopy) -> None:
    db = str(markup_db(db_copy))
    env = {"NO_COLOR": None, "TERM": "xterm-256color", "FORCE_COLOR": "1"}
    out = ok(cli(*SELECTION, "--format", "table", "--db", db, env=env)).stdout
    assert "[bold red]X[/]" in out
    assert "\x1b[31mRED" not in out
    assert "\\x1b[31mRED" in out
    assert "\x1b]8;" not in out  # no hyperlink from [link=...]
    assert "\x1b[1;31m" not in out and "\x1b[31m" not in out


def test_cite_table_shows_an_escape_in_the_item_as_text(cli: Cli, db_copy: DbCopy) -> None:
    db = str(markup_db(db_copy))
    out = ok(cli("cite", "cangxi-special-fund", "--format", "table", "--db", db)).stdout
    assert ESC not in out
    assert "\\x1b[31mRED" in out


def test_machine_formats_keep_the_data_exact(cli: Cli, db_copy: DbCopy) -> None:
    db = str(markup_db(db_copy))
    records = json.loads(ok(cli(*SELECTION, "--json", "--db", db)).stdout)
    items = {record["id"]: record["item"] for record in records}
    assert items["cangxi-fiscal-donation"] == "[bold red]X[/]"
    assert items["cangxi-special-fund"] == "\x1b[31mRED"


# ─── colour switches ──────────────────────────────────────────────────────────────────────

TERMINAL = {"NO_COLOR": None, "TERM": "xterm-256color", "FORCE_COLOR": "1"}


@pytest.mark.parametrize(
    ("env", "flags"),
    [
        ({}, ()),  # the fixture's NO_COLOR=1 and TERM=dumb
        ({"NO_COLOR": "1", "TERM": "xterm-256color"}, ()),
        ({"NO_COLOR": None, "TERM": "xterm-256color"}, ("--no-color",)),
        ({"NO_COLOR": None, "TERM": "dumb"}, ()),
    ],
)
def test_no_escape_bytes_in_a_pipe(
    cli: Cli, env: dict[str, str | None], flags: tuple[str, ...]
) -> None:
    result = ok(cli(*SELECTION, "--format", "table", *flags, env=env))
    assert b"\x1b" not in result.stdout_bytes
    assert "cangxi-special-fund" in result.stdout


@pytest.mark.parametrize(
    ("env", "flags"),
    [
        ({"NO_COLOR": "1"}, ()),
        ({}, ("--no-color",)),
        ({"TERM": "dumb"}, ()),
    ],
    ids=["NO_COLOR", "--no-color", "TERM=dumb"],
)
@pytest.mark.parametrize("args", [SELECTION, ("funds", "--pair", "苍溪")])
def test_colour_switches_on_a_terminal_give_no_escape_bytes(
    cli: Cli, env: dict[str, str], flags: tuple[str, ...], args: tuple[str, ...]
) -> None:
    """FORCE_COLOR makes Rich treat the test runner's stdout as a colour terminal."""
    styled = ok(cli(*args, "--format", "table", env=TERMINAL)).stdout_bytes
    if b"\x1b" not in styled:
        pytest.skip("FORCE_COLOR does not simulate a terminal here")
    result = ok(cli(*args, "--format", "table", *flags, env={**TERMINAL, **env}))
    assert b"\x1b" not in result.stdout_bytes


# ─── money units in tables ────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("unit", "special", "lingjiang", "aids"),
    [
        # one number of decimals per column, the fewest that show every amount exactly
        (None, "3,900.0", "200.0", "79.7"),
        ("万元", "3,900.0", "200.0", "79.7"),
        ("元", "39,000,000", "2,000,000", "797,000"),
        ("亿元", "0.39000", "0.02000", "0.00797"),
    ],
)
def test_unit_changes_table_amounts(
    cli: Cli, unit: str | None, special: str, lingjiang: str, aids: str
) -> None:
    flags = ("--unit", unit) if unit else ()
    out = ok(cli(*SELECTION, "--format", "table", *flags)).stdout
    shown = unit or "万元"
    for record_id, amount in [
        ("cangxi-special-fund", special),
        ("cangxi-lingjiang-investment", lingjiang),
        ("cangxi-disability-aids-funds", aids),
    ]:
        cells = table_line(out, record_id).split()
        assert cells[4:6] == [amount, shown], cells


@pytest.mark.parametrize(
    # 亿元: four decimals, as 旺苍's 约5,204万 (0.5204亿) needs
    ("unit", "shown"),
    [("元", "41,000,000"), ("万元", "4,100"), ("亿元", "0.4100")],
)
def test_unit_in_pairs_table(cli: Cli, unit: str, shown: str) -> None:
    out = ok(cli("pairs", "--format", "table", "--unit", unit)).stdout
    # 财政援助, then its measure and period: 4,100 财政资金 2021-05–2021-11
    assert table_line(out, "yuhang-cangxi").split()[-3:] == [shown, "财政资金", "2021-05–2021-11"]
    assert f"财政援助（{unit}）" in out


def test_unit_does_not_change_machine_formats(cli: Cli) -> None:
    for unit in ("元", "亿元"):
        records = json.loads(ok(cli(*SELECTION, "--json", "--unit", unit)).stdout)
        assert {r["id"]: r["amount_yuan"] for r in records} == SELECTED_AMOUNTS


# ─── output.write_rows ────────────────────────────────────────────────────────────────────

ROWS: list[dict[str, object]] = [
    {"id": "a", "amount_yuan": 39000000, "item": 'x, "y"', "note": None, "cumulative": True},
    {"id": "b", "amount_yuan": -5, "item": "=1+1", "note": "-5", "cumulative": False},
]
FIELDS = ("id", "amount_yuan", "item", "note", "cumulative")


def written(fmt: str, **options: bool) -> str:
    stream = io.StringIO(newline="")
    write_rows(ROWS, FIELDS, fmt, stream, **options)
    return stream.getvalue()


def test_formats_list() -> None:
    assert FORMATS == ("table", "csv", "tsv", "json", "jsonl", "markdown")
    assert FORMATS[1:] == MACHINE_FORMATS


def test_write_csv() -> None:
    assert written("csv") == (
        "id,amount_yuan,item,note,cumulative\r\n"
        'a,39000000,"x, ""y""",,true\r\n'
        "b,-5,=1+1,-5,false\r\n"
    )


def test_write_csv_no_headers() -> None:
    assert written("csv", headers=False) == (
        'a,39000000,"x, ""y""",,true\r\nb,-5,=1+1,-5,false\r\n'
    )


def test_write_csv_excel() -> None:
    assert written("csv", excel=True) == (
        "\ufeffid,amount_yuan,item,note,cumulative\r\n"
        'a,39000000,"x, ""y""",,true\r\n'
        "b,-5,'=1+1,'-5,false\r\n"
    )


@pytest.mark.parametrize("text", ["=A1", "+A1", "-A1", "@A1", "\tA1", "\rA1"])
def test_write_csv_excel_guards_every_formula_start(text: str) -> None:
    stream = io.StringIO(newline="")
    write_rows([{"t": text, "n": -1}], ("t", "n"), "csv", stream, excel=True, headers=False)
    assert parse_csv(stream.getvalue().removeprefix("\ufeff")) == [["'" + text, "-1"]]


def test_write_tsv() -> None:
    assert written("tsv") == (
        "id\tamount_yuan\titem\tnote\tcumulative\n"
        'a\t39000000\t"x, ""y"""\t\ttrue\n'
        "b\t-5\t=1+1\t-5\tfalse\n"
    )
    assert parse_csv(written("tsv"), "\t")[1:] == [
        ["a", "39000000", 'x, "y"', "", "true"],
        ["b", "-5", "=1+1", "-5", "false"],
    ]


def test_write_json() -> None:
    text = written("json")
    assert json.loads(text) == [{field: row.get(field) for field in FIELDS} for row in ROWS]
    assert text.endswith("\n")
    assert json.loads(text)[0]["amount_yuan"] == 39000000


def test_write_json_empty() -> None:
    stream = io.StringIO()
    write_rows([], FIELDS, "json", stream)
    assert json.loads(stream.getvalue()) == []


def test_write_jsonl() -> None:
    lines = written("jsonl").split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == ROWS


def test_write_markdown() -> None:
    assert written("markdown").splitlines() == [
        "| id | amount_yuan | item | note | cumulative |",
        "| --- | --- | --- | --- | --- |",
        '| a | 39000000 | x, "y" |  | true |',
        "| b | -5 | =1+1 | -5 | false |",
    ]


def test_write_markdown_escapes() -> None:
    stream = io.StringIO()
    write_rows([{"t": "a|b\\c\nd"}], ("t",), "markdown", stream)
    assert stream.getvalue().splitlines()[-1] == "| a\\|b\\\\c<br>d |"


def test_write_rows_missing_field_is_empty() -> None:
    stream = io.StringIO(newline="")
    write_rows([{"id": "a"}], ("id", "other"), "csv", stream)
    assert stream.getvalue() == "id,other\r\na,\r\n"


def test_write_rows_rejects_table() -> None:
    with pytest.raises(ValueError):
        write_rows(ROWS, FIELDS, "table", io.StringIO())


# ─── amounts ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("39000000", 39000000),
        ("3900万", 39000000),
        ("3900万元", 39000000),
        ("0.39亿", 39000000),
        ("2.22亿", 222000000),
        ("2.22亿元", 222000000),
        ("79.7万", 797000),
        ("1,000元", 1000),
        ("39,000,000", 39000000),
        (" 3900 万元 ", 39000000),
        ("0", 0),
        ("1.00000001亿", 100000001),
    ],
)
def test_parse_yuan(text: str, yuan: int) -> None:
    value = parse_yuan(text)
    assert value == yuan
    assert type(value) is int


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "3900万美元",
        "约3900万",
        "100余万元",
        "超3900万",
        "0.5元",
        "1.23456万",
        "万亿",
        "元",
    ],
)
def test_parse_yuan_rejects(text: str) -> None:
    with pytest.raises(AmountError):
        parse_yuan(text)


@pytest.mark.parametrize(
    ("yuan", "unit", "text"),
    [
        (39000000, "万元", "3,900"),
        (39000000, "元", "39,000,000"),
        (39000000, "亿元", "0.39"),
        (797000, "万元", "79.7"),
        (797000, "亿元", "0.00797"),
        (222000000, "亿元", "2.22"),
        (12345, "万元", "1.2345"),
        (1, "亿元", "0.00000001"),
        (0, "万元", "0"),
        (-5, "元", "-5"),
        (-797000, "万元", "-79.7"),
        (123456789012, "万元", "12,345,678.9012"),
    ],
)
def test_format_amount(yuan: int, unit: str, text: str) -> None:
    assert format_amount(yuan, unit) == text


def test_format_amount_default_unit_is_wan() -> None:
    assert format_amount(39000000) == "3,900"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.integers(min_value=0, max_value=10**13))
def test_wan_round_trip(yuan: int) -> None:
    assert parse_yuan(format_amount(yuan, "万元").replace(",", "") + "万") == yuan


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.integers(min_value=0, max_value=10**13))
def test_every_unit_round_trips(yuan: int) -> None:
    assert parse_yuan(format_amount(yuan, "亿元").replace(",", "") + "亿") == yuan
    assert parse_yuan(format_amount(yuan, "元").replace(",", "")) == yuan
    assert parse_yuan(format_amount(yuan, "元") + "元") == yuan
