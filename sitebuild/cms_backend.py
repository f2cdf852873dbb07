"""The editor's local backend for `build.py serve`: decap-server on this checkout.

Decap CMS talks to a git backend through a small JSON API. Locally that is
decap-server (npm, installed in cms/) in its git mode, which commits to the
repository it runs in and keeps the editorial workflow's entries on
`cms/<collection>/<slug>` branches, like the pull requests a real deployment
uses. Its API is forwarded from the preview's own origin under /admin/api/v1,
so /admin/ needs no extra host in its Content-Security-Policy.
"""

import ctypes
import mimetypes
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from werkzeug.wrappers import Request, Response

from .cms import CMS_PACKAGE_DIR, LOCAL_BACKEND_URL

DECAP_SERVER = Path("node_modules") / "decap-server" / "dist" / "index.js"
MAX_REQUEST_BYTES = 50 * 1024 * 1024  # decap-server's own JSON limit (media uploads travel as base64)
# Decap checks config.yml's type; Python's table (what the preview's file server uses) lacks .yml.
mimetypes.add_type("text/yaml", ".yml")
HOW_TO_ENABLE = ("Web editor at /admin/ is off: install Node.js and npm (Debian: apt-get install nodejs npm), "
                 "then run `npm ci --prefix cms` and restart `python build.py serve`.")


def current_branch(repo_dir, fallback="main"):
    """The branch checked out in `repo_dir` (decap-server commits there), or `fallback` outside git."""
    try:
        found = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=repo_dir,
                               capture_output=True, text=True, timeout=10)
    except OSError:
        return fallback
    branch = found.stdout.strip()
    return branch if found.returncode == 0 and branch and branch != "HEAD" else fallback


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_local_backend(repo_dir, port=None, package_dir=CMS_PACKAGE_DIR, node=None):
    """Start decap-server for `repo_dir`; return (process, port), or (None, reason) when it cannot run."""
    node = node or shutil.which("node")
    server = Path(package_dir) / DECAP_SERVER
    if not node or not server.is_file():
        return None, HOW_TO_ENABLE
    port = port or free_port()
    env = {"PATH": "/usr/bin:/bin", "MODE": "git", "GIT_REPO_DIRECTORY": str(repo_dir),
           "PORT": str(port), "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "warn"}
    process = subprocess.Popen([node, str(server)], cwd=package_dir, env=env, preexec_fn=_die_with_parent)
    return process, port


def _die_with_parent():
    # A preview stopped with SIGTERM or SIGKILL runs no `finally`; without this
    # decap-server would keep the port and the checkout's branches to itself.
    try:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl+C still stops it through `finally`
        pass


def with_local_backend(app, backend_port):
    """WSGI middleware forwarding POST /admin/api/v1 to decap-server on loopback; all else goes to `app`."""
    target = f"http://127.0.0.1:{backend_port}/api/v1"

    def wrapped(environ, start_response):
        if environ.get("PATH_INFO") != LOCAL_BACKEND_URL:
            return app(environ, start_response)
        request = Request(environ)
        if request.method != "POST":
            return Response("POST only\n", status=405, headers={"Allow": "POST"})(environ, start_response)
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            return Response("too large\n", status=413)(environ, start_response)
        forwarded = urllib.request.Request(target, data=request.get_data(), method="POST",
                                           headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(forwarded, timeout=60) as answer:
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as refused:  # decap-server's own 4xx/5xx with a JSON reason
            status, body = refused.code, refused.read()
        except OSError:
            status, body = 502, b'{"error": "decap-server is not running (see build.py serve output)"}'
        return Response(body, status=status, mimetype="application/json")(environ, start_response)

    return wrapped
