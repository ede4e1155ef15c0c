"""The one layer that touches the database file and the package's data: checked raw reads, the
strict JSON decoder (and fastjson: the same refusals at C speed, with msgspec, for large
files), validation (one checker for load, add, edit and import), the cache and
index, the write lock, atomic writes, held texts, dataset loading, the gazetteer.

May import: ``xiezuo_cli.model``, ``xiezuo_cli.errors``, tinydb, msgspec and the standard
library; never a layer above (progress is a callback passed in, not present's bar).
"""
