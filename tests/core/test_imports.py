"""The project's files import each other one way: no cycles, and no layer reaches above itself.

Read with ``ast`` (nothing is imported or run): every ``import`` and ``from … import`` in every project file,
inside functions too, resolved to project files. ``from pkg import name`` where ``pkg.name`` is a module counts as
importing that module; importing a package counts as importing its ``__init__``. Migrations are skipped.

Layers, from the bottom (decided here):

- **foundation**: everything in ``pekka/`` that is not the roof: settings, permissions, money, text, widgets,
  filtering, paging, forms helpers, formats, templatetags, context_processors, accounts, regions, programmes,
  spreadsheets, bulk. ``pekka/views.py`` is foundation: it holds only the health check; the home-page
  dispatcher is ``pekka.dashboards.views.home``, which the roof's urls.py routes to. ``context_processors`` names
  the domain apps' pages by url name (strings that ``reverse`` resolves), which is no import.
  ``permissions`` imports no project module at all; ``programmes.models`` builds on it (one way).
- **domain**: beneficiaries, groups, mentoring, loans.
- **roof**: ``pekka/urls.py``, ``pekka/asgi.py``, ``pekka/wsgi.py``, ``pekka/dashboards/``, ``pekka/devdata/``
  and every ``management/`` package (commands may call anything).

A file may import its own layer or a lower one (so a domain app reaching into the dashboards or the demo data
fails too); cycles are refused whatever the layers.
"""

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PACKAGES = ("pekka", "beneficiaries", "groups", "mentoring", "loans")
DOMAIN = ("beneficiaries", "groups", "mentoring", "loans")
ROOF = ("pekka.urls", "pekka.asgi", "pekka.wsgi", "pekka.dashboards", "pekka.devdata")
LAYERS = ("foundation", "domain", "roof")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def project_modules(root: Path) -> dict[str, Path]:
    """Every project module by dotted name (``loans.views.loans``; a package by its own name), migrations left
    out."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``name`` names, else the nearest project package above it; None outside the project
    (``django.db``, ``datetime``)."""
    parts = name.split(".")
    while parts:
        dotted = ".".join(parts)
        if dotted in modules:
            return dotted
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path], *, root: Path) -> list[Edge]:
    """The project modules ``module`` imports, with the file (relative to ``root``) and line of each import."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    edges = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}" if origin else alias.name
                targets.append(submodule if submodule in modules else origin)
        for target in targets:
            resolved = _resolve(target, modules) if target else None
            if resolved is not None and resolved != module:
                edges.append(Edge(module, resolved, path.relative_to(root), node.lineno))
    return edges


def import_graph(root: Path) -> dict[str, list[Edge]]:
    modules = project_modules(root)
    return {module: imports_of(module, path, modules, root=root) for module, path in modules.items()}


def find_cycles(graph: dict[str, list[Edge]]) -> list[list[Edge]]:
    """One shortest cycle through each strongly connected group of modules (Tarjan, then a breadth-first search
    inside the group), as the chain of imports that closes it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(start: str) -> None:
        # Iterative Tarjan: the project is deep enough to make recursion a worry.
        work = [(start, iter(graph.get(start, [])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            edge = next(edges, None)
            if edge is not None:
                target = edge.target
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, []))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return [_shortest_cycle(graph, group) for group in sorted(groups, key=min)]


def _shortest_cycle(graph: dict[str, list[Edge]], group: set[str]) -> list[Edge]:
    start = min(group)
    came_by: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in graph[node]:
            if edge.target not in group:
                continue
            if edge.target == start:
                chain = [edge]
                while chain[0].source != start:
                    chain.insert(0, came_by[chain[0].source])
                return chain
            if edge.target not in came_by:
                came_by[edge.target] = edge
                queue.append(edge.target)
    raise AssertionError(f"no cycle in the strongly connected group {sorted(group)}")


def layer_of(module: str) -> str:
    parts = module.split(".")
    if "management" in parts or any(module == roof or module.startswith(f"{roof}.") for roof in ROOF):
        return "roof"
    if parts[0] in DOMAIN:
        return "domain"
    return "foundation"


def upward_imports(graph: dict[str, list[Edge]]) -> list[Edge]:
    """Imports from a layer into one above it (foundation into domain or roof, domain into roof)."""
    return [
        edge
        for edges in graph.values()
        for edge in edges
        if LAYERS.index(layer_of(edge.target)) > LAYERS.index(layer_of(edge.source))
    ]


def _describe(cycle: list[Edge]) -> str:
    names = " -> ".join([cycle[0].source, *(edge.target for edge in cycle)])
    return names + "".join(f"\n    {edge}" for edge in cycle)


def test_no_import_cycles_between_project_files():
    cycles = find_cycles(import_graph(PROJECT))
    if cycles:
        pytest.fail("import cycles:\n" + "\n".join(_describe(cycle) for cycle in cycles), pytrace=False)


def test_no_layer_imports_one_above_it():
    upward = upward_imports(import_graph(PROJECT))
    if upward:
        lines = [f"{edge} ({layer_of(edge.source)} -> {layer_of(edge.target)})" for edge in upward]
        pytest.fail("upward imports:\n" + "\n".join(lines), pytrace=False)


def test_the_checker_finds_a_cycle_and_an_upward_import(tmp_path):
    files = {
        "pekka/__init__.py": "",
        # upward, and inside a function: the foundation reaching into a domain app
        "pekka/money.py": "def f():\n    from loans.models import Loan\n",
        "pekka/dashboards/__init__.py": "",
        "pekka/dashboards/views.py": "from loans import services\n",  # the roof may
        "loans/__init__.py": "",
        # a cycle through a relative import, a submodule named in ``from . import`` and a function-level import
        "loans/models.py": "from . import services\n",
        "loans/services.py": "def post():\n    from .views import page\n",
        "loans/views/__init__.py": "from ..models import Loan\n",
        "loans/migrations/0001_initial.py": "from loans.services import post\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path)

    (cycle,) = find_cycles(graph)
    assert [(edge.source, edge.target) for edge in cycle] == [
        ("loans.models", "loans.services"),
        ("loans.services", "loans.views"),
        ("loans.views", "loans.models"),
    ]
    assert [(edge.source, edge.target, edge.line) for edge in upward_imports(graph)] == [
        ("pekka.money", "loans.models", 2)
    ]
    assert "loans.migrations.0001_initial" not in graph
