"""axe-core (WCAG 2.0/2.1 A and AA rules) finds nothing on any page type, and does bite on a broken copy."""

import time

import pytest
import requests
from bs4 import BeautifulSoup
from tests.browser.browser_axe import axe_violations, describe
from tests.browser.browser_pages import wait_out_min_fill

pytestmark = pytest.mark.browser

REGRESSION_PATH = "/__axe-regression__/sida.html"


@pytest.fixture(scope="session")
def page_paths(built_site, calls_by_state, thank_you_path, launch_post):
    """One real address per page type; category and author are read off the built article."""
    article = BeautifulSoup(
        (built_site / launch_post["url"].strip("/") / "index.html").read_text(encoding="utf-8"), "html5lib"
    )
    handbook_pages = sorted(p.parent.name for p in (built_site / "handbok").glob("*/index.html"))
    open_call, closed_call = calls_by_state["open"][0]["slug"], calls_by_state["closed"][0]["slug"]
    return {
        "home": "/",
        "news list": "/nyheter/",
        "article": launch_post["url"],
        "category": article.select_one("main a[href*='/nyheter/kategori/']")["href"],
        "author": article.select_one("main a[rel=author]")["href"],
        "calls list": "/utlysningar/",
        "call": f"/utlysningar/{open_call}/",
        "closed call": f"/utlysningar/{closed_call}/",
        "page": "/om-sim/",
        "accessibility statement": "/tillganglighet/",
        "contact": "/kontakt/",
        "personal data": "/personuppgifter/",
        "easy-to-read": "/lattlast/",
        "english page": "/en/om-sim/",
        "english calls": "/en/calls/",
        "search": "/sok/",
        "404": "/den-har-sidan-finns-inte/",
        "form": "/anmalan/",
        "call form": f"/anmalan/{open_call}/",
        "thank-you": thank_you_path,
        "feedback form": "/anmalan/synpunkter/",
        "handbook": "/handbok/",
        "handbook page": f"/handbok/{handbook_pages[0]}/" if handbook_pages else "/handbok/",
    }


PAGE_TYPES = [
    "home", "news list", "article", "category", "author", "calls list", "call", "closed call", "page",
    "accessibility statement", "contact", "personal data", "easy-to-read", "english page", "english calls",
    "search", "404", "form", "call form", "thank-you", "feedback form", "handbook", "handbook page",
]


def _assert_no_violations(page, what):
    violations = axe_violations(page)
    assert not violations, f"axe found WCAG A/AA violations on {what} ({page.url}):\n{describe(violations)}"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_type_has_no_wcag_violations(site_server, open_page, page_paths, page_type):
    page = open_page(1280)
    page.goto(site_server.url(page_paths[page_type]))
    _assert_no_violations(page, page_type)


@pytest.mark.parametrize("width", [1280, 360])
def test_form_with_errors_has_no_wcag_violations(site_server, open_page, width):
    page = open_page(width)
    page.goto(site_server.url("/anmalan/"))
    wait_out_min_fill(time.monotonic())
    with page.expect_navigation():
        page.locator("form[method=post] [type=submit]").click()
    assert page.locator(".error-summary").count() == 1, "the empty submit did not show the error summary"
    _assert_no_violations(page, "the form with errors")


def test_search_results_have_no_wcag_violations(site_server, open_page):
    page = open_page(1280)
    page.goto(site_server.url("/sok/"))
    page.locator("input[type=search], input[type=text]").first.fill("SIM")
    page.locator("main a[href*='/nyheter/'], main a[href*='/utlysningar/']").first.wait_for(timeout=15_000)
    _assert_no_violations(page, "the search page with results")


# -- the gate bites: axe must report a broken copy of a real page -----------------------------

def _served_copy(page, site_server, tmp_path, html):
    """Save `html` to a temporary file and show it at an address on the site (so its CSS loads)."""
    copy = tmp_path / "sida.html"
    copy.write_text(html, encoding="utf-8")
    page.unroute(site_server.url(REGRESSION_PATH))
    page.route(site_server.url(REGRESSION_PATH), lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=copy.read_text(encoding="utf-8")))
    page.goto(site_server.url(REGRESSION_PATH))


def _form_html(site_server):
    return requests.get(site_server.url("/anmalan/"), timeout=10).text


def _without_company_label(html):
    soup = BeautifulSoup(html, "html5lib")
    soup.find("label", attrs={"for": "company"}).decompose()
    return str(soup)


def _with_low_contrast_text(html):
    # A stylesheet element, not a style attribute: the copy is served without the site's CSP.
    return html.replace("</head>", "<style>main p, main label { color: #c8c8c8 !important; }</style></head>", 1)


@pytest.mark.parametrize(
    ("break_page", "expected_rule"),
    [(_without_company_label, "label"), (_with_low_contrast_text, "color-contrast")],
    ids=["label-removed", "low-contrast"],
)
def test_axe_reports_a_broken_copy_of_the_form(site_server, open_page, tmp_path, break_page, expected_rule):
    original = _form_html(site_server)
    page = open_page(1280)
    _served_copy(page, site_server, tmp_path, original)
    assert axe_violations(page) == [], "the unbroken copy should pass, or the comparison proves nothing"

    _served_copy(page, site_server, tmp_path, break_page(original))
    found = {violation["id"] for violation in axe_violations(page)}
    assert expected_rule in found, f"axe missed the {expected_rule} break; it reported {sorted(found)}"
