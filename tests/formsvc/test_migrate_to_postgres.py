"""`flask --app formsvc migrate-to-postgres`: the SQLite database copied into
PostgreSQL with outbox states intact, and a second run changing nothing."""

import pytest

from formsvc import relay
from tests.formsvc.formsvc_helpers import deliver_all, query, submit

pytestmark = pytest.mark.parametrize("database", ["postgres"], indirect=True)

SIGNUPS = "SELECT * FROM submissions ORDER BY reference"
OUTBOX = ("SELECT reference, state, attempts, next_attempt_at, last_error, delivered_at "
          "FROM outbox ORDER BY reference")


def run(app, *args):
    return app.test_cli_runner().invoke(args=["migrate-to-postgres", *args])


def test_copies_signups_and_outbox_states_and_is_idempotent(make_app, database):
    old = make_app(FORMSVC_DATABASE_URL="")
    client = old.test_client()
    for company in ("Första AB", "Andra AB", "Tredje AB"):
        assert submit(client, company=company, email="Anna@Example.se").status_code == 303
    deliver_all(old)
    assert submit(client, company="Väntar AB").status_code == 303
    with relay.db.connection(old.config) as connection:
        connection.execute("UPDATE outbox SET state = 'dead', attempts = 8, last_error = 'SheetError: x' "
                           "WHERE reference IN (SELECT reference FROM submissions WHERE company = 'Andra AB')")

    new = make_app(FORMSVC_DATABASE_URL=database)
    first = run(new)
    assert first.exit_code == 0, first.output
    assert "submissions: copied 4, already there 0" in first.output
    assert "outbox: copied 4, already there 0" in first.output
    assert query(new, SIGNUPS) == query(old, SIGNUPS)
    assert query(new, OUTBOX) == query(old, OUTBOX)

    # The new database moves on; a second run must not undo that.
    assert deliver_all(new) == {"done": 1}
    second = run(new)
    assert "submissions: copied 0, already there 4" in second.output
    assert [row[0] for row in query(new, "SELECT state FROM outbox ORDER BY state")] == ["dead", "done", "done", "done"]
    # The copy keeps e-mail lookups case-insensitive, as staff's erase --email needs.
    assert len(query(new, "SELECT reference FROM submissions WHERE email = ?", ("ANNA@example.se",))) == 4


def test_needs_a_postgres_url_and_a_source(make_app, data_dir):
    sqlite_only = make_app(FORMSVC_DATABASE_URL="")
    result = run(sqlite_only)
    assert result.exit_code != 0 and "FORMSVC_DATABASE_URL" in result.output


def test_a_missing_source_file_says_what_to_do(make_app, database, tmp_path):
    app = make_app(FORMSVC_DATABASE_URL=database)
    result = run(app, "--from", str(tmp_path / "nowhere.sqlite3"))
    assert result.exit_code != 0 and "does not exist" in result.output
