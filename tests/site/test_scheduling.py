"""Scheduled publishing: a future Date keeps content out of every output until a build after it."""

import gzip
import json

import pytest

from tests.site.site_helpers import build_site, parse_html

BEFORE = "2026-11-25T12:00:00+01:00"
AFTER = "2026-12-01T10:01:00+01:00"
NEWS = """Title: Öppet hus i verkstaden
Date: 2026-12-01 10:00
Author: SIM-redaktionen
Category: Industri JH
Summary: Ett schemalagt inlägg om öppet hus.

Kom och titta på verkstaden.
"""
CALL = """Title: Schemalagd utlysning
Opens: 2026-12-10 08:00
Deadline: 2027-01-31 16:00
Area: Finansiering
Audience: Tillverkande företag i länet
Summary: En utlysning som annonseras först i december.
Date: 2026-12-01 10:00

Text om utlysningen.
"""
PAGE = """Title: Julöppettider
Date: 2026-12-01 10:00
Summary: Schemalagd sida.

Stängt mellan jul och nyår.
"""


@pytest.fixture
def scheduled_repo(repo_copy):
    (repo_copy / "content" / "nyheter" / "2026-12-01-oppet-hus-i-verkstaden.md").write_text(NEWS, encoding="utf-8")
    (repo_copy / "content" / "utlysningar" / "schemalagd-utlysning.md").write_text(CALL, encoding="utf-8")
    (repo_copy / "content" / "sidor" / "juloppettider.md").write_text(PAGE, encoding="utf-8")
    return repo_copy


def every_text_output(site):
    """{relative path: text} of the files a reader, feed reader, crawler or calendar sees."""
    wanted = [p for p in site.rglob("*") if p.suffix in (".html", ".xml", ".json", ".ics", ".txt")]
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in wanted}


def mentions(site, needle):
    return sorted(path for path, text in every_text_output(site).items() if needle in text)


def test_future_content_is_absent_from_a_publish_build_until_its_moment(scheduled_repo, tmp_path):
    env = {"SIM_SITEURL": "https://sim.example.se", "FORMSVC_URL": "https://forms.example.se"}
    before = build_site(tmp_path / "before", "--publish", "--no-handbook",
                        env={**env, "SIM_BUILD_NOW": BEFORE}, repo_dir=scheduled_repo)
    for needle in ("Öppet hus i verkstaden", "oppet-hus-i-verkstaden", "Schemalagd utlysning",
                   "schemalagd-utlysning", "Julöppettider", "juloppettider"):
        assert mentions(before, needle) == [], needle
    assert not (before / "utkast").exists()
    assert "schemalagd-utlysning" not in json.loads((before / "calls.json").read_text())["calls"].__repr__()

    after = build_site(tmp_path / "after", "--publish", "--no-handbook",
                       env={**env, "SIM_BUILD_NOW": AFTER}, repo_dir=scheduled_repo)
    found = mentions(after, "oppet-hus-i-verkstaden")
    for expected in ("nyheter/oppet-hus-i-verkstaden/index.html", "index.html", "nyheter/index.html",
                     "feeds/nyheter.atom.xml", "sitemap.xml"):
        assert expected in found
    slugs = [call["slug"] for call in json.loads((after / "calls.json").read_text())["calls"]]
    assert "schemalagd-utlysning" in slugs
    assert "schemalagd-utlysning" in (after / "calls.ics").read_text()
    assert (after / "juloppettider" / "index.html").exists()
    assert "juloppettider" in (after / "sitemap.xml").read_text()
    page = parse_html(after / "nyheter" / "oppet-hus-i-verkstaden" / "index.html")
    assert page.select("[data-pagefind-body]") and not page.select(".notice--scheduled")


def test_local_build_previews_scheduled_content_marked_and_unsearchable(scheduled_repo, tmp_path):
    site = build_site(tmp_path / "local", "--no-handbook", env={"SIM_BUILD_NOW": BEFORE}, repo_dir=scheduled_repo)
    preview = site / "utkast" / "oppet-hus-i-verkstaden" / "index.html"
    page = parse_html(preview)
    assert "Schemalagd" in page.select_one(".notice--scheduled").get_text()
    assert not page.select("[data-pagefind-body]")  # pagefind indexes only marked pages
    assert mentions(site, "oppet-hus-i-verkstaden") == ["utkast/oppet-hus-i-verkstaden/index.html"]
    fragments = [gzip.decompress(p.read_bytes()) for p in (site / "pagefind").rglob("*.pf_fragment")]
    assert fragments and any(b"nyheter/" in f for f in fragments)  # the index is readable here
    assert not any(b"oppet-hus" in f for f in fragments)
