"""`export --format sqlite -o FILE`: the data as a SQLite database for sqlite3, Datasette or DuckDB.

The file holds five tables and three views. Column names are the machine contract (README,
"Machine fields"); booleans are 0/1, money is an INTEGER of exact yuan, a missing value is NULL.
Every reference is a FOREIGN KEY, checked with ``PRAGMA foreign_key_check`` before the file is
kept; ``PRAGMA user_version`` is the data's schema version (2). SQLite checks the keys only on a
connection that turns them on (``PRAGMA foreign_keys = ON``) before it changes anything.

Tables:

- ``places``: ``id`` (primary key: the code, or a slug), ``code``, ``name``, ``full_name``,
  ``short``, ``level``, ``parent`` (→ ``places.id``; NULL for a province).
- ``pairings``: ``id``, ``kind``, ``level`` (the receiver's), ``provider`` and ``receiver``
  (→ ``places.id``), ``provider_code``, ``receiver_code``, ``since``, ``source``
  (→ ``sources.id``: the source that says when the pairing began), ``note``.
- ``sources``: ``id``, ``title``, ``publisher``, ``author``, ``published``,
  ``published_inferred``, ``url``, ``reprint_of``, ``excerpt_only``, ``text_held``, ``known_by``
  (the last day the publication date allows), ``note``.
- ``records``: one row per figure, in id order: the record contract less ``source``, ``quote``
  and ``citations`` (those are in ``citations``): ``id``, ``pairing`` (→ ``pairings.id``),
  ``kind``, ``level``, ``provider``, ``provider_code``, ``receiver``, ``receiver_code`` (the
  pairing's places by full name and code), ``category``, ``item``, ``measure``, ``value``,
  ``unit``, ``amount_yuan``, ``approx``, ``period_start``, ``period_end``, ``year``,
  ``cumulative``, ``as_of``, ``stage``, ``actor``, ``scope``, ``part_of`` and ``revises``
  (→ ``records.id``), ``note``; then ``figure`` (as the article writes it), ``family`` (the
  measure family `funds` adds it under: 协作资金 and 财政捐赠 are 财政资金), ``known_by`` (the day
  its first source was surely out, for ``--as-of``) and ``selected``. ``selected`` is 1 for a
  record the export's filters chose. A filtered export also holds, with ``selected`` 0, each
  record a chosen one refers to (its ``part_of`` whole up the chain, the figure it ``revises``,
  the later figure that revises it), so that every reference resolves; without filters every
  record is selected. Count with ``WHERE selected = 1``.
- ``citations``: one row per citation: ``record`` (→ ``records.id``), ``ordinal`` (1, 2, …:
  citation 1 gives the contract's ``source`` and ``quote``), ``source`` (→ ``sources.id``),
  ``quote`` (the verbatim sentence when the text is held, else NULL), ``note``; primary key
  ``(record, ordinal)``.

Views (over the selected records):

- ``fund_totals``: the rows of ``xiezuo funds --csv`` with its defaults and the export's filters,
  in its order: ``pairing, category, measure, level, stage, amount_yuan, at_least, about,
  records`` (``measure`` is the family; stage is ``actual``). The `funds` rules: only money, only
  the four flow categories, only the actual stage, never a figure a later one revises, never a
  figure whose ``part_of`` whole (up the chain, in any row; a revised whole standing for its
  latest revision) is itself counted; a part whose whole is not selected or not counted is
  counted. ``at_least`` / ``about`` are 1 when any summed figure is.
- ``fund_decisions``: one row per selected money record (and money rate or foreign-currency
  amount), as ``xiezuo funds --explain --csv`` gives them: ``id, pairing, level, category,
  measure, stage, item, amount_yuan, approx, counted, reason, part_of, revised_by``; ``reason``
  one of ``summed, part_of, revised, stage, outcome, rate, currency``; ``part_of`` names the
  counted whole that holds the record, ``revised_by`` the later figure that replaces it.
- ``contract_records``: the selected records as ``xiezuo export --csv`` prints them: the
  contract's columns in order, ``source`` and ``quote`` from citation 1, ``citations`` their
  count.

An export made with ``--as-of DATE`` writes that date into the two fund views: only figures
published by then revise another, as in `funds --as-of`.

The file is written to a temporary file in the target's folder and renamed over the target only
when complete and checked, so a failed export leaves an existing file as it was. sqlite3 is
imported here only, and this module only by `export --format sqlite`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from xiezuo_cli.errors import XiezuoError
from xiezuo_cli.model.records import RECORD_FIELDS, Record
from xiezuo_cli.model.vocab import (
    ACTORS,
    APPROX,
    CATEGORIES,
    FLOW_CATEGORIES,
    LEVELS,
    SCHEMA_VERSION,
    SCOPES,
    STAGES,
)

if TYPE_CHECKING:
    import sqlite3

    from xiezuo_cli.storage.dataset import Dataset

TABLES = ("places", "pairings", "sources", "records", "citations")
VIEWS = ("fund_decisions", "fund_totals", "contract_records")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _one_of(column: str, values: Iterable[str]) -> str:
    return f"CHECK ({column} IN ({', '.join(_quoted(v) for v in values)}))"


def _boolean(column: str) -> str:
    return f"{column} INTEGER NOT NULL CHECK ({column} IN (0, 1))"


def _order(column: str, values: Sequence[str]) -> str:
    """A sort key putting ``values`` in the model's order (as funds sorts its rows)."""
    cases = " ".join(f"WHEN {_quoted(v)} THEN {i}" for i, v in enumerate(values))
    return f"CASE {column} {cases} ELSE {len(values)} END"


SCHEMA = f"""
CREATE TABLE places (
    id TEXT NOT NULL PRIMARY KEY,
    code TEXT,
    name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    short TEXT NOT NULL,
    level TEXT NOT NULL {_one_of("level", LEVELS)},
    parent TEXT REFERENCES places (id)
);
CREATE TABLE sources (
    id TEXT NOT NULL PRIMARY KEY,
    title TEXT,
    publisher TEXT NOT NULL,
    author TEXT,
    published TEXT NOT NULL,
    {_boolean("published_inferred")},
    url TEXT,
    reprint_of TEXT,
    {_boolean("excerpt_only")},
    {_boolean("text_held")},
    known_by TEXT NOT NULL,
    note TEXT
);
CREATE TABLE pairings (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    level TEXT NOT NULL {_one_of("level", LEVELS)},
    provider TEXT NOT NULL REFERENCES places (id),
    provider_code TEXT,
    receiver TEXT NOT NULL REFERENCES places (id),
    receiver_code TEXT,
    since TEXT,
    source TEXT REFERENCES sources (id),
    note TEXT
);
CREATE TABLE records (
    id TEXT NOT NULL PRIMARY KEY,
    pairing TEXT NOT NULL REFERENCES pairings (id),
    kind TEXT NOT NULL,
    level TEXT NOT NULL {_one_of("level", LEVELS)},
    provider TEXT NOT NULL,
    provider_code TEXT,
    receiver TEXT NOT NULL,
    receiver_code TEXT,
    category TEXT NOT NULL {_one_of("category", CATEGORIES)},
    item TEXT NOT NULL,
    measure TEXT NOT NULL,
    value NUMERIC NOT NULL,
    unit TEXT NOT NULL,
    amount_yuan INTEGER,
    approx TEXT NOT NULL {_one_of("approx", APPROX)},
    period_start TEXT,
    period_end TEXT,
    year INTEGER,
    {_boolean("cumulative")},
    as_of TEXT NOT NULL,
    stage TEXT NOT NULL {_one_of("stage", STAGES)},
    actor TEXT NOT NULL {_one_of("actor", ACTORS)},
    scope TEXT NOT NULL {_one_of("scope", SCOPES)},
    part_of TEXT REFERENCES records (id),
    revises TEXT REFERENCES records (id),
    note TEXT,
    {_boolean("derived")},
    derivation TEXT CHECK ((derivation IS NULL) = (derived = 0)),
    figure TEXT NOT NULL,
    family TEXT NOT NULL,
    known_by TEXT NOT NULL,
    {_boolean("selected")}
);
CREATE TABLE citations (
    record TEXT NOT NULL REFERENCES records (id),
    ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
    source TEXT NOT NULL REFERENCES sources (id),
    quote TEXT,
    note TEXT,
    PRIMARY KEY (record, ordinal)
);
CREATE INDEX places_parent ON places (parent);
CREATE INDEX pairings_provider ON pairings (provider);
CREATE INDEX pairings_receiver ON pairings (receiver);
CREATE INDEX pairings_source ON pairings (source);
CREATE INDEX records_pairing ON records (pairing);
CREATE INDEX records_part_of ON records (part_of);
CREATE INDEX records_revises ON records (revises);
CREATE INDEX citations_source ON citations (source);
"""

_FLOWS = ", ".join(_quoted(c) for c in FLOW_CATEGORIES)


def _first_day(column: str) -> str:
    """model.first_day in SQL: 2021 -> 2021-01-01, 2021-06 -> 2021-06-01."""
    return (
        f"CASE length({column}) WHEN 4 THEN {column} || '-01-01' "
        f"WHEN 7 THEN {column} || '-01' ELSE {column} END"
    )


def _last_day(column: str) -> str:
    """model.last_day in SQL: 2021 -> 2021-12-31, 2021-02 -> 2021-02-28."""
    return (
        f"CASE length({column}) WHEN 4 THEN {column} || '-12-31' "
        f"WHEN 7 THEN date({column} || '-01', '+1 month', '-1 day') ELSE {column} END"
    )


def _decisions_view(known_by: str | None, window: tuple[str, str] | None = None) -> str:
    """fund_decisions: funds.decide_all in SQL, for the default stage (actual).

    initial: the first decision of each money record (rate, currency, outcome, stage, revised,
    or summed for now); windowed: a summed figure whose period does not lie within the export's
    --year/--during window is shown apart (window); later: the figure that revises each one
    (published by --as-of); latest: each figure's revision chain, to its latest figure; up: each
    shown figure's part_of chain through selected records; holder: the nearest whole up that
    chain whose latest figure is itself summed, which makes the figure a part_of and not
    counted; conflicts: funds.never_added, a running total and a counted figure of its pairing,
    category, measure, stage and unit whose period may overlap its own (an open end reaching
    anywhere on its side).
    """
    known = "" if known_by is None else f" AND known_by <= {_quoted(known_by)}"
    if window is None:
        beyond = "0"
    else:
        start, end = (_first_day("r.period_start"), _last_day("r.period_end"))
        beyond = (
            f"NOT (r.period_start IS NOT NULL AND r.period_end IS NOT NULL "
            f"AND ({start}) >= {_quoted(window[0])} AND ({end}) <= {_quoted(window[1])})"
        )
    a_first = f"COALESCE({_first_day('a.period_start')}, '0000-00-00')"
    a_last = f"COALESCE({_last_day('a.period_end')}, '9999-99-99')"
    b_first = f"COALESCE({_first_day('b.period_start')}, '0000-00-00')"
    b_last = f"COALESCE({_last_day('b.period_end')}, '9999-99-99')"
    return f"""
CREATE VIEW fund_decisions AS
WITH RECURSIVE
later (id, revised_by) AS (
    SELECT revises, MAX(id) FROM records
    WHERE revises IS NOT NULL{known}
    GROUP BY revises
),
initial (id, reason, later_id) AS (
    SELECT r.id,
        CASE
            WHEN r.amount_yuan IS NULL AND substr(r.unit, 1, 2) = '元/' THEN 'rate'
            WHEN r.amount_yuan IS NULL THEN 'currency'
            WHEN r.category NOT IN ({_FLOWS}) THEN 'outcome'
            WHEN r.stage <> 'actual' THEN 'stage'
            WHEN l.revised_by IS NOT NULL THEN 'revised'
            ELSE 'summed'
        END,
        l.revised_by
    FROM records AS r LEFT JOIN later AS l ON l.id = r.id
    WHERE r.selected = 1
        AND (r.amount_yuan IS NOT NULL
            OR substr(r.unit, 1, 2) = '元/'
            OR (r.unit <> '元' AND r.unit LIKE '%元'))
),
windowed (id, reason, later_id) AS (
    SELECT i.id,
        CASE WHEN i.reason = 'summed' AND {beyond} THEN 'window' ELSE i.reason END,
        i.later_id
    FROM initial AS i JOIN records AS r ON r.id = i.id
),
latest (id, figure, depth) AS (
    SELECT id, id, 0 FROM records
    UNION ALL
    SELECT latest.id, l.revised_by, latest.depth + 1
    FROM latest JOIN later AS l ON l.id = latest.figure
    WHERE latest.depth < (SELECT COUNT(*) FROM records)
),
resolved (id, figure) AS (
    SELECT id, figure FROM (
        SELECT id, figure, ROW_NUMBER() OVER (PARTITION BY id ORDER BY depth DESC) AS n
        FROM latest
    ) AS chains
    WHERE n = 1
),
up (id, whole, depth) AS (
    SELECT i.id, r.part_of, 1
    FROM windowed AS i JOIN records AS r ON r.id = i.id
    WHERE i.reason IN ('summed', 'window') AND r.part_of IS NOT NULL
    UNION ALL
    SELECT up.id, p.part_of, up.depth + 1
    FROM up JOIN records AS p ON p.id = up.whole
    WHERE p.selected = 1 AND p.part_of IS NOT NULL
        AND up.depth < (SELECT COUNT(*) FROM records)
),
holder (id, whole) AS (
    SELECT id, whole FROM (
        SELECT up.id, rv.figure AS whole,
            ROW_NUMBER() OVER (PARTITION BY up.id ORDER BY up.depth) AS n
        FROM up
        JOIN resolved AS rv ON rv.id = up.whole
        JOIN windowed AS c ON c.id = rv.figure AND c.reason = 'summed'
    ) AS wholes
    WHERE n = 1
),
decided (id, counted, reason, part_of, revised_by) AS (
    SELECT i.id,
        CASE WHEN i.reason = 'summed' AND h.whole IS NULL THEN 1 ELSE 0 END,
        CASE WHEN i.reason IN ('summed', 'window') AND h.whole IS NOT NULL THEN 'part_of'
            ELSE i.reason END,
        h.whole,
        CASE WHEN i.reason = 'revised' THEN i.later_id END
    FROM windowed AS i LEFT JOIN holder AS h ON h.id = i.id
),
conflicts (id, other) AS (
    SELECT a.id, b.id
    FROM decided AS da
    CROSS JOIN records AS a ON a.id = da.id
    CROSS JOIN records AS b ON b.pairing = a.pairing AND b.id <> a.id
    CROSS JOIN decided AS db ON db.id = b.id AND db.counted = 1
    WHERE da.counted = 1
        AND (a.scope = 'running_total' OR b.scope = 'running_total')
        AND a.pairing = b.pairing AND a.category = b.category AND a.measure = b.measure
        AND a.stage = b.stage AND a.unit = b.unit
        AND {a_first} <= {b_last} AND {b_first} <= {a_last}
),
-- Grouped once and joined (a subquery per row re-ran conflicts for every record), and conflicts
-- pairs records of one pairing through records_pairing in the order written (CROSS JOIN): left
-- to the planner, it paired every counted record with every other, minutes at 100,000 records.
overlapping (id, overlaps) AS (
    SELECT id, group_concat(other, ',') FROM (
        SELECT id, other FROM conflicts ORDER BY id, other
    )
    GROUP BY id
)
SELECT r.id, r.pairing, r.level, r.category, r.family AS measure, r.stage, r.item,
    r.amount_yuan, r.approx, d.counted, d.reason, d.part_of, d.revised_by,
    o.overlaps,
    r.derived, r.derivation
FROM decided AS d
JOIN records AS r ON r.id = d.id
LEFT JOIN overlapping AS o ON o.id = d.id
ORDER BY r.id
"""


# fund_totals: the rows of funds._rows. A counted running total with a conflict is a row of its
# own (apart 'overlap'), each figure shown for the window too ('window'); the other counted
# figures of a key make one row. period_start is the start of the earliest figure (NULL when one
# is open), period_end the end of the latest.
_ROW_KEY = "pairing, category, measure, level, stage"
FUND_TOTALS_VIEW = f"""
CREATE VIEW fund_totals AS
WITH
shown AS (
    SELECT d.id, d.pairing, d.category, d.measure, d.level, d.stage, d.amount_yuan, d.approx,
        d.derived, r.period_start, r.period_end,
        CASE
            WHEN d.reason = 'window' THEN 'window'
            WHEN r.scope = 'running_total' AND d.overlaps IS NOT NULL THEN 'overlap'
        END AS apart
    FROM fund_decisions AS d JOIN records AS r ON r.id = d.id
    WHERE d.counted = 1 OR d.reason = 'window'
),
keyed AS (
    SELECT shown.*,
        CASE WHEN apart IS NULL THEN '' ELSE id END AS row_key,
        {_first_day("period_start")} AS first_day,
        {_last_day("period_end")} AS last_day
    FROM shown
),
ends AS (
    SELECT keyed.*,
        FIRST_VALUE(period_start) OVER (
            PARTITION BY {_ROW_KEY}, row_key ORDER BY first_day, id
        ) AS earliest,
        FIRST_VALUE(period_end) OVER (
            PARTITION BY {_ROW_KEY}, row_key ORDER BY last_day DESC, id
        ) AS latest
    FROM keyed
)
SELECT {_ROW_KEY},
    SUM(amount_yuan) AS amount_yuan,
    MAX(CASE WHEN approx = 'at_least' THEN 1 ELSE 0 END) AS at_least,
    MAX(CASE WHEN approx = 'about' THEN 1 ELSE 0 END) AS about,
    COUNT(*) AS records,
    CASE WHEN COUNT(period_start) = COUNT(*) THEN MIN(earliest) END AS period_start,
    CASE WHEN COUNT(period_end) = COUNT(*) THEN MIN(latest) END AS period_end,
    MIN(apart) AS apart,
    MAX(derived) AS derived
FROM ends
GROUP BY {_ROW_KEY}, row_key
ORDER BY pairing, {_order("category", CATEGORIES)}, measure, {_order("level", LEVELS)},
    {_order("stage", STAGES)}, COALESCE(MIN(apart), '') = 'window',
    COALESCE(MIN({_first_day("earliest")}), ''), COALESCE(MIN({_last_day("latest")}), '9999')
"""

# The record contract less what lives in the citations table, then what SQL queries need.
RECORD_COLUMNS = (
    *(name for name in RECORD_FIELDS if name not in ("source", "quote", "citations")),
    "figure",
    "family",
    "known_by",
    "selected",
)


def _contract_view() -> str:
    from xiezuo_cli.model.records import RECORD_FIELDS

    columns = []
    for name in RECORD_FIELDS:
        if name in ("source", "quote"):
            columns.append(f"c.{name}")
        elif name == "citations":
            columns.append(
                "(SELECT COUNT(*) FROM citations AS n WHERE n.record = r.id) AS citations"
            )
        else:
            columns.append(f"r.{name}")
    return f"""
CREATE VIEW contract_records AS
SELECT {", ".join(columns)}
FROM records AS r JOIN citations AS c ON c.record = r.id AND c.ordinal = 1
WHERE r.selected = 1
ORDER BY r.id
"""


def write_sqlite(
    data: Dataset,
    records: Sequence[Record],
    path: str | None,
    *,
    known_by: str | None = None,
    window: tuple[str, str] | None = None,
) -> None:
    """Write ``records`` (the export's selection) with the places, pairings and sources of
    ``data`` to a new SQLite file at ``path``, atomically (files.atomic_path: a link is followed,
    never replaced); None: to stdout (``-o -``, ``-o /dev/stdout``).

    ``known_by`` is the export's --as-of as an ISO day (query.Filters.known_by): later revisions
    published after it are left out, and the fund views take only revisions known by then.
    ``window`` is its --year/--during (query.Filters.window): the fund views add only figures
    whose period lies within it and show the others apart, as funds does.
    Raises UsageProblem for a path that may not be written, XiezuoError when writing fails or the
    foreign keys do not hold (the old file, if any, is then untouched).
    """
    import sqlite3

    from xiezuo_cli.storage.files import atomic_path

    if known_by is not None and not _ISO_DAY.fullmatch(known_by):
        raise ValueError(f"known_by must be an ISO day, got {known_by!r}")
    if path is None:
        _to_stdout(data, records, known_by, window)
        return
    with atomic_path(path, suffix=".tmp") as temporary:
        try:
            rows, selected = _with_references(data, records, known_by)
            connection = sqlite3.connect(temporary)
            try:
                _fill(connection, data, rows, selected, known_by, window)
            finally:
                connection.close()
        except sqlite3.Error as error:
            raise XiezuoError(f"cannot write {path}: {error}") from error


def _to_stdout(
    data: Dataset,
    records: Sequence[Record],
    known_by: str | None,
    window: tuple[str, str] | None,
) -> None:
    """``-o -``: the database made in a temporary folder, then its bytes down stdout."""
    import shutil
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="xiezuo-export-") as folder:
        made = os.path.join(folder, "export.sqlite")
        write_sqlite(data, records, made, known_by=known_by, window=window)
        sys.stdout.flush()
        with open(made, "rb") as stream:
            shutil.copyfileobj(stream, sys.stdout.buffer)
        sys.stdout.buffer.flush()


def _with_references(
    data: Dataset, records: Sequence[Record], known_by: str | None
) -> tuple[list[Record], set[str]]:
    """The selected records plus every record they lead to by part_of, revises or a later
    revision (published by ``known_by``), in id order; and the selected ids."""
    by_id = {record.id: record for record in data.records}
    later: dict[str, list[Record]] = {}
    for record in data.records:
        if record.revises is not None and (known_by is None or record.known_by <= known_by):
            later.setdefault(record.revises, []).append(record)
    chosen = {record.id: record for record in records}
    selected = set(chosen)
    stack = list(records)
    while stack:
        record = stack.pop()
        linked = [by_id.get(record.part_of or ""), by_id.get(record.revises or "")]
        for other in (*linked, *later.get(record.id, ())):
            if other is not None and other.id not in chosen:
                chosen[other.id] = other
                stack.append(other)
    return sorted(chosen.values(), key=lambda record: record.id), selected


def _fill(
    connection: sqlite3.Connection,
    data: Dataset,
    records: list[Record],
    selected: set[str],
    known_by: str | None,
    window: tuple[str, str] | None = None,
) -> None:
    connection.execute("PRAGMA journal_mode = OFF")  # a failed write deletes the whole file
    connection.execute("PRAGMA synchronous = OFF")  # fsynced once, before the rename
    connection.execute("PRAGMA foreign_keys = OFF")  # rows go in any order; checked below
    connection.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")
    connection.executescript(SCHEMA)
    _insert(connection, "places", _place_rows(data))
    _insert(connection, "sources", _source_rows(data))
    _insert(connection, "pairings", _pairing_rows(data))
    _insert(connection, "records", (_record_row(r, r.id in selected) for r in records))
    _insert(connection, "citations", _citation_rows(records))
    for view in (_decisions_view(known_by, window), FUND_TOTALS_VIEW, _contract_view()):
        connection.execute(view)
    connection.commit()
    problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        shown = "; ".join(
            f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in problems[:5]
        )
        raise XiezuoError(f"{len(problems)} dangling reference(s) in the export: {shown}")
    connection.execute("PRAGMA optimize")


def _insert(connection: sqlite3.Connection, table: str, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    marks = ", ".join("?" for _ in columns)
    connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        ([row[name] for name in columns] for row in rows),
    )


def _flag(value: bool) -> int:
    return 1 if value else 0


def _place_rows(data: Dataset) -> Iterable[dict[str, Any]]:
    for place in data.places.values():
        yield {
            "id": place.id,
            "code": place.code,
            "name": place.name,
            "full_name": place.full_name,
            "short": place.short,
            "level": place.level,
            "parent": place.parent,
        }


def _source_rows(data: Dataset) -> Iterable[dict[str, Any]]:
    for source in data.sources.values():
        yield {
            "id": source.id,
            "title": source.title,
            "publisher": source.publisher,
            "author": source.author,
            "published": source.published,
            "published_inferred": _flag(source.published_inferred),
            "url": source.url,
            "reprint_of": source.reprint_of,
            "excerpt_only": _flag(source.excerpt_only),
            "text_held": _flag(source.text_held),
            "known_by": source.known_by,
            "note": source.note,
        }


def _pairing_rows(data: Dataset) -> Iterable[dict[str, Any]]:
    for pairing in data.pairings.values():
        yield {
            "id": pairing.id,
            "kind": pairing.kind,
            "level": pairing.level,
            "provider": pairing.provider.id,
            "provider_code": pairing.provider.code,
            "receiver": pairing.receiver.id,
            "receiver_code": pairing.receiver.code,
            "since": pairing.since,
            "source": pairing.source,
            "note": pairing.note,
        }


def _record_row(record: Record, selected: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in RECORD_COLUMNS:
        if name == "selected":
            row[name] = _flag(selected)
        elif name in ("cumulative", "derived"):
            row[name] = _flag(getattr(record, name))
        else:
            row[name] = getattr(record, name)
    return row


def _citation_rows(records: Iterable[Record]) -> Iterable[dict[str, Any]]:
    for record in records:
        for ordinal, citation in enumerate(record.citations, start=1):
            yield {
                "record": record.id,
                "ordinal": ordinal,
                "source": citation.source,
                "quote": citation.quote,
                "note": citation.note,
            }
