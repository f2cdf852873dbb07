"""Suspected spam is kept, not lost: held apart from the sheet and the mails,
listed, released into normal delivery, purged after 30 days."""

from datetime import datetime, timedelta, timezone

import pytest

from formsvc import db, store
from tests.formsvc.formsvc_helpers import deliver_all, query, sheet_rows, submit, valid_answers
from tests.formsvc.smtp_server import SmtpServer

pytestmark = pytest.mark.both_databases


def spam_references(app):
    return [row[0] for row in query(app, "SELECT reference FROM submissions WHERE suspected_spam IS NOT NULL")]


def test_honeypot_signup_is_held_then_released_into_the_sheet_and_mail(make_app):
    smtp = SmtpServer().start()
    try:
        app = make_app(**smtp.environment())
        client = app.test_client()
        assert submit(client, website="http://spam.example", company="=cmd|' /C calc'!A0").status_code == 400
        (reference,) = spam_references(app)
        assert deliver_all(app) == {}
        assert smtp.recorder.messages == [] and not app.config["SHEET_PATH"].exists()

        runner = app.test_cli_runner()
        listing = runner.invoke(args=["spam", "list"])
        assert f"{reference}\t" in listing.output and "\thoneypot\t" in listing.output
        assert "1 suspected spam sign-up(s)" in listing.output
        export = runner.invoke(args=["export"])
        assert reference not in export.output  # staff's export leaves suspected spam out

        released = runner.invoke(args=["spam", "release", reference])
        assert released.exit_code == 0, released.output
        assert deliver_all(app) == {"done": 3}
        assert runner.invoke(args=["spam", "release", reference]).exit_code == 1
    finally:
        smtp.stop()
    (row,) = sheet_rows(app.config["SHEET_PATH"])
    assert row["Referens"].value == reference
    assert row["Företag"].value == "'=cmd|' /C calc'!A0" and row["Företag"].data_type == "s"
    assert len(smtp.recorder.messages) == 2 and spam_references(app) == []


def test_release_of_an_unknown_or_hostile_reference_changes_nothing(app, client):
    submit(client)  # an ordinary sign-up
    runner = app.test_cli_runner()
    for hostile in ("SIM-2222-2222", "' OR 1=1 --", "x" * 500):
        result = runner.invoke(args=["spam", "release", hostile])
        assert result.exit_code == 1 and "spam list" in result.output
    assert query(app, "SELECT COUNT(*) FROM outbox") == [(1,)]


def test_suspected_spam_is_purged_after_30_days_and_ordinary_signups_stay(app):
    now = datetime.now(timezone.utc)
    answers = {name: value for name, value in valid_answers().items() if name in store.COLUMNS}
    with db.connection(app.config) as connection:
        old_spam = store.save_signup(connection, answers, now=now - timedelta(days=31), suspected_spam="honeypot")
        new_spam = store.save_signup(connection, answers, now=now - timedelta(days=29), suspected_spam="fill time")
        old_real = store.save_signup(connection, answers, now=now - timedelta(days=31))
        assert store.purge_spam(connection) == [old_spam]
    assert sorted(query(app, "SELECT reference FROM submissions")) == sorted([(new_spam,), (old_real,)])
    result = app.test_cli_runner().invoke(args=["spam", "purge", "--older-than", "0"])
    assert "purged 1 suspected spam" in result.output
    assert query(app, "SELECT reference FROM submissions") == [(old_real,)]
