"""The shape of the code: no import cycle among xiezuo's modules, counting the imports made inside
functions (which a reader does not see at the top of a module, and which import-linter's layers
contract also counts).

The layers themselves (model → storage → query, authoring, extract → present → cli, each importing
only those below it) are checked by `lint-imports` with the contract in pyproject.toml.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "xiezuo_cli"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("xiezuo_cli", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The xiezuo modules ``name`` imports anywhere in its file, at any depth."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join([*base, *([node.module] if node.module else [])])
            else:
                stem = node.module or ""
            targets = [stem, *(f"{stem}.{alias.name}" for alias in node.names)]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # a module's own package is imported with it: not an edge of the graph
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_counting_imports_inside_functions() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_sees_a_cycle_through_a_function(tmp_path: Path) -> None:
    """The check itself: an import inside a function is an edge, and a cycle it closes is found."""
    lower = tmp_path / "lower.py"
    lower.write_text("def late():\n    from xiezuo_cli.upper import thing\n", encoding="utf-8")
    modules = {"xiezuo_cli.lower": lower, "xiezuo_cli.upper": tmp_path / "upper.py"}
    assert _imports("xiezuo_cli.lower", lower, modules) == {"xiezuo_cli.upper"}
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_each_command_is_declared_once_and_typed_by_its_declaration() -> None:
    """The registry names each command once; each command's parameters are exactly its parts
    (options, arguments, groups), so nothing typed is dropped or left to a default by mistake;
    every option a parser can meet has a converter, and flags need none."""
    from xiezuo_cli.cli import registry
    from xiezuo_cli.cli.spec import Group, as_text

    for name in registry.NAMES:
        command = registry.command(name)
        assert command.name == name
        assert sorted(part.name for part in command.parts) == sorted(command.params._fields), name
        flags = [flag for opt in command.options for flag in opt.flags]
        assert len(flags) == len(set(flags)), name
        for part in command.parts:
            if isinstance(part, Group):
                assert len({opt.name for opt in part.options}) == len(part.options)
        for opt in command.options:
            if opt.kind == "flag":
                assert opt.type is as_text, (name, opt.name)


def test_no_namedtuple_module_postpones_its_annotations() -> None:
    """A NamedTuple's string annotations (``from __future__ import annotations``) are each
    compiled into a ForwardRef when the class is made: about 0.15 ms a field, several ms on
    the path of every query command. Modules that define one do without the future import."""
    postponing = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "(NamedTuple)" in text and "from __future__ import annotations" in text:
            postponing.append(str(path.relative_to(PACKAGE)))
    assert postponing == []


def test_no_module_is_over_800_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert long == {}


def test_each_layer_says_what_it_may_import() -> None:
    for package in ("model", "storage", "query", "authoring", "extract", "present", "cli"):
        docstring = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
        assert docstring is not None, package
        assert "import" in docstring, package
