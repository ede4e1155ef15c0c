"""Build data/xiezuo.json from the reviewable YAML files and the cleaned source texts.

Build-time only (the ``build`` extra: pyyaml, opencc, pypinyin). From the repository root:

    python scripts/build_db.py          # write data/xiezuo.json
    python scripts/build_db.py --check  # exit 1 if data/xiezuo.json is not what the YAML gives

Inputs (docs/model-v2.md explains every field): places.yaml; pairings.yaml; sources.yaml (texts
held in data/sources/) and sources-facts.yaml (known only as facts); records.yaml and
records-facts.yaml; citations-facts.yaml (further citations of existing records) and
curation-facts.yaml (pairing start dates confirmed by other articles, and the facts skipped).

For every citation of a held text it finds the one sentence that holds the citation's ``anchor``
(by default the record's ``figure``) and stores it as the quote, so a quote is never typed by
hand. Money amounts and the approx mark are read from the figure as written, by the same parser
the CLI uses for --min/--max; year and cumulative from the period; kind, level and the place names
and codes from the pairing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from name_forms import pair_keys, place_keys  # noqa: E402
from xiezuo_cli.model.amounts import parse_quantity  # noqa: E402
from xiezuo_cli.model.periods import last_day, period_year  # noqa: E402
from xiezuo_cli.model.records import RECORD_FIELDS  # noqa: E402
from xiezuo_cli.model.vocab import MONEY_UNIT, SCHEMA_VERSION  # noqa: E402
from xiezuo_cli.storage import dataset, store  # noqa: E402

DATA = ROOT / "data"
DATABASE = DATA / "xiezuo.json"

# A sentence ends at 。！？ or an ellipsis, together with any closing quotation marks after it.
_SENTENCE = re.compile(r"[^。！？…]*(?:[。！？]|…+)[”’」』]*|[^。！？…]+$")


class BuildError(Exception):
    pass


def sentences(text: str) -> list[str]:
    found = []
    for paragraph in text.split("\n"):
        found.extend(s for s in _SENTENCE.findall(paragraph.strip()) if s.strip())
    return found


def find_quote(record: dict[str, Any], citation: dict[str, Any], text: str) -> str:
    needle = citation.get("anchor") or record["figure"]
    holders = [s for s in sentences(text) if needle in s]
    if len(holders) != 1:
        raise BuildError(
            f"record {record['id']}: {needle!r} is in {len(holders)} sentences of "
            f"{citation['source']}; give an anchor that is in exactly one"
        )
    if not record.get("derivation") and record["figure"] not in holders[0]:
        raise BuildError(f"record {record['id']}: figure {record['figure']!r} not in its quote")
    return holders[0]


def _date(value: object) -> str | None:
    """YAML reads 2021 as an int: dates stay text."""
    return None if value is None else str(value)


def build_record(
    raw: dict[str, Any],
    pairing: dict[str, Any],
    places: dict[str, dict[str, Any]],
    sources: dict[str, dict[str, Any]],
    texts: dict[str, str],
) -> dict[str, Any]:
    record_id = raw["id"]
    quantity = parse_quantity(raw["figure"])
    if "unit" not in raw and quantity.is_money:
        if not isinstance(quantity.value, int):
            raise BuildError(f"record {record_id}: money must be whole yuan")
        value, unit, amount = quantity.value, MONEY_UNIT, quantity.value
    else:
        value, unit, amount = raw.get("value"), raw.get("unit"), None
        if value is None or unit is None:
            raise BuildError(f"record {record_id}: a figure that is not money needs value+unit")
        if value != quantity.value and not raw.get("derivation"):
            raise BuildError(f"record {record_id}: value {value} but figure says {quantity}")
    start, end = (_date(d) for d in (raw.get("period") or [None, None]))
    year = period_year(start, end)
    citations = []
    for citation in raw["citations"]:
        source = sources.get(citation["source"])
        if source is None:
            raise BuildError(f"record {record_id}: no source {citation['source']!r}")
        quote = find_quote(raw, citation, texts[source["id"]]) if source["text_held"] else None
        citations.append({"source": source["id"], "quote": quote, "note": citation.get("note")})
    first_source = sources[citations[0]["source"]]
    provider, receiver = places[pairing["provider"]], places[pairing["receiver"]]
    built = {
        "id": record_id,
        "pairing": pairing["id"],
        "kind": pairing["kind"],
        "level": receiver["level"],
        "provider": provider["full_name"],
        "provider_code": provider["code"],
        "receiver": receiver["full_name"],
        "receiver_code": receiver["code"],
        "category": raw["category"],
        "item": raw["item"],
        "measure": raw["measure"],
        "value": value,
        "unit": unit,
        "amount_yuan": amount,
        "approx": raw.get("approx", quantity.approx),
        "period_start": start,
        "period_end": end,
        "year": year,
        "cumulative": bool(start or end) and year is None,
        "as_of": last_day(_date(raw.get("as_of")) or str(first_source["published"])),
        "stage": raw.get("stage", "actual"),
        "actor": raw["actor"],
        "scope": raw.get("scope", "item"),
        "part_of": raw.get("part_of"),
        "revises": raw.get("revises"),
        "source": None,  # placeholders keep the contract order; dropped below
        "quote": None,
        "citations": citations,
        "note": raw.get("note"),
        "derived": None,  # derived from derivation, never stored
        "derivation": raw.get("derivation"),
    }
    assert tuple(built) == RECORD_FIELDS
    # the first citation's source and quote, and derived: computed on loading, never stored twice
    del built["source"], built["quote"], built["derived"]
    built["figure"] = raw["figure"]
    return built


def load_yaml(name: str) -> Any:
    path = DATA / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file) or []


def _ancestors(place: dict[str, Any], places: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    while place.get("parent"):
        place = places[place["parent"]]
        found.append(place)
    return found


def build_places() -> dict[str, dict[str, Any]]:
    raw = {str(place["id"]): place for place in load_yaml("places.yaml")}
    places = {}
    for place_id, place in raw.items():
        places[place_id] = {
            "id": place_id,
            "code": None if place.get("code") is None else str(place["code"]),
            "name": place["name"],
            "full_name": place["full_name"],
            "short": place["short"],
            "level": place["level"],
            "parent": None if place.get("parent") is None else str(place["parent"]),
            "names": place_keys(place, _ancestors(place, raw)),
        }
    return places


def build_sources() -> dict[str, dict[str, Any]]:
    sources = {}
    for source in [*load_yaml("sources.yaml"), *load_yaml("sources-facts.yaml")]:
        if source["id"] in sources:
            raise BuildError(f"source {source['id']} is defined twice")
        held = bool(source.get("text_held"))
        sources[source["id"]] = {
            "id": source["id"],
            "title": source.get("title"),
            "publisher": source["publisher"],
            "author": source.get("author"),
            "published": str(source["published"]),
            "published_inferred": bool(source.get("published_inferred")),
            "url": source.get("url"),
            "reprint_of": source.get("reprint_of"),
            "excerpt_only": bool(source.get("excerpt_only")),
            "text_held": held,
            "text_file": f"sources/{source['id']}.txt" if held else None,
            "note": source.get("note"),
        }
    return sources


def _since_agrees(pairing_since: str | None, reported: str) -> bool:
    """An article's start date fits the pairing's when one is a prefix of the other."""
    if pairing_since is None:
        return False
    return pairing_since.startswith(reported) or reported.startswith(pairing_since)


def build_tables() -> dict[str, list[dict[str, Any]]]:
    places = build_places()
    sources = build_sources()
    texts = {
        source_id: (DATA / source["text_file"]).read_text(encoding="utf-8")
        for source_id, source in sources.items()
        if source["text_held"]
    }
    pairings = []
    for raw in load_yaml("pairings.yaml"):
        provider, receiver = places[str(raw["provider"])], places[str(raw["receiver"])]
        pairings.append(
            {
                "id": raw["id"],
                "kind": raw["kind"],
                "provider": provider["id"],
                "receiver": receiver["id"],
                "since": _date(raw.get("since")),
                "source": raw.get("source"),
                "note": raw.get("note"),
                "names": {"pair": pair_keys(raw["id"], provider, receiver)},
            }
        )
    pairing_by_id = {pairing["id"]: pairing for pairing in pairings}
    curation = load_yaml("curation-facts.yaml") or {}
    for confirmed in curation.get("pairing_citations", []):
        pairing = pairing_by_id[confirmed["pairing"]]
        if confirmed["source"] not in sources:
            raise BuildError(f"pairing citation: no source {confirmed['source']!r}")
        if not _since_agrees(pairing["since"], str(confirmed["since"])):
            raise BuildError(
                f"pairing {pairing['id']}: since {pairing['since']} but "
                f"{confirmed['source']} says {confirmed['since']}"
            )
    raw_records = [*load_yaml("records.yaml"), *load_yaml("records-facts.yaml")]
    by_id: dict[str, dict[str, Any]] = {}
    for raw in raw_records:
        if raw["id"] in by_id:
            raise BuildError(f"record {raw['id']} is defined twice")
        by_id[raw["id"]] = raw
    for extra in load_yaml("citations-facts.yaml"):
        target = by_id.get(extra["record"])
        if target is None:
            raise BuildError(f"citation of {extra['record']!r}: no such record")
        citation = {"source": extra["source"]}
        if extra.get("note"):
            citation["note"] = extra["note"]
        target.setdefault("citations", []).append(citation)
    records = [
        build_record(raw, pairing_by_id[raw["pairing"]], places, sources, texts)
        for raw in raw_records
    ]
    tables = {
        "place": list(places.values()),
        "pairing": pairings,
        "source": list(sources.values()),
        "record": records,
    }
    meta = {"schema_version": SCHEMA_VERSION, "pinyin": pinyin_table(tables)}
    return {
        "meta": [meta],
        "place": list(places.values()),
        "pairing": pairings,
        "source": list(sources.values()),
        "record": records,
    }


_HAN = re.compile(r"[\u3400-\u9fff]")


def pinyin_table(tables: dict[str, Any]) -> dict[str, str]:
    """Each Chinese character of the data and its pinyin (no tones), so the CLI can sort
    Chinese text by pinyin without loading a pinyin library."""
    from pypinyin import lazy_pinyin

    text = json.dumps(tables, ensure_ascii=False)
    return {ch: lazy_pinyin(ch)[0] for ch in sorted(set(_HAN.findall(text)))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report a stale database")
    args = parser.parse_args()
    try:
        tables = build_tables()
    except BuildError as error:
        print(f"build_db: {error}", file=sys.stderr)
        return 1
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / "xiezuo.json"
            store.write_tables(fresh, tables)
            dataset.load(fresh)
            if fresh.read_bytes() != DATABASE.read_bytes():
                print(
                    "build_db: data/xiezuo.json is stale; run scripts/build_db.py", file=sys.stderr
                )
                return 1
        return 0
    store.write_tables(DATABASE, tables)
    loaded = dataset.load(DATABASE)
    print(f"wrote {DATABASE.relative_to(ROOT)}: {len(loaded.records)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
