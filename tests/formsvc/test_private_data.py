"""Personal data stays private on disk: files created for the service user
only, erased rows gone from every file SQLite keeps, workbook leftovers
removed, and erase explains in Swedish what it could not do."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from formsvc import db, store
from tests.formsvc.formsvc_helpers import deliver_all, sheet_rows, stored_references, submit


@pytest.fixture
def open_umask():
    """The common umask 022, under which files a library creates are world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path):
    return path.stat().st_mode & 0o777


def test_database_rate_limit_and_lock_files_are_private_even_under_umask_022(open_umask, make_app, tmp_path):
    data_dir = tmp_path / "fresh" / "data"
    app = make_app(FORMSVC_DATA_DIR=data_dir)
    client = app.test_client()
    submit(client)
    deliver_all(app)
    assert mode(data_dir) == 0o700
    for name in ("formsvc.sqlite3", "formsvc.sqlite3-wal", "formsvc.sqlite3-shm",
                 "formsvc.sqlite3-writer.lock", "ratelimit.sqlite3", "secret_key"):
        assert mode(data_dir / name) == 0o600, name
    assert mode(app.config["SHEET_PATH"]) == 0o640  # staff's group may read their workbook
    assert mode(app.config["SHEET_PATH"].with_name("anmalningar.xlsx.lock")) == 0o600


def raw_bytes(data_dir):
    """Everything SQLite keeps on disk for the database: the file, its WAL and shared memory."""
    return b"".join(path.read_bytes() for path in data_dir.glob("formsvc.sqlite3*") if path.is_file())


def test_erased_rows_leave_no_trace_in_the_database_or_its_wal(app, client, data_dir):
    submit(client, email="hemlig.person@example.se", company="Hemligt Bolag AB")
    submit(client, email="kvar@example.se")
    # Another worker's connection stays open, as in production.
    worker = db.connect(app.config)
    worker.execute("SELECT COUNT(*) FROM submissions").fetchone()
    assert b"hemlig.person@example.se" in raw_bytes(data_dir)
    output = app.test_cli_runner().invoke(args=["erase", "--email", "hemlig.person@example.se"]).output
    assert "database: removed 1 sign-up(s)" in output
    disk = raw_bytes(data_dir)
    assert b"hemlig.person@example.se" not in disk and b"Hemligt Bolag" not in disk
    assert b"kvar@example.se" in disk
    worker.release()


def test_health_cost_follows_the_backlog_not_every_entry_ever_written(app):
    """Counted in SQLite virtual-machine steps, which do not depend on machine load."""
    def health_steps(connection):
        steps = [0]

        def count():
            steps[0] += 1

        connection.set_progress_handler(count, 1)
        pending, dead = store.backlog(connection)
        connection.set_progress_handler(None, 1)
        return steps[0], pending, dead

    connection = db.connect(app.config)
    answers = {field.name: "x" for field in store.FIELDS} | {"areas": []}
    for _ in range(3):
        store.save_signup(connection, answers)
    young, pending, _ = health_steps(connection)
    assert pending == 3
    with connection.write_transaction():
        for _ in range(5000):
            reference = store.new_reference()
            connection.execute("INSERT INTO submissions (reference, received_at, company, org_number, "
                               "municipality, employees, industry, contact_name, role, email, phone, areas, "
                               "message) VALUES (?, '2020-01-01', '', '', '', '', '', '', '', '', '', '[]', '')",
                               (reference,))
            connection.execute("INSERT INTO outbox (reference, submission, state, next_attempt_at) "
                               "VALUES (?, ?, 'done', 0)", (reference, reference))
    aged, pending, dead = health_steps(connection)
    connection.release()
    assert (pending, dead) == (3, 0)
    assert aged <= young + 50, f"{young} steps with 3 entries, {aged} with 5,000 delivered ones as well"


def test_erase_by_email_finds_a_workbook_row_whose_address_starts_with_a_formula_character(app, client):
    address = "=chef@example.se"
    submit(client, email=address)
    deliver_all(app)
    assert [row["E-post"].value for row in sheet_rows(app.config["SHEET_PATH"])] == ["'" + address]
    connection = db.connect(app.config)
    store.erase(connection, stored_references(app))  # the database row is gone already
    connection.release()
    result = app.test_cli_runner().invoke(args=["erase", "--email", address])
    assert result.exit_code == 0, result.output
    assert "workbook: removed 1 row(s)" in result.output
    assert sheet_rows(app.config["SHEET_PATH"]) == []


HOLD_LOCK = textwrap.dedent("""
    import fcntl, sys, time
    handle = open(sys.argv[1], "r+b")
    fcntl.lockf(handle, fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(60)
""")


def test_erase_while_another_program_holds_a_lock_on_the_workbook_explains_in_swedish(app, client):
    submit(client)
    deliver_all(app)
    (reference,) = stored_references(app)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(app.config["SHEET_PATH"])],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = app.test_cli_runner().invoke(args=["erase", "--reference", reference])
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception.__class__.__name__ == "SystemExit"
    assert "ett annat program har låst filen" in result.output
    assert f"erase --reference {reference}` igen" in result.output
    assert len(sheet_rows(app.config["SHEET_PATH"])) == 1
    # Lock released: the same command finishes the job.
    result = app.test_cli_runner().invoke(args=["erase", "--reference", reference])
    assert result.exit_code == 0 and sheet_rows(app.config["SHEET_PATH"]) == []


def test_erase_by_email_while_the_workbook_is_open_erases_the_database_and_says_what_is_left(app, client):
    submit(client, email="anna@example.se")
    deliver_all(app)
    office_lock = app.config["SHEET_PATH"].with_name(".~lock.anmalningar.xlsx#")
    office_lock.write_text("Anna,host,1234")
    result = app.test_cli_runner().invoke(args=["erase", "--email", "anna@example.se"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "database: removed 1 sign-up(s)" in result.output
    assert ".~lock.anmalningar.xlsx#" in result.output and "--email anna@example.se" in result.output
    office_lock.unlink()
    rerun = app.test_cli_runner().invoke(args=["erase", "--email", "anna@example.se"])
    assert rerun.exit_code == 0 and "workbook: removed 1 row(s)" in rerun.output


def test_temp_copies_left_by_a_killed_save_are_removed_by_the_next_write(app, client):
    submit(client)
    deliver_all(app)
    sheet = app.config["SHEET_PATH"]
    leftovers = [sheet.with_name(f".{sheet.name}.{suffix}.tmp") for suffix in ("a1b2c3", "zz_9")]
    for leftover in leftovers:
        leftover.write_bytes(sheet.read_bytes()[:500])  # half a workbook, full of personal data
    unrelated = sheet.with_name("staff-notes.tmp")
    unrelated.write_text("keep me")
    submit(client)
    assert deliver_all(app) == {"done": 1}
    assert not any(leftover.exists() for leftover in leftovers)
    assert unrelated.exists() and len(sheet_rows(sheet)) == 2
