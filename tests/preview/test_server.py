"""The preview server over real HTTP: live-reload events after an edit, script only in responses."""

import time

import pytest
import requests
from bs4 import BeautifulSoup
from tests.preview.synthetic_posts import append_sentence, synthetic_post_path

from preview.livereload import EVENTS_PATH, SCRIPT_PATH, SCRIPT_TAG

pytestmark = pytest.mark.slow


def read_events(response, wanted, deadline):
    """Collect (event, data) pairs from a streaming response until event `wanted` or time runs out."""
    seen, name = [], None
    for line in response.iter_lines(decode_unicode=True):
        if line and line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line and line.startswith("data: ") and name:
            seen.append((name, line.removeprefix("data: ")))
            if name == wanted:
                break
        if time.monotonic() > deadline:
            break
    return seen


def test_saving_a_post_sends_changed_and_serves_the_new_text(running_preview, site_copy):
    session, base = running_preview
    post = synthetic_post_path(site_copy / "content", 4)
    with requests.get(base + EVENTS_PATH, stream=True, timeout=30) as events:
        assert events.headers["Content-Type"].startswith("text/event-stream")
        append_sentence(post, "Sparad i editorn och synlig direkt.")
        seen = read_events(events, "changed", time.monotonic() + 30)
    build = str(session.broadcaster.generation)
    assert seen[-1] == ("changed", build)
    # The edited page is announced on its own, before the build is done.
    assert ("page", f"{build} /nyheter/syntetiskt-inlagg-4/") in seen[:-1]
    page = requests.get(base + "/nyheter/syntetiskt-inlagg-4/", timeout=10)
    assert "Sparad i editorn och synlig direkt." in BeautifulSoup(page.text, "html5lib").get_text()
    assert session.last_report.fast


def test_html_responses_carry_the_script_but_files_do_not(running_preview):
    session, base = running_preview
    response = requests.get(base + "/", timeout=10)
    scripts = [tag.get("src") for tag in BeautifulSoup(response.text, "html5lib").find_all("script")]
    assert SCRIPT_PATH in scripts
    on_disk = (session.output_dir / "index.html").read_bytes()
    assert SCRIPT_TAG not in on_disk
    assert int(response.headers["Content-Length"]) == len(response.content)
    missing = requests.get(base + "/nyheter/finns-inte-an/", timeout=10)
    assert missing.status_code == 404 and SCRIPT_TAG in missing.content
    feed = requests.get(base + "/feeds/nyheter.atom.xml", timeout=10)
    assert SCRIPT_TAG not in feed.content
    script = requests.get(base + SCRIPT_PATH, timeout=10)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert EVENTS_PATH in script.text


def test_invalid_save_keeps_serving_the_last_good_page(running_preview, site_copy, capfd):
    session, base = running_preview
    post = synthetic_post_path(site_copy / "content", 6)
    before = requests.get(base + "/nyheter/syntetiskt-inlagg-6/", timeout=10).text
    generation = session.broadcaster.generation
    text = post.read_text(encoding="utf-8").replace("Category: ", "Category: Okänd ", 1)
    post.write_text(text, encoding="utf-8")
    deadline = time.monotonic() + 30
    while "syntetisk-0006.md:4:" not in capfd.readouterr().err and time.monotonic() < deadline:
        time.sleep(0.1)
    assert time.monotonic() < deadline, "the path:line error was not printed"
    assert session.broadcaster.generation == generation  # no reload into a broken page
    assert requests.get(base + "/nyheter/syntetiskt-inlagg-6/", timeout=10).text == before


def test_an_editors_atomic_save_is_a_fast_page_update(running_preview, site_copy):
    """Editors often write a temporary file and rename it over the post; that is one edit."""
    session, base = running_preview
    post = synthetic_post_path(site_copy / "content", 5)
    temporary = post.with_name("." + post.name + ".tmp")
    temporary.write_text(post.read_text(encoding="utf-8") + "\nSparad via en tillfällig fil.\n", encoding="utf-8")
    generation = session.broadcaster.generation
    temporary.replace(post)
    deadline = time.monotonic() + 30
    while session.broadcaster.generation == generation and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session.last_report.fast
    page = requests.get(base + "/nyheter/syntetiskt-inlagg-5/", timeout=10)
    assert "Sparad via en tillfällig fil." in page.text
