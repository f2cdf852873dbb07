"""The sign-up pages end to end: form → database → relay → workbook."""

import io

from bs4 import BeautifulSoup
from tests.formsvc.formsvc_helpers import (
    CLOSED_CALL, OPEN_CALL, UPCOMING_CALL, deliver_all, form_tokens, query, sheet_rows,
    stored_references, submit, valid_answers,
)

FIELD_NAMES = {
    "company", "org_number", "municipality", "employees", "industry", "contact_name", "role",
    "email", "phone", "areas", "message", "consent", "website", "started", "csrf_token",
}


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def test_form_has_the_contract_field_names_and_no_browser_validation(client):
    soup = page(client.get("/anmalan/"))
    form = soup.find("form", method="post")
    assert form.has_attr("novalidate")
    names = {field["name"] for field in form.find_all(["input", "select", "textarea"]) if field.get("name")}
    assert names == FIELD_NAMES
    assert soup.html["lang"] == "sv"
    # Radios and checkboxes are grouped in fieldsets whose legend is the question.
    legends = [fieldset.legend.get_text(strip=True) for fieldset in form.find_all("fieldset")]
    assert legends == ["Antal anställda", "Intresseområden"]
    # Every visible control has a label.
    for control in form.find_all(["input", "select", "textarea"]):
        if control.get("type") not in ("hidden",) and control.get("name") != "website":
            assert soup.find("label", attrs={"for": control["id"]}), control
    assert soup.find("a", href="/personuppgifter/")


def test_call_form_has_no_hidden_call_field_the_address_names_the_call(client):
    # The slug in the address decides the call; a posted `call` field changes nothing.
    assert set(form_tokens(client, f"/anmalan/{OPEN_CALL}/")) == {"csrf_token", "started"}
    response = submit(client, f"/anmalan/{OPEN_CALL}/", call=CLOSED_CALL)
    reference = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    assert query(client.application, "SELECT call_slug FROM submissions WHERE reference = ?", (reference,)) == [(OPEN_CALL,)]


def test_valid_signup_reaches_database_and_sheet_exactly_once(app, client):
    response = submit(client, f"/anmalan/{OPEN_CALL}/", org_number="16 5560360793", phone="+46 70 1234567")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/anmalan/tack/SIM-")
    reference = location.rstrip("/").rsplit("/", 1)[1]

    thanks = client.get(location)
    assert thanks.status_code == 200
    text = page(thanks).get_text()
    assert reference in text and f"Utlysning {OPEN_CALL}" in text
    assert "Anna" not in text and "anna@example.se" not in text  # no personal data

    (row,) = query(app, "SELECT org_number, phone, call_slug, areas FROM submissions")
    assert row == ("556036-0793", "070-123 45 67", OPEN_CALL, '["Finansiering", "Internationalisering"]')
    assert query(app, "SELECT state FROM outbox") == [("pending",)]

    assert deliver_all(app) == {"done": 1}
    assert deliver_all(app) == {}
    (sheet_row,) = sheet_rows(app.config["SHEET_PATH"])
    assert sheet_row["Referens"].value == reference
    assert sheet_row["Företag"].value == "Verkstad i Krokom AB"
    assert sheet_row["Intresseområden"].value == "Finansiering, Internationalisering"
    assert all(cell.data_type == "s" for header, cell in sheet_row.items()
               if cell.value is not None and header != "Inkommen")  # Inkommen is a date-time cell
    assert query(app, "SELECT state FROM outbox") == [("done",)]


def test_invalid_signup_shows_errors_inline_and_in_summary_and_keeps_values(app, client):
    response = submit(client, org_number="556036-0794", email="inte en adress", areas=[], consent=None)
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.get_text().startswith("Fel: ")
    summary = soup.find(class_="error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and summary.has_attr("autofocus")
    links = [link["href"] for link in summary.find_all("a")]
    assert links == ["#org_number", "#email", "#areas-0", "#consent"]
    for field in ("org_number", "email", "areas", "consent"):
        message = soup.find(id=f"{field}-error")
        assert message and message.find(class_="visually-hidden").get_text() == "Fel:"
    assert "org_number-error" in soup.find(id="org_number")["aria-describedby"]
    assert soup.find(id="org_number")["value"] == "556036-0794"
    assert soup.find(id="email")["value"] == "inte en adress"
    assert soup.find(id="company")["value"] == "Verkstad i Krokom AB"
    assert soup.find("option", selected=True, value="Krokom")
    assert soup.find("input", attrs={"name": "employees", "value": "10–49"}).has_attr("checked")
    assert soup.find(id="message").get_text() == "Vi vill automatisera svetsningen."
    assert "10 siffror" in soup.find(id="org_number-hint").get_text()
    assert stored_references(app) == []


def test_hostile_values_come_back_escaped_and_land_neutralised(app, client):
    hostile = {
        "company": '=HYPERLINK("http://evil.example","klicka")',
        "contact_name": "<script>alert(1)</script>",
        "role": "@SUM(A1:A9)",
        "message": "-2+3\r\nrad två\x00 med NUL \u202eRLO",
    }
    response = submit(client, **hostile)
    assert response.status_code == 303
    assert deliver_all(app) == {"done": 1}
    (row,) = sheet_rows(app.config["SHEET_PATH"])
    assert row["Företag"].value == "'" + hostile["company"]
    assert row["Företag"].data_type == "s"
    assert row["Kontaktperson"].value == "<script>alert(1)</script>"
    assert row["Roll"].value == "'@SUM(A1:A9)"
    assert row["Meddelande"].value == "'-2+3\nrad två med NUL \u202eRLO"

    # Invalid (too long) so the page comes back with what was typed.
    again = submit(client, company="<b>x</b>" * 1250, contact_name="<script>alert(1)</script>",
                   message="\u202e" + "A" * 10_000)
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html
    soup = page(again)
    assert soup.find(id="company")["value"] == "<b>x</b>" * 1250
    assert soup.find(id="message").get_text() == "\u202e" + "A" * 10_000
    assert "högst 200 tecken" in soup.find(id="company-error").get_text()
    assert "10 001" in soup.find(id="message-error").get_text()
    assert len(stored_references(app)) == 1


def test_unknown_call_is_404_in_swedish(app, client):
    response = client.get("/anmalan/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in page(response).h1.get_text()
    tokens = form_tokens(client)
    assert client.post("/anmalan/finns-inte/", data=dict(tokens, **valid_answers())).status_code == 404
    assert stored_references(app) == []


def test_closed_and_upcoming_calls_say_so_and_store_nothing(app, client):
    tokens = form_tokens(client)
    for slug, words in ((CLOSED_CALL, "är stängd"), (UPCOMING_CALL, "har inte öppnat")):
        shown = client.get(f"/anmalan/{slug}/")
        assert shown.status_code == 200 and words in page(shown).h1.get_text()
        assert page(shown).find("form", method="post") is None
        posted = client.post(f"/anmalan/{slug}/", data=dict(tokens, **valid_answers()))
        assert posted.status_code == 409 and words in page(posted).h1.get_text()
    assert stored_references(app) == []


def test_thanks_page_is_404_for_unknown_or_malformed_references(client):
    assert client.get("/anmalan/tack/SIM-2222-2222/").status_code == 404
    assert client.get("/anmalan/tack/'%3Cscript%3E/").status_code == 404


def test_health_reports_backlog_without_personal_data(app, client):
    submit(client)
    response = client.get("/anmalan/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "database": "ok", "mail": "off (FORMSVC_SMTP_HOST not set)", "outbox_pending": 1, "outbox_dead": 0,
        "outbox": {"sheet": {"pending": 1, "dead": 0}, "staff_mail": {"pending": 0, "dead": 0},
                   "confirmation": {"pending": 0, "dead": 0}, "feedback_mail": {"pending": 0, "dead": 0}},
    }
    assert "Set-Cookie" not in response.headers


def test_a_file_sent_in_a_text_field_is_ignored_not_a_crash(app, client):
    data = dict(form_tokens(client), **valid_answers())
    del data["company"]
    data["company"] = (io.BytesIO(b"=1+1"), "foretag.txt")
    response = client.post("/anmalan/", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Skriv företagets namn" in page(response).find(id="company-error").get_text()
    assert stored_references(app) == []


def test_xml_noncharacters_never_reach_the_database_or_sheet(app, client):
    assert submit(client, company="Nolla\uffff AB", message="a\ufffeb").status_code == 303
    assert query(app, "SELECT company, message FROM submissions") == [("Nolla AB", "ab")]
    assert deliver_all(app) == {"done": 1}
    assert sheet_rows(app.config["SHEET_PATH"])[0]["Företag"].value == "Nolla AB"
