"""``python -m xiezuo_cli`` runs the same entry point as the ``xiezuo`` command."""

from xiezuo_cli.cli.entry import console

console()
