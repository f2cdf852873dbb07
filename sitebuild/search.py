"""The site's search index, written by pagefind into <site>/pagefind/."""

import subprocess
import sys

from sitebuild.paths import ROOT
from sitebuild.pelican_run import BuildFailed


def build_search_index(site_dir):
    """Index the pages the theme marks with data-pagefind-body (articles, calls, pages)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--force-language", "sv", "--silent"]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise BuildFailed("pagefind failed (see its output above)")
