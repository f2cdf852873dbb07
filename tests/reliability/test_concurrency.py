"""Guarantee: relay threads in several gunicorn workers plus CLI relays, all
running while sign-ups arrive, give one row per sign-up and a workbook that
still loads."""

import os
import signal
import subprocess
import threading
import time
from collections import Counter

import pytest

from tests.reliability.reliability_checks import (
    outbox_states,
    relay_until_settled,
    submission_references,
    workbook_references,
)
from tests.reliability.reliability_harness import (
    REPO,
    VENV_BIN,
    SignupClient,
    reference_from_location,
    service_environment,
)

pytestmark = pytest.mark.both_databases

SIGNUPS = 200
CLIENT_THREADS = 8
CLI_RELAYS = 2
SETTLE_SECONDS = 90


@pytest.mark.slow
def test_worker_threads_and_cli_relays_deliver_each_signup_once(tmp_path, start_service, database):
    env = service_environment(tmp_path / "data", FORMSVC_RELAY_THREAD="1", FORMSVC_DATABASE_URL=database)
    service = start_service(env)
    relay_log = open(tmp_path / "relays.log", "wb")
    relays = [
        subprocess.Popen(
            [str(VENV_BIN / "flask"), "--app", "formsvc", "relay", "--loop"],
            cwd=REPO, env=env, stdout=relay_log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        for _ in range(CLI_RELAYS)
    ]
    acknowledged = []
    try:
        def send(first):
            client = SignupClient(service.base_url)
            for number in range(first, SIGNUPS, CLIENT_THREADS):
                status, location = client.submit({"company": f"Samtidig {number} AB"})
                assert status == 303
                acknowledged.append(reference_from_location(location))

        clients = [threading.Thread(target=send, args=(first,)) for first in range(CLIENT_THREADS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(SETTLE_SECONDS)
        assert len(acknowledged) == SIGNUPS, "a client thread failed; see its traceback above"

        deadline = time.monotonic() + SETTLE_SECONDS
        while outbox_states(env).get("pending") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [relay.poll() for relay in relays] == [None] * CLI_RELAYS, "a CLI relay died"
    finally:
        for relay in relays:
            _stop(relay)
        relay_log.close()
        service.stop()

    # Whatever the stopped relays left leased or unfinished is picked up here.
    assert relay_until_settled(env) == {"done": SIGNUPS}
    stored = submission_references(env)
    in_sheet = Counter(workbook_references(env["SHEET_PATH"]))
    assert [reference for reference, count in in_sheet.items() if count > 1] == []
    assert sorted(in_sheet) == sorted(stored) == sorted(acknowledged)


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
