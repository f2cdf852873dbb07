import time
import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from itsdangerous import URLSafeSerializer

from formsvc import security
from formsvc.site_headers import shared_site_headers
from tests.formsvc.formsvc_helpers import CLOSED_CALL, form_tokens, query, stored_references, submit, valid_answers


REPO = Path(__file__).resolve().parents[2]


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def test_missing_or_foreign_csrf_token_is_refused_and_the_form_comes_back(app, client):
    tokens = form_tokens(client)
    without = dict(tokens, **valid_answers())
    del without["csrf_token"]
    response = client.post("/anmalan/", data=without)
    assert response.status_code == 400
    page = soup(response)
    assert page.title.get_text().startswith("Fel: ")
    assert "öppen för länge" in page.find(class_="error-summary").get_text()
    assert page.find(id="company")["value"] == "Verkstad i Krokom AB"

    other_session = app.test_client()
    foreign = dict(tokens, **valid_answers(), csrf_token=form_tokens(other_session)["csrf_token"])
    assert client.post("/anmalan/", data=foreign).status_code == 400
    assert stored_references(app) == []


def test_filled_honeypot_is_refused_and_kept_only_as_suspected_spam(app, client):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 400
    assert "Vi kunde inte ta emot formuläret" in soup(response).h1.get_text()
    assert query(app, "SELECT suspected_spam FROM submissions") == [("honeypot",)]
    assert query(app, "SELECT COUNT(*) FROM outbox") == [(0,)]


def test_honeypot_is_hidden_from_people_and_assistive_technology(client):
    trap = soup(client.get("/anmalan/")).find("input", attrs={"name": "website"})
    wrapper = trap.find_parent("div")
    assert "honeypot" in wrapper["class"] and wrapper["aria-hidden"] == "true"
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"


def test_too_fast_or_forged_start_token_asks_to_resend_and_stores_nothing(make_app):
    app = make_app(FORMSVC_MIN_FILL_SECONDS=3)
    client = app.test_client()
    response = submit(client)
    assert response.status_code == 400
    assert "ovanligt snabbt" in soup(response).find(class_="error-summary").get_text()
    assert submit(client, started="forged").status_code == 400
    assert query(app, "SELECT suspected_spam FROM submissions") == [("fill time",)] * 2
    assert query(app, "SELECT COUNT(*) FROM outbox") == [(0,)]

    # Someone who took ten seconds is let through.
    assert submit(client, started=started_token(app, client, time.time() - 10)).status_code == 303


def started_token(app, client, shown_at):
    """A fill-time token as the form would have issued it to `client` at `shown_at`."""
    form_tokens(client)
    with client.session_transaction("/anmalan/") as session:
        nonce = session[security.FILL_NONCE_KEY]
    return URLSafeSerializer(app.secret_key, salt=security.STARTED_SALT).dumps([shown_at, nonce])


def test_a_fill_time_token_is_worth_nothing_in_another_session(make_app):
    app = make_app(FORMSVC_MIN_FILL_SECONDS=3)
    owner = app.test_client()
    old_enough = started_token(app, owner, time.time() - 60)
    # A bot that saved one token and replays it from fresh sessions is asked to resend each time.
    for _ in range(5):
        assert submit(app.test_client(), started=old_enough).status_code == 400
    assert query(app, "SELECT COUNT(*) FROM submissions WHERE suspected_spam IS NULL") == [(0,)]
    assert submit(owner, started=old_enough).status_code == 303


def test_body_over_64_kb_gets_a_swedish_413_and_nothing_is_stored(app, client):
    response = submit(client, message="x" * (65 * 1024))
    assert response.status_code == 413
    assert "för stort" in soup(response).h1.get_text()
    assert stored_references(app) == []


def test_posts_are_rate_limited_per_client_address_behind_one_proxy(make_app):
    app = make_app(FORMSVC_RATE_LIMIT="2 per minute", FORMSVC_PROXY_ADDRESSES="127.0.0.1")
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    tokens = form_tokens(client)
    data = dict(tokens, **valid_answers())
    assert client.post("/anmalan/", data=data, headers=forwarded).status_code == 303
    assert client.post("/anmalan/", data=data, headers=forwarded).status_code == 303
    limited = client.post("/anmalan/", data=data, headers=forwarded)
    assert limited.status_code == 429
    assert "För många försök" in soup(limited).h1.get_text()
    # Reading pages is not limited, and another address has its own budget.
    assert client.get("/anmalan/", headers=forwarded).status_code == 200
    assert client.post("/anmalan/", data=data, headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 303
    assert len(stored_references(app)) == 3


def test_security_headers_on_every_kind_of_response(app, client):
    submit(client)
    responses = [
        client.get("/anmalan/"), client.get("/anmalan/health"), client.get("/anmalan/finns-inte/"),
        client.get("/ingenting-har"), submit(client, message="x" * 70_000),
    ]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "form-action 'self'" in csp and "base-uri 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        # The static site's rule for every path (netlify.toml) applies to the proxied form too.
        for name, value in site_wide_headers().items():
            if name not in ("Content-Security-Policy", "Cache-Control"):
                assert response.headers[name] == value, name


def site_wide_headers():
    rules = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))["headers"]
    (site_wide,) = [rule["values"] for rule in rules if rule["for"] == "/*"]
    return {name: " ".join(value.split()) for name, value in site_wide.items()}


def test_hsts_frame_and_opener_headers_are_the_static_sites(client):
    response = client.get("/anmalan/")
    site = site_wide_headers()
    for name in ("Strict-Transport-Security", "X-Frame-Options", "Cross-Origin-Opener-Policy",
                 "Referrer-Policy", "Permissions-Policy", "X-Content-Type-Options"):
        assert response.headers[name] == site[name], name


def test_a_missing_netlify_toml_stops_the_app_with_the_file_named(tmp_path):
    with pytest.raises(RuntimeError, match="netlify.toml"):
        shared_site_headers(tmp_path / "netlify.toml")
    (tmp_path / "netlify.toml").write_text('[[headers]]\n  for = "/theme/*"\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match='no \\[\\[headers\\]\\] rule for "/\\*"'):
        shared_site_headers(tmp_path / "netlify.toml")


def test_form_pages_have_no_inline_scripts_or_styles(client):
    page = soup(client.get("/anmalan/"))
    assert all(script.get("src") for script in page.find_all("script"))
    assert page.find("style") is None and page.find(attrs={"style": True}) is None


def test_session_cookie_only_on_form_pages_and_locked_down(app, client):
    form = client.get("/anmalan/")
    cookie = form.headers["Set-Cookie"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/anmalan/"):
        assert flag in cookie
    thanks = client.get(submit(client).headers["Location"])
    fresh = app.test_client()
    for response in (thanks, fresh.get("/anmalan/health"), fresh.get(f"/anmalan/{CLOSED_CALL}/"),
                     fresh.get("/anmalan/finns-inte/")):
        assert "Set-Cookie" not in response.headers


def test_secure_flag_can_be_switched_off_for_plain_http_previews(make_app):
    cookie = make_app(FORMSVC_SECURE_COOKIES=0).test_client().get("/anmalan/").headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_an_expired_fill_time_token_asks_to_resend_keeps_input_and_is_not_spam(make_app):
    app = make_app(FORMSVC_MIN_FILL_SECONDS=3, FORMSVC_FORM_MAX_AGE=3600)
    client = app.test_client()
    old = submit(client, company="Gammal Flik AB", started=started_token(app, client, time.time() - 3601))
    assert old.status_code == 400
    page = soup(old)
    assert "öppen för länge" in page.find(class_="error-summary").get_text()
    assert page.find(id="company")["value"] == "Gammal Flik AB"
    assert query(app, "SELECT COUNT(*) FROM submissions") == [(0,)]  # not kept as suspected spam either
    # The re-rendered page carries a fresh token, and a page open for most of the hour still counts.
    assert submit(client, started=started_token(app, client, time.time() - 3500)).status_code == 303


def test_the_form_max_age_is_also_the_csrf_token_lifetime(make_app):
    assert make_app().config["FORM_MAX_AGE"] == 4 * 3600
    assert make_app(FORMSVC_FORM_MAX_AGE=900).config["WTF_CSRF_TIME_LIMIT"] == 900
