"""Helpers for the site tests: run build.py, copy the repo's site sources."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[2]
BUILD_NOW = "2026-11-25T12:00:00+01:00"
# What a repo copy needs to build the site (handbook/ is copied when present).
# The copy's build.py imports the copy's sitebuild/ (its folder comes first on
# sys.path), whose paths point into the copy; plugins/ is installed, but the
# preview watches the folder.
SITE_SOURCES = ("build.py", "pelicanconf.py", "publishconf.py", "sitebuild", "plugins", "theme", "content",
                "handbook", "preview")


def run_build(repo_dir, *args, env=None):
    """Run `python build.py <args>` in `repo_dir`; return the CompletedProcess (text output)."""
    full_env = {**os.environ, "SIM_BUILD_NOW": BUILD_NOW, **(env or {})}
    return subprocess.run(
        [sys.executable, str(Path(repo_dir) / "build.py"), *args],
        cwd=repo_dir, env=full_env, capture_output=True, text=True, timeout=300,
    )


def build_site(output_dir, *extra_args, env=None, repo_dir=REPO):
    """Build the site into `output_dir` (search and handbook unless told otherwise) or fail the test."""
    result = run_build(repo_dir, "build", "--output", str(output_dir), *extra_args, env=env)
    if result.returncode != 0:
        pytest.fail(f"build failed:\n{result.stdout}\n{result.stderr}")
    return Path(output_dir)


def copy_repo(destination):
    """Copy what the site build needs into `destination` and return it."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SITE_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, destination / name)
    return destination


def snapshot(folder):
    """Return {relative path: bytes} for every file under `folder`."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def parse_html(path):
    """A built page parsed the way a browser would (html5lib)."""
    return BeautifulSoup(Path(path).read_bytes(), "html5lib")


def render_with_pelican(output, content=REPO / "content", **env):
    """Run only Pelican with our settings, plugins and theme (no search, no handbook); fail loudly."""
    environment = {**os.environ, "SIM_BUILD_NOW": BUILD_NOW, **env}
    subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(REPO / "pelicanconf.py"),
         "-o", str(output), "-q"],
        cwd=REPO, env=environment, check=True, capture_output=True,
    )
    return output


# mkdocs and pagefind write these folders' pages, not our theme.
NOT_OURS = ("handbok", "pagefind", "admin")  # admin/: the web editor (Decap CMS), its own page


def theme_pages(output):
    """Every HTML page our templates wrote, keyed by path relative to output/, parsed."""
    return {
        path.relative_to(output).as_posix(): parse_html(path)
        for path in sorted(Path(output).rglob("*.html"))
        if path.relative_to(output).parts[0] not in NOT_OURS
    }
