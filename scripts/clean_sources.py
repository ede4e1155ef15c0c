"""Turn the raw source articles in data/sources/raw/ into the cleaned texts quotes are taken from.

Build-time only. Run from the repository root:

    python scripts/clean_sources.py          # rewrite data/sources/*.txt
    python scripts/clean_sources.py --check  # exit 1 if a cleaned file is stale

What cleaning does, in order, and why:

1. Keep the article body only: site navigation, share buttons and comment forms are not text
   anyone would quote. Each source names the first and last line of its body.
2. Undo the damage a converter did to the 萧山 article: it was run through a "show pinyin"
   filter, so many characters carry a gloss such as ``協(xié)作``. Glosses are pure Latin
   letters with tone marks inside ASCII brackets right after a Han character; real brackets in
   the article always hold Chinese text, so they survive.
3. Decode the two runs the converter garbled (``當?shù)貏趧泳蜆I``): after 當 it lost the first
   byte of 地 (GBK b5 d8) to a ``?`` and an orphan gloss ``shù)``, then read the rest of the GBK
   bytes one byte out of step. Putting the lost byte back and decoding again gives the text
   exactly (地勞動就業, 地脫貧增收，并獲得): no reading is guessed. Each run is listed in the
   source's repairs with the text it decodes to, so a reviewer can check it.
4. Convert traditional characters to simplified (OpenCC's ``t2s`` tables, as the package holds
   them: ``xiezuo_cli.extract.text.to_simplified``), for the article that was published
   traditional-looking.
5. Turn the half-width punctuation the scraper left (``,`` ``;`` ``:`` ``!``) into the full-width
   forms Chinese text uses, but only next to Chinese text, so times like 22:42 survive.
6. Drop the stray spaces the page put around numbers (``帮扶资金 251 万元``, ``、 高中``): they
   are layout noise, and a reader searching for 251万元 must find it. Spaces between two Chinese
   phrases (headings such as ``借智输力 推动区域协调发展``) are the author's and stay.

Steps 2, 4, 5 and 6 are the rules ``xiezuo extract`` reads any article with; they live once, in
``xiezuo_cli.extract.text``. Steps 1 and 3 are particular to these two pages.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from xiezuo_cli.extract.text import PINYIN_GLOSS, tidy_line, to_simplified

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "sources" / "raw"
CLEAN_DIR = ROOT / "data" / "sources"


@dataclass(frozen=True)
class SourceCleaning:
    source_id: str
    raw_name: str
    title: str
    first_line: str  # the body starts at the first line that begins with this
    last_line: str  # ... and ends with the first line at or after it that begins with this
    to_simplified: bool = False
    repairs: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)


# The converter lost this byte (the first of 地, GBK b5 d8) before each garbled run.
LOST_LEAD_BYTE = 0xB5


def shifted_gbk(before: str, garbled: str, after: str, *, decodes_to: str) -> tuple[str, str, str]:
    """A repair for a run that was read one byte out of step: (garbled text, restored, why).

    ``garbled`` is what follows ``before`` + ``?shù)`` on the page. Its GB18030 bytes, with the
    lost lead byte put back in front, decode to the original text; a pinyin gloss the converter
    added inside the run is dropped like every other gloss. ``decodes_to`` states the result for
    review and is checked, so the decoding can never silently change.
    """
    decoded = (bytes([LOST_LEAD_BYTE]) + garbled.encode("gb18030")).decode("gb18030")
    decoded = PINYIN_GLOSS.sub("", decoded)
    if decoded != decodes_to:
        raise SystemExit(f"repair of {garbled!r} decodes to {decoded!r}, not {decodes_to!r}")
    return (
        f"{before}?shù){garbled}{after}",
        f"{before}{decoded}{after}",
        "GBK bytes one byte out of step; the lost lead byte b5 restored",
    )


SOURCES = (
    SourceCleaning(
        source_id="xiaoshan-2022-02-10",
        raw_name="xiaoshan-2022-02-10.txt",
        title="两会特别报道 | 对口协作促发展 携手同进谋共富",
        first_line="近年來",
        last_line="繼續加強與吉林省長春市綠園區",
        to_simplified=True,
        repairs=(
            shifted_gbk("帶動當", "貏趧泳蜆I(yè)", ",", decodes_to="地勞動就業"),
            shifted_gbk("帶動當", "孛撠氃鍪眨\ue0cd\ue766@得", "", decodes_to="地脫貧增收，并獲得"),
        ),
    ),
    SourceCleaning(
        source_id="yuhang-cangxi-2021-11-17",
        raw_name="yuhang-cangxi-2021-11-17.txt",
        title="余杭·苍溪：共铸发展蓝图 携手梦圆小康",
        first_line="共铸发展蓝图 携手梦圆小康",
        last_line="“县委、县政府主要领导双任",
        repairs=(
            (
                "余杭?苍溪",
                "余杭·苍溪",
                "the page lost a character it could not encode and shows ?; the pairing is "
                "written 余杭·苍溪 with a middle dot, as in 杭州市萧山区·广元市旺苍县",
            ),
        ),
    ),
)


def extract_body(text: str, cleaning: SourceCleaning) -> list[str]:
    lines = [line.strip(" \u00a0\u3000\t") for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(cleaning.first_line))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(cleaning.last_line))
    return [line for line in lines[start : end + 1] if line]


def clean(raw: str, cleaning: SourceCleaning) -> str:
    text = PINYIN_GLOSS.sub("", raw)
    for garbled, restored, _why in cleaning.repairs:
        if garbled not in text:
            raise SystemExit(f"{cleaning.raw_name}: repair target not found: {garbled!r}")
        text = text.replace(garbled, restored)
    body = extract_body(text, cleaning)
    if cleaning.to_simplified:
        body = [to_simplified(line) for line in body]
    body = [tidy_line(line) for line in body]
    leftover = [line for line in body if PINYIN_GLOSS.search(line) or "?" in line]
    if leftover:
        raise SystemExit(f"{cleaning.raw_name}: unclean lines remain: {leftover[:2]!r}")
    return cleaning.title + "\n\n" + "\n\n".join(body) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args()
    stale = []
    for cleaning in SOURCES:
        raw = (RAW_DIR / cleaning.raw_name).read_text(encoding="utf-8")
        cleaned = clean(raw, cleaning)
        target = CLEAN_DIR / f"{cleaning.source_id}.txt"
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != cleaned:
                stale.append(target.name)
        else:
            target.write_text(cleaned, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale cleaned sources: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
