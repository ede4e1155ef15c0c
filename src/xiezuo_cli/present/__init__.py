"""Output: the table engine (table, the one place Rich lays out tables), the per-command views
(render, funds_view, cells, import_report), the machine formats (output, emit, sqlite_export),
the pager, the terminal's size, the progress bar.

May import: ``xiezuo_cli.query``, ``xiezuo_cli.authoring`` (for the values it shows),
``xiezuo_cli.storage``, ``xiezuo_cli.model``, ``xiezuo_cli.errors``. Never cli.
"""
