"""Stored documents from what a person (or an import) says: the write side's one builder.

``xiezuo add``, ``pairs add``, ``sources add``, ``edit`` and ``import`` all turn user-level fields
into the documents a database holds through this module, so a record written by the CLI has
exactly the shape ``scripts/build_db.py`` gives one, and every check is made in one place:

- ``record_document(fields, tables, data_dir)``: a full record document. Fields (keys of
  ``fields``; ``None`` or an empty text means "not given", except a quote, where empty is an
  error): ``id``; ``pairing`` (any name form or id); ``category``; ``measure``; ``item``; the
  number as ``amount`` (money: ``3900万``, ``2.22亿``, ``100余万元``, ``39000000``) or ``value``
  and ``unit`` (``1200`` ``人``; ``3900`` ``万元`` is money too) or only ``figure``; ``figure``
  (as the article writes it; default: the amount or value+unit as typed); ``approx`` (overrides
  what the wording gives); ``stage`` (default actual); ``actor`` (default unknown); ``scope``
  (default item); ``period`` (``2021-05..2021-11``, ``2021``, ``2021-05..``, or a pair) or
  ``period_start``/``period_end``; ``as_of`` (default: the first source's publication date);
  ``part_of``; ``revises``; ``citations`` (a list of ``{source, quote, note}``); ``note``.
  Derived as the build derives them: kind, level, provider/receiver names and codes from the
  pairing; amount_yuan, value, unit, approx from the figure; year and cumulative from the period.
- ``citation_document(record, fields, tables, data_dir)``: one more citation of a stored record.
- ``pairing_document(kind, provider, receiver, tables, ...)``: a pairing of two places of the
  database's place table (``place_document`` finds one by any name form or code).
- ``source_document(fields, tables)``: a source; ``write_source_text`` holds its text (read
  and cleaned by the CLI with extract's ``read_article``) in ``<data_dir>/sources/<id>.txt``.
- ``next_record_id(tables)`` and ``next_pairing_id``: the id rules (below).
- ``record_fields(document)``: a stored record back to user-level fields (``edit`` changes
  those and builds the document again, so whatever depends on a changed field is derived anew).
- ``references(tables, table, id)``: what would dangle if a document went.
- ``new_database_tables()``: the tables of a new database (``xiezuo init``).

Quotes: a source whose text is held (``text_held``) lives in ``<data_dir>/sources/<id>.txt``,
``data_dir`` being the database's folder. A quote must appear there verbatim and hold the
figure's number (3900 for 3900万元; or the same value written another way: 3900万元 for an amount
typed 39000000). An empty quote is an error; a quote for a source whose text is not held is an
error (there is nothing to check it against); no quote for a held text takes, as the build does,
the one sentence of the text that holds the figure (an error if there is not exactly one).

Ids: a record's id is the ``id`` given (an ASCII slug) or ``r-<n>``, one more than the largest
``r-<n>`` in the table (a readable slug from the receiver's pinyin would need pypinyin at run
time). A pairing's id is the one given or ``<provider>-<receiver>`` from the pinyin forms the place
table stores (余杭区 → 广元市苍溪县: ``yuhang-cangxi``), with ``-2``, ``-3`` … if that is taken.

Every problem is a FieldError (a UsageProblem: exit 2), one line: ``<field>: <problem>``, its
``field`` and ``problem`` kept apart so a caller can name the field its own way (the CLI says
``--part-of``, an import a column and a row).

Nothing here writes the database: callers build documents inside ``store.transaction``, which
validates the whole file before writing it.
"""

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.periods import last_day, period_year
from xiezuo_cli.model.records import RECORD_FIELDS
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import (
    ACTORS,
    APPROX,
    CATEGORIES,
    DISPLAY_UNITS,
    KINDS,
    MONEY_UNIT,
    SCHEMA_VERSION,
    SCOPES,
    STAGES,
)
from xiezuo_cli.storage.held import SOURCES_FOLDER

Tables = Mapping[str, Sequence[dict[str, Any]]]

# The fields record_document takes.
RECORD_INPUT_FIELDS = (
    "id",
    "pairing",
    "category",
    "measure",
    "item",
    "amount",
    "value",
    "unit",
    "figure",
    "approx",
    "stage",
    "actor",
    "scope",
    "period",
    "period_start",
    "period_end",
    "as_of",
    "part_of",
    "revises",
    "citations",
    "note",
    "derivation",
)
SOURCE_INPUT_FIELDS = (
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
    "note",
)
CITATION_INPUT_FIELDS = ("source", "quote", "note")

DEFAULT_STAGE, DEFAULT_ACTOR, DEFAULT_SCOPE = "actual", "unknown", "item"
MAX_TEXT_BYTES = 16 * 2**20  # a held article; anything larger is not one
_RECORD_ID = re.compile(r"r-([0-9]+)")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_IN_NOTES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
# A number as written in a figure or a quote: 3900, 1,085, 2.22, and a 百千万亿 multiplier after it.
_NUMBER = re.compile(r"[0-9][0-9,，]*(?:\.[0-9]+)?")
_QUANTITY = re.compile(r"([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(?:余|多)?\s*([百千]?[万亿]?)")
_CHINESE_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
# A sentence ends at 。！？ or an ellipsis, with any closing quotation marks (as the build cuts).
_SENTENCE = re.compile(r"[^。！？…]*(?:[。！？]|…+)[”’」』]*|[^。！？…]+$")
MAX_ID_LENGTH = 200
MAX_YUAN = 10**14
MAX_VALUE = 10**15
MIN_YEAR, MAX_YEAR = 1949, 2100


class FieldError(UsageProblem):
    """A field a user gave cannot be stored: ``<field>: <problem>``, one line, exit 2."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


# ─── small readers of user-level values ───────────────────────────────────────────────────


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:60] + "…")


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _text(fields: Mapping[str, object], name: str, *, required: bool, note: bool = False) -> Any:
    value = fields.get(name)
    if not _given(value):
        if required:
            raise FieldError(name, "missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(name, f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    unsafe = (_UNSAFE_IN_NOTES if note else _UNSAFE).search(text)
    if unsafe:
        raise FieldError(
            name, f"holds a control, bidi or zero-width character (U+{ord(unsafe[0]):04X})"
        )
    return text


def check_choice(field: str, value: object, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``, else FieldError listing them."""
    text = str(value).strip() if value is not None else ""
    if text not in allowed:
        raise FieldError(field, f"{_shown(text)} is not one of {', '.join(allowed)}")
    return text


def check_slug(field: str, value: object) -> str:
    text = str(value).strip() if value is not None else ""
    if len(text) > MAX_ID_LENGTH or not _SLUG.fullmatch(text):
        raise FieldError(
            field, f"{_shown(text)} is not an id: lower-case ASCII letters, digits and hyphens"
        )
    return text


def check_date(field: str, value: object, *, month: bool = False) -> str:
    """A real date written YYYY, YYYY-MM or YYYY-MM-DD (``month``: YYYY or YYYY-MM only)."""
    text = str(value).strip()
    match = _DATE.fullmatch(text)
    forms = "2021 or 2021-05" if month else "2021, 2021-05 or 2021-05-17"
    if match is None or (month and match[3] is not None):
        raise FieldError(field, f"{_shown(text)} is not a date: use {forms}")
    year = int(match[1])
    real = MIN_YEAR <= year <= MAX_YEAR
    if real and match[2] is not None:
        real = 1 <= int(match[2]) <= 12
        if real and match[3] is not None:
            import calendar

            real = 1 <= int(match[3]) <= calendar.monthrange(year, int(match[2]))[1]
    if not real:
        raise FieldError(
            field, f"{_shown(text)} is not a real date ({MIN_YEAR}–{MAX_YEAR}; use {forms})"
        )
    return text


def parse_period(field: str, value: object) -> tuple[str | None, str | None]:
    """``2021-05..2021-11``, ``2021`` (both ends), ``2021-05..`` or ``..2021-11`` (one open end),
    or a pair (start, end) of which either may be None."""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise FieldError(field, "expected a start and an end")
        ends = [None if not _given(end) else str(end).strip() for end in value]
    else:
        text = str(value).strip()
        if ".." in text:
            start_text, _, end_text = text.partition("..")
            ends = [start_text.strip() or None, end_text.strip() or None]
        else:
            ends = [text, text]
    start, end = (None if end is None else check_date(field, end) for end in ends)
    if start is not None and end is not None and _first(start) > last_day(end):
        raise FieldError(field, f"the period ends ({end}) before it starts ({start})")
    return start, end


def _first(date_text: str) -> str:
    return date_text + "-01-01"[len(date_text) - 4 :] if len(date_text) < 10 else date_text


def _boolean(fields: Mapping[str, object], name: str) -> bool:
    value = fields.get(name)
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise FieldError(name, f"{_shown(value)} is not true or false")


def _unknown_fields(fields: Mapping[str, object], known: Sequence[str]) -> None:
    unknown = [name for name in fields if name not in known]
    if unknown:
        raise FieldError(unknown[0], f"no such field; the fields are {', '.join(known)}")


# ─── figures ──────────────────────────────────────────────────────────────────────────────


class Figure(NamedTuple):
    value: int | float
    unit: str
    amount_yuan: int | None
    figure: str  # as written
    approx: str  # what the wording gives


def _negative(text: str) -> bool:
    return text.lstrip()[:1] in ("-", "−", "－")


def parse_amount(field: str, value: object) -> Figure:
    """Money as typed: 3900万, 3900万元, 2.22亿, 100余万元, 39000000 (whole yuan, 0 or more).
    A Figure is one already parsed (the command line parses --amount once, at the edge)."""
    from xiezuo_cli.model.amounts import AmountError, TooManyDigits, parse_quantity

    if isinstance(value, Figure):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(field, f"{_shown(value)} is not an amount: use 3900万, 2.22亿 or 39000000")
    text = str(value).strip()
    if _negative(text):
        raise FieldError(field, f"{_shown(text)} is negative: an amount is 0 or more")
    try:
        quantity = parse_quantity(text)
    except TooManyDigits as error:
        raise FieldError(field, f"{_shown(text)} is not an amount: {error.reason}") from None
    except AmountError:
        raise FieldError(
            field, f"{_shown(text)} is not an amount: use 3900万, 2.22亿, 100余万元 or 39000000"
        ) from None
    if quantity.unit not in ("", MONEY_UNIT):
        raise FieldError(
            field,
            f"{_shown(text)} is not money (元, 万, 亿); a count takes a value and a unit",
        )
    if not isinstance(quantity.value, int):
        raise FieldError(field, f"{_shown(text)} is not a whole number of yuan")
    if quantity.value > MAX_YUAN:
        raise FieldError(field, f"{_shown(text)} is more than {MAX_YUAN} yuan")
    return Figure(quantity.value, MONEY_UNIT, quantity.value, text, quantity.approx)


def parse_value(field: str, value: object) -> int | float:
    """A number: 1200, 79.5, 1,200 (an int whenever it is whole)."""
    if isinstance(value, bool):
        raise FieldError(field, f"{shown(value)} is not a number")
    if isinstance(value, int | float):
        number: int | float = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        from xiezuo_cli.model.amounts import MAX_DIGITS

        if sum(c.isdigit() for c in text) > MAX_DIGITS:
            raise FieldError(field, f"{_shown(value)} is too large")
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise FieldError(field, f"{_shown(value)} is not a number") from None
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")):
            raise FieldError(field, f"{_shown(value)} is not a number")
        if number.is_integer():
            number = int(number)
    if abs(number) > MAX_VALUE:
        raise FieldError(field, f"{_shown(value)} is too large")
    return number


def _figure(fields: Mapping[str, object]) -> Figure:
    from xiezuo_cli.model.amounts import AmountError, TooManyDigits, parse_quantity

    amount, value, unit = fields.get("amount"), fields.get("value"), fields.get("unit")
    written = _text(fields, "figure", required=False)
    if _given(amount) and (_given(value) or _given(unit)):
        raise FieldError("amount", "give an amount, or a value and a unit, not both")
    if not _given(amount) and not _given(value) and not _given(unit):
        if written is None:
            raise FieldError("amount", "missing: give an amount (3900万) or a value and a unit")
        amount = written  # the figure alone, as the build reads it
    if _given(amount):
        found = parse_amount("figure" if amount is written else "amount", amount)
        if written is None:
            return found
        figure = parse_amount("figure", written) if written is not amount else found
        if figure.amount_yuan != found.amount_yuan:
            raise FieldError(
                "figure",
                f"{_shown(written)} says {figure.amount_yuan} yuan, the amount {found.amount_yuan}",
            )
        return found._replace(figure=written, approx=figure.approx)
    if not _given(value):
        raise FieldError("value", "missing: a unit needs a value")
    unit_text = _text(fields, "unit", required=True)
    number = parse_value("value", value)
    typed = (str(value).strip() if isinstance(value, str) else _number_text(number)) + unit_text
    if unit_text in DISPLAY_UNITS:  # 3900 万元: money
        if number < 0:
            raise FieldError("value", f"{_shown(value)} is negative: an amount is 0 or more")
        money = parse_amount("value", _number_text(number) + unit_text)
        money = money._replace(figure=typed)
        if written is None:
            return money
        figure = parse_amount("figure", written)
        if figure.amount_yuan != money.amount_yuan:
            raise FieldError(
                "figure", f"{_shown(written)} says {figure.amount_yuan} yuan, the value {typed}"
            )
        return money._replace(figure=written, approx=figure.approx)
    if unit_text == MONEY_UNIT.strip():  # unreachable: 元 is a display unit
        raise FieldError("unit", "money is in 元")
    figure_text = written or typed
    try:
        quantity = parse_quantity(figure_text)
    except TooManyDigits as error:
        raise FieldError("figure" if written else "value", error.reason) from None
    except AmountError:
        if written is not None:
            raise FieldError(
                "figure", f"{_shown(written)} is not a figure (a number as written)"
            ) from None
        raise FieldError("value", f"{_shown(typed)} is not a figure") from None
    if written is not None and quantity.value != number:
        raise FieldError("figure", f"{_shown(written)} says {quantity.value}, the value {number}")
    return Figure(number, unit_text, None, figure_text, quantity.approx)


def _number_text(number: int | float) -> str:
    return str(number) if isinstance(number, int) else repr(number)


def _number_in(quote: str, figure: Figure) -> bool:
    """Whether a quote holds the figure's number: as written (3900 of 3900万元, 三 of 三家), or the
    same value written another way (3900万元 for an amount typed 39000000)."""
    plain = quote.replace(",", "").replace("，", "")
    if figure.figure in quote:
        return True
    written = _NUMBER.search(figure.figure)
    if written is not None:
        if written[0].replace(",", "").replace("，", "") in plain:
            return True
    else:
        numerals = [c for c in figure.figure if c in _CHINESE_NUMERALS]
        if numerals and "".join(numerals) in quote:
            return True
    from xiezuo_cli.model.amounts import MAX_DIGITS, MULTIPLIERS

    for match in _QUANTITY.finditer(quote):
        whole, _, decimals = match[1].replace(",", "").replace("，", "").partition(".")
        if len(whole) + len(decimals) > MAX_DIGITS:
            continue  # no figure's number (int() would refuse past 4300 digits)
        multiplier = 1
        for character in match[2]:
            multiplier *= MULTIPLIERS[character]
        scaled = int(whole + decimals) * multiplier
        if scaled % 10 ** len(decimals) == 0 and scaled // 10 ** len(decimals) == figure.value:
            return True
    return False


def sentences(text: str) -> list[str]:
    """The sentences of a held text, cut as the build cuts them."""
    found: list[str] = []
    for paragraph in text.split("\n"):
        found.extend(s for s in _SENTENCE.findall(paragraph.strip()) if s.strip())
    return found


# ─── tables ───────────────────────────────────────────────────────────────────────────────


def _by_id(tables: Tables, table: str) -> dict[str, dict[str, Any]]:
    return {str(doc.get("id")): doc for doc in tables.get(table, ())}


def _place_keys(place: Mapping[str, Any]) -> set[str]:
    from xiezuo_cli.model.names import normalize

    keys = {str(key) for key in place.get("names") or ()}
    keys.add(normalize(str(place.get("id"))))
    if place.get("code"):
        keys.add(str(place["code"]))
    return keys


def place_document(name: str, tables: Tables, field: str = "place") -> dict[str, Any]:
    """The document of the place table that ``name`` fits: any name form the table stores
    (苍溪, 苍溪县, 广元市苍溪县, 蒼溪, cangxi), its id or its code (510824). FieldError when no
    place or several (广安: 广安市 and 广安区) fit."""
    from xiezuo_cli.model.names import normalize

    places = list(tables.get("place", ()))
    key = normalize(str(name or ""))
    if not key:
        raise FieldError(field, "missing")
    found = [place for place in places if key in _place_keys(place)]
    if len(found) == 1:
        return found[0]
    if found:
        shown = ", ".join(f"{p.get('full_name')} ({p.get('id')})" for p in found[:5])
        raise FieldError(field, f"{_shown(name)} fits {len(found)} places: {shown}; give its code")
    import difflib

    names = {
        normalize(str(p.get(k))): str(p.get(k)) for p in places for k in ("short", "full_name")
    }
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.4)
    close += [k for k in names if key in k and k not in close]
    hint = f"; did you mean {', '.join(names[k] for k in close[:3])}?" if close else ""
    raise FieldError(
        field,
        f"unknown place {_shown(name)}: not in the database's place table "
        f"({len(places)} places){hint}",
    )


def find_pairing(name: str, tables: Tables, field: str = "pairing") -> dict[str, Any]:
    """The pairing ``name`` fits: its id, a provider–receiver form (余杭-苍溪, yuhang cangxi) or
    either place's name. FieldError when none or several fit (萧山 fits five: give the id)."""
    from xiezuo_cli.model.names import exact_id, known_list, normalize

    pairings = list(tables.get("pairing", ()))
    key = normalize(str(name or ""))
    if not key:
        raise FieldError(field, "missing")
    exact = exact_id((str(p.get("id")) for p in pairings), str(name))
    if exact is not None:
        return next(p for p in pairings if str(p.get("id")) == exact)
    places = _by_id(tables, "place")
    found: list[dict[str, Any]] = []
    for pairing in pairings:
        keys = set((pairing.get("names") or {}).get("pair") or ())
        for side in ("provider", "receiver"):
            place = places.get(str(pairing.get(side)))
            if place is not None:
                keys |= _place_keys(place)
        if key in keys:
            found.append(pairing)
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(str(p.get("id")) for p in found[:6])
        raise FieldError(field, f"{_shown(name)} fits {len(found)} pairings ({ids}); give its id")
    known = known_list([str(p.get("id")) for p in pairings])
    raise FieldError(field, f"unknown pairing {_shown(name)}; {known}")


def _within(places: Mapping[str, Mapping[str, Any]], place: str, ancestor: str) -> bool:
    current: str | None = place
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        parent = places.get(current, {}).get("parent")
        current = None if parent is None else str(parent)
    return False


def next_record_id(tables: Tables) -> str:
    """``r-<n>``: one more than the largest ``r-<n>`` of the record table (r-1 in a new one)."""
    highest = 0
    for doc in tables.get("record", ()):
        match = _RECORD_ID.fullmatch(str(doc.get("id")))
        if match:
            highest = max(highest, int(match[1]))
    return f"r-{highest + 1}"


def _pinyin_slug(place: Mapping[str, Any]) -> str:
    """The place's short name in pinyin, from the forms the table stores (苍溪 → cangxi)."""
    forms = [k for k in place.get("names") or () if isinstance(k, str) and k.isascii()]
    forms = [k for k in forms if k.isalpha()]
    if not forms:
        return str(place.get("id"))
    shortest = min(len(k) for k in forms)
    # pypinyin writes ü as v (lvyuan); luyuan is the stored variant without it
    return max((k for k in forms if len(k) == shortest), key=lambda k: (k.count("v"), k))


def next_pairing_id(
    provider: Mapping[str, Any], receiver: Mapping[str, Any], tables: Tables
) -> str:
    """``<provider>-<receiver>`` in pinyin (yuhang-cangxi), then -2, -3 … if that is taken."""
    base = f"{_pinyin_slug(provider)}-{_pinyin_slug(receiver)}"
    taken = set(_by_id(tables, "pairing"))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def pair_names(
    pairing_id: str, provider: Mapping[str, Any], receiver: Mapping[str, Any]
) -> list[str]:
    """The provider–receiver forms (余杭苍溪, 餘杭蒼溪, yuhangcangxi …), from the place forms the
    table stores: the build makes them with OpenCC and pypinyin, which the CLI never loads. Each
    side's forms are its short name and name in every script the table has (the stored forms as
    long as those) and its short name in pinyin."""
    from xiezuo_cli.model.names import normalize

    def forms(place: Mapping[str, Any]) -> set[str]:
        short, name = normalize(str(place.get("short"))), normalize(str(place.get("name")))
        stored = [str(k) for k in place.get("names") or ()]
        chinese = [k for k in stored if not k.isascii()]
        shorts = {k for k in chinese if len(k) == len(short)} | {short}
        # as long as the name, but a short name after a prefix (湖州南太湖) is not the name
        names = {
            k
            for k in chinese
            if len(k) == len(name) and not any(k.endswith(s) for s in shorts if len(s) < len(k))
        }
        ascii_forms = [k for k in stored if k.isascii() and k.isalpha()]
        shortest = min((len(k) for k in ascii_forms), default=0)
        return shorts | names | {name} | {k for k in ascii_forms if len(k) == shortest}

    pairs = {a + b for a in forms(provider) for b in forms(receiver)}
    pairs.add(normalize(pairing_id))
    return sorted(pairs)


# ─── documents ────────────────────────────────────────────────────────────────────────────


def pairing_document(
    kind: str,
    provider: str,
    receiver: str,
    tables: Tables,
    *,
    id: str | None = None,
    since: object = None,
    source: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A new pairing of two places of the table (any name form or code), checked: the kind, the
    places, no second pairing of one kind between the same two places, ``since`` (YYYY or
    YYYY-MM), the source."""
    kind = check_choice("kind", kind, KINDS)
    giver = place_document(provider, tables, "provider")
    taker = place_document(receiver, tables, "receiver")
    if giver["id"] == taker["id"]:
        raise FieldError("receiver", f"{taker['full_name']} is also the provider")
    for pairing in tables.get("pairing", ()):
        if (pairing.get("kind"), pairing.get("provider"), pairing.get("receiver")) == (
            kind,
            giver["id"],
            taker["id"],
        ):
            raise FieldError(
                "receiver",
                f"{giver['full_name']} → {taker['full_name']} ({kind}) is already pairing "
                f"{pairing.get('id')}",
            )
    if _given(id):
        pairing_id = check_slug("id", id)
        if pairing_id in _by_id(tables, "pairing"):
            raise FieldError("id", f"pairing {pairing_id} exists")
    else:
        pairing_id = next_pairing_id(giver, taker, tables)
    since_text = check_date("since", since, month=True) if _given(since) else None
    source_id = None
    if _given(source):
        source_id = check_slug("source", source)
        if source_id not in _by_id(tables, "source"):
            raise FieldError("source", f"no source {shown(source_id)} (xiezuo sources add)")
    return {
        "id": pairing_id,
        "kind": kind,
        "provider": giver["id"],
        "receiver": taker["id"],
        "since": since_text,
        "source": source_id,
        "note": _text({"note": note}, "note", required=False, note=True),
        "names": {"pair": pair_names(pairing_id, giver, taker)},
    }


def source_document(fields: Mapping[str, object], tables: Tables) -> dict[str, Any]:
    """A new source: ``id``, ``publisher`` and ``published`` are required; ``text_held`` true
    means its text is (to be) in ``sources/<id>.txt`` beside the database."""
    _unknown_fields(fields, SOURCE_INPUT_FIELDS)
    source_id = check_slug("id", _text(fields, "id", required=True))
    if source_id in _by_id(tables, "source"):
        raise FieldError("id", f"source {source_id} exists")
    held = _boolean(fields, "text_held")
    url = _text(fields, "url", required=False)
    if url is not None and (any(c.isspace() for c in url) or "://" not in url):
        raise FieldError("url", f"{_shown(url)} is not a URL")
    return {
        "id": source_id,
        "title": _text(fields, "title", required=False),
        "publisher": _text(fields, "publisher", required=True),
        "author": _text(fields, "author", required=False),
        "published": check_date("published", _text(fields, "published", required=True)),
        "published_inferred": _boolean(fields, "published_inferred"),
        "url": url,
        "reprint_of": _text(fields, "reprint_of", required=False),
        "excerpt_only": _boolean(fields, "excerpt_only"),
        "text_held": held,
        "text_file": f"{SOURCES_FOLDER}/{text_name(source_id)}" if held else None,
        "note": _text(fields, "note", required=False, note=True),
    }


def held_text(source: Mapping[str, Any], data_dir: str | None, field: str) -> str:
    """The held text of a source (UTF-8), from ``<data_dir>/<text_file>`` (held.py: never
    through a link, never outside ``sources/``). A text that cannot be read is DataFileError
    naming it (exit 3), as every file xiezuo reads."""
    from xiezuo_cli.storage import held

    if data_dir is None:
        raise FieldError(
            field, f"cannot be checked: the folder of {source['id']}'s text is unknown"
        )
    text_file = str(source.get("text_file"))
    data = held.read(data_dir, text_file, MAX_TEXT_BYTES)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        from xiezuo_cli.errors import DataFileError

        path = os.path.join(data_dir, text_file)
        raise DataFileError(path, f"the held text of {source['id']} is not UTF-8") from None


def _citation(
    index: int,
    raw: object,
    figure: Figure,
    sources: Mapping[str, dict[str, Any]],
    data_dir: str | None,
    prefix: str = "citations",
    *,
    derived: bool = False,
) -> dict[str, Any]:
    """One citation, its quote checked against the source's held text. A derived figure (worked
    out from the article's numbers) is not in the text: its quote, given, need only be there."""
    where = f"{prefix}[{index}]" if index >= 0 else prefix
    if not isinstance(raw, Mapping):
        raise FieldError(where, "expected {source, quote, note}")
    unknown = [name for name in raw if name not in CITATION_INPUT_FIELDS]
    if unknown:
        raise FieldError(
            f"{where}.{unknown[0]}", "no such field; a citation has source, quote, note"
        )
    if not _given(raw.get("source")):
        raise FieldError(f"{where}.source", "missing")
    source_id = check_slug(f"{where}.source", raw["source"])
    source = sources.get(source_id)
    if source is None:
        raise FieldError(f"{where}.source", f"no source {shown(source_id)} (xiezuo sources add)")
    quote = raw.get("quote")
    field = f"{where}.quote"
    if quote is not None and not isinstance(quote, str):
        raise FieldError(field, f"expected text, got {type(quote).__name__}")
    if quote is not None and not quote.strip():
        raise FieldError(field, "empty: give the sentence the figure comes from, or leave it out")
    if not source.get("text_held"):
        if quote is not None:
            raise FieldError(
                field,
                f"the text of {source_id} is not held, so a quote cannot be checked against it; "
                "leave the quote out",
            )
    else:
        text = held_text(source, data_dir, field)
        if quote is None:
            holders = [s for s in sentences(text) if figure.figure in s]
            if len(holders) != 1 or derived:
                found = "is derived, not" if derived else f"is in {len(holders)} sentences of"
                raise FieldError(
                    field,
                    f"missing: {_shown(figure.figure)} {found} the held text of {source_id}; "
                    "give the sentence",
                )
            quote = holders[0]
        quote = quote.strip()
        if _UNSAFE.search(quote):
            raise FieldError(field, "holds a control, bidi or zero-width character")
        if quote not in text:
            raise FieldError(field, f"not found verbatim in the held text of {source_id}")
        if not derived and not _number_in(quote, figure):
            raise FieldError(field, f"does not hold the figure's number ({_shown(figure.figure)})")
    return {
        "source": source_id,
        "quote": quote,
        "note": _text(raw, "note", required=False, note=True)
        if raw.get("note") is not None
        else None,
    }


def _known_by(
    citations: Sequence[Mapping[str, Any]], sources: Mapping[str, Mapping[str, Any]]
) -> str:
    return min(last_day(str(sources[c["source"]]["published"])) for c in citations)


def record_document(
    fields: Mapping[str, object], tables: Mapping[str, list[dict]], data_dir: str | None
) -> dict:
    """The stored document of one record, in the build's shape, from user-level fields (see the
    module's docstring), checked against ``tables``, the database it is to join: a given id must
    be new (to rebuild a record being edited, pass the tables without its old version)."""
    _unknown_fields(fields, RECORD_INPUT_FIELDS)
    records = _by_id(tables, "record")
    if _given(fields.get("id")):
        record_id = check_slug("id", fields["id"])
        if record_id in records:
            raise FieldError("id", f"record {record_id} exists")
    else:
        record_id = next_record_id(tables)
    pairing = find_pairing(_text(fields, "pairing", required=True), tables)
    places = _by_id(tables, "place")
    provider = places.get(str(pairing.get("provider")))
    receiver = places.get(str(pairing.get("receiver")))
    if provider is None or receiver is None:
        raise FieldError("pairing", f"{pairing.get('id')} names a place the table does not have")
    category = check_choice("category", _text(fields, "category", required=True), CATEGORIES)
    measure = _text(fields, "measure", required=True)
    item = _text(fields, "item", required=True)
    figure = _figure(fields)
    approx = figure.approx
    if _given(fields.get("approx")):
        approx = check_choice("approx", fields["approx"], APPROX)
    stage = check_choice("stage", fields.get("stage") or DEFAULT_STAGE, STAGES)
    actor = check_choice("actor", fields.get("actor") or DEFAULT_ACTOR, ACTORS)
    scope = check_choice("scope", fields.get("scope") or DEFAULT_SCOPE, SCOPES)
    start, end = _period(fields)
    year = period_year(start, end)
    sources = _by_id(tables, "source")
    raw_citations = fields.get("citations")
    if not isinstance(raw_citations, list | tuple) or not raw_citations:
        raise FieldError("citations", "missing: a figure needs at least one source")
    citations = []
    seen: set[str] = set()
    derivation = _text(fields, "derivation", required=False, note=True)
    for index, raw in enumerate(raw_citations):
        citation = _citation(index, raw, figure, sources, data_dir, derived=derivation is not None)
        if citation["source"] in seen:
            raise FieldError(f"citations[{index}].source", f"{citation['source']} is cited twice")
        seen.add(citation["source"])
        citations.append(citation)
    as_of = last_day(str(sources[citations[0]["source"]]["published"]))
    if _given(fields.get("as_of")):
        as_of = last_day(check_date("as_of", fields["as_of"]))
    built = {
        "id": record_id,
        "pairing": pairing["id"],
        "kind": pairing["kind"],
        "level": receiver.get("level"),
        "provider": provider.get("full_name"),
        "provider_code": provider.get("code"),
        "receiver": receiver.get("full_name"),
        "receiver_code": receiver.get("code"),
        "category": category,
        "item": item,
        "measure": measure,
        "value": figure.value,
        "unit": figure.unit,
        "amount_yuan": figure.amount_yuan,
        "approx": approx,
        "period_start": start,
        "period_end": end,
        "year": year,
        "cumulative": bool(start or end) and year is None,
        "as_of": as_of,
        "stage": stage,
        "actor": actor,
        "scope": scope,
        "part_of": _reference(fields, "part_of", record_id, records),
        "revises": _reference(fields, "revises", record_id, records),
        "source": None,  # placeholders keep the contract order; dropped below, as the build does
        "quote": None,
        "citations": citations,
        "note": _text(fields, "note", required=False, note=True),
        "derived": None,  # derived from derivation, never stored
        "derivation": derivation,
    }
    assert tuple(built) == RECORD_FIELDS
    del built["source"], built["quote"], built["derived"]
    built["figure"] = figure.figure
    _check_part_of(built, records, places, tables)
    _check_revises(built, records, sources)
    return built


def _period(fields: Mapping[str, object]) -> tuple[str | None, str | None]:
    if _given(fields.get("period")):
        if _given(fields.get("period_start")) or _given(fields.get("period_end")):
            raise FieldError("period", "give a period, or its start and end, not both")
        return parse_period("period", fields["period"])
    start = (
        check_date("period_start", fields["period_start"])
        if _given(fields.get("period_start"))
        else None
    )
    end = (
        check_date("period_end", fields["period_end"]) if _given(fields.get("period_end")) else None
    )
    if start is not None and end is not None and _first(start) > last_day(end):
        raise FieldError("period_end", f"the period ends ({end}) before it starts ({start})")
    return start, end


def _reference(
    fields: Mapping[str, object], field: str, record_id: str, records: Mapping[str, Any]
) -> str | None:
    if not _given(fields.get(field)):
        return None
    target = check_slug(field, fields[field])
    if target == record_id:
        raise FieldError(field, f"{target} is this record itself")
    if target not in records:
        raise FieldError(field, f"no record {shown(target)}")
    return target


def _check_part_of(
    record: Mapping[str, Any],
    records: Mapping[str, Mapping[str, Any]],
    places: Mapping[str, Mapping[str, Any]],
    tables: Tables,
) -> None:
    """What the loader checks of a part and its whole, said of the field a person gave."""
    whole_id = record["part_of"]
    if whole_id is not None:
        whole = records[whole_id]
        current: Mapping[str, Any] | None = whole
        seen: set[str] = set()
        while current is not None and str(current.get("id")) not in seen:
            if current.get("part_of") == record["id"]:
                raise FieldError("part_of", f"{whole_id} is itself (within) a part of this record")
            seen.add(str(current.get("id")))
            target = current.get("part_of")
            current = records.get(str(target)) if target is not None else None
        if whole.get("pairing") != record["pairing"]:
            pairings = _by_id(tables, "pairing")
            mine, theirs = pairings[record["pairing"]], pairings.get(str(whole.get("pairing")), {})
            if not (
                _within(places, str(mine.get("provider")), str(theirs.get("provider")))
                and _within(places, str(mine.get("receiver")), str(theirs.get("receiver")))
            ):
                raise FieldError(
                    "part_of",
                    f"{whole_id} belongs to {whole.get('pairing')}, which is neither this "
                    f"pairing ({record['pairing']}) nor one above it",
                )
        if whole.get("unit") != record["unit"]:
            raise FieldError(
                "part_of", f"{whole_id} is counted in {whole.get('unit')}, this in {record['unit']}"
            )
        if whole.get("approx") != "at_least":
            if record["value"] > whole.get("value", 0):
                raise FieldError(
                    "part_of",
                    f"this ({record['figure']}) is larger than its whole {whole_id} "
                    f"({whole.get('figure')})",
                )
            siblings = [
                r
                for r in records.values()
                if r.get("part_of") == whole_id and r.get("id") != record["id"]
            ]
            total = sum(r.get("value", 0) for r in siblings) + record["value"]
            if total > whole.get("value", 0):
                raise FieldError(
                    "part_of",
                    f"with the other parts of {whole_id} this adds up to {total}, more than its "
                    f"{whole.get('value')}",
                )
    if record["approx"] != "at_least":
        parts = [
            r
            for r in records.values()
            if r.get("part_of") == record["id"] and r.get("id") != record["id"]
        ]
        total = sum(r.get("value", 0) for r in parts)
        if parts and total > record["value"]:
            field = "amount" if record["amount_yuan"] is not None else "value"
            raise FieldError(
                field,
                f"smaller than its parts ({', '.join(str(p['id']) for p in parts[:3])}), "
                f"which add up to {total}",
            )


def _check_revises(
    record: Mapping[str, Any],
    records: Mapping[str, Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
) -> None:
    old_id = record["revises"]
    if old_id is None:
        return
    old = records[old_id]
    for field in ("pairing", "category", "measure", "unit"):
        if old.get(field) != record[field]:
            raise FieldError(
                "revises",
                f"{old_id} has another {field} ({old.get(field)}); a revision gives a new value "
                "for the same thing",
            )
    try:
        old_known = _known_by(old.get("citations") or (), sources)
    except KeyError:
        old_known = ""
    if old_known > _known_by(record["citations"], sources):
        raise FieldError("revises", f"{old_id} was published after this record's sources")
    for other in records.values():
        if other.get("revises") == old_id and other.get("id") != record["id"]:
            raise FieldError("revises", f"{old_id} is already revised by {other.get('id')}")


def citation_document(
    record: Mapping[str, Any],
    fields: Mapping[str, object],
    tables: Mapping[str, list[dict]],
    data_dir: str | None,
) -> dict[str, Any]:
    """One more citation ``{source, quote, note}`` of a stored record: the source exists, is not
    cited by it already, and a quote is checked against the record's figure as in
    record_document. Errors name ``source``, ``quote``, ``note``."""
    sources = _by_id(tables, "source")
    figure = Figure(
        record.get("value", 0),
        str(record.get("unit")),
        record.get("amount_yuan"),
        str(record.get("figure")),
        str(record.get("approx")),
    )
    try:
        citation = _citation(-1, fields, figure, sources, data_dir, prefix="")
    except FieldError as error:
        raise FieldError(error.field.lstrip("."), error.problem) from None
    if any(c.get("source") == citation["source"] for c in record.get("citations") or ()):
        raise FieldError("source", f"{record.get('id')} already cites {citation['source']}")
    return citation


def record_fields(document: Mapping[str, Any]) -> dict[str, object]:
    """A stored record as the user-level fields record_document takes, so an edit can change
    some and build the rest again: the figure as written (which gives the amount or, with value
    and unit, the count), approx only where it overrides the wording, as_of only where it is not
    the first source's date (known from the stored document alone: the caller compares)."""
    fields: dict[str, object] = {
        "id": document["id"],
        "pairing": document["pairing"],
        "category": document["category"],
        "measure": document["measure"],
        "item": document["item"],
        "figure": document["figure"],
        "stage": document["stage"],
        "actor": document["actor"],
        "scope": document["scope"],
        "period_start": document.get("period_start"),
        "period_end": document.get("period_end"),
        "as_of": document.get("as_of"),
        "part_of": document.get("part_of"),
        "revises": document.get("revises"),
        "citations": [dict(c) for c in document.get("citations") or ()],
        "note": document.get("note"),
        "derivation": document.get("derivation"),
    }
    if document.get("amount_yuan") is None:
        fields["value"] = document["value"]
        fields["unit"] = document["unit"]
    from xiezuo_cli.model.amounts import AmountError, parse_quantity

    try:
        worded = parse_quantity(str(document["figure"])).approx
    except AmountError:
        worded = None
    if document.get("approx") != worded:
        fields["approx"] = document.get("approx")
    return fields


def references(tables: Tables, table: str, identifier: str) -> list[str]:
    """What refers to the document ``identifier`` of ``table`` (record, pairing or source), as
    short phrases: ``record r-7 (part_of)``. Empty when it can go without leaving one dangling."""
    found: list[str] = []
    for record in tables.get("record", ()):
        if table == "record":
            for field in ("part_of", "revises"):
                if record.get(field) == identifier and record.get("id") != identifier:
                    found.append(f"record {record.get('id')} ({field})")
        elif table == "pairing" and record.get("pairing") == identifier:
            found.append(f"record {record.get('id')}")
        elif table == "source" and any(
            c.get("source") == identifier for c in record.get("citations") or ()
        ):
            found.append(f"record {record.get('id')} (citation)")
    if table == "source":
        found += [
            f"pairing {p.get('id')} (source)"
            for p in tables.get("pairing", ())
            if p.get("source") == identifier
        ]
    return found


# ─── databases and held texts ─────────────────────────────────────────────────────────────


def new_database_tables() -> dict[str, list[dict[str, Any]]]:
    """The tables of a new database: the schema version, the bundled database's place table
    (official codes, name forms) and its pinyin table for sorting; no pairings, sources or
    records."""
    from xiezuo_cli.storage import dataset, store

    bundled = store.read_tables(dataset.bundled_path())
    meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    pinyin = bundled["meta"][0].get("pinyin") if bundled["meta"] else None
    if isinstance(pinyin, dict):
        meta["pinyin"] = pinyin
    return {
        "meta": [meta],
        "place": [dict(place) for place in bundled["place"]],
        "pairing": [],
        "source": [],
        "record": [],
    }


def text_name(source_id: str) -> str:
    """The file name a source's held text gets in ``sources/``."""
    return f"{source_id}.txt"


def write_source_text(data_dir: str, source_id: str, text: str) -> tuple[str, bool]:
    """Hold a source's text in ``<data_dir>/sources/<id>.txt``, atomically and never through a
    link (held.write). Returns the path and whether the file is new (False: the same text was
    there already); something else there is refused (UsageProblem, one line)."""
    from xiezuo_cli.storage import held

    return held.write(data_dir, text_name(source_id), text)
