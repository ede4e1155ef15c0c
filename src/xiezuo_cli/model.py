"""The value objects of xiezuo and the fixed vocabularies they draw on.

Everything here is frozen: a loaded database is read, never changed, by a query. The README's
"Data model" section explains each field; docs/model-v2.md is the curators' version.
"""

from __future__ import annotations

from typing import NamedTuple

SCHEMA_VERSION = 2

# The programmes a pairing can belong to; the list may grow.
KINDS = ("东西部协作", "对口支援", "山海协作", "对口合作")

# Administrative levels, top down. A pairing's level is its receiver's level: 浙江省→甘孜藏族自治州
# is a city-level pairing. 自治州 and 地区 are city (prefecture) level; functional zones that act at
# county level (湖州市南太湖新区) are county level.
LEVELS = ("province", "city", "county")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级"}

# Follows the official 东西部协作 indicator names (see README, "Data model").
CATEGORIES = (
    "财政援助",  # government funds: 专项资金, 对口支援资金, 财政捐赠, 援建资金, 园区共建资金
    "社会帮扶",  # donations by enterprises, associations and people
    "消费帮扶",  # purchases and sales of the receiver's products
    "产业合作",  # enterprises brought in, their investment, industrial projects and parks
    "劳务协作",  # jobs
    "人才交流",  # cadres, professionals and trainees, both directions
    "携手促振兴",  # paired towns, villages, schools, hospitals, enterprises
    "成效",  # outcomes: income increases, collective income, forecast taxes, subsidy standards
)

# Money flows that `funds` may total. 成效 money (an income gain, a forecast tax) is an outcome,
# not money sent, so it is never added to them.
FLOW_CATEGORIES = CATEGORIES[:4]

APPROX = ("exact", "at_least", "about")

# What kind of money (or count): only figures of one stage are ever added. `funds` counts actual
# unless asked for another stage.
STAGES = ("actual", "allocated", "pledged", "planned", "forecast")
STAGE_NAMES = {
    "actual": "实际",
    "allocated": "安排/分配",
    "pledged": "签约/意向",
    "planned": "规划",
    "forecast": "预计",
}

# Who gives.
ACTORS = ("government", "enterprise", "social", "mixed", "unknown")
ACTOR_NAMES = {
    "government": "政府",
    "enterprise": "企业",
    "social": "社会",
    "mixed": "混合",
    "unknown": "不详",
}

# item: one flow or one count. running_total: the running total of its measure for the pairing over
# its period (累计, 自结对以来). Two overlapping running totals of one measure must be linked.
SCOPES = ("item", "running_total")

# Money measures that add up together, by the family they sum under. A measure not listed is its own
# family: 采购额 (bought by the provider) and 帮助销售额 (sold with its help) are two measures, so
# 苍溪's 1085万 purchases and 8000万 platform sales are never one 9085万.
MEASURE_FAMILIES = {
    "协作资金": "财政资金",
    "财政捐赠": "财政资金",
}

MONEY_UNIT = "元"
# The units money is shown in to people, and how many yuan each is.
DISPLAY_UNITS = {"元": 1, "万元": 10**4, "亿元": 10**8}

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


def first_day(date_text: str) -> str:
    """'2022' -> '2022-01-01', '2022-02' -> '2022-02-01', '2022-02-10' unchanged."""
    return date_text + "-01-01"[len(date_text) - 4 :] if len(date_text) < 10 else date_text


def period_year(start: str | None, end: str | None) -> int | None:
    """The year a period lies within, when both ends are known and in one calendar year."""
    if start is None or end is None or start[:4] != end[:4]:
        return None
    return int(start[:4])


def last_day(date_text: str) -> str:
    """'2022' -> '2022-12-31', '2022-02' -> '2022-02-28', '2022-02-10' unchanged."""
    if len(date_text) == 4:
        return f"{date_text}-12-31"
    if len(date_text) == 7:
        import calendar

        year, month = int(date_text[:4]), int(date_text[5:7])
        return f"{date_text}-{calendar.monthrange(year, month)[1]:02d}"
    return date_text
