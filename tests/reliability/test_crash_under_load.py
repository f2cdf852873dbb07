"""Guarantee: a sign-up that got its 303 survives SIGKILL of the whole service
and reaches the workbook exactly once."""

import threading
import time
from collections import Counter

import pytest
import requests

from tests.reliability.reliability_checks import (
    relay_until_settled,
    submission_references,
    workbook_references,
)
from tests.reliability.reliability_harness import (
    SignupClient,
    reference_from_location,
)

pytestmark = pytest.mark.both_databases

SIGNUPS = 300
CLIENT_THREADS = 16
KILL_AFTER_ACKNOWLEDGED = 100
WAIT_SECONDS = 60


@pytest.mark.slow
def test_acknowledged_signups_survive_sigkill_and_reach_sheet_once(service_env, start_service):
    service = start_service(service_env)
    base_url = service.base_url
    acknowledged, refused, errors = [], [], []
    bookkeeping = threading.Lock()
    back_up = threading.Event()

    def send(first):
        for number in range(first, SIGNUPS, CLIENT_THREADS):
            answers = {"company": f"Krasch {number} AB", "email": f"krasch{number}@example.se"}
            try:
                status, location = SignupClient(base_url).submit(answers)
            except requests.RequestException as error:
                # Killed mid-request: the person saw no thank-you page.
                with bookkeeping:
                    errors.append(repr(error))
                back_up.wait(WAIT_SECONDS)
                continue
            with bookkeeping:
                if status == 303:
                    acknowledged.append(reference_from_location(location))
                else:
                    refused.append(status)

    clients = [threading.Thread(target=send, args=(first,)) for first in range(CLIENT_THREADS)]
    for client in clients:
        client.start()
    try:
        _wait_for(lambda: len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED)
        service.kill_hard()
        acknowledged_before_kill = len(acknowledged)
        start_service(service_env, port=service.port)
        back_up.set()
    finally:
        back_up.set()
        for client in clients:
            client.join(WAIT_SECONDS)

    assert not refused, f"valid sign-ups refused with {Counter(refused)}"
    assert errors, "the kill interrupted no request, so it proved nothing"
    assert len(acknowledged) > acknowledged_before_kill, "no sign-up was acknowledged after the restart"
    assert len(set(acknowledged)) == len(acknowledged), "one reference acknowledged twice"

    stored = submission_references(service_env)
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged sign-ups are not in the database: {sorted(missing)[:5]}"

    states = relay_until_settled(service_env)
    assert set(states) == {"done"}, states

    in_sheet = Counter(workbook_references(service_env["SHEET_PATH"]))
    assert [ref for ref, count in in_sheet.items() if count > 1] == []
    assert set(in_sheet) == set(stored)
    assert set(acknowledged) <= set(in_sheet)


def _wait_for(condition, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")
