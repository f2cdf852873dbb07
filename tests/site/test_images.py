"""Content images get width/height, lazy loading and srcset/sizes with smaller copies in output/."""

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.site.site_helpers import parse_html, render_with_pelican

REPO = Path(__file__).resolve().parents[2]

POST = """Title: Bilder i text
Date: 2026-11-20
Author: Marlene Magnussen
Category: Industri
Summary: Ett inlägg med bilder.
Slug: bilder-i-text

![Svetsrobot i en verkstad.]({static}/images/svetsrobot.jpg)

![Liten figur.]({static}/images/figur.png)

![Bild från en annan webbplats.](https://example.org/bild.jpg)

![Försök att nå utanför.]({static}/images/../../pelicanconf.py)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    (content / "images").mkdir(exist_ok=True)
    Image.new("RGB", (1600, 900), (200, 90, 40)).save(content / "images" / "svetsrobot.jpg", quality=90)
    Image.new("RGB", (300, 200), (20, 90, 140)).save(content / "images" / "figur.png")
    (content / "nyheter" / "2026-11-20-bilder-i-text.md").write_text(POST, encoding="utf-8")
    environment = {"SIM_OG_CACHE": str(root / "cache" / "og")}
    output = render_with_pelican(root / "output", content=content, **environment)
    return root, content, output


def images_of(output):
    page = parse_html(output / "nyheter" / "bilder-i-text" / "index.html")
    return {img["alt"]: img for img in page.find("main").find_all("img")}


def test_every_content_image_loads_lazily(site):
    for alt, img in images_of(site[2]).items():
        assert img["loading"] == "lazy" and img["decoding"] == "async", alt


def test_large_photo_gets_size_srcset_and_sizes_with_real_copies(site):
    _, _, output = site
    img = images_of(output)["Svetsrobot i en verkstad."]
    assert (img["width"], img["height"]) == ("1600", "900")
    assert img["src"] == "/images/svetsrobot.jpg"
    entries = [entry.split() for entry in img["srcset"].split(", ")]
    assert [descriptor for _, descriptor in entries] == ["480w", "960w", "1600w"]
    for url, descriptor in entries:
        with Image.open(output / url.lstrip("/")) as copy:
            assert copy.width == int(descriptor[:-1]) and copy.format == "JPEG"
            assert abs(copy.height / copy.width - 900 / 1600) < 0.01
    assert "736px" in img["sizes"]


def test_small_image_gets_its_size_but_no_srcset(site):
    img = images_of(site[2])["Liten figur."]
    assert (img["width"], img["height"]) == ("300", "200")
    assert not img.has_attr("srcset")


def test_remote_and_escaping_paths_are_left_alone(site):
    images = images_of(site[2])
    assert not images["Bild från en annan webbplats."].has_attr("width")
    assert not images["Försök att nå utanför."].has_attr("srcset")


def test_copies_are_drawn_once(site, tmp_path):
    root, content, _ = site
    cached = sorted((root / "cache" / "images").glob("*"))
    assert len(cached) == 2
    # A redrawn copy would be a new file (written aside, then renamed): a new inode.
    inodes = [p.stat().st_ino for p in cached]
    render_with_pelican(tmp_path / "again", content=content)
    assert sorted((root / "cache" / "images").glob("*")) == cached
    assert [p.stat().st_ino for p in cached] == inodes
    assert re.search(r"svetsrobot-480w\.jpg", (tmp_path / "again" / "nyheter" / "bilder-i-text" / "index.html").read_text())
    assert (tmp_path / "again" / "images" / "derivat" / "svetsrobot-480w.jpg").is_file()
