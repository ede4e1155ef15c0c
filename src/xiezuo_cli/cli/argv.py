"""Parse a well-formed query command line from the option declarations, without Typer.

It accepts exactly what the Typer app accepts for these commands (``--opt value``,
``--opt=value``, ``-p value``, ``-pvalue``, repeated options, ``--`` before arguments) and
returns None for anything else (``--help``, an unknown option, a missing value or argument,
shell completion) so that Typer handles it and says what is wrong in its usual words.
tests/test_argv.py runs many command lines both ways and compares the results.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from xiezuo_cli.cli import registry


def parse(argv: Sequence[str]) -> tuple[str, dict[str, str | list[str] | bool | None]] | None:
    """The command's name and what was typed for it (spec.Given), or None: leave it to Typer."""
    if not argv or any(key.startswith("_XIEZUO_COMPLETE") for key in os.environ):
        return None
    argv = registry.join_words(argv)  # pairs add, sources add
    if argv[0] not in registry.MODULES:
        return None
    spec = registry.command(argv[0])
    # As Typer gives them: a flag as a bool, every other option as the list of its values
    # (spec.bind says when a single-valued one was given twice), or None when not given.
    raw: dict[str, str | list[str] | bool | None] = {
        opt.name: False if opt.kind == "flag" else None for opt in spec.options
    }
    repeated: dict[str, list[str]] = {}
    positionals: list[str] = []
    index, only_positionals = 1, False
    while index < len(argv):
        token = argv[index]
        index += 1
        # "-5" is a value (filter amount_yuan gt -5), not an option
        negative = token[1:2].isdigit() and spec.arguments and spec.arguments[0].multiple
        if only_positionals or token == "-" or not token.startswith("-") or negative:
            positionals.append(token)
            continue
        if token == "--":
            only_positionals = True
            continue
        if token.startswith("--"):
            flag, attached, value = token.partition("=")
            has_value = bool(attached)
        else:
            flag, value = token[:2], token[2:]
            has_value = bool(value)
        opt = spec.option(flag)
        if opt is None:
            return None
        if opt.kind == "flag":
            if has_value:
                return None
            raw[opt.name] = True
            continue
        if not has_value:
            if index >= len(argv):
                return None
            value = argv[index]
            index += 1
        repeated.setdefault(opt.name, []).append(value)
    raw.update(repeated)
    if not spec.arguments:
        return (spec.name, raw) if not positionals else None
    (argument,) = spec.arguments
    if argument.multiple:
        if not positionals:
            return None
        raw[argument.name] = positionals
    elif len(positionals) == 1:
        raw[argument.name] = positionals[0]
    elif not positionals and argument.optional:
        raw[argument.name] = None
    else:
        return None
    return spec.name, raw
