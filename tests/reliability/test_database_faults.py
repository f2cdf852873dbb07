"""Guarantee: when SQLite cannot store a sign-up (disk full, database locked)
the person gets a Swedish "try again" page with status 503, no thank-you
redirect, and nothing half-written.

These run formsvc in-process (real SQLite, Flask's test client) because the
faults are made on the database connection itself: SQLite's own page limit
(PRAGMA max_page_count) gives a genuine SQLITE_FULL without a tiny file
system, and a second connection holding an EXCLUSIVE transaction gives a
genuine SQLITE_BUSY."""

import sqlite3

import pytest

from tests.reliability.reliability_harness import default_answers, service_environment

LONG_MESSAGE = "Vi tillverkar reservdelar och vill växa. " * 45  # about 1.9 KB: one row nearly fills a page


@pytest.fixture
def app(tmp_path, monkeypatch):
    for name, value in service_environment(tmp_path / "data").items():
        if name.startswith(("FORMSVC_", "SHEET_", "SECRET_KEY", "CALLS_FILE")):
            monkeypatch.setenv(name, value)
    from formsvc import create_app

    return create_app({"TESTING": True})


@pytest.fixture
def database(app):
    return app.config["DATABASE"]


def _post_signup(app, **overrides):
    client = app.test_client()
    form = client.get("/anmalan/")
    assert form.status_code == 200
    answers = dict(default_answers(form.get_data(as_text=True)), **overrides)
    return client.post("/anmalan/", data=answers)


def _request_connection(app):
    """The connection formsvc's requests use in this thread (the test client
    runs requests in the test's own thread), so a PRAGMA on it applies to the
    next POST."""
    from formsvc import db

    with app.app_context():
        return db.get_db()


def _counts(database):
    connection = sqlite3.connect(database)
    try:
        return tuple(
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("submissions", "outbox")
        )
    finally:
        connection.close()


def _assert_try_again_page(response):
    assert response.status_code == 503
    assert "Location" not in response.headers
    assert "försök igen" in response.get_data(as_text=True).lower()


def test_disk_full_gives_503_and_stores_nothing(app, database, caplog):
    assert _post_signup(app, message=LONG_MESSAGE).status_code == 303
    before = _counts(database)
    connection = _request_connection(app)
    # Migrations that rebuild a table leave free pages a sign-up would fit in: compact first.
    connection.execute("VACUUM")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")

    _assert_try_again_page(_post_signup(app, message=LONG_MESSAGE))
    assert "database or disk is full" in caplog.text, "the 503 came from something else"
    assert _counts(database) == before

    connection.execute("PRAGMA max_page_count = 1073741823")
    assert _post_signup(app, message=LONG_MESSAGE).status_code == 303, "no recovery once space is back"
    assert _counts(database) == (before[0] + 1, before[1] + 1)


def test_database_locked_gives_503_and_stores_nothing(app, database, caplog):
    assert _post_signup(app).status_code == 303
    # Wait only a moment for the lock instead of the production five seconds.
    _request_connection(app).execute("PRAGMA busy_timeout = 200")
    before = _counts(database)
    blocker = sqlite3.connect(database, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        _assert_try_again_page(_post_signup(app))
        assert "database is locked" in caplog.text, "the 503 came from something else"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert _counts(database) == before
    assert _post_signup(app).status_code == 303, "no recovery once the lock is gone"
    assert _counts(database) == (before[0] + 1, before[1] + 1)
