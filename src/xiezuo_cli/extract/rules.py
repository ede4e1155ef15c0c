"""What a figure is, from the words around it: category, measure, actor, stage, and whether it is
a rate, a difference or a running total. The words are data, in tables; the bundled records are
what they were drawn from (how data/records.yaml classifies the real figures).

Every table is read in order and the first rule whose words appear wins, so a more particular
rule (财政捐赠) stands before a more general one (捐赠).
"""

import re
from typing import NamedTuple

from xiezuo_cli.model.vocab import CATEGORIES


class Rule(NamedTuple):
    words: re.Pattern[str]
    category: str
    measure: str
    actor: str  # "" : decided by the actor words


def _rule(words: str, category: str, measure: str, actor: str = "") -> Rule:
    assert category in CATEGORIES, category
    return Rule(re.compile(words), category, measure, actor)


# Money. The window searched is the clause up to the figure, then what follows it in the clause.
MONEY_RULES = (
    _rule(r"财政捐赠", "财政援助", "财政捐赠", "government"),
    _rule(r"利税|税收|纳税|税金", "成效", "税收"),
    _rule(r"产值|营业收入|营收", "成效", "产值"),
    _rule(r"返利", "成效", "返利"),
    _rule(r"增收|收入|集体经济|分红|工资|薪酬|收益", "成效", "收入"),
    _rule(r"劳务|务工|就业|稳岗|劳动力", "劳务协作", "劳务协作资金"),
    _rule(r"采购|购买|认购|订购|采买|消费帮扶", "消费帮扶", "采购额"),
    _rule(r"销售|零售|带货|售出|卖出|交易额|成交|营业额", "消费帮扶", "帮助销售额"),
    _rule(r"捐赠|捐款|捐物|捐资|捐助|募集|筹集|爱心|慈善|公益|资助|款物", "社会帮扶", "捐款捐物"),
    _rule(r"社会力量|社会资金|社会帮扶", "社会帮扶", "捐款捐物", "social"),
    # 实际到位资金 is investment that arrived; 到位财政援助资金 is aid paid out
    _rule(r"到位(?!财政|援助|协作|专项|帮扶)", "产业合作", "到位资金", "enterprise"),
    _rule(
        r"(?:企业|集团|公司|项目|引进|引入|招商|落户|签约|协议|意向|合同|总投资|招引|社会资本)"
        r"[^；。]*投资"
        r"|投资[^，；]*(?:企业|集团|公司|项目|落户|签约)|总投资|引资|招商",
        "产业合作",
        "投资额",
        "enterprise",
    ),
    _rule(r"各项资金|各类资金|各类帮扶资金|各项帮扶资金", "财政援助", "各类帮扶资金", "mixed"),
    _rule(
        r"财政|协作资金|专项资金|援助资金|援建资金|支援资金|共建资金|补助资金",
        "财政援助",
        "协作资金",
        "government",
    ),
    # the catch-all, tried only when no rule above has words anywhere in the sentence
    _rule(r"资金|援建|拨付|投入|投资|补助|补贴|奖励", "财政援助", "协作资金", "government"),
)

# Counts, by their words (searched like money's) and unit.
COUNT_RULES = (
    _rule(r"就业|务工|转移|稳岗|劳动力|劳务", "劳务协作", "就业人数"),
    _rule(r"车间", "劳务协作", "车间数"),
    _rule(r"岗位", "劳务协作", "岗位数"),
    _rule(r"受益|惠及|覆盖|脱贫|增收|带动", "成效", "人数"),
    _rule(r"薄弱村|消薄|返利", "成效", "村数"),
    _rule(r"资助|捐助|结对帮扶[^，；]*学生|孤儿|助学", "社会帮扶", "人数", "social"),
    _rule(
        r"干部|挂职|党政|专技|专业技术|人才|教师|医生|医师|医护|支教|支医|农技|培训|选派|派驻"
        r"|跟岗|跟班|交流|学习|考察|互访|医疗队|义诊|专家",
        "人才交流",
        "人数",
        "government",
    ),
    _rule(r"产业园|园区|飞地|厂房|基地", "产业合作", "数量", "government"),
    _rule(
        r"结对|共建|携手|牵手|组团|合作关系|友好关系",
        "携手促振兴",
        "结对数",
        "government",
    ),
    _rule(r"示范村|示范点|振兴", "携手促振兴", "项目数", "government"),
    _rule(r"产业项目|产业发展项目|招商项目|产业化项目", "产业合作", "项目数", "enterprise"),
    _rule(r"引进|引入|招商|落户|入驻|投资|签约|招引", "产业合作", "企业数", "enterprise"),
    _rule(r"农特产品|农产品|特产|产品|展销|专卖店|销售|采购|消费", "消费帮扶", "数量", "mixed"),
    _rule(r"捐赠|捐|爱心|公益|慈善|募集|筹集", "社会帮扶", "数量", "social"),
    _rule(r"援|帮扶项目|支援项目|协作项目", "财政援助", "项目数", "government"),
    _rule(r"电商|网商|网店|创业|新增|培育", "成效", "数量", "government"),
)

# A count's measure by its unit, where the words gave only 数量 (or when no words decided).
UNIT_MEASURES = {
    "人": "人数", "人次": "人数", "家": "企业数", "户": "户数", "项": "项目数", "亩": "面积",
    "平方米": "面积", "平方公里": "面积", "公顷": "面积", "件": "件数", "套": "套数", "箱": "箱数",
    "种": "品种数", "类": "品类数", "村": "村数", "次": "次数", "场": "场次", "期": "期数",
    "所": "学校数", "本": "数量", "个": "数量", "批": "批数", "届": "届数",
}  # fmt: skip
# A measure a noun right after the figure makes plain: 6家企业, 5个项目, 24所学校.
NOUN_MEASURES = (
    ("企业", "企业数"), ("公司", "企业数"), ("项目", "项目数"), ("学校", "学校数"),
    ("医院", "结对数"), ("乡镇", "结对数"), ("村", "村数"), ("部门", "部门数"),
    ("单位", "单位数"), ("车间", "车间数"), ("岗位", "岗位数"), ("园区", "园区数"),
    ("园", "园区数"),
)  # fmt: skip

# Rates and shares.
PERCENT_MEASURES = (
    (re.compile(r"占"), "占比"),
    (re.compile(r"增长|增加|提高|提升|同比|上升|增幅"), "增长率"),
    (re.compile(r"下降|减少|降低"), "降幅"),
)

# Wholes made of several kinds of money: their parts keep their own category.
MIXED_MEASURES = ("各类帮扶资金",)

# Who gives the money or does the thing.
ACTOR_WORDS = (
    (re.compile(r"各类|各项|款物|社会各界|政企"), "mixed"),
    (re.compile(r"企业|集团|公司|商会|药业|银行|有限"), "enterprise"),
    (re.compile(r"社会力量|爱心|协会|公益|人士|慈善|基金会|个人|志愿|群众|市民"), "social"),
    (re.compile(r"财政|政府|协作资金|专项资金|援建|区委|县委|市委|党政"), "government"),
)

# Category words a sentence may hold, to fall back on when no rule decided a figure's category.
CATEGORY_WORDS = (
    (re.compile(r"消费帮扶|采购|销售|展销|农特产品"), "消费帮扶"),
    (re.compile(r"捐|爱心|公益|慈善|社会力量"), "社会帮扶"),
    (re.compile(r"就业|务工|劳务|岗位"), "劳务协作"),
    (re.compile(r"干部|人才|挂职|支教|支医|培训"), "人才交流"),
    (re.compile(r"产业|企业|投资|招商|园区"), "产业合作"),
    (re.compile(r"结对|共建|示范村"), "携手促振兴"),
    (re.compile(r"资金|财政|援建|援助"), "财政援助"),
    (re.compile(r"增收|收入|受益|惠及|带动"), "成效"),
)

# ─── stage ────────────────────────────────────────────────────────────────────────────────

# 将 marks the future only before a verb or a time word (将于, 将投入); before a noun it is the
# object marker of 将汗水挥洒, which says nothing of a stage.
_FUTURE_JIANG = (
    r"将(?=于|在|达|投入|新增|带动|建|推进|实施|继续|安排|完成|实现|累计|力争|争取|有|进一步"
    r"|全面|重点|持续|加大|为|向|对|与|通过|共同|陆续|形成|打造|引进|投资|新建|启动|开工|拨付"
    r"|提供|落实|筹集|募集|采购|组织|选派|帮助|吸纳|每年)"
)
# In order of precedence within a clause: 预计…将达 is a forecast, 计划签约 a pledge.
STAGE_CUES = (
    (re.compile(r"预计|预期|有望|可望|估计"), "forecast", True),
    (re.compile(r"签约|签订|签署|协议|意向|承诺|认捐|达成"), "pledged", True),
    # 计划 as a noun (全年计划, 计划的72%) is the plan a figure is measured against
    (
        re.compile(
            r"(?<!全年|年度)计划(?!的|数|任务)|拟|力争|争取|目标|规划|打算|准备|谋划|"
            + _FUTURE_JIANG
        ),
        "planned",
        True,
    ),
    (re.compile(r"安排|下达|分配|切块|预算(?!单位)|下拨"), "allocated", False),
)
# Words that say it happened, which end a planned/forecast reading carried from an earlier clause.
ACTUAL_CUES = re.compile(r"已经|已|完成|实际|到位|实现|兑现|累计|截至|截止")

# ─── running totals, differences, rates ──────────────────────────────────────────────────

CUMULATIVE_CUES = re.compile(r"累计|截至|截止|以来|至今|迄今|历年")
# A date in the clause of these words is where a running total starts (2021年6月，…建立…结对关系)
START_WORDS = re.compile(r"建立|结对|启动|签订|开始|牵手|以来")
DIFFERENCE_CUES = re.compile(
    r"(?:较|比|同比|环比)(?:上年|去年|上一年|前一年|同期|上年同期|\d{4}年)?"
    r"[^，；。]{0,6}?(?:增加|增长|提高|多|减少|下降|增)了?[投入出收支]{0,2}$"
)
# 每生每年, 每个结对村每年, 每个项目村年增收: what a standard is per. A 每 phrase runs to its
# first verb; its last noun of these is what it is per (项目村 is per 村), and 年 or 月 after it
# makes it per year or month too.
PER_NOUNS = re.compile(r"人|生|户|村|县|乡|镇|校|所|家|企|亩|项|次|场")
PER_TIMES = re.compile(r"年|月|天|周")
PER_PHRASE_END = re.compile(r"[增安资补拨发给采购投收捐返可达不约为的享获助选派提供奖支]")
AVERAGE_UNIT = re.compile(r"(人|户|亩|年|村|县|校|生)均(年)?[\u4e00-\u9fff]{0,6}$")
PER_NAMES = {"生": "人", "名": "人", "位": "人", "校": "所", "乡": "乡镇", "镇": "乡镇"}
# 其中 reaches to the end of its sentence part (up to a semicolon); 包括 and 含 to the end of
# their clause (包括木门茶叶、枣林皮蛋 names things, and the next clause is about something else).
PART_CUES = re.compile(r"其中|包括|（含|\(含|内含")
WIDE_PART_CUES = ("其中",)
AREA_UNITS = ("亩", "平方米", "平方公里", "公顷")
AREA_CATEGORIES = (
    (re.compile(r"店|专卖|展销|展厅|展示"), "消费帮扶"),
    (re.compile(r"厂房|园|基地|产业|项目|飞地|车间"), "产业合作"),
)
CLAUSE_BREAK = re.compile(r"[，,；;：:]")
SENTENCE_PARTS = re.compile(r"[；;]")
