"""Which pairing a figure belongs to, from the places its sentence, paragraph, section or article
names, matched against the database's places and pairings (given through ``PlaceLookup``).

A pairing both of whose places are named wins; then a pairing one of whose places is named while
the other is named elsewhere in the article; a programme word (东西部协作, 对口支援 …) narrows
the choice. When several pairings remain, the draft says so and names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from xiezuo_cli.model.vocab import KINDS

# Provinces whose places give in 东西部协作 and 对口支援 (by the leading two digits of the code):
# 北京 天津 辽宁 上海 江苏 浙江 福建 山东 广东. Used only to tell giver from receiver when two named
# places have no pairing in the database yet.
EASTERN_PROVINCES = ("11", "12", "21", "31", "32", "33", "35", "37", "44")
_SUFFIXES = ("自治州", "自治县", "地区", "新区", "省", "市", "区", "县", "州", "盟", "旗")


@dataclass(frozen=True)
class PlaceRef:
    """A place as the engine needs it: its id (code or slug) and the names to find it by."""

    id: str
    full_name: str  # 广元市苍溪县
    name: str  # 苍溪县
    short: str  # 苍溪
    code: str | None = None


@dataclass(frozen=True)
class PairingRef:
    id: str
    kind: str
    provider: PlaceRef
    receiver: PlaceRef
    since: str | None = None  # YYYY or YYYY-MM


class PlaceLookup(Protocol):
    """The database as the engine sees it. The CLI adapts its loaded database to this."""

    def places(self) -> Iterable[PlaceRef]:
        """Every place the database knows (the country's, when it holds them)."""
        ...

    def pairings(self) -> Iterable[PairingRef]:
        """Every pairing the database holds."""
        ...


@dataclass(frozen=True)
class StaticLookup:
    """A PlaceLookup over lists (tests, and the CLI's adapter once it has built the refs)."""

    place_list: tuple[PlaceRef, ...]
    pairing_list: tuple[PairingRef, ...]

    def places(self) -> Iterable[PlaceRef]:
        return self.place_list

    def pairings(self) -> Iterable[PairingRef]:
        return self.pairing_list


def lookup_from_model(places: Iterable[object], pairings: Iterable[object]) -> StaticLookup:
    """A lookup from ``model.Place`` and ``model.Pairing`` values (what a loaded database holds)."""

    def ref(place: object) -> PlaceRef:
        return PlaceRef(
            id=str(getattr(place, "id")),  # noqa: B009  (any object with these fields)
            full_name=str(getattr(place, "full_name")),  # noqa: B009
            name=str(getattr(place, "name")),  # noqa: B009
            short=str(getattr(place, "short")),  # noqa: B009
            code=getattr(place, "code", None),
        )

    place_refs = tuple(ref(place) for place in places)
    pairing_refs = tuple(
        PairingRef(
            id=str(getattr(pairing, "id")),  # noqa: B009
            kind=str(getattr(pairing, "kind")),  # noqa: B009
            provider=ref(getattr(pairing, "provider")),  # noqa: B009
            receiver=ref(getattr(pairing, "receiver")),  # noqa: B009
            since=getattr(pairing, "since", None),
        )
        for pairing in pairings
    )
    return StaticLookup(place_refs, pairing_refs)


@dataclass(frozen=True)
class Choice:
    """The pairing chosen for a figure, or the places named when none could be."""

    pairing: PairingRef | None
    provider: PlaceRef | None
    receiver: PlaceRef | None
    kind: str | None
    guessed: bool  # from the section or the whole article, not the figure's own paragraph
    problem: str | None  # why no pairing: said in the draft's note


class PlaceIndex:
    """Finds the places a text names. Places in a pairing are found by every form of their name
    (苍溪, 苍溪县, 广元市苍溪县); other places only by their full names (with 县, 区, 市), since
    the country's two-character short names are too often plain words."""

    def __init__(self, lookup: PlaceLookup) -> None:
        self.pairings = tuple(lookup.pairings())
        paired = {p.provider.id for p in self.pairings} | {p.receiver.id for p in self.pairings}
        self.places: dict[str, PlaceRef] = {}
        self.names: dict[str, str] = {}  # name form -> place id
        for pairing in self.pairings:
            for place in (pairing.provider, pairing.receiver):
                self.places[place.id] = place
        for place in (*lookup.places(), *self.places.values()):
            self.places.setdefault(place.id, place)
            forms = {place.full_name, place.name}
            if place.id in paired:
                forms.add(place.short)
            for form in forms:
                if len(form) >= 2:
                    # a form shared by two places (朝阳区 …) belongs to the paired one, else none
                    if form in self.names and self.names[form] != place.id:
                        if place.id in paired and self.names[form] not in paired:
                            self.names[form] = place.id
                        elif not (self.names[form] in paired and place.id not in paired):
                            self.names[form] = ""
                    else:
                        self.names[form] = place.id
        # the lengths of the names starting with each character, longest first: only positions
        # where a name can start are looked at
        starts: dict[str, set[int]] = {}
        for form, place_id in self.names.items():
            if place_id:
                starts.setdefault(form[0], set()).add(len(form))
        self.starts = {c: sorted(lengths, reverse=True) for c, lengths in starts.items()}
        self._seen: dict[str, dict[str, int]] = {}

    def named(self, text: str) -> list[str]:
        """The ids of the places a text names, in order of first mention, each once."""
        return list(self.mentions(text))

    def mentions(self, text: str) -> dict[str, int]:
        """How often a text names each place, in order of first mention (longest names first:
        广元市苍溪县 is 苍溪, not 广元). Remembered: a paragraph is asked about once a figure."""
        if text in self._seen:
            return self._seen[text]
        found: dict[str, int] = {}
        position = 0
        while position < len(text):
            for length in self.starts.get(text[position], ()):
                place_id = self.names.get(text[position : position + length])
                if place_id:
                    found[place_id] = found.get(place_id, 0) + 1
                    position += length
                    break
            else:
                position += 1
        self._seen[text] = found
        return found


def kinds_named(text: str) -> set[str]:
    return {kind for kind in KINDS if kind in text}


class PairingChooser:
    """Chooses figures' pairings for one article."""

    def __init__(self, index: PlaceIndex, article: str) -> None:
        self.index = index
        self.article_places = set(index.named(article))
        self.article_kinds = kinds_named(article)
        self._chosen: dict[tuple[str, ...], Choice] = {}

    def choose(
        self, sentence: str, paragraph: str, section: str, heading: str = "", part: str = ""
    ) -> Choice:
        key = (sentence, paragraph, section, heading, part)
        if key not in self._chosen:
            self._chosen[key] = self._choose(sentence, paragraph, section, heading, part)
        return self._chosen[key]

    def _choose(
        self, sentence: str, paragraph: str, section: str, heading: str, part: str
    ) -> Choice:
        """The pairing of a figure: from the places its sentence names, else its paragraph,
        else its section (the paragraphs since the last heading); a programme word narrows the
        choice: the sentence's, else the paragraph's, else the heading's (山海协作再升级)."""
        heading_kinds = kinds_named(heading)
        paragraph_kinds = kinds_named(paragraph) or heading_kinds
        sentence_kinds = kinds_named(sentence) or paragraph_kinds
        levels: Sequence[tuple[str, bool, set[str]]] = (
            (part or sentence, False, kinds_named(part) or sentence_kinds),
            (sentence, False, sentence_kinds),
            (paragraph, False, paragraph_kinds),
            (section, True, heading_kinds),
        )
        for text, guessed, kinds in levels:
            choice = self._from(text, guessed, kinds)
            if choice is not None:
                return choice
        choice = self._from_article()
        if choice is not None:
            return choice
        named = [self.index.places[i].short for i in self.index.named(paragraph)]
        return Choice(None, None, None, None, True, self._cannot_tell(named))

    def _from(self, text: str, guessed: bool, kinds: set[str]) -> Choice | None:
        named = self.index.named(text)
        if not named:
            return None
        both = [p for p in self.index.pairings if p.provider.id in named and p.receiver.id in named]
        both = _narrow(both, kinds)
        # one place named here, its partner elsewhere in the article
        one = [
            p
            for p in self.index.pairings
            if p not in both
            and (
                (p.receiver.id in named and p.provider.id in self.article_places)
                or (p.provider.id in named and p.receiver.id in self.article_places)
            )
        ]
        one = _narrow(one, kinds)
        # 杭州→广元 and 萧山→旺苍 both fit: a figure of 旺苍's is 萧山→旺苍's (a county's
        # pairing before its city's), when the county is named
        county = [p for p in both + one if _county(p.receiver) and p.receiver.id in named]
        if len(county) == 1 and len(both) + len(one) > 1:
            return _chosen(county[0], guessed)
        if len(both) == 1:
            return _chosen(both[0], guessed)
        if len(both) > 1:
            return None if guessed else self._ambiguous(both, named)
        receivers = [p for p in one if p.receiver.id in named]
        if len(receivers) == 1:
            return _chosen(receivers[0], guessed)
        if len(one) == 1:
            return _chosen(one[0], guessed)
        if not one and len(named) >= 2 and not guessed:
            return self._new_pair(named, kinds)
        return None

    def _from_article(self) -> Choice | None:
        candidates = [
            p
            for p in self.index.pairings
            if p.provider.id in self.article_places and p.receiver.id in self.article_places
        ]
        # (no programme word narrows here: one paragraph's 对口支援 says nothing of the others)
        # an article about 滨江→朝天 that also names 浙江 and 四川 is about 滨江→朝天: one county
        # pairing among the candidates is the article's; several (萧山's four) are not
        county = [p for p in candidates if _county(p.receiver)]
        if len(county) == 1:
            return _chosen(county[0], True)
        if len(candidates) == 1:
            return _chosen(candidates[0], True)
        if not candidates and len(self.article_places) >= 2:
            return self._new_pair(sorted(self.article_places), self.article_kinds)
        return None

    def _ambiguous(self, pairings: list[PairingRef], named: list[str]) -> Choice:
        labels = "、".join(f"{p.provider.short}→{p.receiver.short}" for p in pairings)
        return Choice(None, None, None, None, True, f"无法判断结对：可能是 {labels}")

    def _cannot_tell(self, named: list[str]) -> str:
        if not named:
            return "无法判断结对：所在段落未提到结对双方"
        return f"无法判断结对：段落提到 {'、'.join(named)}，对不上唯一的结对"

    def _new_pair(self, named: list[str], kinds: set[str]) -> Choice | None:
        """Two places with no pairing between them in the database: a new pairing for import to
        make, when one is in an eastern province and the other is not."""
        places = [self.index.places[i] for i in named]
        east = [p for p in places if (p.code or "")[:2] in EASTERN_PROVINCES]
        west = [p for p in places if p.code and p.code[:2] not in EASTERN_PROVINCES]
        if len(east) == 1 and len(west) == 1:
            kind = next(iter(kinds)) if len(kinds) == 1 else None
            problem = None if kind else "结对类型未写明：请填写 kind"
            return Choice(None, east[0], west[0], kind, True, problem)
        return None


def _county(place: PlaceRef) -> bool:
    return place.code is None or not place.code.endswith("00")


def _narrow(pairings: list[PairingRef], kinds: set[str]) -> list[PairingRef]:
    if not kinds or len(pairings) <= 1:
        return pairings
    narrowed = [p for p in pairings if p.kind in kinds]
    return narrowed or pairings


def _chosen(pairing: PairingRef, guessed: bool) -> Choice:
    return Choice(pairing, pairing.provider, pairing.receiver, pairing.kind, guessed, None)


def short_name(full_name: str) -> str:
    """苍溪县 -> 苍溪: the name without its administrative suffix (for places a caller builds)."""
    for suffix in _SUFFIXES:
        if full_name.endswith(suffix) and len(full_name) - len(suffix) >= 2:
            return full_name[: -len(suffix)]
    return full_name
