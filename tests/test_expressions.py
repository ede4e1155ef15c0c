"""`filter` conditions: the word form (amount_yuan ge 3900万), the symbol form, in, ranges, name
forms, checked values, the missing-value rule, and the field catalogue (fields.py).

Unit tests run the parser on a few records built by hand from model.Record; the CLI tests
compare with record ids computed from the YAML the database is built from (data/records.yaml,
records-facts.yaml, pairings.yaml), never through xiezuo's own code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml
from conftest import BUNDLED, DATA, one_error_line
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.names import normalize
from xiezuo_cli.model.records import QUERY_FIELDS, Citation, Pairing, Place, Record
from xiezuo_cli.query.expressions import Condition, compile_all, parse_words
from xiezuo_cli.query.fields import FIELD_NAMES, FIELDS, FIELDS_COLUMNS, TYPES, fields_rows
from xiezuo_cli.storage import dataset
from xiezuo_cli.storage.dataset import Dataset

Cli = Callable[..., Result]


# ─── a small hand-made database ───────────────────────────────────────────────────────────


def place(
    id: str, name: str, full_name: str, short: str, level: str, parent: str | None, *more: str
) -> Place:
    forms = {name, full_name, short, *more}
    return Place(id, id, name, full_name, short, level, parent, frozenset(map(normalize, forms)))


PLACES = {
    p.id: p
    for p in (
        place("330000", "浙江省", "浙江省", "浙江", "province", None, "zhejiang"),
        place("330100", "杭州市", "杭州市", "杭州", "city", "330000", "hangzhou"),
        place("330109", "萧山区", "杭州市萧山区", "萧山", "county", "330100", "xiaoshan", "蕭山"),
        place("330110", "余杭区", "杭州市余杭区", "余杭", "county", "330100", "yuhang"),
        place("510824", "苍溪县", "广元市苍溪县", "苍溪", "county", None, "cangxi", "蒼溪"),
        place("510821", "旺苍县", "广元市旺苍县", "旺苍", "county", None, "wangcang"),
    )
}


def pairing(id: str, provider: str, receiver: str) -> Pairing:
    left, right = PLACES[provider], PLACES[receiver]
    keys = frozenset({normalize(left.short + right.short), normalize(f"{id}")})
    return Pairing(id, "东西部协作", left, right, "2021", None, None, keys)


PAIRINGS = {
    p.id: p
    for p in (
        pairing("yuhang-cangxi", "330110", "510824"),
        pairing("xiaoshan-wangcang", "330109", "510821"),
    )
}


def record(id: str, pairing_id: str = "yuhang-cangxi", **fields: Any) -> Record:
    """A record with plausible defaults: money, 2021, one citation; override any field."""
    p = PAIRINGS[pairing_id]
    base: dict[str, Any] = {
        "id": id,
        "pairing": pairing_id,
        "kind": p.kind,
        "level": p.level,
        "provider": p.provider.full_name,
        "provider_code": p.provider.code,
        "receiver": p.receiver.full_name,
        "receiver_code": p.receiver.code,
        "category": "财政援助",
        "item": "专项资金",
        "measure": "协作资金",
        "value": 39_000_000,
        "unit": "元",
        "amount_yuan": 39_000_000,
        "approx": "exact",
        "period_start": "2021-05",
        "period_end": "2021-11",
        "year": 2021,
        "cumulative": False,
        "as_of": "2021-11-17",
        "stage": "actual",
        "actor": "government",
        "scope": "item",
        "part_of": None,
        "revises": None,
        "citations": (Citation("src-a", "投入专项资金3900万元。", None),),
        "note": None,
        "figure": "3900万元",
        "known_by": "2021-11-17",
    }
    unknown = set(fields) - set(base)
    assert not unknown, unknown
    return Record(**(base | fields))


RECORDS = (
    record(
        "a-fund", citations=(Citation("src-a", "专项资金", None), Citation("src-b", None, "同"))
    ),
    record(
        "b-donation",
        "xiaoshan-wangcang",
        category="社会帮扶",
        item="捐款",
        measure="捐款捐物",
        value=1_500_000,
        amount_yuan=1_500_000,
        approx="at_least",
        period_start="2022",
        period_end="2022",
        year=2022,
        as_of="2022-02-10",
        actor="social",
        part_of="a-fund",
        note="企业捐款",
        figure="150余万元",
    ),
    record(
        "c-people",
        "xiaoshan-wangcang",
        category="人才交流",
        item="专业技术人才",
        measure="人数",
        value=120,
        unit="人",
        amount_yuan=None,
        period_start=None,
        period_end=None,
        year=None,
        as_of="2023-01-16",
        stage="planned",
        figure="120人",
    ),
    record(
        "d-total",
        value=180_000_000,
        amount_yuan=180_000_000,
        approx="about",
        period_start="2021-06",
        period_end="2024-05",
        year=None,
        cumulative=True,
        as_of="2024-05-28",
        scope="running_total",
        revises="a-fund",
        figure="近1.8亿元",
    ),
)
_GIVEN = {"path": "small.json", "places": PLACES, "pairings": PAIRINGS, "records": RECORDS}
# Any other table of the Dataset (sources, and whatever is added later) left empty.
SMALL = Dataset(**{name: _GIVEN.get(name, {}) for name in Dataset._fields})


def select(*words: str, data: Dataset = SMALL) -> set[str]:
    predicates = compile_all(words, data)
    return {r.id for r in data.records if all(p(r) for p in predicates)}


def problem(*words: str, data: Dataset = SMALL) -> str:
    """The one-line usage error the words give."""
    with pytest.raises(UsageProblem) as raised:
        compile_all(words, data)
    message = str(raised.value)
    assert "\n" not in message
    return message


EVERY = {"a-fund", "b-donation", "c-people", "d-total"}


# ─── parsing: exact conditions ────────────────────────────────────────────────────────────


def test_words_and_expressions_parse_to_the_same_conditions() -> None:
    assert parse_words(["amount_yuan", "ge", "3900万", "category=财政援助"]) == (
        Condition(
            "amount_yuan", "ge", ((39_000_000, 39_000_000),), "amount_yuan ge 3900万", "3900万"
        ),
        Condition("category", "eq", (("财政援助", "财政援助"),), "category=财政援助", "财政援助"),
    )
    words = parse_words(["year", "in", "2017-2018,2021", "part_of", "EQ", "null", "note", "~", "x"])
    assert [(c.field, c.op, c.values) for c in words] == [
        ("year", "in", ((2017, 2018), (2021, 2021))),
        ("part_of", "eq", (None,)),
        ("note", "has", ("x",)),
    ]
    # A whole triple in one word (quoted in the shell) is the same condition.
    assert (
        parse_words(["amount_yuan ge 3900万"])[0].values
        == parse_words(["amount_yuan>=3900万"])[0].values
    )


def test_values_are_read_by_the_field_type() -> None:
    def values(*words: str) -> tuple[Any, ...]:
        (condition,) = parse_words(words)
        return condition.values

    assert values("value", "eq", "0.39亿元") == ((39_000_000, 39_000_000),)
    assert values("as_of", "eq", "2021-11") == ((date(2021, 11, 1), date(2021, 11, 30)),)
    assert values("cumulative", "eq", "FALSE") == ((False, False),)
    assert values("level", "eq", "县级") == (("county", "county"),)
    assert values("stage", "in", "实际,签约") == (("actual", "actual"), ("pledged", "pledged"))
    assert values("category", "in", "财政援助、社会帮扶") == (
        ("财政援助", "财政援助"),
        ("社会帮扶", "社会帮扶"),
    )
    assert values("pairing", "eq", "蒼溪") == ("蒼溪",)  # resolved with the data
    assert values("part_of", "=", "") == (None,)


USAGE_ERRORS = [
    (["amount_yuan"], "needs an operator and a value: write amount_yuan ge 3900万"),
    (["category"], "write category eq 财政援助"),
    (["amount_yuan", "ge"], "needs a value, e.g. amount_yuan ge 3900万"),
    (["amount_yuan", "3900万"], "expected an operator after 'amount_yuan'"),
    (["ge", "3900万"], "operator 'ge' has no field before it"),
    ([">=", "3900万"], "operator '>=' has no field before it"),
    (["amount_yuan", "ge", "1", "ge", "2"], "operator 'ge' has no field before it"),
    (
        ["amout_yuan", "ge", "1"],
        "unknown field 'amout_yuan' in filter (did you mean amount_yuan",
    ),
    (["as-of>2021"], "unknown field"),
    (["Amount_Yuan>1"], "did you mean amount_yuan"),
    (["=3900万"], "unexpected '=3900万' in filter"),
    (["--jsn"], "no such option '--jsn'; a value beginning with - goes after --"),
    (["year", "eq", "2021", "-5"], "no such option '-5'"),
    (
        ["stage", "eq", "actual", "planned"],
        "for several values use in: stage in actual,planned",
    ),
    (["category", "gt", "财政援助"], "category has no order; use eq, ne, has or in, not gt"),
    (["item<x"], "item has no order"),
    (["cumulative", "ge", "true"], "cumulative has no order"),
    (["pairing", "lt", "苍溪"], "pairing has no order"),
    (["category", "eq", "扶贫"], "choose one of 财政援助, 社会帮扶, 消费帮扶, 产业合作"),
    (["category=财政援助,社会帮扶"], "for several use in: category in 财政援助,社会帮扶"),
    (["stage", "in", "actual,done"], "invalid stage 'done'"),
    (["approx", "eq", "roughly"], "choose one of exact, at_least, about"),
    (["scope", "eq", "all"], "choose one of item, running_total"),
    (["actor", "eq", "nobody"], "choose one of government, enterprise"),
    (["level", "eq", "town"], "choose one of nation, province, city, county"),
    (["kind", "eq", "对口支援"], "choose one of 东西部协作"),  # the data's kinds
    (["amount_yuan", "ge", "约3900万"], "invalid number '约3900万' for amount_yuan"),
    (["amount_yuan", "in", "3900万,,1亿"], "in takes a comma list without empty items"),
    (["year", "eq", "2023-2021"], "the range ends before it starts"),
    (["as_of", "lt", "2021-13"], "invalid date '2021-13'"),
    (["cumulative", "eq", "maybe"], "cumulative is true or false"),
    (["part_of", "gt", "null"], "only eq and ne (= and !=) compare with null"),
    (["note", "has", ""], "only eq and ne"),
    (["pairing", "eq", "北京"], "unknown pairing '北京'"),
    (["provider", "eq", "北京"], "provider: unknown place '北京'"),
    (["receiver", "has", "-"], "a name search needs letters or characters"),
]


@pytest.mark.parametrize(("words", "says"), USAGE_ERRORS)
def test_usage_errors_say_what_was_expected(words: list[str], says: str) -> None:
    assert says in problem(*words)


def test_unknown_field_lists_every_field() -> None:
    message = problem("nosuch", "eq", "1")
    assert message.endswith("valid fields: " + ", ".join(QUERY_FIELDS))


def test_examples_in_messages_are_quoted_or_words() -> None:
    """Unquoted, amount_yuan>=3900万 makes the shell write a file =3900万: no message offers it."""
    for words, _ in USAGE_ERRORS:
        for token in problem(*words).split():
            if re.search(r"\w(>=|<=|>|<)", token):
                assert token.lstrip("(").startswith("'"), (words, token)


# ─── operators on the small database ──────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("amount_yuan", "eq", "3900万"), {"a-fund"}),
        (("amount_yuan", "ge", "150万"), {"a-fund", "b-donation", "d-total"}),
        (("amount_yuan", "gt", "150万"), {"a-fund", "d-total"}),
        (("amount_yuan", "lt", "1亿"), {"a-fund", "b-donation"}),
        (("amount_yuan", "le", "39000000"), {"a-fund", "b-donation"}),
        (("value", "in", "120,1.8亿"), {"c-people", "d-total"}),
        (("category", "in", "财政援助,人才交流"), {"a-fund", "c-people", "d-total"}),
        (("year", "eq", "2021-2022"), {"a-fund", "b-donation"}),
        (("year", "in", "2022,null"), {"b-donation", "c-people", "d-total"}),
        (("year", "gt", "2020-2021"), {"b-donation"}),
        (("year", "le", "2021-2022"), {"a-fund", "b-donation"}),
        (("period_start", "eq", "2021"), {"a-fund", "d-total"}),
        (("period_start", "lt", "2021-06"), {"a-fund"}),  # 2021-05 is its first day
        (("period_end", "ge", "2022-12-31"), {"b-donation", "d-total"}),  # 2022: its last day
        (("period_end", "lt", "2022"), {"a-fund"}),
        (("as_of", "eq", "November 2021"), {"a-fund"}),
        (("as_of", "gt", "2022年"), {"c-people", "d-total"}),
        (("cumulative", "eq", "true"), {"d-total"}),
        (("cumulative", "ne", "true"), {"a-fund", "b-donation", "c-people"}),
        (("citations", "gt", "1"), {"a-fund"}),
        (("citations", "has", "src-b"), {"a-fund"}),
        (("citations", "has", "3900万"), {"b-donation", "c-people", "d-total"}),
        (("level", "eq", "县级"), EVERY),
        (("stage", "ne", "actual"), {"c-people"}),
        (("item", "has", "专"), {"a-fund", "c-people", "d-total"}),
        (("figure", "eq", "近1.8亿元"), {"d-total"}),
        (("quote", "has", "3900"), {"b-donation", "c-people", "d-total"}),
        (("revises", "eq", "a-fund"), {"d-total"}),
        (("provider_code", "in", "330109"), {"b-donation", "c-people"}),
        (("kind", "eq", "东西部协作"), EVERY),
    ],
)
def test_operators(words: tuple[str, ...], expected: set[str]) -> None:
    assert select(*words) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("pairing", "eq", "苍溪"), {"a-fund", "d-total"}),
        (("pairing", "eq", "蒼溪"), {"a-fund", "d-total"}),
        (("pairing", "eq", "Cang Xi"), {"a-fund", "d-total"}),
        (("pairing", "eq", "余杭-苍溪"), {"a-fund", "d-total"}),
        (("pairing", "ne", "cangxi"), {"b-donation", "c-people"}),
        (("pairing", "has", "wang"), {"b-donation", "c-people"}),
        (("provider", "eq", "萧山"), {"b-donation", "c-people"}),
        (("provider", "eq", "xiaoshan"), {"b-donation", "c-people"}),
        (("provider", "eq", "330109"), {"b-donation", "c-people"}),
        (("provider", "eq", "杭州"), set()),  # a known place that provides nothing here
        (("provider", "ne", "萧山"), {"a-fund", "d-total"}),
        (("provider", "has", "杭州"), EVERY),  # 杭州市萧山区, 杭州市余杭区
        (("receiver", "eq", "苍溪"), {"a-fund", "d-total"}),
        (("receiver", "in", "苍溪,旺苍"), EVERY),
        (("receiver", "eq", "萧山"), set()),
    ],
)
def test_names(words: tuple[str, ...], expected: set[str]) -> None:
    assert select(*words) == expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        # amount_yuan is missing for c-people: only ne lets it through.
        ("eq", "3900万", {"a-fund"}),
        ("ne", "3900万", {"b-donation", "c-people", "d-total"}),
        ("gt", "0", {"a-fund", "b-donation", "d-total"}),
        ("ge", "0", {"a-fund", "b-donation", "d-total"}),
        ("lt", "10亿", {"a-fund", "b-donation", "d-total"}),
        ("le", "10亿", {"a-fund", "b-donation", "d-total"}),
        ("has", "0", {"a-fund", "b-donation", "d-total"}),
        ("in", "3900万,150万", {"a-fund", "b-donation"}),
        ("in", "3900万,null", {"a-fund", "c-people"}),
        ("eq", "null", {"c-people"}),
        ("eq", "", {"c-people"}),
        ("=", "NULL", {"c-people"}),
        ("ne", "null", {"a-fund", "b-donation", "d-total"}),
        ("!=", "", {"a-fund", "b-donation", "d-total"}),
    ],
)
def test_missing_value_rule(op: str, value: str, expected: set[str]) -> None:
    assert select("amount_yuan", op, value) == expected
    # eq and ne always split the records in two.
    if op in ("eq", "ne"):
        other = "ne" if op == "eq" else "eq"
        assert select("amount_yuan", other, value) == EVERY - expected


@pytest.mark.parametrize("field", ["period_end", "part_of", "note", "year"])
def test_missing_value_rule_for_every_type(field: str) -> None:
    """c-people has no period_end, year, part_of or note: every operator treats it alike."""
    value = {"period_end": "2022", "part_of": "a-fund", "note": "企业捐款", "year": "2022"}[field]
    assert "c-people" not in select(field, "eq", value)
    assert "c-people" in select(field, "ne", value)
    assert "c-people" not in select(field, "has", value[:2])
    assert "c-people" not in select(field, "in", value)
    assert select(field, "eq", "null") >= {"c-people"}
    assert "c-people" not in select(field, "ne", "null")
    if FIELDS[field].ordered:
        for op in ("gt", "ge", "lt", "le"):
            assert "c-people" not in select(field, op, value)
    for op in ("gt", "ge", "lt", "le", "has"):
        with pytest.raises(UsageProblem):
            compile_all([field, op, "null"], SMALL)


def test_words_and_symbols_mix_and_agree() -> None:
    pairs = [
        (("amount_yuan", "ge", "150万"), ("amount_yuan>=150万",)),
        (("amount_yuan", ">=", "150万"), ("amount_yuan >= 150万",)),
        (("year", "ne", "2021"), ("year!=2021",)),
        (("note", "has", "捐"), ("note~捐",)),
        (("as_of", "lt", "2023"), ("as_of<2023",)),
        (("category", "eq", "财政援助", "year=null"), ("category=财政援助", "year", "eq", "null")),
    ]
    for words, symbols in pairs:
        assert select(*words) == select(*symbols), words


# ─── robustness ───────────────────────────────────────────────────────────────────────────

_WORDS = st.one_of(
    st.sampled_from(
        [*FIELD_NAMES, "eq", "ne", "gt", "ge", "lt", "le", "has", "in", "IN", "=", "==", "!=", ">"]
    ),
    st.sampled_from([">=", "<", "<=", "~", "", " ", "null", "3900万", "2021-2022", "苍溪", "蒼溪"]),
    st.sampled_from(["a,,b", ",", "、", "true", "2021-13", "1e400", "9" * 40, "-", "½", "１２３"]),
    st.sampled_from(
        ["amount_yuan>=3900万", "year in 2021,null", "x=y", "北京", "财政援助,人才交流"]
    ),
    st.text(max_size=8),
)


_FIELDS = st.sampled_from([*FIELD_NAMES, "nosuch"])
_OPS = st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le", "has", "in", "=", "!=", ">=", "~"])
_VALUES = st.one_of(
    st.sampled_from(["3900万", "-1亿", "2021", "2021-2022", "2021-06", "null", "", "true", "苍溪"]),
    st.sampled_from(["萧山,苍溪", "财政援助,人才交流", "actual", "县级", "a-fund", "1,2", "x"]),
    st.text(max_size=6),
)
_TRIPLE = _FIELDS.flatmap(
    lambda f: st.tuples(
        st.just(f), _OPS, st.one_of(st.just(FIELDS[f].example if f in FIELDS else "1"), _VALUES)
    )
)


def _never_crash(words: list[str]) -> None:
    try:
        predicates = compile_all(words, SMALL)
    except UsageProblem as problem:
        assert "\n" not in str(problem)
        return
    for predicate in predicates:
        for r in RECORDS:
            assert isinstance(predicate(r), bool)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_WORDS, max_size=7))
def test_any_words_give_predicates_or_a_usage_problem(words: list[str]) -> None:
    _never_crash(words)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_TRIPLE, min_size=1, max_size=3))
def test_any_triples_give_predicates_or_a_usage_problem(triples: list[tuple[str, ...]]) -> None:
    """Mostly well-formed triples: the values, not only the grammar, get exercised."""
    _never_crash([word for triple in triples for word in triple])


# ─── the field catalogue ──────────────────────────────────────────────────────────────────


def test_catalogue_is_the_query_fields_with_known_types() -> None:
    assert tuple(FIELDS) == FIELD_NAMES == QUERY_FIELDS
    assert {field.type for field in FIELDS.values()} == set(TYPES)
    rows = fields_rows()
    assert [tuple(row) for row in rows] == [FIELDS_COLUMNS] * len(FIELD_NAMES)
    assert [row["field"] for row in rows] == list(FIELD_NAMES)
    assert all(row["example"] and row["meaning"] for row in rows)
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows
    assert rows[FIELD_NAMES.index("amount_yuan")] == {
        "field": "amount_yuan",
        "type": "amount",
        "example": "3900万",
        "meaning": "金额（元）/ money in exact yuan; null if not money",
    }


# Each example as the stored data holds it, written out by hand.
_STORED = {
    "value": 39_000_000,
    "amount_yuan": 39_000_000,
    "year": 2021,
    "cumulative": True,
    "derived": True,
}


def test_catalogue_examples_are_in_the_data() -> None:
    """Checked against the raw data/xiezuo.json: a record has the example (text fields: in a
    part of one; name fields: a place or pairing answers to it)."""
    raw = json.loads(BUNDLED.read_text(encoding="utf-8"))
    records = list(raw["record"].values())
    names = {n for p in raw["place"].values() for n in p["names"]}
    names |= {n for p in raw["pairing"].values() for n in [p["id"], *p["names"]["pair"]]}
    for field in FIELDS.values():
        if field.type == "name":
            assert field.example in names, field
            continue
        if field.name == "citations":
            held = [len(r["citations"]) for r in records]
        elif field.name == "source":
            held = [r["citations"][0]["source"] for r in records]
        elif field.name == "quote":
            held = [c["quote"] or "" for r in records for c in r["citations"]]
        elif field.name == "derived":  # not stored: a derivation makes a figure derived
            held = [r.get("derivation") is not None for r in records]
        else:
            held = [r[field.name] for r in records]
        wanted = _STORED.get(field.name, field.example)
        if field.type == "text" and field.name in ("quote", "note", "derivation"):
            assert any(wanted in (value or "") for value in held), field
        elif field.type == "count":
            assert int(wanted) in held, field
        else:
            assert wanted in held, field


def test_catalogue_examples_select_records() -> None:
    data = dataset.load(BUNDLED)
    for field in FIELDS.values():
        op = "has" if field.name in ("quote", "note", "derivation") else "eq"
        assert select(field.name, op, field.example, data=data), field


# ─── the command ──────────────────────────────────────────────────────────────────────────


def _yaml(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8")) or []


_PAIRINGS = {p["id"]: p for p in _yaml("pairings.yaml")}
_MONEY = re.compile(r"(?:约|近|超过|超)?(\d+(?:\.\d+)?)余?([万亿])?余?元")


def _oracle(raw: dict[str, Any]) -> dict[str, Any]:
    start, end = (None if d is None else str(d) for d in raw["period"] or (None, None))
    money = None if "unit" in raw else _MONEY.fullmatch(raw["figure"])
    assert "unit" in raw or money, raw["figure"]
    factor = {None: 1, "万": 10**4, "亿": 10**8}
    return {
        "id": raw["id"],
        "pairing": raw["pairing"],
        "provider": str(_PAIRINGS[raw["pairing"]]["provider"]),
        "receiver": str(_PAIRINGS[raw["pairing"]]["receiver"]),
        "category": raw["category"],
        "amount_yuan": int(Decimal(money[1]) * factor[money[2]]) if money else None,
        "year": int(start[:4]) if start and end and start[:4] == end[:4] else None,
        "part_of": raw.get("part_of"),
    }


ORACLE = [_oracle(raw) for raw in _yaml("records.yaml") + _yaml("records-facts.yaml")]


def where(test: Callable[[dict[str, Any]], bool]) -> set[str]:
    return {r["id"] for r in ORACLE if test(r)}


ALL = where(lambda r: True)
XIAOSHAN_PROVIDES = where(lambda r: r["provider"] == "330109")  # 杭州市萧山区
MONEY = where(lambda r: r["amount_yuan"] is not None)


def ids(cli: Cli, *args: str) -> set[str]:
    result = cli("filter", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return {row["id"] for row in json.loads(result.stdout)}


def usage_error(cli: Cli, *args: str) -> str:
    result = cli("filter", *args)
    assert result.exit_code == 2, (result.exit_code, result.stdout)
    assert result.stdout == ""
    return one_error_line(result)


def test_oracle() -> None:
    assert (len(ALL), len(MONEY), len(XIAOSHAN_PROVIDES)) == (191, 60, 84)


CASES: Sequence[tuple[tuple[str, ...], tuple[str, ...], set[str]]] = (
    (
        ("amount_yuan", "ge", "3900万", "category", "eq", "财政援助"),
        ("amount_yuan>=3900万", "category=财政援助"),
        where(lambda r: (r["amount_yuan"] or 0) >= 39_000_000 and r["category"] == "财政援助"),
    ),
    (
        ("year", "ne", "2021", "category", "in", "财政援助,社会帮扶"),
        ("year!=2021", "category in 财政援助,社会帮扶"),
        where(lambda r: r["year"] != 2021 and r["category"] in ("财政援助", "社会帮扶")),
    ),
    (
        ("year", "eq", "2021-2022"),
        ("year=2021-2022",),
        where(lambda r: r["year"] in (2021, 2022)),
    ),
    (
        ("year", "in", "2017,2023"),
        ("year in 2017,2023",),
        where(lambda r: r["year"] in (2017, 2023)),
    ),
    (
        ("amount_yuan", "in", "3900万,1亿"),
        ("amount_yuan in 39000000,100000000",),
        where(lambda r: r["amount_yuan"] in (39_000_000, 100_000_000)),
    ),
    (("provider", "eq", "萧山"), ("provider=蕭山",), XIAOSHAN_PROVIDES),
    (("provider", "ne", "xiaoshan"), ("provider!=萧山区",), ALL - XIAOSHAN_PROVIDES),
    (
        ("receiver", "in", "苍溪,康定"),
        ("receiver in 510824,甘孜州康定市",),
        where(lambda r: r["receiver"] in ("510824", "513301")),
    ),
    (("part_of", "eq", "null"), ("part_of=",), where(lambda r: r["part_of"] is None)),
    (("part_of", "ne", "null"), ("part_of!=null",), where(lambda r: r["part_of"] is not None)),
)


@pytest.mark.parametrize(("words", "symbols", "expected"), CASES)
def test_word_and_symbol_forms_select_the_same_records(
    cli: Cli, words: tuple[str, ...], symbols: tuple[str, ...], expected: set[str]
) -> None:
    assert expected
    assert ids(cli, *words) == ids(cli, *symbols) == expected


def test_provider_selects_every_pairing_of_that_place(cli: Cli) -> None:
    xiaoshan_pairings = {p for p, doc in _PAIRINGS.items() if str(doc["provider"]) == "330109"}
    assert len(xiaoshan_pairings) == 5
    assert ids(cli, "provider", "eq", "萧山") == where(lambda r: r["pairing"] in xiaoshan_pairings)


@pytest.mark.parametrize(
    ("op", "value", "test"),
    [
        ("eq", "3900万", lambda a: a == 39_000_000),
        ("ne", "3900万", lambda a: a != 39_000_000),  # records without an amount too
        ("gt", "3900万", lambda a: a is not None and a > 39_000_000),
        ("ge", "3900万", lambda a: a is not None and a >= 39_000_000),
        ("lt", "3900万", lambda a: a is not None and a < 39_000_000),
        ("le", "3900万", lambda a: a is not None and a <= 39_000_000),
        ("has", "39", lambda a: a is not None and "39" in str(a)),
        ("in", "3900万,null", lambda a: a in (39_000_000, None)),
        ("eq", "null", lambda a: a is None),
        ("ne", "null", lambda a: a is not None),
    ],
)
def test_missing_amounts_through_the_command(cli: Cli, op: str, value: str, test: Any) -> None:
    assert ids(cli, "amount_yuan", op, value) == where(lambda r: test(r["amount_yuan"]))


def test_a_negative_value_comes_after_double_dash(cli: Cli) -> None:
    assert ids(cli, "--", "amount_yuan", "gt", "-5") == MONEY
    assert ids(cli, "--", "amount_yuan", "ge", "-1万", "year", "eq", "null") == MONEY & where(
        lambda r: r["year"] is None
    )


def test_unknown_category_lists_the_choices(cli: Cli) -> None:
    line = usage_error(cli, "category", "eq", "扶贫")
    assert "'扶贫'" in line
    assert "财政援助, 社会帮扶, 消费帮扶, 产业合作, 劳务协作, 人才交流, 携手促振兴, 成效" in line


def test_unknown_kind_lists_the_data_kinds(cli: Cli) -> None:
    kinds = ", ".join(dict.fromkeys(doc["kind"] for doc in _PAIRINGS.values()))
    assert f"choose one of {kinds}" in usage_error(cli, "kind", "eq", "援藏")


def test_order_on_a_field_without_one(cli: Cli) -> None:
    assert "category has no order" in usage_error(cli, "category", "gt", "财政援助")
    assert "category has no order" in usage_error(cli, "category>财政援助")


@pytest.mark.parametrize(
    "words",
    [("amount_yuan",), ("amount_yuan", "ge"), ("ge", "1"), ("amount_yuan", "=>", "1"), ("x", "eq")],
)
def test_dangling_words_exit_2(cli: Cli, words: tuple[str, ...]) -> None:
    usage_error(cli, *words)


def test_unknown_field_suggests_the_closest(cli: Cli) -> None:
    line = usage_error(cli, "amount", "ge", "1")
    assert "did you mean amount_yuan" in line
    assert "valid fields: id, pairing," in line
