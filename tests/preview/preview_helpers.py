"""Helpers for the preview tests."""

from pathlib import Path

import pytest

from tests.site.site_helpers import BUILD_NOW, copy_repo, run_build, snapshot  # noqa: F401

SYNTHETIC_POSTS = 24


def full_build(repo_dir, output_dir):
    """Build `repo_dir`'s site into `output_dir` with build.py (no search index, no handbook)."""
    result = run_build(repo_dir, "build", "--output", str(output_dir), "--no-search", "--no-handbook")
    if result.returncode != 0:
        pytest.fail(f"full build failed:\n{result.stdout}\n{result.stderr}")
    return Path(output_dir)


def differences(preview_dir, full_dir):
    """Human-readable list of files that differ between two output trees (empty if identical)."""
    preview, full = snapshot(preview_dir), snapshot(full_dir)
    problems = [f"only in preview: {name}" for name in sorted(preview.keys() - full.keys())]
    problems += [f"only in full build: {name}" for name in sorted(full.keys() - preview.keys())]
    problems += [f"differs: {name}" for name in sorted(preview.keys() & full.keys()) if preview[name] != full[name]]
    return problems


