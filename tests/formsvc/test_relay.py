import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from filelock import FileLock

from formsvc import db, relay, store
from formsvc.sinks.xlsx import XlsxSink
from tests.formsvc.formsvc_helpers import deliver_all, query, run_relay_process, sheet_rows, stored_references, submit
from tests.formsvc.sheets_fake import make_service_account_key

pytestmark = pytest.mark.both_databases


def sheet_references(app):
    return [r["Referens"].value for r in sheet_rows(app.config["SHEET_PATH"])]


def test_sheet_busy_signups_still_accepted_then_delivered_once(app, client):
    app.config["SHEET_LOCK_TIMEOUT"] = 0.2
    with FileLock(f"{app.config['SHEET_PATH']}.lock"):
        assert submit(client).status_code == 303
        assert submit(client).status_code == 303
        assert deliver_all(app) == {"busy": 2}
    assert query(app, "SELECT state, attempts FROM outbox") == [("pending", 0)] * 2
    assert deliver_all(app) == {"done": 2}
    assert deliver_all(app) == {}
    assert sorted(sheet_references(app)) == sorted(stored_references(app))


def test_unwritable_sheet_backs_off_then_recovers_without_duplicates(make_app, data_dir):
    blocked = data_dir / "blocked"
    blocked.write_text("a file where the sheet's folder should be")
    app = make_app(SHEET_PATH=blocked / "anmalningar.xlsx")
    client = app.test_client()
    assert submit(client).status_code == 303
    assert deliver_all(app) == {"retry": 1}
    (attempts, next_attempt, error), = query(app, "SELECT attempts, next_attempt_at, last_error FROM outbox")
    assert attempts == 1 and next_attempt > time.time() and str(blocked) in error
    # The background relay respects the backoff: nothing is due yet.
    assert relay.run_pass(dict(app.config)) == {}

    blocked.unlink()
    blocked.mkdir()
    assert deliver_all(app) == {"done": 1}
    assert sheet_references(app) == stored_references(app)
    assert query(app, "SELECT state, last_error FROM outbox") == [("done", None)]


def test_failures_dead_letter_then_requeue_delivers(make_app, data_dir):
    sheet = data_dir / "anmalningar.xlsx"
    sheet.write_bytes(b"not a workbook")
    app = make_app(FORMSVC_MAX_ATTEMPTS=2)
    client = app.test_client()
    submit(client)
    assert deliver_all(app) == {"retry": 1}
    assert deliver_all(app) == {"dead": 1}
    assert client.get("/anmalan/health").get_json()["outbox_dead"] == 1
    assert sheet.read_bytes() == b"not a workbook"  # staff's file untouched

    connection = db.connect(app.config)
    try:
        (dead,) = store.dead_letters(connection)
        assert "cannot be loaded" in dead["last_error"]
        sheet.unlink()  # staff restore the workbook (here: let it be created)
        assert store.requeue(connection) == 1
    finally:
        connection.release()
    assert deliver_all(app) == {"done": 1}
    assert sheet_references(app) == stored_references(app)


def test_crash_after_sheet_write_is_repaired_by_the_next_relay(app, client):
    for _ in range(3):
        submit(client)
    crashed = run_relay_process(fault=relay.FAULT_CRASH_AFTER_SHEET_WRITE)
    assert crashed.returncode == 70, crashed.stderr
    assert sorted(sheet_references(app)) == sorted(stored_references(app))
    assert query(app, "SELECT state FROM outbox") == [("pending",)] * 3

    # The hook only fires after a write, so a rerun with it still set gets through.
    again = run_relay_process(fault=relay.FAULT_CRASH_AFTER_SHEET_WRITE)
    assert again.returncode == 0, again.stderr
    assert "done: 3" in again.stdout
    assert sorted(sheet_references(app)) == sorted(stored_references(app))  # still one row each


def test_one_failing_row_does_not_hold_back_the_batch(app, client):
    for _ in range(3):
        submit(client)
    poisoned = stored_references(app)[1]

    class RefusesOneRow(XlsxSink):
        def deliver_many(self, rows):
            if any(row["Referens"] == poisoned for row in rows):
                raise ValueError("this row cannot be written")
            return super().deliver_many(rows)

    connection = db.connect(app.config)
    try:
        claimed = relay.claim(connection, due_only=False)
        outcomes = relay.deliver_batch(connection, RefusesOneRow(app.config["SHEET_PATH"]), claimed, app.config)
    finally:
        connection.release()
    assert outcomes.pop(poisoned) == "retry"
    assert set(outcomes.values()) == {"done"}
    assert sorted(sheet_references(app)) == sorted(outcomes)


def test_a_claimed_row_is_not_claimed_again_until_its_owner_is_gone(app, client):
    submit(client)
    connection = db.connect(app.config)
    try:
        assert len(relay.claim(connection)) == 1
        assert relay.claim(connection) == []
        # A relay process on this host that no longer exists held the lease.
        finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                                  capture_output=True, text=True)
        owner = f"{relay.socket.gethostname()}:{finished.stdout.strip()}"
        connection.execute("UPDATE outbox SET lease_owner = ?", (owner,))
        assert len(relay.claim(connection)) == 1
    finally:
        connection.release()


def test_signup_erased_while_being_written_is_taken_back_out(app, client):
    submit(client)
    (reference,) = stored_references(app)
    connection = db.connect(app.config)

    class ErasedMeanwhile(XlsxSink):
        def deliver_many(self, rows):
            written = super().deliver_many(rows)
            eraser = db.connect(app.config)
            eraser.execute("DELETE FROM submissions WHERE reference = ?", (reference,))
            eraser.release()
            return written

    try:
        relay.claim(connection, due_only=False)
        outcome = relay.deliver_one(connection, ErasedMeanwhile(app.config["SHEET_PATH"]), reference, app.config)
    finally:
        connection.release()
    assert outcome == "gone"
    assert sheet_references(app) == []


@pytest.mark.parametrize("attempts", [1, 3, 10, 30])
def test_backoff_grows_and_is_capped(attempts):
    delay = relay.backoff_seconds(attempts, base=30, ceiling=3600)
    expected = min(3600, 30 * 2 ** (attempts - 1))
    assert expected / 2 <= delay <= expected


def test_background_thread_delivers_after_a_signup(make_app):
    app = make_app(FORMSVC_RELAY_THREAD=1, FORMSVC_RELAY_INTERVAL=0.2)
    client = app.test_client()
    assert submit(client).status_code == 303
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and query(app, "SELECT state FROM outbox") != [("done",)]:
        time.sleep(0.05)
    assert query(app, "SELECT state FROM outbox") == [("done",)]
    assert sheet_references(app) == stored_references(app)
    threads = [key for key in relay._threads if key[1] == str(app.config["DATABASE"])]
    assert threads == [(os.getpid(), str(app.config["DATABASE"]))]


def test_a_sink_that_cannot_connect_counts_as_a_failed_attempt(make_app, tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    key, _public = make_service_account_key(f"{closed}/token")
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(key))
    app = make_app(SHEET_BACKEND="gsheets", FORMSVC_GSHEETS_CREDENTIALS=key_file,
                   FORMSVC_GSHEETS_KEY="1SimTestSheetKey0123", FORMSVC_GSHEETS_API_URL=closed)
    submit(app.test_client())
    assert deliver_all(app) == {"retry": 1}
    ((attempts, error),) = query(app, "SELECT attempts, last_error FROM outbox")
    assert attempts == 1 and "SheetError" in error


def test_relays_claiming_at_the_same_moment_take_disjoint_rows(app):
    from concurrent.futures import ThreadPoolExecutor

    with db.connection(app.config) as connection:
        answers = {name: "x" for name in store.COLUMNS} | {"areas": []}
        references = {store.save_signup(connection, answers) for _ in range(50)}
    start = threading.Barrier(4)

    def claim_batch(_):
        connection = db.connect(app.config)
        try:
            start.wait()
            return relay.claim(connection, limit=20)
        finally:
            connection.release()

    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(claim_batch, range(4)))
    claimed = [reference for batch in batches for reference in batch]
    assert len(claimed) == len(set(claimed)), "a row was claimed by two relays"
    assert set(claimed) == references


def test_a_lease_held_by_another_host_is_taken_over_only_when_it_runs_out(app, client):
    submit(client)
    with db.connection(app.config) as connection:
        future = time.time() + 60
        connection.execute("UPDATE outbox SET lease_owner = 'other-host:1', lease_until = ?", (future,))
        assert relay.claim(connection) == []  # that host may still be writing the row
        connection.execute("UPDATE outbox SET lease_until = ?", (time.time() - 1,))
        assert relay.claim(connection) == stored_references(app)  # that host died: lease ran out
