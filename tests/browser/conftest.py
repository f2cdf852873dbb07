"""Fixtures for the real-browser, accessibility and HTML gates.

One session builds the real site from a temporary copy of the repository (so
the developer's output/ and var/ are never touched), then serves the built
folder and the real formsvc from one loopback port, as Netlify + the proxy do
in production. Chromium is Debian's; Java runs the Nu HTML checker.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from tests.browser.browser_pages import MIN_FILL_SECONDS, post_signup_over_http
from tests.conftest import require_tool, stop_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
FLASK = REPO / ".venv" / "bin" / "flask"

BUILD_TIMEOUT_SECONDS = 600
SERVER_START_TIMEOUT_SECONDS = 30
VIEWPORT_HEIGHT = 800


@pytest.fixture(scope="session")
def java_path():
    require_tool("java", "Java (for the Nu HTML checker)")
    return shutil.which("java")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _copy_repository(destination):
    """Copy the files git knows about (tracked, or new and not ignored): no venv, output or var."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = REPO / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


@pytest.fixture(scope="session")
def site_copy(tmp_path_factory):
    """A temporary copy of the repository with the real site built into its output/."""
    copy = tmp_path_factory.mktemp("site") / "repo"
    _copy_repository(copy)
    if not (copy / "build.py").is_file():
        pytest.fail("build.py does not exist yet: the browser gates need the real site")
    started = time.monotonic()
    result = subprocess.run(
        [str(PYTHON), "build.py", "build"], cwd=copy, capture_output=True, text=True,
        timeout=BUILD_TIMEOUT_SECONDS, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if result.returncode != 0:
        pytest.fail(f"build.py build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    print(f"site built in {time.monotonic() - started:.1f} s")
    return copy


@pytest.fixture(scope="session")
def built_site(site_copy):
    return site_copy / "output"


class SiteServer:
    """The running site + formsvc, and what a test needs to inspect behind it."""

    def __init__(self, base_url, env, workdir):
        self.base_url = base_url
        self.env = env
        self.workdir = workdir
        self.sheet_path = Path(env["SHEET_PATH"])

    def url(self, path):
        return self.base_url + path

    def run_relay(self):
        """Deliver the outbox to the workbook the way staff would: `flask --app formsvc relay`."""
        result = subprocess.run(
            [str(FLASK), "--app", "formsvc", "relay"], cwd=self.workdir, env=self.env,
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, f"relay failed:\n{result.stdout}\n{result.stderr}"


def formsvc_env(site_copy, data_dir):
    return {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "FORMSVC_DATA_DIR": str(data_dir),
        "SHEET_BACKEND": "xlsx",
        "SHEET_PATH": str(data_dir / "anmalningar.xlsx"),
        "CALLS_FILE": str(site_copy / "output" / "calls.json"),
        "SECRET_KEY": "browser-tests-only-not-a-secret",
        "FORMSVC_RATE_LIMIT": "10000 per minute",
        # formsvc's default bot check stays on: the journeys wait as long as a quick person.
        "FORMSVC_MIN_FILL_SECONDS": str(MIN_FILL_SECONDS),
        "FORMSVC_RELAY_THREAD": "0",
        "FORMSVC_SECURE_COOKIES": "0",
    }


def _wait_until_healthy(process, health_url, log_path):
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"site server exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            if requests.get(health_url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"site server not healthy within {SERVER_START_TIMEOUT_SECONDS} s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def site_server(site_copy, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("formsvc-data")
    env = formsvc_env(site_copy, data_dir)
    port = _free_port()
    log_path = data_dir / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            # As a module of the copy: its working folder comes first on sys.path,
            # so the copy's formsvc and sitebuild serve the copy's site.
            [str(PYTHON), "-m", "tests.browser.serve_built_site", "--root", "output", "--port", str(port)],
            cwd=site_copy, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(process, base_url + "/anmalan/health", log_path)
        yield SiteServer(base_url, env, site_copy)
    finally:
        stop_process(process)


def _metadata(markdown_path):
    header = Path(markdown_path).read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in header.splitlines() if ": " in line)


@pytest.fixture(scope="session")
def launch_post(site_copy):
    """Title, URL and body of the 2018-09-28 launch post, read from its content file."""
    path = next((site_copy / "content" / "nyheter").glob("2018-09-28-*.md"))
    meta = _metadata(path)
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    return {"title": meta["Title"], "author": meta["Author"], "url": f"/nyheter/{meta['Slug']}/", "body": body}


@pytest.fixture(scope="session")
def calls_by_state(built_site):
    """Call slugs from the built calls.json, grouped open / upcoming / closed as of now."""
    document = json.loads((built_site / "calls.json").read_text(encoding="utf-8"))
    now = datetime.now(timezone.utc)
    grouped = {"open": [], "upcoming": [], "closed": []}
    for call in document["calls"]:
        opens = datetime.fromisoformat(call["opens"])
        deadline = datetime.fromisoformat(call["deadline"])
        state = "upcoming" if now < opens else "open" if now < deadline else "closed"
        grouped[state].append(call)
    return grouped


@pytest.fixture(scope="session")
def thank_you_path(site_server, calls_by_state):
    """A real sign-up's thank-you address, submitted over plain HTTP."""
    return post_signup_over_http(site_server.base_url, f"/anmalan/{calls_by_state['open'][0]['slug']}/")


@pytest.fixture
def open_page(browser):
    """Factory: a fresh page (own context, so no shared cookies) at the given viewport width."""
    contexts = []

    def make(width=1280):
        context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT}, locale="sv-SE")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts_dir():
    folder = REPO / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
