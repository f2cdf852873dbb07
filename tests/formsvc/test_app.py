import hashlib
import os

import pytest
from bs4 import BeautifulSoup

from formsvc.site_manifest import ManifestUnavailable
from tests.formsvc.formsvc_helpers import deliver_all, query, submit, write_site_manifest


def test_stylesheet_link_uses_the_site_builds_fingerprint(repo, client):
    css = repo / "theme/static/css/site.css"
    digest = hashlib.sha256(css.read_bytes()).hexdigest()[:10]
    page = BeautifulSoup(client.get("/anmalan/").get_data(as_text=True), "html5lib")
    assert page.find("link", rel="stylesheet")["href"] == f"/theme/css/site.{digest}.css"


def test_pages_link_the_assets_the_manifest_names_not_the_local_theme(make_app, data_dir):
    # The deployed site may be older or newer than this checkout's theme/:
    # the form must link what that site serves.
    app = make_app()
    write_site_manifest(data_dir / "site.json", assets={"css/site.css": "css/site.0123abcdef.css"},
                        site_url="https://sim.example/")
    os.utime(data_dir / "site.json", ns=(1, 1))  # a new file, even within one clock tick
    page = BeautifulSoup(app.test_client().get("/anmalan/").get_data(as_text=True), "html5lib")
    assert page.find("link", rel="stylesheet")["href"] == "https://sim.example/theme/css/site.0123abcdef.css"
    assert page.find("a", href="https://sim.example/personuppgifter/")
    assert page.find("a", href="https://sim.example/anmalan/")


def test_site_name_and_areas_come_from_the_manifest(make_app, data_dir):
    write_site_manifest(data_dir / "site.json", site_name="Provsajten", areas=["Omrade A", "Omrade B"])
    page = BeautifulSoup(make_app().test_client().get("/anmalan/").get_data(as_text=True), "html5lib")
    assert page.title.text.endswith("– Provsajten")
    assert [box["value"] for box in page.find_all("input", attrs={"name": "areas"})] == ["Omrade A", "Omrade B"]


def test_signup_path_from_the_manifest_mounts_pages_and_scopes_the_cookie(make_app, data_dir):
    write_site_manifest(data_dir / "site.json", signup_path="/intresse/")
    client = make_app().test_client()
    assert client.get("/anmalan/").status_code == 404
    response = client.get("/intresse/")
    assert response.status_code == 200
    assert "Path=/intresse/" in response.headers["Set-Cookie"]
    assert submit(client, "/intresse/").headers["Location"].startswith("/intresse/tack/")


def test_missing_manifest_stops_the_app_naming_the_variable_and_the_command(make_app, data_dir):
    (data_dir / "site.json").unlink()
    with pytest.raises(ManifestUnavailable, match=r"site\.json.*python build\.py.*FORMSVC_SITE_MANIFEST"):
        make_app()


@pytest.mark.parametrize("broken", ["{", '{"format": 99}', '{"format": 1}', "[]", '"text"'])
def test_unusable_manifest_stops_the_app(make_app, data_dir, broken):
    (data_dir / "site.json").write_text(broken, encoding="utf-8")
    with pytest.raises(ManifestUnavailable):
        make_app()


def test_broken_or_vanished_manifest_keeps_the_last_good_one(make_app, data_dir, caplog):
    client = make_app().test_client()
    before = client.get("/anmalan/").get_data(as_text=True)
    (data_dir / "site.json").write_text('{"format": 1, "half": ', encoding="utf-8")
    assert client.get("/anmalan/").get_data(as_text=True).count("site.") == before.count("site.")
    assert "site manifest" in caplog.text and "invalid" in caplog.text
    (data_dir / "site.json").unlink()
    page = BeautifulSoup(client.get("/anmalan/").get_data(as_text=True), "html5lib")
    assert page.find("link", rel="stylesheet")["href"].startswith("/theme/css/site.")


def test_manifest_path_can_be_set(make_app, tmp_path):
    elsewhere = write_site_manifest(tmp_path / "elsewhere.json", site_name="Annan plats")
    page = make_app(FORMSVC_SITE_MANIFEST=elsewhere).test_client().get("/anmalan/").get_data(as_text=True)
    assert "Annan plats" in page


def test_sheet_backend_none_keeps_signups_in_the_database_only(make_app):
    app = make_app(SHEET_BACKEND="none")
    submit(app.test_client())
    assert deliver_all(app) == {"done": 1}
    assert query(app, "SELECT state FROM outbox") == [("done",)]
    assert not app.config["SHEET_PATH"].exists()


def test_unknown_sheet_backend_fails_at_start(make_app):
    with pytest.raises(ValueError, match="unknown SHEET_BACKEND"):
        make_app(SHEET_BACKEND="gsheets-typo")


def test_a_moved_signup_path_is_logged_once_and_needs_a_restart(make_app, data_dir, caplog):
    client = make_app().test_client()
    write_site_manifest(data_dir / "site.json", signup_path="/intresse/")
    os.utime(data_dir / "site.json", ns=(2, 2))
    for _ in range(3):
        page = client.get("/anmalan/")  # routes are fixed when the app is made
        assert page.status_code == 200 and 'href="/anmalan/"' in page.get_data(as_text=True)
    assert client.get("/intresse/").status_code == 404
    assert caplog.text.count("restart formsvc") == 1
