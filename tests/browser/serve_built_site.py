"""Serve a built site folder and the real formsvc from one loopback address.

Run as a script by the browser tests' conftest:
    python serve_built_site.py --root <built output> --port <port>

It mirrors production: Netlify serves the static folder (with the headers that
netlify.toml declares for it) and proxies /anmalan/* to formsvc, which sets its
own headers. formsvc is imported from the current working directory, and it is
configured only through the environment the caller passes.
"""

import argparse
import mimetypes
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.utils import safe_join
from werkzeug.wrappers import Request, Response

# Pagefind fetches its WebAssembly with instantiateStreaming, which needs this type.
mimetypes.add_type("application/wasm", ".wasm")


def netlify_static_headers(netlify_toml):
    """[(path glob, {header: value})] from netlify.toml, or [] when there is none."""
    if not netlify_toml.is_file():
        return []
    rules = tomllib.loads(netlify_toml.read_text(encoding="utf-8")).get("headers", [])
    return [
        (rule["for"], {name: " ".join(str(value).split()) for name, value in rule.get("values", {}).items()})
        for rule in rules
    ]


class StaticSite:
    """A static host: directories serve index.html, misses serve 404.html with status 404."""

    def __init__(self, root, header_rules):
        self.root = Path(root)
        self.header_rules = header_rules

    def resolve(self, url_path):
        joined = safe_join(str(self.root), url_path.lstrip("/"))
        if not joined:
            return None
        candidate = Path(joined)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def headers_for(self, url_path):
        headers = {}
        for pattern, values in self.header_rules:
            if fnmatch(url_path, pattern):
                headers.update(values)
        return headers

    def __call__(self, environ, start_response):
        path = Request(environ).path
        joined = safe_join(str(self.root), path.lstrip("/"))
        if joined and Path(joined).is_dir() and not path.endswith("/"):
            return Response(status=301, headers={"Location": path + "/"})(environ, start_response)
        found = self.resolve(path)
        status = 200
        if found is None:
            found, status = self.root / "404.html", 404
        mimetype = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in ("application/javascript", "application/json"):
            mimetype += "; charset=utf-8"
        response = Response(found.read_bytes(), status=status, content_type=mimetype)
        response.headers.update(self.headers_for(path))
        return response(environ, start_response)


class OneAddress:
    """Route /anmalan/ and everything under it to formsvc, the rest to the static host."""

    def __init__(self, static_site, form_app):
        self.static_site = static_site
        self.form_app = form_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/anmalan" or path.startswith("/anmalan/"):
            return self.form_app(environ, start_response)
        return self.static_site(environ, start_response)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="built site folder")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--netlify-toml", default="netlify.toml")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path.cwd()))
    from formsvc import create_app  # imported late: the working directory decides which formsvc

    static_site = StaticSite(args.root, netlify_static_headers(Path(args.netlify_toml)))
    server = make_server("127.0.0.1", args.port, OneAddress(static_site, create_app()), threaded=True)
    print(f"serving {args.root} and formsvc on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
