"""The layers are what docs/ARCHITECTURE.md says: imports point down, and no module of the
project imports itself back through others.

Every .py file of the project's packages is read with `ast`; every import counts, the ones
inside functions and `if TYPE_CHECKING:` blocks included (a lazy import is still a dependency).

    bot/           wiring: may import everything below
    handlers/      Telegram glue: participation, knowledge, storage; never bot
    participation/ the participation feature: knowledge, storage; never handlers or bot
    storage/       knowledge (it stores the schema's types); never telegram or the layers above
    knowledge/     the domain: nothing of the project above it, and no telegram
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "participation", "knowledge", "storage")

# layer -> top-level names it must never import
FORBIDDEN = {
    "knowledge": {"storage", "handlers", "participation", "bot", "telegram"},
    "storage": {"handlers", "participation", "bot", "telegram"},
    "participation": {"handlers", "bot"},
    "handlers": {"bot"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files[_module_name(path)] = path
    return files


FILES = _project_files()


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported name, line) for every import in the file; `from a import b` gives a.b."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                if node.module:
                    base += node.module.split(".")
                target = ".".join(base)
            else:
                target = node.module or ""
            # `from a import b` imports the module a.b when there is one, else the name b of a
            found += [(f"{target}.{alias.name}" if f"{target}.{alias.name}" in FILES else target,
                       node.lineno) for alias in node.names]
    return found


def _project_module(name: str) -> str | None:
    """The project module an imported name is (or lives in), else None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in FILES:
            return candidate
        parts.pop()
    return None


IMPORTS = {module: _imports(module, path) for module, path in FILES.items()}


def test_the_scan_sees_the_project():
    # a scan that found nothing would pass every check below
    assert {m.split(".")[0] for m in FILES} == set(PACKAGES)
    assert any(target == "telegram.ext" or target.startswith("telegram.ext.")
               for target, _ in IMPORTS["handlers.commands"])


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_upward(layer):
    wrong = []
    for module, imports in IMPORTS.items():
        if module.split(".")[0] != layer:
            continue
        for target, line in imports:
            if target.split(".")[0] in FORBIDDEN[layer]:
                wrong.append(f"{FILES[module].relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, f"{layer}/ imports a layer above it:\n" + "\n".join(sorted(set(wrong)))


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in FILES}
    for module, imports in IMPORTS.items():
        for target, _ in imports:
            imported = _project_module(target)
            if imported is None or imported == module:
                continue
            graph[module].add(imported)
            # importing a.b.c runs a/__init__.py and a/b/__init__.py first: those count too,
            # unless they are packages the importer itself lives in
            parts = imported.split(".")
            for n in range(1, len(parts)):
                package = ".".join(parts[:n])
                if package in FILES and not module.startswith(package + "."):
                    graph[module].add(package)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    cycles = _cycles(_graph())
    assert not cycles, "modules that import each other (directly or through others):\n" + \
        "\n".join(" <-> ".join(c) for c in cycles)
