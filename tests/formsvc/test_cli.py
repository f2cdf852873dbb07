import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from formsvc import db, store
from tests.formsvc.formsvc_helpers import deliver_all, query, sheet_rows, stored_references, submit

pytestmark = pytest.mark.both_databases


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_relay_command_delivers_pending_signups(app, client):
    submit(client)
    assert "done: 1" in run(app, "relay")
    assert "nothing to deliver" in run(app, "relay")
    assert [r["Referens"].value for r in sheet_rows(app.config["SHEET_PATH"])] == stored_references(app)


def test_export_csv_and_xlsx_have_neutralised_text_cells(app, client, tmp_path):
    submit(client, company="=cmd|' /C calc'!A0", message="@bad")
    output = run(app, "export", "--format", "csv")
    rows = list(csv.reader(io.StringIO(output.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Referens", "Inkommen", "Utlysning"]
    record = dict(zip(rows[0], rows[1]))
    assert record["Företag"] == "'=cmd|' /C calc'!A0" and record["Meddelande"] == "'@bad"

    target = tmp_path / "export.xlsx"
    assert "exported 1 sign-ups" in run(app, "export", "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    values = {header.value: cell for header, cell in zip(sheet[1], sheet[2])}
    assert values["Företag"].value == "'=cmd|' /C calc'!A0" and values["Företag"].data_type == "s"

    csv_file = tmp_path / "export.csv"
    run(app, "export", "--output", str(csv_file))
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")


def test_erase_by_reference_removes_from_database_and_workbook(app, client):
    submit(client)
    submit(client, email="other@example.se")
    deliver_all(app)
    erased, kept = stored_references(app)
    output = run(app, "erase", "--reference", erased)
    assert f"database: removed 1 sign-up(s) {erased}" in output
    assert f"workbook: removed 1 row(s) {erased}" in output
    assert stored_references(app) == [kept]
    assert [r["Referens"].value for r in sheet_rows(app.config["SHEET_PATH"])] == [kept]
    assert query(app, "SELECT reference FROM outbox") == [(kept,)]


def test_erase_by_email_finds_rows_in_both_places_even_after_a_purge(app, client):
    submit(client, email="anna@example.se")
    submit(client, email="Anna@Example.se")
    submit(client, email="bo@example.se")
    deliver_all(app)
    (first,) = query(app, "SELECT reference FROM submissions WHERE email = 'anna@example.se'")[0]
    connection = db.connect(app.config)
    store.erase(connection, [first])  # gone from the database already, still in the sheet
    connection.release()
    output = run(app, "erase", "--email", "ANNA@example.se")
    assert "database: removed 1 sign-up(s)" in output and "workbook: removed 2 row(s)" in output
    assert [r["E-post"].value for r in sheet_rows(app.config["SHEET_PATH"])] == ["bo@example.se"]
    assert [row[0] for row in query(app, "SELECT email FROM submissions")] == ["bo@example.se"]


def test_purge_requeue_and_deadletters(app, client):
    submit(client)
    submit(client)
    old, recent = stored_references(app)
    long_ago = (datetime.now(timezone.utc) - timedelta(days=400)).isoformat(timespec="microseconds")
    connection = db.connect(app.config)
    connection.execute("UPDATE submissions SET received_at = ? WHERE reference = ?", (long_ago, old))
    connection.execute("UPDATE outbox SET state = 'dead', attempts = 8, last_error = 'SheetError: x'")
    connection.release()

    assert "purged 1 sign-up(s) and 0 feedback message(s) older than 365 days" in run(app, "purge", "--older-than", "365")
    assert stored_references(app) == [recent]
    listing = run(app, "deadletters")
    assert recent in listing and "SheetError: x" in listing and "1 dead entry" in listing
    assert "requeued 1 entry" in run(app, "requeue", "--reference", recent)
    assert query(app, "SELECT state, attempts FROM outbox") == [("pending", 0)]
    assert "done: 1" in run(app, "relay")


def test_erase_needs_a_target(app):
    result = app.test_cli_runner().invoke(args=["erase"])
    assert result.exit_code != 0 and "--reference" in result.output


def test_erase_while_the_workbook_is_open_says_how_to_finish(app, client):
    submit(client)
    deliver_all(app)
    (reference,) = stored_references(app)
    office_lock = app.config["SHEET_PATH"].with_name("~$anmalningar.xlsx")
    office_lock.write_text("staff")
    result = app.test_cli_runner().invoke(args=["erase", "--reference", reference])
    assert result.exit_code == 1
    assert f"database: removed 1 sign-up(s) {reference}" in result.output
    assert "Arbetsboken ändrades inte" in result.output and "~$anmalningar.xlsx" in result.output
    assert f"erase --reference {reference}` igen" in result.output
    office_lock.unlink()
    assert f"workbook: removed 1 row(s) {reference}" in run(app, "erase", "--reference", reference)
    assert sheet_rows(app.config["SHEET_PATH"]) == []
