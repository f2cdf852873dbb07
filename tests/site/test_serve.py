"""`build.py serve`: one loopback server for the site, rebuilding on change and
keeping the last good output when a rebuild fails. Runs a real server."""

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import stop_process
from tests.site.site_helpers import BUILD_NOW

pytestmark = pytest.mark.slow
NEWS = """Title: Direkt i förhandsvisningen
Date: 2026-11-25
Author: SIM-redaktionen
Category: Industri
Summary: Ett inlägg som skapas medan servern kör.
Slug: direkt-i-forhandsvisningen

Text.
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def status(url):
    try:
        return requests.get(url, timeout=5, allow_redirects=False).status_code
    except requests.ConnectionError:
        return None


@pytest.fixture
def server(repo_copy, tmp_path):
    port = free_port()
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    env = {**os.environ, "SIM_BUILD_NOW": BUILD_NOW, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port)],
                               cwd=repo_copy, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: status(base + "/") == 200), (tmp_path / "serve.log").read_text()
        yield base, repo_copy, tmp_path / "serve.log"
    finally:
        stop_process(process)
        log.close()


def test_serves_pages_directories_and_404(server):
    base, _, _ = server
    home = requests.get(base + "/", timeout=5)
    assert home.status_code == 200 and "SIM – Smart Industriell Modernisering" in home.text
    assert requests.get(base + "/calls.json", timeout=5).json()["calls"]
    redirect = requests.get(base + "/nyheter", timeout=5, allow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith("/nyheter/")
    missing = requests.get(base + "/finns-inte/", timeout=5)
    assert missing.status_code == 404 and "<html" in missing.text
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=5)
    connection.request("GET", "/../../../../etc/passwd")
    response = connection.getresponse()
    assert response.status == 404 and b"root:" not in response.read()
    connection.close()


def test_rebuilds_on_change_and_keeps_last_good_output_on_error(server):
    base, repo, log_path = server
    (repo / "content" / "nyheter" / "2026-11-25-direkt.md").write_text(NEWS, encoding="utf-8")
    assert wait_for(lambda: status(base + "/nyheter/direkt-i-forhandsvisningen/") == 200)

    (repo / "content" / "nyheter" / "trasig.md").write_text(NEWS.replace("Date: 2026-11-25", "Date: igår"), encoding="utf-8")
    assert wait_for(lambda: "content/nyheter/trasig.md:2: Date:" in log_path.read_text(encoding="utf-8"))
    assert wait_for(lambda: "rebuild failed" in log_path.read_text(encoding="utf-8"))
    assert status(base + "/nyheter/direkt-i-forhandsvisningen/") == 200
    assert status(base + "/") == 200
