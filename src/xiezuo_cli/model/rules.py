"""The rules between figures that keep totals right, each stated once: a part and its whole, a
revision and what it revises. The loader (storage/validate.py) checks every record of a file
with them; authoring checks the one figure a person adds or edits with them, and says the
problem of the option given. They take plain values, so that a stored Record and a document
being written are judged alike.
"""

from collections.abc import Callable

from xiezuo_cli.model.periods import first_day, last_day

AT_LEAST = "at_least"
# What a revision keeps: it gives a new value for the same thing.
REVISION_KEEPS = ("pairing", "category", "measure", "unit")


def part_fits(part_value: float, whole_value: float, whole_approx: str) -> bool:
    """A part is not larger than its whole, unless the whole is a lower bound (280余万 may be
    exceeded by its parts)."""
    return whole_approx == AT_LEAST or part_value <= whole_value


def parts_fit(total: float, whole_value: float, whole_approx: str) -> bool:
    """Parts add up to no more than their whole, unless the whole is a lower bound."""
    return whole_approx == AT_LEAST or total <= whole_value


def pairing_holds(
    mine: tuple[str, str], theirs: tuple[str, str], within: Callable[[str, str], bool]
) -> bool:
    """A figure of the pairing ``mine`` (provider, receiver) may be part of one of ``theirs``:
    the same pairing, or one above it on both sides (苍溪's figure inside 浙江→四川's)."""
    return within(mine[0], theirs[0]) and within(mine[1], theirs[1])


def revision_change(old: Callable[[str], object], new: Callable[[str], object]) -> str | None:
    """The first of REVISION_KEEPS a revision changes (it may not), or None; ``old`` and ``new``
    give a field's value of each."""
    for field in REVISION_KEEPS:
        if old(field) != new(field):
            return field
    return None


def revised_in_order(old_known_by: str, new_known_by: str) -> bool:
    """A revision is published no earlier than what it revises."""
    return old_known_by <= new_known_by


def periods_may_overlap(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """Whether two periods (start, end) may share a day. An open end may reach anywhere on its
    side, and a figure with no period at all may cover any time: what is not known to be apart
    counts as overlapping (for never adding, and for refusing a figure entered twice)."""
    a_first = first_day(a[0]) if a[0] else "0000-00-00"
    a_last = last_day(a[1]) if a[1] else "9999-99-99"
    b_first = first_day(b[0]) if b[0] else "0000-00-00"
    b_last = last_day(b[1]) if b[1] else "9999-99-99"
    return a_first <= b_last and b_first <= a_last


# What makes two money figures one: a figure entered again has these the same and a period that
# may overlap the other's (authoring.guards refuses it at entry unless said to be a distinct
# flow). Counts are not judged so: one more project of 1 个 is the usual case, not a repeat.
SAME_FIGURE = ("pairing", "category", "measure", "stage", "amount_yuan")


def same_figure_key(get: Callable[[str], object]) -> tuple[object, ...] | None:
    """The fields of SAME_FIGURE of a money record (``get`` gives a stored field's value); None
    for a count or rate, which has no amount."""
    if get("amount_yuan") is None:
        return None
    return tuple(get(field) for field in SAME_FIGURE)


def ends_before(period_end: str | None, since: str | None) -> bool:
    """A figure's period ends before its pairing began (both known)."""
    return period_end is not None and since is not None and last_day(period_end) < first_day(since)
