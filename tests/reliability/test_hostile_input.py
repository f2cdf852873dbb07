"""Guarantee: nothing the public sends harms staff or other visitors. Every
hostile request below, sent over real HTTP, is refused (4xx, or the form again
with its error summary) or stored and neutralised in the workbook; never a
5xx, never live markup on a page.

The whole campaign runs once per module (a few hundred POSTs from four
clients); the parametrized tests then judge one request each, and one test
relays the accepted sign-ups and inspects the workbook."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from bs4 import BeautifulSoup

from tests.reliability.hostile_corpus import CASES, PAYLOAD_MARK
from tests.reliability.reliability_checks import (
    workbook_rows,
)
from tests.reliability.reliability_harness import (
    OPEN_CALL_SLUG,
    FormService,
    SignupClient,
    reference_from_location,
    run_relay,
    service_environment,
)

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
CLIENTS = 4


@pytest.fixture(scope="module")
def service(tmp_path_factory, module_database):
    """One service per backend: the campaign runs on SQLite and on PostgreSQL."""
    env = service_environment(tmp_path_factory.mktemp("hostile"), FORMSVC_DATABASE_URL=module_database)
    running = FormService(env)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def answers(service):
    """{case id: Answer} for every case in the corpus."""
    ids = list(CASES)
    shares = [ids[start::CLIENTS] for start in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = {}
        for share in pool.map(lambda share: _send_share(service.base_url, share), shares):
            results.update(share)
    return results


class Answer:
    def __init__(self, response, thanks=None):
        self.status = response.status_code
        self.text = response.text
        self.location = response.headers.get("Location")
        self.thanks = thanks


def _send_share(base_url, case_ids):
    client = SignupClient(base_url, call_slug=OPEN_CALL_SLUG)
    valid = client.fetch_form()
    results = {}
    for case_id in case_ids:
        response = CASES[case_id].send(client, dict(valid))
        thanks = None
        if response.status_code == 303:
            thanks = client.session.get(base_url + response.headers["Location"], timeout=10)
        results[case_id] = Answer(response, thanks)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("case_id", list(CASES))
def test_request_is_refused_or_accepted_safely(answers, case_id):
    answer = answers[case_id]
    assert answer.status < 500
    assert answer.status in (200, 303) or 400 <= answer.status < 500
    if answer.status == 200:
        assert 'class="error-summary"' in answer.text, "200 without an error summary"
    if CASES[case_id].must_refuse:
        assert answer.status != 303, "accepted although it must be refused"
    _assert_no_live_payload(answer.text)
    if answer.thanks is not None:
        assert answer.thanks.status_code == 200
        _assert_no_live_payload(answer.thanks.text)


@pytest.mark.slow
def test_accepted_hostile_values_are_neutralised_in_the_workbook(service, answers):
    accepted = {
        reference_from_location(answer.location): case_id
        for case_id, answer in answers.items() if answer.status == 303
    }
    assert {"company=formula", "company=xml-noncharacters"} <= set(accepted.values())
    result = run_relay(service.env)
    assert result.returncode == 0, result.stderr
    rows = {row["Referens"].value: row for row in workbook_rows(service.env["SHEET_PATH"])}
    for reference, case_id in accepted.items():
        assert reference in rows, f"{case_id}: {reference} not delivered"
        for header, cell in rows[reference].items():
            assert cell.data_type != "f", f"{case_id} {header}: formula {cell.value!r}"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(DANGEROUS_FIRST), f"{case_id} {header}: {cell.value!r}"
    by_case = {case_id: rows[reference] for reference, case_id in accepted.items()}
    assert by_case["company=formula"]["Företag"].value == "'=1+1", "text changed beyond the apostrophe"
    assert by_case["company=xml-noncharacters"]["Företag"].value == "Bolaget AB"


def _assert_no_live_payload(html):
    soup = BeautifulSoup(html, "html5lib")
    scripts = [tag for tag in soup.find_all("script") if PAYLOAD_MARK in tag.get_text()]
    assert not scripts, "our <script> came back live"
    handlers = soup.find_all(lambda tag: any(name.lower().startswith("on") for name in tag.attrs))
    assert not handlers, f"element with an event handler attribute: {handlers[:1]}"
    assert not soup.find_all("img", src="x"), "the injected <img> came back live"
