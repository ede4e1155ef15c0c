"""How xiezuo scales: generated databases of 1,000 to 1,000,000 records, against jq and sqlite3.

For each size the script generates a valid xiezuo database (hundreds of pairings at every level,
every category, stage and actor, Chinese items, 1-3 citations a record, revision chains, single-
and multi-year periods, part_of chains within a pairing and across levels, approximate figures),
writes it with store.write_tables and checks it with `xiezuo validate --db`. It then times, in the
same run and interleaved:

- `xiezuo funds --by pairing --csv`, `xiezuo list --pair <one receiver> --csv` and
  `xiezuo validate`, each cold (XDG_CACHE_HOME a fresh empty folder every run: the first run
  after a change, which writes the marshal snapshot of a small file or the SQLite index of one of
  at least 2 MiB) and warm (the same folder every run, filled by one untimed run);
- jq computing the same money totals from the same JSON file;
- sqlite3 computing them from `xiezuo export --format sqlite -o FILE` (`SELECT ... FROM
  fund_totals GROUP BY ...`; the export itself is made and timed once, outside the rounds);
- sqlite3 giving the same records as `list --pair` from that export (`SELECT * FROM
  contract_records WHERE pairing = ...`, the pairing read from xiezuo's output).

Before timing, the three totals must agree as sets of (pairing, category, measure, level, stage,
amount_yuan, at_least, about, records), and sqlite3's records for the pairing must be the ones
`list --pair` printed (as sets of ids); on a difference the script prints the first ones and
exits 1. Every timed run must then print exactly what its untimed first run printed.

Each run is one fresh process: wall time by time.perf_counter around it, peak memory its maximum
resident set size as GNU time reports it (/usr/bin/time -f %M; without GNU time, os.wait4's
rusage, which on Linux also counts this script's own size at the fork).
Results: median wall time and median peak memory per command, the ratios xiezuo/jq and
xiezuo/sqlite3 for the funds totals and xiezuo/sqlite3 for `list --pair`, and whether the
performance goals are met (GOALS: at 100,000 and 1,000,000 records), printed and written to
benchmarks/results.md.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/scale.py   # 1,000 to 100,000
    .venv/bin/python benchmarks/scale.py --sizes 1000 --runs 3 --no-results
    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/scale.py --include-1m --profile

Standard library only (plus xiezuo itself, to write the files); a benchmark, not a test.
Exit status: 0 done, 1 the totals or the listed records disagree, 2 it could not measure (no
console script, a generated database that does not validate, a command that failed).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from xiezuo_cli.model.periods import last_day, period_year

# The stored document's shape and the date rules come from xiezuo itself; what the totals must
# be (FLOWS, FAMILIES below) is restated here on purpose, as the peer the agreement check needs.
from xiezuo_cli.model.records import QUERY_FIELDS

# The size from which xiezuo indexes a database (children run without XIEZUO_INDEX_MIN_BYTES).
from xiezuo_cli.storage.index import DEFAULT_MIN_BYTES as INDEX_MIN_BYTES

# A stored record: the contract less the first citation's copies, plus the figure as written.
STORED_FIELDS = tuple(name for name in QUERY_FIELDS if name not in ("source", "quote", "derived"))

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
ONE_MILLION = 1_000_000
# Environment variables that would change what is measured.
DROPPED_ENV = (
    "XIEZUO_DB",
    "XIEZUO_NO_FASTPATH",
    "XIEZUO_DEBUG",
    "XIEZUO_NO_INDEX",
    "XIEZUO_MAX_DB_BYTES",
    "XIEZUO_INDEX_MIN_BYTES",
    "XDG_CACHE_HOME",
)
DEFAULT_MAX_BYTES = 256 * 1024 * 1024

FLOWS = ("财政援助", "社会帮扶", "消费帮扶", "产业合作")
FAMILIES = {"协作资金": "财政资金", "财政捐赠": "财政资金"}
KEY_FIELDS = ("pairing", "category", "measure", "level", "stage")
COMPARED = (*KEY_FIELDS, "amount_yuan", "at_least", "about", "records")


def give_up(message: str) -> NoReturn:
    print(f"scale.py: {message}", file=sys.stderr)
    sys.exit(2)


# ─── generating a database ────────────────────────────────────────────────────────────────

# Characters for generated place names, each with its pinyin (no two share a reading).
NAME_CHARS = (
    ("安", "an"), ("宁", "ning"), ("平", "ping"), ("和", "he"), ("兴", "xing"), ("福", "fu"),
    ("华", "hua"), ("清", "qing"), ("阳", "yang"), ("山", "shan"), ("泉", "quan"), ("林", "lin"),
    ("丰", "feng"), ("嘉", "jia"), ("永", "yong"), ("昌", "chang"), ("盛", "sheng"), ("新", "xin"),
    ("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("中", "zhong"), ("明", "ming"),
    ("德", "de"), ("仁", "ren"), ("义", "yi"), ("金", "jin"), ("石", "shi"), ("云", "yun"),
    ("水", "shui"), ("江", "jiang"), ("湖", "hu"), ("桥", "qiao"), ("川", "chuan"), ("源", "yuan"),
    ("岭", "ling"), ("乐", "le"), ("康", "kang"), ("泰", "tai"), ("瑞", "rui"), ("吉", "ji"),
)  # fmt: skip
SUFFIX_PINYIN = {"县": "xian", "区": "qu"}

# Generated county-level places: (parent city id, how many, suffix). Receivers under the 四川 and
# 吉林 cities and 丽水; providers under 杭州 and 湖州.
RECEIVER_CITIES = (
    ("510800", "县"),
    ("511600", "县"),
    ("513300", "县"),
    ("220100", "区"),
    ("331100", "县"),
)
PROVIDER_CITIES = (("330100", "区"), ("330500", "区"))
GENERATED_RECEIVERS_PER_CITY = 56
GENERATED_PROVIDERS_PER_CITY = 20

PROJECTS = (
    "道路硬化",
    "饮水工程",
    "产业园",
    "学校",
    "卫生院",
    "标准化厂房",
    "冷链仓储",
    "乡村振兴示范村",
    "农旅融合园区",
    "易地搬迁安置点",
    "茶园提升",
    "数字乡村平台",
)
ORGS = ("商会", "爱心企业", "慈善总会", "民营企业家协会", "红十字会", "结对单位", "侨联")
PRODUCTS = (
    "茶叶",
    "猕猴桃",
    "红心柚",
    "腊肉",
    "食用菌",
    "牦牛肉",
    "松茸",
    "蜂蜜",
    "大米",
    "核桃",
    "中药材",
)
BUYERS = ("机关食堂", "民宿协会", "国有企业", "商超", "学校食堂", "工会")
CHANNELS = ("电商平台", "消费帮扶馆", "展销中心", "直播带货", "专柜")
INDUSTRIES = ("纺织", "电子元件", "食品加工", "新能源", "文旅", "茶产业", "中药材", "家居")
PUBLISHERS = (
    "四川在线",
    "浙江日报",
    "杭州日报",
    "广元日报",
    "甘孜日报",
    "吉林日报",
    "丽水日报",
    "中新网四川",
    "县人民政府网",
    "区融媒体中心",
)
TITLES = (
    "东西部协作谱新篇",
    "山海携手共富路",
    "对口支援在路上",
    "结对帮扶结硕果",
    "协作资金到位",
    "消费帮扶助增收",
    "产业合作促振兴",
    "携手奔小康",
)
NOTES = (
    "文中未写起始月份，按结对时间推定。",
    "同一数字见于多篇报道，合为一条记录。",
    "“截至目前”即自结对至发稿。",
    "数字为文中原话，未作换算。",
)

# (category, measure) -> (weight, actors) for money flows.
FLOW_MEASURES = {
    ("财政援助", "协作资金"): (21, ("government",)),
    ("财政援助", "财政捐赠"): (7, ("government",)),
    ("财政援助", "各类帮扶资金"): (7, ("mixed", "government")),
    ("社会帮扶", "捐款捐物"): (20, ("social", "enterprise", "mixed")),
    ("消费帮扶", "采购额"): (12, ("government", "enterprise", "mixed")),
    ("消费帮扶", "帮助销售额"): (13, ("enterprise", "mixed", "unknown")),
    ("产业合作", "投资额"): (12, ("enterprise",)),
    ("产业合作", "到位资金"): (8, ("enterprise", "mixed")),
}
STAGE_WEIGHTS = (("actual", 72), ("allocated", 10), ("pledged", 8), ("planned", 6), ("forecast", 4))
# Counts: (category, measure, unit, item).
COUNTS = (
    ("劳务协作", "就业人数", "人", "帮助农村劳动力转移就业"),
    ("人才交流", "人数", "人", "选派专业技术人才"),
    ("人才交流", "干部人数", "人", "选派党政干部挂职"),
    ("携手促振兴", "结对数", "个", "村企结对"),
    ("携手促振兴", "结对数", "所", "学校结对"),
    ("产业合作", "企业数", "家", "引进落地企业"),
    ("产业合作", "面积", "亩", "共建产业园用地"),
    ("财政援助", "项目数", "个", "实施协作项目"),
    ("成效", "人数", "人", "带动脱贫人口增收"),
)
OUTCOMES = (("收入", "带动村集体经济增收"), ("税收", "项目年税收"), ("产值", "项目年产值"))
RATES = (
    ("社会帮扶", "资助标准", "元/人·年", (1200, 1500, 1800), "孤儿助学资助标准"),
    ("财政援助", "分配标准", "元/县", (50_000_000, 60_000_000), "每县财政援助资金分配标准"),
    ("产业合作", "比例", "%", (79.5, 35, 12.5), "协作资金用于产业项目的比例"),
)


def wan_text(amount: int) -> str:
    """39000000 -> 3900万元; 222000000 -> 2.22亿元; 1234500 -> 123.45万元."""
    if amount >= 10**8 and amount % 10**6 == 0:
        return f"{amount / 10**8:.2f}".rstrip("0").rstrip(".") + "亿元"
    return f"{amount / 10**4:.2f}".rstrip("0").rstrip(".") + "万元"


def figure_text(amount: int, approx: str, rng: random.Random) -> str:
    text = wan_text(amount)
    if approx == "at_least":
        number, unit = text[:-2], text[-2:]
        return rng.choice((f"{number}余{unit}", f"超{text}", f"{number}多{unit}"))
    if approx == "about":
        return rng.choice(("约", "近")) + text
    return text


def nice_amount(yuan: float) -> int:
    """A figure as an article would round it: whole 万 above 1000万, tenths of 万 above 10万."""
    wan = yuan / 10**4
    if wan >= 1000:
        step = 10**4
    elif wan >= 10:
        step = 1000
    else:
        step = 100
    return max(100, int(yuan // step) * step)


@dataclass
class Whole:
    id: str
    remaining: int
    stage: str
    category: str
    approx: str


@dataclass
class Head:
    """The latest figure of a revision chain, open to a revision."""

    id: str
    first_source: int  # index of its earliest source (sources sorted by known_by)
    value: int
    stage: str
    actor: str
    doc: dict[str, Any]


@dataclass
class Generated:
    tables: dict[str, list[dict[str, Any]]]
    receiver: str  # the short name of a receiver with exactly one pairing, for `list --pair`
    stats: dict[str, Any] = field(default_factory=dict)


class Generator:
    def __init__(self, size: int, seed: int, bundled: dict[str, Any]) -> None:
        self.size = size
        self.rng = random.Random(seed * 1_000_003 + size)
        self.bundled = bundled
        self.places: dict[str, dict[str, Any]] = {}
        self.slugs: dict[str, str] = {}
        self.pairings: list[dict[str, Any]] = []
        self.pairing_ids: set[str] = set()
        self.sources: list[dict[str, Any]] = []
        self.known_by: list[str] = []
        self.records: list[dict[str, Any]] = []
        self.wholes: dict[str, list[Whole]] = {}
        self.heads: dict[tuple[str, str, str], list[Head]] = {}
        self.stats = {"part_of": 0, "cross_level_part_of": 0, "revises": 0}

    # places and pairings

    def make_places(self) -> tuple[list[str], list[str]]:
        for raw in self.bundled["place"].values():
            place = dict(raw)
            self.places[place["id"]] = place
            ascii_keys = sorted((k for k in place["names"] if k.isascii()), key=len)
            self.slugs[place["id"]] = ascii_keys[0] if ascii_keys else place["id"]
        taken_keys = {key for place in self.places.values() for key in place["names"]}
        combos = [(a + b, pa + pb) for a, pa in NAME_CHARS for b, pb in NAME_CHARS if a != b]
        self.rng.shuffle(combos)
        used_pinyin = {slug for slug in self.slugs.values()}
        pool = iter(c for c in combos if c[0] not in taken_keys and c[1] not in taken_keys)

        def generate(parent_id: str, count: int, suffix: str) -> list[str]:
            made: list[str] = []
            parent = self.places[parent_id]
            while len(made) < count:
                short, pinyin = next(pool)
                if pinyin in used_pinyin:
                    continue
                used_pinyin.add(pinyin)
                place_id = f"{self.slugs[parent_id]}-{pinyin}"
                name = short + suffix
                full_name = parent["name"] + name
                city_short = parent["short"]
                forms = {
                    short,
                    name,
                    full_name,
                    city_short + short,
                    city_short + name,
                    pinyin,
                    pinyin + SUFFIX_PINYIN[suffix],
                }
                self.places[place_id] = {
                    "id": place_id,
                    "code": None,
                    "name": name,
                    "full_name": full_name,
                    "short": short,
                    "level": "county",
                    "parent": parent_id,
                    "names": sorted(forms),
                }
                self.slugs[place_id] = pinyin
                made.append(place_id)
            return made

        receivers = [
            p["id"]
            for p in self.bundled["place"].values()
            if p["level"] == "county" and p["id"][:2] in ("51", "22")
        ]
        receivers += ["331126", "331181"]  # 庆元, 龙泉 (丽水, 山海协作)
        providers = ["330108", "330109", "330110", "330113", "330503", "huzhou-nantaihu"]
        for city, suffix in RECEIVER_CITIES:
            receivers += generate(city, GENERATED_RECEIVERS_PER_CITY, suffix)
        for city, suffix in PROVIDER_CITIES:
            providers += generate(city, GENERATED_PROVIDERS_PER_CITY, suffix)
        return receivers, providers

    def province_of(self, place_id: str) -> str:
        place = self.places[place_id]
        while place["parent"] is not None:
            place = self.places[place["parent"]]
        return place["id"]

    def ancestors(self, place_id: str) -> list[str]:
        """The place and every place above it."""
        chain = []
        current: str | None = place_id
        while current is not None:
            chain.append(current)
            current = self.places[current]["parent"]
        return chain

    def kind(self, receiver: str) -> str:
        province = self.province_of(receiver)
        if province == "220000":
            return "对口合作"
        if province == "330000":
            return "山海协作"
        if receiver.startswith("5133") or receiver.startswith("ganzi"):
            return "对口支援"
        return "东西部协作"

    def add_pairing(self, provider: str, receiver: str, kind: str | None = None) -> None:
        pairing_id = f"{self.slugs[provider]}-{self.slugs[receiver]}"
        if pairing_id in self.pairing_ids:
            pairing_id += f"-{len(self.pairings)}"
        self.pairing_ids.add(pairing_id)
        giver, taker = self.places[provider], self.places[receiver]
        forms = set()
        for a in (giver["short"], giver["name"], self.slugs[provider]):
            for b in (taker["short"], taker["name"], self.slugs[receiver]):
                forms.add(a + b)
        forms.add(pairing_id)
        rng = self.rng
        month = f"{rng.randint(2016, 2021)}-{rng.randint(1, 12):02d}"
        since = rng.choice((None, str(rng.randint(2012, 2021)), month))
        self.pairings.append(
            {
                "id": pairing_id,
                "kind": kind or self.kind(receiver),
                "provider": provider,
                "receiver": receiver,
                "since": since,
                "source": None,  # set once the sources exist
                "note": rng.choice((None, f"{giver['short']}与{taker['short']}结对。")),
                "names": {"pair": sorted(forms)},
            }
        )

    def make_pairings(self, receivers: list[str], providers: list[str]) -> str:
        self.add_pairing("330000", "510000", "东西部协作")
        self.add_pairing("330000", "220000", "对口合作")
        for provider in ("330000", "330100", "330500", "331100"):
            for receiver in ("510800", "511600", "513300", "220100"):
                self.add_pairing(provider, receiver)
        self.add_pairing("lishui-partners", "331100", "山海协作")
        self.add_pairing("330100", "331100", "山海协作")
        once: dict[str, int] = {}
        for index, receiver in enumerate(receivers):
            self.add_pairing(providers[index % len(providers)], receiver)
            once[receiver] = 1
            if index % 10 == 3:  # one in ten receivers has a second provider
                self.add_pairing(providers[(index * 7 + 3) % len(providers)], receiver)
                once[receiver] = 2
        single = next(r for r in receivers[10:] if once[r] == 1)
        return self.places[single]["short"]

    # sources

    def make_sources(self) -> None:
        count = max(40, self.size // 250)
        rng = self.rng
        made: list[dict[str, Any]] = []
        for index in range(count):
            day = datetime.date(2017, 1, 1) + datetime.timedelta(days=rng.randint(0, 3286))
            roll = rng.random()
            cut = 10 if roll < 0.85 else 7 if roll < 0.95 else 4
            published = day.isoformat()[:cut]
            title = rng.choice(TITLES)
            made.append(
                {
                    "id": f"src-{index:05d}-{day.isoformat()[:4]}",
                    "title": None if rng.random() < 0.1 else f"{title}（之{index + 1}）",
                    "publisher": rng.choice(PUBLISHERS),
                    "author": rng.choice((None, "记者 王慧", "通讯员 李明", "张华 陈静")),
                    "published": published,
                    "published_inferred": len(published) < 10 or rng.random() < 0.1,
                    "url": None
                    if rng.random() < 0.05
                    else f"https://news.example.cn/a/{index}.html",
                    "reprint_of": rng.choice((None,) * 9 + ("新华社",)),
                    "excerpt_only": rng.random() < 0.3,
                    "text_held": False,
                    "text_file": None,
                    "note": None,
                }
            )
        made.sort(key=lambda s: (last_day(s["published"]), s["id"]))
        self.sources = made
        self.known_by = [last_day(s["published"]) for s in made]
        for pairing in self.pairings:
            if rng.random() < 0.5:
                pairing["source"] = rng.choice(made)["id"]

    def citations(self, doc: dict[str, Any], lowest: int = 0) -> tuple[list[dict[str, Any]], int]:
        """1-3 citations of distinct sources, published after the figure's period ends (where
        there are such sources) and at index ``lowest`` or later; and the index of the earliest
        (sources are sorted by the day they were surely out)."""
        rng = self.rng
        ends = doc["period_end"] or doc["period_start"]
        if ends is not None:
            after = bisect.bisect_left(self.known_by, last_day(ends))
            lowest = max(lowest, min(after, len(self.sources) - 3))
        available = len(self.sources) - lowest
        count = min(available, rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3)))
        picked = rng.sample(range(lowest, len(self.sources)), count)
        cited = []
        for position, index in enumerate(picked):
            note = None
            if position > 0 and rng.random() < 0.4:
                note = "同为此数。" + rng.choice(NOTES)
            cited.append({"source": self.sources[index]["id"], "quote": None, "note": note})
        return cited, min(picked)

    # records

    def period(self) -> tuple[str | None, str | None]:
        rng = self.rng
        year = rng.randint(2017, 2025)
        roll = rng.random()
        if roll < 0.40:
            first = rng.randint(1, 12)
            return f"{year}-{first:02d}", f"{year}-{rng.randint(first, 12):02d}"
        if roll < 0.60:
            return str(year), str(year)
        if roll < 0.85:  # multi-year (one that ends within a year is single-year after all)
            return str(year), f"{min(2025, year + rng.randint(1, 4))}-{rng.randint(1, 12):02d}"
        if roll < 0.90:
            return None, f"{year}-{rng.randint(1, 12):02d}"
        if roll < 0.95:
            return f"{year}-{rng.randint(1, 12):02d}", None
        return None, None

    def base(self, pairing: dict[str, Any], number: int) -> dict[str, Any]:
        giver = self.places[pairing["provider"]]
        taker = self.places[pairing["receiver"]]
        start, end = self.period()
        year = period_year(start, end)
        return {
            "id": f"{pairing['id']}-{number:05d}",
            "pairing": pairing["id"],
            "kind": pairing["kind"],
            "level": taker["level"],
            "provider": giver["full_name"],
            "provider_code": giver["code"],
            "receiver": taker["full_name"],
            "receiver_code": taker["code"],
            "period_start": start,
            "period_end": end,
            "year": year,
            "cumulative": bool(start or end) and year is None,
            "scope": "item",
            "part_of": None,
            "revises": None,
            "note": self.rng.choice(NOTES) if self.rng.random() < 0.2 else None,
            "derivation": None,
        }

    def finish(self, doc: dict[str, Any], citations: list[dict[str, Any]], first: int) -> None:
        doc["citations"] = citations
        doc["as_of"] = last_day(self.sources[first]["published"])
        self.records.append({name: doc[name] for name in STORED_FIELDS})

    def item(self, category: str, measure: str, town: str) -> str:
        rng = self.rng
        if category == "财政援助":
            if measure == "财政捐赠":
                return "区财政捐赠资金"
            if measure == "各类帮扶资金":
                return "对口支援资金与社会力量资金等各类资金投入"
            return rng.choice(
                (
                    f"{town}镇{rng.choice(PROJECTS)}项目",
                    "东西部协作专项资金",
                    f"援建{rng.choice(PROJECTS)}",
                )
            )
        if category == "社会帮扶":
            return rng.choice(
                (f"{rng.choice(ORGS)}捐款", f"{rng.choice(ORGS)}捐赠物资", f"{town}镇结对帮扶资金")
            )
        if category == "消费帮扶":
            if measure == "采购额":
                return f"{rng.choice(BUYERS)}采购{rng.choice(PRODUCTS)}"
            return f"通过{rng.choice(CHANNELS)}销售{rng.choice(PRODUCTS)}"
        if measure == "投资额":
            return f"引进企业投资{rng.choice(INDUSTRIES)}项目"
        return f"{rng.choice(INDUSTRIES)}项目到位资金"

    def flow(self, pairing: dict[str, Any], number: int, ancestors: list[str]) -> None:
        rng = self.rng
        doc = self.base(pairing, number)
        (category, measure), (_, actors) = rng.choices(
            list(FLOW_MEASURES.items()), weights=[w for w, _ in FLOW_MEASURES.values()]
        )[0]
        stage = rng.choices([s for s, _ in STAGE_WEIGHTS], [w for _, w in STAGE_WEIGHTS])[0]
        approx = rng.choices(("exact", "at_least", "about"), (80, 12, 8))[0]
        town = self.places[pairing["receiver"]]["short"]
        scale = {"province": 20, "city": 5, "county": 1}[doc["level"]]
        heads = self.heads.setdefault((pairing["id"], category, measure), [])
        lowest = 0
        roll = rng.random()
        if heads and roll < 0.10:  # a new value for an earlier figure
            head = heads.pop(rng.randrange(len(heads)))
            amount = nice_amount(head.value * rng.uniform(0.8, 1.6))
            stage = head.stage if rng.random() < 0.9 else "actual"
            doc["revises"] = head.id
            doc["item"] = head.doc["item"]
            lowest = head.first_source
            actor = head.actor
            self.stats["revises"] += 1
        else:
            actor = rng.choice(actors)
            doc["item"] = self.item(category, measure, town)
            whole = self.pick_whole(pairing["id"], ancestors) if roll < 0.45 else None
            if whole is not None:
                amount = nice_amount(whole.remaining * rng.uniform(0.02, 0.35))
                if amount > whole.remaining:
                    amount = whole.remaining
                whole.remaining -= amount
                doc["part_of"] = whole.id
                if rng.random() < 0.85:
                    stage = whole.stage
                if rng.random() < 0.8 and whole.category in FLOWS:
                    category = whole.category
                    measure = rng.choice([m for c, m in FLOW_MEASURES if c == category])
                    doc["item"] = self.item(category, measure, town)
                self.stats["part_of"] += 1
                if not whole.id.startswith(pairing["id"] + "-"):
                    self.stats["cross_level_part_of"] += 1
            else:
                amount = nice_amount(scale * 10 ** rng.uniform(4, 8.7))
        doc.update(
            category=category,
            measure=measure,
            value=amount,
            unit="元",
            amount_yuan=amount,
            approx=approx,
            stage=stage,
            actor=actor,
            figure=figure_text(amount, approx, rng),
        )
        citations, first = self.citations(doc, lowest)
        self.finish(doc, citations, first)
        self.heads.setdefault((pairing["id"], category, measure), []).append(
            Head(doc["id"], first, amount, stage, actor, doc)
        )
        if rng.random() < 0.3 and amount >= 20_000:
            capacity = amount if approx != "at_least" else amount * 13 // 10
            self.wholes.setdefault(pairing["id"], []).append(
                Whole(doc["id"], capacity, stage, category, approx)
            )

    def pick_whole(self, pairing_id: str, ancestors: list[str]) -> Whole | None:
        rng = self.rng
        for _ in range(3):
            owner = pairing_id if not ancestors or rng.random() < 0.8 else rng.choice(ancestors)
            candidates = self.wholes.get(owner)
            if not candidates:
                continue
            index = rng.randrange(max(0, len(candidates) - 50), len(candidates))
            whole = candidates[index]
            if whole.remaining < 20_000:
                candidates.pop(index)
                continue
            return whole
        return None

    def other(self, pairing: dict[str, Any], number: int, roll: float) -> None:
        """A record that is not a money flow: an outcome, a rate, a foreign amount, a count."""
        rng = self.rng
        doc = self.base(pairing, number)
        approx = rng.choices(("exact", "at_least", "about"), (85, 10, 5))[0]
        if roll < 0.15:  # 成效 money: an outcome, never totalled
            measure, item = rng.choice(OUTCOMES)
            amount = nice_amount(10 ** rng.uniform(4, 8))
            doc.update(
                category="成效",
                measure=measure,
                item=item,
                value=amount,
                unit="元",
                amount_yuan=amount,
                stage=rng.choice(("actual", "forecast")),
                actor="unknown",
                figure=figure_text(amount, approx, rng),
            )
        elif roll < 0.22:  # a rate: no amount_yuan
            category, measure, unit, values, item = rng.choice(RATES)
            value = rng.choice(values)
            approx = "exact"
            shown = f"{value:g}%" if unit == "%" else f"{value}{unit}"
            doc.update(
                category=category,
                measure=measure,
                item=item,
                value=value,
                unit=unit,
                amount_yuan=None,
                stage="allocated" if unit == "元/县" else "actual",
                actor="government",
                figure=shown,
            )
        elif roll < 0.25:  # another currency: kept as written, never converted
            value = rng.choice((2_000_000, 6_000_000, 15_000_000))
            doc.update(
                category="产业合作",
                measure="投资额",
                item="外资企业投资（美元）",
                value=value,
                unit="美元",
                amount_yuan=None,
                stage="pledged",
                actor="enterprise",
                figure=f"{value // 10**4}万美元",
            )
        else:
            category, measure, unit, item = rng.choice(COUNTS)
            value = rng.randint(1, 3000)
            stage = rng.choices(("actual", "planned"), (9, 1))[0]
            doc.update(
                category=category,
                measure=measure,
                item=item,
                value=value,
                unit=unit,
                amount_yuan=None,
                stage=stage,
                actor=rng.choice(("government", "mixed")),
                figure=f"{value}{'余' if approx == 'at_least' else ''}{unit}",
            )
        doc["approx"] = approx
        citations, first = self.citations(doc)
        self.finish(doc, citations, first)

    def make_records(self) -> None:
        rng = self.rng
        order = {"province": 0, "city": 1, "county": 2}
        ranked = sorted(self.pairings, key=lambda p: order[self.places[p["receiver"]]["level"]])
        weights = []
        for pairing in ranked:
            level = self.places[pairing["receiver"]]["level"]
            weights.append(rng.uniform(0.5, 1.5) * {"province": 4, "city": 2, "county": 1}[level])
        total = sum(weights)
        counts = [int(self.size * w / total) for w in weights]
        for index in range(self.size - sum(counts)):
            counts[index % len(counts)] += 1
        above: dict[str, list[str]] = {}
        for pairing in ranked:
            provider_up = set(self.ancestors(pairing["provider"]))
            receiver_up = set(self.ancestors(pairing["receiver"]))
            above[pairing["id"]] = [
                other["id"]
                for other in ranked
                if other["id"] != pairing["id"]
                and other["provider"] in provider_up
                and other["receiver"] in receiver_up
            ]
        for pairing, count in zip(ranked, counts, strict=True):
            for number in range(1, count + 1):
                roll = rng.random()
                if roll < 0.64:
                    self.flow(pairing, number, above[pairing["id"]])
                else:
                    self.other(pairing, number, (roll - 0.64) / 0.36)

    def meta(self) -> list[dict[str, Any]]:
        pinyin = dict(self.bundled["meta"]["1"].get("pinyin", {}))
        for char, reading in NAME_CHARS:
            pinyin.setdefault(char, reading.rstrip("2"))
        return [{"schema_version": 2, "pinyin": pinyin}]

    def run(self) -> Generated:
        receivers, providers = self.make_places()
        receiver = self.make_pairings(receivers, providers)
        self.make_sources()
        self.make_records()
        self.rng.shuffle(self.records)  # the loader sorts by id; the file need not
        levels: dict[str, int] = {}
        for pairing in self.pairings:
            level = self.places[pairing["receiver"]]["level"]
            levels[level] = levels.get(level, 0) + 1
        tables = {
            "meta": self.meta(),
            "place": list(self.places.values()),
            "pairing": self.pairings,
            "source": self.sources,
            "record": self.records,
        }
        stats = {
            **self.stats,
            "places": len(self.places),
            "pairings": len(self.pairings),
            "pairing_levels": levels,
            "sources": len(self.sources),
            "records": len(self.records),
            "money": sum(1 for r in self.records if r["amount_yuan"] is not None),
        }
        return Generated(tables, receiver, stats)


def bundled_tables() -> dict[str, Any]:
    from xiezuo_cli.storage import dataset

    with open(dataset.bundled_path(), encoding="utf-8") as file:
        return json.load(file)


def write_database(path: Path, size: int, seed: int) -> Generated:
    from xiezuo_cli.storage import store

    generated = Generator(size, seed, bundled_tables()).run()
    # The writer refuses a file over xiezuo's size limit (256 MiB unless XIEZUO_MAX_DB_BYTES says
    # otherwise), as the reader would; 1,000,000 records make about 0.9 GB. Readers are then run
    # with a limit to match (see measure_size).
    saved = os.environ.get("XIEZUO_MAX_DB_BYTES")
    os.environ["XIEZUO_MAX_DB_BYTES"] = str(64 * 2**30)
    try:
        store.write_tables(path, generated.tables)
    finally:
        if saved is None:
            del os.environ["XIEZUO_MAX_DB_BYTES"]
        else:
            os.environ["XIEZUO_MAX_DB_BYTES"] = saved
    generated.tables = {}  # let the memory go before the timed runs
    return generated


# ─── the programs that compute the totals ─────────────────────────────────────────────────

# The funds rules over the raw TinyDB file: money records of the four flow categories at the
# actual stage that no record revises; skipped when a whole up the part_of chain (a revised whole
# standing for its latest revision) is itself such a record; grouped by pairing, category,
# measure family, level and stage.
JQ_PROGRAM = r"""
def family: if .measure == "协作资金" or .measure == "财政捐赠" then "财政资金" else .measure end;
[.record[]] as $all
| (reduce ($all[] | select(.revises != null)) as $r ({}; .[$r.revises] = $r.id)) as $revised
| (reduce $all[] as $r ({}; .[$r.id] = $r)) as $by
| def latest: if $revised[.] != null then $revised[.] | latest else . end;
  [ $all[]
    | select(.amount_yuan != null
        and (.category == "财政援助" or .category == "社会帮扶"
             or .category == "消费帮扶" or .category == "产业合作")
        and .stage == "actual"
        and $revised[.id] == null) ] as $candidates
| (reduce $candidates[] as $r ({}; .[$r.id] = true)) as $counted
| def held:
    if .part_of == null then false
    elif $counted[.part_of | latest] then true
    else ($by[.part_of] | if . == null then false else held end)
    end;
  (["pairing", "category", "measure", "level", "stage", "amount_yuan", "at_least", "about",
    "records"] | @csv),
  ( [ $candidates[] | select(held | not) ]
    | group_by([.pairing, .category, family, .level, .stage])[]
    | [ .[0].pairing, .[0].category, (.[0] | family), .[0].level, .[0].stage,
        (map(.amount_yuan) | add), any(.[]; .approx == "at_least"),
        any(.[]; .approx == "about"), length ]
    | @csv )
"""

SQL = (
    "SELECT pairing, category, measure, level, stage, SUM(amount_yuan) AS amount_yuan, "
    "MAX(at_least) AS at_least, MAX(about) AS about, SUM(records) AS records "
    "FROM fund_totals GROUP BY pairing, category, measure, level, stage"
)


def list_sql(pairings: list[str]) -> str:
    """The export's records of these pairings (`list --pair` prints one receiver's), in the
    columns `xiezuo export --csv` prints."""
    quoted = ", ".join("'" + pairing.replace("'", "''") + "'" for pairing in pairings)
    where = f"= {quoted}" if len(pairings) == 1 else f"IN ({quoted})"
    return f"SELECT * FROM contract_records WHERE pairing {where}"


# When there is no sqlite3 command: the same query through Python's sqlite3 module, in a process
# of its own (so its time and memory are measured like the others').
SQL_BY_PYTHON = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
cursor = connection.execute(sys.argv[2])
writer = csv.writer(sys.stdout, lineterminator="\\n")
writer.writerow([d[0] for d in cursor.description])
writer.writerows(cursor)
"""


# ─── running and timing ───────────────────────────────────────────────────────────────────


@dataclass
class Command:
    label: str
    argv: list[str]
    tool: str  # xiezuo, jq or sqlite3
    cache: str | None = None  # cold or warm, for xiezuo
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    checksum: int | None = None  # of the untimed first run's output
    misses: int = 0  # warm runs that found no valid cache entry

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return statistics.median(self.peak_kib) / 1024


def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (-f %M -o FILE), else None."""
    path = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if path is None:
        return None
    with tempfile.NamedTemporaryFile("r") as report:
        try:
            done = subprocess.run(
                [path, "-f", "%M", "-o", report.name, "true"], capture_output=True, check=False
            )
        except OSError:
            return None
        text = report.read().strip()
    return path if done.returncode == 0 and text.isdigit() else None


TIME = gnu_time()


def run(argv: list[str], env: dict[str, str], out: Path) -> tuple[float, int, int]:
    """Run one process with stdout into ``out``: (seconds, peak RSS in KiB, exit status).

    Peak memory: with GNU time, its report of the command's maximum resident set size (%M).
    Without it, os.wait4's rusage of the child; on Linux that also counts this script's own
    resident size at the fork (exec keeps the higher mark), so small programs look bigger.
    """
    report = out.with_suffix(".rss")
    wrapped = [TIME, "-f", "%M", "-o", str(report), *argv] if TIME else argv
    with open(out, "wb") as stdout, open(out.with_suffix(".err"), "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=stdout, stderr=stderr, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if TIME:
        lines = report.read_text("utf-8", "replace").split()
        peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    else:
        peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return elapsed, peak, process.returncode


def run_checked(command: Command, env: dict[str, str], out: Path) -> tuple[float, int]:
    elapsed, peak, status = run(command.argv, env, out)
    if status != 0:
        error = out.with_suffix(".err").read_text("utf-8", "replace").strip()
        give_up(f"`{command.label}` exited with status {status}\n{error[-2000:]}")
    return elapsed, peak


def base_env(pycache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["NO_COLOR"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def find_console_script() -> Path:
    script = Path(sys.executable).parent / "xiezuo"
    if not script.is_file():
        give_up(
            f"no `xiezuo` console script next to {sys.executable}\n"
            "Run this with the Python of the environment where xiezuo is installed, e.g.\n"
            "    .venv/bin/python benchmarks/scale.py"
        )
    return script


# ─── comparing the totals ─────────────────────────────────────────────────────────────────


def parse_totals(text: str, label: str) -> set[tuple[str, ...]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    flags = {"true": "1", "false": "0", "1": "1", "0": "0"}
    totals = set()
    for row in rows:
        missing = [name for name in COMPARED if name not in row]
        if missing:
            raise ValueError(f"{label}: no column {missing[0]!r} in {list(row)}")
        amount = row["amount_yuan"]
        amount = str(int(float(amount))) if "e" in amount.lower() or "." in amount else amount
        totals.add(
            (
                *(row[name] for name in KEY_FIELDS),
                amount,
                flags.get(row["at_least"], row["at_least"]),
                flags.get(row["about"], row["about"]),
                row["records"],
            )
        )
    if len(totals) != len(rows):
        raise ValueError(f"{label}: {len(rows)} rows but {len(totals)} distinct ones")
    return totals


def compare(outputs: dict[str, str]) -> int:
    """The rows every program gave, or exit 1 loudly with the first differences."""
    parsed = {label: parse_totals(text, label) for label, text in outputs.items()}
    (first_label, first), *others = parsed.items()
    failed = False
    for label, rows in others:
        if rows == first:
            continue
        failed = True
        print(f"\nMISMATCH: {first_label} and {label} give different totals", file=sys.stderr)
        print(f"  columns: {', '.join(COMPARED)}", file=sys.stderr)
        for name, only in ((first_label, first - rows), (label, rows - first)):
            print(f"  only in {name} ({len(only)} rows):", file=sys.stderr)
            for row in sorted(only)[:10]:
                print("    " + ",".join(row), file=sys.stderr)
    if failed:
        print("\nscale.py: the totals disagree; nothing was timed", file=sys.stderr)
        sys.exit(1)
    return len(first)


def listed_ids(text: str, label: str) -> set[str]:
    """The record ids a CSV of records holds (column ``id``), each once."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and "id" not in rows[0]:
        raise ValueError(f"{label}: no column 'id' in {list(rows[0])}")
    ids = {row["id"] for row in rows}
    if len(ids) != len(rows):
        raise ValueError(f"{label}: {len(rows)} rows but {len(ids)} distinct ids")
    return ids


def compare_listed(listed: dict[str, str], peer_label: str, peer_text: str) -> int:
    """How many records every `list --pair` run and the sqlite3 peer printed, or exit 1 loudly
    with the first ids only one side has."""
    peer = listed_ids(peer_text, peer_label)
    failed = False
    for label, text in listed.items():
        ids = listed_ids(text, label)
        if ids == peer:
            continue
        failed = True
        print(f"\nMISMATCH: `{label}` and {peer_label} list different records", file=sys.stderr)
        for name, only in ((label, ids - peer), (peer_label, peer - ids)):
            print(f"  only in {name} ({len(only)} ids):", file=sys.stderr)
            for record_id in sorted(only)[:10]:
                print("    " + record_id, file=sys.stderr)
    if failed:
        print("\nscale.py: the listed records disagree; nothing was timed", file=sys.stderr)
        sys.exit(1)
    return len(peer)


# ─── one size ─────────────────────────────────────────────────────────────────────────────


@dataclass
class SizeResult:
    size: int
    stats: dict[str, Any]
    file_bytes: int
    sqlite_bytes: int
    export_s: float
    generate_s: float
    receiver: str
    rows: int
    listed: int  # records `list --pair` printed (and sqlite3's contract_records gave)
    reasons: dict[str, int]
    commands: list[Command]
    notes: list[str]

    def command(self, tool: str, cache: str | None = None, label: str = "") -> Command | None:
        for command in self.commands:
            if command.tool == tool and command.cache == cache and label in command.label:
                return command
        return None


def decision_counts(sqlite_file: Path) -> dict[str, int]:
    import sqlite3

    connection = sqlite3.connect(sqlite_file)
    try:
        rows = connection.execute(
            "SELECT reason, COUNT(*) FROM fund_decisions GROUP BY reason ORDER BY 2 DESC"
        ).fetchall()
        # The harder cases of the part_of rule, so the agreement check is seen to cover them.
        rows += connection.execute(
            "SELECT 'held_up', "
            "COUNT(*) FROM fund_decisions AS d JOIN records AS r ON r.id = d.id "
            "WHERE d.reason = 'part_of' AND d.part_of <> r.part_of"
        ).fetchall()
        rows += connection.execute(
            "SELECT 'summed_part', COUNT(*) "
            "FROM fund_decisions AS d JOIN records AS r ON r.id = d.id "
            "WHERE d.reason = 'summed' AND r.part_of IS NOT NULL"
        ).fetchall()
    finally:
        connection.close()
    return dict(rows)


def measure_size(
    size: int, args: argparse.Namespace, xiezuo: Path, workdir: Path, pycache: str
) -> SizeResult:
    progress = sys.stderr.isatty()

    def say(text: str) -> None:
        print(f"[{size:,}] {text}", file=sys.stderr, flush=True)

    folder = workdir / f"size-{size}"
    folder.mkdir()
    db = folder / f"scale-{size}.json"
    say("generating")
    start = time.perf_counter()
    generated = write_database(db, size, args.seed)
    generate_s = time.perf_counter() - start
    file_bytes = db.stat().st_size
    env = base_env(pycache)
    notes = []
    if file_bytes > DEFAULT_MAX_BYTES:
        env["XIEZUO_MAX_DB_BYTES"] = str(file_bytes * 2)
        notes.append(
            f"The file is {file_bytes / 2**20:,.0f} MiB, over xiezuo's default 256 MiB limit: "
            "run with XIEZUO_MAX_DB_BYTES set to twice its size."
        )
    x = str(xiezuo)
    out = folder / "out"
    out.mkdir()

    say(f"checking with `xiezuo validate --db` ({file_bytes / 2**20:,.1f} MiB)")
    check = Command("validate (check)", [x, "validate", "--db", str(db)], "xiezuo")
    run_checked(check, {**env, "XIEZUO_NO_INDEX": "1"}, out / "check.txt")

    say("exporting to SQLite")
    sqlite_file = folder / f"scale-{size}.sqlite"
    export = Command(
        "export",
        [x, "export", "--db", str(db), "--format", "sqlite", "-o", str(sqlite_file)],
        "xiezuo",
    )
    export_s, _ = run_checked(export, {**env, "XIEZUO_NO_INDEX": "1"}, out / "export.txt")
    reasons = decision_counts(sqlite_file)

    commands = []
    for cache in ("cold", "warm"):
        commands += [
            Command(
                f"funds --by pairing --csv ({cache})",
                [x, "funds", "--db", str(db), "--by", "pairing", "--csv"],
                "xiezuo",
                cache,
            ),
            Command(
                f"list --pair {generated.receiver} --csv ({cache})",
                [x, "list", "--db", str(db), "--pair", generated.receiver, "--csv"],
                "xiezuo",
                cache,
            ),
            Command(f"validate ({cache})", [x, "validate", "--db", str(db)], "xiezuo", cache),
        ]
    if shutil.which("jq") and not args.no_jq:
        program = folder / "funds.jq"
        program.write_text(JQ_PROGRAM, "utf-8")
        commands.append(
            Command("jq (funds totals)", ["jq", "-r", "-f", str(program), str(db)], "jq")
        )
    else:
        notes.append("jq is not on PATH (or --no-jq): no jq columns.")
    sqlite3_cli = shutil.which("sqlite3")

    def sql_command(label: str, sql: str) -> Command:
        if sqlite3_cli:
            argv = [sqlite3_cli, "-csv", "-header", str(sqlite_file), sql]
            return Command(f"sqlite3 ({label})", argv, "sqlite3")
        argv = [sys.executable, "-c", SQL_BY_PYTHON, str(sqlite_file), sql]
        return Command(f"python sqlite3 ({label})", argv, "sqlite3")

    commands.append(sql_command("fund_totals", SQL))
    if not sqlite3_cli:
        notes.append("No sqlite3 command on PATH: the queries ran through Python's sqlite3 module.")

    caches = folder / "caches"
    caches.mkdir()
    warm = caches / "warm"
    warm.mkdir()

    def env_for(command: Command) -> tuple[dict[str, str], Path | None]:
        if command.cache == "warm":
            return {**env, "XDG_CACHE_HOME": str(warm)}, None
        # cold, and the others (which ignore it): a fresh, empty cache folder
        fresh = Path(tempfile.mkdtemp(prefix="cold-", dir=caches))
        return {**env, "XDG_CACHE_HOME": str(fresh)}, fresh

    # Untimed first round: fills the bytecode cache, the warm cache folder and the OS file cache,
    # and gives the outputs that are compared and that every timed run must repeat.
    say("first (untimed) round")
    outputs: dict[str, str] = {}
    for command in commands:
        command_env, fresh = env_for(command)
        target = out / f"{len(outputs)}.txt"
        run_checked(command, command_env, target)
        data = target.read_bytes()
        command.checksum = zlib.crc32(data)
        outputs[command.label] = data.decode("utf-8")
        if fresh is not None:
            shutil.rmtree(fresh)
    totals = {
        c.label: outputs[c.label]
        for c in commands
        if c.label.startswith("funds") or c.tool in ("jq", "sqlite3")
    }
    rows = compare(totals)
    say(f"the totals agree: {rows:,} rows from {', '.join(totals)}")

    # The sqlite3 peer of `list --pair`: the export's records of the pairing xiezuo listed,
    # checked like the totals, then timed in the rounds with the others.
    listed = {c.label: outputs[c.label] for c in commands if c.label.startswith("list --pair")}
    pairings = sorted(
        {row["pairing"] for text in listed.values() for row in csv.DictReader(io.StringIO(text))}
    )
    if not pairings:
        give_up(f"`list --pair {generated.receiver}` printed no records: nothing to compare")
    peer = sql_command("contract_records", list_sql(pairings))
    peer_env, fresh = env_for(peer)
    target = out / "list-peer.txt"
    run_checked(peer, peer_env, target)
    data = target.read_bytes()
    peer.checksum = zlib.crc32(data)
    if fresh is not None:
        shutil.rmtree(fresh)
    listed_count = compare_listed(listed, peer.label, data.decode("utf-8"))
    commands.append(peer)
    say(
        f"the listed records agree: {listed_count:,} records of {', '.join(pairings)} from "
        f"{', '.join(listed)} and {peer.label}"
    )

    def entries() -> list[tuple[str, int, int]]:
        """The warm cache folder's entries (marshal snapshots of small files, SQLite indexes of
        large ones): a warm run that rewrites one was a miss (the database or the modules that
        decide validity changed: someone edited src/ during the run)."""
        found = []
        for entry in sorted([*warm.rglob("*.marshal"), *warm.rglob("*.sqlite")]):
            status = entry.stat()
            found.append((entry.name, status.st_mtime_ns, status.st_size))
        return found

    stamp = entries()
    for round_no in range(args.runs):
        for command in commands:
            command_env, fresh = env_for(command)
            target = out / "run.txt"
            elapsed, peak = run_checked(command, command_env, target)
            if command.cache == "warm" and entries() != stamp:
                command.misses += 1
                stamp = entries()
            if zlib.crc32(target.read_bytes()) != command.checksum:
                print(
                    f"scale.py: `{command.label}` printed something else in round {round_no + 1}"
                    f" than in the first round (see {target})",
                    file=sys.stderr,
                )
                sys.exit(1)
            command.seconds.append(elapsed)
            command.peak_kib.append(peak)
            if fresh is not None:
                shutil.rmtree(fresh)
        if progress:
            say(f"round {round_no + 1}/{args.runs}")

    for command in commands:
        if command.misses:
            notes.append(
                f"**{command.misses} of the {args.runs} warm runs of `{command.label}` missed the "
                "snapshot or index** (xiezuo's validating modules changed during the run): rerun."
            )
    result = SizeResult(
        size=size,
        stats=generated.stats,
        file_bytes=file_bytes,
        sqlite_bytes=sqlite_file.stat().st_size,
        export_s=export_s,
        generate_s=generate_s,
        receiver=generated.receiver,
        rows=rows,
        listed=listed_count,
        reasons=reasons,
        commands=commands,
        notes=notes,
    )
    if args.profile and size == max(args.sizes):
        found = profile(db, generated.receiver, env, folder, size)
        print(found, flush=True)
        result.notes.append(found)
    if not args.keep:
        shutil.rmtree(folder)
    return result


# ─── where the time goes ──────────────────────────────────────────────────────────────────

# Run three times, each in a fresh process, so that every step sees the heap it has in a real
# run (the cyclic garbage collector's passes cost in proportion to the objects alive): "cold"
# does what a cold `funds` on a large file does, step by step (look for the index and miss,
# read, parse, validate, write the index, answer from memory); "warm" what a warm one does (find
# the index and open it, answer from it); "compare" the cold steps with the collector off,
# json.loads without hooks, and the value objects made alone.
PROFILE_CODE = r"""
import gc, io, json, os, sys, time
t = time.perf_counter
t0 = t()
from xiezuo_cli.cli import entry
from xiezuo_cli.present import emit
from xiezuo_cli.query import funds
from xiezuo_cli.storage import dataset, index, rawfile, store, validate
from xiezuo_cli.model.records import Citation, Record
imports = t() - t0
mode, path, receiver, cache_dir = sys.argv[1:5]
os.environ["XDG_CACHE_HOME"] = cache_dir
steps, spent = {}, {}

def timed(name, fn, *a):
    start = t()
    value = fn(*a)
    steps[name] = t() - start
    return value

def wrap(module, names):
    for name in names:
        original = getattr(module, name, None)
        if original is None:
            continue
        def wrapper(*a, _f=original, _n=name, **k):
            start = t()
            try:
                return _f(*a, **k)
            finally:
                spent[_n] = spent.get(_n, 0.0) + t() - start
        setattr(module, name, wrapper)

def run_commands(ds):
    dataset.load = lambda _path, **_k: ds
    wrap(funds, ("decide_all", "totals", "select"))
    wrap(emit, ("write_rows",))
    after = {}
    for label, argv in (("funds --by pairing --csv", ["funds", "--by", "pairing", "--csv"]),
                        ("list --pair R --csv", ["list", "--pair", receiver, "--csv"]),
                        ("validate", ["validate"])):
        spent.clear()
        sys.argv = ["xiezuo", *argv, "--db", path]
        saved, sink = sys.stdout, io.StringIO()
        sys.stdout = sink
        start = t()
        entry.main()
        sys.stdout = saved
        after[label] = [t() - start, len(sink.getvalue().encode()), dict(spent)]
    return after

result = {"imports": imports, "indexed": os.stat(path).st_size >= index.min_bytes()}
if mode in ("cold", "warm"):
    # What dataset.load does first with a large file: its fingerprint, read in pieces, finds
    # the index (none yet when cold: a miss).
    fingerprint = timed("fingerprint_file", rawfile.fingerprint_file, path)
    opened = timed("index_open", index.open_index, path)
if mode == "cold":
    assert opened is None, "an index was there before the cold run"
    before = os.stat(path)  # as dataset.load takes it, so the warm run finds the index by it
    data = timed("read", rawfile.read_checked, path)
    timed("checksums", rawfile.fingerprint, data)
    tables = timed("parse", store.read_tables, path, data)
    wrap(validate, ("_place", "_source", "_pairing", "_fast_record", "_record", "_unique",
                    "_check_part_of",
                    "_check_revisions", "_check_running_totals"))
    places, pairings, sources, records, pinyin = timed("build", validate.build, path, tables)
    result["build_parts"] = dict(spent)
    spent.clear()
    del tables
    loaded = {"places": places, "pairings": pairings, "sources": sources, "records": records,
              "pinyin": pinyin}
    timed("index_write", index.write, path, data, loaded, None, before)
    assert os.path.isfile(index.entry_path(path)), "index.write wrote no index"
    del data
    # As dataset._load does on a miss: the command answers from what loading gave.
    result["after"] = run_commands(dataset.Dataset(path=path, **loaded))
elif mode == "warm":
    assert opened is not None, "no index to open (the cold run writes it)"
    result["after"] = run_commands(dataset.Dataset(
        path=path, records=dataset.IndexedRecords(opened), index=opened, **opened.parts))
else:
    data = rawfile.read_checked(path)
    position = Record._fields.index("citations")
    parts = validate.build(path, store.read_tables(path, data))
    frozen = [(*r[:position], [tuple(c) for c in r.citations], *r[position + 1:])
              for r in parts[3]]
    del parts
    gc.collect()
    def make():
        return [Record._make((*f[:position], tuple(Citation._make(c) for c in f[position]),
                              *f[position + 1:])) for f in frozen]
    timed("objects", make)
    gc.collect()
    gc.disable()
    timed("objects_nogc", make)
    del frozen
    tables = timed("parse_nogc", store.read_tables, path, data)
    timed("build_nogc", validate.build, path, tables)
    del tables
    gc.enable()
    gc.collect()
    timed("json_loads", json.loads, data)
result["steps"] = steps
result["inside"] = t() - t0
print(json.dumps(result))
sys.stdout.flush()
"""

STEP_NAMES = {
    "fingerprint_file": "find the index: the file's fingerprint read in pieces "
    "(`rawfile.fingerprint_file`)",
    "index_open": "open the index and check its key (`index.open_index`)",
    "read": "read the bytes (`rawfile.read_checked`)",
    "checksums": "checksums for the index key (CRC-32 + Adler-32, `rawfile.fingerprint`; "
    "`index.write` computes them again, so they are not added to the sum below)",
    "parse": "parse: strict JSON with its hooks, TinyDB tables (`store.read_tables`)",
    "build": "validate and make the value objects (`validate.build`)",
    "index_write": "write the index (SQLite, `index.write`)",
}
PARTS = {
    "_fast_record": "per-record checks in one pass + Record objects (`_fast_record`)",
    "_record": "field-by-field checks of records the one pass did not accept (`_record`)",
    "_place": "places (`_place`)",
    "_source": "sources (`_source`)",
    "_pairing": "pairings (`_pairing`)",
    "_unique": "unique ids (`_unique`)",
    "_check_part_of": "part_of rules (`_check_part_of`)",
    "_check_revisions": "revises rules (`_check_revisions`)",
    "_check_running_totals": "running totals (`_check_running_totals`)",
    "select": "`query.filters.select`",
    "decide_all": "`funds.decide_all`",
    "totals": "`funds.totals`",
    "write_rows": "CSV output (`write_rows`)",
}


def profile(db: Path, receiver: str, env: dict[str, str], folder: Path, size: int) -> str:
    """Where a run's time goes (see PROFILE_CODE), as Markdown."""
    print(f"[profile] timing the steps of loading {db.name}", file=sys.stderr, flush=True)
    cache_dir = folder / "profile-cache"
    cache_dir.mkdir()
    found = {}
    for mode in ("cold", "warm", "compare"):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROFILE_CODE, mode, str(db), receiver, str(cache_dir)],
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            return f"Profile failed ({mode}): {done.stderr.strip()[-800:]}"
        found[mode] = json.loads(done.stdout.strip().splitlines()[-1])
        # What the process took beyond the code timed inside it: Python's start-up, and at
        # exit freeing every object (the interpreter's teardown).
        found[mode]["outside"] = wall - found[mode]["inside"]
    cold, warm, compare = found["cold"], found["warm"], found["compare"]["steps"]

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:,.0f} ms"

    def nogc(name: str) -> str:
        return ms(compare[name]) if name in compare else ""

    def indented(parts: dict[str, float]) -> list[str]:
        return [
            f"| &nbsp;&nbsp;{PARTS.get(name, name)} | {ms(seconds)} | |"
            for name, seconds in sorted(parts.items(), key=lambda item: -item[1])
        ]

    def both(name: str) -> str:
        return f"{ms(cold['steps'][name])} / {ms(warm['steps'][name])}"

    lines = [
        f"### Where the time goes at {size:,} records",
        "",
        "`--profile`: the steps of a cold and of a warm `funds --by pairing --csv` on a file "
        "with an index, each timed on its own in a process that does just that run's work, then "
        "the command on the loaded data: cold, from memory after writing the index, as "
        "`dataset.load` does on a miss; warm, from the index. The middle column has Python's "
        "cyclic garbage collector on; the last column, from a third process, has it off "
        "(`gc.disable()`), as `dataset.load` and `store.transaction` really run the loading "
        "(heap.py): that column is the one to set beside the measured medians.",
        "",
        "| step | time | with gc off |",
        "| --- | ---: | ---: |",
        "| import xiezuo's modules (Python start-up not included): cold run / warm run | "
        f"{ms(cold['imports'])} / {ms(warm['imports'])} | |",
        f"| {STEP_NAMES['fingerprint_file']}: cold run / warm run | {both('fingerprint_file')} | |",
        f"| {STEP_NAMES['index_open']}: cold run (a miss: no index yet) / warm run | "
        f"{both('index_open')} | |",
        f"| **cold:** {STEP_NAMES['read']} | {ms(cold['steps']['read'])} | |",
        f"| **cold:** {STEP_NAMES['checksums']} | {ms(cold['steps']['checksums'])} | |",
        f"| **cold:** {STEP_NAMES['parse']} | {ms(cold['steps']['parse'])} | "
        f"{nogc('parse_nogc')} |",
        f"| **cold:** {STEP_NAMES['build']} | {ms(cold['steps']['build'])} | "
        f"{nogc('build_nogc')} |",
        *indented(cold["build_parts"]),
        "| &nbsp;&nbsp;(making the Record and Citation tuples alone, from plain tuples, "
        f"measured apart) | {nogc('objects')} | {nogc('objects_nogc')} |",
        f"| **cold:** {STEP_NAMES['index_write']} | {ms(cold['steps']['index_write'])} | |",
    ]
    for label, (seconds, size_out, parts) in cold["after"].items():
        warm_seconds = warm["after"][label][0]
        lines.append(
            f"| `{label}` on the loaded data ({size_out:,} bytes out): cold run (in memory) / "
            f"warm run (from the index) | {ms(seconds)} / {ms(warm_seconds)} | |"
        )
        if label.startswith("funds"):
            lines += indented(parts)
    lines.append(
        "| Python's start-up, and its exit freeing the heap: cold run / warm run | "
        f"{ms(cold['outside'])} / {ms(warm['outside'])} | |"
    )
    lines.append(
        f"| for comparison: `json.loads` of the same bytes, no hooks | {nogc('json_loads')} | |"
    )
    funds_label = next(iter(cold["after"]))
    cold_steps = ("fingerprint_file", "index_open", "read", "parse", "build", "index_write")
    cold_sum = cold["imports"] + sum(cold["steps"][k] for k in cold_steps)
    cold_sum += cold["after"][funds_label][0] + cold["outside"]
    warm_steps = ("fingerprint_file", "index_open")
    warm_sum = warm["imports"] + sum(warm["steps"][k] for k in warm_steps)
    warm_sum += warm["after"][funds_label][0] + warm["outside"]
    lines += [
        "",
        f"Sum of the steps of `{funds_label}`, start-up and exit included: cold {ms(cold_sum)} "
        "(imports, fingerprint_file, index_open, read, parse, build, index_write, the command, "
        f"start-up and exit), warm {ms(warm_sum)} (imports, fingerprint_file, index_open, the "
        "command, start-up and exit), to set beside the medians measured above.",
    ]
    if not cold["indexed"]:
        lines += [
            "",
            f"This file ({db.stat().st_size / 2**20:,.1f} MiB) is under xiezuo's index "
            "threshold (`index.min_bytes()`): real runs on it use the marshal snapshot "
            "(cache.py), not the index profiled here.",
        ]
    return "\n".join(lines)


# ─── reporting ────────────────────────────────────────────────────────────────────────────


def fmt_s(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:,.0f} ms"
    return f"{seconds:,.2f} s"


def ratio(a: Command | None, b: Command | None) -> str:
    if a is None or b is None:
        return "—"
    return f"{a.median_s / b.median_s:.2f}×"


def xiezuo_version() -> str:
    """xiezuo's version and the commit of the checkout, noting uncommitted changes in src/."""
    from xiezuo_cli import __version__

    root = HERE.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"xiezuo {__version__}"
    return f"xiezuo {__version__} at {commit}" + (" with uncommitted changes in src/" * bool(dirty))


def machine() -> dict[str, str]:
    def version(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            return "not found"
        return (done.stdout or done.stderr).strip().splitlines()[0]

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "load": load,
        "date": datetime.date.today().isoformat(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "xiezuo": xiezuo_version(),
        "python": sys.version.split()[0],
        "jq": version(["jq", "--version"]),
        "sqlite3": version(["sqlite3", "--version"]).split()[0]
        if shutil.which("sqlite3")
        else "not found",
    }


def size_markdown(result: SizeResult, runs: int) -> str:
    s = result.stats
    levels = s["pairing_levels"]
    funds_cold = result.command("xiezuo", "cold", "funds")
    funds_warm = result.command("xiezuo", "warm", "funds")
    list_cold = result.command("xiezuo", "cold", "list --pair")
    list_warm = result.command("xiezuo", "warm", "list --pair")
    jq = result.command("jq")
    sq = result.command("sqlite3", None, "fund_totals")
    sq_list = result.command("sqlite3", None, "contract_records")
    indexed = result.file_bytes >= INDEX_MIN_BYTES
    extra = ("held_up", "summed_part")
    reasons = ", ".join(
        f"{reason} {count:,}" for reason, count in result.reasons.items() if reason not in extra
    )
    held_up = result.reasons.get("held_up", 0)
    summed_part = result.reasons.get("summed_part", 0)
    lines = [
        f"## {result.size:,} records",
        "",
        f"{s['records']:,} records ({s['money']:,} money), {s['pairings']} pairings "
        f"({levels.get('province', 0)} province, {levels.get('city', 0)} city, "
        f"{levels.get('county', 0)} county level), {s['places']} places, {s['sources']:,} "
        f"sources; {s['part_of']:,} part_of links ({s['cross_level_part_of']:,} to a whole of a "
        f"pairing above), {s['revises']:,} revisions. JSON file {result.file_bytes / 2**20:,.1f} "
        f"MiB (generated and written in {fmt_s(result.generate_s)}); SQLite export "
        f"{result.sqlite_bytes / 2**20:,.1f} MiB, made once in {fmt_s(result.export_s)} "
        "(not in the rounds).",
        "",
        f"funds decisions (from the export's `fund_decisions`): {reasons}. Among them the "
        f"harder part_of cases: {held_up:,} parts held by a whole further up the chain or "
        f"through a revision of their whole, {summed_part:,} parts summed because their whole "
        f"is not counted. xiezuo (cold and warm){', jq' if jq else ''} and sqlite3 give the "
        f"same {result.rows:,} total rows; sqlite3's `contract_records` of the pairing gives the "
        f"{result.listed:,} records `list --pair {result.receiver}` prints.",
        "",
        "xiezuo's warm runs read "
        + (
            "the SQLite index (`index.py`): the file is at least "
            f"{INDEX_MIN_BYTES / 2**20:,.0f} MiB."
            if indexed
            else "the marshal snapshot (`cache.py`): the file is under "
            f"{INDEX_MIN_BYTES / 2**20:,.0f} MiB, the size from which xiezuo indexes."
        ),
        "",
        "| command | cold: median | cold: peak RSS | warm: median | warm: peak RSS |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label in ("funds --by pairing --csv", f"list --pair {result.receiver} --csv", "validate"):
        cold = result.command("xiezuo", "cold", label)
        warm = result.command("xiezuo", "warm", label)
        if cold is None or warm is None:
            continue
        lines.append(
            f"| `xiezuo {label}` | {fmt_s(cold.median_s)} | {cold.peak_mib:,.0f} MiB | "
            f"{fmt_s(warm.median_s)} | {warm.peak_mib:,.0f} MiB |"
        )
    for peer, name in (
        (jq, "jq, same totals from the JSON file"),
        (sq, "sqlite3, `fund_totals` of the export"),
        (sq_list, "sqlite3, `contract_records` of the export for that pairing"),
    ):
        if peer is not None:
            lines.append(f"| {name} | {fmt_s(peer.median_s)} | {peer.peak_mib:,.0f} MiB | | |")
    lines += [
        "",
        f"funds totals, xiezuo ÷ peer (medians of {runs} runs): "
        f"**× jq: cold {ratio(funds_cold, jq)}, warm {ratio(funds_warm, jq)}**; "
        f"**× sqlite3: cold {ratio(funds_cold, sq)}, warm {ratio(funds_warm, sq)}**. "
        f"`list --pair`, xiezuo ÷ sqlite3's `contract_records`: "
        f"**cold {ratio(list_cold, sq_list)}, warm {ratio(list_warm, sq_list)}**.",
    ]
    for note in result.notes:
        lines += ["", note]
    return "\n".join(lines)


# ─── the goals ────────────────────────────────────────────────────────────────────────────

# The performance goals for large databases, each judged at the sizes it names from the medians
# measured (a size that was not run says so). Goal letter, what it asks, and where.
GOAL_SIZES = (100_000, ONE_MILLION)
GOAL_RATIO = 2.0  # (a): xiezuo warm at most this many times sqlite3's time
GOAL_PEAK_MIB = 100  # (b): xiezuo warm peak RSS under this
GOALS = (
    (
        "a",
        f"warm `funds --by pairing --csv` and warm `list --pair` within {GOAL_RATIO:g}× "
        "sqlite3's time (`fund_totals`; `contract_records` of the pairing)",
        GOAL_SIZES,
    ),
    ("b", f"warm peak RSS of those two under {GOAL_PEAK_MIB} MiB", GOAL_SIZES),
    ("c", "cold `funds --by pairing --csv` (index build included) no slower than jq", GOAL_SIZES),
    ("d", "cold `validate` at most jq's time (jq computing the funds totals)", (ONE_MILLION,)),
)


@dataclass
class Verdict:
    met: bool | None  # None: not judged (a program it needs was not run)
    text: str

    def cell(self) -> str:
        if self.met is None:
            return self.text
        return f"**{'met' if self.met else 'not met'}**: {self.text}"


def versus(a: Command, b: Command, peer: str) -> str:
    """'1.42× (2.10 s vs sqlite3 1.48 s)': a's median ÷ b's."""
    return f"{a.median_s / b.median_s:.2f}× ({fmt_s(a.median_s)} vs {peer} {fmt_s(b.median_s)})"


def judge(goal: str, result: SizeResult) -> Verdict:
    funds_cold = result.command("xiezuo", "cold", "funds")
    funds_warm = result.command("xiezuo", "warm", "funds")
    list_warm = result.command("xiezuo", "warm", "list --pair")
    validate_cold = result.command("xiezuo", "cold", "validate")
    jq = result.command("jq")
    sq = result.command("sqlite3", None, "fund_totals")
    sq_list = result.command("sqlite3", None, "contract_records")
    no_jq = Verdict(None, "not judged: jq was not run (not on PATH, or `--no-jq`)")
    if goal == "a":
        assert funds_warm and list_warm and sq and sq_list
        met = (
            funds_warm.median_s <= GOAL_RATIO * sq.median_s
            and list_warm.median_s <= GOAL_RATIO * sq_list.median_s
        )
        text = (
            f"funds {versus(funds_warm, sq, 'sqlite3')}; "
            f"list {versus(list_warm, sq_list, 'sqlite3')}"
        )
        return Verdict(met, text)
    if goal == "b":
        assert funds_warm and list_warm
        met = funds_warm.peak_mib < GOAL_PEAK_MIB and list_warm.peak_mib < GOAL_PEAK_MIB
        text = f"funds {funds_warm.peak_mib:,.0f} MiB; list {list_warm.peak_mib:,.0f} MiB"
        return Verdict(met, text)
    if goal == "c":
        assert funds_cold
        if jq is None:
            return no_jq
        return Verdict(funds_cold.median_s <= jq.median_s, versus(funds_cold, jq, "jq"))
    assert goal == "d" and validate_cold
    if jq is None:
        return no_jq
    return Verdict(validate_cold.median_s <= jq.median_s, versus(validate_cold, jq, "jq"))


def not_run(size: int) -> str:
    if size == ONE_MILLION:
        return "not run (opt-in: `--include-1m`)"
    return f"not run ({size:,} not in `--sizes`)"


def goal_rows(results: list[SizeResult]) -> list[tuple[str, list[str], str]]:
    """Per goal: its text, a cell per size of GOAL_SIZES, and the overall verdict."""
    by_size = {result.size: result for result in results}
    rows = []
    for letter, text, sizes in GOALS:
        cells, verdicts, missing = [], [], []
        for size in GOAL_SIZES:
            if size not in sizes:
                cells.append(f"— (a goal at {', '.join(f'{s:,}' for s in sizes)} only)")
            elif size not in by_size:
                cells.append(not_run(size))
                missing.append(size)
            else:
                verdict = judge(letter, by_size[size])
                cells.append(verdict.cell())
                verdicts.append(verdict.met)
        if False in verdicts:
            overall = "**not met**"
        elif None in verdicts:
            overall = "not judged (jq not run)"
        elif not verdicts:
            overall = "; ".join(not_run(size) for size in missing) or "not run"
        elif missing:
            overall = f"met where run; {', '.join(f'{s:,}' for s in missing)} not run"
        else:
            overall = "**met**"
        rows.append((f"({letter}) {text}", cells, overall))
    return rows


def goals_markdown(results: list[SizeResult]) -> str:
    lines = [
        "## Goals",
        "",
        "Each goal judged from the medians above (a ratio is xiezuo's median wall time ÷ the "
        "peer's, a peak the median of the runs' peak RSS); a size that was not run is not "
        "judged.",
        "",
        "| goal | " + " | ".join(f"{size:,} records" for size in GOAL_SIZES) + " | overall |",
        "| --- | " + " | ".join("---" for _ in GOAL_SIZES) + " | --- |",
    ]
    for text, cells, overall in goal_rows(results):
        lines.append(f"| {text} | {' | '.join(cells)} | {overall} |")
    return "\n".join(lines)


def print_goals(results: list[SizeResult]) -> None:
    def plain(text: str) -> str:
        return text.replace("**", "").replace("`", "")

    print("\nGoals")
    for text, cells, overall in goal_rows(results):
        print(f"  {plain(text)}: {plain(overall)}")
        for size, cell in zip(GOAL_SIZES, cells, strict=True):
            print(f"    {size:>9,}: {plain(cell)}")


def write_results(
    results: list[SizeResult], args: argparse.Namespace, info: dict[str, str], skipped: list[str]
) -> None:
    memory = (
        "Peak memory is GNU time's `%M` for the process."
        if TIME
        else "Peak memory is os.wait4's ru_maxrss (no GNU time here): on Linux it includes this "
        "script's own size at the fork, so small programs look bigger than they are."
    )
    head = [
        "# Scale benchmark results",
        "Written by `benchmarks/scale.py` (see `benchmarks/README.md`); rerunning it overwrites "
        "this file.",
        f"Measured {info['date']}, {info['xiezuo']}, on {info['platform']}, {info['cpus']} "
        f"CPUs, Python {info['python']}, {info['jq']}, sqlite3 {info['sqlite3']}; "
        f"`--runs {args.runs}` interleaved rounds after one untimed round, seed {args.seed}. "
        "Times are medians of each process's wall time, peak RSS the median of its maximum "
        "resident set size. Cold: a fresh, empty cache folder every run (the first query after "
        "the database changed; it also writes the marshal snapshot of a file under "
        f"{INDEX_MIN_BYTES / 2**20:,.0f} MiB, or the SQLite index of a larger one). Warm: the "
        "same folder every run, filled before the rounds. jq and sqlite3 have no cache of "
        f"their own; the OS file cache is warm for every command. {memory}",
        f"Machine {info['load']} (1, 5 and 15 minutes; above the CPU count means other work "
        "was running, which inflates the absolute times more than the ratios).",
    ]
    largest = max(results, key=lambda r: r.size) if results else None
    if largest is not None and largest.size < ONE_MILLION:
        per_round = sum(c.median_s for c in largest.commands)
        factor = ONE_MILLION / largest.size
        minutes = per_round * factor * (args.runs + 1) / 60
        skipped.append(
            f"1,000,000 records (`--include-1m`): not run. Scaling the {largest.size:,}-record "
            f"round ({per_round:,.0f} s for all commands) linearly, it would take about "
            f"{minutes:,.0f} minutes for {args.runs} rounds plus the untimed one, besides "
            "generating, checking and exporting the file."
        )
    body = [size_markdown(result, args.runs) for result in results]
    body.append(goals_markdown(results))
    tail = [f"- {note}" for note in skipped]
    text = "\n\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"
    if tail:
        text += "\n## Not measured\n\n" + "\n".join(tail) + "\n"
    RESULTS.write_text(text, "utf-8")


def display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def print_result(result: SizeResult) -> None:
    print(
        f"\n{result.size:,} records ({result.file_bytes / 2**20:,.1f} MiB JSON, "
        f"{result.rows:,} total rows, agreeing)"
    )
    width = max(display_width(c.label) for c in result.commands)
    print(f"  {pad('command', width)}  {'median':>10}  {'peak RSS':>10}")
    for command in result.commands:
        print(
            f"  {pad(command.label, width)}  {fmt_s(command.median_s):>10}  "
            f"{command.peak_mib:>6,.0f} MiB"
        )
    cold = result.command("xiezuo", "cold", "funds")
    warm = result.command("xiezuo", "warm", "funds")
    jq, sq = result.command("jq"), result.command("sqlite3", None, "fund_totals")
    list_cold = result.command("xiezuo", "cold", "list --pair")
    list_warm = result.command("xiezuo", "warm", "list --pair")
    sq_list = result.command("sqlite3", None, "contract_records")
    print(
        f"  funds: xiezuo/jq cold {ratio(cold, jq)} warm {ratio(warm, jq)}; "
        f"xiezuo/sqlite3 cold {ratio(cold, sq)} warm {ratio(warm, sq)}\n"
        f"  list --pair: xiezuo/sqlite3 cold {ratio(list_cold, sq_list)} "
        f"warm {ratio(list_warm, sq_list)}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Time xiezuo on generated databases of growing size against jq and sqlite3."
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma list of record counts (default 1000,10000,100000)",
    )
    parser.add_argument("--include-1m", action="store_true", help="also 1,000,000 records")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument(
        "--profile", action="store_true", help="time the phases of loading the largest database"
    )
    parser.add_argument("--no-jq", action="store_true", help="leave jq out")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--no-results",
        action="store_true",
        help="print only; do not overwrite benchmarks/results.md",
    )
    args = parser.parse_args()
    try:
        sizes = [int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error("--sizes takes a comma list of whole numbers, e.g. 1000,10000")
    if args.include_1m and ONE_MILLION not in sizes:
        sizes.append(ONE_MILLION)
    if not sizes or min(sizes) < 100 or args.runs < 1:
        parser.error("sizes must be at least 100 and --runs at least 1")
    args.sizes = sizes

    xiezuo = find_console_script()
    info = machine()
    info["load"] = f"load average {info['load']} at the start"
    skipped = []
    if not shutil.which("jq") or args.no_jq:
        skipped.append("jq: not on PATH (or --no-jq), so no jq columns.")
    workdir = Path(tempfile.mkdtemp(prefix="xiezuo-scale-"))
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="xiezuo-scale-pycache-") as pycache:
            for size in sizes:
                result = measure_size(size, args, xiezuo, workdir, pycache)
                print_result(result)
                results.append(result)
    finally:
        if args.keep:
            print(f"kept the generated files in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_goals(results)
    if hasattr(os, "getloadavg"):
        end = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        info["load"] += f", {end} at the end"
    if not args.no_results:
        write_results(results, args, info, skipped)
        print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
