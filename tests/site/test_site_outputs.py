"""robots.txt, Netlify _redirects, the site manifest, fingerprinted assets and a reproducible sitemap."""

import functools
import hashlib
import http.server
import json
import re
import threading
import time

import pytest
from sim_content.assets import AssetFingerprinter, fingerprinted_name
from sim_content.manifest import MANIFEST_NAME, SIGNUP_PATH
from sim_content.previous_assets import keep_previous_assets
from sim_content.schema import AREAS, CATEGORIES
from sim_content.settings_env import SettingsError, eu_funding_period, formsvc_url
from sim_content.site_outputs import redirects_text, robots_text
from tests.site.site_helpers import build_site, render_with_pelican


def test_redirects_rule_is_a_200_rewrite_to_the_form_service():
    assert redirects_text("https://formular.test", SIGNUP_PATH) == "/anmalan/*  https://formular.test/anmalan/:splat  200\n"
    assert redirects_text("https://f.test", "/intresse/") == "/intresse/*  https://f.test/intresse/:splat  200\n"


def test_netlify_toml_agrees_with_the_one_signup_path(repo):
    # netlify.toml cannot import SIGNUP_PATH; its comments about the proxy must still name it.
    text = (repo / "netlify.toml").read_text(encoding="utf-8")
    proxied = re.findall(r"(/[\w/*-]+) proxy to the form service|\((/[\w/-]+) is proxied", text)
    assert proxied and {a or b for a, b in proxied} == {SIGNUP_PATH + "*", SIGNUP_PATH}
    # A header rule under the sign-up path would be dead: Netlify ignores headers on proxied responses.
    assert not re.search(rf'for = "{re.escape(SIGNUP_PATH)}', text)


def test_built_manifest_names_the_sites_facts_and_published_assets(built_site, repo):
    manifest = json.loads((built_site / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["format"] == 1 and manifest["signup_path"] == SIGNUP_PATH == "/anmalan/"
    assert manifest["site_name"] == "SIM – Smart Industriell Modernisering"
    assert manifest["areas"] == list(AREAS) and manifest["categories"] == list(CATEGORIES)
    assert manifest["contact"]["agare"]["namn"] == "Region Jämtland Härjedalen"
    assert manifest["assets"]["css/site.css"].startswith("css/site.")
    for published in manifest["assets"].values():
        assert (built_site / manifest["static_prefix"] / published).is_file(), published


def test_formsvc_reads_the_manifest_the_build_wrote(built_site, tmp_path, monkeypatch):
    monkeypatch.setenv("CALLS_FILE", str(built_site / "calls.json"))
    monkeypatch.setenv("FORMSVC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FORMSVC_SITE_MANIFEST", raising=False)
    from formsvc import create_app

    app = create_app({"TESTING": True})
    written = json.loads((built_site / MANIFEST_NAME).read_text(encoding="utf-8"))
    read = app.extensions["formsvc.site"].current()
    assert (read.site_name, read.signup_path, list(read.areas), read.assets, read.contact) == (
        written["site_name"], written["signup_path"], written["areas"], written["assets"], written["contact"])
    # Every asset the form page links is a file the built site publishes.
    page = app.test_client().get(SIGNUP_PATH).get_data(as_text=True)
    linked = re.findall(r'(?:href|src)="(/theme/[^"]+)"', page)
    assert any(href.startswith("/theme/css/site.") for href in linked)
    for href in linked:
        assert (built_site / href.lstrip("/")).is_file(), href


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


@pytest.fixture
def live_site(tmp_path):
    """A local HTTP server standing in for the deployed site; yields (folder, base URL)."""
    folder = tmp_path / "live"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _publish(folder, assets, files):
    (folder / "theme" / "css").mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST_NAME).write_text(json.dumps({"static_prefix": "theme", "assets": assets}))
    for name, data in files.items():
        (folder / "theme" / name).write_bytes(data)


def test_publish_build_keeps_the_live_sites_previous_stylesheet(live_site, tmp_path):
    folder, url = live_site
    _publish(folder, {"css/site.css": "css/site.0123456789.css"}, {"css/site.0123456789.css": b"old{}"})
    output = build_site(tmp_path / "out", "--publish", "--no-search", "--no-handbook",
                        env={"SIM_KEEP_ASSETS_FROM": url, "SIM_SITEURL": "https://sim.test"})
    assert (output / "theme" / "css" / "site.0123456789.css").read_bytes() == b"old{}"
    # The new manifest names only this build's stylesheet; the old one is kept for pages still linking it.
    manifest = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["assets"]["css/site.css"] != "css/site.0123456789.css"
    assert (output / "theme" / manifest["assets"]["css/site.css"]).is_file()


@pytest.mark.parametrize("hostile", [
    "../../outside.0123456789.css", "/etc/passwd.0123456789.css", "css/plain.css", "css/../../x.0123456789.css", 7,
])
def test_names_from_the_live_manifest_never_leave_the_output_folder(live_site, tmp_path, hostile):
    folder, url = live_site
    _publish(folder, {"css/site.css": hostile}, {})
    assert keep_previous_assets(tmp_path / "out", url, {}) == []
    assert not (tmp_path / "outside.0123456789.css").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.*"))


@pytest.mark.parametrize("live", ["http://127.0.0.1:9/", "ftp://x.test", "not a url"])
def test_an_unreachable_or_odd_live_site_is_a_warning_not_a_failure(tmp_path, live, caplog):
    assert keep_previous_assets(tmp_path, live, {}) == []
    assert "previous assets not kept" in caplog.text


def test_a_live_asset_this_build_has_is_not_fetched_again(live_site, tmp_path):
    folder, url = live_site
    _publish(folder, {"css/site.css": "css/site.aaaaaaaaaa.css", "js/search.js": "js/search.bbbbbbbbbb.js"},
             {"css/site.aaaaaaaaaa.css": b"live"})
    (folder / "theme" / "js").mkdir()
    (folder / "theme" / "js" / "search.bbbbbbbbbb.js").write_bytes(b"js")
    kept = keep_previous_assets(tmp_path, url, {"css/site.css": "css/site.aaaaaaaaaa.css"})
    assert kept == ["js/search.bbbbbbbbbb.js"] and not (tmp_path / "theme" / "css").exists()
