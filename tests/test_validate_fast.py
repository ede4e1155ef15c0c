"""validate._record, the one checker of a stored record (one pass, no call per field on the
common path), against the field-by-field checker it replaced (tests/record_oracle.py): on every
valid record both give the same Record, and on a broken one the checker never accepts what the
oracle refuses, and refuses it in the same words."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import record_oracle
from conftest import BUNDLED, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiezuo_cli.errors import DataFileError
from xiezuo_cli.storage import store, validate

sys.path.insert(0, str(ROOT / "benchmarks"))
import scale  # the benchmark's generator of valid databases


def _context(path: Path) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    tables = store.read_tables(str(path))
    places = {raw["id"]: validate._place(str(path), raw) for raw in tables["place"]}
    pairings = {raw["id"]: validate._pairing(str(path), raw, places) for raw in tables["pairing"]}
    sources = {raw["id"]: validate._source(str(path), raw) for raw in tables["source"]}
    return pairings, sources, tables["record"]


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, Any, Any]]:
    generated = tmp_path_factory.mktemp("fast") / "db.json"
    scale.write_database(generated, 600, 11)
    return [_context(BUNDLED), _context(generated)]


def _slow(raw: dict[str, Any], pairings: Any, sources: Any) -> Any:
    """The oracle's Record, or None when it refuses the record."""
    try:
        return record_oracle._record("db.json", raw, pairings, sources)
    except DataFileError:
        return None


def _fast(raw: dict[str, Any], pairings: Any, sources: Any) -> Any:
    """The one checker's Record, or None when it refuses the record (in the oracle's words)."""
    try:
        return validate._record("db.json", raw, pairings, sources)
    except DataFileError as error:
        try:
            record_oracle._record("db.json", raw, pairings, sources)
        except DataFileError as expected:
            assert str(error) == str(expected)
        return None


def test_every_valid_record_takes_the_fast_path_and_gives_the_same_record(
    contexts: list[tuple[Any, Any, Any]],
) -> None:
    for pairings, sources, records in contexts:
        for raw in records:
            fast = _fast(raw, pairings, sources)
            assert fast is not None, raw["id"]
            assert fast == _slow(raw, pairings, sources)


FIELDS = (
    *("id", "pairing", "kind", "level", "provider", "provider_code", "receiver"),
    *("receiver_code", "category", "item", "measure", "value", "unit", "amount_yuan"),
    *("approx", "period_start", "period_end", "year", "cumulative", "as_of", "stage"),
    *("actor", "scope", "part_of", "revises", "citations", "note", "figure"),
)
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["", " ", "元", "人", "2021", "2021-02-30", "2021-13", "2022-01-01", "x" * 201]
    ),
    st.sampled_from(["actual", "pledged", "about", "财政援助", "county", "a-b", "A B", "\u202e"]),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
CITATION_CHANGES = st.sampled_from(
    ["drop_quote", "drop_note", "null_quote", "empty_quote", "twice", "unknown", "empty"]
)


def _break_citations(raw: dict[str, Any], how: str) -> None:
    citations = raw["citations"]
    first = citations[0]
    if how == "drop_quote":
        first.pop("quote", None)
    elif how == "drop_note":
        first.pop("note", None)
    elif how == "null_quote":
        first["quote"] = None
    elif how == "empty_quote":
        first["quote"] = "  "
    elif how == "twice":
        citations.append(dict(first))
    elif how == "unknown":
        first["source"] = "no-such-source"
    else:
        citations.clear()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0),
    changes=st.lists(
        st.tuples(st.sampled_from(FIELDS), st.one_of(st.just("<drop>"), ODD_VALUES)),
        max_size=3,
    ),
    citation_change=st.one_of(st.none(), CITATION_CHANGES),
    context=st.integers(0, 1),
)
def test_the_fast_path_never_accepts_what_the_slow_path_refuses(
    contexts: list[tuple[Any, Any, Any]],
    which: int,
    changes: list[tuple[str, Any]],
    citation_change: str | None,
    context: int,
) -> None:
    pairings, sources, records = contexts[context]
    raw = copy.deepcopy(records[which % len(records)])
    for field, value in changes:
        if value == "<drop>":
            raw.pop(field, None)
        else:
            raw[field] = value
    citations = raw.get("citations")
    if (
        citation_change is not None
        and isinstance(citations, list)
        and citations
        and isinstance(citations[0], dict)
    ):
        _break_citations(raw, citation_change)
    raw = json.loads(json.dumps(raw))  # only what a JSON file can hold
    fast = _fast(raw, pairings, sources)
    slow = _slow(raw, pairings, sources)
    if slow is None:
        assert fast is None
    else:
        assert fast is None or fast == slow


def _perturbations(value: Any) -> list[Any]:
    """Values near a valid one: each breaks a rule, or does not, in a way a check might miss."""
    found: list[Any] = ["<drop>", None, "", " ", [value], True, "2021", "元", "pledged"]
    if isinstance(value, bool):
        found += [not value, int(value)]
    elif isinstance(value, int | float):
        found += [value + 1, -1, float(value) + 0.5, 10**15, 10**14 + 1, 2100, 1948]
    elif isinstance(value, str):
        found += [value + "x", value.upper(), "x" * 201, value + "\u202e", "2021-02-29"]
    return found


def test_every_single_field_change_keeps_the_two_paths_in_agreement(
    contexts: list[tuple[Any, Any, Any]],
) -> None:
    checked = 0
    for pairings, sources, records in contexts:
        for original in records[:120]:
            for field in FIELDS:
                for value in _perturbations(original.get(field)):
                    raw = copy.deepcopy(original)
                    if value == "<drop>":
                        raw.pop(field, None)
                    else:
                        raw[field] = value
                    slow = _slow(raw, pairings, sources)
                    fast = _fast(raw, pairings, sources)
                    assert (fast is None) if slow is None else (fast in (None, slow)), (
                        original["id"],
                        field,
                        value,
                    )
                    checked += 1
            if original.get("amount_yuan") is not None:  # a money figure out of bounds
                for amount in (10**14 + 1, -5, 10**16):
                    raw = {**copy.deepcopy(original), "amount_yuan": amount, "value": amount}
                    assert _slow(raw, pairings, sources) is None
                    assert _fast(raw, pairings, sources) is None, amount
            for how in ("drop_quote", "drop_note", "null_quote", "empty_quote", "twice", "unknown"):
                raw = copy.deepcopy(original)
                _break_citations(raw, how)
                if _slow(raw, pairings, sources) is None:
                    assert _fast(raw, pairings, sources) is None, how
    assert checked > 5000
