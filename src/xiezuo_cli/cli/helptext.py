"""Help text written from the option declarations, wrapped by display width.

click wraps help by counting characters, but a Chinese character takes two columns on a
terminal, so its help ran past the edge of the screen. This module writes each command's help
from its declaration itself and wraps it by display width (East Asian Wide and Fullwidth characters
count two), at the width of the terminal (COLUMNS when it is a number from 20 up, else the
terminal's, else 80). Chinese text may break between any two characters, but never before a
closing punctuation mark; other text breaks at spaces; a word wider than the line (an option,
a URL) stays whole on a line of its own.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence

from xiezuo_cli.cli.spec import Command, Opt

# Units a line may break between: a run of non-space, non-wide characters (a word), one wide
# character, or spaces. Closing punctuation joins the unit before it.
_UNITS = re.compile(r"\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|.", re.DOTALL)
_CLOSING = set("，。、；：！？）」』”’》〉】,.;:!?)")
MIN_WIDTH, DEFAULT_WIDTH, MAX_WIDTH = 20, 80, 120


def display_width(text: str) -> int:
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def terminal_width() -> int:
    """COLUMNS when it is a usable number, else the terminal's width, else 80; at most 120."""
    text = os.environ.get("COLUMNS", "").strip()
    if text.isdigit() and len(text) <= 6 and int(text) >= MIN_WIDTH:
        return min(int(text), MAX_WIDTH)
    try:
        columns = os.get_terminal_size().columns
    except OSError:
        columns = 0
    return min(columns, MAX_WIDTH) if columns >= MIN_WIDTH else DEFAULT_WIDTH


def _units(text: str) -> list[str]:
    units: list[str] = []
    for unit in _UNITS.findall(text):
        if units and unit[0] in _CLOSING and not units[-1].isspace():
            units[-1] += unit
        else:
            units.append(unit)
    return units


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns (a unit wider than that stays whole)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for unit in _units(paragraph):
            size = display_width(unit)
            if unit.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            if used + size > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + unit, used + size
        lines.append(line.rstrip())
    return lines


def _indented(text: str, indent: int, width: int) -> list[str]:
    return [(" " * indent + line).rstrip() for line in wrap(text, max(width - indent, 10))]


def option_label(opt: Opt) -> str:
    flags = ", ".join(sorted(opt.flags, key=len))
    return flags if opt.kind == "flag" else f"{flags} {opt.metavar or 'TEXT'}"


def _definitions(items: Iterable[tuple[str, str]], width: int) -> list[str]:
    """Two columns, the help beside its label when there is room, else under it."""
    items = list(items)
    label_width = min(max((display_width(label) for label, _ in items), default=0), 28)
    lines: list[str] = []
    beside = width - 2 - label_width - 2 >= 30
    for label, text in items:
        if beside and display_width(label) <= label_width:
            wrapped = wrap(text, width - 4 - label_width)
            pad = " " * (label_width - display_width(label))
            lines.append(f"  {label}{pad}  {wrapped[0]}".rstrip())
            lines.extend(" " * (label_width + 4) + rest for rest in wrapped[1:])
        else:
            lines.append(f"  {label}")
            lines.extend(_indented(text, 6, width))
    return lines


def command_help(spec: Command, exit_codes: str, width: int | None = None) -> str:
    width = width or terminal_width()
    arguments = " ".join(f"[{a.metavar}]" if a.optional else a.metavar for a in spec.arguments)
    usage = f"Usage: xiezuo {spec.name} [OPTIONS]" + (f" {arguments}" if arguments else "")
    lines = [*wrap(usage, width), "", *_indented(spec.help, 2, width), ""]
    if spec.arguments:
        lines.append("Arguments:")
        lines += _definitions(((a.metavar, a.help) for a in spec.arguments), width)
        lines.append("")
    lines.append("Options:")
    options = [(option_label(opt), opt.help) for opt in spec.options]
    options.append(("-h, --help", "Show this message and exit."))
    lines += _definitions(options, width)
    lines += ["", "Examples:"]
    lines += [line for example in spec.examples for line in _indented(example, 2, width)]
    lines += ["", *wrap(exit_codes, width)]
    return "\n".join(lines) + "\n"


def group_help(
    summary: str, commands: Sequence[Command], exit_codes: str, width: int | None = None
) -> str:
    width = width or terminal_width()
    lines = [
        *wrap("Usage: xiezuo [OPTIONS] COMMAND [ARGS]...", width),
        "",
        *_indented(summary, 2, width),
        "",
        "Options:",
    ]
    lines += _definitions(
        (
            ("--version", "Print the version."),
            ("--install-completion", "Install completion for the current shell."),
            ("--show-completion", "Show completion for the current shell, to copy it."),
            ("-h, --help", "Show this message and exit."),
        ),
        width,
    )
    lines += ["", "Commands:"]
    lines += _definitions(((spec.name, spec.help) for spec in commands), width)
    lines += ["", *wrap(exit_codes, width)]
    return "\n".join(lines) + "\n"
