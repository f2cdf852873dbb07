"""Staff mail and confirmation through a real SMTP server on loopback: the
outbox's mail kinds, retries, dead letters, a relay killed after DATA, the
daily limit per recipient, hostile values and bad configuration."""

import json
import os
import time

import pytest

from formsvc import db, mail, relay, store
from formsvc.cli import requeue_command
from tests.formsvc.formsvc_helpers import (
    OPEN_CALL, deliver_all, query, run_relay_process, sheet_rows, stored_references, submit, valid_answers,
    write_site_manifest,
)
from tests.formsvc.smtp_server import SmtpServer

pytestmark = pytest.mark.both_databases


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    return make_app(**smtp.environment())


def kinds_and_states(app):
    return sorted(query(app, "SELECT kind, state FROM outbox"))


def text_of(message):
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")


def test_signup_sends_one_staff_mail_and_one_confirmation_over_starttls_with_auth(make_app, tmp_path):
    server = SmtpServer(tls_dir=tmp_path).start()
    try:
        app = make_app(**server.environment())
        client = app.test_client()
        assert submit(client, f"/anmalan/{OPEN_CALL}/").status_code == 303
        assert deliver_all(app) == {"done": 3}
    finally:
        server.stop()
    (reference,) = stored_references(app)
    assert set(server.recorder.logins) == {b"formsvc"}  # one session per mail kind
    staff, confirmation = sorted(server.recorder.messages, key=lambda message: message["Message-ID"], reverse=True)

    assert staff["Message-ID"] == f"<{reference}.staff_mail@sim.example.se>"
    assert staff["To"].addresses[0].addr_spec == "handlaggare@sim.example.se" and len(staff["To"].addresses) == 2
    assert staff["Reply-To"].addresses[0].addr_spec == "anna@example.se"
    assert staff["Subject"].startswith("Ny intresseanmälan: Verkstad i Krokom AB – ")
    assert reference in staff["Subject"]
    body = text_of(staff)
    for expected in ("Krokom", "Anna Andersson", "Vd", "Vi vill automatisera svetsningen.", "Finansiering", "Inkommen"):
        assert expected in body
    assert staff.get_body("html") is not None and staff.get_body("plain") is not None

    assert confirmation["Message-ID"] == f"<{reference}.confirmation@sim.example.se>"
    assert confirmation["To"].addresses[0].addr_spec == "anna@example.se"
    assert reference in confirmation["Subject"] and reference in text_of(confirmation)
    # The confirmation repeats nothing the public typed.
    for typed in ("Verkstad i Krokom", "Anna Andersson", "svetsningen", "070-123"):
        assert typed not in text_of(confirmation)
    for message in (staff, confirmation):
        assert "556036" not in message.as_string() and "5560360793" not in message.as_string()
    assert kinds_and_states(app) == [("confirmation", "done"), ("sheet", "done"), ("staff_mail", "done")]


def test_mail_server_down_signups_accepted_sheet_written_mails_sent_after_it_returns(make_app):
    server = SmtpServer()  # not started: nobody listens on its port
    app = make_app(**server.environment())
    client = app.test_client()
    assert submit(client).status_code == 303
    assert deliver_all(app) == {"done": 1, "retry": 2}
    assert [row["Referens"].value for row in sheet_rows(app.config["SHEET_PATH"])] == stored_references(app)
    health = client.get("/anmalan/health").get_json()
    assert health["mail"] == "on"
    assert health["outbox"]["staff_mail"] == {"pending": 1, "dead": 0}
    assert health["outbox"]["sheet"] == {"pending": 0, "dead": 0}
    server.start()
    try:
        assert deliver_all(app) == {"done": 2}
    finally:
        server.stop()
    assert len(server.recorder.messages) == 2
    assert deliver_all(app) == {}


def test_a_broken_sheet_does_not_hold_back_the_mails(mail_app, smtp, data_dir):
    (data_dir / "anmalningar.xlsx").write_bytes(b"not a workbook")
    assert submit(mail_app.test_client()).status_code == 303
    assert deliver_all(mail_app) == {"done": 2, "retry": 1}
    assert len(smtp.recorder.messages) == 2
    assert kinds_and_states(mail_app) == [("confirmation", "done"), ("sheet", "pending"), ("staff_mail", "done")]


def test_temporary_refusal_is_retried(mail_app, smtp):
    smtp.recorder.reply = "451 4.3.0 Try again later"
    submit(mail_app.test_client())
    assert deliver_all(mail_app) == {"done": 1, "retry": 2}
    assert query(mail_app, "SELECT attempts, state FROM outbox WHERE kind = 'staff_mail'") == [(1, "pending")]
    smtp.recorder.reply = None
    assert deliver_all(mail_app) == {"done": 2}
    assert len(smtp.recorder.messages) == 2


def test_permanent_refusal_dead_letters_at_once_and_requeue_delivers(mail_app, smtp):
    smtp.recorder.reply = "550 5.7.1 Not accepted"
    submit(mail_app.test_client())
    assert deliver_all(mail_app) == {"done": 1, "dead": 2}
    (reference,) = stored_references(mail_app)
    runner = mail_app.test_cli_runner()
    listing = runner.invoke(args=["deadletters", "--kind", "staff_mail"])
    assert f"{reference}\tstaff_mail\tattempts=1\tPermanentMailError: 550" in listing.output
    assert "staff_mail: pending 0, dead 1" in listing.output
    smtp.recorder.reply = None
    result = runner.invoke(requeue_command, ["--kind", "staff_mail"])
    assert result.output.strip() == "requeued 1 entry"
    assert deliver_all(mail_app) == {"done": 1}
    assert [message["Message-ID"] for message in smtp.recorder.messages] == [f"<{reference}.staff_mail@sim.example.se>"]
    assert kinds_and_states(mail_app) == [("confirmation", "dead"), ("sheet", "done"), ("staff_mail", "done")]


def test_relay_killed_after_the_server_took_the_mail_resends_at_most_once_with_the_same_id(mail_app, smtp):
    for _ in range(2):
        submit(mail_app.test_client())
    crashing = run_relay_process(fault=relay.FAULT_CRASH_AFTER_MAIL_SEND)
    assert crashing.returncode == 70, crashing.stderr
    assert len(smtp.recorder.messages) == 1
    again = run_relay_process()
    assert again.returncode == 0, again.stderr
    assert all(state == "done" for _kind, state in kinds_and_states(mail_app))
    sent = smtp.recorder.by_id()
    assert len(sent) == 4  # two sign-ups × two mails
    assert sorted(len(copies) for copies in sent.values()) == [1, 1, 1, 2]


def test_confirmations_are_limited_per_recipient_per_day(make_app, smtp):
    app = make_app(FORMSVC_MAIL_DAILY_LIMIT=2, **smtp.environment())
    client = app.test_client()
    for _ in range(4):
        assert submit(client, email="Mal@Example.se").status_code == 303
        deliver_all(app)  # one at a time, as a flood would arrive
    confirmations = [m for m in smtp.recorder.messages if ".confirmation@" in m["Message-ID"]]
    assert len(confirmations) == 2
    assert len(smtp.recorder.messages) == 2 + 4  # staff hear of every sign-up
    assert query(app, "SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation' AND state = 'skipped'") == [(2,)]


HOSTILE = {
    "company": "Evil AB\r\nBcc: victim@example.org\r\n\r\n<script>alert(1)</script>" + "Å" * 300,
    "contact_name": "=HYPERLINK(\"http://x\";\"klick\")",
    "role": "\u2028Vd\x0b",
    "message": "Rad ett\r\nSubject: falsk\n\n<img src=x onerror=alert(1)>",
}


def test_hostile_values_cannot_add_headers_or_markup(mail_app, smtp):
    # Straight into the store, past the form's filters: the mail layer must hold on its own.
    answers = {name: value for name, value in valid_answers(**HOSTILE).items() if name in store.COLUMNS}
    with db.connection(mail_app.config) as connection:
        reference = store.save_signup(connection, answers, kinds=store.SIGNUP_KINDS)
    assert deliver_all(mail_app) == {"done": 3}
    staff = next(m for m in smtp.recorder.messages if ".staff_mail@" in m["Message-ID"])
    assert staff["Bcc"] is None and staff["Subject"].count("\n") == 0
    assert "victim@example.org" not in str(staff["To"]) and "Bcc:" not in str(staff["Subject"]).split("Evil AB")[0]
    assert len(staff["Subject"]) <= 200 and reference in staff["Subject"]
    html = staff.get_body("html").get_content()
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert '=HYPERLINK("http://x";"klick")' in staff.get_body("plain").get_content()
    for message in smtp.recorder.messages:
        assert set(message.keys()) <= {"From", "Date", "Message-ID", "To", "Subject", "Reply-To",
                                       "Content-Type", "Content-Transfer-Encoding", "MIME-Version"}


@pytest.mark.parametrize("settings, variable", [
    ({"FORMSVC_SMTP_HOST": "mail.example.se", "FORMSVC_SMTP_SECURITY": "tls"}, "FORMSVC_SMTP_SECURITY"),
    ({"FORMSVC_SMTP_HOST": "mail.example.se", "FORMSVC_SMTP_USERNAME": "u",
      "FORMSVC_MAIL_FROM": "a@example.se", "FORMSVC_STAFF_EMAIL": "b@example.se"}, "FORMSVC_SMTP_PASSWORD"),
    ({"FORMSVC_SMTP_HOST": "mail.example.se", "FORMSVC_STAFF_EMAIL": "b@example.se"}, "FORMSVC_MAIL_FROM"),
    ({"FORMSVC_SMTP_HOST": "mail.example.se", "FORMSVC_MAIL_FROM": "a@example.se",
      "FORMSVC_STAFF_EMAIL": "b@example.se\r\nBcc: c@example.se"}, "FORMSVC_STAFF_EMAIL"),
    ({"FORMSVC_SMTP_HOST": "mail.example.se", "FORMSVC_SMTP_PORT": "smtp",
      "FORMSVC_MAIL_FROM": "a@example.se", "FORMSVC_STAFF_EMAIL": "b@example.se"}, "FORMSVC_SMTP_PORT"),
    ({"FORMSVC_MAIL_FROM": "a@example.se"}, "FORMSVC_SMTP_HOST"),
])
def test_bad_mail_configuration_stops_the_app_naming_the_variable(make_app, settings, variable):
    with pytest.raises(mail.MailConfigError, match=variable):
        make_app(**settings)


def test_without_a_host_mail_is_off_and_only_sheet_entries_are_made(app, client, caplog):
    assert submit(client).status_code == 303
    assert kinds_and_states(app) == [("sheet", "pending")]
    assert client.get("/anmalan/health").get_json()["mail"] == "off (FORMSVC_SMTP_HOST not set)"


def test_a_calls_own_staff_address_gets_its_signups_too_each_address_once(mail_app, smtp, data_dir):
    calls_file = data_dir / "calls.json"
    document = json.loads(calls_file.read_text(encoding="utf-8"))
    for call in document["calls"]:
        # One new address, one already in FORMSVC_STAFF_EMAIL (other case), one hostile value.
        call["staff_email"] = ["sim-utlysning@example.se", "Handlaggare@SIM.example.se",
                               "x@example.se\r\nBcc: victim@example.org"]
    calls_file.write_text(json.dumps(document), encoding="utf-8")
    client = mail_app.test_client()
    assert submit(client, f"/anmalan/{OPEN_CALL}/").status_code == 303
    assert submit(client).status_code == 303  # the general form: only FORMSVC_STAFF_EMAIL
    assert deliver_all(mail_app) == {"done": 6}
    staff = {message["Subject"]: message for message in smtp.recorder.messages if ".staff_mail@" in message["Message-ID"]}
    (for_call,) = [message for subject, message in staff.items() if OPEN_CALL in subject]
    (general,) = [message for subject, message in staff.items() if OPEN_CALL not in subject]
    assert [address.addr_spec.lower() for address in for_call["To"].addresses] == [
        "handlaggare@sim.example.se", "chef@sim.example.se", "sim-utlysning@example.se"]
    assert len(general["To"].addresses) == 2 and for_call["Bcc"] is None
    assert "victim@example.org" not in for_call.as_string()


def test_the_promised_response_time_comes_from_the_contact_data(make_app, smtp, data_dir):
    app = make_app(**smtp.environment())
    client = app.test_client()
    promised = json.loads((data_dir / "site.json").read_text(encoding="utf-8"))["contact"]["program"]["svarstid"]
    assert promised == "två veckor"  # content/kontakt.toml, listed there as unconfirmed
    response = submit(client)
    assert f"inom {promised}" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert deliver_all(app) == {"done": 3}

    manifest = json.loads((data_dir / "site.json").read_text(encoding="utf-8"))
    manifest["contact"]["program"]["svarstid"] = ""  # the programme promises no time
    write_site_manifest(data_dir / "site.json", contact=manifest["contact"])
    os.utime(data_dir / "site.json", (time.time() + 5, time.time() + 5))  # seen as changed even within one tick
    submit(client)
    assert deliver_all(app) == {"done": 3}
    texts = sorted((message["Message-ID"], text_of(message)) for message in smtp.recorder.messages
                   if ".confirmation@" in message["Message-ID"])
    with_time = [text for _id, text in texts if "hör av oss inom två veckor till" in text]
    without_time = [text for _id, text in texts if "hör av oss till den kontaktperson" in text]
    assert len(with_time) == 1 and len(without_time) == 1
