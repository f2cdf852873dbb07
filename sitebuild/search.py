"""The site's search index, written by pagefind into <site>/pagefind/.

pagefind holds the whole index in memory while it builds it, about 40 KB
per page: at 10,000 posts that alone is several times what vanilla Pelican
needs for the whole build. So a site with more than SEARCH_BUNDLE_PAGES
indexed pages is indexed in bundles of at most that many pages, one pagefind
run after another: the first bundle is <site>/pagefind/ as always, the
others <site>/pagefind-2/, -3/ …, listed in <site>/pagefind/sim-bundles.json.
The search page merges them (theme/static/js/search.js, pagefind's
mergeIndex), and pagefind sorts the merged results by score. A small site
gets one bundle, exactly as a single pagefind run writes it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sitebuild.paths import ROOT
from sitebuild.pelican_run import BuildFailed

BUNDLE_LIST = "sim-bundles.json"
INDEXED_MARK = b"data-pagefind-body"
# Paths pagefind's glob takes literally: what Pelican's slugs produce.
PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")
SKIPPED_FOLDERS = {"handbok", "pagefind", "theme", "admin"}


def bundle_pages():
    """Most pages per pagefind run (SIM_SEARCH_BUNDLE_PAGES; default 2,500, about 100 MB of pagefind)."""
    raw = os.environ.get("SIM_SEARCH_BUNDLE_PAGES", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 2500


def build_search_index(site_dir):
    """Index the pages the theme marks with data-pagefind-body (articles, calls, pages)."""
    site_dir = Path(site_dir)
    for stale in site_dir.glob("pagefind-*"):  # bundles of an earlier, larger index (the preview)
        shutil.rmtree(stale)
    size = bundle_pages()
    # pagefind is given only the marked pages: it then parses no list page
    # (a third of a large site's pages) and writes the same index, faster.
    pages = indexed_pages(site_dir)
    if not pages or not all(PLAIN_PATH.fullmatch(page) for page in pages):
        # Nothing marked (pagefind then indexes every page), or a path its glob would read as a pattern.
        _run_pagefind(["--site", str(site_dir)])
        extra = []
    else:
        groups = [pages[start:start + size] for start in range(0, len(pages), size)]
        extra = [f"pagefind-{number}/" for number in range(2, len(groups) + 1)]
        for group, subdir in zip(groups, ["pagefind/", *extra]):
            _run_pagefind_on(site_dir, group, subdir.rstrip("/"))
    (site_dir / "pagefind" / BUNDLE_LIST).write_text(json.dumps({"merge": extra}) + "\n", encoding="utf-8")


def indexed_pages(site_dir):
    """Paths (relative, sorted) of the HTML pages that carry the index mark."""
    return marked_pages(site_dir, html_pages(site_dir))


def html_pages(site_dir):
    """Paths (relative, sorted) of the HTML files pagefind may index, not yet read."""
    found = []
    for folder, subfolders, files in os.walk(site_dir):
        if Path(folder) == Path(site_dir):
            subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS and not name.startswith("pagefind")]
        found += [(Path(folder) / name).relative_to(site_dir).as_posix() for name in files if name.endswith(".html")]
    return sorted(found)


def marked_pages(site_dir, pages):
    return [page for page in pages if INDEXED_MARK in (Path(site_dir) / page).read_bytes()]


def _run_pagefind_on(site_dir, pages, subdir):
    """One pagefind run over exactly `pages`, written to <site>/<subdir>/.

    The page list goes in a config file (pagefind reads pagefind.json from its
    working directory) because a command-line argument has a length limit.
    """
    with tempfile.TemporaryDirectory(prefix="pagefind-config-") as folder:
        config = {"site": str(site_dir), "glob": "{" + ",".join(pages) + "}", "output_subdir": subdir}
        Path(folder, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
        _run_pagefind([], cwd=folder)


def _run_pagefind(arguments, cwd=ROOT):
    command = [sys.executable, "-m", "pagefind", *arguments, "--force-language", "sv", "--silent"]
    if subprocess.run(command, cwd=cwd).returncode != 0:
        raise BuildFailed("pagefind failed (see its output above)")
