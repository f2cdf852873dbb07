"""robots.txt, Netlify _redirects, fingerprinted assets and a reproducible sitemap."""

import hashlib
import re
import time

import pytest
from sim_content.assets import AssetFingerprinter, fingerprinted_name
from sim_content.settings_env import SettingsError, eu_funding_period, formsvc_url
from sim_content.site_outputs import redirects_text, robots_text
from site_helpers import render_with_pelican


def test_redirects_rule_is_a_200_rewrite_to_the_form_service():
    assert redirects_text("https://formular.test") == "/anmalan/*  https://formular.test/anmalan/:splat  200\n"


@pytest.mark.parametrize(("raw", "clean"), [
    ("https://formular.test/", "https://formular.test"),
    ("  http://127.0.0.1:5000  ", "http://127.0.0.1:5000"),
    ("", ""),
])
def test_formsvc_url_is_normalised(raw, clean):
    assert formsvc_url(raw) == clean


@pytest.mark.parametrize("hostile", ["ftp://x.test", "x.test", "https://x.test/ 200\n/* evil 200", "https://a b"])
def test_formsvc_url_rejects_values_that_could_break_the_rules_file(hostile):
    with pytest.raises(SettingsError):
        formsvc_url(hostile)


def test_eu_funding_period_accepts_only_known_periods():
    assert [eu_funding_period(v) for v in ("", " 2014-2020 ", "2021-2027")] == ["", "2014-2020", "2021-2027"]
    with pytest.raises(SettingsError, match="2021-2027"):
        eu_funding_period("2028-2034")


def test_robots_names_the_sitemap():
    assert robots_text("https://sim.test").splitlines()[-1] == "Sitemap: https://sim.test/sitemap.xml"


def test_fingerprint_is_first_ten_hex_of_sha256(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_bytes(b"body{color:#000}")
    digest = hashlib.sha256(b"body{color:#000}").hexdigest()[:10]
    assert fingerprinted_name("css/site.css", tmp_path) == f"css/site.{digest}.css"
    asset = AssetFingerprinter(tmp_path, "https://sim.test")
    assert asset("css/site.css") == f"https://sim.test/theme/css/site.{digest}.css"
    asset.write_copies(tmp_path / "out")
    assert (tmp_path / "out" / "theme" / "css" / f"site.{digest}.css").read_bytes() == b"body{color:#000}"


def test_built_site_links_the_fingerprinted_css_that_exists(built_site, repo):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    href = re.search(r'href="(/theme/css/site\.[0-9a-f]{10}\.css)"', html).group(1)
    assert (built_site / href.lstrip("/")).read_bytes() == (repo / "theme" / "static" / "css" / "site.css").read_bytes()
    # Only the fingerprinted name is published, because /theme/css/* is cached as immutable.
    assert not (built_site / "theme" / "css" / "site.css").exists()


def test_built_site_has_robots_sitemap_and_no_local_redirects(built_site):
    # Local builds name the local address: the standards want absolute URLs here.
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (built_site / "robots.txt").read_text()
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>http://127.0.0.1:8000/utlysningar/" in sitemap and "404.html" not in sitemap


def test_favicon_is_served_from_the_site_root(built_site, repo):
    # Browsers request /favicon.ico without being told; a 404 there is noise in every log.
    assert (built_site / "favicon.ico").read_bytes() == (repo / "theme" / "static" / "img" / "favicon.ico").read_bytes()


def test_two_builds_of_the_same_content_give_the_same_sitemap(tmp_path):
    # pelican-sitemap would stamp undated pages (home, lists) with the clock;
    # the plugin dates them with the newest content date instead.
    first = render_with_pelican(tmp_path / "first")
    time.sleep(1.1)
    second = render_with_pelican(tmp_path / "second")
    assert (first / "sitemap.xml").read_bytes() == (second / "sitemap.xml").read_bytes()
