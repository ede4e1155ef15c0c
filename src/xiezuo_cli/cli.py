"""The command line: parse options, call the core, render. Nothing else happens here.

Every error the core raises (errors.XiezuoError) and every usage error Typer raises is turned
into one line on stderr and a documented exit code in XiezuoGroup.main, the only place that
knows about exit codes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

# typer 0.28 vendors click as typer._click; its exceptions are what usage errors raise.
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup

from xiezuo_cli import __version__
from xiezuo_cli.errors import ExitStatus, XiezuoError

EXIT_CODES_HELP = (
    "Exit codes: 0 ok (also when nothing matches), 1 unexpected error, "
    "2 usage error (bad option value, unknown pairing or field), 3 data file error."
)


def _fail(message: str, status: int) -> None:
    sys.stderr.write(f"xiezuo: error: {message}\n")
    sys.stderr.flush()
    sys.exit(status)


class XiezuoGroup(TyperGroup):
    """Runs a command and turns every failure into one line and an exit code."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as error:
            # `xiezuo` alone: the help is what the user needs, on stdout, and that is not a failure.
            sys.stdout.write(error.format_message() + "\n")
            return sys.exit(ExitStatus.OK) if standalone_mode else ExitStatus.OK
        except XiezuoError as error:
            return _fail(str(error), error.exit_status)
        except ClickException as error:
            hint = ""
            if getattr(error, "ctx", None) is not None:
                hint = f" (see '{error.ctx.command_path} --help')"
            return _fail(error.format_message() + hint, error.exit_code)
        except typer.Abort:
            return _fail("aborted", ExitStatus.ERROR)
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            sys.exit(130)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(ExitStatus.ERROR)
        except Exception as error:  # the last line of defence: no traceback for users
            if os.environ.get("XIEZUO_DEBUG"):
                raise
            return _fail(f"unexpected {type(error).__name__}: {error}", ExitStatus.ERROR)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else ExitStatus.OK)


def _silence_stdout() -> None:
    """After the reader of a pipe went away, make the final flush at exit harmless."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


app = typer.Typer(
    cls=XiezuoGroup,
    name="xiezuo",
    help="xiezuo (协作): query China's cooperation pairings — 东西部协作, 对口支援, 山海协作, "
    "对口合作 — and the figures reported for them, each tied to the sentence it came from.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="XIEZUO_DB",
        help="Database file to read (default: $XIEZUO_DB, else the bundled data).",
        show_default=False,
        dir_okay=True,
        metavar="PATH",
    ),
]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"xiezuo {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """xiezuo (协作): query cooperation pairings and their figures."""


def _load(db: Path | None):  # -> Dataset, typed loosely to keep dataset off the import path
    from xiezuo_cli import dataset

    return dataset.load(dataset.resolve_path(db))


@app.command(epilog=EXIT_CODES_HELP)
def validate(db: DbOption = None) -> None:
    """Check the database file and print a short summary.

    Checks the schema version, every field's type, the categories (财政援助, 社会帮扶, …),
    references to pairings and sources, and that part_of points at a larger record of the
    same pairing with no cycles. Exit 3 with the first problem found.

    Example: xiezuo validate --db my.json
    """
    data = _load(db)
    money = sum(1 for record in data.records if record.is_money)
    sys.stdout.write(
        f"ok: {data.path}: {len(data.pairings)} pairings, {len(data.records)} records "
        f"({money} money), {len(data.sources)} sources\n"
    )


EXPORT_FORMATS = ("json", "jsonl", "csv", "tsv")


@app.command(epilog=EXIT_CODES_HELP)
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="json (one array), jsonl, csv or tsv.",
            click_type=None,
        ),
    ] = "json",
    db: DbOption = None,
) -> None:
    """Print every record with the contract fields, in id order.

    Fields: id, pairing, kind, provider, receiver, category, item, metric, value, unit,
    amount_yuan, approx, year, as_of, cumulative, stage, part_of, source, quote, note.

    Example: xiezuo export --format json | jq '.[] | select(.category=="财政援助")'
    """
    from xiezuo_cli.errors import UsageProblem
    from xiezuo_cli.model import RECORD_FIELDS
    from xiezuo_cli.output import write_rows

    if fmt not in EXPORT_FORMATS:
        raise UsageProblem(f"invalid --format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    data = _load(db)
    write_rows((record.as_dict() for record in data.records), RECORD_FIELDS, fmt, sys.stdout)


def main() -> int:
    """Console entry point (`xiezuo`, `python -m xiezuo_cli`)."""
    app()
    return ExitStatus.OK
