"""Material's JavaScript works under the site's real CSP thanks to assets/md-scope.js.

The handbook is served under the same Content-Security-Policy as the rest of
the site (netlify.toml, `/*`), which forbids inline scripts; Material normally
defines its helpers inline. This loads pages in Chromium with that policy and
checks that nothing is blocked and that search, which needs the helpers and a
web worker, finds text.
"""

import pytest

pytestmark = pytest.mark.browser


def test_search_works_and_nothing_is_blocked_by_the_csp(browser, served_handbook):
    problems = []
    page = browser.new_page()
    try:
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
        page.close()
    assert problems == []
