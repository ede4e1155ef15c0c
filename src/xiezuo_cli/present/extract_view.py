"""`xiezuo extract` for people: each sentence of the article that holds figures, its figures
highlighted, and under it one row per draft, what was guessed marked with ？.

    第6段  截至目前，余杭区向苍溪县投入东西部协作专项资金【3900万元】、财政捐赠资金【200万元】…
      1   3,900 万元   财政援助   协作资金   实际   累计 2021-05..2021-11   余杭→苍溪
          事项：投入东西部协作专项资金

The figure is shown in reverse video on a colour terminal and between 【】 without colour (the
sentence itself stays as the article writes it: CSV and JSON carry it verbatim as ``quote``). A
sentence is wrapped as every xiezuo text is (render.wrap: never inside a number) and a figure is
never split across lines. The row's columns are as wide as their widest value over the whole
article, so the rows of every sentence line up under one heading; when they do not fit the
terminal, 结对 and then 期间 move to the row's second line, with 事项 and the notes.
"""

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

from xiezuo_cli.extract.drafting import Drafted
from xiezuo_cli.extract.engine import Draft
from xiezuo_cli.model.amounts import format_amount, format_value
from xiezuo_cli.model.safe_text import escape_controls
from xiezuo_cli.model.vocab import STAGE_NAMES
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.table import APPROX_MARKS, make_console, wrap

GUESSED = "？"  # after a value no word of the article gave: the engine inferred it
FIGURE_STYLE = "reverse"
GUESSED_STYLE = "yellow"
OPEN, CLOSE = "【", "】"  # around a figure when there is no colour to show it
GAP = "  "
INDENT = "  "  # before a draft's row, under its sentence
NO_PERIOD = "—"
NO_PAIRING = "未定"
NOTHING_FOUND = "文中没有找到金额、数量或比率。"

HEADINGS = {
    "number": "序号",
    "figure": "金额/数值",
    "category": "类别",
    "measure": "口径",
    "stage": "阶段",
    "period": "期间",
    "pairing": "结对",
}
# The row's first line, in order; those that move to the second line when it does not fit.
FIRST_LINE = ("number", "figure", "category", "measure", "stage", "period", "pairing")
MOVABLE = ("pairing", "period")
RIGHT = frozenset({"number", "figure"})


class Cell(NamedTuple):
    text: str
    guessed: bool = False


def drafts_table(
    drafted: Drafted, options: OutputOptions, name: str, pairing_labels: Mapping[str, str]
) -> None:
    """The drafts of one article, sentence by sentence. ``name`` is the article as the user
    named it; ``pairing_labels`` the database's pairings as tables name them (余杭→苍溪)."""
    console = make_console(options)
    width = max(console.width, 20)
    # A figure in reverse video where the console shows styles; else between 【】.
    color = console.color_system is not None
    lines: list[Text] = [Text(line) for line in wrap(_about(drafted, name), width)]
    drafts = drafted.drafts
    numbers = {draft.id: index for index, draft in enumerate(drafts, start=1)}
    rows = [_cells(draft, numbers, options.unit, pairing_labels) for draft in drafts]
    first, moved = _layout(rows, width)
    widths = {key: _widest(key, rows) for key in first}
    if drafts:
        lines.append(Text(""))
        heading = _joined([(key, Cell(HEADINGS[key])) for key in first], widths)
        lines.append(Text(INDENT + heading, style="bold"))
        lines.append(Text("─" * min(width, cell_len(INDENT + heading))))
    for sentence in _sentences(drafts):
        lines.append(Text(""))
        lines.extend(_sentence_lines(sentence, width, color))
        for draft in sentence:
            row = rows[numbers[draft.id] - 1]
            lines.append(_row_line([(key, row[key]) for key in first], widths, color))
            second = _second_line(draft, row, moved, numbers)
            tail = INDENT + " " * (widths["number"] + len(GAP))
            for line in wrap(second, max(width - cell_len(tail), 10)) if second else ():
                lines.append(_marked(tail + line, color))
    lines.append(Text(""))
    money = sum(1 for draft in drafts if draft.amount_yuan is not None)
    lines.append(Text(f"{len(drafts)} 条草稿（金额 {money} 条）"))
    if drafted.empty:
        lines.append(Text(NOTHING_FOUND))
    else:
        for line in wrap(_legend(drafts, color), width):
            lines.append(Text(line, style="dim"))
    console.print(Text("\n").join(lines), soft_wrap=True)


def _about(drafted: Drafted, name: str) -> str:
    """文章 a.txt（GB18030，已转为简体，删去拼音注音 12 处）；来源 …；发稿日期 …；结对 …"""
    article = drafted.article
    reading = [article.encoding.upper()]
    if article.converted:
        reading.append("已由繁体转为简体")
    if article.glosses:
        reading.append(f"删去拼音注音 {article.glosses} 处")
    parts = [f"文章 {escape_controls(name, table=True)}（{'，'.join(reading)}）"]
    asked = drafted.request
    if asked.source is not None:
        parts.append(f"来源 {asked.source.id}")
    parts.append(f"发稿日期 {asked.published}" if asked.published else "发稿日期未给出")
    if asked.pairing is not None:
        parts.append(f"结对 {asked.pairing.label}（--pair）")
    return "；".join(parts)


def _legend(drafts: Sequence[Draft], color: bool) -> str:
    shown = "反白" if color else OPEN + CLOSE
    prefix = drafts[0].id.rsplit("-", 1)[0] if drafts else ""
    return (
        f"{shown}：原文中的数字；{GUESSED}：推测（文中没有直接写明），请核对；"
        f"≥ 下限（余、超、多），约 约数。CSV/JSON 的 id 为 {prefix}-序号："
        "xiezuo extract … --csv > a.csv，核对修改后 xiezuo import a.csv --dry-run。"
    )


# ─── cells ────────────────────────────────────────────────────────────────────────────────


def _cells(
    draft: Draft, numbers: Mapping[str, int], unit: str, labels: Mapping[str, str]
) -> dict[str, Cell]:
    guessed = draft.guessed
    period = draft.period or NO_PERIOD
    if draft.cumulative:
        period = f"累计 {period}"
    return {
        "number": Cell(str(numbers[draft.id])),
        "figure": Cell(_figure(draft, unit)),
        "category": Cell(draft.category, "category" in guessed),
        "measure": Cell(draft.measure, "measure" in guessed),
        "stage": Cell(STAGE_NAMES.get(draft.stage, draft.stage)),
        "period": Cell(period, "period" in guessed),
        "pairing": Cell(_pairing(draft, labels), "pairing" in guessed),
    }


def _figure(draft: Draft, unit: str) -> str:
    """3,900 万元, ≥1,000 万元, 约10,000 亩, 1,200 元/人·年: the number the draft holds."""
    mark = APPROX_MARKS.get(draft.approx, "")
    if draft.amount_yuan is not None:
        return f"{mark}{format_amount(draft.amount_yuan, unit)} {unit}"
    return f"{mark}{format_value(draft.value)} {draft.unit}"


def _pairing(draft: Draft, labels: Mapping[str, str]) -> str:
    if draft.pairing is not None:
        return labels.get(draft.pairing, draft.pairing)
    if draft.provider and draft.receiver:  # two places with no pairing yet: import makes it
        return f"{draft.provider}→{draft.receiver}（新）"
    return NO_PAIRING


def _shown(cell: Cell) -> str:
    return escape_controls(cell.text, table=True) + (GUESSED if cell.guessed else "")


def _widest(key: str, rows: Sequence[Mapping[str, Cell]]) -> int:
    return max([cell_len(HEADINGS[key]), *(cell_len(_shown(row[key])) for row in rows)])


def _layout(rows: Sequence[Mapping[str, Cell]], width: int) -> tuple[list[str], list[str]]:
    """The columns of the row's first line, and those moved to its second line to fit."""
    first = list(FIRST_LINE)
    moved: list[str] = []

    def needed() -> int:
        return cell_len(INDENT) + sum(_widest(k, rows) for k in first) + len(GAP) * (len(first) - 1)

    for key in MOVABLE:
        if needed() <= width:
            break
        first.remove(key)
        moved.insert(0, key)
    return first, moved


def _joined(cells: Sequence[tuple[str, Cell]], widths: Mapping[str, int]) -> str:
    parts = []
    for key, cell in cells:
        text = _shown(cell)
        pad = " " * (widths[key] - cell_len(text))
        parts.append(pad + text if key in RIGHT else text + pad)
    return GAP.join(parts).rstrip()


def _row_line(cells: Sequence[tuple[str, Cell]], widths: Mapping[str, int], color: bool) -> Text:
    return _marked(INDENT + _joined(cells, widths), color)


def _marked(line: str, color: bool) -> Text:
    """A line with each guessed value's ？ (and, in colour, the value) standing out."""
    text = Text(line)
    if color:
        start = 0
        while (at := line.find(GUESSED, start)) >= 0:
            text.stylize(GUESSED_STYLE, at, at + 1)
            start = at + 1
    return text


def _second_line(
    draft: Draft, row: Mapping[str, Cell], moved: Sequence[str], numbers: Mapping[str, int]
) -> str:
    """事项、the columns moved here, and what else a person must know of the draft."""
    parts = [f"事项：{escape_controls(draft.item, table=True)}"]
    parts += [f"{HEADINGS[key]}：{_shown(row[key])}" for key in moved]
    if draft.part_of:
        parts.append(f"含于 {numbers.get(draft.part_of, draft.part_of)}")
    if draft.rate:
        parts.append("比率，不相加")
    if draft.note:
        parts.append(f"说明：{escape_controls(draft.note, table=True)}")
    return "；".join(parts)


# ─── the sentence, its figures highlighted ───────────────────────────────────────────────


def _sentences(drafts: Sequence[Draft]) -> list[list[Draft]]:
    """The drafts grouped by the sentence they quote, in the article's order."""
    groups: list[list[Draft]] = []
    for draft in drafts:
        last = groups[-1][0] if groups else None
        if last is not None and (last.quote, last.paragraph) == (draft.quote, draft.paragraph):
            groups[-1].append(draft)
        else:
            groups.append([draft])
    return groups


class _Unit(NamedTuple):
    shown: str  # as printed
    masked: str  # as wrapped: a figure is a run of narrow characters, which wrap never splits
    figure: bool


def _sentence_lines(sentence: Sequence[Draft], width: int, color: bool) -> list[Text]:
    """第N段, then the sentence, wrapped, each figure highlighted and kept on one line."""
    quote = sentence[0].quote
    spans = sorted({(d.start, d.end) for d in sentence if 0 <= d.start < d.end <= len(quote)})
    units: list[_Unit] = []
    position = 0
    for start, end in spans:
        if start < position:  # overlapping spans: the first one is marked
            continue
        units += [_Unit(c, c, False) for c in escape_controls(quote[position:start], table=True)]
        figure = escape_controls(quote[start:end], table=True)
        if not color:
            figure = OPEN + figure + CLOSE
        units.append(_Unit(figure, "0" * cell_len(figure), True))
        position = end
    units += [_Unit(c, c, False) for c in escape_controls(quote[position:], table=True)]
    label = f"第{sentence[0].paragraph}段  "
    masked = label + "".join(unit.masked for unit in units)
    lines: list[Text] = []
    offsets = _offsets([_Unit(label, label, False), *units])
    cursor = 0
    for line in wrap(masked, width):
        at = masked.find(line, cursor) if line else cursor
        if at < 0:  # cannot happen: wrap's lines are pieces of its text
            at = cursor
        lines.append(_shown_piece([_Unit(label, label, False), *units], offsets, at, len(line)))
        cursor = at + len(line)
    if lines:
        lines[0].stylize("dim", 0, cell_len(label.rstrip()))
    return lines


def _offsets(units: Sequence[_Unit]) -> list[int]:
    offsets, at = [], 0
    for unit in units:
        offsets.append(at)
        at += len(unit.masked)
    return offsets


def _shown_piece(units: Sequence[_Unit], offsets: Sequence[int], start: int, length: int) -> Text:
    """The printed text of the units whose masked text lies in masked[start:start+length]."""
    text = Text()
    end = start + length
    for unit, at in zip(units, offsets, strict=True):
        if at >= end:
            break
        if at + len(unit.masked) <= start:
            continue
        if unit.figure:
            text.append(unit.shown, style=FIGURE_STYLE)
        elif start <= at:
            text.append(unit.shown)
        else:  # the label, cut by a line break (a very narrow terminal)
            text.append(unit.shown[start - at : end - at])
    return text
