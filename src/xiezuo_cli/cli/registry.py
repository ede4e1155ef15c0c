"""Every command xiezuo has, by name: the one registry both command-line paths look commands up
in, and the one table of what runs them.

Each command lives in its own module of cli/commands (its declaration, its parameters and its
run function: ``COMMAND``), imported only when that command is used, so a query command line
loads its own module and not the other sixteen (the Typer app, for help and completion, loads
them all).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from xiezuo_cli.cli.spec import Command

# Name -> module in cli/commands, in the order `xiezuo --help` lists them.
MODULES = {
    "pairs": "pairs",
    "list": "list_",
    "filter": "filter_",
    "funds": "funds",
    "report": "report",
    "show": "show",
    "cite": "cite",
    "export": "export",
    "fields": "fields",
    "validate": "validate",
    "init": "init",
    "pairs add": "pairs_add",
    "pairs edit": "pairs_edit",
    "places add": "places_add",
    "places remove": "places_remove",
    "sources add": "sources_add",
    "sources edit": "sources_edit",
    "add": "add",
    "edit": "edit",
    "remove": "remove",
    "extract": "extract",
    "import": "import_",
}
NAMES = tuple(MODULES)
# Commands of two words: the first word, and the second words it takes.
TWO_WORDS: dict[str, tuple[str, ...]] = {}
for _name in NAMES:
    if " " in _name:
        _first, _second = _name.split(" ")
        TWO_WORDS[_first] = (*TWO_WORDS.get(_first, ()), _second)


def join_words(argv: Sequence[str]) -> list[str]:
    """``pairs add --kind …`` → ``pairs add`` (one command name), ``--kind …``."""
    words = list(argv)
    if len(words) >= 2 and words[1] in TWO_WORDS.get(words[0], ()):
        return [f"{words[0]} {words[1]}", *words[2:]]
    return words


def command(name: str) -> Command:
    """The command called ``name`` (KeyError for none)."""
    module = f"xiezuo_cli.cli.commands.{MODULES[name]}"
    __import__(module)  # not importlib: it is not loaded on the query path otherwise
    found: Command = sys.modules[module].COMMAND
    return found


def commands() -> tuple[Command, ...]:
    """Every command, in the order help lists them."""
    return tuple(command(name) for name in NAMES)


class _Runners(dict[str, Callable[[Any], Exception | None]]):
    """What runs each command: its ``Command.run``, looked up on first use (a test may put
    another in its place)."""

    def __missing__(self, name: str) -> Callable[[Any], Exception | None]:
        run = command(name).run
        self[name] = run
        return run


RUNNERS = _Runners()
