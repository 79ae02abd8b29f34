"""The import graph of our packages, read from the source (AST), and its cycles.

Every ``import``/``from ... import`` counts, wherever it stands: at module level, inside
a function or under ``TYPE_CHECKING``. A type-only cycle is still a knot a reader has to
untie. ``from package import name`` points at the submodule when ``name`` is one, else
at the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

Graph = dict[str, set[str]]


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under the given top-level packages."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Absolute dotted names ``module`` imports (``from a import b`` gives ``a.b``).

    ``a.b`` may name a function or class rather than a module: ``import_graph`` maps
    each name to the longest known module it starts with.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(package, node.module, node.level)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _absolute(package: str, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join([*parts, name] if name else parts)


def import_graph(root: Path, packages: Iterable[str]) -> Graph:
    """Module -> the modules of ``packages`` it imports (each resolved to a known file)."""
    modules = module_files(root, packages)
    graph: Graph = {}
    for module, path in modules.items():
        targets = {_resolve(name, modules) for name in imported_names(module, path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(graph):
        if start not in index:
            _visit(start, graph, index, low, stack, found)
    return sorted(found)


def _visit(
    node: str, graph: Graph, index: dict[str, int], low: dict[str, int],
    stack: list[str], found: list[list[str]],
) -> None:  # fmt: skip
    """Tarjan's algorithm, iterative so deep chains cannot exhaust the recursion limit."""
    work = [(node, iter(sorted(graph.get(node, ()))))]
    index[node] = low[node] = len(index)
    stack.append(node)
    while work:
        current, children = work[-1]
        child = next(children, None)
        if child is None:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[current])
            if low[current] == index[current]:
                _pop_component(current, stack, found)
        elif child not in index:
            index[child] = low[child] = len(index)
            stack.append(child)
            work.append((child, iter(sorted(graph.get(child, ())))))
        elif child in stack:
            low[current] = min(low[current], index[child])


def _pop_component(root: str, stack: list[str], found: list[list[str]]) -> None:
    component: list[str] = []
    while True:
        member = stack.pop()
        component.append(member)
        if member == root:
            break
    if len(component) > 1:
        found.append(sorted(component))
