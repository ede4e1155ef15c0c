"""What `xiezuo import` says it did (or, --dry-run, would do): one line, or the report of every
row (a table of counts and one of the rows that merge, are skipped or refused on a terminal;
rows in a machine format otherwise)."""

from __future__ import annotations

import sys

from xiezuo_cli.authoring.import_types import REPORT_FIELDS, Action, Outcome
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import write_rows

# Rows of the detail table on a terminal; -f csv lists every row.
TABLE_ROWS = 50

COUNT_WORDS = (
    ("add", "added", "新增"),
    ("merge", "merged (new citations)", "合并（新增引用）"),
    ("skip", "skipped (already there)", "跳过（已有）"),
    ("reject", "refused", "拒绝"),
    ("pairing", "pairing(s) made", "新建结对"),
    ("source", "source(s) made (stubs)", "新建来源（占位）"),
)

ACTION_NAMES = {
    "add": "新增",
    "merge": "合并引用",
    "skip": "跳过",
    "reject": "拒绝",
    "pairing": "新建结对",
    "source": "新建来源",
}
MATCH_NAMES = {
    "id": "编号相同",
    "content": "内容相同",
    "pairing, category, measure, stage, period, amount": "结对、类别、口径、阶段、期间、数值相同",
}


def summary(file: str, db: str | None, outcome: Outcome, *, done: bool) -> str:
    """One line: what was done (``done``), or what a dry run would do."""
    counts = ", ".join(
        f"{outcome.counts[key]} {_plural(words, outcome.counts[key])}"
        for key, words, _ in COUNT_WORDS
        if outcome.counts[key]
    )
    if done:
        return f"imported {file} into {db}: {counts or 'nothing to do'}"
    outcome_text = (
        "nothing would be written" if outcome.rejected else "nothing was written (--dry-run)"
    )
    return f"{file}: {counts or 'no rows'}; {outcome_text}"


def _plural(words: str, count: int) -> str:
    return words.replace("(s)", "" if count == 1 else "s")


def report(file: str, outcome: Outcome, output: OutputOptions) -> None:
    """Every row's action, in the format asked for."""
    rows = [action.as_row() for action in outcome.actions]
    if not output.is_table:
        write_rows(
            rows,
            REPORT_FIELDS,
            output.format,
            sys.stdout,
            headers=output.headers,
            excel=output.excel,
        )
        return
    from xiezuo_cli.present import pager, render

    counts = [
        {"结果": chinese, "行数": str(outcome.counts[key])}
        for key, _, chinese in COUNT_WORDS
        if outcome.counts[key] or key in ("add", "merge", "skip", "reject")
    ]
    details = [_table_row(a) for a in outcome.actions if a.action != "add"]
    with pager.paging(output.pager):
        render.plain_table(counts, ("结果", "行数"), output)
        if details:
            shown = details[:TABLE_ROWS]
            render.plain_table(shown, tuple(shown[0]), output)
            if len(details) > len(shown):
                sys.stdout.write(
                    f"另有 {len(details) - len(shown)} 行未列出；-f csv 列出每一行。\n"
                )
        sys.stdout.write(summary(file, None, outcome, done=False) + "\n")


def _table_row(action: Action) -> dict[str, object]:
    """A row of the detail table: where, id, what, and one column saying why or how."""
    parts = []
    match = MATCH_NAMES.get(action.match, action.match)
    if action.figure and action.figure != action.id:
        into = "并入" if action.action == "merge" else "同"
        parts.append(f"{into} {action.figure}（{match}）" if match else f"{into} {action.figure}")
    elif match:
        parts.append(match)
    if action.field:
        parts.append(f"字段 {action.field}")
    if action.reason:
        parts.append(action.reason)
    return {
        "位置": action.where,
        "编号": action.id,
        "结果": ACTION_NAMES.get(action.action, action.action),
        "说明": "：".join(parts),
    }
