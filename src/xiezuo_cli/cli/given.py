"""Option values as the two command-line paths give them: a flag as a bool, every other option
as the list of the values given, an argument as its text. ``one``, ``many`` and ``flag`` read
them, saying "given twice" or "is empty" the same way for every command; ``parse_db`` and
``parse_output`` turn the database and output options into typed values.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from xiezuo_cli.cli.spec import TABLE_UNITS
from xiezuo_cli.errors import UsageProblem
from xiezuo_cli.model.vocab import check_choice
from xiezuo_cli.present.options import OutputOptions
from xiezuo_cli.present.output import FORMATS

Raw = Mapping[str, object]

# Commands whose default machine format is not CSV.
_DEFAULT_FORMAT = {"export": "json"}


def _values(raw: Raw, name: str) -> list[str]:
    """Every value given for an option: a list from the parsers, or a single text."""
    value = raw.get(name)
    if value is None or value is False:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]  # type: ignore[attr-defined]


def one(raw: Raw, name: str, option: str) -> str | None:
    """A single-valued option: given once at most. None when not given."""
    values = _values(raw, name)
    if len(values) > 1:
        raise UsageProblem(f"{option} was given {len(values)} times; give it once")
    return values[0] if values else None


def many(raw: Raw, name: str, option: str) -> tuple[str, ...]:
    """A repeatable option, each value also a comma list: --by pairing,year --by kind. An
    empty value (--pair= from a script's unset variable) is a mistake, not "no filter"."""
    found: list[str] = []
    for value in _values(raw, name):
        parts = [part.strip() for part in value.replace("，", ",").split(",")]
        if not any(parts):
            raise UsageProblem(f"{option} is empty: give a value")
        found.extend(part for part in parts if part)
    return tuple(found)


def flag(raw: Raw, name: str) -> bool:
    return bool(raw.get(name))


def parse_db(raw: Raw) -> str | None:
    """--db, else $XIEZUO_DB, else None (the bundled file). An empty value of either is a
    mistake (a script's unset variable), never a silent choice of the bundled data."""
    given = one(raw, "db", "--db")
    if given is not None:
        if not given.strip():
            raise UsageProblem("--db is empty: give a database file")
        return given
    from_env = os.environ.get("XIEZUO_DB")
    if from_env is not None:
        if not from_env.strip():
            raise UsageProblem(
                "XIEZUO_DB is set but empty: give it a database file, or unset it to use the "
                "bundled data"
            )
        return from_env
    return None


def output_file(raw: Raw) -> str | None:
    """-o FILE; None for stdout (not given, or - or /dev/stdout: destination.STDOUT_NAMES).
    An empty value is a mistake."""
    from xiezuo_cli.storage.destination import is_stdout

    path = one(raw, "output", "--output")
    if path is not None and not path.strip():
        raise UsageProblem("--output is empty: give a file, or - for stdout")
    return None if path is None or is_stdout(path) else path


def parse_output(raw: Raw, command: str) -> OutputOptions:
    given = one(raw, "format", "--format")
    chosen = [
        value
        for value in (
            given.strip().lower() if given is not None else None,
            "csv" if flag(raw, "csv") else None,
            "json" if flag(raw, "json") else None,
        )
        if value is not None
    ]
    if len(set(chosen)) > 1:
        raise UsageProblem(
            f"choose one output format: --format, --csv and --json disagree ({', '.join(chosen)})"
        )
    path = output_file(raw)
    to_file = path is not None
    if chosen:
        allowed = (*FORMATS, "sqlite") if command == "export" else FORMATS
        fmt = check_choice(chosen[0], allowed, "--format")
        if fmt == "sqlite" and not to_file:
            if one(raw, "output", "--output") is None:
                raise UsageProblem("--format sqlite writes a database file: give -o FILE")
            if _stdout_is_terminal():  # -o - on a terminal: binary is for a file or a pipe
                raise UsageProblem(
                    "--format sqlite -o -: a SQLite file is binary; redirect stdout to a file "
                    "or a pipe, or give -o FILE"
                )
    elif not to_file and _stdout_is_terminal():
        fmt = "table"
    else:
        fmt = _DEFAULT_FORMAT.get(command, "csv")
    headers = not flag(raw, "no_headers")
    excel = flag(raw, "excel")
    if excel and fmt != "csv":
        raise UsageProblem(
            f"--excel makes CSV for spreadsheets; it does not go with --format {fmt}"
        )
    if not headers and fmt not in ("csv", "tsv"):
        raise UsageProblem(f"--no-headers is for CSV and TSV; --format {fmt} has no header row")
    unit = check_choice((one(raw, "unit", "--unit") or "万元").strip(), TABLE_UNITS, "--unit")
    color = not (
        flag(raw, "no_color") or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb"
    )
    return OutputOptions(
        format=fmt,
        headers=headers,
        excel=excel,
        unit=unit,
        color=color,
        pager=not flag(raw, "no_pager"),
        path=path,
    )


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
