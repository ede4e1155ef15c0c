"""The write commands: init, pairs add, sources add, add, edit, remove.

``parse(command, raw)`` turns what was typed (the raw values both command-line paths give, as
for every command) into one typed NamedTuple per command, checking all it can before the
database is read; ``RUNNERS`` run them. Every change goes through ``store.transaction`` (the
write lock, at most --timeout seconds' wait; the whole file validated before it is written;
written atomically), and the documents come from ``authoring`` (shared with ``import``). A
problem with a value is one line naming the option, exit 2; nothing is written.

The database is never created here (except by ``init``) and the bundled one is never changed:
a write command needs --db or $XIEZUO_DB naming another file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any, NamedTuple

from xiezuo_cli.authoring import documents
from xiezuo_cli.cli.given import flag, many, one, parse_db
from xiezuo_cli.errors import DataFileError, UsageProblem
from xiezuo_cli.model.safe_text import shown
from xiezuo_cli.present.options import OutputOptions

Raw = Mapping[str, object]
DEFAULT_TIMEOUT = 10.0

# How authoring's fields are named on the command line.
_OPTION_OF = {
    "pairing": "--pair",
    "period_start": "--period",
    "period_end": "--period",
    "citations": "--source",
    "citations[0].source": "--source",
    "citations[0].quote": "--quote",
    "citations[0].note": "--citation-note",
}

_TEXT = OutputOptions(
    format="text", headers=True, excel=False, unit="万元", color=False, pager=False
)


class InitParams(NamedTuple):
    command: str
    path: str
    timeout: float
    db: None = None
    output: OutputOptions = _TEXT


class PairAddParams(NamedTuple):
    command: str
    db: str
    timeout: float
    kind: str
    provider: str
    receiver: str
    id: str | None
    since: str | None
    source: str | None
    note: str | None
    output: OutputOptions = _TEXT


class SourceAddParams(NamedTuple):
    command: str
    db: str
    timeout: float
    fields: dict[str, object]  # documents.source_document's fields
    text: str | None  # the file to hold
    output: OutputOptions = _TEXT


class AddParams(NamedTuple):
    command: str
    db: str
    timeout: float
    fields: dict[str, object]  # documents.record_document's fields (one citation)
    output: OutputOptions = _TEXT


class CiteParams(NamedTuple):
    command: str
    db: str
    timeout: float
    record: str
    citation: dict[str, object]  # {source, quote, note}
    output: OutputOptions = _TEXT


class EditParams(NamedTuple):
    command: str
    db: str
    timeout: float
    record: str
    changes: dict[str, object]  # record fields given, as typed
    clear: tuple[str, ...]
    source: str | None  # whose quote --quote replaces
    quote: str | None
    output: OutputOptions = _TEXT


class RemoveParams(NamedTuple):
    command: str
    db: str
    timeout: float
    id: str
    table: str | None
    output: OutputOptions = _TEXT


WriteParams = (
    InitParams
    | PairAddParams
    | SourceAddParams
    | AddParams
    | CiteParams
    | EditParams
    | RemoveParams
)


# ─── parsing ──────────────────────────────────────────────────────────────────────────────


@contextmanager
def _options(command: str) -> Iterator[None]:
    """authoring's FieldError, said with the option's name: ``--part-of: no record 'x'``."""
    try:
        yield
    except documents.FieldError as error:
        raise UsageProblem(f"{_option(error.field, command)}: {error.problem}") from None


def _option(field: str, command: str) -> str:
    if field in _OPTION_OF:
        return _OPTION_OF[field]
    if field.startswith("citations["):  # another citation of a record being edited
        index, _, part = field[len("citations[") :].partition("].")
        return f"citation {int(index) + 1}'s {part}" if index.isdigit() else field
    if command == "add" and field in ("source", "quote", "note"):  # add --cite
        return {"note": "--citation-note"}.get(field, f"--{field}")
    return "--" + field.replace("_", "-")


def _value(raw: Raw, name: str, option: str) -> str | None:
    """A single-valued option; an empty value is a mistake (a script's unset variable)."""
    value = one(raw, name, option)
    if value is not None and not value.strip():
        raise UsageProblem(f"{option} is empty: give a value")
    return value


def _timeout(raw: Raw) -> float:
    text = _value(raw, "timeout", "--timeout")
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:  # also refuses NaN
        raise UsageProblem(f"invalid --timeout {shown(text)}: a number of seconds from 0 to 86400")
    return seconds


def _database(raw: Raw, command: str) -> str:
    """--db or $XIEZUO_DB; never the bundled data."""
    from xiezuo_cli.storage import dataset

    path = parse_db(raw)
    refusal = (
        f"xiezuo {command} changes a database and the bundled data is read-only: make one with "
        "`xiezuo init PATH` and give --db PATH (or XIEZUO_DB)"
    )
    if path is None:
        raise UsageProblem(refusal)
    if dataset.is_bundled(path):
        raise UsageProblem(refusal)
    return path


_RECORD_NAMES = (
    ("pairing", "pair", "--pair"),
    ("category", "category", "--category"),
    ("measure", "measure", "--measure"),
    ("item", "item", "--item"),
    ("amount", "amount", "--amount"),
    ("value", "value", "--value"),
    ("unit", "unit", "--unit"),
    ("figure", "figure", "--figure"),
    ("approx", "approx", "--approx"),
    ("stage", "stage", "--stage"),
    ("actor", "actor", "--actor"),
    ("scope", "scope", "--scope"),
    ("period", "period", "--period"),
    ("as_of", "as_of", "--as-of"),
    ("part_of", "part_of", "--part-of"),
    ("revises", "revises", "--revises"),
    ("note", "note", "--note"),
    ("derivation", "derivation", "--derivation"),
)


def _record_values(raw: Raw, command: str) -> dict[str, object]:
    """The record options given, as authoring's fields, each checked as far as it can be
    without the data (choices, dates, amounts, ids)."""
    fields: dict[str, object] = {}
    for field, name, option in _RECORD_NAMES:
        value = _value(raw, name, option)
        if value is not None:
            fields[field] = value.strip() if field not in ("note", "derivation") else value
    with _options(command):
        for field, allowed in (
            ("category", documents.CATEGORIES),
            ("approx", documents.APPROX),
            ("stage", documents.STAGES),
            ("actor", documents.ACTORS),
            ("scope", documents.SCOPES),
        ):
            if field in fields:
                documents.check_choice(field, fields[field], allowed)
        if "period" in fields:
            documents.parse_period("period", fields["period"])
        if "as_of" in fields:
            documents.check_date("as_of", fields["as_of"])
        if "amount" in fields:
            documents.parse_amount("amount", fields["amount"])
        if "value" in fields:
            documents.parse_value("value", fields["value"])
        for field in ("part_of", "revises"):
            if field in fields:
                documents.check_slug(field, fields[field])
    if "amount" in fields and ("value" in fields or "unit" in fields):
        raise UsageProblem("--amount: give an amount, or --value and --unit, not both")
    return fields


def _parse_add(raw: Raw, db: str, timeout: float) -> AddParams | CiteParams:
    record_fields = _record_values(raw, "add")
    source = _value(raw, "source", "--source")
    quote = one(raw, "quote", "--quote")  # an empty quote: authoring says so, naming --quote
    citation_note = _value(raw, "citation_note", "--citation-note")
    cite = _value(raw, "cite", "--cite")
    record_id = _value(raw, "id", "--id")
    if source is None:
        raise UsageProblem("--source is required: the id of the source the figure comes from")
    citation: dict[str, object] = {"source": source.strip(), "quote": quote, "note": citation_note}
    with _options("add"):
        documents.check_slug("source", source)
        if quote is not None and not quote.strip():
            raise documents.FieldError("quote", "empty: give the sentence, or leave --quote out")
        if record_id is not None:
            documents.check_slug("id", record_id)
    if cite is not None:
        given = [option for field, _, option in _RECORD_NAMES if field in record_fields]
        given += ["--id"] if record_id is not None else []
        if given:
            raise UsageProblem(
                f"{given[0]}: --cite adds a citation to an existing record; give only --source, "
                "--quote and --citation-note with it"
            )
        with _options("add"):
            target = documents.check_slug("cite", cite)
        return CiteParams("add", db, timeout, target, citation)
    for field, option in (
        ("pairing", "--pair"),
        ("category", "--category"),
        ("measure", "--measure"),
        ("item", "--item"),
    ):
        if field not in record_fields:
            raise UsageProblem(f"{option} is required")
    if not any(field in record_fields for field in ("amount", "value", "unit", "figure")):
        raise UsageProblem("--amount is required (3900万), or --value and --unit for a count")
    fields = {**record_fields, "citations": [citation]}
    if record_id is not None:
        fields["id"] = record_id.strip()
    return AddParams("add", db, timeout, fields)


def parse(command: str, raw: Raw) -> WriteParams:
    """The typed value of one write command line; raises UsageProblem with one line."""
    timeout = _timeout(raw)
    if command == "init":
        path = str(raw.get("path") or "")
        if not path.strip():
            raise UsageProblem("init: PATH is empty: give the new database file")
        return InitParams("init", path, timeout)
    db = _database(raw, command)
    if command == "pairs add":
        values = {}
        for name in ("kind", "provider", "receiver"):
            values[name] = _value(raw, name, f"--{name}")
            if values[name] is None:
                raise UsageProblem(f"--{name} is required")
        with _options(command):
            documents.check_choice("kind", values["kind"], documents.KINDS)
            since = _value(raw, "since", "--since")
            if since is not None:
                documents.check_date("since", since, month=True)
            pairing_id = _value(raw, "id", "--id")
            if pairing_id is not None:
                documents.check_slug("id", pairing_id)
            source = _value(raw, "source", "--source")
            if source is not None:
                documents.check_slug("source", source)
        return PairAddParams(
            command,
            db,
            timeout,
            str(values["kind"]).strip(),
            str(values["provider"]),
            str(values["receiver"]),
            pairing_id,
            since,
            source,
            _value(raw, "note", "--note"),
        )
    if command == "sources add":
        fields: dict[str, object] = {}
        names = ("id", "title", "publisher", "author", "published", "url", "reprint_of", "note")
        for name in names:
            value = _value(raw, name, "--" + name.replace("_", "-"))
            if value is not None:
                fields[name] = value
        for name in ("id", "publisher", "published"):
            if name not in fields:
                raise UsageProblem(f"--{name} is required")
        fields["published_inferred"] = flag(raw, "published_inferred")
        fields["excerpt_only"] = flag(raw, "excerpt_only")
        text = _value(raw, "text", "--text")
        fields["text_held"] = text is not None
        with _options(command):
            documents.check_slug("id", fields["id"])
            documents.check_date("published", fields["published"])
        return SourceAddParams(command, db, timeout, fields, text)
    if command == "add":
        return _parse_add(raw, db, timeout)
    if command == "edit":
        record_id = str(raw.get("record") or "").strip()
        with _options(command):
            documents.check_slug("record", record_id)
        changes = _record_values(raw, command)
        clear = many(raw, "clear", "--clear")
        from xiezuo_cli.cli.write_options import CLEAR_FIELDS

        for field in clear:
            if field not in CLEAR_FIELDS:
                raise UsageProblem(
                    f"invalid --clear {shown(field)}: choose one of {', '.join(CLEAR_FIELDS)}"
                )
            if field in changes:
                raise UsageProblem(f"--clear {field} and a new value for it: give one")
        source = _value(raw, "source", "--source")
        quote = one(raw, "quote", "--quote")
        if source is not None and quote is None:
            raise UsageProblem("--source names the citation whose --quote changes: give --quote")
        if quote is not None and not quote.strip():
            raise UsageProblem("--quote: empty: give the sentence the figure comes from")
        if not changes and not clear and quote is None:
            raise UsageProblem("nothing to change: give a field's option, --quote or --clear")
        return EditParams(command, db, timeout, record_id, changes, clear, source, quote)
    if command == "remove":
        identifier = str(raw.get("id") or "").strip()
        table = _value(raw, "table", "--table")
        if table is not None and table.strip() not in ("record", "pairing", "source"):
            raise UsageProblem(
                f"invalid --table {shown(table)}: choose one of record, pairing, source"
            )
        with _options(command):
            documents.check_slug("id", identifier)
        return RemoveParams(command, db, timeout, identifier, table.strip() if table else None)
    raise ValueError(f"not a write command: {command!r}")


# ─── running ──────────────────────────────────────────────────────────────────────────────


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _note(line: str) -> None:
    sys.stderr.write(f"xiezuo: note: {line}\n")


def _data_dir(db: str) -> str:
    """The database's folder, where held texts live (sources/<id>.txt)."""
    return os.path.dirname(os.path.realpath(db))


@contextmanager
def _changing(params: Any) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """The tables of --db under the write lock; written back, validated, if the block succeeds."""
    from xiezuo_cli.storage import store

    if not os.path.lexists(params.db):
        raise DataFileError(params.db, "no such file (make a database with `xiezuo init PATH`)")
    with _options(params.command), store.transaction(params.db, timeout=params.timeout) as tables:
        yield tables


def run_init(params: InitParams) -> None:
    from xiezuo_cli.storage import store

    tables = documents.new_database_tables()
    store.init_database(params.path, tables, timeout=params.timeout)
    _say(
        f"created {params.path}: {len(tables['place'])} places (the bundled place table), "
        "no pairings, sources or records"
    )


def run_pairs_add(params: PairAddParams) -> None:
    with _changing(params) as tables:
        document = documents.pairing_document(
            params.kind,
            params.provider,
            params.receiver,
            tables,
            id=params.id,
            since=params.since,
            source=params.source,
            note=params.note,
        )
        tables["pairing"].append(document)
    _say(document["id"])


def run_sources_add(params: SourceAddParams) -> None:
    held = None
    if params.text is not None:
        with _options(params.command):
            held = documents.read_text_file(params.text)
    data_dir = _data_dir(params.db)
    created: str | None = None
    try:
        with _changing(params) as tables:
            document = documents.source_document(params.fields, tables)
            if held is not None:
                path, new = documents.write_source_text(data_dir, document["id"], held.text)
                created = path if new else None
            tables["source"].append(document)
    except BaseException:
        if created is not None:  # the database does not know it: take it back
            with suppress(OSError):
                os.unlink(created)
        raise
    if held is not None:
        text_file = document["text_file"]
        if held.converted is None:
            _note(
                f"OpenCC is not installed: {text_file} is kept as written (not converted to "
                "simplified Chinese)"
            )
        elif held.converted:
            _note(f"{text_file}: converted to simplified Chinese (OpenCC)")
    _say(document["id"])


def _record_index(tables: Mapping[str, list[dict[str, Any]]], record_id: str, option: str) -> int:
    for index, document in enumerate(tables["record"]):
        if document.get("id") == record_id:
            return index
    raise UsageProblem(f"{option}no record {shown(record_id)}")


def run_add(params: AddParams | CiteParams) -> None:
    data_dir = _data_dir(params.db)
    with _changing(params) as tables:
        if isinstance(params, CiteParams):
            index = _record_index(tables, params.record, "--cite: ")
            record = tables["record"][index]
            citation = documents.citation_document(record, params.citation, tables, data_dir)
            record["citations"] = [*record["citations"], citation]
            record_id = record["id"]
        else:
            document = documents.record_document(params.fields, tables, data_dir)
            tables["record"].append(document)
            record_id = document["id"]
    _say(record_id)


def run_edit(params: EditParams) -> None:
    from xiezuo_cli.model.periods import last_day

    data_dir = _data_dir(params.db)
    with _changing(params) as tables:
        index = _record_index(tables, params.record, "")
        old = tables["record"][index]
        fields = documents.record_fields(old)
        sources = {s.get("id"): s for s in tables["source"]}
        first = sources.get(old["citations"][0]["source"]) if old.get("citations") else None
        if first is not None and old.get("as_of") == last_day(str(first.get("published"))):
            del fields["as_of"]  # the default: it follows the first source
        changes = dict(params.changes)
        number = {"amount", "value", "unit", "figure"} & set(changes)
        if number:
            fields.pop("approx", None)  # derived again from the new wording, unless given
            if "amount" in changes:
                for field in ("figure", "value", "unit"):
                    fields.pop(field, None)
            elif "value" in changes or "unit" in changes:
                if "value" not in fields and "value" not in changes:
                    raise documents.FieldError("value", "give the value with a new unit")
                fields.pop("figure", None)
                if "value" not in fields and "unit" not in changes:  # money to a count
                    raise documents.FieldError("unit", "give the unit with a new value")
        if "period" in changes:
            fields.pop("period_start", None)
            fields.pop("period_end", None)
        fields.update(changes)
        for field in params.clear:
            if field == "period":
                fields.pop("period_start", None)
                fields.pop("period_end", None)
            elif field == "figure":
                fields.pop("figure", None)
                fields.pop("approx", None)
                if "value" not in fields:
                    fields["amount"] = str(old["amount_yuan"])
            else:
                fields.pop(field, None)
        if params.quote is not None:
            citations = fields["citations"]
            assert isinstance(citations, list)
            wanted = params.source or citations[0]["source"]
            matching = [c for c in citations if c["source"] == wanted]
            if not matching:
                raise documents.FieldError("source", f"{params.record} does not cite {wanted}")
            matching[0]["quote"] = params.quote
        others = {**tables, "record": [d for d in tables["record"] if d is not old]}
        document = documents.record_document(fields, others, data_dir)
        tables["record"][index] = document
    _say(document["id"])


def run_remove(params: RemoveParams) -> None:
    data_dir = _data_dir(params.db)
    removed: dict[str, Any] | None = None
    with _changing(params) as tables:
        tables_named = [params.table] if params.table else ["record", "pairing", "source"]
        found = [
            name for name in tables_named if any(d.get("id") == params.id for d in tables[name])
        ]
        if not found:
            what = params.table or "record, pairing or source"
            raise UsageProblem(f"no {what} {shown(params.id)}")
        if len(found) > 1:
            raise UsageProblem(f"{params.id} is a {' and a '.join(found)}: say which with --table")
        table = found[0]
        refs = documents.references(tables, table, params.id)
        if refs:
            listed = ", ".join(refs[:3]) + (f" and {len(refs) - 3} more" if len(refs) > 3 else "")
            verb = "refers" if len(refs) == 1 else "refer"
            raise UsageProblem(
                f"cannot remove {table} {params.id}: {listed} {verb} to it; change or remove "
                f"{'it' if len(refs) == 1 else 'them'} first"
            )
        removed = next(d for d in tables[table] if d.get("id") == params.id)
        tables[table] = [d for d in tables[table] if d is not removed]
    if table == "source" and removed.get("text_held") and removed.get("text_file"):
        from xiezuo_cli.storage import held

        held.remove(data_dir, str(removed["text_file"]))  # the held copy goes with its source
    _say(f"removed {table} {params.id}")


RUNNERS: dict[str, Callable[[Any], None]] = {
    "init": run_init,
    "pairs add": run_pairs_add,
    "sources add": run_sources_add,
    "add": run_add,
    "edit": run_edit,
    "remove": run_remove,
}
