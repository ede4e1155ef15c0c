"""How a command is declared, and how what was typed becomes its one typed parameter value.

A command (``Command``) is its name, help, examples, its parts and its run function. A part is an
option (``Opt``), an argument (``Arg``) or a group of options that make one value together
(``Group``: the output options make an OutputOptions, the filters a Filters). Each option and
argument declares its converter with it (``type=``, as httpie's parser spec and click's types
do): the function that turns the text typed into its typed value, or says in one line why it
cannot (UsageProblem, exit 2).

Both command-line parsers read these declarations: Typer builds the documented interface from
them (app.py), and argv.py reads a well-formed command line with them without importing Typer.
Each collects what was typed (``Given``: a flag as a bool, every other option as the list of
the values given, an argument as its text or list of texts) and hands it to ``bind``, the one
place where text becomes typed values: it reads each part in order with its converter (an option
given twice, or an empty item of a list, is refused here, for every command alike), makes each
group's value, and makes the command's frozen parameters from them (``Command.params``, which
checks what concerns several options at once). From there on nothing is text.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from xiezuo_cli.errors import UsageProblem

# What a parser collected for one command line, by option or argument name.
Given = Mapping[str, "str | Sequence[str] | bool | None"]
# An option's converter: (the text typed, the option as the message names it) -> typed value.
Converter = Callable[[str, str], Any]


def as_text(text: str, option: str) -> str:
    """The text as typed."""
    return text


class Opt(NamedTuple):
    name: str  # the name of its value: a keyword of its group or of the command's parameters
    flags: tuple[str, ...]
    help: str
    kind: str = "text"  # text (one value) | flag | multi (repeatable, and comma lists)
    metavar: str | None = None
    # What completion offers: a tuple of fixed choices, or the name of a kind of thing in the
    # database in use: "pairing", "place", "record", "field".
    complete: tuple[str, ...] | str | None = None
    type: Converter = as_text  # each value typed (for multi: each item of the list)
    default: Any = None  # a text option's value when it is not given (multi: (); flag: False)


class Arg(NamedTuple):
    name: str
    help: str
    metavar: str
    multiple: bool = False
    complete: str | None = None
    # The argument's text (or, multiple, the tuple of its texts) to its typed value; the second
    # argument is how a message names it.
    type: Callable[[Any, str], Any] = as_text
    optional: bool = False  # may be left out (its type then gets None): import --template


class Group(NamedTuple):
    """Options that make one typed value together (the output options, the filters)."""

    name: str  # the name of the value in the command's parameters
    options: tuple[Opt, ...]
    # The group's value from its options' typed values, by name; it checks what concerns
    # several of them (--csv with --json, --since after --until).
    make: Callable[..., Any]


Part = Opt | Arg | Group


class Command(NamedTuple):
    name: str
    help: str  # first line: the summary `xiezuo --help` lists
    examples: tuple[str, ...]
    parts: tuple[Part, ...]  # in the order help lists them and bind reads them
    # The command's frozen parameters (a NamedTuple), made from its parts' values by name.
    params: Callable[..., Any]
    # What the command does with them. It may return an error to raise once its output is
    # complete and written (import --dry-run: the report, then exit 3 for the refused rows).
    run: Callable[[Any], Exception | None]
    # What concerns several of the command's own options at once (--unit-of needs --counts),
    # checked on its parameters before anything is read; UsageProblem.
    check: Callable[[Any], None] | None = None

    @property
    def options(self) -> tuple[Opt, ...]:
        """Every option, its groups' included, in the order help lists them."""
        found: list[Opt] = []
        for part in self.parts:
            if isinstance(part, Group):
                found.extend(part.options)
            elif isinstance(part, Opt):
                found.append(part)
        return tuple(found)

    @property
    def arguments(self) -> tuple[Arg, ...]:
        return tuple(part for part in self.parts if isinstance(part, Arg))

    def option(self, flag: str) -> Opt | None:
        return next((opt for opt in self.options if flag in opt.flags), None)


def bind(command: Command, given: Given) -> Any:
    """The command's typed parameters from what a parser collected; UsageProblem, one line."""
    values = {part.name: bind_part(part, given) for part in command.parts}
    params = command.params(**values)
    if command.check is not None:
        command.check(params)
    return params


def bind_part(part: Part, given: Given) -> Any:
    """One part's typed value: an option's, an argument's or a group's."""
    if isinstance(part, Group):
        return part.make(**{opt.name: _option(opt, given) for opt in part.options})
    if isinstance(part, Arg):
        value = given.get(part.name)
        if part.multiple:
            return part.type(tuple(_texts(value)), part.metavar)
        if part.optional and value is None:
            return part.type(None, part.metavar)
        return part.type("" if value is None or value is False else str(value), part.metavar)
    return _option(part, given)


def _texts(value: str | Sequence[str] | bool | None) -> list[str]:
    if value is None or value is False or value is True:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def _option(opt: Opt, given: Given) -> Any:
    flag = opt.flags[0]
    if opt.kind == "flag":
        return bool(given.get(opt.name))
    texts = _texts(given.get(opt.name))
    if opt.kind == "multi":
        # Repeatable, each value also a comma list: --by pairing,year --by kind. An empty value
        # (--pair= from a script's unset variable) is a mistake, not "no filter".
        items: list[Any] = []
        for text in texts:
            parts = [part.strip() for part in text.replace("，", ",").split(",")]
            if not any(parts):
                raise UsageProblem(f"{flag} is empty: give a value")
            items.extend(opt.type(part, flag) for part in parts if part)
        return tuple(items) if texts else (opt.default if opt.default is not None else ())
    if len(texts) > 1:  # Typer would keep the last silently; a script's mistake, said once
        raise UsageProblem(f"{flag} was given {len(texts)} times; give it once")
    return opt.type(texts[0], flag) if texts else opt.default
