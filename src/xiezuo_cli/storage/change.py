"""What a transaction changed, and a write that does no more than the change needs.

``store.transaction`` yields the tables for a command to change; this module tells what changed
(``Snapshot``), checks it (``checked``) and encodes the file (``encoded``), and refreshes the
derived copy the next read answers from (``Checked.refresh``), so that neither the write nor the
first read after it pays for the whole file:

- **What changed.** A command changes a table by appending, inserting, replacing or removing
  documents, or by setting a document's fields (``doc["citations"] = [...]``): a document is
  new when the table did not hold it before, changed when one of its fields holds another
  object than before. (A nested value changed in place, ``doc["citations"].append(c)``, is not
  seen: give the field a new value, as every command does.)
- **The check.** A database whose index matches its bytes was validated as a whole by this code
  (index.py keys it to them). A change to it is checked by ``validate.changed_records`` on the
  records it can reach, with the other tables validated as ``build`` validates them; if those
  tables changed other than by appending, or there is no such index (every small database: its
  whole check takes milliseconds), the whole database is validated as before
  (``store.validate_change``).
- **The bytes.** Records only appended: spliced onto the end of the file's bytes
  (``fastjson.append_records``). Anything else: encoded whole by ``fastjson.serialized``. Both
  give, byte for byte, what ``store._serialized`` gives, and only what the strict reader
  accepts, so the output is never parsed again.
- **The next read.** After the rename, the index is updated (the changed rows, the pairings'
  text-free copies, the counts, the key), or, when the whole database was validated, the index
  (a large file) or the snapshot (a small one) is written from what validation gave.
"""

import operator
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from xiezuo_cli.errors import DataFileError, UsageProblem

if TYPE_CHECKING:
    from xiezuo_cli.model.records import Record
    from xiezuo_cli.storage.index import Index
    from xiezuo_cli.storage.validate import Small

Tables = dict[str, list[dict[str, Any]]]
_NAMES = ("meta", "place", "pairing", "source", "record")


class TableChange(NamedTuple):
    appended_only: bool  # the old documents all there, unchanged, in order, at the start
    touched: list[dict[str, Any]]  # new or changed documents, in table order
    gone: set[str]  # ids no longer in the table
    gone_documents: list[dict[str, Any]]  # the old documents no longer in it, or replaced


class Snapshot:
    """The tables as read: each document, and the objects its fields held."""

    def __init__(self, tables: Mapping[str, list[dict[str, Any]]]) -> None:
        self.documents = {name: list(tables[name]) for name in _NAMES}
        self.fields = {name: _fields_of(docs) for name, docs in self.documents.items()}

    def change(self, tables: Mapping[str, list[dict[str, Any]]]) -> dict[str, TableChange]:
        return {name: self._table(name, tables[name]) for name in _NAMES}

    def _table(self, name: str, new: list[dict[str, Any]]) -> TableChange:
        old, old_fields = self.documents[name], self.fields[name]
        count = len(old)
        if (
            len(new) >= count
            and all(map(operator.is_, old, new))
            and _fields_of(new[:count]) == old_fields
        ):
            return TableChange(True, new[count:], set(), [])
        position = {id(document): at for at, document in enumerate(old)}
        new_fields = _fields_of(new)
        touched = [
            document
            for document, fields in zip(new, new_fields, strict=True)
            if id(document) not in position or old_fields[position[id(document)]] != fields
        ]
        kept = {id(document) for document in new} - {id(document) for document in touched}
        replaced = [document for document in old if id(document) not in kept]
        present = {document.get("id") for document in new}
        gone = {str(d.get("id")) for d in replaced if d.get("id") not in present}
        return TableChange(False, touched, gone, replaced)


def _fields_of(
    documents: Sequence[dict[str, Any]],
) -> list[tuple[tuple[str, ...], tuple[Any, ...]]]:
    # Each document's keys and the objects its fields hold (held, so no id is reused); tuples
    # compare element by element, identity first, so an unchanged document costs no deep walk.
    return [(tuple(document), tuple(document.values())) for document in documents]


class Checked(NamedTuple):
    """What the check of a change gave, for refreshing the derived copy after the write."""

    opened: "Index | None"  # the old index, to update (an incremental check)
    records: "list[Record]"  # the touched records, checked
    gone: set[str]  # record ids removed or replaced
    small: "Small | None"  # the other tables, validated, when they changed
    parts: dict[str, Any] | None  # a whole validation's result (places, pairings, ...)


def checked(
    shown: str,
    data: bytes,
    before: os.stat_result | None,
    tables: Tables,
    change: dict[str, TableChange],
    whole: bool,
    validate_whole: Callable[[str, Tables], Any],
) -> Checked:
    """Check the change (see the module docstring): DataFileError for a file already invalid,
    UsageProblem for a change that would make it so; nothing has been written. ``whole``: the
    caller wants the whole database validated (store.transaction's ``check``); otherwise only
    what an index update needs is checked."""
    from xiezuo_cli.storage import cache, index, validate

    small_appended = all(change[name].appended_only for name in _NAMES if name != "record")
    opened = None
    if small_appended and len(data) >= index.min_bytes() and cache.enabled():
        opened = index.open_for(shown, data, before)
    if opened is None:
        if not whole:
            return Checked(None, [], set(), None, None)
        places, pairings, sources, records, pinyin = validate_whole(shown, tables)
        parts = {
            "places": places,
            "pairings": pairings,
            "sources": sources,
            "records": records,
            "pinyin": pinyin,
        }
        return Checked(None, [], set(), None, parts)
    records = change["record"]
    ids = {str(d.get("id")) for d in records.gone_documents}
    try:
        if any(change[name].touched for name in _NAMES if name != "record"):
            given = validate.small(shown, tables)
            small: Small | None = given
        else:
            parts = opened.parts
            given = validate.Small(
                parts["places"], parts["pairings"], parts["sources"], parts["pinyin"]
            )
            small = None
        made = validate.changed_records(
            shown, tables["record"], records.touched, records.gone, given
        )
    except DataFileError as error:
        opened.close()
        raise UsageProblem(f"{error}; nothing was written") from None
    except BaseException:
        opened.close()
        raise
    return Checked(opened, made, ids, small, None)


def encoded(
    shown: str,
    data: bytes,
    tables: Tables,
    change: dict[str, TableChange],
    strict: Callable[[str, Mapping[str, Sequence[dict[str, Any]]]], bytes],
) -> bytes:
    """The new file's bytes: the old ones with the records appended when that is the change,
    else the tables encoded whole; what store._serialized gives, never parsed again."""
    from xiezuo_cli.storage import fastjson
    from xiezuo_cli.storage.rawfile import _too_big, max_bytes

    # Every other table exactly as it was: nothing added, changed or removed (a removal touches
    # no document, so "nothing touched" alone would splice the old bytes and lose it).
    others_as_they_were = all(
        change[name].appended_only and not change[name].touched
        for name in _NAMES
        if name != "record"
    )
    if change["record"].appended_only and others_as_they_were:
        spliced = fastjson.append_records(data, change["record"].touched)
        if spliced is not None:
            cap = max_bytes(shown)
            if len(spliced) > cap:
                error = DataFileError(shown, _too_big(cap, len(spliced)))
                raise UsageProblem(f"{error}; nothing was written")
            return spliced
    return fastjson.serialized(shown, tables, strict)


def refresh(shown: str, data: bytes, result: Checked) -> None:
    """After the rename: the derived copy of the new file, so the next read needs no full load.
    Never fails the write (a copy that cannot be made is simply not made)."""
    from xiezuo_cli.storage import cache, index

    try:
        if result.opened is not None:
            small = result.small.parts() if result.small is not None else None
            index.update(shown, result.opened, data, result.records, result.gone, small)
        elif result.parts is not None and cache.enabled():
            if len(data) >= index.min_bytes():
                index.write(shown, data, result.parts)
            else:
                cache.save(shown, data, result.parts)
    except Exception:
        index.discard(shown)
