"""Full-page screenshots for a person to look at, written to test-artifacts/screenshots/.

CI keeps that folder in the workspace. The test checks that each file is a PNG
and that no page is wider than its window; judging the design is for the reader.
"""

import struct
import time

import pytest
from tests.browser.browser_pages import assert_fits_viewport, wait_out_min_fill

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_width(path):
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">I", header[16:20])[0]


def _show_form_with_errors(page, site_server):
    page.goto(site_server.url("/anmalan/"))
    wait_out_min_fill(time.monotonic())
    with page.expect_navigation():
        page.locator("form[method=post] [type=submit]").click()


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_of_key_pages(site_server, open_page, launch_post, calls_by_state, thank_you_path,
                                  artifacts_dir, width):
    page = open_page(width)
    open_call = calls_by_state["open"][0]["slug"]
    shots = {
        "hem": lambda: page.goto(site_server.url("/")),
        "artikel": lambda: page.goto(site_server.url(launch_post["url"])),
        "utlysningar": lambda: page.goto(site_server.url("/utlysningar/")),
        "utlysning": lambda: page.goto(site_server.url(f"/utlysningar/{open_call}/")),
        "formular": lambda: page.goto(site_server.url(f"/anmalan/{open_call}/")),
        "formular-med-fel": lambda: _show_form_with_errors(page, site_server),
        "tack": lambda: page.goto(site_server.url(thank_you_path)),
    }
    for name, show in shots.items():
        show()
        target = artifacts_dir / f"{name}-{width}px.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target), full_page=True)
        assert _png_width(target) >= width, f"{target.name} is narrower than the {width} px window"
        # A full-page shot grows sideways with the page: it must not.
        assert_fits_viewport(page)


def test_print_version_of_an_article_drops_navigation_and_writes_out_links(site_server, open_page, launch_post,
                                                                          artifacts_dir):
    page = open_page(1280)
    page.goto(site_server.url(launch_post["url"]))
    page.emulate_media(media="print")
    target = artifacts_dir / "artikel-utskrift.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert _png_width(target) >= 1280
    assert page.locator("nav.site-nav").is_hidden()
    assert page.locator(".skip-link").is_hidden()
    after = page.evaluate("""() => {
        const link = document.querySelector("main a[href^='/']");
        return [link.getAttribute("href"), getComputedStyle(link, "::after").content];
    }""")
    assert after[1] == f'" ({after[0]})"', after
    footer_colour = page.evaluate("() => getComputedStyle(document.querySelector('.site-footer')).backgroundColor")
    assert footer_colour in ("rgba(0, 0, 0, 0)", "transparent"), footer_colour
