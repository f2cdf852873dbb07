"""Fixtures for the handbook tests: a real strict mkdocs build into a temp dir."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HANDBOOK = REPO / "handbook"
PUBLIC_ROOT = "https://sim.example.test"


def build_handbook(out_dir, site_root=None, config=HANDBOOK / "mkdocs.yml"):
    """Run `mkdocs build --strict` as build.py does; return the finished process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SIM_SITEURL", None)
    if site_root is not None:
        env["SIM_SITEURL"] = site_root
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "-f", str(config), "-d", str(out_dir)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )


def load_hook(name):
    """Import one of handbook/hooks/*.py the way mkdocs does: by file path."""
    spec = importlib.util.spec_from_file_location(f"handbook_hook_{name}", HANDBOOK / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def built_handbook(tmp_path_factory):
    """The handbook built for a public address, as Netlify's publish build does."""
    out_dir = tmp_path_factory.mktemp("site") / "handbok"
    result = build_handbook(out_dir, PUBLIC_ROOT)
    assert result.returncode == 0, result.stderr
    return out_dir


@pytest.fixture(scope="session")
def handbook_pages(built_handbook):
    """Every built HTML page as (URL path under /handbok/, file path)."""
    pages = []
    for html_file in sorted(built_handbook.rglob("*.html")):
        relative = html_file.relative_to(built_handbook).as_posix()
        if relative.endswith("index.html"):
            relative = relative[: -len("index.html")]
        pages.append(("/handbok/" + relative, html_file))
    return pages
