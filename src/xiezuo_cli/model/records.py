"""The value objects of xiezuo and the record contract.

Everything here is frozen: a loaded database is read, never changed, by a query. The README's
"Data model" section explains each field; docs/model-v2.md is the curators' version.
"""

from typing import NamedTuple

from xiezuo_cli.model.periods import last_day
from xiezuo_cli.model.vocab import MEASURE_FAMILIES

# The public machine contract: `export` and every --json/--csv print these names, in this order.
# `source` and `quote` are the first citation's; `citations` is the list of every citation in JSON
# and JSONL, and their count in CSV, TSV and tables.
RECORD_FIELDS = (
    "id",
    "pairing",
    "kind",
    "level",
    "provider",
    "provider_code",
    "receiver",
    "receiver_code",
    "category",
    "item",
    "measure",
    "value",
    "unit",
    "amount_yuan",
    "approx",
    "period_start",
    "period_end",
    "year",
    "cumulative",
    "as_of",
    "stage",
    "actor",
    "scope",
    "part_of",
    "revises",
    "source",
    "quote",
    "citations",
    "note",
    "derived",
    "derivation",
)


# Fields a user may name in --sort, --columns and filter expressions: the contract, plus the
# figure as the article writes it (fields.py has each one's type, an example and its meaning).
QUERY_FIELDS = (*RECORD_FIELDS, "figure")
# What `export` writes: the contract fields and the figure as written, which import needs to
# rebuild a record exactly (6个 holds its quote's number; 6 does not).
EXPORT_FIELDS = QUERY_FIELDS


class Place(NamedTuple):
    id: str  # the code, or a slug for a place without one
    code: str | None  # GB/T 2260 统计用区划代码, six digits
    name: str  # its own name: 苍溪县
    full_name: str  # 广元市苍溪县 (prefecture + county for county level; else = name)
    short: str  # without suffix: 苍溪
    level: str
    parent: str | None  # id of the place above
    keys: frozenset[str]  # normalised name forms (see names.normalize), computed at build time


class Pairing(NamedTuple):
    id: str
    kind: str
    provider: Place
    receiver: Place
    since: str | None  # "2021" or "2021-05"
    source: str | None
    note: str | None
    # Normalised provider–receiver forms (余杭苍溪, yuhangcangxi), computed when the data was built.
    pair_keys: frozenset[str]

    @property
    def level(self) -> str:
        return self.receiver.level

    def summary(self) -> dict[str, object]:
        """The pairing's contract fields shared by `pairs` rows and `show --json`."""
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level,
            "provider": self.provider.full_name,
            "provider_code": self.provider.code,
            "receiver": self.receiver.full_name,
            "receiver_code": self.receiver.code,
            "since": self.since,
        }

    @property
    def label(self) -> str:
        return f"{self.provider.short}→{self.receiver.short}"


class Source(NamedTuple):
    id: str
    title: str | None  # null when the archived page has none
    publisher: str
    author: str | None
    published: str  # YYYY, YYYY-MM or YYYY-MM-DD
    published_inferred: bool
    url: str | None
    reprint_of: str | None  # the original publisher, when this is a reprint
    excerpt_only: bool
    text_held: bool
    text_file: str | None  # cleaned text, relative to the data folder, when held
    note: str | None

    @property
    def known_by(self) -> str:
        """The last day the publication date allows, as an ISO date: a figure counts as known on
        a date only when its source was surely out by then."""
        return last_day(self.published)

    def as_dict(self) -> dict[str, object]:
        """The source's machine fields (SOURCE_FIELDS: `show --json`, `cite --json`)."""
        return {name: getattr(self, name) for name in SOURCE_FIELDS}


# A source's machine fields (README, "Machine fields"): its note and text file stay inside.
SOURCE_FIELDS = (
    "id",
    "title",
    "publisher",
    "author",
    "published",
    "published_inferred",
    "url",
    "reprint_of",
    "excerpt_only",
    "text_held",
)


class Citation(NamedTuple):
    source: str
    quote: str | None  # the verbatim cleaned sentence when the source's text is held
    note: str | None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "quote": self.quote, "note": self.note}


class Record(NamedTuple):
    id: str
    pairing: str
    kind: str
    level: str
    provider: str
    provider_code: str | None
    receiver: str
    receiver_code: str | None
    category: str
    item: str
    measure: str
    value: int | float
    unit: str
    amount_yuan: int | None
    approx: str
    period_start: str | None
    period_end: str | None
    year: int | None
    cumulative: bool
    as_of: str  # ISO date
    stage: str
    actor: str
    scope: str
    part_of: str | None
    revises: str | None
    citations: tuple[Citation, ...]
    note: str | None
    figure: str  # the figure as the article writes it: 100余万元, 万余名
    known_by: str  # ISO date by which its first source was surely published (for --as-of)
    # For a figure worked out from the article's numbers rather than given by it, how (the
    # arithmetic, in Chinese: 3978万元 ÷ 79.5% ≈ 5003.8万元); None for a figure the article gives.
    # Optional in a stored document, so databases written before it load as they were.
    derivation: str | None = None

    @property
    def derived(self) -> bool:
        """A figure we worked out (推算), not one the article gives: never confused with the
        article's own approximations (approx says what its wording says)."""
        return self.derivation is not None

    @property
    def source(self) -> str:
        return self.citations[0].source

    @property
    def quote(self) -> str | None:
        return self.citations[0].quote

    @property
    def is_money(self) -> bool:
        return self.amount_yuan is not None

    @property
    def is_rate(self) -> bool:
        """A rate or share (元/人·年, %): never summed, never counted as a quantity."""
        return self.amount_yuan is None and ("/" in self.unit or self.unit == "%")

    @property
    def family(self) -> str:
        """The measure family a total adds this figure under (see MEASURE_FAMILIES)."""
        return MEASURE_FAMILIES.get(self.measure, self.measure)

    @property
    def span(self) -> str | None:
        """A multi-year figure's years, for people and for `funds --by year`: 2021–2024."""
        if self.year is not None or (self.period_start is None and self.period_end is None):
            return None
        first = self.period_start[:4] if self.period_start else "…"
        last = self.period_end[:4] if self.period_end else "…"
        return f"{first}–{last}"

    def as_dict(
        self, fields: tuple[str, ...] = RECORD_FIELDS, *, flat: bool = False
    ) -> dict[str, object]:
        """The contract fields; ``flat`` (CSV, TSV) gives the citations as a count."""
        row: dict[str, object] = {}
        for name in fields:
            if name == "citations":
                row[name] = len(self.citations) if flat else [c.as_dict() for c in self.citations]
            else:
                row[name] = getattr(self, name)
        return row
