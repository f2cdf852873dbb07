"""The EU emblem and funding text: absent unless a funding period is set, then per that period's rules."""

import struct
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import theme_images
from tests.site.site_helpers import REPO, parse_html as parse, render_with_pelican as build, theme_pages


@pytest.fixture(scope="module")
def pages(built_site):
    return theme_pages(Path(getattr(built_site, "output", built_site)))


def test_eu_funding_is_absent_by_default(pages):
    for name, page in pages.items():
        assert page.find(class_="eu-funding") is None, name
        assert "Europeiska unionen" not in page.find("header").get_text(), name


@pytest.mark.parametrize("period, must_say, must_not_say", [
    ("2014-2020", ["Europeiska unionen", "Europeiska regionala utvecklingsfonden"], ["Medfinansieras"]),
    ("2021-2027", ["Medfinansieras av Europeiska unionen"], ["utvecklingsfonden"]),
])
def test_eu_funding_shows_the_wording_of_its_period_in_the_header(tmp_path, period, must_say, must_not_say):
    output = build(tmp_path / "site", SIM_EU_FUNDING_PERIOD=period)
    for name in ("index.html", "404.html", "om-sim/index.html", "utlysningar/index.html"):
        header = parse(output / name).find("header", class_="site-header")
        block = header.find(class_="eu-funding")
        assert block is not None, name
        text = " ".join(block.get_text(" ").split())
        assert all(phrase in text for phrase in must_say), text
        assert not any(phrase in text for phrase in must_not_say), text
        emblem = block.find("img")
        assert emblem["alt"] and int(emblem["width"]) * 2 == int(emblem["height"]) * 3
        # The emblem must be at least as large as any other logo on the page.
        logo = header.find("img", class_="brand__logo")
        assert int(logo["width"]) <= int(emblem["width"]) and int(logo["height"]) <= int(emblem["height"]), name
        assert (output / emblem["src"].lstrip("/")).is_file()


def test_eu_emblem_has_twelve_gold_stars_on_reflex_blue_in_3_to_2():
    svg = BeautifulSoup((REPO / "theme/static/img/eu-emblem.svg").read_text(encoding="utf-8"), "html.parser").svg
    _, _, width, height = (float(n) for n in svg["viewbox"].split())
    assert width / height == 1.5
    assert svg.find("rect")["fill"].upper() == "#003399"
    stars = svg.find("g")
    assert stars["fill"].upper() == "#FFCC00"
    assert len(stars.find_all("polygon")) == 12
    assert all(len(p["points"].split()) == 10 for p in stars.find_all("polygon"))


def test_committed_icons_are_what_the_generator_draws():
    img = REPO / "theme/static/img"
    assert (img / "eu-emblem.svg").read_text(encoding="utf-8") == theme_images.eu_emblem_svg()
    assert (img / "favicon.svg").read_text(encoding="utf-8") == theme_images.favicon_svg()
    png = (img / "favicon.png").read_bytes()
    assert png == theme_images.png_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (32, 32)
    ico = (img / "favicon.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 1) and ico[22:] == png
