"""The value objects of xiezuo and the fixed vocabularies they draw on.

Everything here is frozen: a loaded database is read, never changed, by a query.
"""

from __future__ import annotations

from typing import NamedTuple

SCHEMA_VERSION = 1

# The programmes a pairing can belong to; the list may grow.
KINDS = ("东西部协作", "对口支援", "山海协作", "对口合作")

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
STAGES = ("actual", "planned")
MONEY_UNIT = "元"

# The public machine contract: `export` and every --json/--csv print these names, in this order.
RECORD_FIELDS = (
    "id",
    "pairing",
    "kind",
    "provider",
    "receiver",
    "category",
    "item",
    "metric",
    "value",
    "unit",
    "amount_yuan",
    "approx",
    "year",
    "as_of",
    "cumulative",
    "stage",
    "part_of",
    "source",
    "quote",
    "note",
)


class Place(NamedTuple):
    name: str  # full official name: 杭州市余杭区
    county: str  # county-level name with suffix: 余杭区
    short: str  # without suffix: 余杭
    province: str


class Pairing(NamedTuple):
    id: str
    kind: str
    provider: Place
    receiver: Place
    since: str | None  # "2021" or "2021-05"
    source: str
    note: str | None
    # Normalised name forms (see names.normalize), computed when the data was built.
    provider_keys: frozenset[str]
    receiver_keys: frozenset[str]
    pair_keys: frozenset[str]

    @property
    def label(self) -> str:
        return f"{self.provider.short}→{self.receiver.short}"


class Source(NamedTuple):
    id: str
    title: str
    publisher: str
    author: str | None
    published: str  # ISO date
    url: str | None
    text_file: str  # cleaned text, relative to the data folder
    note: str | None


class Record(NamedTuple):
    id: str
    pairing: str
    kind: str
    provider: str
    receiver: str
    category: str
    item: str
    metric: str
    value: int | float
    unit: str
    amount_yuan: int | None
    approx: str
    year: int | None
    as_of: str
    cumulative: bool
    stage: str
    part_of: str | None
    source: str
    quote: str
    note: str | None
    figure: str  # the figure as the article writes it: 100余万元, 万余名

    @property
    def is_money(self) -> bool:
        return self.amount_yuan is not None

    @property
    def is_rate(self) -> bool:
        """A rate or share (元/人·年, %): never summed, never counted as a quantity."""
        return self.amount_yuan is None and ("/" in self.unit or self.unit == "%")

    def as_dict(self, fields: tuple[str, ...] = RECORD_FIELDS) -> dict[str, object]:
        return {name: getattr(self, name) for name in fields}
