"""The web editor at /admin/: written into every build, and run against this
checkout by `build.py serve` (decap-server behind /admin/api/v1) when Node is there."""

import os
from contextlib import contextmanager

from sitebuild.cms import write_admin
from sitebuild.cms_backend import current_branch, start_local_backend, with_local_backend
from sitebuild.paths import ROOT

NOT_INSTALLED = "web editor not installed, so no /admin/: run `npm ci --prefix cms` (needs Node.js and npm)"


def build_editor(site_dir, publish):
    """Write the editor into <site>/admin/; return the line to report (the site builds either way)."""
    site_url = os.environ.get("SIM_SITEURL", "").strip().rstrip("/") if publish else ""
    environ = dict(os.environ)
    if not publish:  # the local backend commits to the branch checked out here
        environ.setdefault("SIM_CMS_BRANCH", current_branch(ROOT))
    if write_admin(site_dir, local=not publish, site_url=site_url, environ=environ):
        return "web editor written to admin/"
    return NOT_INSTALLED


@contextmanager
def local_editor(make_app):
    """Yield `make_app` wrapped so /admin/ commits to this checkout; unwrapped (with one line why) without Node."""
    backend, port_or_reason = start_local_backend(ROOT)
    if backend is None:
        print(port_or_reason, flush=True)
        yield make_app
        return

    def make_app_with_editor(output_dir):
        # Called once the first render has filled output/.
        print(f"[build] {build_editor(output_dir, publish=False)}", flush=True)
        print(f"[build] web editor on /admin/ (decap-server on 127.0.0.1:{port_or_reason}, committing to this checkout)",
              flush=True)
        return with_local_backend(make_app(output_dir), port_or_reason)

    try:
        yield make_app_with_editor
    finally:
        backend.terminate()
