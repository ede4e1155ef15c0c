"""Rules across records, checked on a whole database or on what a change reaches: no chain of
part_of or revises links comes back on itself, a figure is revised once and by a later one, and
two running totals of one thing that overlap in time are linked (else they add up twice)."""

from __future__ import annotations

from functools import partial

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model import rules
from xiezuo_cli.model.periods import first_day, last_day
from xiezuo_cli.model.records import Record


def _fail(path: str, record_id: str, field: str, problem: str) -> DataFileError:
    return DataFileError(path, problem, record=record_id, field=field)


def check_acyclic(path: str, by_id: dict[str, Record], field: str) -> None:
    """No chain of ``field`` links comes back to where it started: each record is walked once."""
    done: set[str] = set()
    for start in by_id.values():
        trail: list[str] = []
        on_trail: set[str] = set()
        current: Record | None = start
        while current is not None and current.id not in done:
            if current.id in on_trail:
                raise DataFileError(path, f"{field} forms a cycle", record=current.id, field=field)
            trail.append(current.id)
            on_trail.add(current.id)
            target = getattr(current, field)
            current = by_id.get(target) if target is not None else None
        done.update(trail)


def check_revisions(path: str, by_id: dict[str, Record]) -> None:
    revised_by: dict[str, str] = {}
    for record in by_id.values():
        if record.revises is None:
            continue
        fail = partial(_fail, path, record.id)
        old = by_id.get(record.revises)
        if old is None:
            raise fail("revises", f"no record {record.revises!r}")
        changed = rules.revision_change(partial(getattr, old), partial(getattr, record))
        if changed is not None:
            raise fail(
                "revises",
                f"{old.id} has another {changed} ({getattr(old, changed)}); a revision gives a "
                "new value for the same thing",
            )
        if not rules.revised_in_order(old.known_by, record.known_by):
            raise fail("revises", f"{old.id} was published after this record")
        if old.id in revised_by:
            raise fail("revises", f"{old.id} is already revised by {revised_by[old.id]}")
        revised_by[old.id] = record.id
    check_acyclic(path, by_id, "revises")


def linked(a: Record, b: Record, by_id: dict[str, Record]) -> bool:
    """Whether one record holds the other through part_of, or both are in one revision chain."""
    for field in ("part_of", "revises"):
        for first, second in ((a, b), (b, a)):
            current: Record | None = first
            while current is not None:
                target = getattr(current, field)
                if target == second.id:
                    return True
                current = by_id.get(target) if target is not None else None
    return False


def check_running_totals(path: str, by_id: dict[str, Record]) -> None:
    """Two running totals of one thing that overlap in time would be added twice: link them."""
    groups: dict[tuple[str, str, str, str], list[Record]] = {}
    for record in by_id.values():
        if record.scope == "running_total":
            key = (record.pairing, record.category, record.measure, record.stage)
            groups.setdefault(key, []).append(record)
    for members in groups.values():
        spans = sorted(
            (
                first_day(r.period_start) if r.period_start else "0000-00-00",
                last_day(r.period_end) if r.period_end else "9999-99-99",
                r.id,
            )
            for r in members
        )
        for index, (_start, end, record_id) in enumerate(spans):
            for other_start, _other_end, other_id in spans[index + 1 :]:
                if other_start > end:
                    break
                if not linked(by_id[record_id], by_id[other_id], by_id):
                    raise DataFileError(
                        path,
                        f"overlaps the running total {other_id} of the same pairing, category, "
                        "measure and stage; link them (part_of or revises) or they add up twice",
                        record=record_id,
                        field="scope",
                    )
