"""The columns of a person's sheet, declared once: name, Chinese header, meaning, parser.

The template (``template.py``), the README's table, the header reader and the row builder all
read ``COLUMNS``. A header names a column by its English name or its Chinese header (or one of
the table headings listed in ``aliases``), in any case and width, with or without spaces,
underscores or hyphens (``As Of``, ``as-of``, ``ＡＳ＿ＯＦ``, ``截至``), mixed in one row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xiezuo_cli.authoring.import_reader import OPTIONAL_COLUMNS
from xiezuo_cli.authoring.import_types import ImportFileError
from xiezuo_cli.authoring.sheets import cells
from xiezuo_cli.authoring.sheets.cells import Raw
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.model.safe_text import cut


@dataclass(frozen=True)
class Column:
    name: str  # the English name: a JSON key, a header, SheetRow's field
    header: str  # the Chinese header the template writes
    required: bool  # a row that brings a new figure (no same_as) must fill it
    meaning: str  # one line, English with the Chinese terms
    example: str
    parse: Callable[[Raw], object]
    aliases: tuple[str, ...] = ()  # other headers read as this column (as tables head it)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.header, *self.aliases)

    def label(self) -> str:
        return f"{self.name} ({self.header})"


COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", False,
           "the figure's id (r-12, cangxi-fund-2021), by which rows name each other; empty: r-N",
           "cangxi-fund-2021", cells.identifier),
    Column("provider", "支援方", True,
           "the giving side: a place by any name form or code (余杭, 杭州市余杭区, 330110)",
           "杭州市余杭区", cells.place),
    Column("receiver", "受援方", True,
           "the receiving side, the same way (苍溪, 广元市苍溪县, 510824)",
           "广元市苍溪县", cells.place),
    Column("kind", "类型", False,
           "the programme: 东西部协作, 对口支援, 山海协作, 对口合作 (when the places have "
           "no pairing yet, or several)", "东西部协作", cells.kind),
    Column("category", "类别", True,
           "财政援助, 社会帮扶, 消费帮扶, 产业合作, 劳务协作, 人才交流, 携手促振兴 or 成效",
           "财政援助", cells.category),
    Column("measure", "口径", True,
           "what is measured, in the data's words: 协作资金, 采购额, 投资额, 就业人数",
           "协作资金", cells.text),
    Column("item", "事项", True,
           "what the figure is for: 专项资金, 农产品采购", "专项资金", cells.text),
    Column("figure", "数字", False,
           "the figure as the article writes it: 1.55亿元, 10余万元, 约6100万元, 三千万元, "
           "三十五名 (money to exact yuan; 余 超 约 近 set approx)",
           "3900万元", cells.figure, ("原文数字",)),
    Column("value", "数值", False,
           "the number of a count or rate (35, 79.5), or of money with a unit (3900 and 万元)",
           "35", cells.number),
    Column("unit", "单位", False,
           "what value counts: 人, 个, %, 元/人·年; 元, 万元 or 亿元 for money", "人",
           cells.unit),
    Column("approx", "约数", False,
           "exact 精确, at_least 下限, about 约数: must agree with the figure's wording (余, 约)",
           "at_least", cells.approx, ("精度",)),
    Column("period", "时期", False,
           "the period covered: 2021, 2021-05..2021-11, ..2019-08, 2021.., 2021年5月至11月",
           "2021-05..2021-11", cells.period, ("期间",)),
    Column("stage", "阶段", False,
           "actual 实际 (default), allocated 安排/分配, pledged 签约/意向, planned 规划, "
           "forecast 预计",
           "实际", cells.stage),
    Column("actor", "出资方", False,
           "who gives: government 政府, enterprise 企业, social 社会, mixed 混合, unknown 不详 "
           "(default)", "政府", cells.actor),
    Column("cumulative", "累计", False,
           "a running total (累计, 自结对以来, 截至…共): true/false, 是/否; empty: false",
           "否", cells.flag),
    Column("as_of", "截至", False,
           "the date the figure stands at (2021-11-17); empty: the source's publication date",
           "2021-11-17", cells.as_of, ("截至日期",)),
    Column("source", "来源", True,
           "the source's id (`xiezuo sources add --id`)", "yuhang-cangxi-2021-11-17",
           cells.identifier, ("出处",)),
    Column("part_of", "含于", False,
           "the id of the figure this one is part of (其中)", "cangxi-fund-2021",
           cells.identifier),
    Column("revises", "修订", False,
           "the id of an earlier figure this one revises", "", cells.identifier),
    Column("same_as", "同一数字", False,
           "the id of a figure this row cites again: the row adds a citation, not a figure",
           "", cells.identifier),
    Column("quote", "原文", False,
           "the sentence holding the figure, verbatim from the source's held text", "",
           cells.text, ("引文",)),
    Column("note", "备注", False,
           "a note on the figure, in Chinese (on a same_as row: the citation's note)", "",
           cells.text, ("说明",)),
    Column("distinct", "另一笔", False,
           "true when the figure is another flow than a stored one with the same pairing, "
           "category, measure, stage and amount over an overlapping period (else refused as "
           "the same figure twice): true/false, 是/否; empty: false", "否", cells.flag),
    Column("derivation", "推算", False,
           "for a figure worked out from the article's numbers, how: 3978万元 ÷ 79.5%", "",
           cells.text, ("算法",)),
    Column("amount_yuan", "金额（元）", False,
           "the amount in whole yuan (as `xiezuo extract` prints it): checked against the figure",
           "39000000", cells.yuan),
)  # fmt: skip

BY_NAME = {column.name: column for column in COLUMNS}
# Without same_as, a row needs one of these for its figure.
FIGURE_COLUMNS = ("figure", "value", "amount_yuan")

SHEET, CONTRACT = "sheet", "contract"
SHAPES = {
    SHEET: "a person's sheet (the columns of `xiezuo import --template`)",
    CONTRACT: "the export's columns (`xiezuo export`)",
}
# A header cell starting with this is the person's own column, never read.
OWN_COLUMN = "#"

_SEPARATORS = re.compile(r"[\s_\-]+")


def header_key(text: str) -> str:
    """How a header is compared: folded (NFKC), case-folded, without spaces, _ or -."""
    folded = unicodedata.normalize("NFKC", text.lstrip("\ufeff"))
    return _SEPARATORS.sub("", folded).casefold()


_BY_KEY = {header_key(name): column for column in COLUMNS for name in column.names}
_CONTRACT_KEYS = {header_key(name): name for name in (*RECORD_FIELDS, *OPTIONAL_COLUMNS)}
_CONTRACT_ONLY = {key: name for key, name in _CONTRACT_KEYS.items() if key not in _BY_KEY}


def column_named(text: str) -> Column | None:
    """The column a header cell names, or None."""
    return _BY_KEY.get(header_key(text))


def names_a_column(text: str) -> bool:
    """Whether a header cell names a column of a sheet or of the export."""
    key = header_key(text)
    return key in _BY_KEY or key in _CONTRACT_KEYS


@dataclass(frozen=True)
class HeaderCell:
    index: int  # 0-based position in the row
    written: str  # as the sheet writes it (trimmed)
    place: str  # "column 3" / "column C", for messages
    column: Column | None  # None: empty, or the person's own (#…)

    def label(self) -> str:
        """The column for a message, as the sheet heads it and by its English name."""
        if self.column is None:
            return self.place
        if header_key(self.written) == header_key(self.column.name):
            return self.column.name
        return f"{cut(self.written, 40)} ({self.column.name})"


@dataclass(frozen=True)
class Header:
    """A header row read: its shape, and for a sheet, the column of each cell."""

    shape: str  # SHEET or CONTRACT
    cells: tuple[HeaderCell, ...]
    where: str  # "line 1", "sheet 'Sheet1' row 1"

    def index_of(self, name: str) -> int | None:
        for cell in self.cells:
            if cell.column is not None and cell.column.name == name:
                return cell.index
        return None

    @property
    def names(self) -> tuple[str, ...]:
        """The contract names as written (a CONTRACT header); the sheet's columns' names."""
        if self.shape == CONTRACT:
            return tuple(cell.written for cell in self.cells)
        return tuple(cell.column.name for cell in self.cells if cell.column is not None)

    def labels(self) -> dict[str, str]:
        return {c.column.name: c.label() for c in self.cells if c.column is not None}

    def is_repeat(self, values: Sequence[str | None]) -> bool:
        """Whether a row is a header of this sheet again (halfway down, or the template's second
        header row in the other language): every cell it fills names the column it stands in."""
        filled = 0
        for index, value in enumerate(values):
            if value is None or not value.strip():
                continue
            filled += 1
            column = self.cells[index].column if index < len(self.cells) else None
            if column is None or column_named(value) is not column:
                return False
        return filled > 0

    def is_shuffled_header(self, values: Sequence[str | None]) -> bool:
        """Whether a row names columns, two at least, but not in this header's order."""
        filled = [value for value in values if value is not None and value.strip()]
        return len(filled) >= 2 and all(column_named(value) for value in filled)


def is_title(values: Sequence[str | None]) -> bool:
    """A row above the header holding one text that names no column (a sheet's title)."""
    filled = [value for value in values if value is not None and value.strip()]
    return len(filled) == 1 and column_named(filled[0]) is None


def read_header(
    path: str,
    values: Sequence[str | None],
    where: str,
    place: Callable[[int], str],
    *,
    records: bool = False,
) -> Header:
    """The header row ``values`` (``place(i)`` names the i-th cell), or ImportFileError: one
    line naming every unknown column, a column given twice, a header mixing the two shapes,
    or a required column missing. ``records``: the keys of a JSON file's first record, where a
    record lacking columns a sheet needs, with none only a sheet has, is read as the export's
    (whose reader says record by record what each lacks)."""
    written = [(value or "").strip().lstrip("\ufeff").strip() for value in values]
    while written and not written[-1]:
        written.pop()  # trailing empty columns
    keys = [header_key(text) for text in written]
    contract_only = [text for text, key in zip(written, keys, strict=True) if key in _CONTRACT_ONLY]
    sheet_only = [
        text
        for text, key in zip(written, keys, strict=True)
        if key in _BY_KEY and key not in _CONTRACT_KEYS
    ]
    if contract_only and sheet_only:
        raise ImportFileError(
            path,
            f"{where}: the header mixes a sheet's columns ({_listed(sheet_only)}) with the "
            f"export's ({_listed(contract_only)}): use the one or the other",
        )
    if contract_only:
        cells_ = tuple(
            HeaderCell(i, text, place(i), None) for i, text in enumerate(written) if text
        )
        return Header(CONTRACT, cells_, where)
    found: list[HeaderCell] = []
    unknown: list[str] = []
    seen: dict[str, HeaderCell] = {}
    for index, text in enumerate(written):
        if not text or text.startswith(OWN_COLUMN):
            found.append(HeaderCell(index, text, place(index), None))
            continue
        column = _BY_KEY.get(keys[index])
        if column is None:
            unknown.append(f"{_quoted(text)} ({place(index)}{_suggestion(text)})")
            continue
        cell = HeaderCell(index, text, place(index), column)
        if column.name in seen:
            first = seen[column.name]
            raise ImportFileError(
                path,
                f"{where}: the column {column.label()} is there twice: {_quoted(first.written)} "
                f"({first.place}) and {_quoted(text)} ({cell.place})",
            )
        seen[column.name] = cell
        found.append(cell)
    if unknown:
        columns = "column" if len(unknown) == 1 else "columns"
        raise ImportFileError(
            path,
            f"{where}: unknown {columns} {', '.join(unknown[:8])}"
            f"{' …' if len(unknown) > 8 else ''}; a sheet's columns are "
            f"{', '.join(f'{c.name} {c.header}' for c in COLUMNS)}, or the export's; "
            f"a header starting with {OWN_COLUMN} is your own column and is not read",
        )
    if not seen:
        raise ImportFileError(path, f"{where}: no header: the first row names no column")
    if "same_as" not in seen:
        missing = [c.label() for c in COLUMNS if c.required and c.name not in seen]
        if not any(name in seen for name in FIGURE_COLUMNS):
            missing.append(" or ".join(BY_NAME[name].label() for name in FIGURE_COLUMNS))
        if missing and records and not sheet_only:
            cells_ = tuple(
                HeaderCell(i, text, place(i), None) for i, text in enumerate(written) if text
            )
            return Header(CONTRACT, cells_, where)
        if missing:
            raise ImportFileError(
                path,
                f"{where}: no column {', '.join(missing)}: a row that brings a new figure "
                "needs them (a sheet of rows citing known figures has a same_as column)",
            )
    return Header(SHEET, tuple(found), where)


def _listed(texts: list[str]) -> str:
    return ", ".join(cut(text, 40) for text in texts[:4]) + (" …" if len(texts) > 4 else "")


def _quoted(text: str) -> str:
    return repr(cut(text, 40))


def _suggestion(text: str) -> str:
    import difflib  # only on this error path

    names = [name for column in COLUMNS for name in column.names]
    close = difflib.get_close_matches(header_key(text), [header_key(n) for n in names], n=1)
    if not close:
        return ""
    column = _BY_KEY[close[0]]
    return f"; did you mean {column.name} {column.header}?"
