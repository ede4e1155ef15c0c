"""The rules between figures that keep totals right, each stated once: a part and its whole, a
revision and what it revises. The loader (storage/validate.py) checks every record of a file
with them; authoring checks the one figure a person adds or edits with them, and says the
problem of the option given. They take plain values, so that a stored Record and a document
being written are judged alike.
"""

from collections.abc import Callable

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
