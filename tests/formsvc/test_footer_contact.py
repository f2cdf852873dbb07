"""Every form-service page carries the site's contact footer, with the values
of the site manifest it was given (never a copy kept in formsvc)."""

import json

import pytest
from bs4 import BeautifulSoup

from formsvc.site_manifest import ManifestUnavailable
from tests.formsvc.formsvc_helpers import CLOSED_CALL, OPEN_CALL, _built_manifest, submit, write_site_manifest


def footer_of(response):
    soup = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    footers = soup.find_all("footer", class_="site-footer")
    assert len(footers) == 1, "exactly one site footer"
    return footers[0]


def form_pages(client):
    """(name, response) for each kind of page formsvc serves."""
    thanks = submit(client)
    assert thanks.status_code == 303
    return [
        ("general form", client.get("/anmalan/")),
        ("call form", client.get(f"/anmalan/{OPEN_CALL}/")),
        ("form with errors", client.post("/anmalan/", data={})),
        ("closed call", client.get(f"/anmalan/{CLOSED_CALL}/")),
        ("thank-you page", client.get(thanks.headers["Location"])),
        ("not found", client.get("/anmalan/finns-inte/")),
    ]


def test_every_form_page_shows_owner_partner_and_how_to_write(client):
    for name, response in form_pages(client):
        footer = footer_of(response)
        text = footer.get_text(" ", strip=True)
        assert "Region Jämtland Härjedalen" in text, name
        assert "IUC Z-GROUP" in text, name
        mail_links = [a["href"] for a in footer.find_all("a", href=True) if a["href"].startswith("mailto:")]
        assert "mailto:region@regionjh.se" in mail_links, name
        assert not [a for a in footer.find_all("a") if not a.get("href")], f"{name}: an empty link"


def test_the_footer_follows_the_manifest_and_escapes_it(make_app, data_dir):
    write_site_manifest(data_dir / "site.json", contact={
        "program": {"namn": "SIM", "epost": "sim@example.se", "telefon": "", "hanvisning": "", "personer": [],
                    "obekraftade": []},
        "agare": {"namn": "<script>alert(1)</script> Region", "postadress": "Box 1, 831 00 Östersund",
                  "epost": "region@example.se", "telefon": "", "webb": "", "obekraftade": []},
        "partner": {"namn": "Partnern AB", "postadress": "", "epost": "", "telefon": "", "webb": "",
                    "obekraftade": []},
        "reply_email": "sim@example.se",
    })
    client = make_app().test_client()
    response = client.get("/anmalan/")
    footer = footer_of(response)
    text = footer.get_text(" ", strip=True)
    assert "<script>alert(1)</script> Region" in text  # shown as text …
    assert "<script>" not in response.get_data(as_text=True).split("<footer", 1)[1]  # … never as markup
    assert "Partnern AB" in text and "IUC Z-GROUP" not in text
    assert footer.find("a", href="mailto:sim@example.se") is not None


@pytest.mark.parametrize("missing", ["agare", "partner"])
def test_a_manifest_without_a_contact_section_is_refused_not_rendered_blank(make_app, data_dir, missing):
    contact = json.loads(_built_manifest())["contact"]  # what the real build writes
    del contact[missing]
    write_site_manifest(data_dir / "site.json", contact=contact)
    with pytest.raises(ManifestUnavailable):
        make_app()
