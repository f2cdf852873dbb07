"""Serve a built site folder and the real formsvc from one loopback address.

Run as a module by the browser tests' conftest, from a copy of the repo:
    python -m tests.browser.serve_built_site --root <built output> --port <port>

It is `build.py serve`'s own app (sitebuild/site_app.py: static files,
/anmalan/* to formsvc) plus the headers netlify.toml declares for static
files, so pages run under the production CSP. formsvc sets its own headers, as
behind Netlify's proxy. `python -m` puts the working directory (the copy) first
on sys.path, so the copy's formsvc runs, configured only through the
environment the caller passes.
"""

import argparse
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from werkzeug.serving import make_server

from formsvc import create_app
from sitebuild.site_app import FORMS_PREFIX, static_site_app


def netlify_static_headers(netlify_toml):
    """[(path glob, {header: value})] from netlify.toml, or [] when there is none."""
    if not netlify_toml.is_file():
        return []
    rules = tomllib.loads(netlify_toml.read_text(encoding="utf-8")).get("headers", [])
    return [
        (rule["for"], {name: " ".join(str(value).split()) for name, value in rule.get("values", {}).items()})
        for rule in rules
    ]


def with_static_headers(app, header_rules, skip_prefix):
    """WSGI middleware adding netlify.toml's headers to every response outside `skip_prefix`."""

    def wrapped(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == skip_prefix or path.startswith(skip_prefix + "/"):
            return app(environ, start_response)
        extra = {}
        for pattern, values in header_rules:
            if fnmatch(path, pattern):
                extra.update(values)

        def start_with_headers(status, headers, exc_info=None):
            names = {name.lower() for name in extra}
            kept = [(name, value) for name, value in headers if name.lower() not in names]
            return start_response(status, kept + list(extra.items()), exc_info)

        return app(environ, start_with_headers)

    return wrapped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="built site folder")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--netlify-toml", default="netlify.toml")
    args = parser.parse_args(argv)

    site = static_site_app(Path(args.root).resolve(), create_app())
    app = with_static_headers(site, netlify_static_headers(Path(args.netlify_toml)), FORMS_PREFIX)
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"serving {args.root} and formsvc on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
