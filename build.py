#!/usr/bin/env python3
"""The one entry point for the SIM site: build, serve, new, check, clean.

    python build.py                     # build into output/ (same as `build`)
    python build.py build --publish     # production settings (publishconf.py)
    python build.py serve [--port 8000] # build, serve site + forms, rebuild on change
    python build.py new news "Titel"    # scaffold content/nyheter/ÅÅÅÅ-MM-DD-titel.md
    python build.py new call "Titel"    # scaffold content/utlysningar/titel.md
    python build.py check               # validate content only
    python build.py clean               # remove output/ and leftovers

A thin command line: each verb is one small function over the sitebuild
package (sitebuild/pipeline.py), which does the work.
"""

import argparse
import logging
import sys
from pathlib import Path

from sitebuild import pipeline
from sitebuild.paths import OUTPUT


def build(args):
    return pipeline.build(args.publish, args.output, search=not args.no_search, handbook=not args.no_handbook)


def serve(args):
    from preview.server import serve as serve_preview

    serve_preview(args.port)
    return True


def new(args):
    return pipeline.new(args.kind, args.title) is not None


def check(args):
    return pipeline.check()


def clean(args):
    pipeline.clean()
    return True


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Build and preview the SIM site.")
    parser.set_defaults(verb=build, publish=False, output=OUTPUT, no_search=False, no_handbook=False)
    verbs = parser.add_subparsers()
    build_args = verbs.add_parser("build", help="build the site into output/ (default)")
    build_args.set_defaults(verb=build)
    build_args.add_argument("--publish", action="store_true", help="use publishconf.py (production)")
    build_args.add_argument("--output", type=Path, default=OUTPUT, help="output folder (default output/)")
    build_args.add_argument("--no-search", action="store_true", help="skip the pagefind index")
    build_args.add_argument("--no-handbook", action="store_true", help="skip the mkdocs handbook")
    serve_args = verbs.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    serve_args.set_defaults(verb=serve)
    serve_args.add_argument("--port", type=int, default=8000)
    new_args = verbs.add_parser("new", help="scaffold a news post or a call")
    new_args.set_defaults(verb=new)
    new_args.add_argument("kind", choices=("news", "call"))
    new_args.add_argument("title")
    verbs.add_parser("check", help="validate content only").set_defaults(verb=check)
    verbs.add_parser("clean", help="remove output/ and leftovers").set_defaults(verb=clean)
    return parser.parse_args(argv)


def main(argv=None):
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return 0 if args.verb(args) else 1


if __name__ == "__main__":
    sys.exit(main())
