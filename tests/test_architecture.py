"""The package's shape (issue 16): no import cycle and no upward import in src/nianbao.

The imports are read from the source (every import, at module level or inside a function),
so a lazy import that goes the wrong way counts as much as one at the top.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "nianbao"

# Lowest first.  A module may import its own layer and the layers below, never one above.
LAYERS = [
    {"nianbao", "model", "errors", "extras", "numerals", "segmenter", "gold", "metadata"},
    {"ingest"},
    {"tables"},
    {"sections"},
    {"claims"},
    {"reconcile"},
    {"settings"},
    {"pipeline"},
    {"corpus", "synth"},
    {"review"},
    {"evaluation", "training"},
    {"cli", "__main__"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = [f"{target}.{a.name}" if f"{target}.{a.name}" in mods else target for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            edges[name].update(n for n in names if n in mods and n != name)
    return edges


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "nianbao"


def test_every_package_has_a_layer():
    assert {layer(m) for m in modules()} <= set(RANK), {layer(m) for m in modules()} - set(RANK)


def test_no_upward_import():
    upward = sorted(f"{a} -> {b}" for a, bs in imports().items() for b in bs if RANK[layer(b)] > RANK[layer(a)])
    assert not upward, upward


def test_no_import_cycle():
    edges = imports()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in modules():
        if module not in index:
            visit(module)
    assert not cycles, cycles
