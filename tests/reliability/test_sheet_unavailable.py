"""Guarantee: while the staff workbook cannot be written, sign-ups are still
accepted; nothing staff could lose is overwritten; after recovery each
sign-up is delivered exactly once.

How "unwritable" is made: CI runs as root, and root ignores a read-only
folder mode (chmod 0o500 would prove nothing there), so the folder is moved
away and a regular file put at its path. Creating the lock file or the temp
file below it then fails for every user, root included."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.reliability_checks import (
    assert_each_delivered_once,
    query,
    relay_until_settled,
)
from tests.reliability.reliability_harness import (
    SignupClient,
    run_cli,
    run_relay,
    sign_up,
)

pytestmark = pytest.mark.both_databases

LOCK_HOLDER = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def _outbox(env, references):
    marks = ",".join("?" * len(references))
    return query(env, f"SELECT state, attempts, last_error FROM outbox WHERE reference IN ({marks})", references)


@pytest.fixture
def delivered_once(service_env, start_service):
    """A running service and a workbook that already holds one delivered sign-up."""
    service = start_service(service_env)
    client = SignupClient(service.base_url)
    first = sign_up(client, 1)
    assert relay_until_settled(service_env) == {"done": 1}
    return client, first


@pytest.mark.slow
def test_folder_replaced_by_a_file_then_restored(service_env, delivered_once):
    client, first = delivered_once
    folder = Path(service_env["SHEET_PATH"]).parent
    moved_away = folder.with_name(folder.name + "-moved")
    folder.rename(moved_away)
    folder.write_bytes(b"not a folder")
    try:
        later = sign_up(client, 2)
        result = run_relay(service_env)
        assert result.returncode == 0, result.stderr
        for state, attempts, last_error in _outbox(service_env, later):
            assert (state, attempts) == ("pending", 1) and last_error, "failure not recorded for a retry"
        assert folder.read_bytes() == b"not a folder"
    finally:
        folder.unlink()
        moved_away.rename(folder)

    assert_each_delivered_once(service_env, first + later)


@pytest.mark.slow
def test_lock_held_by_another_process(service_env, delivered_once):
    client, first = delivered_once
    sheet_path = Path(service_env["SHEET_PATH"])
    before = sheet_path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, f"{sheet_path}.lock"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        later = sign_up(client, 2)
        result = run_relay(service_env)
        assert result.returncode == 0, result.stderr
        assert [state for state, _, _ in _outbox(service_env, later)] == ["pending", "pending"]
        assert sheet_path.read_bytes() == before, "the workbook changed while another process held its lock"
    finally:
        holder.stdin.close()
        try:
            holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()

    assert_each_delivered_once(service_env, first + later)


@pytest.mark.slow
def test_corrupt_workbook_is_never_replaced(service_env, delivered_once):
    client, first = delivered_once
    sheet_path = Path(service_env["SHEET_PATH"])
    good_copy = sheet_path.read_bytes()
    garbage = os.urandom(8192)
    sheet_path.write_bytes(garbage)

    later = sign_up(client, 2)
    retried = run_relay(service_env)
    assert [state for state, _, _ in _outbox(service_env, later)] == ["pending", "pending"]
    dead = run_relay(service_env, FORMSVC_MAX_ATTEMPTS=2)
    assert [state for state, _, _ in _outbox(service_env, later)] == ["dead", "dead"]
    assert sheet_path.read_bytes() == garbage, "the corrupt workbook was overwritten"
    assert sorted(path.name for path in sheet_path.parent.iterdir() if not path.name.endswith(".lock")) == [sheet_path.name]

    log = retried.stderr + dead.stderr
    assert str(sheet_path) in log and "cannot be loaded" in log, log
    listed = run_cli(service_env, "deadletters")
    assert all(reference in listed.stdout for reference in later), listed.stdout
    health = client.session.get(client.base_url + "/anmalan/health", timeout=10).json()
    assert health["outbox_dead"] == 2

    sheet_path.write_bytes(good_copy)
    requeued = run_cli(service_env, "requeue")
    assert requeued.returncode == 0, requeued.stderr
    assert_each_delivered_once(service_env, first + later)
