"""The table engine: columns and rows, the console, wrapping, amounts in a column, and
fitting a table to the terminal. Per-command views (render, funds_view) build Cols and Rows and
call ``table``; nothing else lays out a table.

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

Text from the data goes in as rich.text.Text, never as a markup string, so ``[bold]`` in a record
is shown as typed; control characters (terminal escape codes) are shown as ``\\x1b`` so a record
cannot restyle or break the terminal.

Amounts. A money column shows every amount with the same number of decimals: the fewest that show
every amount in that column exactly (万元: ``3,900.0`` beside ``79.7``; 亿元: ``0.39000`` beside
``0.00797``; 元: none), computed from the integer yuan, never through float, never rounded.
Counts and rates that share the column are aligned on their decimal point too.
"""

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from xiezuo_cli.errors import ReaderGone
from xiezuo_cli.model.amounts import format_amount
from xiezuo_cli.model.safe_text import escape_controls
from xiezuo_cli.model.vocab import DISPLAY_UNITS
from xiezuo_cli.present import terminal
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.query.funds import (
    Total,
)

# How an amount is marked: a lower bound, an approximation, a figure we worked out.
APPROX_MARKS = {"at_least": "≥", "about": "约", "exact": ""}
# Before a figure we worked out from an article's numbers (never confused with its 约).
DERIVED_MARK = "推算"


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
    return Text(plain_text(value))


def plain_text(value: object) -> str:
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

    def print(self, *objects: Any, **kwargs: Any) -> None:
        with self.capture() as captured:
            super().print(*objects, **kwargs)
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


class Out:
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
        for line in wrap(plain_text(text), self.width):
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


def total_mark(total: Total) -> str:
    """≥ for a lower bound, 约 for an estimate, 约≥ for both (a sum of a lower bound and an
    estimate is an approximate lower bound); 推算 first when a derived figure is in it."""
    derived = DERIVED_MARK if total.derived else ""
    return derived + ("约" if total.about else "") + ("≥" if total.at_least else "")


def total_text(total: Total, unit: str) -> str:
    """A total as people read it, with its marks."""
    return total_mark(total) + format_amount(total.amount_yuan, unit)


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
        else plain_text(value)
        for value in values
    ]
    return _align_points(texts)


# ─── tables ───────────────────────────────────────────────────────────────────────────────


def column_texts(cols: Sequence[Col], rows: Sequence[Row], unit: str) -> list[list[str]]:
    """Every cell as text, by column, numbers formatted for their column."""
    columns = []
    for col in cols:
        values = [row.cells.get(col.key) for row in rows]
        if col.kind == NUMBER:
            columns.append(_number_column(values, unit))
        else:
            columns.append([plain_text(value) for value in values])
    return columns


class Layout(NamedTuple):
    shown: list[int]  # the columns shown, by index
    widths: dict[int, int]
    gap: str


def fit_columns(
    cols: Sequence[Col], columns: Sequence[Sequence[str]], width: int, drop: Sequence[str]
) -> Layout | None:
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
    return Layout(shown, widths, gap)


def _padded(col: Col, lines: list[str], width: int) -> list[str]:
    """Lines padded to the column's width: numbers on the right, everything else on the left."""
    if col.kind == NUMBER:
        return [" " * (width - cell_len(line)) + line for line in lines]
    return [line + " " * (width - cell_len(line)) for line in lines]


def _lines_of(col: Col, text: str, width: int) -> list[str]:
    return _padded(col, wrap(text, width) if col.kind == TEXT else text.split("\n"), width)


def _grid_lines(
    out: Out,
    cols: Sequence[Col],
    rows: Sequence[Row],
    columns: Sequence[Sequence[str]],
    layout: Layout,
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
    out: Out, cols: Sequence[Col], rows: Sequence[Row], columns: Sequence[Sequence[str]]
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


def draw_table(
    out: Out,
    cols: Sequence[Col],
    rows: Sequence[Row],
    *,
    drop: Sequence[str] = (),
    hint: str = HINT_CSV,
) -> None:
    """A table fitted to the width (see the module's doc), or blocks when it cannot be."""
    columns = column_texts(cols, rows, out.unit)
    layout = fit_columns(cols, columns, out.width, drop)
    if layout is None:
        _block_lines(out, cols, rows, columns)
        return
    _grid_lines(out, cols, rows, columns, layout)
    hidden = _hidden_line(cols, columns, layout.shown, hint, out.width)
    if hidden:
        out.para(hidden, "dim")
