import sqlite3
import time

import pytest
from bs4 import BeautifulSoup

from formsvc import db_sqlite
from tests.formsvc.formsvc_helpers import query, stored_references, submit


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def test_error_pages_are_swedish_and_use_the_site_layout(client):
    response = client.get("/anmalan/tack/SIM-2222-2222/")
    assert response.status_code == 404
    page = soup(response)
    assert page.html["lang"] == "sv"
    assert page.find("a", class_="skip-link") and page.find("footer")
    assert page.h1.get_text() == "Sidan finns inte"
    assert client.put("/anmalan/").status_code == 405


def test_locked_database_gives_503_keeps_what_was_typed_and_stores_nothing(app, client, monkeypatch):
    monkeypatch.setattr(db_sqlite, "BUSY_TIMEOUT_MS", 50)
    blocker = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        response = submit(client)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert "Location" not in response.headers and response.headers["Retry-After"] == "30"
    page = soup(response)
    assert page.title.get_text().startswith("Fel: ")
    assert "försök igen" in page.find(class_="error-summary").get_text()
    assert page.find(id="company")["value"] == "Verkstad i Krokom AB"
    assert stored_references(app) == []
    assert submit(client).status_code == 303  # and it works again once the lock is gone


def test_unreachable_database_shows_in_health_and_gives_a_swedish_503(app, client, data_dir):
    app.config["DATABASE"] = data_dir  # a folder: SQLite cannot open it
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer like production, not like a test
    health = client.get("/anmalan/health")
    assert health.status_code == 503 and health.get_json()["database"] == "error"
    broken = client.get("/anmalan/tack/SIM-2222-2222/")
    assert broken.status_code == 503 and broken.headers["Retry-After"] == "30"
    assert "Försök igen om en stund" in soup(broken).h1.get_text()


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_postgres_down_gives_503_then_recovers_by_itself(make_app, postgres_cluster):
    app = make_app(FORMSVC_DATABASE_WAIT=1)
    client = app.test_client()
    assert submit(client).status_code == 303
    postgres_cluster.stop()
    try:
        refused = submit(client, company="Under avbrottet AB")
        health = client.get("/anmalan/health")
    finally:
        postgres_cluster.start()
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert "Location" not in refused.headers
    assert soup(refused).find(id="company")["value"] == "Under avbrottet AB"
    assert health.status_code == 503 and health.get_json()["database"] == "error"
    # No restart of the service: the pool replaces its dead connections.
    deadline = time.monotonic() + 20
    while (status := submit(client).status_code) != 303 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 303
    companies = [row[0] for row in query(app, "SELECT company FROM submissions")]
    assert len(companies) == 2 and "Under avbrottet AB" not in companies


def test_unreachable_postgres_at_start_names_the_server_but_not_the_password(make_app):
    with pytest.raises(RuntimeError) as stop:
        make_app(FORMSVC_DATABASE_URL="postgresql://formsvc:hemligt@127.0.0.1:9/formsvc?connect_timeout=2")
    message = str(stop.value)
    assert "127.0.0.1:9/formsvc" in message and "FORMSVC_DATABASE_URL" in message
    assert "hemligt" not in message
