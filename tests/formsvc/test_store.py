import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from formsvc import db, store
from tests.formsvc.formsvc_helpers import valid_answers


@pytest.fixture
def connection(tmp_path):
    connection = db.connect(tmp_path / "test.sqlite3")
    db.migrate(connection)
    yield connection
    connection.close()


def answers():
    data = valid_answers()
    return {name: data[name] for name in store.COLUMNS}


def test_save_writes_signup_and_outbox_entry_together(connection):
    reference = store.save_signup(connection, answers())
    assert re.fullmatch(store.REFERENCE_PATTERN, reference)
    assert store.find(connection, reference)["company"] == "Verkstad i Krokom AB"
    assert [tuple(row) for row in connection.execute("SELECT reference, state FROM outbox")] == [(reference, "pending")]
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_references_avoid_ambiguous_characters():
    for _ in range(200):
        assert not set(store.new_reference()[4:]) & set("01ILOU")


def test_reference_collision_draws_a_new_one(connection, monkeypatch):
    first = store.save_signup(connection, answers())
    drawn = iter([first, first, "SIM-2345-6789"])
    monkeypatch.setattr(store, "new_reference", lambda: next(drawn))
    assert store.save_signup(connection, answers()) == "SIM-2345-6789"
    assert connection.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2


def test_failed_outbox_insert_rolls_the_signup_back(connection):
    # A real failure half-way through the transaction: the outbox table is gone.
    connection.execute("ALTER TABLE outbox RENAME TO outbox_moved")
    with pytest.raises(sqlite3.OperationalError):
        store.save_signup(connection, answers())
    assert connection.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0


def test_erase_removes_signup_and_outbox_and_reports_only_what_existed(connection):
    kept = store.save_signup(connection, answers())
    gone = store.save_signup(connection, answers())
    assert store.erase(connection, [gone, "SIM-2222-2222"]) == [gone]
    assert [row[0] for row in connection.execute("SELECT reference FROM outbox")] == [kept]


def test_email_lookup_ignores_case(connection):
    reference = store.save_signup(connection, answers())
    assert store.references_for_email(connection, " ANNA@example.se") == [reference]


def test_purge_older_than(connection):
    now = datetime.now(timezone.utc)
    old = store.save_signup(connection, answers(), now=now - timedelta(days=400))
    new = store.save_signup(connection, answers(), now=now - timedelta(days=10))
    assert store.purge_older_than(connection, 365) == [old]
    assert [row["reference"] for row in store.all_signups(connection)] == [new]


def test_migrate_is_idempotent(connection):
    db.migrate(connection)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
