"""Guarantee: a relay that dies after replacing the workbook but before marking
the outbox rows done causes no duplicate row when it runs again.

The crash comes from formsvc's fault hook FORMSVC_FAULT=crash_after_sheet_write
(os._exit(70) right after the workbook's os.replace, only when rows were
written). The relay writes what it claimed in one batch, so one crash leaves
every row of that batch in the sheet and still pending in the outbox."""

import pytest

from tests.reliability.reliability_checks import (
    assert_each_delivered_once,
    outbox_states,
    workbook_references,
)
from tests.reliability.reliability_harness import (
    SignupClient,
    run_relay,
    sign_up,
)

pytestmark = pytest.mark.both_databases

CRASH_EXIT_CODE = 70


def _crashing_relay(env):
    crashed = run_relay(env, FORMSVC_FAULT="crash_after_sheet_write")
    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stdout + crashed.stderr


@pytest.mark.slow
def test_relay_killed_between_sheet_write_and_ack_adds_no_duplicate(service_env, start_service):
    service = start_service(service_env)
    references = sign_up(SignupClient(service.base_url), 3, "Avbrott")
    service.stop()

    _crashing_relay(service_env)
    assert sorted(workbook_references(service_env["SHEET_PATH"])) == sorted(references)
    assert outbox_states(service_env) == {"pending": 3}, "the crashed relay acknowledged rows"

    assert_each_delivered_once(service_env, references)


@pytest.mark.slow
def test_repeated_crashes_with_new_signups_in_between_still_give_one_row_each(service_env, start_service):
    """The second crashing relay gets a batch of old rows (already in the sheet,
    unacknowledged) and new ones: it must add only the new ones."""
    service = start_service(service_env)
    first = sign_up(SignupClient(service.base_url), 3, "Före")
    _crashing_relay(service_env)
    second = sign_up(SignupClient(service.base_url), 2, "Efter")
    service.stop()

    _crashing_relay(service_env)
    assert sorted(workbook_references(service_env["SHEET_PATH"])) == sorted(first + second)
    assert outbox_states(service_env) == {"pending": 5}

    # With nothing new to write the hook stays quiet and the rows get acknowledged.
    quiet = run_relay(service_env, FORMSVC_FAULT="crash_after_sheet_write")
    assert quiet.returncode == 0, quiet.stderr
    assert outbox_states(service_env) == {"done": 5}
    assert_each_delivered_once(service_env, first + second)
