"""Build data/xiezuo.json from the reviewable YAML files and the cleaned source texts.

Build-time only (the ``build`` extra: pyyaml, opencc, pypinyin). From the repository root:

    python scripts/build_db.py          # write data/xiezuo.json
    python scripts/build_db.py --check  # exit 1 if data/xiezuo.json is not what the YAML gives

For every record it finds the one sentence of its source that holds the record's ``anchor`` (or,
by default, its ``figure``) and stores it as the quote, so a quote is never typed by hand. Money
amounts and the approx mark are read from the figure as written, by the same parser the CLI uses
for --min/--max. The name forms a user may type for each pairing come from name_forms.py.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from name_forms import pairing_name_keys  # noqa: E402
from xiezuo_cli import dataset, store  # noqa: E402
from xiezuo_cli.amounts import parse_quantity  # noqa: E402
from xiezuo_cli.model import MONEY_UNIT, RECORD_FIELDS, SCHEMA_VERSION  # noqa: E402

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


def find_quote(record: dict[str, Any], text: str) -> str:
    needle = record.get("anchor") or record["figure"]
    holders = [s for s in sentences(text) if needle in s]
    if len(holders) != 1:
        raise BuildError(
            f"record {record['id']}: {needle!r} is in {len(holders)} sentences of "
            f"{record['source']}; give an anchor that is in exactly one"
        )
    if record["figure"] not in holders[0]:
        raise BuildError(f"record {record['id']}: figure {record['figure']!r} not in its quote")
    return holders[0]


def build_record(
    raw: dict[str, Any], pairing: dict[str, Any], source: dict[str, Any], text: str
) -> dict[str, Any]:
    record = dict(raw)
    record.setdefault("source", pairing["source"])
    quantity = parse_quantity(record["figure"])
    approx = record.get("approx", quantity.approx)
    if quantity.is_money and record.get("unit") is None:
        if not isinstance(quantity.value, int):
            raise BuildError(f"record {record['id']}: money must be whole yuan")
        value, unit, amount = quantity.value, MONEY_UNIT, quantity.value
    else:
        value, unit, amount = record.get("value"), record.get("unit"), None
        if value is None or unit is None:
            raise BuildError(f"record {record['id']}: a figure that is not money needs value+unit")
        if value != quantity.value:
            raise BuildError(f"record {record['id']}: value {value} but figure says {quantity}")
    built = {
        "id": record["id"],
        "pairing": pairing["id"],
        "kind": pairing["kind"],
        "provider": pairing["provider"]["name"],
        "receiver": pairing["receiver"]["name"],
        "category": record["category"],
        "item": record["item"],
        "metric": record["metric"],
        "value": value,
        "unit": unit,
        "amount_yuan": amount,
        "approx": approx,
        "year": record.get("year"),
        "as_of": record.get("as_of", source["published"]),
        "cumulative": record.get("cumulative", False),
        "stage": record.get("stage", "actual"),
        "part_of": record.get("part_of"),
        "source": record["source"],
        "quote": find_quote(record, text),
        "note": record.get("note"),
    }
    assert tuple(built) == RECORD_FIELDS
    built["figure"] = record["figure"]
    return built


def load_yaml(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as file:
        return yaml.safe_load(file)


def build_tables() -> dict[str, list[dict[str, Any]]]:
    sources = load_yaml("sources.yaml")
    for source in sources:
        source["text_file"] = f"sources/{source['id']}.txt"
    source_by_id = {source["id"]: source for source in sources}
    texts = {
        source["id"]: (DATA / source["text_file"]).read_text(encoding="utf-8") for source in sources
    }
    pairings = load_yaml("pairings.yaml")
    for pairing in pairings:
        pairing["names"] = pairing_name_keys(pairing)
        for place in ("provider", "receiver"):
            pairing[place].pop("alias", None)
    pairing_by_id = {pairing["id"]: pairing for pairing in pairings}
    records = []
    for raw in load_yaml("records.yaml"):
        pairing = pairing_by_id[raw["pairing"]]
        source = source_by_id[raw.get("source", pairing["source"])]
        records.append(build_record(raw, pairing, source, texts[source["id"]]))
    return {
        "meta": [{"schema_version": SCHEMA_VERSION}],
        "pairing": pairings,
        "source": sources,
        "record": records,
    }


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
