"""Material's JavaScript works under the site's real CSP thanks to assets/md-scope.js.

The handbook is served under the same Content-Security-Policy as the rest of
the site (netlify.toml, `/*`), which forbids inline scripts; Material normally
defines its helpers inline. This loads pages in Chromium with that policy and
checks that nothing is blocked and that search, which needs the helpers and a
web worker, finds text.
"""

import functools
import http.server
import threading
import tomllib

import pytest

from .conftest import REPO

pytestmark = pytest.mark.browser


def site_csp():
    """The CSP that netlify.toml sends for every path, on one line."""
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    for rule in config.get("headers", []):
        if rule.get("for") == "/*" and "Content-Security-Policy" in rule.get("values", {}):
            directives = [d.strip() for d in rule["values"]["Content-Security-Policy"].split(";")]
            # Plain-HTTP loopback test server: upgrading requests to HTTPS would break every load.
            return "; ".join(d for d in directives if d and d != "upgrade-insecure-requests")
    pytest.fail("netlify.toml has no Content-Security-Policy for /*")


@pytest.fixture()
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


def test_search_works_and_nothing_is_blocked_by_the_csp(chromium_path, served_handbook):
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path)
        try:
            page = browser.new_page()
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(served_handbook + "intresseanmalningar/")
            assert page.evaluate("typeof __md_get") == "function"
            page.click("input[data-md-component=search-query]")
            page.keyboard.type("Referens")
            page.wait_for_selector(".md-search-result__item", timeout=15_000)
            hits = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.href)")
            assert any("/handbok/intresseanmalningar/" in href for href in hits)
        finally:
            browser.close()
    assert problems == []
