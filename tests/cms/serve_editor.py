"""Serve a built site with /admin/'s local backend, the static pages under netlify.toml's headers.

Run by the editor's browser test from inside a repository copy, as a module of
the copy (its working folder comes first on sys.path, so the copy's sitebuild runs):
    python -m tests.cms.serve_editor --root <built output> --port <port> --cms <folder with node_modules>

It is the browser harness's app (tests/browser/serve_built_site.py: build.py
serve's static app plus netlify.toml's headers, so /admin/ runs under its own
production CSP) with decap-server committing to the copy, reached on the same
origin under /admin/api/v1 as in `build.py serve`.
"""

import argparse
import sys
from pathlib import Path

from werkzeug.serving import make_server

from sitebuild.cms_backend import start_local_backend, with_local_backend
from sitebuild.site_app import FORMS_PREFIX, static_site_app
from tests.browser.serve_built_site import netlify_static_headers, with_static_headers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cms", required=True)
    args = parser.parse_args(argv)
    backend, backend_port = start_local_backend(Path.cwd(), package_dir=Path(args.cms))
    if backend is None:
        sys.exit(backend_port)
    site = with_static_headers(static_site_app(Path(args.root).resolve()),
                               netlify_static_headers(Path("netlify.toml")), FORMS_PREFIX)
    server = make_server("127.0.0.1", args.port, with_local_backend(site, backend_port), threaded=True)
    print(f"serving {args.root} with the editor's local backend on http://127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    finally:
        backend.terminate()


if __name__ == "__main__":
    main()
