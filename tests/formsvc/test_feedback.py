"""The feedback form at /anmalan/synpunkter/: validation, the shared abuse
controls, delivery as a staff mail through a real SMTP server (never to the
sender), mail off, suspected spam, erase/purge, and hostile values."""

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup

from formsvc import db, store
from tests.formsvc.formsvc_helpers import deliver_all, form_tokens, query, submit
from tests.formsvc.smtp_server import SmtpServer
from tests.formsvc.test_security import started_token

pytestmark = pytest.mark.both_databases
FORM = "/anmalan/synpunkter/"


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def send_feedback(client, **answers):
    data = dict(form_tokens(client, FORM), message="Knappen Skicka syns inte med 200 % zoom.", website="")
    data.update(answers)
    return client.post(FORM, data={name: value for name, value in data.items() if value is not None})


def feedback_rows(app):
    return query(app, "SELECT reference, name, email, message, suspected_spam FROM feedback ORDER BY received_at")


def outbox(app):
    return query(app, "SELECT reference, kind, state FROM outbox ORDER BY reference, kind")


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def test_form_is_swedish_short_and_says_why_nothing_is_mailed_to_the_sender(client):
    response = client.get(FORM)
    assert response.status_code == 200
    html = page(response)
    assert html.html["lang"] == "sv" and html.h1.get_text() == "Lämna synpunkter"
    names = {field["name"] for field in html.select("form input, form textarea") if field.get("type") != "hidden"}
    assert names == {"message", "name", "email", "website"}  # no organisationsnummer
    assert html.find("textarea", id="message")["aria-describedby"] == "message-hint"
    assert "ingen automatisk bekräftelse" in html.find(id="email-hint").get_text()
    assert html.find("a", href="/personuppgifter/") is not None


def test_message_only_is_enough_and_the_thanks_page_gives_the_reference(app, client):
    response = send_feedback(client, name="", email="")
    assert response.status_code == 303
    reference = response.headers["Location"].split("/")[-2]
    assert re.fullmatch(store.FEEDBACK_REFERENCE_PATTERN, reference)
    assert response.headers["Location"] == f"/anmalan/synpunkter/tack/{reference}/"
    assert feedback_rows(app) == [(reference, "", "", "Knappen Skicka syns inte med 200 % zoom.", None)]
    thanks = page(client.get(response.headers["Location"]))
    assert reference in thanks.find(class_="reference").get_text()
    assert "200 % zoom" not in str(thanks)  # nothing typed is shown on a page anyone with the link can open


@pytest.mark.parametrize("answers, message", [
    ({"message": ""}, "Skriv vad du vill berätta för oss"),
    ({"message": "   \r\n  "}, "Skriv vad du vill berätta för oss"),
    ({"message": "x" * 2001}, "högst 2 000 tecken"),
    ({"email": "inte-en-adress"}, "e-postadressen i rätt format"),
    ({"name": "N" * 201}, "Namnet får vara högst 200 tecken"),
])
def test_invalid_input_comes_back_with_errors_and_what_was_typed(app, client, answers, message):
    typed = {"name": "Eva <b>Ek</b>", "email": "eva@example.se", **answers}
    response = send_feedback(client, **typed)
    assert response.status_code == 200
    html = page(response)
    assert html.title.get_text().startswith("Fel: ")
    assert message in html.find(class_="error-summary").get_text()
    assert html.find(id="email")["value"] == typed["email"]
    assert html.find(id="name")["value"] == typed["name"] and "<b>Ek</b>" not in response.get_data(as_text=True)
    assert feedback_rows(app) == []


def test_staff_get_one_mail_with_reply_to_the_sender_and_the_sender_gets_none(make_app, smtp):
    app = make_app(**smtp.environment())
    client = app.test_client()
    response = send_feedback(client, name="Eva Ek", email="Eva@Example.se")
    reference = response.headers["Location"].split("/")[-2]
    thanks = page(client.get(response.headers["Location"])).get_text()
    assert "går vidare till SIM:s projektgrupp" in thanks and "ingen bekräftelse via e-post" in thanks
    anonymous = send_feedback(client, message="Utan adress.").headers["Location"].split("/")[-2]
    assert deliver_all(app) == {"done": 2}
    by_id = smtp.recorder.by_id()
    (mail,) = by_id[f"<{reference}.feedback_mail@sim.example.se>"]
    assert [address.addr_spec for address in mail["To"].addresses] == ["handlaggare@sim.example.se",
                                                                       "chef@sim.example.se"]
    assert mail["Reply-To"].addresses[0].addr_spec == "Eva@example.se"
    assert mail["Subject"] == f"Synpunkt via webbplatsen ({reference})"
    body = mail.get_body("plain").get_content()
    assert "Eva Ek" in body and "200 % zoom" in body and "Svara på det här mejlet" in body
    assert mail.get_body("html") is not None
    (without,) = by_id[f"<{anonymous}.feedback_mail@sim.example.se>"]
    assert without["Reply-To"] is None and "lämnade ingen e-postadress" in without.get_body("plain").get_content()
    recipients = {address.addr_spec.lower() for message in smtp.recorder.messages for address in message["To"].addresses}
    assert recipients == {"handlaggare@sim.example.se", "chef@sim.example.se"}
    assert outbox(app) == sorted([(anonymous, "feedback_mail", "done"), (reference, "feedback_mail", "done")])


def test_with_mail_off_feedback_is_kept_pending_listed_and_mailed_once_mail_is_on(make_app, smtp):
    app = make_app()
    client = app.test_client()
    response = send_feedback(client, email="eva@example.se")
    reference = response.headers["Location"].split("/")[-2]
    thanks = page(client.get(response.headers["Location"])).get_text()
    assert "Vi kan inte lova att svara via e-post" in thanks
    assert deliver_all(app) == {}
    health = client.get("/anmalan/health").get_json()
    assert health["mail"].startswith("off") and health["outbox"]["feedback_mail"] == {"pending": 1, "dead": 0}
    listing = app.test_cli_runner().invoke(args=["feedback", "list"])
    assert f"{reference}\t" in listing.output and "mail: pending" in listing.output
    assert "  | Knappen Skicka syns inte med 200 % zoom." in listing.output and "1 feedback message(s)" in listing.output

    mail_app = make_app(**smtp.environment())  # the operator configures SMTP and restarts
    assert deliver_all(mail_app) == {"done": 1}
    assert list(smtp.recorder.by_id()) == [f"<{reference}.feedback_mail@sim.example.se>"]


def test_honeypot_and_fast_fill_keep_feedback_as_spam_which_staff_can_release(make_app, smtp):
    app = make_app(FORMSVC_MIN_FILL_SECONDS=3, **smtp.environment())
    client = app.test_client()
    assert send_feedback(client, website="http://spam.example").status_code == 400
    too_fast = send_feedback(client)
    assert too_fast.status_code == 400 and "ovanligt snabbt" in page(too_fast).find(class_="error-summary").get_text()
    assert [row[4] for row in feedback_rows(app)] == ["honeypot", "fill time"]
    assert outbox(app) == [] and deliver_all(app) == {}

    runner = app.test_cli_runner()
    listing = runner.invoke(args=["spam", "list"]).output
    assert listing.count("'synpunkt: Knappen Skicka") == 2 and "2 suspected spam" in listing
    assert "0 feedback message(s)" in runner.invoke(args=["feedback", "list"]).output
    held = feedback_rows(app)[0][0]
    assert runner.invoke(args=["spam", "release", held]).exit_code == 0
    assert outbox(app) == [(held, "feedback_mail", "pending")]
    assert deliver_all(app) == {"done": 1} and len(smtp.recorder.messages) == 1

    # Someone who took ten seconds is let through.
    patient = send_feedback(client, started=started_token(app, client, time.time() - 10), website="")
    assert patient.status_code == 303


def test_expired_page_or_foreign_csrf_asks_to_resend_keeps_input_and_stores_nothing(make_app):
    app = make_app(FORMSVC_FORM_MAX_AGE=600)
    client = app.test_client()
    expired = send_feedback(client, name="Eva", started=started_token(app, client, time.time() - 601))
    assert expired.status_code == 400
    html = page(expired)
    assert "öppen för länge" in html.find(class_="error-summary").get_text()
    assert html.find(id="name")["value"] == "Eva"
    assert send_feedback(client, csrf_token="forged").status_code == 400
    assert feedback_rows(app) == []


def test_the_rate_limit_is_shared_with_the_signup_form(make_app):
    app = make_app(FORMSVC_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert submit(client).status_code == 303
    assert send_feedback(client).status_code == 303
    limited = send_feedback(client)
    assert limited.status_code == 429 and "För många försök" in page(limited).h1.get_text()
    assert len(feedback_rows(app)) == 1


def test_body_over_64_kb_is_refused(app, client):
    assert send_feedback(client, message="x" * (65 * 1024)).status_code == 413
    assert feedback_rows(app) == []


def test_thanks_page_is_404_for_unknown_malformed_or_signup_references(app, client):
    submit(client)
    (signup,) = query(app, "SELECT reference FROM submissions")
    for reference in ("SYN-2222-2222", signup[0], "'%3Cscript%3E", "SYN-2222-2222%0D%0A"):
        assert client.get(f"{FORM}tack/{reference}/").status_code == 404


def test_erase_by_email_and_purge_cover_feedback(app, client):
    send_feedback(client, email="Eva@Example.se")
    send_feedback(client, email="annan@example.se")
    erased, kept = [row[0] for row in feedback_rows(app)]
    runner = app.test_cli_runner()
    output = runner.invoke(args=["erase", "--email", "eva@example.se"]).output
    assert f"database: removed 1 feedback message(s) {erased}" in output
    assert [row[0] for row in feedback_rows(app)] == [kept] and outbox(app) == [(kept, "feedback_mail", "pending")]
    assert runner.invoke(args=["feedback", "list", "--email", "annan@example.se"]).output.count("SYN-") == 1

    with db.connection(app.config) as connection:
        connection.execute("UPDATE feedback SET received_at = ?",
                           ((datetime.now(timezone.utc) - timedelta(days=400)).isoformat(),))
    output = runner.invoke(args=["purge", "--older-than", "365"]).output
    assert "purged 0 sign-up(s) and 1 feedback message(s)" in output
    assert feedback_rows(app) == [] and outbox(app) == []


def test_old_suspected_spam_feedback_is_purged_after_30_days(app):
    answers = {"name": "", "email": "", "message": "Köp billigt"}
    now = datetime.now(timezone.utc)
    with db.connection(app.config) as connection:
        old = store.save_feedback(connection, answers, now=now - timedelta(days=31), suspected_spam="honeypot")
        young = store.save_feedback(connection, answers, now=now - timedelta(days=29), suspected_spam="honeypot")
        kept = store.save_feedback(connection, answers, now=now - timedelta(days=31))
        assert store.purge_spam(connection) == [old]
    assert sorted(row[0] for row in feedback_rows(app)) == sorted([young, kept])


HOSTILE = {
    "name": "Eva\r\nBcc: victim@example.org\u2028X-Evil: 1",
    "email": "eva@example.se\r\nBcc: victim@example.org",
    "message": "Rad ett\r\nSubject: falsk\n\n<script>alert(1)</script>=HYPERLINK(\"http://x\")\x1b[2J\u202egnp.exe\x9b",
}


def test_hostile_values_stored_directly_cannot_add_headers_markup_or_terminal_codes(make_app, smtp):
    # Straight into the store, past the form's filters: the mail and the CLI must hold on their own.
    app = make_app(**smtp.environment())
    with db.connection(app.config) as connection:
        reference = store.save_feedback(connection, HOSTILE)
    assert deliver_all(app) == {"done": 1}
    (mail,) = smtp.recorder.messages
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert mail["Reply-To"] is None  # not one valid address: no Reply-To at all
    assert set(mail.keys()) <= {"From", "Date", "Message-ID", "To", "Subject", "Content-Type",
                                "Content-Transfer-Encoding", "MIME-Version"}
    assert "victim@example.org" not in str(mail["To"])
    html = mail.get_body("html").get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    listing = app.test_cli_runner().invoke(args=["feedback", "list"]).output
    assert reference in listing
    for code in ("\x1b", "\u202e", "\x9b", "\r", "\u2028"):
        assert code not in listing


def test_hostile_values_through_the_form_are_escaped_or_refused(app, client):
    response = send_feedback(client, name=HOSTILE["name"], email=HOSTILE["email"], message=HOSTILE["message"])
    assert response.status_code == 200  # the e-mail address is refused; the rest comes back escaped
    text = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert feedback_rows(app) == []
    stored = send_feedback(client, name=HOSTILE["name"], message=HOSTILE["message"])
    assert stored.status_code == 303
    ((_, name, _, message, _),) = feedback_rows(app)
    assert "\r" not in name and "\n" not in name and "\x1b" not in message
