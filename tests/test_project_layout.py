"""The project imports as installed packages: no code edits sys.path or loads a module by its file path.

`pip install -e .` makes sitebuild, sim_content, preview and formsvc importable,
and pytest imports tests/ as a package, so a sys.path edit or a
load-by-path anywhere would only hide a broken layout.
"""

import ast
import configparser
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Every folder and top-level file with Python we write: product code, settings, hooks, benchmarks, tests.
SCANNED = ("build.py", "pelicanconf.py", "publishconf.py", "sitebuild", "plugins", "preview", "formsvc",
           "handbook", "theme", "bench", "tests")
# Functions that import a module from a file path, or widen the import path.
LOAD_BY_PATH = {"spec_from_file_location", "module_from_spec", "SourceFileLoader", "SourcelessFileLoader",
                "run_path", "load_source", "load_module", "addsitedir", "execfile"}


def import_path_problems(source, filename="<source>"):
    """`file:line: what` for each sys.path use, load-by-path call or PYTHONPATH in Python source."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) \
                and node.value.id == "sys":
            problems.append(f"{filename}:{line}: uses sys.path")
        elif isinstance(node, ast.ImportFrom) and node.module == "sys" and any(a.name == "path" for a in node.names):
            problems.append(f"{filename}:{line}: imports sys.path")
        elif isinstance(node, ast.Attribute) and node.attr in LOAD_BY_PATH:
            problems.append(f"{filename}:{line}: calls {node.attr}")
        elif isinstance(node, ast.Name) and node.id in LOAD_BY_PATH:
            problems.append(f"{filename}:{line}: calls {node.id}")
        elif isinstance(node, ast.alias) and node.name.rpartition(".")[2] in LOAD_BY_PATH:
            problems.append(f"{filename}:{line}: imports {node.name}")
        elif isinstance(node, ast.Constant) and node.value == "PYTHONPATH":
            problems.append(f"{filename}:{line}: sets PYTHONPATH")
    return problems


def python_files():
    for name in SCANNED:
        path = REPO / name
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def test_no_code_edits_sys_path_or_loads_modules_by_path():
    # This file names every trick it looks for, so it is checked by the tests below instead.
    files = [path for path in python_files() if path != Path(__file__).resolve()]
    assert len(files) > 50  # the scan really ran over the project
    problems = [p for f in files for p in import_path_problems(f.read_text(encoding="utf-8"), f.relative_to(REPO))]
    assert problems == []


@pytest.mark.parametrize("snippet", [
    "import sys\nsys.path.insert(0, 'plugins')\n",
    "import sys\nsys.path[:0] = ['.']\n",
    "from sys import path\npath.append('x')\n",
    "import importlib.util\nspec = importlib.util.spec_from_file_location('m', 'm.py')\n",
    "from importlib.util import spec_from_file_location as load\n",
    "from importlib.machinery import SourceFileLoader\n",
    "import runpy\nrunpy.run_path('x.py')\n",
    "import os, subprocess\nsubprocess.run(['x'], env={**os.environ, 'PYTHONPATH': '.'})\n",
])
def test_the_scan_catches_each_kind_of_import_path_trick(snippet):
    assert import_path_problems(snippet)


def test_the_scan_ignores_comments_and_ordinary_paths():
    source = "# conftest used to put this folder on sys.path\nfrom pathlib import Path\nroot = Path('.').parent\n"
    assert import_path_problems(source) == []


def test_shell_entry_points_set_no_pythonpath():
    for name in ("tests/run.sh", ".ci/run", "netlify.toml"):
        assert "PYTHONPATH" not in (REPO / name).read_text(encoding="utf-8"), name


def test_pytest_needs_no_import_mode_or_pythonpath_setting():
    config = configparser.ConfigParser()
    config.read(REPO / "pytest.ini", encoding="utf-8")
    assert "--import-mode" not in config.get("pytest", "addopts", fallback="")
    assert not config.has_option("pytest", "pythonpath")


@pytest.mark.parametrize("package", ["sitebuild", "sim_content", "preview", "formsvc"])
def test_packages_import_from_this_checkout(package):
    module = importlib.import_module(package)
    assert Path(module.__file__).resolve().is_relative_to(REPO), module.__file__


def test_plugin_folder_holds_only_what_pelican_loads():
    # build steps (running Pelican, scaffold, the serve app) live in sitebuild/
    modules = {path.stem for path in (REPO / "plugins" / "sim_content").glob("*.py")}
    assert not modules & {"pelican_run", "preview_app", "scaffold", "site_app"}
