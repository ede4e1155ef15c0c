"""The Typer app: the documented interface of every command, built from its declaration
(registry.py, cli/commands).

Typer owns help, completion and usage errors. Each command's callback hands what was typed to
dispatch.run, the same code the pre-parser in argv.py calls. Errors from anywhere
become one line and an exit code in XiezuoGroup.main, via the error edge (edge.py).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from xiezuo_cli import __version__
from xiezuo_cli.cli import registry
from xiezuo_cli.cli.completion import completer
from xiezuo_cli.cli.edge import fail, guard
from xiezuo_cli.cli.spec import Arg, Command, Opt
from xiezuo_cli.errors import ExitStatus, ReaderGone

EXIT_CODES_HELP = (
    "Exit codes: 0 ok (also when nothing matches), 1 unexpected error, or a file or the output "
    "that the system would not let xiezuo write, 2 usage error (bad option value, unknown "
    "pairing, place or field, -o naming what may not be written), 3 a file xiezuo reads (the "
    "database, an import file, a text) is missing or invalid; 130 interrupted, 141 the reader "
    "of a pipe closed it early."
)


SUMMARY = (
    "xiezuo (协作): query China's cooperation pairings (东西部协作, 对口支援, 山海协作, 对口合作) "
    "and the figures reported for them, each tied to the sentence it came from.\n\nMoney is "
    "exact yuan; ≥ marks a lower bound (余, 超, 多), 约 an estimate. Tables on a terminal, CSV "
    "in a pipe."
)


class XiezuoCommand(TyperCommand):
    """A command whose help is written from its declaration, wrapped by display width."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from xiezuo_cli.cli.helptext import command_help

        formatter.write(command_help(registry.command(self.name or ""), EXIT_CODES_HELP))


class XiezuoGroup(TyperGroup):
    """Runs a command and turns every failure into one line and an exit code."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from xiezuo_cli.cli.helptext import group_help

        formatter.write(group_help(SUMMARY, registry.commands(), EXIT_CODES_HELP))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        return super().resolve_command(ctx, registry.join_words(args))  # pairs add, sources add

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **kwargs: Any,
    ) -> Any:
        kwargs.update(complete_var=complete_var, windows_expand_args=windows_expand_args)
        stdout = sys.stdout

        def run() -> Any:
            try:
                return TyperGroup.main(self, args, prog_name, standalone_mode=False, **kwargs)
            except typer.TyperException as error:  # click's usage errors derive from it
                format_message = getattr(error, "format_message", None)
                message = format_message() if callable(format_message) else str(error)
                context = getattr(error, "ctx", None)
                hint = f" (see '{context.command_path} --help')" if context is not None else ""
                fail(message + hint, getattr(error, "exit_code", ExitStatus.USAGE))
            except typer.Abort:
                fail("aborted", ExitStatus.ERROR)
            except SystemExit:
                # On a broken pipe (help into `| head`) click swaps stdout for a wrapper that
                # hides the error, then exits 1: report it as the pipe it was.
                if sys.stdout is not stdout:
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
    help=SUMMARY,
    epilog=EXIT_CODES_HELP,
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


# ─── commands built from their declarations ───────────────────────────────────────────────


def _option_parameter(opt: Opt) -> inspect.Parameter:
    settings: dict[str, Any] = {"help": opt.help, "show_default": False}
    if opt.metavar:
        settings["metavar"] = opt.metavar
    complete = completer(opt.complete)
    if complete is not None:
        settings["autocompletion"] = complete
    annotation: Any
    if opt.kind == "flag":
        annotation, default = Annotated[bool, typer.Option(*opt.flags, **settings)], False
    else:
        # Every valued option is taken as a list, single-valued ones too, so that spec.bind can
        # say "--format was given 2 times" instead of silently keeping the last.
        annotation = Annotated[list[str] | None, typer.Option(*opt.flags, **settings)]
        default = None
    return inspect.Parameter(
        opt.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _argument_parameter(arg: Arg) -> inspect.Parameter:
    kind: Any = list[str] if arg.multiple else str
    settings: dict[str, Any] = {"help": arg.help, "metavar": arg.metavar}
    complete = completer(arg.complete)
    if complete is not None:
        settings["autocompletion"] = complete
    if arg.optional:
        optional: Any = Annotated[str | None, typer.Argument(**settings)]
        return inspect.Parameter(
            arg.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=optional
        )
    annotation = Annotated[kind, typer.Argument(**settings)]
    return inspect.Parameter(arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _callback(spec: Command) -> Callable[..., None]:
    def callback(**given: Any) -> None:
        from xiezuo_cli.cli.dispatch import run

        run(spec.name, given)

    parameters = [_argument_parameter(a) for a in spec.arguments]
    parameters += [_option_parameter(o) for o in spec.options]
    # Typer reads a callback's parameters from __signature__, which typing does not know
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = spec.name
    return callback


def _epilog(examples: tuple[str, ...]) -> str:
    # \b keeps click from re-flowing the examples into one paragraph.
    return "\b\nExamples:\n" + "\n".join(f"  {e}" for e in examples) + "\n\n" + EXIT_CODES_HELP


for _spec in registry.commands():
    app.command(
        name=_spec.name,
        cls=XiezuoCommand,
        # filter's conditions may hold values such as -5, which are not options
        context_settings={"ignore_unknown_options": True} if _spec.name == "filter" else None,
        help=_spec.help,
        short_help=_spec.help,  # click would cut the summary at 45 characters
        epilog=_epilog(_spec.examples),
    )(_callback(_spec))


__all__ = ["app"]
