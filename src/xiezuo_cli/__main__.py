"""``python -m xiezuo_cli`` runs the same entry point as the ``xiezuo`` command."""

import sys

from xiezuo_cli.entry import main

sys.exit(main())
