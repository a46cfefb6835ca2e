"""The shape of the code: no import cycles, stages import only earlier stages, small modules.

These are the rules in the brief ("the folder tree shows the pipeline ... no stage reaches back
into an earlier one's internals ... no import cycles", "small modules (≤ ~400 lines)"), checked
on the source with :mod:`ast` and :mod:`networkx` rather than by reading.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1] / "gmb"

# The pipeline, lowest first. A module may import modules of its own layer or of lower layers.
LAYERS = [
    {"gmb.errors", "gmb.files", "gmb._lazy", "gmb._cache", "gmb.results"},
    {"gmb.session"},
    {"gmb.io", "gmb.cld", "gmb.examples"},
    {"gmb.stockflow"},
    {"gmb.simulate"},
    {"gmb.scale"},
    {"gmb.scenarios"},
    {"gmb.calibration"},
    {"gmb.views"},
    {"gmb.workflow"},
    {"gmb.serve"},
    {"gmb.commands"},
    {"gmb.cli", "gmb", "gmb.__main__"},
]
# Shared plumbing of the command layer, which every command module may use.
COMMAND_PLUMBING = {"gmb.commands.common", "gmb.commands.options"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# Kept long on purpose, with the reason.
LONG_FUNCTIONS = {
    # One numba-compiled loop over runs, steps and variables: splitting it into calls costs
    # the engine its speed (numba inlines poorly across jitted functions with many arrays).
    ("gmb/simulate/engine_numba.py", "_kernel"),
}


def _modules() -> dict[str, Path]:
    mods = {}
    for p in ROOT.rglob("*.py"):
        parts = list(p.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = p
    return mods


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (type-only imports are not dependencies)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for t in targets:
                if t in mods and t != name and not name.startswith(t + "."):
                    g.add_edge(name, t)
    return g


def _layer(module: str) -> int:
    best = None
    for i, layer in enumerate(LAYERS):
        for prefix in layer:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (i, len(prefix))
    assert best is not None, f"{module} is in no layer of tests/test_architecture.py"
    return best[0]


def test_no_import_cycles():
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1)
    assert cycles == [], f"import cycles: {cycles}"


def test_stages_import_only_earlier_stages():
    bad = [f"{a} -> {b}" for a, b in import_graph().edges if a not in ("gmb", "gmb.__main__") and _layer(b) > _layer(a)]
    assert bad == [], "a lower stage imports a higher one:\n" + "\n".join(sorted(bad))


def test_command_modules_do_not_import_each_other():
    bad = [
        f"{a} -> {b}"
        for a, b in import_graph().edges
        if a.startswith("gmb.commands.") and b.startswith("gmb.commands.") and b not in COMMAND_PLUMBING
    ]
    assert bad == [], "command modules import each other (move shared logic to gmb.workflow):\n" + "\n".join(
        sorted(bad)
    )


def test_graph_sees_imports():
    # The checks above are only as good as the graph: it must see a known dependency.
    g = import_graph()
    assert g.has_edge("gmb.session.parse", "gmb.session.model")
    assert g.has_edge("gmb.session.events", "gmb.session.parse")


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_module_is_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT.parent)} has {lines} lines (split it along a seam)"


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the signature to the end, without the docstring (numpydoc docstrings are long by design)."""
    body = node.body
    doc = body[0] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else None
    skipped = doc.end_lineno - doc.lineno + 1 if doc is not None and len(body) > 1 else 0
    return node.end_lineno - node.lineno + 1 - skipped


def test_functions_are_short():
    long = []
    for path in ROOT.rglob("*.py"):
        rel = str(path.relative_to(ROOT.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _code_lines(node)
                if n > MAX_FUNCTION_LINES and (rel, node.name) not in LONG_FUNCTIONS:
                    long.append(f"{rel}:{node.lineno} {node.name} ({n} lines)")
    assert long == [], "functions over 80 lines of code (docstring not counted):\n" + "\n".join(sorted(long))
