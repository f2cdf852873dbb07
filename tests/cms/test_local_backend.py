"""`build.py serve`'s side of the editor: the decap-server bridge and /admin/'s own CSP."""

import json
import shutil
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.test import Client
from werkzeug.wrappers import Response

from sitebuild.cms_backend import HOW_TO_ENABLE, current_branch, free_port, start_local_backend, with_local_backend

from tests.browser.serve_built_site import netlify_static_headers

REPO = Path(__file__).resolve().parents[2]


def site(environ, start_response):
    return Response("site")(environ, start_response)


def test_without_node_serve_says_how_to_enable_the_editor(tmp_path):
    process, reason = start_local_backend(tmp_path, package_dir=tmp_path / "no-cms")
    assert process is None and reason == HOW_TO_ENABLE
    assert "npm ci --prefix cms" in reason and "apt-get install nodejs npm" in reason


def test_bridge_leaves_other_paths_alone_and_refuses_what_decap_never_sends(monkeypatch):
    monkeypatch.setattr("sitebuild.cms_backend.MAX_REQUEST_BYTES", 1000)
    client = Client(with_local_backend(site, free_port()))
    assert client.get("/admin/").get_data() == b"site"
    assert client.get("/admin/api/v1").status_code == 405
    huge = client.post("/admin/api/v1", data=b"x" * 1001)
    assert huge.status_code == 413
    down = client.post("/admin/api/v1", json={"action": "info"})  # nothing listens on that port
    assert down.status_code == 502 and "decap-server" in down.get_json()["error"]


def test_bridge_forwards_body_and_status_both_ways():
    seen = []

    def fake_decap_server(environ, start_response):
        seen.append(json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))))
        status = 422 if seen[-1]["action"] == "bogus" else 200
        return Response(json.dumps({"echo": seen[-1]["action"]}), status=status,
                        mimetype="application/json")(environ, start_response)

    port = free_port()
    server = make_server("127.0.0.1", port, fake_decap_server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Client(with_local_backend(site, port))
        assert client.post("/admin/api/v1", json={"action": "info"}).get_json() == {"echo": "info"}
        refused = client.post("/admin/api/v1", json={"action": "bogus"})
        assert refused.status_code == 422 and refused.get_json() == {"echo": "bogus"}
    finally:
        server.shutdown()
    assert [body["action"] for body in seen] == ["info", "bogus"]


def test_current_branch_outside_git_falls_back(tmp_path):
    assert current_branch(tmp_path, fallback="main") == "main"


def policy_for(path):
    """The CSP netlify.toml gives `path`: later matching rules replace earlier ones, as on Netlify."""
    from fnmatch import fnmatch

    found = None
    for pattern, headers in netlify_static_headers(REPO / "netlify.toml"):
        if fnmatch(path, pattern) and "Content-Security-Policy" in headers:
            found = headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in found.split(";") if d.strip()}


@pytest.mark.parametrize("path", ["/", "/nyheter/x/", "/handbok/", "/administration/", "/theme/css/site.css"])
def test_every_path_but_admin_keeps_the_site_policy_without_unsafe_inline(path):
    policy = policy_for(path)
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_admin_policy_allows_what_the_editor_needs_and_no_inline_script():
    policy = policy_for("/admin/")
    assert policy == policy_for("/admin/config.yml")
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" in policy["script-src"]
    assert policy["connect-src"] == ["'self'", "https://api.github.com"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_decap_server_does_not_outlive_a_killed_preview(tmp_path):
    import os
    import subprocess
    import time

    from sitebuild.cms import CMS_PACKAGE_DIR
    from sitebuild.cms_backend import DECAP_SERVER

    if not (CMS_PACKAGE_DIR / DECAP_SERVER).is_file() or not shutil.which("node"):
        pytest.skip("decap-server not installed (npm ci --prefix cms)")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # decap-server's git mode wants one
    starter = ("import sys, time; "
               "from sitebuild.cms_backend import start_local_backend; "
               "p, _ = start_local_backend(sys.argv[1]); print(p.pid, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", starter, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    time.sleep(1.5)  # let it start listening: exiting on its own would prove nothing
    os.kill(child, 0)
    parent.kill()  # SIGKILL: no finally, no atexit
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(child, 9)
    pytest.fail("decap-server kept running after its parent was killed")
