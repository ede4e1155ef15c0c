"""`xiezuo validate`: check the database file and print a one-line summary."""

import sys
from typing import NamedTuple

from xiezuo_cli.cli.commands.common import load
from xiezuo_cli.cli.groups import DATABASE, TEXT_OUTPUT, Database
from xiezuo_cli.cli.spec import Command
from xiezuo_cli.present.options import OutputOptions


class ValidateParams(NamedTuple):
    output: OutputOptions
    database: Database


def validate(params: ValidateParams) -> None:
    data = load(params.database)
    money = data.money_count()
    sys.stdout.write(
        f"ok: {data.path}: {len(data.places)} places, {len(data.pairings)} pairings, "
        f"{len(data.records)} records ({money} money), {len(data.sources)} sources\n"
    )


COMMAND = Command(
    "validate",
    "Check the database file and print a short summary: strict JSON, the schema version, "
    "every field's type and bounds, references, and the model's rules (part_of, revises, "
    "running totals); exit 3 with the first problem found.",
    ("xiezuo validate", "xiezuo validate --db my-copy.json"),
    (TEXT_OUTPUT, DATABASE),
    ValidateParams,
    validate,
)
