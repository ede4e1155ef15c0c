"""The fixed vocabularies records draw on, the schema version, and the check that a value is one
of a vocabulary's (``check_choice``, the one wording of that usage error).

Pure data besides that check. The README's "Data model" section explains each; docs/model-v2.md
is the curators' version.
"""

from __future__ import annotations

from collections.abc import Sequence

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.safe_text import shown

SCHEMA_VERSION = 2

# The programmes a pairing can belong to; the list may grow.
KINDS = ("东西部协作", "对口支援", "山海协作", "对口合作")

# Administrative levels, top down. A pairing's level is its receiver's level: 浙江省→甘孜藏族自治州
# is a city-level pairing. 自治州 and 地区 are city (prefecture) level; functional zones that act at
# county level (湖州市南太湖新区) are county level. 全国 (the nation, id quanguo) is the one place
# at nation level: a pairing 全国→全国 of a kind holds the nation's figures of that kind.
LEVELS = ("nation", "province", "city", "county")
NATION_LEVEL = "nation"
LEVEL_NAMES = {"nation": "全国", "province": "省级", "city": "市级", "county": "县级"}

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


def check_choice(value: str, allowed: Sequence[str], option: str) -> str:
    if value not in allowed:
        raise UsageProblem(f"invalid {option} {shown(value)}: choose one of {', '.join(allowed)}")
    return value


# What tables show (省级, 实际, 政府) is accepted as input too, as --level accepts 省级: by
# filters and by a person's sheet.
ALIASES: dict[str, dict[str, str]] = {
    "level": {name: level for level, name in LEVEL_NAMES.items()}
    | {"省": "province", "市": "city", "地级": "city", "县": "county"},
    "stage": {name: stage for stage, name in STAGE_NAMES.items()}
    | {
        part: stage
        for stage, name in STAGE_NAMES.items()
        if "/" in name
        for part in name.split("/")
    },
    "actor": {name: actor for actor, name in ACTOR_NAMES.items()},
}
