"""Print the gzip weight of a few pages: HTML plus the CSS and JS each loads.

Usage: .venv/bin/python -m bench.page_weight [OUTPUT_DIR]
Reads an existing build (default output/); with no build there, it builds the
site into a temporary folder first (`build.py build --output`). Budget from the issue: an article page
≤ 15 KB gzip. This prints figures and does not assert.
"""

import gzip
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
ARTICLE_BUDGET = 15 * 1024


def gzip_size(data):
    # Level 6 is what common web servers and CDNs use by default.
    return len(gzip.compress(data, compresslevel=6))


def local_file(output, url):
    """The file in output/ a same-site URL points to, or None for other hosts."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = output / parts.path.lstrip("/")
    return path / "index.html" if path.is_dir() else path


def page_weight(output, page):
    """(rows, total): gzip bytes of the page and every stylesheet and script it loads."""
    html = page.read_bytes()
    rows = [(str(page.relative_to(output)), gzip_size(html))]
    soup = BeautifulSoup(html, "html.parser")
    assets = [link["href"] for link in soup.find_all("link", rel="stylesheet", href=True)]
    assets += [script["src"] for script in soup.find_all("script", src=True)]
    for url in assets:
        path = local_file(output, url)
        size = gzip_size(path.read_bytes()) if path and path.is_file() else 0
        rows.append((url + ("" if size else " (missing)"), size))
    return rows, sum(size for _, size in rows)


def first_article(output):
    news = output / "nyheter"
    skip = {"sida", "kategori", "etikett", "forfattare", "arkiv"}
    candidates = sorted(p for p in news.glob("*/index.html") if p.parent.name not in skip)
    return candidates[0] if candidates else None


def build_into(folder):
    """The full local build (Pelican, pagefind, handbook), so the search page has its scripts."""
    subprocess.run([sys.executable, "build.py", "build", "--output", str(folder)], cwd=REPO, check=True)


def report(output):
    pages = {"article": first_article(output), "home": output / "index.html", "search": output / "sok" / "index.html"}
    for name, page in pages.items():
        if page is None or not page.is_file():
            print(f"{name}: no page found in {output}")
            continue
        rows, total = page_weight(output, page)
        print(f"{name}: {total / 1024:.1f} KB gzip")
        for label, size in rows:
            print(f"  {size / 1024:6.1f} KB  {label}")
        if name == "article":
            print(f"  budget {ARTICLE_BUDGET / 1024:.0f} KB: {total / ARTICLE_BUDGET:.0%} used")


def main():
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "output"
    if (output / "index.html").is_file():
        report(output)
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"No build in {output}; building into a temporary folder")
        build_into(Path(tmp))
        report(Path(tmp))


if __name__ == "__main__":
    main()
