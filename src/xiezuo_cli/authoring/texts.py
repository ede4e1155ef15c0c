"""A source's held text: read from a file a person gives (UTF-8, at most MAX_TEXT_BYTES) and
written beside the database as ``sources/<id>.txt``.
"""

import os
from typing import NamedTuple

MAX_TEXT_BYTES = 16 * 2**20  # a held article; anything larger is not one


class TextFile(NamedTuple):
    text: str
    encoding: str  # utf-8 or gb18030
    converted: bool | None  # to simplified Chinese by OpenCC; None: OpenCC is not installed


def read_text_file(path: str, field: str = "text") -> TextFile:
    """An article's text from a file in UTF-8 (a BOM is dropped) or GB18030, line ends made
    \\n, converted to simplified Chinese when OpenCC is installed (else kept as it is).

    The file is opened as every file xiezuo reads (rawfile.open_regular): missing, a folder, a
    FIFO (never waited on), a device or unreadable is DataFileError naming it (exit 3); so is
    one that is too large or not text."""
    from xiezuo_cli.errors import DataFileError
    from xiezuo_cli.storage.rawfile import open_regular

    descriptor = open_regular(path, "a text file")
    try:
        with os.fdopen(descriptor, "rb") as stream:
            data = stream.read(MAX_TEXT_BYTES + 1)
    except OSError as error:
        raise DataFileError(path, f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_TEXT_BYTES:
        raise DataFileError(path, f"larger than {MAX_TEXT_BYTES // 2**20} MiB: not an article")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataFileError(path, "neither UTF-8 nor GB18030 text")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataFileError(path, "empty: no text to hold")
    if "\x00" in text:
        raise DataFileError(path, "not text (it holds NUL bytes)")
    try:
        import opencc  # the build extra; optional here
    except ImportError:
        return TextFile(text, encoding, None)
    simplified = opencc.OpenCC("t2s").convert(text)
    return TextFile(simplified, encoding, simplified != text)


def text_name(source_id: str) -> str:
    """The file name a source's held text gets in ``sources/``."""
    return f"{source_id}.txt"


def write_source_text(data_dir: str, source_id: str, text: str) -> tuple[str, bool]:
    """Hold a source's text in ``<data_dir>/sources/<id>.txt``, atomically and never through a
    link (held.write). Returns the path and whether the file is new (False: the same text was
    there already); something else there is refused (UsageProblem, one line)."""
    from xiezuo_cli.storage import held

    return held.write(data_dir, text_name(source_id), text)
