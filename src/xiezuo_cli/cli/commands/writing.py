"""What the write commands share: the record options of `add` and `edit`, the transaction they
change the database in, and how a problem the authoring layer finds is said (with the option's
name: ``--part-of: no record 'x'``).

Every change goes through ``storage.store.transaction`` (the write lock, at most --timeout
seconds' wait; the whole file validated before it is written; written atomically), and the
documents come from ``authoring.documents`` (shared with ``import``). The database is never
created here (except by ``init``) and the bundled one is never changed (groups.write_target).
"""

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

from xiezuo_cli.authoring.inputs import FieldError, Figure
from xiezuo_cli.cli import converters as to
from xiezuo_cli.cli.groups import WriteTarget
from xiezuo_cli.cli.spec import Converter, Group, Opt
from xiezuo_cli.errors import DataFileError, UsageProblem
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.model.vocab import ACTORS, APPROX, CATEGORIES, SCOPES, STAGES

# How authoring's fields are named on the command line, where not --<field>.
_OPTION_OF = {
    "pairing": "--pair",
    "name": "NAME",
    "period_start": "--period",
    "period_end": "--period",
    "citations": "--source",
    "citations[0].source": "--source",
    "citations[0].quote": "--quote",
    "citations[0].note": "--citation-note",
}


def option_of(field: str, command: str) -> str:
    """The option a field of authoring's is given with."""
    if field in _OPTION_OF:
        return _OPTION_OF[field]
    if field.startswith("citations["):  # another citation of a record being edited
        index, _, part = field[len("citations[") :].partition("].")
        return f"citation {int(index) + 1}'s {part}" if index.isdigit() else field
    if command == "add" and field in ("source", "quote", "note"):  # add --cite
        return {"note": "--citation-note"}.get(field, f"--{field}")
    return "--" + field.replace("_", "-")


@contextmanager
def options_of(command: str) -> Iterator[None]:
    """authoring's FieldError, said with the option's name."""
    try:
        yield
    except FieldError as error:
        raise UsageProblem(f"{option_of(error.field, command)}: {error.problem}") from None


@contextmanager
def changing(target: WriteTarget, command: str) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """The tables of the database under the write lock; written back, validated, if the block
    succeeds."""
    from xiezuo_cli.storage import store

    if not os.path.lexists(target.path):
        raise DataFileError(target.path, "no such file (make a database with `xiezuo init PATH`)")
    with options_of(command), store.transaction(target.path, timeout=target.timeout) as tables:
        yield tables


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def note(line: str) -> None:
    sys.stderr.write(f"xiezuo: note: {line}\n")


def data_dir(db: str) -> str:
    """The database's folder, where held texts live (sources/<id>.txt)."""
    return os.path.dirname(os.path.realpath(db))


def record_index(tables: Mapping[str, list[dict[str, Any]]], record_id: str, option: str) -> int:
    for index, document in enumerate(tables["record"]):
        if document.get("id") == record_id:
            return index
    raise UsageProblem(f"{option}no record {shown(record_id)}")


def slug_named(option: str) -> Converter:
    """An id, said as ``option`` in a message (an argument's: edit's --record, remove's --id)."""
    return lambda text, _: to.slug(text.strip(), option)


# ─── a figure's options, for add and edit ─────────────────────────────────────────────────


class RecordOptions(NamedTuple):
    """The figure's options given to add or edit, typed (None: not given)."""

    pairing: str | None
    category: str | None
    measure: str | None
    item: str | None
    amount: Figure | None  # parsed once, here at the edge
    value: str | None  # checked as a number; the text is kept, as the figure is written with it
    unit: str | None
    figure: str | None
    approx: str | None
    stage: str | None
    actor: str | None
    scope: str | None
    period: tuple[str | None, str | None] | None
    as_of: str | None
    part_of: str | None
    revises: str | None
    derivation: str | None

    def fields(self) -> dict[str, object]:
        """The options given, as authoring.record_document's fields."""
        return {name: value for name, value in self._asdict().items() if value is not None}

    def options(self) -> list[str]:
        """The options given, as typed on the command line."""
        return [option_of(name, "") for name, value in self._asdict().items() if value is not None]


def _value(text: str, option: str) -> str:
    to.number(text, option)  # a usage error before anything is read
    return text.strip()


def _record_options(**given: Any) -> RecordOptions:
    options = RecordOptions(**given)
    if options.amount is not None and (options.value is not None or options.unit is not None):
        raise UsageProblem("--amount: give an amount, or --value and --unit, not both")
    return options


RECORD = Group(
    "record",
    (
        Opt(
            "pairing",
            ("--pair", "-p"),
            "The pairing: its id or any name form (苍溪, 余杭-苍溪, yuhang-cangxi); one that fits "
            "several pairings (萧山) is an error.",
            metavar="NAME",
            complete="pairing",
            type=to.word,
        ),
        Opt(
            "category",
            ("--category", "-c"),
            "Category: " + ", ".join(CATEGORIES) + ".",
            metavar="CATEGORY",
            complete=CATEGORIES,
            type=to.field_choice(CATEGORIES),
        ),
        Opt(
            "measure",
            ("--measure",),
            "What is counted: 协作资金, 财政捐赠, 各类帮扶资金, 捐款捐物, 采购额, 帮助销售额, "
            "投资额, 到位资金; 人数, 企业数, 项目数 … (see README, Vocabularies).",
            metavar="MEASURE",
            type=to.word,
        ),
        Opt(
            "item",
            ("--item",),
            "What the figure is about, in Chinese.",
            metavar="TEXT",
            type=to.word,
        ),
        Opt(
            "amount",
            ("--amount",),
            "Money as the article gives it: 3900万, 3900万元, 2.22亿, 100余万元, 39000000 (yuan). "
            "The figure is stored as typed; 余/超/多 make it at_least, 约/近 about.",
            metavar="AMOUNT",
            type=to.amount,
        ),
        Opt(
            "value",
            ("--value",),
            "A count or measure's number (with --unit): 1200, 79.5.",
            metavar="NUMBER",
            type=_value,
        ),
        Opt(
            "unit",
            ("--unit",),
            "Its unit: 人, 个, 家, 亩, %, 元/人·年 … (万元 or 亿元 make it money).",
            metavar="UNIT",
            type=to.word,
        ),
        Opt(
            "figure",
            ("--figure",),
            "The figure exactly as the article writes it (3900万元, 万余名), when it differs from "
            "--amount or --value/--unit as typed; it must give the same number.",
            metavar="TEXT",
            type=to.word,
        ),
        Opt(
            "approx",
            ("--approx",),
            "Override what the wording gives: " + ", ".join(APPROX) + ".",
            metavar="APPROX",
            complete=APPROX,
            type=to.field_choice(APPROX),
        ),
        Opt(
            "stage",
            ("--stage",),
            "Stage: " + ", ".join(STAGES) + " (default actual).",
            metavar="STAGE",
            complete=STAGES,
            type=to.field_choice(STAGES),
        ),
        Opt(
            "actor",
            ("--actor",),
            "Who gives: " + ", ".join(ACTORS) + " (default unknown).",
            metavar="ACTOR",
            complete=ACTORS,
            type=to.field_choice(ACTORS),
        ),
        Opt(
            "scope",
            ("--scope",),
            "item (one flow or count, the default) or running_total (累计, 自结对以来).",
            metavar="SCOPE",
            complete=SCOPES,
            type=to.field_choice(SCOPES),
        ),
        Opt(
            "period",
            ("--period",),
            "The period the figure covers: 2021-05..2021-11, 2021 (that year), 2021-05.. or "
            "..2021-11 (one end open). Dates: 2021, 2021-05 or 2021-05-17.",
            metavar="START..END",
            type=to.period,
        ),
        Opt(
            "as_of",
            ("--as-of",),
            "The 截至 date the article gives (default: the source's publication date).",
            metavar="DATE",
            type=to.date,
        ),
        Opt(
            "part_of",
            ("--part-of",),
            "The id of the figure that already contains this one (same pairing or one above it, "
            "same unit, not smaller).",
            metavar="ID",
            complete="record",
            type=to.slug,
        ),
        Opt(
            "revises",
            ("--revises",),
            "The id of the earlier figure this one gives a new value for (same pairing, "
            "category, measure and unit).",
            metavar="ID",
            complete="record",
            type=to.slug,
        ),
        Opt(
            "derivation",
            ("--derivation",),
            "For a figure worked out from the article's numbers rather than given by it: how, "
            "in Chinese (3978万元 ÷ 79.5% ≈ 5003.8万元). Marks it derived (推算); its quote, "
            "given, need not hold the figure.",
            metavar="TEXT",
            type=to.nonempty,
        ),
    ),
    _record_options,
)

NOTE = Opt(
    "note",
    ("--note",),
    "Why a decision was made, in Chinese.",
    metavar="TEXT",
    type=to.nonempty,
)

DISTINCT = Opt(
    "distinct",
    ("--distinct",),
    "The figure is another flow than one already there with the same pairing, category, "
    "measure, stage and amount and a period that overlaps (without it, such a figure is "
    "refused as entered twice: cite that one again instead).",
    kind="flag",
)
