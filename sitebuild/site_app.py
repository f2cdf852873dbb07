"""The WSGI app `build.py serve` runs: output/ as a static site, /anmalan/* to formsvc.

Netlify does the same in production (static files + a 200 rewrite of /anmalan/*),
so the preview behaves like the real site: directories serve index.html, a
missing path gets 404.html with status 404.
"""

import os
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from sim_content.manifest import SIGNUP_PATH
from sitebuild.paths import ROOT

FORMS_PREFIX = SIGNUP_PATH.rstrip("/")


def static_site_app(output_dir, forms=None):
    """Return a WSGI app serving `output_dir`, handing /anmalan and /anmalan/* to `forms` if given."""
    output_dir = str(output_dir)

    def app(environ, start_response):
        request = Request(environ)
        if forms is not None and (request.path == FORMS_PREFIX or request.path.startswith(FORMS_PREFIX + "/")):
            return forms(environ, start_response)
        target = safe_join(output_dir, request.path.lstrip("/"))
        if target and os.path.isdir(target):
            if not request.path.endswith("/"):
                return Response(status=301, headers={"Location": request.path + "/"})(environ, start_response)
            target = os.path.join(target, "index.html")
        if target and os.path.isfile(target):
            return send_file(target, environ, max_age=0)(environ, start_response)
        not_found = Path(output_dir) / "404.html"
        body = not_found.read_bytes() if not_found.exists() else b"<!doctype html><title>404</title>"
        return Response(body, status=404, mimetype="text/html")(environ, start_response)

    return app


def make_app(output_dir):
    """The serve app: `output_dir` plus formsvc on /anmalan/* when it imports.

    formsvc is pointed at this checkout (FORMSVC_REPO_DIR), so it reads the
    calls.json, theme and var/ of the site being served; its own defaults
    derive every path from that one folder. Variables already set win.
    """
    os.environ.setdefault("FORMSVC_REPO_DIR", str(ROOT))
    # The preview is plain HTTP on loopback; a Secure session cookie would not come back.
    os.environ.setdefault("FORMSVC_SECURE_COOKIES", "0")
    try:
        from formsvc import create_app
        forms = create_app()
    except Exception as error:  # formsvc may be missing or half-written during development
        print(f"WARNING: form service not available ({error!r}); serving the static site only.")
        forms = None
    return static_site_app(output_dir, forms)
