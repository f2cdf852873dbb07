"""Guarantee: nothing the public sends harms staff or other visitors. Every
hostile value on every field, sent over real HTTP, is refused (4xx or the form
again with errors) or stored and neutralised in the workbook; never a 5xx,
never live markup on a page."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from reliability_harness import (
    OPEN_CALL_SLUG,
    FormService,
    SignupClient,
    reference_from_location,
    run_relay,
    service_environment,
    workbook_rows,
)

PAYLOAD_MARK = "xss-payload-7731"
HOSTILE_VALUES = {
    "formula": "=1+1",
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(A1:A9)",
    "tab-formula": "\t=1+1",
    "cr-formula": "\r=1+1",
    "space-formula": " =1+1",
    "spaces-dde": "   +cmd|' /C calc'!A0",
    "quoted-hyperlink": '"=HYPERLINK(""http://evil.example"",""klicka här"")"',
    "apostrophe-formula": "'=1+1",
    "script": f"<script>alert('{PAYLOAD_MARK}')</script>",
    "attribute-breakout": f'"><img src=x onerror=alert("{PAYLOAD_MARK}")>',
    "crlf": "rad ett\r\nSet-Cookie: evil=1\r\n=1+1",
    "nul": "före\x00efter",
    "controls": "a\x01b\x07c\x1bd\x7fe",
    "rtl-override": "faktura\u202efdp.exe",
    "homoglyph-email": "\u0430nna@ex\u0430mple.se",
    "very-long": "A" * 100_000,
    "long-under-limit": "=" + "B" * 20_000,
}
FORM_FIELDS = (
    "company", "org_number", "municipality", "employees", "industry", "contact_name",
    "role", "email", "phone", "areas", "message", "consent", "call", "website",
    "started", "csrf_token",
)
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    env = service_environment(tmp_path_factory.mktemp("hostile"))
    running = FormService(env)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.mark.slow
@pytest.mark.parametrize("field", FORM_FIELDS)
def test_hostile_values_on_each_field_are_refused_or_neutralised(service, field):
    client = SignupClient(service.base_url, call_slug=OPEN_CALL_SLUG)
    accepted = []
    for label, value in HOSTILE_VALUES.items():
        response = client.post(dict(client.fetch_form(), **{field: value}))
        _assert_safe_answer(client, response, f"{field}={label}")
        if response.status_code == 303:
            accepted.append(reference_from_location(response.headers["Location"]))
    _assert_neutralised_in_sheet(service.env, accepted)


@pytest.mark.slow
@pytest.mark.parametrize("encoded", [b"%FF%FE%FD", b"\xff\xfe\xc3\x28", b"%C0%AF", b"%ED%A0%80"],
                         ids=["percent-invalid", "raw-invalid", "overlong", "surrogate"])
@pytest.mark.parametrize("field", ["company", "contact_name", "message", "email"])
def test_invalid_utf8_is_refused_or_stored_safely(service, field, encoded):
    client = SignupClient(service.base_url)
    answers = client.fetch_form()
    answers.pop(field)
    body = urlencode(answers, doseq=True).encode("ascii") + b"&" + field.encode() + b"=" + encoded
    response = client.post(body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    _assert_safe_answer(client, response, f"{field} with {encoded!r}")


@pytest.mark.slow
def test_huge_multi_valued_areas_field(service):
    client = SignupClient(service.base_url)
    answers = list(client.fetch_form().items())
    answers = [(name, value) for name, value in answers if name != "areas"]
    answers += [("areas", f"=Område {number}") for number in range(1000)]
    response = client.post(answers)
    _assert_safe_answer(client, response, "1000 areas")
    assert response.status_code != 303, "made-up areas were accepted"


@pytest.mark.slow
@pytest.mark.parametrize("field", FORM_FIELDS)
def test_missing_field(service, field):
    client = SignupClient(service.base_url, call_slug=OPEN_CALL_SLUG)
    answers = client.fetch_form()
    answers.pop(field, None)
    response = client.post(answers)
    _assert_safe_answer(client, response, f"without {field}")
    if field in ("company", "org_number", "email", "consent", "csrf_token", "started", "areas"):
        assert response.status_code != 303, f"sign-up without {field} accepted"


@pytest.mark.slow
@pytest.mark.parametrize("field", FORM_FIELDS)
def test_duplicated_field(service, field):
    client = SignupClient(service.base_url, call_slug=OPEN_CALL_SLUG)
    answers = list(client.fetch_form().items())
    answers.append((field, HOSTILE_VALUES["formula"]))
    response = client.post(answers)
    _assert_safe_answer(client, response, f"{field} twice")
    if response.status_code == 303:
        _assert_neutralised_in_sheet(service.env, [reference_from_location(response.headers["Location"])])


@pytest.mark.slow
@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "application/xml", ""])
def test_wrong_content_type(service, content_type):
    client = SignupClient(service.base_url)
    body = urlencode(client.fetch_form()).encode()
    response = client.post(body, headers={"Content-Type": content_type})
    _assert_safe_answer(client, response, content_type or "no content type")
    assert response.status_code != 303


@pytest.mark.slow
def test_json_body(service):
    client = SignupClient(service.base_url)
    response = client.post(json=client.fetch_form())
    _assert_safe_answer(client, response, "JSON body")
    assert response.status_code != 303


@pytest.mark.slow
def test_multipart_body_with_hostile_file(service):
    client = SignupClient(service.base_url)
    answers = dict(client.fetch_form(), company=HOSTILE_VALUES["formula"])
    files = {"message": ("=cmd.xlsx", b"=1+1\r\n<script>", "application/vnd.ms-excel")}
    response = client.post(answers, files=files)
    _assert_safe_answer(client, response, "multipart")
    if response.status_code == 303:
        _assert_neutralised_in_sheet(service.env, [reference_from_location(response.headers["Location"])])


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="U+FFFE/U+FFFF reach the workbook and make it unloadable; requested (H6-1)")
def test_xml_illegal_noncharacters_do_not_break_the_workbook(tmp_path, start_service):
    """Its own service and workbook: under the bug the workbook stops loading,
    which would fail every later test sharing it."""
    env = service_environment(tmp_path / "data")
    client = SignupClient(start_service(env).base_url)
    status, location = client.submit({"company": "Bolaget\uffff AB", "message": "\ufffe=1+1"})
    assert status in (200, 303)
    if status == 303:
        _assert_neutralised_in_sheet(env, [reference_from_location(location)])


def _assert_safe_answer(client, response, what):
    status = response.status_code
    assert status < 500, f"{what}: {status}"
    assert status in (200, 303) or 400 <= status < 500, f"{what}: {status}"
    if status == 200:
        assert 'class="error-summary"' in response.text, f"{what}: 200 without an error summary"
    _assert_no_live_payload(response.text, what)
    if status == 303:
        thanks = client.session.get(client.base_url + response.headers["Location"], timeout=10)
        assert thanks.status_code == 200, what
        _assert_no_live_payload(thanks.text, what + " (thank-you page)")


def _assert_no_live_payload(html, what):
    soup = BeautifulSoup(html, "html5lib")
    scripts = [tag for tag in soup.find_all("script") if PAYLOAD_MARK in tag.get_text()]
    assert not scripts, f"{what}: our <script> came back live"
    handlers = soup.find_all(lambda tag: any(name.lower().startswith("on") for name in tag.attrs))
    assert not handlers, f"{what}: element with an event handler attribute: {handlers[:1]}"
    assert not soup.find_all("img", src="x"), f"{what}: injected <img> came back live"


def _assert_neutralised_in_sheet(env, references):
    if not references:
        return
    result = run_relay(env)
    assert result.returncode == 0, result.stderr
    rows = {row["Referens"].value: row for row in workbook_rows(env["SHEET_PATH"])}
    for reference in references:
        assert reference in rows, f"{reference} not delivered"
        for header, cell in rows[reference].items():
            assert cell.data_type != "f", f"{reference} {header}: formula {cell.value!r}"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(DANGEROUS_FIRST), f"{reference} {header}: {cell.value!r}"
