"""Writing figures: the documents add, edit, remove and import build (documents, from the typed
values of inputs and the lookups of lookup), held texts (texts) and the import (importing, with
import_reader, import_planner, import_values, import_types); a person's sheet read into
typed rows (sheets: CSV, TSV, JSON, JSON Lines and .xlsx, English or Chinese headers). Every
write goes through storage's transaction, which validates the whole file before writing it.

May import: ``xiezuo_cli.storage``, ``xiezuo_cli.model``, ``xiezuo_cli.errors``. Never query,
extract, present or cli.
"""
