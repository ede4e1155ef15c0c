"""What an import reads and decides, as values: a row of the file, a problem with one, the
action planned for each row, and the outcome of the whole import.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from xiezuo_cli.errors import DataFileError, ExitStatus, XiezuoError

# Problems kept and shown; the rest are counted.
MAX_SHOWN = 20


ProgressCallback = Callable[[int, int], None]  # (done, total)


class ImportFileError(DataFileError):
    """The file cannot be read as records at all: one line, exit 3."""


class Problem(NamedTuple):
    """One bad row (or, with no row, the file): where, which record, which field, why."""

    position: int  # for sorting: the row's order in the file
    where: str  # "line 5", "item [3]", "" for the file as a whole
    record: str | None
    field: str | None
    reason: str

    def text(self, path: str) -> str:
        """One line: the file, where, the record and field (each cut: a row's id may be a
        megabyte), and the reason."""
        from xiezuo_cli.model.safe_text import cut, cut_path

        parts = [cut_path(path)]
        if self.where:
            parts.append(self.where)
        if self.record:
            parts.append(f"record {cut(self.record)}")
        if self.field:
            parts.append(f"field {cut(self.field)}")
        return ": ".join([*parts, self.reason])


class ImportRejected(XiezuoError):
    """Rows were refused; nothing was written (exit 3). ``problems``: the first MAX_SHOWN."""

    exit_status = ExitStatus.DATA

    def __init__(self, path: str, problems: list[Problem], count: int, dry_run: bool) -> None:
        self.path = path
        self.problems = problems
        self.count = count
        shown = f" (the first {len(problems)} shown above)" if count > len(problems) else ""
        rows = "row" if count == 1 else "rows"
        outcome = "nothing would be written" if dry_run else "nothing was written"
        super().__init__(f"{path}: {count} {rows} refused{shown}; {outcome}")


class Row(NamedTuple):
    position: int
    where: str
    values: dict[str, Any]
    flat: bool  # CSV/TSV: one citation in source/quote, citations a count
    # A person's sheet: the SheetRow it was made from (import_sheet); its values give no
    # derived field, and a same_as row is a citation of that figure.
    sheet: Any = None


class Action(NamedTuple):
    """One line of the report: what a row does (or would do), or a pairing or source made."""

    where: str
    id: str
    action: str  # add | merge | skip | reject | pairing | source
    figure: str  # the figure merged into or skipped as a duplicate of
    match: str  # how it was matched
    field: str
    reason: str

    def as_row(self) -> dict[str, object]:
        return self._asdict()


REPORT_FIELDS = Action._fields


class Outcome(NamedTuple):
    tables: dict[str, list[dict[str, Any]]]  # the database as it would be written
    actions: list[Action]
    problems: list[Problem]  # the first MAX_SHOWN
    rejected: int
    counts: dict[str, int]  # add, merge, skip, reject, pairing, source
    texts: dict[str, str]  # held texts of new stub sources, by source id
