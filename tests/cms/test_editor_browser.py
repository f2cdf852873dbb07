"""The web editor in real Chromium: /admin/ under its own CSP, decap-server on a repository copy.

A news post created through the UI and a call's deadline changed through it go
through the editorial workflow (Utkast → Under granskning → Redo → Publicera)
and end up as commits on the copy's main branch, in the format the build
reads; the rebuilt site then shows them.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sitebuild.cms import CMS_PACKAGE_DIR, editor_bundle
from sitebuild.front_matter import convert_tree
from tests.conftest import require_tool, stop_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
BUILD_NOW = "2026-11-25T12:00:00+01:00"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
SOURCES = ("build.py", "pelicanconf.py", "publishconf.py", "netlify.toml", "plugins", "sitebuild", "theme",
           "content", "preview", "tests")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def build(repo):
    result = subprocess.run([sys.executable, "build.py", "build", "--no-handbook"], cwd=repo, capture_output=True,
                            text=True, timeout=300, env={**os.environ, "SIM_BUILD_NOW": BUILD_NOW})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def editor_site(tmp_path_factory, chromium_path):
    require_tool("node", "Node.js (for decap-server)")
    if editor_bundle() is None:
        require_tool(str(CMS_PACKAGE_DIR / "node_modules" / "decap-cms"), "Decap CMS (`npm ci --prefix cms`)")
    repo = tmp_path_factory.mktemp("editor") / "repo"
    repo.mkdir()
    for name in SOURCES:
        source = REPO / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, repo / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if source.is_dir() else {}))
    (repo / "cms").mkdir()
    (repo / "cms" / "node_modules").symlink_to(CMS_PACKAGE_DIR / "node_modules")
    convert_tree(repo / "content")  # a no-op once content/ is converted
    # As the project ignores them: build output and the build cache (rewritten by every build).
    (repo / ".gitignore").write_text("output/\ncache/\n__pycache__/\ncms/node_modules\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "SIM-redaktionen")
    git(repo, "config", "user.email", "redaktionen@example.se")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Innehåll före testet")
    build(repo)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.cms.serve_editor", "--root", "output", "--port", str(port),
         "--cms", str(CMS_PACKAGE_DIR)], cwd=repo, env={**os.environ, "SIM_BUILD_NOW": BUILD_NOW})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.post(f"{url}/admin/api/v1", json={"action": "info"}, timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "editor server did not start"
        time.sleep(0.3)
    yield repo, url
    stop_process(server)


@pytest.fixture
def editor(browser, editor_site):
    """A logged-in /admin/ page; on exit, no console error and no CSP violation may have happened."""
    repo, url = editor_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []

    def on_console(message):
        api_not_found = "404" in message.text and message.location.get("url", "").endswith("/admin/api/v1")
        # Decap asks the backend for an unpublished copy of each entry it opens and
        # reads decap-server's 404 as "none yet": the protocol, not a fault.
        if message.type == "error" and not api_not_found or "Content Security Policy" in message.text:
            problems.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("dialog", lambda dialog: dialog.accept())
    response = page.goto(f"{url}/admin/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Nyheter").first.wait_for()
    yield page, repo, url
    context.close()
    assert problems == []


def publish_through_workflow(page):
    """Save, move the entry Utkast → Under granskning → Redo, then publish it."""
    page.get_by_role("button", name="Spara").click()
    for current, wanted in (("Utkast", "Under granskning"), ("Under granskning", "Redo")):
        page.get_by_role("button", name=f"Status: {current}").click()
        page.get_by_role("menuitem", name=wanted).click()
        page.get_by_role("button", name=f"Status: {wanted}").wait_for()
    page.get_by_role("button", name="Publicera", exact=True).click()
    page.get_by_role("menuitem", name="Publicera nu").click()  # Decap asks "are you sure?" in a dialog
    page.get_by_text("Publicerad", exact=False).first.wait_for()


def wait_for_main(repo, path, expected, timeout=20):
    """The file's text once `expected` is in it with main checked out again (publishing merges a branch)."""
    deadline = time.monotonic() + timeout
    while True:
        on_main = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
        text = (repo / path).read_text(encoding="utf-8") if (repo / path).is_file() else ""
        if on_main and expected in text:
            return text
        assert time.monotonic() < deadline, f"{expected!r} never reached {path} on main:\n{text}"
        time.sleep(0.3)


def test_a_news_post_created_in_the_editor_is_published_and_built(editor):
    page, repo, url = editor
    page.goto(f"{url}/admin/#/collections/nyheter/new")
    page.locator("[id^=Title-field]").fill("Öppet hus på Åre verkstad")
    page.locator("[id^=Date-field]").first.fill("2026-11-20T10:00")
    page.locator("[id^=Author-field]").fill("SIM-red")
    page.get_by_role("option", name="SIM-redaktionen").click()
    page.locator("[id^=Category-field]").fill("Industri JH")
    page.get_by_role("option", name="Industri JH", exact=True).click()
    page.locator("[id^=Summary-field]").fill("Kom och se hur en verkstad i Åre arbetar med automation.")
    page.locator("[contenteditable=true]").first.click()
    page.keyboard.type("Välkommen till öppet hus i verkstaden.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-ny-nyhet.png"))
    publish_through_workflow(page)

    (created,) = [p for p in (repo / "content" / "nyheter").glob("*-oppet-hus-pa-are-verkstad.md")]
    text = wait_for_main(repo, created.relative_to(repo), "Öppet hus")
    assert text.startswith("---\nTitle: Öppet hus på Åre verkstad\n")
    assert "Date: 2026-11-20 10:00\n" in text and "Category: Industri JH\n" in text
    assert git(repo, "status", "--porcelain") == ""  # committed, not just written
    check = subprocess.run([sys.executable, "build.py", "check"], cwd=repo, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    build(repo)
    post = requests.get(f"{url}/nyheter/oppet-hus-pa-are-verkstad/", timeout=10)
    assert post.status_code == 200 and "Välkommen till öppet hus i verkstaden." in post.text
    assert "oppet-hus-pa-are-verkstad" in requests.get(f"{url}/nyheter/", timeout=10).text


def test_changing_a_call_deadline_in_the_editor_closes_the_call(editor):
    page, repo, url = editor
    slug = "finansieringsgenomgang-infor-investering"
    before = {c["slug"]: c for c in requests.get(f"{url}/calls.json", timeout=10).json()["calls"]}[slug]
    assert "state--open" in requests.get(f"{url}/utlysningar/{slug}/", timeout=10).text
    page.goto(f"{url}/admin/#/collections/utlysningar/entries/{slug}")
    page.locator("[id^=Deadline-field]").fill("2026-11-24T16:00")
    publish_through_workflow(page)

    text = wait_for_main(repo, Path("content") / "utlysningar" / f"{slug}.md", "Deadline: 2026-11-24 16:00\n")
    assert "Opens: 2026-11-16 08:00\n" in text  # the rest of the header is kept
    build(repo)
    after = {c["slug"]: c for c in requests.get(f"{url}/calls.json", timeout=10).json()["calls"]}[slug]
    assert before["deadline"] != after["deadline"] == "2026-11-24T16:00:00+01:00"
    assert "state--closed" in requests.get(f"{url}/utlysningar/{slug}/", timeout=10).text
