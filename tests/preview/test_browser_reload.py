"""In a real browser (Chromium): saving a post reloads the open page by itself, once."""

import time

import pytest
from tests.preview.synthetic_posts import append_sentence, synthetic_post_path

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_open_page_reloads_itself_after_a_save_and_only_once(running_preview, site_copy, page):
    session, base = running_preview
    loads = []
    page.on("load", lambda: loads.append(time.monotonic()))
    page.goto(base + "/nyheter/syntetiskt-inlagg-3/")
    page.wait_for_function("() => document.readyState === 'complete'")
    time.sleep(0.5)  # the EventSource connects after load
    loads.clear()

    append_sentence(synthetic_post_path(site_copy / "content", 3), "Webbläsaren laddade om av sig själv.")
    page.wait_for_function("() => document.body.innerText.includes('Webbläsaren laddade om av sig själv.')",
                           timeout=30_000)
    time.sleep(1.0)  # the build's closing "changed" event must not cause a second reload
    assert len(loads) == 1
    assert page.evaluate("() => sessionStorage.getItem('sim-preview-reloaded-for')") == str(session.broadcaster.generation)
