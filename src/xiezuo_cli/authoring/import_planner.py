"""What each row of an import does: adds a record, merges a citation into one, is skipped as
already there, or is refused; and the stub sources and pairings the new records need. The
planner changes nothing: it gives the tables as they would be written, validated whole.
"""

import os
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from xiezuo_cli.authoring.guards import Entry, EntryGuard
from xiezuo_cli.authoring.import_reader import Problems
from xiezuo_cli.authoring.import_types import Action, Problem, ProgressCallback, Row
from xiezuo_cli.authoring.import_values import (
    CONTENT_FIELDS,
    FIGURE_DERIVED,
    PAIRING_DERIVED,
    PERIOD_DERIVED,
    Refused,
    StubSource,
    fact_of,
    field_name,
    figure_in_quotes,
    figure_text,
    row_citations,
    row_citations_values,
    row_content,
    slug_or_none,
    stored_content,
)
from xiezuo_cli.errors import DataFileError
from xiezuo_cli.model.limits import UNSAFE_IN_NAMES
from xiezuo_cli.model.periods import last_day
from xiezuo_cli.model.safe_text import shown

STUB_PUBLISHER = "（导入：未注明）"
STUB_SOURCE_NOTE = (
    "由 xiezuo import 建立的占位来源：标题、出版者、作者、网址未知；"
    "发布日期取导入文件中引用它的数字最晚的截至日期（推断）。"
)
STUB_HELD_NOTE = "存有的原文只是导入文件给出的引文，每行一句。"
IMPORT_CITE = "give the row its id {id} to cite it again (a sheet: same_as {id})"
IMPORT_DISTINCT = "the column distinct (另一笔): true"
STUB_PAIRING_NOTE = "由 xiezuo import 建立：结对起始时间与出处未注明。"


class Planner:
    """Decides what every row does against the database's tables, building the new tables."""

    def __init__(self, tables: Mapping[str, list[dict[str, Any]]], db_path: str) -> None:
        self.tables = tables
        self.db_path = db_path
        self.data_dir = os.path.dirname(os.path.realpath(db_path))
        self.places = list(tables["place"])
        self.pairings = {str(p.get("id")): p for p in tables["pairing"]}
        self.sources = {str(s.get("id")): s for s in tables["source"]}  # as authoring sees them
        self.stored = {str(r.get("id")): r for r in tables["record"]}
        self.docs: dict[str, dict[str, Any]] = dict(self.stored)
        self.parts: dict[str, list[str]] = defaultdict(list)
        self.revisers: dict[str, list[str]] = defaultdict(list)
        for doc in tables["record"]:
            if doc.get("part_of") is not None:
                self.parts[str(doc["part_of"])].append(str(doc.get("id")))
            if doc.get("revises") is not None:
                self.revisers[str(doc["revises"])].append(str(doc.get("id")))
        self.new_ids: list[str] = []
        self.changed: set[str] = set()  # stored figures that gained citations
        self.alias: dict[str, str] = {}  # a row's id -> the figure it turned out to be
        self.line_of: dict[str, Row] = {}  # figure id -> the row that last brought or changed it
        self.file_rows: dict[str, Row] = {}  # id -> the row that added it
        self.seen: dict[tuple[str, tuple[object, ...]], Row] = {}  # (id, content) -> row
        self.file_content_ids: dict[tuple[object, ...], str] = {}
        self.declared: dict[str, tuple[Row, int]] = {}  # flat rows' citation counts
        self.rejected_ids: dict[str, Row] = {}
        self.new_pairings: list[dict[str, Any]] = []
        self.failed_pairings: dict[str, tuple[Row, Refused]] = {}
        self.stubs: dict[str, StubSource] = {}
        self.new_sources: dict[str, dict[str, Any]] = {}  # as stored
        self.texts: dict[str, str] = {}
        self._actions: list[tuple[int, int, Action]] = []
        self.problems = Problems()
        self.counts = dict.fromkeys(("add", "merge", "skip", "reject", "pairing", "source"), 0)
        self._content_index: dict[bool, dict[tuple[object, ...], str]] = {}
        self._fact_index: dict[tuple[object, ...], list[str]] | None = None
        self._cited_cache: dict[str, frozenset[object]] = {}
        self._guard: EntryGuard | None = None

    def _act(self, row: Row, action: Action) -> None:
        self._actions.append((row.position, len(self._actions), action))

    @property
    def actions(self) -> list[Action]:
        """What each row does, in the order of the file."""
        return [action for _, _, action in sorted(self._actions)]

    # indexes of the stored figures, built on first need

    def stored_by_content(self, flat: bool) -> dict[tuple[object, ...], str]:
        if flat not in self._content_index:
            index: dict[tuple[object, ...], str] = {}
            for record_id, doc in self.stored.items():
                index.setdefault(stored_content(doc, flat), record_id)
            self._content_index[flat] = index
        return self._content_index[flat]

    def guard(self) -> EntryGuard:
        """The guards at entry over the stored figures and those the file adds."""
        if self._guard is None:
            self._guard = EntryGuard(self.stored.values(), self.pairings)
        return self._guard

    def _entry(self, values: Mapping[str, Any]) -> Entry:
        return Entry(self.guard(), values.get("distinct") is True, IMPORT_CITE, IMPORT_DISTINCT)

    def stored_by_fact(self) -> dict[tuple[object, ...], list[str]]:
        if self._fact_index is None:
            self._fact_index = defaultdict(list)
            for record_id, doc in self.stored.items():
                self._fact_index[fact_of(doc)].append(record_id)
        return self._fact_index

    # the rows

    def plan(self, rows: list[Row], progress: ProgressCallback | None = None) -> None:
        self._stub_sources(rows)
        order = self._order(rows)
        for done, row in enumerate(order, 1):
            if progress is not None and done % 1000 == 0:
                progress(done, len(order))
            try:
                self._row(row)
            except Refused as refused:
                self._reject(row, refused.field, refused.reason)
        self._check_counts()

    def _reject(self, row: Row, field: str | None, reason: str) -> None:
        record = row.values.get("id")
        record_id = record if isinstance(record, str) else None
        if record_id is not None and record_id not in self.rejected_ids:
            self.rejected_ids[record_id] = row
        self.problems.add(Problem(row.position, row.where, record_id, field, reason))
        self.counts["reject"] += 1
        self._act(row, Action(row.where, record_id or "", "reject", "", "", field or "", reason))

    def _order(self, rows: list[Row]) -> list[Row]:
        """Rows with a whole or an original in the file after it; a cycle is refused."""
        groups: dict[str, list[Row]] = {}
        loose: list[Row] = []
        for row in rows:
            record_id = slug_or_none(row.values.get("id"))
            if record_id is None:
                loose.append(row)
            else:
                groups.setdefault(record_id, []).append(row)
        needs: dict[str, list[str]] = {}
        for record_id, members in groups.items():
            targets = []
            for row in members:
                for field in ("part_of", "revises"):
                    target = row.values.get(field)
                    if isinstance(target, str) and target in groups and target != record_id:
                        targets.append(target)
            needs[record_id] = targets
        ordered: list[Row] = []
        state: dict[str, int] = {}  # 1: on the path, 2: done
        for start in groups:
            if state.get(start):
                continue
            path = [(start, iter(needs[start]))]
            state[start] = 1
            while path:
                node, pending = path[-1]
                target = next(pending, None)
                if target is None:
                    path.pop()
                    state[node] = 2
                    ordered.extend(groups[node])
                elif state.get(target) == 1:
                    cycle = [n for n, _ in path[[n for n, _ in path].index(target) :]]
                    shown = " → ".join([*cycle, target])
                    for member in cycle:
                        self.rejected_ids.setdefault(member, groups[member][0])
                        for row in groups[member]:
                            field = "part_of" if row.values.get("part_of") in cycle else "revises"
                            self._reject(row, field, f"part_of/revises form a cycle: {shown}")
                        state[member] = 2
                    groups_done = set(cycle)
                    path = [(n, it) for n, it in path if n not in groups_done]
                    for member in cycle:
                        groups[member] = []
                elif not state.get(target):
                    state[target] = 1
                    path.append((target, iter(needs[target])))
        return [*ordered, *loose]

    def _row(self, row: Row) -> None:
        values = row.values
        record_id = slug_or_none(values.get("id"))
        if record_id is None:
            raise Refused("id", f"{str(values.get('id'))[:60]!r} is not an id (an ASCII slug)")
        refused = self.rejected_ids.get(record_id)
        if refused is not None and record_id not in self.file_rows and record_id not in self.stored:
            raise Refused("id", f"another row of {record_id} ({refused.where}) is refused")
        values = dict(values)
        for field in ("part_of", "revises"):
            target = values.get(field)
            if isinstance(target, str):
                if target in self.rejected_ids and target not in self.docs:
                    bad = self.rejected_ids[target]
                    raise Refused(field, f"{target} ({bad.where}) is refused")
                values[field] = self.alias.get(target, target)
        if row.sheet is not None and values.get("same_as") is not None:
            self._same_as(row, values)
            return
        content = row_content(row, values)
        # 1. the same figure again: skip
        earlier = self.seen.get((record_id, content))
        if earlier is not None:
            self._skip(row, record_id, record_id, "id", f"the same row as {earlier.where}")
            return
        self.seen[(record_id, content)] = row
        if record_id in self.file_rows:
            self._again_in_file(row, record_id, values, content)
            return
        if record_id in self.stored:
            self._again_in_database(row, record_id, values, content)
            return
        same = self.stored_by_content(row.flat).get(content) or self.file_content_ids.get(content)
        if same is not None:
            self._skip(row, record_id, same, "content", "identical to it but for the id")
            self.alias[record_id] = same
            return
        # 2. the same fact from a new source: merge
        sources = {c.get("source") for c in row_citations(row)}
        candidates = [
            other
            for other in self.stored_by_fact().get(fact_of(values), ())
            if not sources <= self._cited(other)
        ]
        if len(candidates) > 1:
            raise Refused(
                None,
                f"matches {len(candidates)} figures by pairing, category, measure, stage, "
                f"period and amount ({', '.join(candidates[:5])}) and cites a source they lack; "
                "give the row the id of the figure it cites again",
            )
        if candidates:
            self._merge(row, candidates[0], values, by_id=False)
            self.alias[record_id] = candidates[0]
            return
        # 3. a new figure
        self._add(row, record_id, values, content)

    def _same_as(self, row: Row, values: dict[str, Any]) -> None:
        """A sheet's row citing a figure again (same_as): one more citation of it."""
        target = self.alias.get(str(values["same_as"]), str(values["same_as"]))
        if target not in self.docs:
            refused = self.rejected_ids.get(target)
            reason = f"{target} ({refused.where}) is refused" if refused else f"no figure {target}"
            raise Refused("same_as", reason)
        if not self._new_citations(row, self.docs[target]):
            self._skip(row, target, target, "same_as", "already cites this source")
            return
        self._merge(row, target, values, by_id=True)

    def _again_in_file(
        self, row: Row, record_id: str, values: dict[str, Any], content: tuple[object, ...]
    ) -> None:
        first = self.file_rows[record_id]
        if fact_of(values) == fact_of(self.docs[record_id]) and self._new_citations(
            row, self.docs[record_id]
        ):
            self._merge(row, record_id, values, by_id=True)
            return
        raise Refused("id", f"{record_id} is used by {first.where} for another figure")

    def _again_in_database(
        self, row: Row, record_id: str, values: dict[str, Any], content: tuple[object, ...]
    ) -> None:
        if stored_content(self.stored[record_id], row.flat) == content:
            self._skip(row, record_id, record_id, "id", "already in the database")
            return
        doc = self.docs[record_id]
        if fact_of(values) == fact_of(doc):
            if self._new_citations(row, doc):
                self._merge(row, record_id, values, by_id=True)
                return
            if row.sheet is not None:  # a sheet's row gives no derived field to compare
                self._skip(row, record_id, record_id, "id", "already in the database")
                return
            differing = [
                name
                for name in CONTENT_FIELDS
                if name not in ("citations", "derived") and values.get(name) != doc.get(name)
            ]
            shown = ", ".join(differing[:5]) or "citations"
            raise Refused(
                None,
                f"{record_id} is in the database with other content ({shown}); import adds "
                "figures and citations, it does not change them (xiezuo edit does)",
            )
        raise Refused(
            None,
            f"{record_id} is in the database as another figure ({figure_text(doc)}, here "
            f"{figure_text(values)}); give this row another id",
        )

    def _skip(self, row: Row, record_id: str, figure: str, match: str, reason: str) -> None:
        self.counts["skip"] += 1
        self._act(row, Action(row.where, record_id, "skip", figure, match, "", reason))

    def _cited(self, record_id: str) -> frozenset[object]:
        """The sources a figure cites (kept until it gains a citation)."""
        cited = self._cited_cache.get(record_id)
        if cited is None:
            citations = self.docs[record_id].get("citations") or ()
            cited = self._cited_cache[record_id] = frozenset(c.get("source") for c in citations)
        return cited

    def _new_citations(self, row: Row, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
        cited = {c.get("source") for c in doc.get("citations") or ()}
        return [c for c in row_citations(row) if c.get("source") not in cited]

    # pairings and sources

    def _pairing(self, row: Row) -> dict[str, Any]:
        pairing_id = row.values.get("pairing")
        if not isinstance(pairing_id, str) or not pairing_id.strip():
            raise Refused("pairing", "missing")
        if pairing_id in self.pairings:
            return self.pairings[pairing_id]
        if pairing_id in self.failed_pairings:
            first, refused = self.failed_pairings[pairing_id]
            raise Refused(
                refused.field, f"pairing {pairing_id} cannot be made ({first.where}: {refused})"
            )
        from xiezuo_cli.authoring import documents, inputs

        values = row.values
        sides = {}
        for side in ("provider", "receiver"):
            code, name = values.get(f"{side}_code"), values.get(side)
            sides[side] = (code, f"{side}_code") if code else (name, side)
        try:
            if slug_or_none(pairing_id) is None:
                raise inputs.FieldError("id", f"{pairing_id[:60]!r} is not an id (an ASCII slug)")
            document, places = documents.pairing_document(
                str(values.get("kind") or ""),
                str(sides["provider"][0] or ""),
                str(sides["receiver"][0] or ""),
                {**self.tables, "place": self.places, "pairing": list(self.pairings.values())},
                id=pairing_id,
                note=STUB_PAIRING_NOTE,
            )
        except inputs.FieldError as error:
            field = {"id": "pairing", "provider": sides["provider"][1]}.get(error.field)
            field = field or {"receiver": sides["receiver"][1]}.get(error.field, error.field)
            refused = Refused(field, error.problem)
            self.failed_pairings[pairing_id] = (row, refused)
            raise refused from None
        self.places.extend(places)  # from the country's list
        self.pairings[pairing_id] = document
        self.new_pairings.append(document)
        self.counts["pairing"] += 1
        self._act(
            row,
            Action(
                row.where,
                pairing_id,
                "pairing",
                "",
                "",
                "",
                f"{document['kind']}: {self._place_name(document['provider'])} → "
                f"{self._place_name(document['receiver'])}",
            ),
        )
        return document

    def _place_name(self, place_id: str) -> str:
        return next((str(p["full_name"]) for p in self.places if p.get("id") == place_id), place_id)

    def _stub_sources(self, rows: list[Row]) -> None:
        """What the file says of each source the database does not have: its latest as_of and
        its quotes."""
        latest: dict[str, str | None] = {}
        quotes: dict[str, dict[str, None]] = defaultdict(dict)
        quoted_at: dict[str, str] = {}
        first_at: dict[str, str] = {}
        for row in rows:
            as_of = row.values.get("as_of")
            date = None
            if isinstance(as_of, str) and re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", as_of):
                date = last_day(as_of)
            citations = row.values.get("citations")
            if not row.flat and not isinstance(citations, list):
                continue
            for citation in row_citations(row):
                source = slug_or_none(citation.get("source"))
                if source is None or source in self.sources:
                    continue
                first_at.setdefault(source, row.where)
                known = latest.get(source)
                if date is not None and (known is None or date > known):
                    latest[source] = date
                else:
                    latest.setdefault(source, known)
                quote = citation.get("quote")
                if isinstance(quote, str) and quote.strip():
                    quotes[source][quote.strip()] = None
                    quoted_at.setdefault(source, row.where)
        for source in first_at:
            self.stubs[source] = StubSource(
                latest.get(source), tuple(quotes[source]), quoted_at.get(source)
            )

    def _source(self, source_id: str, row: Row, field: str) -> None:
        """Make the stub of a source the database lacks, on its first use."""
        if source_id in self.sources:
            return
        stub = self.stubs.get(source_id)
        if stub is None:  # not seen by the first pass: a row it could not read
            raise Refused(field, f"no source {shown(source_id)}")
        if stub.published is None:
            raise Refused(
                "as_of",
                f"no row citing the new source {source_id} gives an as_of to date it by "
                "(its publication date is taken as the latest as_of citing it)",
            )
        from xiezuo_cli.authoring import documents, inputs

        held = bool(stub.quotes)
        note = STUB_SOURCE_NOTE + (STUB_HELD_NOTE if held else "")
        fields = {
            "id": source_id,
            "publisher": STUB_PUBLISHER,
            "published": stub.published,
            "published_inferred": True,
            "excerpt_only": True,
            "text_held": held,
            "note": note,
        }
        try:
            stored = documents.source_document(fields, {"source": []})
        except inputs.FieldError as error:
            raise Refused(field, f"cannot make source {source_id}: {error}") from None
        self.new_sources[source_id] = stored
        if held:
            self.texts[source_id] = "".join(f"{quote}\n" for quote in stub.quotes)
        # authoring sees a stub as not held: its quotes are the file's, with no text to check.
        self.sources[source_id] = {**stored, "text_held": False, "text_file": None}
        self.counts["source"] += 1
        self._act(
            row,
            Action(
                row.where,
                source_id,
                "source",
                "",
                "",
                "",
                f"stub: {STUB_PUBLISHER}, published {stub.published} (inferred)"
                + (f", {len(stub.quotes)} quotes held" if held else ""),
            ),
        )

    def _citation_input(
        self, row: Row, index: int, citation: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """A citation as authoring takes it, and the quote to put back after (a stub's)."""
        field = "source" if row.flat else f"citations[{index}].source"
        source = slug_or_none(citation.get("source"))
        if source is None:
            raise Refused(field, f"{str(citation.get('source'))[:60]!r} is not a source id")
        self._source(source, row, field)
        given = {k: citation[k] for k in citation if k in ("source", "quote", "note")}
        if row.flat and row.sheet is None:
            given.pop("note", None)
        quote = citation.get("quote")
        if source in self.new_sources:
            quote_field = "quote" if row.flat else f"citations[{index}].quote"
            stub = self.stubs[source]
            if quote is None or (isinstance(quote, str) and not quote.strip()):
                if stub.quotes:
                    raise Refused(
                        quote_field,
                        f"missing: {source} is quoted at {stub.quoted_at}, so its held text is "
                        "the file's quotes and every citation of it needs its sentence",
                    )
                return given, None
            if not isinstance(quote, str):
                raise Refused(quote_field, "expected text")
            unsafe = UNSAFE_IN_NAMES.search(quote.strip())  # what authoring refuses in a quote
            if unsafe:
                raise Refused(
                    quote_field,
                    f"holds a control, bidi or zero-width character (U+{ord(unsafe[0]):04X})",
                )
            given["quote"] = None
            return given, quote.strip()
        return given, None

    def _stub_quote(self, row: Row, index: int, doc: Mapping[str, Any], quote: str) -> None:
        """A stub's quote meets the rule a held text's does: it holds the figure's number."""
        from xiezuo_cli.authoring import documents, inputs

        field = "quote" if row.flat else f"citations[{index}].quote"
        figure = documents.stored_figure(doc)
        try:
            documents.check_quote_holds(
                field, quote, figure, derived=doc.get("derivation") is not None
            )
        except inputs.FieldError as error:
            raise Refused(error.field, error.problem) from None

    # merging and adding

    def _view(
        self, record_id: str, values: Mapping[str, Any], pairing: Mapping[str, Any]
    ) -> dict[str, list[dict[str, Any]]]:
        """The part of the tables authoring needs for this record: its pairing, its sources,
        and the figures its part_of and revises checks look at (not the whole table: that
        would make an import of n rows cost n times the database)."""
        records: dict[str, dict[str, Any]] = {}
        sources: dict[str, dict[str, Any]] = {}

        def add(other: str | None) -> None:
            if other is not None and other in self.docs:
                records[other] = self.docs[other]

        whole = values.get("part_of")
        if isinstance(whole, str):
            for sibling in self.parts.get(whole, ()):
                add(sibling)
            seen: set[str] = set()
            current: str | None = whole
            while current is not None and current not in seen and current in self.docs:
                seen.add(current)
                add(current)
                above = self.docs[current].get("part_of")
                current = str(above) if above is not None else None
        for part in self.parts.get(record_id, ()):
            add(part)
        original = values.get("revises")
        if isinstance(original, str) and original in self.docs:
            add(original)
            for other in self.revisers.get(original, ()):
                add(other)
            for citation in self.docs[original].get("citations") or ():
                cited = self.sources.get(str(citation.get("source")))
                if cited is not None:
                    sources[str(cited["id"])] = cited
        for citation in row_citations_values(values):
            cited = self.sources.get(str(citation.get("source")))
            if cited is not None:
                sources[str(cited["id"])] = cited
        pairings: dict[str, Any] = {str(pairing["id"]): pairing}
        for document in records.values():
            other_pairing = self.pairings.get(str(document.get("pairing")))
            if other_pairing is not None:
                pairings.setdefault(str(other_pairing["id"]), other_pairing)
        return {
            "place": self.places,
            "pairing": list(pairings.values()),
            "source": list(sources.values()),
            "record": list(records.values()),
        }

    def _merge(self, row: Row, target: str, values: dict[str, Any], *, by_id: bool) -> None:
        from xiezuo_cli.authoring import documents, inputs

        doc = self.docs[target]
        cited = {c.get("source") for c in doc.get("citations") or ()}
        added = []
        for index, citation in enumerate(row_citations(row)):
            if citation.get("source") in cited:
                continue
            given, quote = self._citation_input(row, index, citation)
            source = self.sources.get(str(given.get("source")))
            view = {"source": [source] if source is not None else [], "place": self.places}
            try:
                built = documents.citation_document(doc, given, view, self.data_dir)
            except inputs.FieldError as error:
                field = error.field if row.flat else f"citations[{index}].{error.field}"
                raise Refused(field, error.problem) from None
            if quote is not None:
                self._stub_quote(row, index, doc, quote)
                built["quote"] = quote
            added.append(built)
        merged = {**doc, "citations": [*doc.get("citations", ()), *added]}
        self.docs[target] = merged
        self._cited_cache.pop(target, None)
        if target in self.stored:
            self.changed.add(target)
        self.line_of[target] = row
        self.counts["merge"] += 1
        match = "id" if by_id else "pairing, category, measure, stage, period, amount"
        sources = ", ".join(str(c["source"]) for c in added)
        self._act(
            row,
            Action(
                row.where,
                str(values.get("id")),
                "merge",
                target,
                match,
                "",
                f"adds the citation of {sources}",
            ),
        )

    def _add(
        self, row: Row, record_id: str, values: dict[str, Any], content: tuple[object, ...]
    ) -> None:
        from xiezuo_cli.authoring import documents, inputs

        pairing = self._pairing(row)
        citations = []
        quotes: list[str | None] = []
        for index, citation in enumerate(row_citations(row)):
            given, quote = self._citation_input(row, index, citation)
            citations.append(given)
            quotes.append(quote)
        fields: dict[str, object] = {
            "id": record_id,
            "pairing": pairing["id"],
            "category": values.get("category"),
            "measure": values.get("measure"),
            "item": values.get("item"),
            "approx": values.get("approx"),
            "stage": values.get("stage"),
            "actor": values.get("actor"),
            "scope": values.get("scope"),
            "period_start": values.get("period_start"),
            "period_end": values.get("period_end"),
            "as_of": values.get("as_of"),
            "part_of": values.get("part_of"),
            "revises": values.get("revises"),
            "citations": citations,
            "note": values.get("note"),
            "derivation": values.get("derivation"),
        }
        amount = values.get("amount_yuan")
        if amount is not None:
            fields["amount"] = amount
        else:
            fields["value"] = values.get("value")
            fields["unit"] = values.get("unit")
        figure = values.get("figure") or figure_in_quotes(values, row)
        if figure is not None:
            fields["figure"] = figure
        for name in ("approx", "stage", "actor", "scope"):
            if fields[name] is None:
                raise Refused(name, "missing")
        view = self._view(record_id, values, pairing)
        try:
            document = documents.record_document(fields, view, self.data_dir, self._entry(values))
        except inputs.FieldError as error:
            raise Refused(field_name(error.field, row, amount is not None), error.problem) from None
        for index, (citation, quote) in enumerate(zip(document["citations"], quotes, strict=True)):
            if quote is not None:
                self._stub_quote(row, index, document, quote)
                citation["quote"] = quote
        if row.sheet is None:  # a sheet's row gives no derived field to agree
            self._agree(row, values, document, pairing)
        self.docs[record_id] = document
        self.guard().add(document)
        self.new_ids.append(record_id)
        self.file_rows[record_id] = row
        self.file_content_ids.setdefault(content, record_id)
        self.line_of[record_id] = row
        if document.get("part_of") is not None:
            self.parts[document["part_of"]].append(record_id)
        if document.get("revises") is not None:
            self.revisers[document["revises"]].append(record_id)
        if row.flat and values.get("citations") is not None:
            self.declared.setdefault(record_id, (row, int(values["citations"])))
        self.counts["add"] += 1
        self._act(row, Action(row.where, record_id, "add", "", "", "", ""))

    def _agree(
        self,
        row: Row,
        values: Mapping[str, Any],
        document: Mapping[str, Any],
        pairing: Mapping[str, Any],
    ) -> None:
        """The row's derived fields must be what its pairing, period and figure give."""
        for name in (*PAIRING_DERIVED, *PERIOD_DERIVED, *FIGURE_DERIVED, "approx"):
            given, built = values.get(name), document.get(name)
            if given == built and isinstance(given, bool) == isinstance(built, bool):
                continue
            if name in PAIRING_DERIVED:
                because = f"pairing {pairing['id']} gives {shown(built)}"
            elif name in PERIOD_DERIVED:
                start, end = document.get("period_start"), document.get("period_end")
                because = f"the period {start or '…'}..{end or '…'} gives {shown(built)}"
            else:
                because = f"the figure gives {shown(built)}"
            raise Refused(name, f"the file says {shown(given)}, but {because}")
        for name in ("as_of",):
            given = values.get(name)
            if isinstance(given, str) and last_day(given) != document.get(name):
                raise Refused(
                    name, f"the file says {shown(given)}, stored as {shown(document.get(name))}"
                )
        derived = document.get("derivation") is not None
        if values.get("derived", derived) != derived:
            raise Refused(
                "derived",
                f"the file says {shown(values.get('derived'))}, but derivation gives {derived!r}",
            )

    def _check_counts(self) -> None:
        """A CSV/TSV row's citation count against the citations its rows gave."""
        for record_id, (row, declared) in self.declared.items():
            given = len(self.docs[record_id].get("citations") or ())
            if declared != given and record_id in self.docs:
                self.problems.add(
                    Problem(
                        row.position,
                        row.where,
                        record_id,
                        "citations",
                        f"the file says {declared} citations but its rows give {given}: CSV and "
                        "TSV carry only the first citation's source and quote; import the JSON "
                        "or JSON Lines export to keep every citation, or give one row per "
                        "citation (same id)",
                    )
                )
                self.counts["reject"] += 1
                self._act(
                    row,
                    Action(row.where, record_id, "reject", "", "", "citations", "citation count"),
                )

    # the result

    def new_tables(self) -> dict[str, list[dict[str, Any]]]:
        records = [
            self.docs[str(doc.get("id"))] if str(doc.get("id")) in self.changed else doc
            for doc in self.tables["record"]
        ]
        records += [self.docs[record_id] for record_id in self.new_ids]
        return {
            "meta": list(self.tables["meta"]),
            "place": list(self.places),
            "pairing": [*self.tables["pairing"], *self.new_pairings],
            "source": [*self.tables["source"], *self.new_sources.values()],
            "record": records,
        }

    def validate(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """The rules across records, on the database as it would be written."""
        from xiezuo_cli.storage import validate

        try:
            validate.build(self.db_path, tables)
        except DataFileError as error:
            row = self.line_of.get(error.record or "")
            if row is None:
                # Not a figure the file brought or changed: was the database invalid already?
                # Then that is what any command would say (DataFileError, exit 3).
                validate.build(self.db_path, dict(self.tables))
                problem = f"{error.problem} (in {self.db_path} as the import would leave it)"
                self.problems.add(Problem(1 << 62, "", error.record, error.field, problem))
            else:
                self.problems.add(
                    Problem(row.position, row.where, error.record, error.field, error.problem)
                )
            self.counts["reject"] += 1
