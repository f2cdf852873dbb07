"""Fixtures for the handbook tests: a real strict mkdocs build into a temp dir."""

import functools
import http.server
import os
import subprocess
import sys
import threading
import tomllib
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


def site_csp():
    """The CSP that netlify.toml sends for every path, on one line."""
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    for rule in config.get("headers", []):
        if rule.get("for") == "/*" and "Content-Security-Policy" in rule.get("values", {}):
            directives = [d.strip() for d in rule["values"]["Content-Security-Policy"].split(";")]
            # Plain-HTTP loopback test server: upgrading requests to HTTPS would break every load.
            return "; ".join(d for d in directives if d and d != "upgrade-insecure-requests")
    pytest.fail("netlify.toml has no Content-Security-Policy for /*")


@pytest.fixture(scope="session")
def served_handbook(built_handbook):
    """Serve the built handbook at http://127.0.0.1:<port>/handbok/ with the site's CSP."""
    policy = site_csp()

    class WithPolicy(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, *args):
            pass

    handler = functools.partial(WithPolicy, directory=str(built_handbook.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/handbok/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
