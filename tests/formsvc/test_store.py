import re
from datetime import datetime, timedelta, timezone

import pytest

from formsvc import db, db_sqlite, store
from tests.formsvc.formsvc_helpers import valid_answers

pytestmark = pytest.mark.both_databases


@pytest.fixture
def connection(make_app):
    app = make_app()  # migrates the database it is given
    connection = db.connect(app.config)
    yield connection
    connection.release()


def answers():
    data = valid_answers()
    return {name: data[name] for name in store.COLUMNS}


def test_save_writes_signup_and_outbox_entry_together(connection):
    reference = store.save_signup(connection, answers())
    assert re.fullmatch(store.REFERENCE_PATTERN, reference)
    assert store.find(connection, reference)["company"] == "Verkstad i Krokom AB"
    assert [tuple(row) for row in connection.execute("SELECT reference, state FROM outbox")] == [(reference, "pending")]


def test_sqlite_runs_in_wal_mode(tmp_path):
    connection = db_sqlite.connect(tmp_path / "wal.sqlite3")
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_references_avoid_ambiguous_characters():
    for _ in range(200):
        assert not set(store.new_reference()[4:]) & set("01ILOU")


def test_reference_collision_draws_a_new_one(connection, monkeypatch):
    first = store.save_signup(connection, answers())
    drawn = iter([first, first, "SIM-2345-6789"])
    monkeypatch.setattr(store, "new_reference", lambda prefix: next(drawn))
    assert store.save_signup(connection, answers()) == "SIM-2345-6789"
    assert connection.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2


def test_failed_outbox_insert_rolls_the_signup_back(connection):
    # A real failure half-way through the transaction: the outbox table is gone.
    connection.execute("ALTER TABLE outbox RENAME TO outbox_moved")
    with pytest.raises(db.DATABASE_ERRORS):
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


def test_save_adds_one_outbox_entry_per_kind(connection):
    reference = store.save_signup(connection, answers(), kinds=store.SIGNUP_KINDS)
    rows = connection.execute("SELECT kind, state FROM outbox WHERE reference = ? ORDER BY kind", (reference,))
    assert [tuple(row) for row in rows] == [("confirmation", "pending"), ("sheet", "pending"),
                                            ("staff_mail", "pending")]
    assert store.erase(connection, [reference]) == [reference]
    assert connection.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def test_migration_makes_existing_outbox_entries_sheet_entries(tmp_path):
    """A database of schema 1 (one outbox row per sign-up) keeps its states as 'sheet' entries."""
    connection = db_sqlite.connect(tmp_path / "old.sqlite3")
    try:
        connection.executescript(db_sqlite.MIGRATIONS[0] + "; PRAGMA user_version = 1;")
        values = answers()
        for reference, state in (("SIM-2222-2222", "done"), ("SIM-3333-3333", "dead")):
            connection.execute(
                f"INSERT INTO submissions (reference, received_at, {', '.join(store.COLUMNS)}) "
                f"VALUES (?, '2026-01-01T00:00:00+00:00', {', '.join('?' * len(store.COLUMNS))})",
                (reference, *[values[name] if isinstance(values[name], str) else '["x"]' for name in store.COLUMNS]))
            connection.execute("INSERT INTO outbox (reference, state, attempts, next_attempt_at, last_error) "
                               "VALUES (?, ?, 8, 0, 'SheetError: x')", (reference, state))
        db_sqlite.migrate(connection)
        rows = connection.execute("SELECT reference, kind, state, attempts, last_error FROM outbox ORDER BY reference")
        assert [tuple(row) for row in rows] == [("SIM-2222-2222", "sheet", "done", 8, "SheetError: x"),
                                                ("SIM-3333-3333", "sheet", "dead", 8, "SheetError: x")]
        with pytest.raises(Exception, match="CHECK|constraint"):
            connection.execute("INSERT INTO outbox (reference, kind, next_attempt_at) VALUES ('SIM-2222-2222', 'fax', 0)")
    finally:
        connection.close()


def test_migrate_is_idempotent(connection, app):
    reference = store.save_signup(connection, answers())
    db.backend(app.config).prepare()
    assert connection.schema_version() == len(db_sqlite.MIGRATIONS)
    assert store.find(connection, reference)["company"] == "Verkstad i Krokom AB"


def test_hosts_starting_together_migrate_once(database, data_dir):
    """Several processes preparing one empty database at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    from formsvc.db_postgres import PostgresDatabase
    from formsvc.db_sqlite import SqliteDatabase

    def prepare(_):
        fresh = PostgresDatabase(database) if database else SqliteDatabase(data_dir / "racing.sqlite3")
        fresh.prepare()
        connection = fresh.connect()
        try:
            return connection.schema_version()
        finally:
            connection.release()
            if database:
                fresh.close()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(prepare, range(4))) == [len(db_sqlite.MIGRATIONS)] * 4


def test_an_outbox_entry_belongs_to_exactly_one_signup_or_feedback_and_goes_with_it(connection):
    signup = store.save_signup(connection, answers())
    feedback = store.save_feedback(connection, {"name": "", "email": "", "message": "Hej"})
    assert store.find_for_delivery(connection, feedback, store.FEEDBACK_MAIL)["message"] == "Hej"
    owned_by_none = "INSERT INTO outbox (reference, kind, next_attempt_at) VALUES (?, 'confirmation', 0)"
    owned_by_both = ("INSERT INTO outbox (reference, kind, next_attempt_at, submission, feedback) "
                     "VALUES (?, 'confirmation', 0, ?, ?)")
    for statement, parameters in ((owned_by_none, (signup,)), (owned_by_both, (signup, signup, feedback))):
        with pytest.raises(Exception, match="CHECK|constraint"):
            connection.execute(statement, parameters)
    with pytest.raises(Exception, match="FOREIGN KEY|foreign key"):
        connection.execute("INSERT INTO outbox (reference, kind, next_attempt_at, feedback) "
                           "VALUES ('SYN-2222-2222', 'feedback_mail', 0, 'SYN-2222-2222')")
    connection.execute("DELETE FROM feedback WHERE reference = ?", (feedback,))
    assert [tuple(row) for row in connection.execute("SELECT reference, kind FROM outbox")] == [(signup, "sheet")]
