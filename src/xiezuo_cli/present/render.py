"""Tables and charts for people, drawn with Rich. The only module that imports Rich.

Text from the data goes in as rich.text.Text, never as a markup string, so ``[bold]`` in a record
is shown as typed; control characters (terminal escape codes) are shown as ``\\x1b`` so a record
cannot restyle or break the terminal.

Fitting the terminal. On a terminal every table is laid out to its width (``terminal.width``:
``COLUMNS``, else the terminal's own size; 0 or junk in ``COLUMNS`` is 80). xiezuo measures and
wraps the cells itself (``wrap``), Rich only styles the lines: a line breaks between Chinese
characters or at a space, never inside a run of Latin letters, digits and ASCII punctuation, so
an id, a code, a URL or a number is never split or cut; no line starts with a closing mark (，。）
→) or ends with an opening one (（). A column is one of three kinds: ``WHOLE`` (ids, codes, dates,
URLs: as wide as its widest cell), ``NUMBER`` (the same, right-aligned on the decimal point) or
``TEXT`` (wrapped, never narrower than its longest unbreakable run, nor than its ``floor`` unless
all of it is narrower). When the columns do not fit even at their narrowest, the table hides
columns in the order ``DROP_ORDER`` gives for it and says so in one dim line under it
(``已隐藏列：备注、年份；加宽终端或用 --columns 指定``; a hidden column with one value on every row
names it: ``层级（均为县级）``). A column not in that order is never hidden: when even those do not
fit, each row becomes a block of ``编号: …`` lines, every value whole. Width left over goes to the
columns that would wrap, the smallest needs first. ``--columns`` tables hide nothing: the columns
asked for are shown, as a table or as blocks. A value longer than the whole terminal (a long URL
at 40 columns) is the one thing that can run past the edge: it is printed whole on a line of its
own, for the terminal to wrap and for a mouse to copy. Off a terminal (``--format table`` into a
pipe) there is no width to fit: every column is as wide as its widest cell, nothing wraps and
nothing is hidden.

Amounts. A money column shows every amount with the same number of decimals: the fewest that show
every amount in that column exactly (万元: ``3,900.0`` beside ``79.7``; 亿元: ``0.39000`` beside
``0.00797``; 元: none), computed from the integer yuan, never through float, never rounded.
Counts and rates that share the column are aligned on their decimal point too. Charts keep each
amount as ``funds`` writes it.

Every table ends with a count line (``3 条记录``, ``0 条记录``; ``N 个结对``; for totals
``N 行，计入 M 条记录``), so a result with no match is its header row and ``0 …``, never a blank.
"""

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, cast

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from xiezuo_cli.errors import ReaderGone
from xiezuo_cli.model.amounts import DISPLAY_UNITS, format_amount, format_value
from xiezuo_cli.model.records import Pairing, Record, Source
from xiezuo_cli.model.safe_text import escape_controls
from xiezuo_cli.model.vocab import ACTOR_NAMES, LEVEL_NAMES, STAGE_NAMES
from xiezuo_cli.present import terminal
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.funds import (
    AID_TOTAL_LABEL,
    APART_OVERLAP,
    APART_WINDOW,
    Decision,
    Total,
    aid_totals,
    period_text,
)
from xiezuo_cli.storage.dataset import Dataset

FIELD_HEADINGS = {
    "id": "编号",
    "pairing": "结对",
    "kind": "类型",
    "level": "层级",
    "provider": "支援方",
    "provider_code": "支援方代码",
    "receiver": "受援方",
    "receiver_code": "受援方代码",
    "category": "类别",
    "item": "事项",
    "measure": "口径",
    "value": "数值",
    "unit": "单位",
    "amount_yuan": "金额（元）",
    "approx": "精度",
    "period_start": "起",
    "period_end": "止",
    "year": "年份",
    "span": "跨年",
    "cumulative": "累计",
    "as_of": "截至",
    "stage": "阶段",
    "actor": "出资方",
    "scope": "范围",
    "part_of": "含于",
    "revises": "修订",
    "source": "来源",
    "quote": "原文",
    "citations": "引用数",
    "note": "说明",
    "figure": "原文数字",
    "basis": "依据",
    "from_level": "来自层级",
}
APPROX_NAMES = {"exact": "精确", "at_least": "下限", "about": "约数"}
SCOPE_NAMES = {"item": "单项", "running_total": "累计"}
# Values shown in Chinese in tables; machine formats keep the English codes.
VALUE_NAMES = {
    "level": LEVEL_NAMES,
    "stage": STAGE_NAMES,
    "actor": ACTOR_NAMES,
    "approx": APPROX_NAMES,
    "scope": SCOPE_NAMES,
    "from_level": LEVEL_NAMES,
}
BASIS_NAMES = {"reported": "本级报道", "rolled_up": "下级合计（已报道部分）"}
NUMERIC_FIELDS = ("value", "amount_yuan", "year", "citations")
APPROX_MARKS = {"at_least": "≥", "about": "约", "exact": ""}
# Before a figure we worked out from an article's numbers (never confused with its 约).
DERIVED_MARK = "推算"


def record_mark(record: Record) -> str:
    """推算 for a derived figure, then the article's own ≥ or 约."""
    return (DERIVED_MARK if record.derived else "") + APPROX_MARKS[record.approx]


NO_PERIOD = "未注明期间"

# ─── column kinds and the order columns are hidden in ────────────────────────────────────

TEXT, WHOLE, NUMBER = "text", "whole", "number"
GAP = "   "  # between two columns

# When a table does not fit the terminal, these columns are hidden, first to last, until it fits.
# Columns not named never hide (the id, the item, the number and its unit; a total's grouping
# fields and its amount): when those alone do not fit, every row becomes a block of lines.
DROP_ORDER: dict[str, tuple[str, ...]] = {
    "list": ("remarks", "year", "category", "pairing", "=stage"),  # also filter, export
    "pairs": ("records", "since", "kind"),
    # stage hides only when every row has the one value, which the line under the table names
    "funds": ("records", "level", "=stage"),
    "roll_up": ("records", "=stage", "provider"),
    "explain": ("category", "pairing", "family", "item", "=stage"),
    "report": ("remarks", "year", "category", "pairing", "=stage"),  # --per year: 结对 last
    "show_funds": ("records", "=stage"),
    "show_records": ("remarks", "category", "=stage"),
    "sources": ("publisher", "published"),
}
# A key in a DROP_ORDER after this mark hides only when every row has one same value, and the
# line under the table then names it: the stage, which must never be lost where money is listed
# (5,000万 allocated must not read as money spent), but which on a narrow terminal need not take a
# column to say that every row is 实际.
UNIFORM = "="
ALWAYS_DESCRIBED = frozenset({"stage"})
HINT_COLUMNS = "加宽终端或用 --columns 指定"
HINT_CSV = "加宽终端或用 --csv 查看全部字段"
HINT_SHORT = "加宽终端可见"


class Col(NamedTuple):
    key: str
    heading: str
    kind: str = TEXT
    # TEXT only, in cells: ``floor`` is the narrowest the column is made while other columns
    # can still be hidden to make room; ``least`` (default: floor) the narrowest it is made once
    # none can, before the rows become blocks. Neither ever splits an unbreakable run.
    floor: int = 8
    least: int | None = None


class Amount(NamedTuple):
    """Money in a cell, formatted once its column's number of decimals is known."""

    yuan: int
    mark: str = ""  # ≥, 约 or 约≥


class Row(NamedTuple):
    cells: Mapping[str, object]  # column key -> str, number, Amount or None
    style: str | None = None
    end: bool = False  # a blank line after this row (the end of a category in a report)


def safe(value: object) -> Text:
    """Data as literal text: no markup, control characters made visible."""
    return Text(_plain(value))


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "是" if value else "否"
    return escape_controls(str(value), table=True, keep="\n")


# ─── the console ──────────────────────────────────────────────────────────────────────────

UNBOUNDED = 100_000  # off a terminal: wide enough for any row


class _Console(Console):
    """A Rich console whose lines carry no trailing padding: no spaces at the end of lines in
    files and diffs."""

    def print(self, *objects: object, **kwargs: object) -> None:  # type: ignore[override]
        with self.capture() as captured:
            super().print(*objects, **kwargs)  # type: ignore[arg-type]
        # Line by line: one large write into a pipe whose reader has left can end as a short
        # write with no error, where many small ones meet the broken pipe (exit 141).
        lines = captured.get().split("\n")
        write = self.file.write
        for line in lines[:-1]:
            write(line.rstrip(" ") + "\n")
        write(lines[-1].rstrip(" "))

    def on_broken_pipe(self) -> None:
        # Rich would exit 1 here; a reader that left is exit 141 everywhere in xiezuo.
        raise ReaderGone()


def make_console(options: OutputOptions) -> Console:
    width = terminal.width(sys.stdout)
    return _Console(
        file=sys.stdout,
        no_color=not options.color,
        # no_color alone still lets bold and other styles through as escape codes
        color_system="auto" if options.color else None,
        highlight=False,
        emoji=False,
        markup=False,
        # In a pipe there is no width to fit: make room for the widest row rather than cut it.
        width=width or UNBOUNDED,
        soft_wrap=False,
    )


class _Out:
    """Lines for one command's output, laid out to the console's width, printed at the end."""

    def __init__(self, options: OutputOptions) -> None:
        self.console = make_console(options)
        self.unit = options.unit
        self.lines: list[Text] = []

    @property
    def width(self) -> int:
        return max(self.console.width, 1)

    @property
    def bounded(self) -> bool:
        """Whether there is a terminal's width to fit (not a pipe's unbounded one)."""
        return self.console.width < UNBOUNDED

    def line(self, text: str | Text = "", style: str | None = None) -> None:
        """One line as it is (already fitted, or one whole value that must not be broken)."""
        self.lines.append(text if isinstance(text, Text) else Text(text, style=style or ""))

    def para(self, text: str, style: str | None = None) -> None:
        """Text wrapped to the width, breaking only where ``wrap`` may."""
        for line in wrap(_plain(text), self.width):
            self.line(line, style)

    def flush(self) -> None:
        if self.lines:
            self.console.print(Text("\n").join(self.lines), soft_wrap=True)
        self.lines = []


# ─── wrapping ─────────────────────────────────────────────────────────────────────────────

_CLOSING = frozenset("，。、；：！？）》」』】〕”’…→＋·/%,.;:!?)]}")
_OPENING = frozenset("（《「『【〔“‘([{")
_HEADING_TOKEN = re.compile(r" +|（[^（ ]*|[^（ ]+")


def _tokens(text: str) -> list[str]:
    """The pieces a line may break between: a run of spaces; a run of narrow characters (an id,
    a number, a URL, a Latin word); or one wide character. A closing mark joins the piece before
    it, an opening mark the piece after it."""
    tokens: list[str] = []
    run = False  # the last piece is a run of narrow characters the next narrow one joins
    for char in text:
        if char == " ":
            if tokens and tokens[-1][0] == " ":
                tokens[-1] += char
            else:
                tokens.append(char)
            run = False
            continue
        size = cell_len(char)
        if char in _CLOSING and len(tokens) > 1 and tokens[-1][0] == " ":
            spaces = tokens.pop()  # 余杭区 → 苍溪县 breaks after the arrow, not before it
            tokens[-1] += spaces
        last = tokens[-1] if tokens else " "
        if last[0] != " " and (
            size == 0 or char in _CLOSING or last[-1] in _OPENING or (run and size == 1)
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
        run = size == 1 or (run and size == 0)
    return tokens


def _heading_tokens(text: str) -> list[str]:
    """A heading breaks only at a space or before （: 金额 / （万元）."""
    return _HEADING_TOKEN.findall(text)


def wrap(text: str, width: int, tokens: Callable[[str], list[str]] = _tokens) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken only between tokens; a token wider
    than ``width`` (a long URL on a narrow terminal) gets a line of its own, whole."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:  # the common case: it fits as it is
            lines.append(paragraph.rstrip(" "))
            continue
        line: list[str] = []
        used = 0
        fresh = True  # no break yet in this paragraph: leading spaces are indentation
        for token in tokens(paragraph):
            size = cell_len(token)
            if token[0] == " ":
                if line or fresh:
                    line.append(token)
                    used += size
                continue
            if line and used + size > width and "".join(line).strip():
                lines.append("".join(line).rstrip(" "))
                line, used, fresh = [], 0, False
            line.append(token)
            used += size
        lines.append("".join(line).rstrip(" "))
    return lines


def _widest(text: str) -> int:
    return max(cell_len(line) for line in text.split("\n"))


# ─── numbers ──────────────────────────────────────────────────────────────────────────────


def amount_text(yuan: int, unit: str, approx: str = "exact") -> str:
    return APPROX_MARKS[approx] + format_amount(yuan, unit)


def _mark(total: Total) -> str:
    """≥ for a lower bound, 约 for an estimate, 约≥ for both (a sum of a lower bound and an
    estimate is an approximate lower bound); 推算 first when a derived figure is in it."""
    derived = DERIVED_MARK if total.derived else ""
    return derived + ("约" if total.about else "") + ("≥" if total.at_least else "")


def total_text(total: Total, unit: str) -> str:
    """A total as people read it, with its marks."""
    return _mark(total) + format_amount(total.amount_yuan, unit)


def _scale(unit: str) -> int:
    """Decimal places of the unit: 元 0, 万元 4, 亿元 8."""
    return len(str(DISPLAY_UNITS[unit])) - 1


def decimals_needed(yuan: int, unit: str) -> int:
    """The fewest decimals that show ``yuan`` in ``unit`` exactly: 797000 in 亿元 is 5."""
    scale = _scale(unit)
    remainder = abs(yuan) % 10**scale
    return len(str(remainder).rjust(scale, "0").rstrip("0")) if remainder else 0


def fixed_amount(yuan: int, unit: str, decimals: int) -> str:
    """``yuan`` in ``unit`` with exactly ``decimals`` decimals (at least ``decimals_needed``):
    integers only, nothing rounded. 39000000, 万元, 1 -> '3,900.0'."""
    scale = _scale(unit)
    if decimals < decimals_needed(yuan, unit):
        raise ValueError(f"{yuan} yuan needs more than {decimals} decimals in {unit}")
    whole, remainder = divmod(abs(yuan), 10**scale)
    text = f"{'-' if yuan < 0 else ''}{whole:,}"
    if decimals:
        text += "." + str(remainder).rjust(scale, "0")[:decimals].ljust(decimals, "0")
    return text


_NUMBER = re.compile(r"(\D*?)(\d[\d,]*)(\.\d+)?")


def _align_points(texts: list[str]) -> list[str]:
    """Right-aligned numbers padded on the right so that their decimal points line up; a cell
    that is not a plain number (—, a number with a unit after it) is left as it is."""
    tails: list[int | None] = []
    for text in texts:
        match = _NUMBER.fullmatch(text)
        tails.append(None if match is None else len(match[3] or ""))
    widest = max((tail for tail in tails if tail is not None), default=0)
    return [
        text if tail is None else text + " " * (widest - tail)
        for text, tail in zip(texts, tails, strict=True)
    ]


def _number_column(values: Sequence[object], unit: str) -> list[str]:
    amounts = [value.yuan for value in values if isinstance(value, Amount)]
    decimals = max((decimals_needed(yuan, unit) for yuan in amounts), default=0)
    texts = [
        value.mark + fixed_amount(value.yuan, unit, decimals)
        if isinstance(value, Amount)
        else _plain(value)
        for value in values
    ]
    return _align_points(texts)


# ─── tables ───────────────────────────────────────────────────────────────────────────────


def _cells(cols: Sequence[Col], rows: Sequence[Row], unit: str) -> list[list[str]]:
    """Every cell as text, by column, numbers formatted for their column."""
    columns = []
    for col in cols:
        values = [row.cells.get(col.key) for row in rows]
        if col.kind == NUMBER:
            columns.append(_number_column(values, unit))
        else:
            columns.append([_plain(value) for value in values])
    return columns


class _Layout(NamedTuple):
    shown: list[int]  # the columns shown, by index
    widths: dict[int, int]
    gap: str


def _fit(
    cols: Sequence[Col], columns: Sequence[Sequence[str]], width: int, drop: Sequence[str]
) -> _Layout | None:
    """The columns shown and their widths; None when even the ones never hidden do not fit.

    Columns in ``drop`` are hidden, in that order, until the rest fit with every text column at
    least its ``floor`` wide; when none is left to hide, text columns may narrow to ``least``.
    Columns are three cells apart, or two when that shows more of them."""
    natural: list[int] = []
    comfortable: list[int] = []
    narrowest: list[int] = []
    for col, texts in zip(cols, columns, strict=True):
        heading_min = max((cell_len(t) for t in _heading_tokens(col.heading)), default=0)
        widest = max((_widest(text) for text in texts), default=0)
        if col.kind == TEXT and width < UNBOUNDED:
            longest = max((cell_len(t) for text in texts for t in _tokens(text)), default=0)
            least = col.floor if col.least is None else col.least
            low = max(longest, heading_min, min(widest, col.floor))
            lowest = max(longest, heading_min, min(widest, least))
        else:
            low = lowest = max(widest, heading_min)
        natural.append(max(widest, cell_len(col.heading), low))
        comfortable.append(low)
        narrowest.append(lowest)

    def plan(gap: int) -> tuple[list[int], dict[int, int]] | None:
        shown = list(range(len(cols)))

        def needed(sizes: Sequence[int]) -> int:
            return sum(sizes[i] for i in shown) + gap * (len(shown) - 1)

        for key in drop:
            if needed(comfortable) <= width:
                break
            if key.startswith(UNIFORM):  # hidden only when every row has the one same value
                key = key[len(UNIFORM) :]
                if any(len(set(columns[i])) != 1 for i in shown if cols[i].key == key):
                    continue
            shown = [i for i in shown if cols[i].key != key]
        if needed(narrowest) > width:
            return None
        widths = {i: comfortable[i] for i in shown}
        excess = needed(comfortable) - width
        while excess > 0:  # narrow the column with the most room to give, one cell at a time
            i = max(shown, key=lambda index: (widths[index] - narrowest[index], -index))
            widths[i] -= 1
            excess -= 1
        return shown, widths

    def score(found: tuple[list[int], dict[int, int]] | None) -> tuple[int, int]:
        if found is None:
            return (-1, 0)
        shown, widths = found
        return (len(shown), -sum(comfortable[i] - widths[i] for i in shown))

    gap, found = GAP, plan(len(GAP))
    if score(found) < (len(cols), 0):
        closer = plan(len(GAP) - 1)
        if score(closer) > score(found):
            gap, found = GAP[:-1], closer
    if found is None:
        return None
    shown, widths = found
    spare = width - sum(widths.values()) - len(gap) * (len(shown) - 1)
    wants = {i: natural[i] - widths[i] for i in shown if natural[i] > widths[i]}
    while spare > 0 and wants:
        share = max(1, spare // len(wants))
        for i in sorted(wants, key=lambda index: (wants[index], index)):
            give = min(share, wants[i], spare)
            widths[i] += give
            wants[i] -= give
            spare -= give
            if not wants[i]:
                del wants[i]
            if not spare:
                break
    return _Layout(shown, widths, gap)


def _padded(col: Col, lines: list[str], width: int) -> list[str]:
    """Lines padded to the column's width: numbers on the right, everything else on the left."""
    if col.kind == NUMBER:
        return [" " * (width - cell_len(line)) + line for line in lines]
    return [line + " " * (width - cell_len(line)) for line in lines]


def _lines_of(col: Col, text: str, width: int) -> list[str]:
    return _padded(col, wrap(text, width) if col.kind == TEXT else text.split("\n"), width)


def _grid_lines(
    out: _Out,
    cols: Sequence[Col],
    rows: Sequence[Row],
    columns: Sequence[Sequence[str]],
    layout: _Layout,
) -> None:
    shown, widths, gap = layout

    def joined(cells: list[list[str]], style: str | None) -> None:
        height = max(len(cell) for cell in cells)
        for index in range(height):
            parts = [
                cell[index] if index < len(cell) else " " * widths[shown[n]]
                for n, cell in enumerate(cells)
            ]
            out.line(gap.join(parts), style)

    headings = [
        _padded(cols[i], wrap(cols[i].heading, widths[i], _heading_tokens), widths[i])
        for i in shown
    ]
    joined(headings, "bold")
    out.line("─" * (sum(widths[i] for i in shown) + len(gap) * (len(shown) - 1)))
    for number, row in enumerate(rows):
        joined([_lines_of(cols[i], columns[i][number], widths[i]) for i in shown], row.style)
        if row.end and number + 1 < len(rows):
            out.line()


def _block_lines(
    out: _Out, cols: Sequence[Col], rows: Sequence[Row], columns: Sequence[Sequence[str]]
) -> None:
    """One block per row: ``编号: value`` lines, every value whole, a blank line between."""
    labels = [f"{col.heading}: " for col in cols]
    indent = max((cell_len(label) for label in labels), default=0)
    room = out.width - indent
    for number, row in enumerate(rows):
        if number:
            out.line()
        for col, label, texts in zip(cols, labels, columns, strict=True):
            value = texts[number].strip()
            if not value:
                continue
            lines = _value_lines(col, value, room)
            if room >= 16 and all(cell_len(line) <= room for line in lines):
                out.line(label + " " * (indent - cell_len(label)) + lines[0], row.style)
                for line in lines[1:]:
                    out.line(" " * indent + line, row.style)
                continue
            # too narrow beside the label: the value below it, indented where it fits
            out.line(label.rstrip(), row.style)
            for line in _value_lines(col, value, out.width - 2):
                out.line(("  " if cell_len(line) + 2 <= out.width else "") + line, row.style)


def _value_lines(col: Col, value: str, width: int) -> list[str]:
    return wrap(value, width) if col.kind == TEXT else value.split("\n")


def _hidden_line(
    cols: Sequence[Col],
    columns: Sequence[Sequence[str]],
    shown: Sequence[int],
    hint: str,
    width: int,
) -> str | None:
    """已隐藏列：备注、层级（均为县级）；hint — on one line if it can be: the values shared by
    every row are left out first, then the hint is shortened."""
    names, described = [], []
    for i, col in enumerate(cols):
        if i in shown:
            continue
        values = {text.strip() for text in columns[i]}
        same = f"（均为{values.pop()}）" if len(values) == 1 and "" not in values else ""
        # a column hidden only for its one value (the stage) is never named without it
        names.append(col.heading + (same if col.key in ALWAYS_DESCRIBED else ""))
        described.append(col.heading + same)
    if not names:
        return None
    candidates = [
        "已隐藏列：" + "、".join(described) + "；" + hint,
        "已隐藏列：" + "、".join(names) + "；" + hint,
        "已隐藏列：" + "、".join(names) + "；" + HINT_SHORT,
    ]
    return next((c for c in candidates if cell_len(c) <= width), candidates[-1])


def _table(
    out: _Out,
    cols: Sequence[Col],
    rows: Sequence[Row],
    *,
    drop: Sequence[str] = (),
    hint: str = HINT_CSV,
) -> None:
    """A table fitted to the width (see the module's doc), or blocks when it cannot be."""
    columns = _cells(cols, rows, out.unit)
    layout = _fit(cols, columns, out.width, drop)
    if layout is None:
        _block_lines(out, cols, rows, columns)
        return
    _grid_lines(out, cols, rows, columns, layout)
    hidden = _hidden_line(cols, columns, layout.shown, hint, out.width)
    if hidden:
        out.para(hidden, "dim")


# ─── record cells ─────────────────────────────────────────────────────────────────────────


def figure_cells(record: Record, unit: str) -> tuple[str, str]:
    """The number and unit of a record as a person reads them: ≥100 万元, 约10,000 亩,
    推算5,004 万元."""
    if record.amount_yuan is not None:
        return record_mark(record) + format_amount(record.amount_yuan, unit), unit
    return record_mark(record) + format_value(record.value), record.unit


def _figure(record: Record, unit: str) -> tuple[object, str]:
    """figure_cells for a table: money as an Amount, so its column sets the decimals."""
    if record.amount_yuan is not None:
        return Amount(record.amount_yuan, record_mark(record)), unit
    return figure_cells(record, unit)


def remarks(record: Record, revised: Mapping[str, str] | None = None) -> str:
    notes = []
    if record.part_of:
        notes.append(f"含于 {record.part_of}")
    if record.revises:
        notes.append(f"修订 {record.revises}")
    if revised and record.id in revised:
        notes.append(f"已被 {revised[record.id]} 修订")
    if record.span:
        notes.append(f"{record.span}累计" if record.cumulative else record.span)
    if record.level != "county":
        notes.append(LEVEL_NAMES[record.level])
    return "；".join(notes)


REVISED_MARK = "已修订"


def stage_cell(record: Record, revised: Mapping[str, str] | None = None) -> str:
    """The stage as tables show it, on every row that lists money (实际, 签约/意向); a figure a
    later one revises says so: 签约/意向（已修订）."""
    name = STAGE_NAMES.get(record.stage, record.stage)
    return f"{name}（{REVISED_MARK}）" if revised and record.id in revised else name


def pairing_label(data: Dataset, pairing_id: str) -> str:
    pairing = data.pairings.get(pairing_id)
    return pairing.label if pairing else pairing_id


# The readable columns of the tables that show records one per row.
RECORD_COLUMNS = {
    "id": Col("id", "编号", WHOLE),
    "pairing": Col("pairing", "结对", TEXT, 10, 6),
    "category": Col("category", "类别", TEXT, 10, 4),
    "item": Col("item", "事项", TEXT, 24, 12),
    "number": Col("number", "数值", NUMBER),
    "unit": Col("unit", "单位", TEXT, 8, 4),
    "year": Col("year", "年份", NUMBER),
    "stage": Col("stage", "阶段", TEXT, 10, 4),
    "remarks": Col("remarks", "备注", TEXT, 12),
}
# The stage is on every table that lists figures, and never hidden (DROP_ORDER): 5,000万 allocated
# and 22,200万 pledged must not read like money spent.
LIST_COLUMNS = ("id", "pairing", "category", "item", "number", "unit", "stage", "year", "remarks")


def _record_row(
    data: Dataset,
    record: Record,
    unit: str,
    style: str | None = None,
    revised: Mapping[str, str] | None = None,
) -> Row:
    number, shown_unit = _figure(record, unit)
    return Row(
        {
            "id": record.id,
            "pairing": pairing_label(data, record.pairing),
            "category": record.category,
            "item": record.item,
            "number": number,
            "unit": shown_unit,
            "stage": stage_cell(record, revised),
            "year": record.year,
            "remarks": remarks(record, revised),
        },
        style,
    )


# --columns: how each record field is shown. Anything not named is TEXT with the default floor.
_FIELD_KINDS = {
    "id": WHOLE,
    "provider_code": WHOLE,
    "receiver_code": WHOLE,
    "period_start": WHOLE,
    "period_end": WHOLE,
    "as_of": WHOLE,
    "part_of": WHOLE,
    "revises": WHOLE,
    "source": WHOLE,
    "figure": WHOLE,
    "span": WHOLE,
    "value": NUMBER,
    "amount_yuan": NUMBER,
    "year": NUMBER,
    "citations": NUMBER,
}
_FIELD_FLOORS = {
    "item": (24, 12),
    "quote": (24, 12),
    "note": (24, 12),
    "unit": (8, 4),
    "level": (4, 4),
    "stage": (10, 4),
    "pairing": (10, 6),
}


def _field_col(name: str, unit: str) -> Col:
    heading = f"金额（{unit}）" if name == "amount_yuan" else FIELD_HEADINGS.get(name, name)
    floor, least = _FIELD_FLOORS.get(name, (8, 4))
    return Col(name, heading, _FIELD_KINDS.get(name, TEXT), floor, least)


def _field_cell(data: Dataset, record: Record, name: str, unit: str) -> object:
    """A record field as the default tables show it: money in the unit chosen with its marks,
    Chinese values, the pairing's label."""
    if name == "amount_yuan":
        if record.amount_yuan is None:
            return None
        return Amount(record.amount_yuan, record_mark(record))
    if name in ("value", "unit"):
        number, shown_unit = _figure(record, unit)
        return number if name == "value" else shown_unit
    if name == "pairing":
        return pairing_label(data, record.pairing)
    value = getattr(record, name)
    if name == "citations":
        return len(value)
    if name in VALUE_NAMES:
        return VALUE_NAMES[name].get(value, value)
    return value


# ─── list / filter ────────────────────────────────────────────────────────────────────────


def records_table(
    data: Dataset,
    records: Sequence[Record],
    options: OutputOptions,
    columns: Sequence[str] = (),
    revised: Mapping[str, str] | None = None,
    empty: str | None = None,
) -> None:
    """``revised``: each figure a later one revises (known at --as-of), and that later one;
    ``empty``: why nothing matched, said under an empty table."""
    out = _Out(options)
    if columns:
        cols = [_field_col(name, options.unit) for name in columns]
        rows = [
            Row({name: _field_cell(data, record, name, options.unit) for name in columns})
            for record in records
        ]
        _table(out, cols, rows)  # the columns asked for are never hidden
    else:
        cols = [RECORD_COLUMNS[name] for name in LIST_COLUMNS]
        rows = [_record_row(data, record, options.unit, revised=revised) for record in records]
        _table(out, cols, rows, drop=DROP_ORDER["list"], hint=HINT_COLUMNS)
    out.para(f"{len(records)} 条记录")
    if empty and not records:
        out.para(empty)
    out.flush()


def plain_table(
    rows: Sequence[Mapping[str, object]], columns: Sequence[str], options: OutputOptions
) -> None:
    """Any rows of text by the columns named (headings in Chinese where xiezuo has them)."""
    out = _Out(options)
    cols = [Col(name, FIELD_HEADINGS.get(name, name), TEXT, 12) for name in columns]
    _table(out, cols, [Row(row) for row in rows])
    out.para(f"{len(rows)} 行")
    out.flush()


# ─── pairs ────────────────────────────────────────────────────────────────────────────────

PAIRS_CAPTION = (
    "财政援助：实际投入的财政资金；没有财政资金数字的结对用它唯一的另一口径（如各类帮扶资金，"
    "含社会资金）。各行的口径与期间不同，不是同一个量：比较、排序时看这两栏。含于他项的不重复"
    "计算；≥ 表示下限，约 表示约数，推算 表示由文中数字推算。"
)
PAIRS_SPLIT = "分列"  # a running total and figures its period overlaps: no one sum (see funds)
PAIRS_SPLIT_CAPTION = (
    "分列：该结对的累计数与同口径的其他数字期间重叠，不能合成一个数，见 xiezuo funds --pair。"
)


def pairs_table(
    rows: Sequence[Mapping[str, object]], options: OutputOptions, empty: str | None = None
) -> None:
    out = _Out(options)
    table_rows = []
    for row in rows:
        fiscal = cast("int | None", row["fiscal_aid_yuan"])
        mark = ("约" if row["fiscal_aid_about"] else "") + (
            "≥" if row["fiscal_aid_at_least"] else ""
        )
        if row["fiscal_aid_derived"]:
            mark = DERIVED_MARK + mark
        measure = row["fiscal_aid_measure"]
        if fiscal is not None:
            shown: object = Amount(fiscal, mark)
        else:
            shown = PAIRS_SPLIT if measure is not None else "—"
        period = (
            period_text(
                cast("str | None", row["fiscal_aid_period_start"]),
                cast("str | None", row["fiscal_aid_period_end"]),
            )
            if fiscal is not None
            else None
        )
        table_rows.append(
            Row(
                {
                    "id": row["id"],
                    "kind": row["kind"],
                    "pairing": f"{row['provider']} → {row['receiver']}",
                    "since": row["since"] or "—",
                    "records": row["records"],
                    "fiscal": shown,
                    "measure": measure,
                    "period": period,
                }
            )
        )
    cols = [
        Col("id", "编号", WHOLE),
        Col("kind", "类型", TEXT, 10, 4),
        Col("pairing", "支援方 → 受援方", TEXT, 14, 8),
        Col("since", "起始", WHOLE),
        Col("records", "记录数", NUMBER),
        Col("fiscal", f"财政援助（{options.unit}）", NUMBER),
        Col("measure", "口径", TEXT, 6, 4),
        PERIOD_COL,
    ]
    _table(out, cols, table_rows, drop=DROP_ORDER["pairs"])
    out.para(f"{len(rows)} 个结对")
    if empty and not rows:
        out.para(empty)
    out.para(PAIRS_CAPTION)
    if any(row.cells["fiscal"] == PAIRS_SPLIT for row in table_rows):
        out.para(PAIRS_SPLIT_CAPTION)
    out.flush()


# ─── funds ────────────────────────────────────────────────────────────────────────────────

FUNDS_CAPTION = (
    "只计资金流（财政援助、社会帮扶、消费帮扶、产业合作）；不同类别、口径、层级、阶段各列一行，从不相加；"
    "含于他项的、已被修订的、成效类金额与比率不计入。≥ 表示含“余、超、多”等下限数字，约 表示约数。"
)
COUNTS_CAPTION = (
    "只计数量（人数、个数、面积等），不同类别、口径、单位、层级、阶段各列一行，从不相加；"
    "含于他项的、已被修订的与比率不计入。≥ 表示含“余、超、多”等下限数字，约 表示约数。"
)

# How each grouping field of a total is shown: kind, floor, least (see Col).
_GROUP_COLUMNS = {
    "pairing": (TEXT, 10, 6),
    "year": (NUMBER, 0, 0),
    "span": (WHOLE, 0, 0),
    "category": (TEXT, 8, 4),
    "measure": (TEXT, 8, 4),
    "kind": (TEXT, 10, 4),
    "level": (TEXT, 4, 4),
    "stage": (TEXT, 10, 4),
    "actor": (TEXT, 4, 4),
    "provider": (TEXT, 12, 6),
    "receiver": (TEXT, 12, 6),
    "unit": (TEXT, 8, 4),
    "basis": (TEXT, 12, 8),
    "from_level": (TEXT, 4, 4),
}


def _group_col(name: str) -> Col:
    kind, floor, least = _GROUP_COLUMNS.get(name, (TEXT, 8, 4))
    return Col(name, FIELD_HEADINGS.get(name, name), kind, floor, least)


def _group_value(data: Dataset | None, name: str, value: object) -> object:
    if name == "pairing" and data is not None:
        return pairing_label(data, str(value))
    if name in ("year", "span") and value is None:
        return None
    if name in VALUE_NAMES:
        return VALUE_NAMES[name].get(str(value), value)
    if name == "basis":
        return BASIS_NAMES.get(str(value), value)
    return value


def _total_cell(total: Total, counts: bool) -> object:
    if counts:
        return _mark(total) + format_value(total.amount_yuan)
    return Amount(total.amount_yuan, _mark(total))


def _skipped_line(decisions: Sequence[Decision]) -> str | None:
    """One line on what matched but was not added, so an empty or small table has its reason."""
    reasons = {
        "part_of": "含于他项（未重复计入）",
        "revised": "已被修订",
        "stage": "其他阶段（另计）",
        "outcome": "成效类",
        "rate": "比率",
        "currency": "外币未折算",
    }
    counts: dict[str, int] = {}
    for decision in decisions:
        if not decision.shown:
            counts[decision.reason] = counts.get(decision.reason, 0) + 1
    if not counts:
        return None
    parts = [f"{reasons[r]} {n} 条" for r, n in counts.items() if r in reasons]
    return "另有匹配记录未计入：" + "，".join(parts) + "；见 --explain。"


def _totals_count(rows: Sequence[Total]) -> str:
    counted = sum(total.records for total in rows if total.apart != APART_WINDOW)
    apart = sum(total.records for total in rows if total.apart == APART_WINDOW)
    return f"{len(rows)} 行，计入 {counted} 条记录" + (
        f"，另 {apart} 条单列不计入" if apart else ""
    )


# How a row kept apart is marked after its period, and the line under the table that says why.
APART_MARKS = {APART_OVERLAP: "累计", APART_WINDOW: "跨出"}


def _period_cell(total: Total) -> str:
    """期间 of a row of totals: 2021-05–2021-11, with 累计 or 跨出 below it on a row kept apart
    (a line of its own: a narrow column never splits the mark)."""
    text = period_text(total.period_start, total.period_end)
    mark = APART_MARKS.get(total.apart or "")
    return f"{text}\n{mark}" if mark else text


def _has_apart(rows: Sequence[Total]) -> bool:
    return any(total.apart for total in rows)


def _apart_lines(out: _Out, rows: Sequence[Total], window: str | None) -> None:
    """Why rows that share a key are not added: one line for each reason present."""
    kinds = {total.apart for total in rows}
    if APART_OVERLAP in kinds:
        out.para(
            "累计：该行是一个累计数，其期间与同一类别、口径的其他数字重叠（累计数可能已含有它们），"
            "各列一行，从不相加。"
        )
    if APART_WINDOW in kinds:
        asked = window or "所问期间"
        out.para(
            f"跨出：该行期间跨出{asked}，不能拆分，单列一行、不计入合计；"
            f"它所含的分项若在{asked}之内，照常计入。"
        )


PERIOD_COL = Col("period", "期间", TEXT, 15, 12)
BEYOND_SHOWN = 5  # figures named in the line on what reaches beyond --year


def _derived_line(out: _Out, rows: Sequence[Total]) -> None:
    if any(total.derived for total in rows):
        out.para(
            "推算：含由文章的数字推算出的数（不是文章给出的；算法见 --explain），"
            "默认计入，--no-derived 不计入。"
        )


def funds_table(
    data: Dataset,
    rows: Sequence[Total],
    fields: Sequence[str],
    decisions: Sequence[Decision],
    options: OutputOptions,
    chart: bool = False,
    *,
    counts: bool = False,
    window: str | None = None,
    empty: str | None = None,
    beyond: Sequence[Record] = (),
    during_option: str = "--during",
) -> None:
    """Money totals (``counts``: totals of people, projects and other counts, in their unit).
    ``beyond``: with --year, the figures that overlap its years but reach beyond them, named in
    a line (they are in no year's total).
    ``empty``: why there is no row, when the line on what was not added cannot say it.
    Rows kept apart (funds._rows) bring a 期间 column and the lines that say why."""
    out = _Out(options)
    heading = "数量" if counts else f"金额（{options.unit}）"
    cols = [
        *(_group_col(name) for name in fields),
        *([PERIOD_COL] if _has_apart(rows) else []),
        Col("total", heading, NUMBER),
        Col("records", "笔数", NUMBER),
    ]

    def row_of(total: Total, style: str | None = None, aid: bool = False) -> Row:
        cells: dict[str, object] = {
            name: value
            if aid and name in ("category", "measure")
            else _group_value(data, name, value)
            for name, value in total.key
        }
        if "span" in fields and total.value("year") is None and total.value("span") is None:
            cells["span"] = NO_PERIOD
        cells["period"] = _period_cell(total)
        cells["total"] = _total_cell(total, counts)
        cells["records"] = total.records
        return Row(cells, style)

    aids = [] if counts else aid_totals(rows)
    table_rows = [row_of(total) for total in rows] + [row_of(a, "bold", aid=True) for a in aids]
    _table(out, cols, table_rows, drop=DROP_ORDER["funds"])
    out.para(_totals_count(rows))
    out.para(COUNTS_CAPTION if counts else FUNDS_CAPTION)
    _derived_line(out, rows)
    _apart_lines(out, rows, window)
    if aids:
        out.para(
            f"{AID_TOTAL_LABEL}＝财政援助（财政资金）＋社会帮扶（捐款捐物），只在两者都在结果中时列出。"
        )
        for aid in aids:  # say exactly which records each 合计 adds
            where = "，".join(
                _plain(_group_value(data, n, v))
                for n, v in aid.key
                if n not in ("category", "measure", "level", "stage")
            )
            prefix = f"{where}：" if where else ""
            out.para(f"{prefix}{AID_TOTAL_LABEL}相加 {'、'.join(aid.ids)}")
    if beyond:
        named = "、".join(
            f"{record.id}（{period_text(record.period_start, record.period_end)}，"
            f"{figure_cells(record, options.unit)[0]}{'' if counts else options.unit}）"
            for record in beyond[:BEYOND_SHOWN]
        )
        more = f"等 {len(beyond)} 条" if len(beyond) > BEYOND_SHOWN else ""
        asked = window or "所问年份"
        out.para(
            f"期间跨出{asked}、不能拆分、未计入：{named}{more}；{during_option} 分列显示它们。"
        )
    skipped = _skipped_line(decisions)
    if skipped:
        out.para(skipped)
    elif empty and not rows and not beyond:
        out.para(empty)
    if chart:
        shown = list(dict.fromkeys([fields[0], *_varying(rows, fields)]))
        bars = [
            (
                " ".join(_plain(_group_value(data, n, v)) for n, v in t.key if n in shown),
                t,
                (_mark(t) + format_value(t.amount_yuan)) if counts else total_text(t, options.unit),
            )
            for t in rows
        ]
        _chart(out, bars, None if counts else options.unit)
    out.flush()


def _varying(rows: Sequence[Total], fields: Sequence[str]) -> list[str]:
    """The grouping fields whose values differ between rows: what tells one bar from another."""
    return [name for name in fields if len({t.value(name) for t in rows}) > 1] or ["category"]


def roll_up_table(
    rows: Sequence[Total],
    level: str,
    options: OutputOptions,
    window: str | None = None,
    decisions: Sequence[Decision] = (),
    empty: str | None = None,
) -> None:
    out = _Out(options)
    names = ("provider", "receiver", "category", "measure", "stage", "basis", "from_level")
    cols = [
        *(_group_col(name) for name in names),
        *([PERIOD_COL] if _has_apart(rows) else []),
        Col("total", f"金额（{options.unit}）", NUMBER),
        Col("records", "笔数", NUMBER),
    ]
    table_rows = []
    for total in rows:
        values = dict(total.key)
        cells: dict[str, object] = {
            name: _group_value(None, name, values.get(name)) for name in names
        }
        cells["period"] = _period_cell(total)
        cells["total"] = Amount(total.amount_yuan, _mark(total))
        cells["records"] = total.records
        table_rows.append(Row(cells))
    _table(out, cols, table_rows, drop=DROP_ORDER["roll_up"])
    out.para(_totals_count(rows))
    _apart_lines(out, rows, window)
    out.para(
        f"上卷到{LEVEL_NAMES[level]}：“下级合计”是所辖各结对已报道数字之和（不一定齐全），"
        "与本级报道的数字并列，从不相加（本级数字可能已包含下级）。"
    )
    skipped = _skipped_line(decisions)
    if skipped:
        out.para(skipped)
    elif empty and not rows:
        out.para(empty)
    out.flush()


def explain_table(
    data: Dataset,
    decisions: Sequence[Decision],
    options: OutputOptions,
    empty: str | None = None,
) -> None:
    out = _Out(options)
    cols = [
        Col("id", "编号", WHOLE),
        RECORD_COLUMNS["pairing"],
        RECORD_COLUMNS["category"],
        Col("family", "口径", TEXT, 8, 4),
        RECORD_COLUMNS["item"],
        Col("amount", f"金额（{options.unit}）", NUMBER),
        RECORD_COLUMNS["stage"],
        Col("counted", "计入", WHOLE),
        Col("reason", "原因", TEXT, 16, 10),
    ]
    table_rows = []
    for decision in decisions:
        record = decision.record
        amount: object = (
            f"{format_value(record.value)} {record.unit}"
            if record.amount_yuan is None
            else Amount(record.amount_yuan, record_mark(record))
        )
        table_rows.append(
            Row(
                {
                    "id": record.id,
                    "pairing": pairing_label(data, record.pairing),
                    "category": record.category,
                    "family": record.family,
                    "item": record.item,
                    "amount": amount,
                    "stage": stage_cell(record, {record.id: ""} if decision.revised_by else None),
                    "counted": "✓" if decision.counted else "—",
                    "reason": decision.detail
                    + (f"；推算：{record.derivation}" if record.derivation else ""),
                }
            )
        )
    out.para("明细：计入与跳过的记录", "bold")
    _table(out, cols, table_rows, drop=DROP_ORDER["explain"])
    out.para(f"{len(decisions)} 条记录")
    if empty and not decisions:
        out.para(empty)
    out.flush()


# ─── chart ────────────────────────────────────────────────────────────────────────────────

_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 40  # off a terminal; on one, the bars get what the labels and amounts leave


def bar(amount: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A bar of up to ``width`` cells, in eighths of a cell; any positive amount shows."""
    if largest <= 0 or amount <= 0:
        return ""
    eighths = max(1, amount * width * 8 // largest)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _chart(out: _Out, rows: Sequence[tuple[str, Total, str]], unit: str | None) -> None:
    """Label, bar, amount, one line each: a label is never wrapped, the bar gets what is left
    of the width (at least one cell)."""
    if not rows:
        return
    footer = f"（{unit}）" if unit else ""
    label_width = max(cell_len(label) for label, _, _ in rows)
    amount_width = max([cell_len(shown) for _, _, shown in rows] + [cell_len(footer)])
    bar_width = max(1, out.width - label_width - amount_width - 2) if out.bounded else BAR_WIDTH
    largest = max(total.amount_yuan for _, total, _ in rows)
    for label, total, shown in rows:
        drawn = bar(total.amount_yuan, largest, bar_width)
        out.line(
            Text.assemble(
                _plain(label) + " " * (label_width - cell_len(label)) + " ",
                (drawn, "cyan"),
                " " * (bar_width - cell_len(drawn)) + " ",
                " " * (amount_width - cell_len(shown)) + _plain(shown),
            )
        )
    if footer:
        out.line(" " * (label_width + bar_width + 2 + amount_width - cell_len(footer)) + footer)


# ─── report ───────────────────────────────────────────────────────────────────────────────


def _subtotal_label(total: Total) -> str:
    """小计（协作资金，实际）: the measure, and the level and stage where they are not the usual;
    a subtotal kept apart (funds._rows) gives its period and why."""
    values = dict(total.key)
    parts = [str(values["measure"])]
    if values.get("stage") != "actual":
        parts.append(STAGE_NAMES.get(str(values.get("stage")), str(values.get("stage"))))
    if values.get("level") != "county":
        parts.append(LEVEL_NAMES.get(str(values.get("level")), str(values.get("level"))))
    if total.apart == APART_OVERLAP:
        period = period_text(total.period_start, total.period_end)
        return f"小计（{'，'.join(parts)}；{period}累计数，与同口径期间重叠的数字不相加）"
    if total.apart == APART_WINDOW:
        period = period_text(total.period_start, total.period_end)
        return f"单列（{'，'.join(parts)}；期间{period}跨出所问年份，不计入）"
    return f"小计（{'，'.join(parts)}；不重复计算）"


REPORT_COLUMNS = ("category", "item", "number", "unit", "stage", "year", "id", "remarks")
REPORT_YEAR_COLUMNS = ("pairing", "category", "item", "number", "unit", "stage", "id", "remarks")


def report_tables(
    data: Dataset,
    groups: Sequence[tuple[str, Sequence[Record], Sequence[Total], Sequence[Source]]],
    options: OutputOptions,
    chart: bool = False,
    *,
    per: str | None = None,
    revised: Mapping[str, str] | None = None,
    empty: str | None = None,
) -> None:
    """One table per group. ``per="year"`` (or, when not given, groups whose title is not their
    pairing's) adds a 结对 column."""
    out = _Out(options)
    if not groups:
        columns = REPORT_YEAR_COLUMNS if per == "year" else REPORT_COLUMNS
        _table(out, [RECORD_COLUMNS[name] for name in columns], [])
        out.para("0 条记录")
        if empty:
            out.para(empty)
        out.flush()
        return
    for title, records, subtotals, sources in groups:
        by_pairing = all(title.startswith(f"{pairing_label(data, r.pairing)} ·") for r in records)
        columns = REPORT_YEAR_COLUMNS if (per == "year" or not by_pairing) else REPORT_COLUMNS
        by_category: dict[object, list[Total]] = {}
        for subtotal in subtotals:
            by_category.setdefault(subtotal.value("category"), []).append(subtotal)
        rows: list[Row] = []
        for index, record in enumerate(records):
            rows.append(_record_row(data, record, options.unit, revised=revised))
            last_of_category = (
                index + 1 == len(records) or records[index + 1].category != record.category
            )
            if not last_of_category:
                continue
            for subtotal in by_category.get(record.category, []):
                cells = {
                    "category": record.category,
                    "item": _subtotal_label(subtotal),
                    "number": Amount(subtotal.amount_yuan, _mark(subtotal)),
                    "unit": options.unit,
                    "stage": STAGE_NAMES.get(str(subtotal.value("stage"))),
                    "remarks": f"{subtotal.records} 笔",
                }
                rows.append(Row(cells, "bold"))
            rows[-1] = rows[-1]._replace(end=True)
        out.para(title, "bold")
        _table(
            out,
            [RECORD_COLUMNS[name] for name in columns],
            rows,
            drop=DROP_ORDER["report"],
        )
        out.para(f"{len(records)} 条记录")
        out.para(
            "来源："
            + "；".join(
                f"{s.title or '（无标题）'}（{s.publisher}，{s.published}）" for s in sources
            )
        )
        if chart and subtotals:
            shown = _varying(subtotals, ("category", "measure", "level", "stage"))
            bars = [
                (
                    " ".join(_plain(_group_value(data, n, t.value(n))) for n in shown),
                    t,
                    total_text(t, options.unit),
                )
                for t in subtotals
            ]
            _chart(out, bars, options.unit)
        out.line()
    out.flush()


# ─── show ─────────────────────────────────────────────────────────────────────────────────

SHOW_RECORD_COLUMNS = ("category", "item", "number", "unit", "stage", "id", "remarks")


def dossier(
    data: Dataset,
    pairing: Pairing,
    funds_rows: Sequence[Total],
    records: Sequence[Record],
    sources: Sequence[Source],
    options: OutputOptions,
    window: str | None = None,
    revised: Mapping[str, str] | None = None,
    empty: str | None = None,
) -> None:
    out = _Out(options)
    since = f"，自 {pairing.since} 起" if pairing.since else ""
    out.para(f"{pairing.label}（{pairing.id}）", "bold")
    out.para(f"{pairing.kind}：{pairing.provider.full_name} → {pairing.receiver.full_name}{since}")
    if pairing.note:
        out.para(pairing.note)
    if empty and not records:
        out.para(empty)
    out.line()

    money_cols = [
        _group_col("category"),
        _group_col("measure"),
        _group_col("stage"),
        *([PERIOD_COL] if _has_apart(funds_rows) else []),
        Col("total", f"金额（{options.unit}）", NUMBER),
        Col("records", "笔数", NUMBER),
    ]
    aids = aid_totals(funds_rows)
    money_rows = [
        Row(
            {
                "category": total.value("category"),
                "measure": total.value("measure"),
                "stage": STAGE_NAMES.get(str(total.value("stage")), total.value("stage")),
                "period": _period_cell(total),
                "total": Amount(total.amount_yuan, _mark(total)),
                "records": total.records,
            }
        )
        for total in [*funds_rows, *aids]
    ]
    out.para("资金（按类别，不重复计算）", "bold")
    _table(out, money_cols, money_rows, drop=DROP_ORDER["show_funds"])
    out.para(_totals_count(funds_rows))
    _derived_line(out, funds_rows)
    _apart_lines(out, funds_rows, window)
    out.line()

    money_records = [r for r in records if r.amount_yuan is not None]
    people = [r for r in records if not r.is_money and r.unit == "人"]
    rates = [r for r in records if r.is_rate]
    counts = [r for r in records if not r.is_money and r.unit != "人" and not r.is_rate]
    sections = (
        ("资金明细", money_records),
        ("人员", people),
        ("数量", counts),
        ("比率与标准", rates),
    )
    cols = [RECORD_COLUMNS[name] for name in SHOW_RECORD_COLUMNS]
    for title, chosen in sections:
        out.para(title, "bold")
        rows = [_record_row(data, record, options.unit, revised=revised) for record in chosen]
        _table(out, cols, rows, drop=DROP_ORDER["show_records"])
        out.para(f"{len(chosen)} 条记录")
        out.line()

    source_cols = [
        Col("title", "标题", TEXT, 16, 10),
        Col("publisher", "发布", TEXT, 10, 6),
        Col("published", "日期", WHOLE),
        Col("url", "链接", WHOLE),
    ]
    source_rows = [
        Row(
            {
                "title": source.title or "（无标题）",
                "publisher": source.publisher,
                "published": source.published,
                "url": source.url,
            }
        )
        for source in sources
    ]
    out.para("来源", "bold")
    _table(out, source_cols, source_rows, drop=DROP_ORDER["sources"])
    out.para(f"{len(sources)} 个来源")
    out.flush()


# ─── cite ─────────────────────────────────────────────────────────────────────────────────


def citation(
    data: Dataset, record: Record, history: Sequence[Record], options: OutputOptions
) -> None:
    out = _Out(options)
    number, unit = figure_cells(record, options.unit)
    out.para(f"{record.id}  {pairing_label(data, record.pairing)}  {record.category}", "bold")
    if record.derivation:  # a figure we worked out: how, never "as the article writes it"
        out.para(f"{record.item}：{number} {unit}（推算：{record.derivation}）")
    else:
        out.para(f"{record.item}：{number} {unit}（原文：{record.figure}）")
    facts = [
        f"口径 {record.measure}",
        f"阶段 {STAGE_NAMES[record.stage]}",
        f"出资方 {ACTOR_NAMES[record.actor]}",
        f"层级 {LEVEL_NAMES[record.level]}",
    ]
    period = _period_text(record)
    if period:
        facts.append(f"期间 {period}")
    facts.append(f"截至 {record.as_of}")
    if record.part_of:
        facts.append(f"含于 {record.part_of}")
    out.para("，".join(facts))
    for index, cited in enumerate(record.citations, start=1):
        source = data.sources[cited.source]
        out.line()
        if len(record.citations) > 1:
            out.para(f"［{index}］", "bold")
        if cited.quote:
            out.para(cited.quote)
            out.line()
        else:
            out.para("（未存原文，仅有出处）")
        author = f"，{source.author}" if source.author else ""
        inferred = "（日期为推断）" if source.published_inferred else ""
        out.para(
            f"—— {source.title or '（无标题）'}，{source.publisher}{author}，"
            f"{source.published}{inferred}"
        )
        if source.url:
            out.line(_plain(source.url))  # whole, on its own line, however narrow the terminal
        if cited.note:
            out.para(f"注：{cited.note}")
    if record.note:
        out.line()
        out.para(f"说明：{record.note}")
    if len(history) > 1:
        out.line()
        out.para("修订记录（旧→新，汇总取 --as-of 时已发表的最新值）", "bold")
        for old in history:
            shown, shown_unit = figure_cells(old, options.unit)
            mark = "  ← 本条" if old.id == record.id else ""
            out.para(f"{old.known_by}  {old.id}  {shown} {shown_unit}{mark}")
    out.flush()


def _period_text(record: Record) -> str:
    if record.period_start is None and record.period_end is None:
        return ""
    return f"{record.period_start or '…'} 至 {record.period_end or '…'}"
