"""The staff and communicator handbook (mkdocs-material), built into <site>/handbok/."""

import os
import subprocess
import sys
from pathlib import Path

from sitebuild.paths import HANDBOOK_CONFIG, ROOT
from sitebuild.pelican_run import BuildFailed


def build_handbook(site_dir):
    """Build the mkdocs handbook into <site>/handbok/; raise BuildFailed if mkdocs --strict fails.

    A checkout without handbook/mkdocs.yml (a partial copy) builds the site without it.
    """
    HandbookBuild(Path(site_dir) / "handbok").wait()


class HandbookBuild:
    """mkdocs building into `target` in its own process, started now; `wait()` collects it.

    The handbook needs nothing from Pelican, so the site build starts it first
    and lets it run on another core while Pelican renders.
    """

    def __init__(self, target):
        self.process = None
        if not HANDBOOK_CONFIG.exists():
            print("[build] handbook/mkdocs.yml not found: skipping the handbook", flush=True)
            return
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                   "-f", str(HANDBOOK_CONFIG), "-d", str(target)]
        # mkdocs-material prints a multi-line banner about MkDocs 2.0 on every build;
        # it says nothing about our handbook and would bury real warnings.
        quiet = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(command, cwd=ROOT, env=quiet)

    def wait(self):
        if self.process is not None and self.process.wait() != 0:
            raise BuildFailed("mkdocs build --strict failed (see its output above)")

    def stop(self):
        """End mkdocs if it still runs (another step failed first)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
