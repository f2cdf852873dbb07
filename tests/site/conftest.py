"""Fixtures for the site tests: a real build of the real content, and repo copies to break.

`built_site` builds once per session with SIM_BUILD_NOW fixed (see
site_helpers.BUILD_NOW), so call states do not depend on the day the tests run.
Other test files (the theme's too) use it: `def test_x(built_site): built_site / "index.html"`.
"""

import pytest

from tests.site.site_helpers import build_site, copy_repo


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Path to the output folder of a full local build (search index, handbook) of the real content."""
    return build_site(tmp_path_factory.mktemp("site") / "output")


@pytest.fixture
def repo_copy(tmp_path):
    """A throwaway copy of the repo's site sources, safe to add broken content to."""
    return copy_repo(tmp_path / "repo")
