"""The Typer app: the documented interface of every command, built from options.py.

Typer owns help, completion and usage errors. Each command's callback hands the option values,
as typed, to commands.run, the same code the pre-parser in argv.py calls. Errors from anywhere
become one line and an exit code in XiezuoGroup.main, via the error edge (edge.py).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from xiezuo_cli import __version__
from xiezuo_cli.cli.edge import fail, guard
from xiezuo_cli.cli.options import COMMANDS, COMMANDS_BY_NAME
from xiezuo_cli.cli.spec import Arg, CommandSpec, Opt
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

        formatter.write(command_help(COMMANDS_BY_NAME[self.name or ""], EXIT_CODES_HELP))


class XiezuoGroup(TyperGroup):
    """Runs a command and turns every failure into one line and an exit code."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from xiezuo_cli.cli.helptext import group_help

        formatter.write(group_help(SUMMARY, COMMANDS, EXIT_CODES_HELP))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from xiezuo_cli.cli.write_options import join_words

        return super().resolve_command(ctx, join_words(args))  # pairs add, sources add

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, **kwargs: Any
    ) -> Any:
        standalone_mode = kwargs.pop("standalone_mode", True)
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


# ─── completion ───────────────────────────────────────────────────────────────────────────


def _data(ctx: typer.Context) -> Any:
    """The database in use for completion, or None: completion never prints an error."""
    from xiezuo_cli.storage import dataset

    given = ctx.params.get("db")
    path = given[-1] if isinstance(given, list | tuple) and given else given
    try:
        return dataset.load(dataset.resolve_path(str(path) if path else None))
    except Exception:
        return None


def _names_for(places: Any, incomplete: str) -> list[str]:
    """Names of these places that continue what was typed. Typer (and zsh, fish) keep only
    completions that start with the typed text, so a name typed in characters completes in
    characters (苍 → 苍溪), in pinyin to pinyin (cang → cangxi) and in traditional characters to
    traditional (蒼 → 蒼溪): every one of these forms is accepted by --pair, --in and --from."""
    from xiezuo_cli.model.names import normalize

    found: list[str] = []
    for place in places:
        for name in (place.short, place.full_name):
            if name.startswith(incomplete):
                found.append(name)
    typed = normalize(incomplete)
    if typed and not found:
        for place in places:
            forms = sorted((key for key in place.keys if key.startswith(typed)), key=len)
            if forms:  # what was typed, continued by the shortest form it begins
                found.append(incomplete + forms[0][len(typed) :])
    return list(dict.fromkeys(found))


def complete_pairing(ctx: typer.Context, incomplete: str) -> list[str]:
    """Place names of the pairings (and their ids) that continue what was typed."""
    data = _data(ctx)
    if data is None:
        return []
    places = {
        p.id: p for pairing in data.pairings.values() for p in (pairing.provider, pairing.receiver)
    }
    found = _names_for(places.values(), incomplete)
    found += [p for p in data.pairings if p.startswith(incomplete) and incomplete]
    return list(dict.fromkeys(found))


def complete_place(ctx: typer.Context, incomplete: str) -> list[str]:
    """Place names of the database in use that continue what was typed."""
    data = _data(ctx)
    return [] if data is None else _names_for(data.places.values(), incomplete)


def complete_record(ctx: typer.Context, incomplete: str) -> list[str]:
    data = _data(ctx)
    return [] if data is None else [i for i in data.record_ids() if i.startswith(incomplete)]


def complete_field(ctx: typer.Context, incomplete: str) -> list[str]:
    from xiezuo_cli.query.filters import QUERY_FIELDS

    # --columns a,b,<TAB>: complete the last name of the list
    done, _, last = incomplete.rpartition(",")
    prefix = done + "," if done else ""
    return [prefix + name for name in QUERY_FIELDS if name.startswith(last)]


def _choices(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        done, _, last = incomplete.rpartition(",")
        prefix = done + "," if done else ""
        return [prefix + value for value in values if value.startswith(last)]

    return complete


COMPLETERS: dict[str, Callable[..., list[str]]] = {
    "pairing": complete_pairing,
    "place": complete_place,
    "record": complete_record,
    "field": complete_field,
}


def _completer(complete: tuple[str, ...] | str | None) -> Callable[..., list[str]] | None:
    if complete is None:
        return None
    if isinstance(complete, tuple):
        return _choices(complete)
    return COMPLETERS[complete]


# ─── commands built from their declarations ───────────────────────────────────────────────


def _option_parameter(opt: Opt) -> inspect.Parameter:
    settings: dict[str, Any] = {"help": opt.help, "show_default": False}
    if opt.metavar:
        settings["metavar"] = opt.metavar
    completer = _completer(opt.complete)
    if completer is not None:
        settings["autocompletion"] = completer
    annotation: Any
    if opt.kind == "flag":
        annotation, default = Annotated[bool, typer.Option(*opt.flags, **settings)], False
    else:
        # Every valued option is taken as a list, single-valued ones too, so that params.py can
        # say "--format was given 2 times" instead of silently keeping the last.
        annotation = Annotated[list[str] | None, typer.Option(*opt.flags, **settings)]
        default = None
    return inspect.Parameter(
        opt.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _argument_parameter(arg: Arg) -> inspect.Parameter:
    kind: Any = list[str] if arg.multiple else str
    settings: dict[str, Any] = {"help": arg.help, "metavar": arg.metavar}
    completer = _completer(arg.complete)
    if completer is not None:
        settings["autocompletion"] = completer
    annotation = Annotated[kind, typer.Argument(**settings)]
    return inspect.Parameter(arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _callback(spec: CommandSpec) -> Callable[..., None]:
    def callback(**raw: Any) -> None:
        from xiezuo_cli.cli.commands import run

        run(spec.name, raw)

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
        cls=XiezuoCommand,
        # filter's conditions may hold values such as -5, which are not options
        context_settings={"ignore_unknown_options": True} if _spec.name == "filter" else None,
        help=_spec.help,
        short_help=_spec.help,  # click would cut the summary at 45 characters
        epilog=_epilog(_spec.examples),
    )(_callback(_spec))


__all__ = ["app"]
