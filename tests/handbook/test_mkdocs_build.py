"""The handbook builds strictly, links resolve and nothing is fetched from elsewhere."""

import re
import shutil
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from .conftest import HANDBOOK, PUBLIC_ROOT, REPO, build_handbook

NAV_PAGES = (
    "/handbok/",
    "/handbok/publicera-nyhet/",
    "/handbok/publicera-utlysning/",
    "/handbok/bilder/",
    "/handbok/forhandsgranska/",
    "/handbok/publicering/",
    "/handbok/faltreferens/",
    "/handbok/intresseanmalningar/",
    "/handbok/personuppgifter/",
    "/handbok/drift/",
)
# Paths on the public site the handbook may point at (public contract in COMMON.md).
SITE_PATHS = ("/", "/nyheter/", "/utlysningar/", "/personuppgifter/")
# Where a browser would fetch something while rendering a page.
FETCHING_ATTRIBUTES = (
    ("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"),
    ("source", "src"), ("source", "srcset"), ("iframe", "src"), ("video", "src"),
    ("audio", "src"), ("object", "data"), ("embed", "src"),
)
LINK_RELS_WITHOUT_FETCH = {"canonical", "prev", "next", "alternate"}


def parse(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def page_url(url_path):
    return PUBLIC_ROOT + url_path


def is_own(url):
    parts = urlsplit(url)
    return not parts.scheme or url.startswith(PUBLIC_ROOT + "/")


def target_file(built_handbook, path):
    """Map a /handbok/... path to the built file a static server would send."""
    relative = unquote(path)[len("/handbok/"):]
    candidate = built_handbook / relative
    return candidate / "index.html" if relative == "" or relative.endswith("/") else candidate


def test_strict_build_exits_zero_and_writes_every_nav_page(built_handbook, handbook_pages):
    built = {url for url, _ in handbook_pages}
    assert set(NAV_PAGES) <= built
    assert (built_handbook / "404.html").is_file()
    assert (built_handbook / "search" / "search_index.json").is_file()


def test_nav_lists_the_pages_in_the_agreed_order(handbook_pages):
    index = dict(handbook_pages)["/handbok/"]
    nav = parse(index).select_one("nav.md-nav--primary")
    hrefs = [urljoin(page_url("/handbok/"), a["href"]) for a in nav.select("a.md-nav__link[href]")]
    ordered = []
    for href in hrefs:
        path = urlsplit(href).path
        if path in NAV_PAGES and path not in ordered:
            ordered.append(path)
    assert ordered == list(NAV_PAGES)


def test_every_page_is_swedish(handbook_pages):
    for url, html_file in handbook_pages:
        assert parse(html_file).html.get("lang") == "sv", url


def test_internal_links_and_fragments_resolve(built_handbook, handbook_pages):
    broken = []
    for url, html_file in handbook_pages:
        if url.endswith("404.html"):
            continue  # its links are absolute on purpose; checked separately
        soup = parse(html_file)
        for element in soup.find_all(href=True) + soup.find_all(src=True):
            reference = element.get("href") or element.get("src")
            absolute = urljoin(page_url(url), reference)
            if not is_own(absolute):
                continue
            parts = urlsplit(absolute)
            if not parts.path.startswith("/handbok/"):
                if parts.path not in SITE_PATHS:
                    broken.append((url, reference, "not a known site page"))
                continue
            target = target_file(built_handbook, parts.path)
            if not target.is_file():
                broken.append((url, reference, "missing file"))
            elif parts.fragment and target.suffix == ".html":
                if parse(target).find(id=unquote(parts.fragment)) is None:
                    broken.append((url, reference, "missing anchor"))
    assert broken == []


def test_404_page_links_with_absolute_handbook_paths(built_handbook):
    soup = parse(built_handbook / "404.html")
    assert "finns inte" in soup.h1.get_text()
    for element in soup.select("link[href], script[src]"):
        reference = element.get("href") or element.get("src")
        assert reference.startswith("/handbok/"), reference
        assert target_file(built_handbook, urlsplit(reference).path).is_file(), reference


def test_no_third_party_requests_or_inline_code(handbook_pages):
    for url, html_file in handbook_pages:
        soup = parse(html_file)
        for tag, attribute in FETCHING_ATTRIBUTES:
            for element in soup.find_all(tag, attrs={attribute: True}):
                if tag == "link" and set(element.get("rel", [])) <= LINK_RELS_WITHOUT_FETCH:
                    continue
                for reference in element[attribute].split(","):
                    absolute = urljoin(page_url(url), reference.strip().split(" ")[0])
                    assert is_own(absolute), f"{url}: {tag} fetches {absolute}"
        # The site's CSP has no 'unsafe-inline': no inline scripts, styles or handlers.
        for script in soup.find_all("script", src=False):
            assert script.get("type") == "application/json", f"{url}: inline script"
        assert soup.find_all("style") == [], url
        assert soup.find_all(style=True) == [], url
        assert not any(
            attribute.startswith("on") for element in soup.find_all(True) for attribute in element.attrs
        ), url
        text = html_file.read_text(encoding="utf-8")
        for third_party in ("fonts.googleapis", "fonts.gstatic", "googletagmanager", "cdn.jsdelivr", "unpkg.com"):
            assert third_party not in text, f"{url}: {third_party}"


def test_stylesheets_load_nothing_from_elsewhere(built_handbook):
    remote = re.compile(r"""(url\(\s*['"]?|@import\s+['"]?)(https?:)?//""", re.IGNORECASE)
    stylesheets = list(built_handbook.rglob("*.css"))
    assert stylesheets
    for stylesheet in stylesheets:
        assert not remote.search(stylesheet.read_text(encoding="utf-8")), stylesheet


def test_site_colours_replace_materials_palette(handbook_pages):
    soup = parse(dict(handbook_pages)["/handbok/"])
    assert soup.body["data-md-color-primary"] == "custom"
    assert any(link["href"].endswith("assets/sim.css") for link in soup.select("link[rel=stylesheet]"))


@pytest.mark.parametrize(
    ("site_root", "expected"),
    [
        (PUBLIC_ROOT, PUBLIC_ROOT + "/handbok/drift/"),
        (None, "http://127.0.0.1:8000/handbok/drift/"),
        ("", "http://127.0.0.1:8000/handbok/drift/"),
    ],
)
def test_canonical_urls_follow_sim_siteurl(tmp_path, built_handbook, site_root, expected):
    if site_root == PUBLIC_ROOT:
        out_dir = built_handbook
    else:
        out_dir = tmp_path / "handbok"
        result = build_handbook(out_dir, site_root)
        assert result.returncode == 0, result.stderr
    canonical = parse(out_dir / "drift" / "index.html").select_one("link[rel=canonical]")
    assert canonical["href"] == expected


def test_strict_build_fails_on_a_broken_link(tmp_path):
    """Guards that strict mode really is on: a dangling link must fail the build."""
    shutil.copytree(HANDBOOK, tmp_path / "handbook")
    (tmp_path / "handbook" / "docs" / "bilder.md").write_text(
        "# Bilder\n\n[Trasig länk](finns-inte.md)\n", encoding="utf-8"
    )
    result = build_handbook(tmp_path / "out", config=tmp_path / "handbook" / "mkdocs.yml")
    assert result.returncode != 0
    assert "finns-inte.md" in result.stderr
