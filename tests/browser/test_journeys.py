"""What people come for, done in Chromium against the real built site and formsvc.

Every journey runs at a desktop width and at 360 px, and every page it passes
through must fit the window without sideways scrolling.
"""

import json
import re
import shutil
import threading
import time

import pytest
from tests.browser.browser_keyboard import fill_form_by_keyboard
from tests.browser.conftest import REPO
from tests.browser.browser_pages import (
    SIGNUP,
    assert_fits_viewport,
    reference_from_url,
    wait_out_min_fill,
    workbook_references,
)

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(360, id="360px")]


def _main(page):
    return page.locator("main")


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_goes_from_home_to_the_authors_other_posts(site_server, open_page, launch_post, width):
    page = open_page(width)
    page.goto(site_server.url("/"))
    assert_fits_viewport(page)

    _main(page).get_by_role("link", name="Alla nyheter").click()
    page.wait_for_url(re.compile(r"/nyheter/$"))
    assert_fits_viewport(page)

    _main(page).get_by_role("link", name=launch_post["title"]).click()
    page.wait_for_url(re.compile(re.escape(launch_post["url"]) + "$"))
    assert page.locator("h1").inner_text().strip() == launch_post["title"]
    assert_fits_viewport(page)

    _main(page).get_by_role("link", name=f"Fler inlägg av {launch_post['author']}").click()
    page.wait_for_url(re.compile(r"/nyheter/forfattare/[^/]+/$"))
    assert_fits_viewport(page)
    assert launch_post["author"] in page.locator("h1").inner_text()
    assert _main(page).get_by_role("link", name=launch_post["title"]).count() >= 1

@pytest.mark.parametrize("width", WIDTHS)
def test_company_finds_an_open_call_and_reaches_its_form(site_server, open_page, calls_by_state, width):
    assert calls_by_state["open"], "the content has no open call to sign up for"
    call = calls_by_state["open"][0]
    page = open_page(width)
    page.goto(site_server.url("/"))
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utlysningar").click()
    page.wait_for_url(re.compile(r"/utlysningar/$"))
    assert_fits_viewport(page)

    _main(page).get_by_role("link", name=call["title"], exact=True).click()
    page.wait_for_url(re.compile(rf"/utlysningar/{call['slug']}/$"))
    assert_fits_viewport(page)

    _main(page).get_by_role("link", name="Anmäl intresse").click()
    page.wait_for_url(re.compile(rf"/anmalan/{call['slug']}/$"))
    assert_fits_viewport(page)
    # The address names the call (the form posts back to it); no hidden field repeats it.
    assert page.locator("form[method=post] input[name=call]").count() == 0
    assert call["title"] in _main(page).inner_text()

@pytest.mark.parametrize("width", WIDTHS)
def test_company_signs_up_with_the_keyboard_only_and_lands_in_the_sheet(
    site_server, open_page, calls_by_state, width
):
    call = calls_by_state["open"][0]
    page = open_page(width)
    page.goto(site_server.url(f"/anmalan/{call['slug']}/"))
    loaded_at = time.monotonic()
    assert_fits_viewport(page)
    industries = page.eval_on_selector("select[name=industry]", "s => Array.from(s.options).map(o => o.value)")
    values = {**SIGNUP, "industry": next(value for value in industries if value)}

    visited = fill_form_by_keyboard(page, values)
    assert visited == set(values), f"fields the keyboard never reached: {set(values) - visited}"
    wait_out_min_fill(loaded_at)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/anmalan/tack/[^/]+/$"))
    assert_fits_viewport(page)
    reference = reference_from_url(page.url)
    assert reference in _main(page).inner_text()

    site_server.run_relay()
    assert workbook_references(site_server.sheet_path).count(reference) == 1

@pytest.mark.parametrize("width", WIDTHS)
def test_empty_submit_focuses_the_error_summary_whose_links_focus_the_fields(
    site_server, open_page, width
):
    page = open_page(width)
    page.goto(site_server.url("/anmalan/"))
    loaded_at = time.monotonic()
    wait_out_min_fill(loaded_at)
    page.locator("form[method=post] [type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.title().startswith("Fel: ")
    assert_fits_viewport(page)
    focused_class = page.evaluate("() => document.activeElement.className")
    assert "error-summary" in focused_class.split(), f"focus is on .{focused_class}, not the error summary"

    summary_links = page.locator(".error-summary a[href^='#']")
    assert summary_links.count() >= 1
    for index in range(summary_links.count()):
        target_id = summary_links.nth(index).get_attribute("href")[1:]
        summary_links.nth(index).focus()
        page.keyboard.press("Enter")
        focused_id = page.evaluate("() => document.activeElement.id")
        assert focused_id == target_id, f"summary link #{target_id} left focus on #{focused_id}"

def test_closed_call_offers_no_sign_up(site_server, open_page, calls_by_state):
    assert calls_by_state["closed"], "the content has no closed call"
    for call in calls_by_state["closed"]:
        page = open_page(1280)
        page.goto(site_server.url(f"/utlysningar/{call['slug']}/"))
        signup_links = page.locator(f"a[href*='/anmalan/{call['slug']}']")
        assert signup_links.count() == 0, f"closed call {call['slug']} still links to its form"
        assert _main(page).get_by_role("link", name="Anmäl intresse", exact=True).count() == 0


def _word_only_in(text, others):
    """A longish word of `text` that no other content file contains (so a hit proves the body is indexed)."""
    for word in sorted(set(re.findall(r"[A-Za-zÅÄÖåäö]{8,}", text)), key=len, reverse=True):
        if not any(word.lower() in other.lower() for other in others):
            return word
    raise AssertionError("the launch post has no word of its own to search for")


@pytest.mark.parametrize("width", WIDTHS)
def test_search_finds_the_launch_post_by_a_word_from_its_body(site_server, site_copy, open_page, launch_post, width):
    others = [
        path.read_text(encoding="utf-8")
        for path in (site_copy / "content").rglob("*.md")
        if launch_post["body"] not in path.read_text(encoding="utf-8")
    ]
    word = _word_only_in(launch_post["body"], others)
    page = open_page(width)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(site_server.url("/sok/"))
    assert_fits_viewport(page)

    search_box = page.get_by_role("searchbox").or_(page.locator("input[type=search], input[type=text]")).first
    search_box.focus()
    page.keyboard.type(word)
    result = _main(page).get_by_role("link", name=launch_post["title"])
    result.first.wait_for(state="visible", timeout=15_000)
    assert result.first.get_attribute("href").rstrip("/").endswith(launch_post["url"].rstrip("/"))
    assert_fits_viewport(page)
    assert errors == [], f"the search page logged errors: {errors}"


@pytest.fixture
def bundled_search_site(built_site, tmp_path, monkeypatch):
    """The built site re-indexed in bundles of three pages, served with netlify.toml's headers."""
    from werkzeug.serving import make_server

    from sitebuild.search import build_search_index, indexed_pages
    from sitebuild.site_app import FORMS_PREFIX, static_site_app
    from tests.browser.serve_built_site import netlify_static_headers, with_static_headers

    root = tmp_path / "site"
    shutil.copytree(built_site, root, ignore=shutil.ignore_patterns("pagefind*", "handbok"))
    monkeypatch.setenv("SIM_SEARCH_BUNDLE_PAGES", "3")
    build_search_index(root)
    app = with_static_headers(static_site_app(root), netlify_static_headers(REPO / "netlify.toml"), FORMS_PREFIX)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, indexed_pages(root), f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_search_over_several_index_bundles_finds_a_page_of_a_later_bundle(bundled_search_site, site_copy, open_page, launch_post):
    root, pages, base_url = bundled_search_site
    launch_page = launch_post["url"].strip("/") + "/index.html"
    assert launch_page in pages[3:], "the launch post must live outside the first bundle for this test to mean anything"
    assert json.loads((root / "pagefind" / "sim-bundles.json").read_text())["merge"][0] == "pagefind-2/"
    others = [path.read_text(encoding="utf-8") for path in (site_copy / "content").rglob("*.md")
              if launch_post["body"] not in path.read_text(encoding="utf-8")]
    word = _word_only_in(launch_post["body"], others)
    page = open_page(1280)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(base_url + "/sok/")
    search_box = page.get_by_role("searchbox").or_(page.locator("input[type=search], input[type=text]")).first
    search_box.focus()
    page.keyboard.type(word)
    result = _main(page).get_by_role("link", name=launch_post["title"])
    result.first.wait_for(state="visible", timeout=15_000)
    assert errors == [], f"the search page logged errors: {errors}"
