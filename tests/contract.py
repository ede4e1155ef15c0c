"""The record contract, in order (docs/model-v2.md; README "Machine fields"): the public names of
the fields `list`, `filter` and `export` print. A literal here, independent of the code, so a
change of the code's list fails the tests that pin it; written once for every test."""

CONTRACT = (
    "id",
    "pairing",
    "kind",
    "level",
    "provider",
    "provider_code",
    "receiver",
    "receiver_code",
    "category",
    "item",
    "measure",
    "value",
    "unit",
    "amount_yuan",
    "approx",
    "period_start",
    "period_end",
    "year",
    "cumulative",
    "as_of",
    "stage",
    "actor",
    "scope",
    "part_of",
    "revises",
    "source",
    "quote",
    "citations",
    "note",
    "derived",  # changed in 0.3: a figure worked out from the article's numbers, and how
    "derivation",
)
