"""A source's held text, written beside the database as ``sources/<id>.txt``. The text is read
and cleaned by the CLI with extract's ``read_article`` (one rule for every article xiezuo reads).
"""

# The most of a held text read back (to check a quote against it): new texts are at most
# extract's MAX_ARTICLE_BYTES, but a database may hold older, larger ones.
MAX_TEXT_BYTES = 16 * 2**20


def text_name(source_id: str) -> str:
    """The file name a source's held text gets in ``sources/``."""
    return f"{source_id}.txt"


def write_source_text(data_dir: str, source_id: str, text: str) -> tuple[str, bool]:
    """Hold a source's text in ``<data_dir>/sources/<id>.txt``, atomically and never through a
    link (held.write). Returns the path and whether the file is new (False: the same text was
    there already); something else there is refused (UsageProblem, one line)."""
    from xiezuo_cli.storage import held

    return held.write(data_dir, text_name(source_id), text)
