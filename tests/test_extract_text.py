"""Reading an article: encodings, traditional characters, pinyin glosses, and the odd inputs that
must be one clear error (empty, binary, too large, no figures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiezuo_cli.errors import ExitStatus, XiezuoError
from xiezuo_cli.extract import (
    MAX_ARTICLE_BYTES,
    ArticleError,
    StaticLookup,
    clean_text,
    extract,
    read_article,
    sentences,
    to_simplified,
)
from xiezuo_cli.extract.text import full_width_punctuation

ROOT = Path(__file__).resolve().parent.parent
NO_PLACES = StaticLookup((), ())
ARTICLE = "截至目前，余杭区向苍溪县投入东西部协作专项资金3900万元。\n"


def test_utf8_gb18030_and_a_bom_read_alike() -> None:
    for data, encoding in (
        (ARTICLE.encode("utf-8"), "utf-8"),
        (ARTICLE.encode("gb18030"), "gb18030"),
        (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "utf-8"),
        (ARTICLE.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
    ):
        article = read_article(data, "a.txt")
        assert (article.text, article.encoding) == (ARTICLE, encoding)


def test_traditional_characters_and_pinyin_glosses_are_cleaned() -> None:
    raw = "蕭山區(qū)向旺蒼縣(xiàn)撥付協(xié)作資金８６５０萬元，報(bào)道稱。\n"
    article = read_article(raw.encode("utf-8"))
    assert article.text == "萧山区向旺苍县拨付协作资金８６５０万元，报道称。\n"
    assert (article.converted, article.glosses) == (True, 4)


def test_brackets_holding_chinese_stay() -> None:
    assert clean_text("萧山区发展和改革局(对口支援局)\n")[0] == "萧山区发展和改革局（对口支援局）\n"


def test_a_thousands_comma_stays_and_a_clause_comma_becomes_chinese() -> None:
    assert full_width_punctuation("采购2,150万元,帮助销售") == "采购2,150万元，帮助销售"
    assert full_width_punctuation("时间22:42,地点") == "时间22:42，地点"


def test_sentences_are_cut_as_the_data_build_cuts_them() -> None:
    paragraph = "“余杭区选派干部2人。”他说。其中，企业3家！结尾"
    assert sentences(paragraph) == ["“余杭区选派干部2人。”", "他说。", "其中，企业3家！", "结尾"]


# ─── OpenCC's t2s, as tables ─────────────────────────────────────────────────────────────


def test_the_tables_convert_as_opencc_does() -> None:
    """Every character and phrase of the tables, the raw 萧山 page and a long mixed text are
    converted exactly as OpenCC's t2s converts them (the T2S_FIXES aside)."""
    opencc = pytest.importorskip("opencc")
    from xiezuo_cli.extract import t2s_data

    converter = opencc.OpenCC("t2s")
    characters = t2s_data.CHARACTERS[::2] + t2s_data.CHARACTERS_EXT[::2]
    phrases = "，".join(line.split("\t")[0] for line in t2s_data.PHRASES)
    raw = (ROOT / "data" / "sources" / "raw" / "xiaoshan-2022-02-10.txt").read_text("utf-8")
    for text in (characters, phrases, raw, t2s_data.COMPATIBILITY[::2]):
        assert to_simplified(text) == converter.convert(text).replace("随著", "随着")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=60))
def test_any_han_text_converts_as_opencc_does(text: str) -> None:
    opencc = pytest.importorskip("opencc")
    expected = opencc.OpenCC("t2s").convert(text).replace("随著", "随着")
    assert to_simplified(text) == expected


def test_the_committed_tables_are_what_the_script_makes() -> None:
    pytest.importorskip("opencc")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "t2s_table.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# ─── odd inputs: one line each, a usage error (exit 2) ────────────────────────────────────


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b" \n\t\r\n", "empty"),
        ("\u3000\n".encode(), "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (bytes(range(256)) * 4, "not text"),
        (b"\xff\xfe\xfd\x80\x81", "neither UTF-8 nor GB18030"),
        (b"\x01\x02\x03\x04\x05\x06abc", "not text"),
    ],
)
def test_odd_bytes_are_one_clear_error(data: bytes, says: str) -> None:
    with pytest.raises(ArticleError) as raised:
        read_article(data, "a.txt")
    message = str(raised.value)
    assert says in message and message.startswith("a.txt: ") and "\n" not in message
    assert isinstance(raised.value, XiezuoError)
    assert raised.value.exit_status == ExitStatus.DATA


def test_fifty_megabytes_is_refused_before_decoding() -> None:
    data = ARTICLE.encode("utf-8") * (50 * 2**20 // len(ARTICLE.encode("utf-8")) + 1)
    assert len(data) > 50 * 2**20
    with pytest.raises(ArticleError, match="larger than 4 MiB"):
        read_article(data, "big.txt")
    # just under the limit is read
    fits = data[: MAX_ARTICLE_BYTES - MAX_ARTICLE_BYTES % len(ARTICLE.encode("utf-8"))]
    assert read_article(fits).text.startswith("截至目前")


def test_an_article_with_no_figures_is_one_clear_error() -> None:
    text = read_article(
        "两地干部群众携手同心，共谋发展。2021年10月，双方召开联席会议。\n".encode()
    ).text
    with pytest.raises(ArticleError, match="no figures found") as raised:
        extract(text, places=NO_PLACES, name="a.txt")
    assert str(raised.value).startswith("a.txt: no figures found") and "\n" not in str(raised.value)
