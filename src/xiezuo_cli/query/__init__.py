"""Questions asked of a loaded dataset: filters and expressions, sorting, funds (totals that add
only like with like), pairs, report grouping, revision history, the field catalogue.

May import: ``xiezuo_cli.storage``, ``xiezuo_cli.model``, ``xiezuo_cli.errors``. Never authoring,
extract, present or cli. Nothing here writes.
"""
