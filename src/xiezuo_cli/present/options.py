"""How a command's answer is to be shown: the format, the money unit, colour, paging, -o FILE.

Made at the edge from the output options (cli), read by the renderers and the machine formats.
"""

from __future__ import annotations

from typing import NamedTuple


class OutputOptions(NamedTuple):
    format: str
    headers: bool
    excel: bool
    unit: str
    color: bool
    pager: bool = True
    path: str | None = None  # -o FILE; None: stdout

    @property
    def is_table(self) -> bool:
        return self.format == "table"
