"""The atomic swap: a staging folder next to output/, then two renames.

Regression (issue 15): the staging folder came from tempfile.mkdtemp, mode
0700, so after the swap output/ was readable only by the builder and a form
service running as another user answered every call page with 500.
"""

import os
import stat
from contextlib import contextmanager

import pytest

from sitebuild.swap import leftovers, make_staging_dir, swap_into_place
from tests.site.site_helpers import run_build


@contextmanager
def umask(mask):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)],
                         ids=["umask-022", "umask-027", "umask-077"])
def test_staging_folder_gets_what_mkdir_gives_under_the_umask(tmp_path, mask, expected):
    with umask(mask):
        staging = make_staging_dir(tmp_path / "site" / "output")
    assert staging.parent == tmp_path / "site" and staging.is_dir() and not any(staging.iterdir())
    assert mode(staging) == expected


def test_staging_folders_are_fresh_and_found_by_clean(tmp_path):
    output = tmp_path / "output"
    first, second = make_staging_dir(output), make_staging_dir(output)
    assert first != second
    assert set(leftovers(output)) >= {first, second}


def test_swap_replaces_output_and_leaves_no_old_copy(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "old.html").write_text("gammal", encoding="utf-8")
    staging = make_staging_dir(output)
    (staging / "new.html").write_text("ny", encoding="utf-8")
    swap_into_place(staging, output)
    assert sorted(p.name for p in output.iterdir()) == ["new.html"]
    assert not staging.exists() and not (tmp_path / "output.old").exists()


def test_built_site_is_readable_by_other_users(repo_copy):
    """A service user other than the builder (formsvc reading calls.json) can read every file."""
    with umask(0o022):
        result = run_build(repo_copy, "build", "--no-search", "--no-handbook")
    assert result.returncode == 0, result.stderr
    output = repo_copy / "output"
    assert mode(output) == 0o755
    entries = [output, *output.rglob("*")]
    assert (output / "calls.json") in entries
    unreadable = [str(p.relative_to(repo_copy)) for p in entries
                  if not mode(p) & stat.S_IROTH or (p.is_dir() and not mode(p) & stat.S_IXOTH)]
    assert unreadable == []
