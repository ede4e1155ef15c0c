"""The Typer app: the documented interface of every command, built from options.py.

Typer owns help, completion and usage errors. Each query command's callback hands the raw option
values to commands.py, the same code the pre-parser in argv.py calls. Errors from anywhere become
one line and an exit code in XiezuoGroup.main, via entry.guard.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

# typer 0.28 vendors click as typer._click; its exceptions are what usage errors raise.
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup

from xiezuo_cli import __version__
from xiezuo_cli.entry import fail, guard
from xiezuo_cli.errors import ExitStatus, ReaderGone
from xiezuo_cli.options import COMMANDS, Arg, CommandSpec, Opt

EXIT_CODES_HELP = (
    "Exit codes: 0 ok (also when nothing matches), 1 unexpected error, 2 usage error "
    "(bad option value, unknown pairing or field), 3 data file error; 130 interrupted, "
    "141 the reader of a pipe closed it early."
)


class XiezuoGroup(TyperGroup):
    """Runs a command and turns every failure into one line and an exit code."""

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, **kwargs: Any
    ) -> Any:
        standalone_mode = kwargs.pop("standalone_mode", True)

        def run() -> Any:
            try:
                return TyperGroup.main(self, args, prog_name, standalone_mode=False, **kwargs)
            except NoArgsIsHelpError as error:
                # `xiezuo` alone: the help is what the user needs, and that is not a failure.
                sys.stdout.write(error.format_message() + "\n")
                return ExitStatus.OK
            except ClickException as error:
                context = getattr(error, "ctx", None)
                hint = f" (see '{context.command_path} --help')" if context is not None else ""
                fail(error.format_message() + hint, error.exit_code)
            except typer.Abort:
                fail("aborted", ExitStatus.ERROR)
            except SystemExit:
                # Typer answers a broken pipe (help into `| head`) with a bare exit 1, after
                # swapping stdout for click's PacifyFlushWrapper: report it as the pipe it was.
                if type(sys.stdout).__name__ == "PacifyFlushWrapper":
                    raise ReaderGone() from None
                raise

        result = guard(run)
        guard(sys.stdout.flush)  # a closed pipe often shows only here, not at the write
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else ExitStatus.OK)


app = typer.Typer(
    cls=XiezuoGroup,
    name="xiezuo",
    help="xiezuo (协作): query China's cooperation pairings (东西部协作, 对口支援, 山海协作, "
    "对口合作) and the figures reported for them, each tied to the sentence it came from."
    "\n\nMoney is exact yuan; ≥ marks a lower bound (余, 超, 多). Tables on a terminal, "
    "CSV in a pipe.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: example text like '.[]' is never read as markup
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


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


# ─── completion ───────────────────────────────────────────────────────────────────────────


def complete_pairing(ctx: typer.Context, incomplete: str) -> list[str]:
    """Names of the database in use that start with what was typed: 苍 → 苍溪, cang → cangxi.

    Typer drops any completion that does not start with the typed text, so pinyin completes to
    pinyin (which --pair accepts as well) rather than to characters.
    """
    from xiezuo_cli import dataset
    from xiezuo_cli.names import display_names, normalize

    try:
        data = dataset.load(dataset.resolve_path(ctx.params.get("db")))
    except Exception:  # completion must never print an error into the shell
        return []
    names = [name for name in display_names(data.pairings.values()) if name.startswith(incomplete)]
    typed = normalize(incomplete)
    for pairing in data.pairings.values():
        for keys in (pairing.provider.keys, pairing.receiver.keys):
            romanised = sorted(
                (key for key in keys if key.isascii() and key.startswith(typed)), key=len
            )
            if typed and romanised and incomplete.isascii():
                names.append(incomplete + romanised[0][len(typed) :])
    return list(dict.fromkeys(names))


def complete_place(ctx: typer.Context, incomplete: str) -> list[str]:
    """Place names of the database in use (short and full) that start with what was typed."""
    from xiezuo_cli import dataset

    try:
        data = dataset.load(dataset.resolve_path(ctx.params.get("db")))
    except Exception:  # completion must never print an error into the shell
        return []
    names = [name for p in data.places.values() for name in (p.short, p.full_name)]
    return [name for name in dict.fromkeys(names) if name.startswith(incomplete)]


# ─── commands built from their declarations ───────────────────────────────────────────────


def _option_parameter(opt: Opt) -> inspect.Parameter:
    settings: dict[str, Any] = {"help": opt.help, "show_default": False}
    if opt.metavar:
        settings["metavar"] = opt.metavar
    if opt.complete == "pairing":
        settings["autocompletion"] = complete_pairing
    elif opt.complete == "place":
        settings["autocompletion"] = complete_place
    annotation: Any
    if opt.kind == "flag":
        annotation, default = Annotated[bool, typer.Option(*opt.flags, **settings)], False
    elif opt.kind == "multi":
        annotation = Annotated[list[str] | None, typer.Option(*opt.flags, **settings)]
        default = None
    else:
        annotation, default = Annotated[str | None, typer.Option(*opt.flags, **settings)], None
    return inspect.Parameter(
        opt.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _argument_parameter(arg: Arg) -> inspect.Parameter:
    kind: Any = list[str] if arg.multiple else str
    annotation = Annotated[kind, typer.Argument(help=arg.help, metavar=arg.metavar)]
    return inspect.Parameter(arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _callback(spec: CommandSpec) -> Callable[..., None]:
    def callback(**raw: Any) -> None:
        from xiezuo_cli.commands import RUNNERS

        RUNNERS[spec.name](raw)

    parameters = [_argument_parameter(a) for a in spec.arguments]
    parameters += [_option_parameter(o) for o in spec.options]
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = spec.name
    return callback


def _epilog(examples: tuple[str, ...]) -> str:
    # \b keeps click from re-flowing the examples into one paragraph.
    return "\b\nExamples:\n" + "\n".join(f"  {e}" for e in examples) + "\n\n" + EXIT_CODES_HELP


for _spec in COMMANDS:
    app.command(
        name=_spec.name,
        help=_spec.help,
        short_help=_spec.help,  # click would cut the summary at 45 characters
        epilog=_epilog(_spec.examples),
    )(_callback(_spec))


__all__ = ["app"]
