"""Absolute URLs where the standards require them, in every build.

canonical, og:url, og:image, sitemap <loc> and robots.txt's Sitemap line use
PUBLIC_SITEURL: SIM_SITEURL when publishing, the local address otherwise.
Links between pages stay relative in local builds, so a site served on any
port keeps working.
"""

import re
from pathlib import Path

import pytest

from tests.site.site_helpers import copy_repo, parse_html, render_with_pelican, run_build, theme_pages

FAST = ("--no-search", "--no-handbook")
ABSOLUTE_KEYS = ("og:url", "og:image")


def absolute_urls_of(page):
    urls = [page.find("link", rel="canonical")["href"]]
    urls += [page.find("meta", property=key)["content"] for key in ABSOLUTE_KEYS]
    return urls


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    repo = copy_repo(tmp_path_factory.mktemp("publish") / "repo")
    result = run_build(repo, "build", "--publish", *FAST, env={"SIM_SITEURL": "https://sim.test/"})
    assert result.returncode == 0, result.stderr
    return repo / "output"


def test_publish_build_makes_every_standard_url_absolute(published):
    pages = theme_pages(published)
    assert len(pages) > 20
    for name, page in pages.items():
        for url in absolute_urls_of(page):
            assert url.startswith("https://sim.test/"), f"{name}: {url}"
    locs = re.findall(r"<loc>([^<]+)</loc>", (published / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith("https://sim.test/") for loc in locs)
    assert (published / "robots.txt").read_text().splitlines()[-1] == "Sitemap: https://sim.test/sitemap.xml"


def test_local_build_uses_the_local_address_and_keeps_links_relative(tmp_path):
    output = render_with_pelican(tmp_path / "out", SIM_LOCAL_SITEURL="http://localhost:9123/")
    page = parse_html(output / "om-sim" / "index.html")
    assert absolute_urls_of(page)[0] == "http://localhost:9123/om-sim/"
    assert all(url.startswith("http://localhost:9123/") for url in absolute_urls_of(page))
    nav = [a["href"] for a in page.find("nav", class_="site-nav").find_all("a")]
    assert nav and all(href.startswith("/") for href in nav)
    assert "<loc>http://localhost:9123/om-sim/</loc>" in (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "Sitemap: http://localhost:9123/sitemap.xml" in (output / "robots.txt").read_text()


@pytest.mark.parametrize("value", ["ftp://sim.test", "sim.test", "http://sim test"])
def test_a_bad_local_address_stops_the_build_and_names_the_variable(repo_copy, value):
    result = run_build(repo_copy, "build", *FAST, env={"SIM_LOCAL_SITEURL": value})
    assert result.returncode != 0
    assert "SIM_LOCAL_SITEURL" in result.stderr and "http" in result.stderr
    assert not (Path(repo_copy) / "output").exists()
