"""Guarantees of FORMSVC_DATABASE_URL=postgresql://…: two service instances
(standing in for two hosts) share one PostgreSQL; one is SIGKILLed in the
middle of a burst, or PostgreSQL itself restarts. Every acknowledged sign-up
is in the database and exactly once in the workbook."""

import itertools
import threading
import time
from collections import Counter

import pytest
import requests

from tests.reliability.reliability_checks import (
    outbox_states,
    relay_until_settled,
    submission_references,
    workbook_references,
)
from tests.reliability.reliability_harness import (
    SignupClient,
    reference_from_location,
    service_environment,
)

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database", ["postgres"], indirect=True)]

SIGNUPS = 300
CLIENT_THREADS = 16
WAIT_SECONDS = 90


class Burst:
    """SIGNUPS sign-ups from CLIENT_THREADS threads, each thread starting on
    one of `base_urls` and moving to the next when its instance stops
    answering (what a load balancer does)."""

    def __init__(self, base_urls):
        self.base_urls = base_urls
        self.acknowledged, self.refused, self.errors = [], [], []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._send, args=(first,)) for first in range(CLIENT_THREADS)]

    def _send(self, first):
        urls = itertools.cycle(self.base_urls[first % len(self.base_urls):] + self.base_urls[:first % len(self.base_urls)])
        base_url = next(urls)
        for number in range(first, SIGNUPS, CLIENT_THREADS):
            answers = {"company": f"Värd {number} AB", "email": f"vard{number}@example.se"}
            try:
                status, location = SignupClient(base_url).submit(answers)
            except requests.RequestException as error:
                with self._lock:
                    self.errors.append(repr(error))  # no thank-you page: nothing promised
                base_url = next(urls)
                continue
            with self._lock:
                if status == 303:
                    self.acknowledged.append(reference_from_location(location))
                else:
                    self.refused.append(status)

    def start(self):
        for thread in self._threads:
            thread.start()
        return self

    def wait_for_acknowledged(self, count):
        deadline = time.monotonic() + WAIT_SECONDS
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} sign-ups acknowledged"
            time.sleep(0.05)

    def join(self):
        for thread in self._threads:
            thread.join(WAIT_SECONDS)


def assert_acknowledged_stored_and_delivered_once(env, acknowledged):
    assert len(set(acknowledged)) == len(acknowledged), "one reference acknowledged twice"
    stored = submission_references(env)
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged sign-ups are not in the database: {sorted(missing)[:5]}"
    assert set(relay_until_settled(env)) == {"done"}
    in_sheet = Counter(workbook_references(env["SHEET_PATH"]))
    assert [reference for reference, count in in_sheet.items() if count > 1] == []
    assert set(in_sheet) == set(stored)


def test_two_instances_share_postgres_and_one_is_killed_mid_burst(tmp_path, database, start_service):
    # Separate data folders as on two hosts; the workbook on a share both reach.
    sheet = tmp_path / "share" / "anmalningar.xlsx"
    instances = [
        start_service(service_environment(tmp_path / f"host{number}", FORMSVC_DATABASE_URL=database,
                                          FORMSVC_RELAY_THREAD="1", SHEET_PATH=sheet))
        for number in (1, 2)
    ]
    burst = Burst([instance.base_url for instance in instances]).start()
    try:
        burst.wait_for_acknowledged(SIGNUPS // 3)
        instances[0].kill_hard()
    finally:
        burst.join()

    assert not burst.refused, f"valid sign-ups refused with {Counter(burst.refused)}"
    assert burst.errors, "the kill interrupted no request, so it proved nothing"
    survivor_env = instances[1].env
    # The surviving host's relay thread takes over what the killed one had leased.
    deadline = time.monotonic() + WAIT_SECONDS
    while outbox_states(survivor_env).get("pending") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert_acknowledged_stored_and_delivered_once(survivor_env, burst.acknowledged)
    assert len(burst.acknowledged) + len(burst.errors) == SIGNUPS


def test_postgres_restart_during_a_burst_loses_nothing_acknowledged(tmp_path, database, postgres_cluster,
                                                                     start_service):
    env = service_environment(tmp_path / "data", FORMSVC_DATABASE_URL=database, FORMSVC_DATABASE_WAIT="2")
    service = start_service(env)
    burst = Burst([service.base_url]).start()
    try:
        burst.wait_for_acknowledged(SIGNUPS // 4)
        postgres_cluster.restart()
        acknowledged_at_restart = len(burst.acknowledged)
    finally:
        burst.join()

    assert set(burst.refused) <= {503}, f"refused with {Counter(burst.refused)}; only 503 is allowed"
    assert not burst.errors, f"requests failed outright: {burst.errors[:3]}"
    assert len(burst.acknowledged) > acknowledged_at_restart, "nothing acknowledged after the restart"
    assert_acknowledged_stored_and_delivered_once(env, burst.acknowledged)
