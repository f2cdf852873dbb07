"""Every handbook page passes axe's WCAG 2.1 A/AA rules in Chromium."""

import pytest

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_every_handbook_page_has_no_wcag_violations(browser, served_handbook, handbook_pages):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    found = []
    page = browser.new_page()
    try:
        for url_path, _ in handbook_pages:
            page.goto(served_handbook + url_path[len("/handbok/"):])
            for violation in axe.run(page, options=options).response["violations"]:
                for node in violation["nodes"]:
                    found.append(f"{url_path}: {violation['id']} at {node['target']}")
    finally:
        page.close()
    assert found == []
