"""The shape of preview/: which module may touch Pelican's internals, and which way imports point."""

import ast
from pathlib import Path

PREVIEW = Path(__file__).resolve().parents[2] / "preview"
# Pelican's public content types may be used anywhere; everything else goes through the adapter.
PUBLIC_PELICAN_MODULES = {"pelican.contents", "pelican.paginator", "pelican.urlwrappers"}
# Data flows watcher -> session -> engine -> writer (adapter) -> broadcaster (livereload).
# server.py is the shell that wires them together and nothing imports it; below it,
# each module imports only what lies further along, or the helpers the engine asks.
ALLOWED_PREVIEW_IMPORTS = {
    "pelican_adapter": set(),
    "sources": set(),
    "livereload": set(),
    "watch": set(),
    "fingerprint": {"pelican_adapter", "sources"},
    "engine": {"fingerprint", "pelican_adapter", "sources"},
    "server": {"engine", "livereload", "pelican_adapter", "watch"},
}


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _pelican_internals_used(path):
    """Imports of Pelican (or of the site's Pelican runner) and private attributes of other objects."""
    found = [module for module in _imports(path) if module.startswith("pelican") and module not in
             PUBLIC_PELICAN_MODULES or module == "sitebuild.pelican_run"]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_only_the_adapter_touches_pelican_internals():
    modules = sorted(PREVIEW.glob("*.py"))
    assert len(modules) > 5
    offenders = {path.name: used for path in modules if path.name != "pelican_adapter.py"
                 for used in [_pelican_internals_used(path)] if used}
    assert offenders == {}
    assert _pelican_internals_used(PREVIEW / "pelican_adapter.py"), "the check must see the adapter's own touches"


def test_imports_point_one_way_along_the_data_flow():
    modules = {path.stem: path for path in PREVIEW.glob("*.py") if path.stem != "__init__"}
    assert set(modules) == set(ALLOWED_PREVIEW_IMPORTS), "a new module: say where it sits in the flow"
    for name, path in modules.items():
        used = {module.removeprefix("preview.") for module in _imports(path) if module.startswith("preview.")}
        assert used <= ALLOWED_PREVIEW_IMPORTS[name], f"{name} imports {used - ALLOWED_PREVIEW_IMPORTS[name]}"
