import hashlib

import pytest
from bs4 import BeautifulSoup

from formsvc import fingerprint_assets
from tests.formsvc.formsvc_helpers import deliver_all, query, submit


def test_stylesheet_link_uses_the_site_builds_fingerprint(repo, client):
    css = repo / "theme/static/css/site.css"
    digest = hashlib.sha256(css.read_bytes()).hexdigest()[:10]
    page = BeautifulSoup(client.get("/anmalan/").get_data(as_text=True), "html5lib")
    assert page.find("link", rel="stylesheet")["href"] == f"/theme/css/site.{digest}.css"


def test_siteurl_prefixes_assets_and_links(make_app):
    client = make_app(SIM_SITEURL="https://sim.example/").test_client()
    page = BeautifulSoup(client.get("/anmalan/").get_data(as_text=True), "html5lib")
    assert page.find("link", rel="stylesheet")["href"].startswith("https://sim.example/theme/css/site.")
    assert page.find("a", href="https://sim.example/personuppgifter/")


def test_fingerprints_follow_the_name_rule(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.svg").write_bytes(b"<svg/>")
    (tmp_path / "LICENSE").write_bytes(b"x")
    digest = hashlib.sha256(b"<svg/>").hexdigest()[:10]
    names = fingerprint_assets(tmp_path)
    assert names["img/logo.svg"] == f"img/logo.{digest}.svg"
    assert names["LICENSE"].startswith("LICENSE.")


def test_sheet_backend_none_keeps_signups_in_the_database_only(make_app):
    app = make_app(SHEET_BACKEND="none")
    submit(app.test_client())
    assert deliver_all(app) == {"done": 1}
    assert query(app, "SELECT state FROM outbox") == [("done",)]
    assert not app.config["SHEET_PATH"].exists()


def test_unknown_sheet_backend_fails_at_start(make_app):
    with pytest.raises(ValueError, match="unknown SHEET_BACKEND"):
        make_app(SHEET_BACKEND="gsheets-typo")
