#!/usr/bin/env python3
"""The one entry point for the SIM site: build, serve, new, check, clean.

    python build.py                     # build into output/ (same as `build`)
    python build.py build --publish     # production settings (publishconf.py)
    python build.py serve [--port 8000] # build, serve site + forms, rebuild on change
    python build.py new news "Titel"    # scaffold content/nyheter/ÅÅÅÅ-MM-DD-titel.md
    python build.py new call "Titel"    # scaffold content/utlysningar/titel.md
    python build.py check               # validate content only
    python build.py clean               # remove output/ and leftovers

A build writes into a temporary folder next to output/ and swaps it in only
when everything succeeded, so a failed build leaves the last good output/ alone.
"""

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
OUTPUT = ROOT / "output"
HANDBOOK_CONFIG = ROOT / "handbook" / "mkdocs.yml"
sys.path.insert(0, str(ROOT / "plugins"))

from sim_content.preview_app import static_site_app  # noqa: E402
from sim_content.scaffold import first_author, new_content_file  # noqa: E402
from sim_content.settings_env import SettingsError  # noqa: E402
from sim_content.timeutil import build_now  # noqa: E402
from sim_content.validate import ContentInvalid, validate_content  # noqa: E402


class BuildFailed(Exception):
    """A build step failed; the message says which and why."""


def progress(message):
    print(f"[build] {message}", flush=True)


def run_pelican(output_dir, publish=False, content_dir=CONTENT):
    """Render the site with Pelican into `output_dir`; raise ContentInvalid or BuildFailed."""
    from pelican import Pelican
    from sim_content.pelican_run import PelicanReportedErrors, load_settings, pelican_errors

    config = ROOT / ("publishconf.py" if publish else "pelicanconf.py")
    settings = load_settings(config, content_dir, output_dir)
    with pelican_errors() as raise_logged_errors:
        Pelican(settings).run()
        try:
            raise_logged_errors()
        except PelicanReportedErrors as error:
            raise BuildFailed(str(error)) from None


def build_search_index(site_dir):
    """Index the pages the theme marks with data-pagefind-body (articles, calls, pages)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--force-language", "sv", "--silent"]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise BuildFailed("pagefind failed (see its output above)")


def build_handbook(site_dir):
    """Build the mkdocs handbook into <site>/handbok/ (skipped until handbook/mkdocs.yml exists)."""
    if not HANDBOOK_CONFIG.exists():
        progress("handbook/mkdocs.yml not found yet: skipping the handbook")
        return
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
               "-f", str(HANDBOOK_CONFIG), "-d", str(Path(site_dir) / "handbok")]
    # mkdocs-material prints a multi-line banner about MkDocs 2.0 on every build;
    # it says nothing about our handbook and would bury real warnings.
    quiet = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if subprocess.run(command, cwd=ROOT, env=quiet).returncode != 0:
        raise BuildFailed("mkdocs build --strict failed (see its output above)")


def build_editor(site_dir, publish):
    """Write the web editor into <site>/admin/, or say how to install it (the site builds either way)."""
    from sitebuild.cms import write_admin

    site_url = os.environ.get("SIM_SITEURL", "").strip().rstrip("/") if publish else ""
    environ = dict(os.environ)
    if not publish:  # the local backend commits to the branch checked out here
        from sitebuild.cms_backend import current_branch
        environ.setdefault("SIM_CMS_BRANCH", current_branch(ROOT))
    if write_admin(site_dir, local=not publish, site_url=site_url, environ=environ):
        progress("web editor written to admin/")
    else:
        progress("web editor not installed, so no /admin/: run `npm ci --prefix cms` (needs Node.js and npm)")


def swap_into_place(new_dir, output):
    """Make `new_dir` the output folder: output→output.old, new→output, remove old."""
    old = output.with_name(output.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.replace(output, old)
    os.replace(new_dir, output)
    shutil.rmtree(old, ignore_errors=True)


def build(publish=False, output=OUTPUT, search=True, handbook=True):
    """Build the whole site into `output`; print errors and return False if anything failed."""
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".output-", dir=output.parent))
    started = time.perf_counter()
    try:
        progress(f"rendering the site with Pelican ({'publish' if publish else 'local'} settings)")
        run_pelican(staging, publish=publish)
        if search:
            progress("indexing search with pagefind")
            build_search_index(staging)
        if handbook:
            progress("building the handbook with mkdocs")
            build_handbook(staging)
        build_editor(staging, publish)
        swap_into_place(staging, output)
    except ContentInvalid as invalid:
        print(invalid, file=sys.stderr)
        print(f"Bygget avbröts: {len(invalid.errors)} fel i innehållet. output/ är orörd.", file=sys.stderr)
        return False
    except (BuildFailed, SettingsError) as error:
        print(f"Build failed: {error}", file=sys.stderr)
        return False
    except Exception as error:  # a theme or plugin bug: report where, keep output/ as it was
        where = f"{error.filename}:{error.lineno}: " if getattr(error, "filename", None) and getattr(error, "lineno", None) else ""
        print(f"Build failed: {where}{type(error).__name__}: {error}", file=sys.stderr)
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress(f"done in {time.perf_counter() - started:.1f} s → {output}")
    return True


def check():
    """Validate the content files only (no output); return True if they are all valid."""
    errors = validate_content(CONTENT, ROOT)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{len(errors)} fel i innehållet.", file=sys.stderr)
        return False
    print("Innehållet är giltigt.")
    return True


def clean():
    """Remove output/, half-finished build folders and Pelican's cache."""
    leftovers = [OUTPUT, OUTPUT.with_name("output.old"), ROOT / "cache", *ROOT.glob(".output-*")]
    for path in leftovers:
        if path.exists():
            shutil.rmtree(path)
            progress(f"removed {path.relative_to(ROOT)}")


def new(kind, title):
    """Scaffold a news post or call with today's date; refuse to overwrite. Return the path or None."""
    author = os.environ.get("SIM_AUTHOR", "").strip() or first_author(CONTENT)
    try:
        path, text = new_content_file(kind, title, CONTENT, build_now(), author)
    except ValueError:
        print(f"Rubriken {title!r} ger ingen adress – använd bokstäver eller siffror.", file=sys.stderr)
        return None
    if path.exists():
        print(f"{path.relative_to(ROOT)} finns redan – välj en annan rubrik eller redigera filen.", file=sys.stderr)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Skapade {path.relative_to(ROOT)}")
    return path


def make_app(output_dir):
    """WSGI app for serve: output/ plus formsvc on /anmalan/* when it imports."""
    try:
        from formsvc import create_app
        forms = create_app()
    except Exception as error:  # formsvc may be missing or half-written during development
        print(f"WARNING: form service not available ({error!r}); serving the static site only.")
        forms = None
    return static_site_app(output_dir, forms)


def serve(port=8000):
    """Serve site and forms on 127.0.0.1:`port`, updating changed pages in place with live reload."""
    from preview.server import serve as serve_preview

    from sitebuild.cms_backend import start_local_backend, with_local_backend

    os.environ.setdefault("CALLS_FILE", str(OUTPUT / "calls.json"))
    # The preview is plain HTTP on loopback; a Secure session cookie would not come back.
    os.environ.setdefault("FORMSVC_SECURE_COOKIES", "0")
    backend, port_or_reason = start_local_backend(ROOT)
    if backend is None:
        print(port_or_reason, flush=True)

    def make_app_with_editor(output_dir):
        # Called once the first render has emptied and refilled output/.
        app = make_app(output_dir)
        if backend is None:
            return app
        build_editor(output_dir, publish=False)
        progress(f"web editor on /admin/ (decap-server on 127.0.0.1:{port_or_reason}, committing to this checkout)")
        return with_local_backend(app, port_or_reason)

    try:
        serve_preview(ROOT, port, make_app_with_editor, build_handbook=build_handbook,
                      build_search_index=build_search_index, output_dir=OUTPUT)
    finally:
        if backend is not None:
            backend.terminate()


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Build and preview the SIM site.")
    verbs = parser.add_subparsers(dest="verb")
    build_args = verbs.add_parser("build", help="build the site into output/ (default)")
    build_args.add_argument("--publish", action="store_true", help="use publishconf.py (production)")
    build_args.add_argument("--output", type=Path, default=OUTPUT, help="output folder (default output/)")
    build_args.add_argument("--no-search", action="store_true", help="skip the pagefind index")
    build_args.add_argument("--no-handbook", action="store_true", help="skip the mkdocs handbook")
    serve_args = verbs.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    serve_args.add_argument("--port", type=int, default=8000)
    new_args = verbs.add_parser("new", help="scaffold a news post or a call")
    new_args.add_argument("kind", choices=("news", "call"))
    new_args.add_argument("title")
    verbs.add_parser("check", help="validate content only")
    verbs.add_parser("clean", help="remove output/ and leftovers")
    return parser.parse_args(argv)


def main(argv=None):
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    verb = args.verb or "build"
    if verb == "build":
        publish, output = getattr(args, "publish", False), getattr(args, "output", OUTPUT)
        ok = build(publish, output, not getattr(args, "no_search", False), not getattr(args, "no_handbook", False))
    elif verb == "serve":
        serve(args.port)
        ok = True
    elif verb == "new":
        ok = new(args.kind, args.title) is not None
    elif verb == "check":
        ok = check()
    else:
        clean()
        ok = True
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
