"""How a command's answer is to be shown: the format, the money unit, colour, paging, -o FILE.

Made at the edge from the output options (cli), read by the renderers and the machine formats.
"""

from typing import NamedTuple


class OutputOptions(NamedTuple):
    format: str
    headers: bool
    excel: bool
    unit: str
    color: bool
    pager: bool = True
    path: str | None = None  # -o FILE; None: stdout
    chosen: bool = False  # a format was asked for (-f, --csv, --json), not taken by default

    @property
    def is_table(self) -> bool:
        return self.format == "table"

    @property
    def is_text(self) -> bool:
        """Text to stdout (or -o FILE, written atomically by the dispatch); not so a SQLite
        file or an Excel workbook, which its command writes itself."""
        return self.format not in ("sqlite", "xlsx")
