"""Fixtures for the preview tests: a repo copy with extra synthetic posts and a warm engine.

The reference for "a preview equals a full build" is `build.py build` run in a
subprocess on the same repo copy, so nothing the engine keeps in memory can
leak into it.
"""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from preview_helpers import BUILD_NOW, SYNTHETIC_POSTS, copy_repo  # noqa: E402


@pytest.fixture
def site_copy(tmp_path, monkeypatch):
    """A repo copy with the real content plus synthetic posts, and SIM_BUILD_NOW fixed."""
    from preview.corpus import write_synthetic_posts

    monkeypatch.setenv("SIM_BUILD_NOW", BUILD_NOW)
    repo_dir = copy_repo(tmp_path / "repo")
    write_synthetic_posts(repo_dir / "content", SYNTHETIC_POSTS)
    return repo_dir


@pytest.fixture
def engine(site_copy, tmp_path):
    """An IncrementalSite over `site_copy`, after its first (full) build into tmp/preview."""
    from preview.incremental import IncrementalSite
    from preview.settings import load_settings

    site = IncrementalSite(load_settings(site_copy / "pelicanconf.py", site_copy / "content", tmp_path / "preview"))
    site.build()
    return site
