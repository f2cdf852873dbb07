"""The English section: Pelican's translations, hreflang both ways, reachable
from the Swedish site, in the sitemap, kept out of the feeds.

Uses the session's `built_site` (the real content, a local build) and parses
every page with html5lib, as a browser would.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections import deque
from datetime import datetime
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.site.site_helpers import theme_pages

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def pages(built_site):
    return theme_pages(Path(built_site))


def path_of(name):
    """'en/om-sim/index.html' -> '/en/om-sim/' (the address a link uses)."""
    return "/" + re.sub(r"(^|/)index\.html$", r"\1", name)


def hreflang_links(page):
    return {link["hreflang"]: urlsplit(link["href"]).path
            for link in page.find_all("link", rel="alternate", hreflang=True)}


def test_the_english_section_has_the_four_promised_pages(pages):
    english = {path_of(name) for name in pages if name.startswith("en/")}
    assert {"/en/om-sim/", "/en/insatsomraden/", "/en/kontakt/", "/en/calls/"} <= english
    assert "in-english/index.html" not in pages  # replaced by the section


def test_hreflang_pairs_are_reciprocal(pages):
    by_path = {path_of(name): page for name, page in pages.items()}
    translated = {path: hreflang_links(page) for path, page in by_path.items() if hreflang_links(page)}
    assert {"/om-sim/", "/en/om-sim/", "/insatsomraden/", "/en/insatsomraden/", "/kontakt/", "/en/kontakt/"} <= set(translated)
    for path, links in translated.items():
        lang = by_path[path].html["lang"]
        assert links[lang] == path, f"{path} does not list itself as {lang}"
        assert links["x-default"] == links["sv"], path
        for other_lang, other_path in links.items():
            assert other_path in by_path, f"{path} points {other_lang} to a missing page {other_path}"
            assert by_path[other_path].html["lang"] == ("sv" if other_lang == "x-default" else other_lang), other_path
            assert hreflang_links(by_path[other_path]) == links, f"{path} and {other_path} disagree"


def test_pages_without_a_translation_have_no_hreflang(pages):
    for name in ("index.html", "nyheter/index.html", "en/calls/index.html", "lattlast/index.html"):
        assert hreflang_links(pages[name]) == {}, name


def test_every_english_page_is_reachable_by_links_from_the_swedish_home_page(pages):
    by_path = {path_of(name): page for name, page in pages.items()}
    seen, queue = {"/"}, deque(["/"])
    while queue:
        page = by_path[queue.popleft()]
        for anchor in page.find_all("a", href=True):
            target = urldefrag(anchor["href"])[0]
            if target in by_path and target not in seen:
                seen.add(target)
                queue.append(target)
    english = {path for path in by_path if path.startswith("/en/")}
    assert english and english <= seen, sorted(english - seen)


def test_header_language_link_points_to_the_translation_in_its_language(pages):
    def language_link(name):
        return [a for a in pages[name].select("header .language-links a") if a.get("hreflang")]
    [to_english] = language_link("om-sim/index.html")
    assert (to_english["href"], to_english["hreflang"], to_english["lang"]) == ("/en/om-sim/", "en", "en")
    [to_swedish] = language_link("en/om-sim/index.html")
    assert (to_swedish["href"], to_swedish["hreflang"], to_swedish["lang"]) == ("/om-sim/", "sv", "sv")
    # A Swedish page without a twin still leads to the English section, an English one back home.
    assert [a["href"] for a in language_link("nyheter/index.html")] == ["/en/om-sim/"]
    assert [a["href"] for a in language_link("en/calls/index.html")] == ["/"]


def test_every_page_links_to_the_easy_to_read_page(pages):
    assert "lattlast/index.html" in pages
    for name, page in pages.items():
        assert page.select_one('header a[href="/lattlast/"]') is not None, name


def test_english_pages_are_in_the_sitemap_with_their_alternates(built_site, pages):
    tree = ET.parse(Path(built_site) / "sitemap.xml")
    locations = {urlsplit(loc.text).path for loc in tree.getroot().findall("s:url/s:loc", SITEMAP_NS)}
    english = {path_of(name) for name in pages if name.startswith("en/")}
    assert english <= locations, sorted(english - locations)
    xml = (Path(built_site) / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r'hreflang="en" href="[^"]*/en/om-sim/"', xml)


def test_feeds_stay_swedish(built_site):
    feeds = sorted((Path(built_site) / "feeds").rglob("*.xml"))
    assert feeds
    for feed in feeds:
        root = ET.parse(feed).getroot()
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang", "sv") == "sv", feed.name
        for entry in root.findall("a:entry", ATOM_NS):
            href = entry.find("a:link", ATOM_NS).get("href")
            assert "/en/" not in urlsplit(href).path, f"{feed.name} lists {href}"
    assert not list(Path(built_site).rglob("*-en.atom.xml")) and not (Path(built_site) / "feeds" / "en").exists()


def test_the_calls_in_brief_list_open_and_upcoming_calls_but_not_closed_ones(pages, built_site):
    data = json.loads((Path(built_site) / "calls.json").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(data["generated"])
    brief = pages["en/calls/index.html"].find(attrs={"data-contact": "utlysningar-en"})
    listed = {urlsplit(a["href"]).path for a in brief.find_all("a", href=True)}
    states = set()
    for call in data["calls"]:
        closed = datetime.fromisoformat(call["deadline"]) <= now
        states.add(closed)
        assert (f"/utlysningar/{call['slug']}/" in listed) == (not closed), call["slug"]
    assert states == {True, False}  # the real content has both, so the check can fail


def test_swedish_chrome_on_english_pages_is_marked_swedish(pages):
    # <html lang="en"> on an English page; the shared header, footer and skip
    # link stay Swedish and must say so (WCAG 3.1.2, language of parts).
    for name, page in pages.items():
        if not name.startswith("en/"):
            continue
        assert page.find("header", class_="site-header")["lang"] == "sv", name
        assert page.find("footer", class_="site-footer")["lang"] == "sv", name
        assert page.find("a", class_="skip-link")["lang"] == "sv", name
        assert page.find("main").find_parent(attrs={"lang": "sv"}) is None, name
