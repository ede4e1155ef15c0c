"""An article's text as quotes are taken from it: decoded, converted to simplified characters,
its pinyin glosses dropped, its punctuation made Chinese; cut into paragraphs and sentences.

These are the project's cleaning rules, written once: ``scripts/clean_sources.py`` cleans the two
held raw articles with them, and ``extract`` reads any article with them, so a quote drafted by
``extract`` is the sentence as it stands in the cleaned text. Standard library only, plus the
OpenCC tables generated into ``t2s_data`` (see scripts/t2s_table.py).
"""

import functools
import re
from typing import NamedTuple

from xiezuo_cli.errors import DataFileError

# An article larger than this is not one (the longest government report runs to a few hundred KB).
MAX_ARTICLE_BYTES = 4 * 2**20

HAN = r"\u3400-\u9fff"
# A pinyin gloss: Latin letters (with tone marks) in ASCII brackets, right after a Han character,
# as a "show pinyin" page filter writes them: 報(bào)道. Real brackets in an article hold
# Chinese text, so they survive.
PINYIN_GLOSS = re.compile(rf"(?<=[{HAN}])\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]+\)")
CJK_CONTEXT = rf"[{HAN}“”‘’《》、。）0-9%]"
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Control characters have no place in a quote (and the cleaning uses two as placeholders).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TIME_COLON = re.compile(r"(?<=\d):(?=\d\d(?!\d))")
# t2s keeps 著 because it is also a simplified character (著作); after 随 it is the particle 着.
T2S_FIXES = (("随著", "随着"),)
# A sentence ends at 。！？ or an ellipsis, together with any closing quotation marks after it
# (the bundled data's build and `add` cut sentences the same way).
SENTENCE = re.compile(r"[^。！？…]*(?:[。！？]|…+)[”’」』]*|[^。！？…]+$")


class ArticleError(DataFileError):
    """An article that cannot be read: empty, not text, too large, or with no figures. One line,
    ``NAME: problem``; exit 3 like any input file that is not what it should be (import's)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(name, problem)


class NoFigures(ArticleError):
    """An article that holds no money, count or rate to draft: text, but nothing to extract.
    The command says so and prints no rows (exit 0); the engine's callers may treat it as an
    error."""


class ArticleText(NamedTuple):
    """An article read from its bytes."""

    text: str  # cleaned: what quotes are taken from
    encoding: str  # utf-8 or gb18030
    converted: bool  # traditional characters were converted to simplified
    glosses: int  # pinyin glosses dropped (報(bào)道 -> 报道)


# ─── decoding ─────────────────────────────────────────────────────────────────────────────


def decode_article(data: bytes, name: str = "article") -> str:
    """The text of an article's bytes: UTF-8 (a BOM dropped) or else GB18030, line ends made \\n.

    Raises ArticleError, one line naming ``name``, for bytes that are empty, too large or not
    text. Reading a file, stdin or a FIFO (with at most MAX_ARTICLE_BYTES + 1 bytes read) is
    the caller's job."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(name, f"larger than {MAX_ARTICLE_BYTES // 2**20} MiB: not an article")
    if not data.strip():
        raise ArticleError(name, "empty: no text to read figures from")
    if b"\x00" in data:
        raise ArticleError(name, "not text (it holds NUL bytes): give an article's text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ArticleError(name, "neither UTF-8 nor GB18030 text")
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    if controls > len(text) // 100 + 2:
        raise ArticleError(name, "not text (it holds control bytes): give an article's text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def encoding_of(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


# ─── traditional to simplified ───────────────────────────────────────────────────────────


@functools.cache
def _t2s_tables() -> tuple[dict[int, str], dict[int, str], re.Pattern[str], dict[str, list[str]]]:
    """The compatibility and character tables (for str.translate), a pattern of the characters
    a phrase can start with, and the phrases by first character, longest first."""
    from xiezuo_cli.extract import t2s_data

    def pairs(text: str) -> dict[int, str]:
        return {ord(text[i]): text[i + 1] for i in range(0, len(text), 2)}

    characters = pairs(t2s_data.CHARACTERS) | pairs(t2s_data.CHARACTERS_EXT)
    by_first: dict[str, list[str]] = {}
    for line in t2s_data.PHRASES:
        phrase, simplified = line.split("\t")
        by_first.setdefault(phrase[0], []).append(phrase + "\t" + simplified)
    for candidates in by_first.values():
        candidates.sort(key=lambda entry: entry.index("\t"), reverse=True)
    starts = re.compile("[" + re.escape("".join(sorted(by_first))) + "]")
    return pairs(t2s_data.COMPATIBILITY), characters, starts, by_first


def to_simplified(text: str) -> str:
    """Traditional characters to simplified, as OpenCC's t2s converts them (its tables, its
    longest-phrase-first rule), then the few fixes in T2S_FIXES."""
    compatibility, characters, starts, by_first = _t2s_tables()
    text = text.translate(compatibility)
    pieces = []
    position = 0
    for match in starts.finditer(text):
        at = match.start()
        if at < position:
            continue
        for entry in by_first[match[0]]:
            phrase, _, simplified = entry.partition("\t")
            if text.startswith(phrase, at):
                pieces.append(text[position:at].translate(characters))
                pieces.append(simplified)
                position = at + len(phrase)
                break
    pieces.append(text[position:].translate(characters))
    converted = "".join(pieces)
    for ambiguous, meant in T2S_FIXES:
        converted = converted.replace(ambiguous, meant)
    return converted


# ─── cleaning ─────────────────────────────────────────────────────────────────────────────


def drop_pinyin_glosses(text: str) -> tuple[str, int]:
    """報(bào)道 -> 報道, and how many glosses were dropped."""
    return PINYIN_GLOSS.subn("", text)


def full_width_punctuation(line: str) -> str:
    """The half-width , ; ! : a scraper leaves next to Chinese text made full-width; a comma
    that groups thousands (2,150万元) and times such as 22:42 stay."""
    line = _TIME_COLON.sub("\x01", _THOUSANDS_COMMA.sub("\x00", line))
    for half, full in ((",", "，"), (";", "；"), ("!", "！"), (":", "：")):
        line = re.sub(rf"(?<={CJK_CONTEXT})\s*{re.escape(half)}\s*", full, line)
        line = re.sub(rf"\s*{re.escape(half)}(?=[{HAN}“‘《])", full, line)
    # brackets that hold Chinese text
    line = re.sub(rf"\(([^()]*[{HAN}][^()]*)\)", r"（\1）", line)
    return line.replace("\x00", ",").replace("\x01", ":")


def drop_spaces_around_numbers(line: str) -> str:
    """帮扶资金 251 万元 -> 帮扶资金251万元: layout noise, and a reader searching for 251万元 must
    find it. Spaces between two Chinese phrases (a heading's) are the author's and stay."""
    line = re.sub(rf"(?<=\d) +(?=[{HAN}])", "", line)
    line = re.sub(rf"(?<=[{HAN}，、]) +(?=\d)", "", line)
    return re.sub(r"(?<=[，、。；：]) +", "", line)


def tidy_line(line: str) -> str:
    """One line with its punctuation and number spacing made as Chinese text writes them."""
    return drop_spaces_around_numbers(full_width_punctuation(line))


def clean_text(text: str) -> tuple[str, bool, int]:
    """An article's decoded text cleaned as quotes are taken from it: control characters and
    pinyin glosses dropped,
    traditional characters made simplified, each line stripped and tidied, blank lines kept
    as paragraph breaks. Returns the text, whether anything was converted, and the glosses."""
    text, glosses = drop_pinyin_glosses(_CONTROLS.sub("", text))
    simplified = to_simplified(text)
    lines = [tidy_line(line.strip(" \u00a0\u3000\t")) for line in simplified.split("\n")]
    return "\n".join(lines).strip("\n") + "\n", simplified != text, glosses


def read_article(data: bytes, name: str = "article") -> ArticleText:
    """An article from its bytes, decoded and cleaned (see decode_article and clean_text)."""
    text = decode_article(data, name)
    cleaned, converted, glosses = clean_text(text.removeprefix("\ufeff"))
    if not cleaned.strip():
        raise ArticleError(name, "empty: no text to read figures from")
    return ArticleText(cleaned, encoding_of(data), converted, glosses)


# ─── paragraphs and sentences ─────────────────────────────────────────────────────────────


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of a cleaned text: an article writes one paragraph a line."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, cut as the data's build and `add` cut them."""
    return [s for s in SENTENCE.findall(paragraph.strip()) if s.strip()]
