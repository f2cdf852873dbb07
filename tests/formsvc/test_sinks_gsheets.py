"""SHEET_BACKEND=gsheets through the relay, over real HTTP to a local fake of
Google's token endpoint and Sheets API v4 (tests/formsvc/sheets_fake.py)."""

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests

from formsvc import db, relay, store
from formsvc.sinks import HEADERS, SheetError, make_sink, sheet_row
from formsvc.sinks.base import retry_after_seconds
from tests.formsvc.formsvc_helpers import deliver_all, query, run_relay_process, stored_references, submit
from tests.formsvc.sheets_fake import SERVICE_ACCOUNT, FakeGoogleSheets, make_service_account_key

SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"


@pytest.fixture
def google():
    with FakeGoogleSheets(sheet_titles=("Blad1", "Anmälningar")) as fake:
        yield fake


@pytest.fixture
def key_file(google, tmp_path):
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(google.service_account_key()))
    path.chmod(0o600)
    return path


@pytest.fixture
def gsheets_app(make_app, google, key_file):
    def make(**environment):
        settings = {"SHEET_BACKEND": "gsheets", "FORMSVC_GSHEETS_CREDENTIALS": key_file,
                    "FORMSVC_GSHEETS_KEY": google.spreadsheet_id, "FORMSVC_GSHEETS_API_URL": google.url,
                    "FORMSVC_GSHEETS_TIMEOUT": "5"}
        return make_app(**(settings | environment))
    return make


def outbox(app):
    return query(app, "SELECT state, attempts FROM outbox ORDER BY reference")


HOSTILE = {
    "company": '=HYPERLINK("http://evil.example","Klicka")',
    "contact_name": "@SUM(1+1)",
    "role": "-2+3",
    "message": "\t=1+1\r\n=cmd|' /C calc'!A0",
}


def test_signup_lands_by_header_name_as_raw_text_beside_staff_columns(gsheets_app, google):
    google.set_rows([["Status", "Referens", "Företag"], ["Klar", "SIM-OLD0-0000", "Gammal AB"]])
    app = gsheets_app()
    assert submit(app.test_client(), phone="+47 123 45 678", **HOSTILE).status_code == 303
    assert deliver_all(app) == {"done": 1}

    header_row = google.sheet().shown()[0]
    assert header_row[:3] == ["Status", "Referens", "Företag"] and set(header_row) == set(HEADERS) | {"Status"}
    old, new = google.table()
    assert old == {"Status": "Klar", "Referens": "SIM-OLD0-0000", "Företag": "Gammal AB"}  # untouched
    (reference,) = stored_references(app)
    with db.connection(app.config) as connection:
        expected = sheet_row(store.find(connection, reference))
    assert {header: new[header] for header in HEADERS} == expected
    assert new["Status"] == ""  # the staff column is theirs
    assert new["Företag"] == "'" + HOSTILE["company"] and new["Kontaktperson"] == "'@SUM(1+1)"
    assert new["Telefon"] == "+47 123 45 678"  # validated: written plainly, not as a formula
    assert google.formulas() == []
    assert all(call[2]["valueInputOption"] == ["RAW"] for call in google.calls(":append"))
    assert google.scopes_granted == [[SPREADSHEETS_SCOPE]]  # least privilege: no Drive


def test_the_fake_would_have_turned_user_entered_text_into_formulas(gsheets_app, google):
    """The assertion above can fail: USER_ENTERED makes Sheets parse what it is sent."""
    sink = make_sink(dict(gsheets_app().config))
    worksheet = sink.client.open_by_key(google.spreadsheet_id).sheet1
    worksheet.append_rows([["=1+1", "'=2+2", "+46 70 123 45 67"]], value_input_option="USER_ENTERED")
    assert google.sheet().shown() == [["2", "=2+2", "#ERROR!"]]
    assert google.formulas() == ["=1+1", "=+46 70 123 45 67"]


def test_a_batch_of_signups_is_one_append_and_a_known_reference_is_never_added_twice(gsheets_app, google):
    app = gsheets_app()
    client = app.test_client()
    for _ in range(3):
        submit(client)
    first = stored_references(app)[0]
    google.set_rows([list(HEADERS), [first] + [""] * (len(HEADERS) - 1)])  # already there, say by an earlier run
    assert deliver_all(app) == {"done": 3}
    assert len(google.calls(":append")) == 1
    assert sorted(row["Referens"] for row in google.table()) == sorted(stored_references(app))


@pytest.mark.parametrize("status, retry_after", [(429, 1), (503, None)])
def test_quota_and_outage_wait_without_using_attempts_then_deliver(gsheets_app, google, status, retry_after):
    app = gsheets_app(FORMSVC_MAX_ATTEMPTS=1)  # one counted failure would dead-letter
    submit(app.test_client())
    google.fail_next(status, retry_after=retry_after)
    assert deliver_all(app) == {"busy": 1}
    assert outbox(app) == [("pending", 0)]

    asked = len(google.requests)
    assert deliver_all(app) == {"busy": 1}  # still inside the pause: Google is not asked again
    assert len(google.requests) == asked and outbox(app) == [("pending", 0)]

    time.sleep(1.1)  # Retry-After: 1, or the first pause Google's backoff advice gives without one
    assert deliver_all(app) == {"done": 1}
    assert [row["Referens"] for row in google.table()] == stored_references(app)


def test_crash_between_append_and_answer_leaves_exactly_one_row(gsheets_app, google):
    app = gsheets_app()
    submit(app.test_client())
    google.crash_after_next_append()
    assert deliver_all(app) == {"retry": 1}  # the connection dropped: the relay cannot know
    assert len(google.table()) == 1
    assert query(app, "SELECT last_error FROM outbox")[0][0].startswith("GoogleSheetError: Google Sheets could not be reached")

    assert deliver_all(app) == {"done": 1}  # reads Referens first, finds the row, appends nothing
    assert len(google.calls(":append")) == 1
    assert [row["Referens"] for row in google.table()] == stored_references(app)


def test_erase_by_email_removes_the_rows_even_after_staff_sorted_the_sheet(gsheets_app, google):
    app = gsheets_app()
    client = app.test_client()
    for company, email in (("Öst AB", "anna@example.se"), ("Alfa AB", "bo@example.se"), ("Beta AB", "ANNA@example.se")):
        submit(client, company=company, email=email)
    assert deliver_all(app) == {"done": 3}
    sheet = google.sheet()
    sheet.cells[1:] = sorted(sheet.cells[1:], key=lambda row: row[HEADERS.index("Företag")][0])  # staff sort

    result = app.test_cli_runner().invoke(args=["erase", "--email", "Anna@Example.se"])
    assert result.exit_code == 0, result.output
    assert "workbook: removed 2 row(s)" in result.output
    assert [row["Företag"] for row in google.table()] == ["Alfa AB"]
    assert len(google.calls(":batchUpdate")) == 1


def test_erase_finds_an_address_the_sheet_shows_neutralised(gsheets_app, google):
    app = gsheets_app()
    submit(app.test_client(), email="=cmd@example.se")
    assert deliver_all(app) == {"done": 1}
    assert google.table()[0]["E-post"] == "'=cmd@example.se"
    result = app.test_cli_runner().invoke(args=["erase", "--email", "=CMD@example.se"])
    assert result.exit_code == 0, result.output
    assert "workbook: removed 1 row(s)" in result.output and google.table() == []


def test_erase_when_the_sheet_is_not_shared_says_in_swedish_what_to_do(gsheets_app, google):
    app = gsheets_app()
    submit(app.test_client())
    assert deliver_all(app) == {"done": 1}
    google.shared = False
    result = app.test_cli_runner().invoke(args=["erase", "--email", "anna@example.se"])
    assert result.exit_code != 0
    assert "database: removed 1 sign-up(s)" in result.output  # the database part is not held back
    assert f"dela det med {SERVICE_ACCOUNT} som redigerare" in result.output
    assert "erase --reference" in result.output and len(google.table()) == 1


def test_relay_killed_after_google_appended_adds_no_second_row(gsheets_app, google):
    app = gsheets_app()
    client = app.test_client()
    for _ in range(2):
        submit(client)
    crashed = run_relay_process(fault=relay.FAULT_CRASH_AFTER_SHEET_WRITE)
    assert crashed.returncode == 70, crashed.stderr
    assert query(app, "SELECT state FROM outbox") == [("pending",)] * 2  # Google has the rows, the outbox does not know

    again = run_relay_process(fault=relay.FAULT_CRASH_AFTER_SHEET_WRITE)  # the hook fires only after a write, and there is none to make
    assert again.returncode == 0 and "done: 2" in again.stdout, again.stderr
    assert sorted(row["Referens"] for row in google.table()) == sorted(stored_references(app))
    assert len(google.calls(":append")) == 1


def test_sheet_not_shared_is_logged_with_the_account_to_share_with_then_requeue_delivers(gsheets_app, google, caplog):
    app = gsheets_app(FORMSVC_MAX_ATTEMPTS=2)
    submit(app.test_client())
    google.shared = False
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(app) == {"retry": 1}
        assert deliver_all(app) == {"dead": 1}
    assert f"share the spreadsheet with {SERVICE_ACCOUNT} as editor" in caplog.text
    assert "403 PERMISSION_DENIED" in caplog.text and google.table() == []

    google.shared = True  # IT shares the sheet
    with db.connection(app.config) as connection:
        assert store.requeue(connection) == 1
    assert deliver_all(app) == {"done": 1}
    assert [row["Referens"] for row in google.table()] == stored_references(app)


def test_a_wrong_spreadsheet_id_says_which_variable_to_check(gsheets_app, google, caplog):
    app = gsheets_app(FORMSVC_GSHEETS_KEY="1NoSuchSpreadsheet000000")
    submit(app.test_client())
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(app) == {"retry": 1}
    assert "404 NOT_FOUND" in caplog.text and "check FORMSVC_GSHEETS_KEY" in caplog.text


def test_rows_go_to_the_named_tab_and_a_missing_tab_names_the_variable(gsheets_app, google):
    app = gsheets_app(FORMSVC_GSHEETS_WORKSHEET="Anmälningar")
    submit(app.test_client())
    assert deliver_all(app) == {"done": 1}
    assert google.table("Blad1") == [] and len(google.table("Anmälningar")) == 1

    sink = make_sink(dict(app.config, GSHEETS_WORKSHEET="Anmalningar"))
    with pytest.raises(SheetError, match="FORMSVC_GSHEETS_WORKSHEET"):
        sink.references_matching("E-post", "anna@example.se")


def test_a_key_google_does_not_know_is_refused_at_the_token_endpoint(gsheets_app, google, key_file):
    stranger, _public = make_service_account_key(google.token_uri)  # same account name, another key
    key_file.write_text(json.dumps(stranger))
    app = gsheets_app()
    submit(app.test_client())
    assert deliver_all(app) == {"retry": 1}
    ((error,),) = query(app, "SELECT last_error FROM outbox")
    assert "Google refused the service account key" in error and "Invalid JWT Signature" in error
    assert google.requests == []  # no Sheets call without a token


@pytest.mark.parametrize("change, content, message", [
    ({"FORMSVC_GSHEETS_CREDENTIALS": ""}, None, "needs FORMSVC_GSHEETS_CREDENTIALS"),
    ({"FORMSVC_GSHEETS_KEY": ""}, None, "needs FORMSVC_GSHEETS_KEY"),
    ({"FORMSVC_GSHEETS_KEY": "https://docs.google.com/spreadsheets/d/1abcdefghijk/edit"}, None,
     "FORMSVC_GSHEETS_KEY must be the spreadsheet's id"),
    ({}, "missing", "FORMSVC_GSHEETS_CREDENTIALS: cannot read"),
    ({}, "not json {", "FORMSVC_GSHEETS_CREDENTIALS: .* is not a service account key"),
    ({}, json.dumps({"type": "authorized_user", "client_id": "x"}), "is not a service account key"),
    ({}, json.dumps({"type": "service_account", "client_email": "a@b", "token_uri": "http://x",
                     "private_key": "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n"}),
     "is not a service account key"),
    ({"FORMSVC_GSHEETS_API_URL": "http://127.0.0.1:1/v4"}, None, "FORMSVC_GSHEETS_API_URL"),
])
def test_bad_settings_stop_the_app_at_start_naming_the_variable(gsheets_app, key_file, change, content, message):
    if content == "missing":
        key_file.unlink()
    elif content is not None:
        key_file.write_text(content)
    with pytest.raises(ValueError, match=message):
        gsheets_app(**change)


def test_a_key_file_every_user_can_read_is_warned_about(gsheets_app, key_file, caplog):
    key_file.chmod(0o640)  # the service's group may read it, as the environment file
    with caplog.at_level(logging.WARNING, logger="formsvc.sinks.gsheets_settings"):
        gsheets_app()
    assert "chmod o-rwx" not in caplog.text
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="formsvc.sinks.gsheets_settings"):
        gsheets_app()
    assert "chmod o-rwx" in caplog.text


@pytest.mark.parametrize("header, expected", [("30", 30), (None, None), ("soon", None), ("in the past", 0)])
def test_retry_after_is_read_as_seconds_or_as_a_date(header, expected):
    response = requests.Response()
    if header == "in the past":
        header = "Wed, 21 Oct 2015 07:28:00 GMT"
    if header is not None:
        response.headers["Retry-After"] = header
    assert retry_after_seconds(response) == expected
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    response.headers["Retry-After"] = later
    assert 85 <= retry_after_seconds(response) <= 90
