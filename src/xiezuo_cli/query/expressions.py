"""`xiezuo filter` conditions, parsed here and never passed to eval.

The command receives its arguments as a list of words. A condition is either three words,
``field OPERATOR value``, which need no shell quoting::

    xiezuo filter amount_yuan ge 3900万 category eq 财政援助

or one word ``field OP value`` with a symbol, which the shell must not see unquoted
(``>=`` would redirect): ``xiezuo filter 'amount_yuan>=3900万' 'category=财政援助'``. The two
forms mix freely; every condition must hold (AND). Operators:

    eq =   ne !=   gt >   ge >=   lt <   le <=   has ~   in

``has`` means "contains"; ``in`` takes a comma list (``category in 财政援助,社会帮扶``; 、 and ，
separate too), any item of which may match. A value beginning with ``-`` must come after ``--``
(``xiezuo filter -- amount_yuan gt -5``) or it is read as an option.

The value is read by the field's type in the catalogue (fields.py): amounts and numbers take
万/亿 (3900万, 2.22亿; in a list write them without thousands separators); dates every form
--since takes, a start ``2017`` meaning its first day and an end ``2021-06`` its last, with ``eq``
meaning "within" (``as_of eq 2021-11``); ``year`` a year or an inclusive range (``year eq
2021-2022``); booleans true or false; ``citations`` compares the number of citations and ``has``
searches their sources, quotes and notes. ``pairing``, ``provider`` and ``receiver`` take any
name form (``provider eq 萧山`` is every 萧山 pairing); ``has`` looks for a part of a name form.
A choice field (category, kind, level, stage, actor, approx, scope) takes only its values. Only
ordered types (amount, number, date, year, count) take gt, ge, lt, le.

Missing values (null) are treated alike by every operator. A missing value never satisfies eq,
gt, ge, lt, le, has or in: a comparison with nothing is false. It satisfies ne, since it is not
equal to the value: ``year ne 2021`` keeps the records without a year, so ``field eq X`` and
``field ne X`` always split the records in two. To test for a missing value compare with null
or with nothing: ``part_of eq null`` (also ``'part_of='``), ``part_of ne null`` for a value that
is there, and ``in`` may list null (``year in 2021,null``). gt, ge, lt, le and has with null are
usage errors.

Every problem is a UsageProblem: one line, with an example to copy.
"""

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.amounts import AmountError, TooManyDigits, parse_quantity
from xiezuo_cli.model.periods import first_day, last_day
from xiezuo_cli.model.records import Record
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import ALIASES
from xiezuo_cli.query.fields import FIELDS, Field, lookup
from xiezuo_cli.storage.dataset import Dataset

Predicate = Callable[[Record], bool]

WORD_OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "has", "in")
SYMBOLS = {"=": "eq", "==": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
SYMBOLS["~"] = "has"
OPERATORS_HELP = "eq ne gt ge lt le has in (or = != > >= < <= ~)"

# A field is a name; anything name-like (as-of, 金额) is taken for one, to be told it is unknown.
_SYMBOL_FORM = re.compile(r"\s*([^\W\d][\w-]*)\s*(>=|<=|!=|==|=|>|<|~)\s*(.*?)\s*", re.DOTALL)
_WORD_FORM = re.compile(
    r"\s*([^\W\d][\w-]*)\s+((?i:eq|ne|gt|ge|lt|le|has|in))(?:\s+(.*?))?\s*", re.DOTALL
)
_IDENTIFIER = re.compile(r"[^\W\d][\w-]*")
_LIST_SEPARATOR = re.compile(r"[,，、]")
_NULL = ("", "null", "none")
_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
# A second value for the in examples of fields without a fixed list of choices.
_SECOND_EXAMPLE = {"pairing": "康定", "provider": "滨江", "receiver": "康定", "unit": "人"}
_SECOND_EXAMPLE |= {"amount_yuan": "1亿", "value": "1亿", "year": "2023", "citations": "3"}
_TRUE = ("true", "yes", "1", "是")
_FALSE = ("false", "no", "0", "否")

# A value as a condition holds it: the inclusive range it covers (a date, a year range) or, for
# any other value, that value twice; None for null. A name stays the text typed until the data
# resolves it.
Bounds = tuple[Any, Any]


class Condition(NamedTuple):
    """One parsed condition, checked as far as it can be without the data."""

    field: str
    op: str  # one of WORD_OPERATORS
    values: tuple[Any, ...]  # Bounds, a name's text, has's text, or None (null); several for in
    text: str  # as typed, for messages: "amount_yuan ge 3900万"
    value: str  # the value as typed (stripped): "3900万"


# ─── words to conditions (no data needed) ────────────────────────────────────────────────


def operator_of(word: str) -> str | None:
    """The operator a word is (ge, >=, GE all give ge), or None."""
    bare = word.strip()
    if bare in SYMBOLS:
        return SYMBOLS[bare]
    folded = bare.casefold()
    return folded if folded in WORD_OPERATORS else None


def example(field: Field) -> str:
    """A condition on ``field`` to copy, in the word form: amount_yuan ge 3900万."""
    return f"{field.name} {'ge' if field.ordered else 'eq'} {field.example}"


def _in_example(field: Field) -> str:
    """An in condition on ``field`` to copy: category in 财政援助,社会帮扶."""
    from xiezuo_cli.model.vocab import KINDS

    choices = KINDS if field.name == "kind" else field.choices
    values = choices[:2] if choices else (field.example, _SECOND_EXAMPLE.get(field.name, ""))
    return f"{field.name} in {','.join(v for v in values if v)}"


def parse_words(words: Sequence[str]) -> tuple[Condition, ...]:
    """Parse `filter`'s arguments: triples ``field OP value`` and one-word expressions, mixed.

    Raises UsageProblem for anything else, before any data is read.
    """
    words = [str(word) for word in words]
    conditions: list[Condition] = []
    index = 0
    while index < len(words):
        word = words[index]
        bare = word.strip()
        if bare in FIELDS:
            conditions.append(_triple(FIELDS[bare], words, index))
            index += 3
            continue
        expression = _SYMBOL_FORM.fullmatch(word) or _WORD_FORM.fullmatch(word)
        if expression is not None:
            field = lookup(expression[1])
            op = operator_of(expression[2])
            assert op is not None  # both patterns only match operators
            conditions.append(_condition(field, op, expression[3] or "", word.strip()))
            index += 1
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        if len(bare) > 1 and bare.startswith("-"):
            # Only when a caller lets unknown options through as arguments (--jsn, or -5 where
            # a field was due).
            raise UsageProblem(
                f"no such option {shown(bare)}; a value beginning with - goes after --: "
                "xiezuo filter -- amount_yuan gt -5"
            )
        if operator_of(word) is not None:
            raise UsageProblem(
                f"operator {shown(bare)} has no field before it: write field {bare} value, "
                f"e.g. {example(FIELDS['amount_yuan'])}"
            )
        if _IDENTIFIER.fullmatch(bare) and (
            not conditions or (following is not None and operator_of(following) is not None)
        ):
            lookup(bare)  # raises: not a field
        raise UsageProblem(_unexpected(word, conditions[-1] if conditions else None))
    return tuple(conditions)


def _triple(field: Field, words: Sequence[str], index: int) -> Condition:
    name = field.name
    if index + 1 >= len(words):
        raise UsageProblem(
            f"{shown(name)} needs an operator and a value: write {example(field)} "
            f"(operators: {OPERATORS_HELP})"
        )
    op = operator_of(words[index + 1])
    if op is None:
        raise UsageProblem(
            f"expected an operator after {shown(name)}, got {shown(words[index + 1])}: "
            f"use {OPERATORS_HELP}, e.g. {example(field)}"
        )
    if index + 2 >= len(words):
        raise UsageProblem(
            f"{name} {words[index + 1].strip()!s} needs a value, e.g. {example(field)} "
            f"(an empty '' or null tests for a missing value)"
        )
    value = words[index + 2]
    return _condition(field, op, value, f"{name} {words[index + 1].strip()} {value}")


def _unexpected(word: str, previous: Condition | None) -> str:
    where = f"after {shown(previous.text)}" if previous else "in filter"
    message = (
        f"unexpected {shown(word)} {where}: write a field, an operator and a value as three words "
        f"(amount_yuan ge 3900万) or as one quoted word ('amount_yuan>=3900万'); "
        f"operators: {OPERATORS_HELP}"
    )
    if previous is not None and previous.op in ("eq", "in") and previous.value:
        # category eq 财政援助 社会帮扶: several values are what in is for.
        message += (
            f"; for several values use in: {previous.field} in {previous.value},{word.strip()}"
        )
    return message


def _condition(field: Field, op: str, value: str, text: str) -> Condition:
    value = value.strip()
    if op == "in":
        items = [item.strip() for item in _LIST_SEPARATOR.split(value)]
        if not value or not all(items):
            raise UsageProblem(
                f"{shown(text)}: in takes a comma list without empty items, e.g. "
                f"{_in_example(field)}"
            )
        typed = tuple(
            None if item.casefold() in _NULL else _typed(field, item, text) for item in items
        )
        return Condition(field.name, op, typed, text, value)
    if value.casefold() in _NULL:
        if op not in ("eq", "ne"):
            raise UsageProblem(
                f"{shown(text)}: only eq and ne (= and !=) compare with null, e.g. "
                f"{field.name} eq null"
            )
        return Condition(field.name, op, (None,), text, value)
    if op == "has":
        return Condition(field.name, op, (value,), text, value)
    if op in _ORDER and not field.ordered:
        raise UsageProblem(
            f"{field.name} has no order; use eq, ne, has or in, not {op} "
            f"({shown(text)}), e.g. {_in_example(field)}"
        )
    return Condition(field.name, op, (_typed(field, value, text),), text, value)


def _typed(field: Field, text: str, condition: str) -> Any:
    """A value read by the field's type: Bounds, or a name's text (resolved with the data)."""
    kind = field.type
    if kind in ("amount", "number", "count"):
        number = _number(text, field, condition)
        return (number, number)
    if kind == "date":
        from xiezuo_cli.model.dates import DateParseError, parse_date_span

        try:
            span = parse_date_span(text)
        except DateParseError as error:
            raise UsageProblem(f"{shown(condition)}: {error}") from None
        return (span.first, span.last)
    if kind == "year":
        from xiezuo_cli.query.filters import parse_year_range

        return parse_year_range(text, field.name)
    if kind == "boolean":
        folded = text.casefold()
        if folded not in _TRUE + _FALSE:
            raise UsageProblem(f"{shown(condition)}: {field.name} is true or false")
        truth = folded in _TRUE
        return (truth, truth)
    if kind == "choice":
        return (_choice(field, text, condition),) * 2
    if kind == "name":
        return text
    return (text, text)


def _choice(field: Field, text: str, condition: str) -> str:
    if field.name == "kind":
        return text  # the data's kinds: checked in compile_condition
    choice = ALIASES.get(field.name, {}).get(text, text)
    if choice not in field.choices:
        raise UsageProblem(_not_a_choice(field.name, text, condition, field.choices))
    return choice


def _not_a_choice(name: str, text: str, condition: str, choices: Iterable[str]) -> str:
    message = (
        f"invalid {name} {shown(text)} in {shown(condition)}: choose one of {', '.join(choices)}"
    )
    if _LIST_SEPARATOR.search(text):
        message += f"; for several use in: {name} in {text}"
    return message


def _number(text: str, field: Field, condition: str) -> int | float:
    sign = -1 if text[:1] in ("-", "−") else 1  # −5 too: a minus sign, not a hyphen
    try:
        quantity = parse_quantity(text[1:] if sign < 0 else text)
    except TooManyDigits as error:
        raise UsageProblem(
            f"invalid number {shown(text)} for {field.name} in {shown(condition)}: {error.reason}"
        ) from None
    except AmountError:
        quantity = None
    if quantity is None or quantity.unit not in ("", "元") or quantity.approx != "exact":
        raise UsageProblem(
            f"invalid number {shown(text)} for {field.name} in {shown(condition)}: "
            "use e.g. 39000000, 3900万 or 2.22亿"
        )
    return sign * quantity.value


# ─── conditions to predicates (with the data) ────────────────────────────────────────────


def compile_condition(condition: Condition, data: Dataset) -> Predicate:
    """A predicate on records; names and kinds are resolved against ``data`` here, once."""
    field = FIELDS[condition.field]
    op, values = condition.op, condition.values
    if op == "has":
        return _search(field, values[0], condition.text, data)
    wants_missing = None in values
    given = [value for value in values if value is not None]
    if field.type == "name":
        return _names(field, op, given, wants_missing, data)
    if field.name == "kind":
        known = tuple(dict.fromkeys(pairing.kind for pairing in data.pairings.values()))
        for low, _ in given:
            if low not in known:
                raise UsageProblem(_not_a_choice("kind", low, condition.text, known))
    get = _getter(field)
    if op in ("eq", "in"):

        def within(record: Record) -> bool:
            actual = get(record)
            if actual is None:
                return wants_missing
            return any(low <= actual <= high for low, high in given)

        return within
    if op == "ne":
        if wants_missing:
            return lambda record: get(record) is not None
        ((low, high),) = given

        def outside(record: Record) -> bool:
            actual = get(record)
            return actual is None or not low <= actual <= high

        return outside
    compare = _ORDER[op]
    ((low, high),) = given
    # gt passes what lies after the whole range, ge what is not before its start; lt and le alike.
    bound = high if op in ("gt", "le") else low

    def ordered(record: Record) -> bool:
        actual = get(record)
        return actual is not None and compare(actual, bound)

    return ordered


def compile_all(words: Iterable[str], data: Dataset) -> tuple[Predicate, ...]:
    """`filter`'s arguments as predicates, all of which a record must pass."""
    return compile_conditions(parse_words(list(words)), data)


def compile_conditions(conditions: Iterable[Condition], data: Dataset) -> tuple[Predicate, ...]:
    """Parsed conditions as predicates against this database (names resolved in it)."""
    return tuple(compile_condition(c, data) for c in conditions)


def compile_expression(expression: str, data: Dataset) -> Predicate:
    """One condition written as one word: 'amount_yuan>=3900万' or 'amount_yuan ge 3900万'."""
    predicates = compile_all([expression], data)
    if len(predicates) != 1:
        raise UsageProblem(f"{shown(expression)} is not one condition")
    return predicates[0]


def _getter(field: Field) -> Callable[[Record], Any]:
    """A field as conditions compare it: citations by their count, dates as days (a period's
    end as its last day, any other date as its first)."""
    name = field.name
    if name == "citations":
        return lambda record: len(record.citations)
    if field.type == "date":
        edge = last_day if name == "period_end" else first_day

        def day(record: Record) -> date | None:
            value = getattr(record, name)
            return None if value is None else date.fromisoformat(edge(value))

        return day
    return operator.attrgetter(name)


def _pairing_sides(field: Field) -> Callable[[Any], Iterable[frozenset[str]]]:
    """The normalised name forms a pairing answers to as ``field``."""
    from xiezuo_cli.model.names import normalize

    if field.name == "pairing":
        return lambda p: (
            p.provider.keys,
            p.receiver.keys,
            p.pair_keys,
            frozenset([normalize(p.id)]),
        )
    return lambda p: (getattr(p, field.name).keys,)


def _resolve(field: Field, name: str, data: Dataset) -> set[str]:
    """The pairing ids a name selects as ``field``; an unknown name is a usage error."""
    from xiezuo_cli.model.names import match_pairings, match_places

    if field.name == "pairing":
        return {pairing.id for pairing in match_pairings(data.pairings.values(), name)}
    places = {place.id for place in match_places(data.places, name, field.name)}
    return {
        pairing.id
        for pairing in data.pairings.values()
        if getattr(pairing, field.name).id in places
    }


def _names(
    field: Field, op: str, names: list[str], wants_missing: bool, data: Dataset
) -> Predicate:
    chosen: set[str] = set()
    for name in names:
        chosen |= _resolve(field, name, data)
    get = operator.attrgetter(field.name)
    if op == "ne":
        if wants_missing:
            return lambda record: get(record) is not None
        return lambda record: record.pairing not in chosen
    return lambda record: record.pairing in chosen or (wants_missing and get(record) is None)


def _search(field: Field, text: str, condition: str, data: Dataset) -> Predicate:
    if field.type == "name":
        from xiezuo_cli.model.names import normalize

        needle = normalize(text)
        if not needle:
            raise UsageProblem(f"{shown(condition)}: a name search needs letters or characters")
        sides = _pairing_sides(field)
        chosen = {
            pairing.id
            for pairing in data.pairings.values()
            if any(needle in key for keys in sides(pairing) for key in keys)
        }
        return lambda record: record.pairing in chosen
    needle = text.casefold()
    name = field.name
    if name == "citations":
        return lambda record: any(
            needle in f"{c.source} {c.quote or ''} {c.note or ''}".casefold()
            for c in record.citations
        )

    def contains(record: Record) -> bool:
        value = getattr(record, name)
        return value is not None and needle in _shown(value).casefold()

    return contains


def _shown(value: object) -> str:
    """A value as ``has`` searches it: booleans as true/false, numbers as their digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
