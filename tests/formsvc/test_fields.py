"""The field declarations (formsvc/fields.py) reach every use: the form page,
the database, the staff sheet, the export and the staff mail. Each test runs
once per declared field, so a field left out of any use fails by name."""

import csv
import io
import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from formsvc import db_sqlite, fields
from formsvc.validators import InvalidValue, normalise_org_number, normalise_phone
from tests.formsvc.formsvc_helpers import deliver_all, query, sheet_rows, submit, valid_answers

# A value for each field that is valid and tells the fields apart.
DISTINCT = {
    "company": "Fältprov AB",
    "org_number": "212000-0142",
    "municipality": "Åre",
    "employees": "50–249",
    "industry": "Bygg och anläggning",
    "contact_name": "Fält Fältsson",
    "role": "Produktionschef",
    "email": "falt@example.se",
    "phone": "+47 123 45 678",
    "areas": ["Tjänsteaddering"],
    "message": "Ett meddelande som bara finns här.",
}
NAMES = [field.name for field in fields.FIELDS]


def test_every_declared_field_has_a_distinct_test_value():
    # A new declaration must come with a value here and in valid_answers().
    assert set(DISTINCT) == set(NAMES) <= set(valid_answers())


@pytest.fixture
def signup(app, client):
    """The app after one sign-up with DISTINCT values was stored and relayed to the workbook."""
    response = submit(client, **DISTINCT)
    assert response.status_code == 303, response.get_data(as_text=True)
    deliver_all(app)
    return app


@pytest.mark.parametrize("name", NAMES)
def test_field_is_on_the_form_with_its_label(client, name):
    declared = fields.BY_NAME[name]
    page = BeautifulSoup(client.get("/anmalan/").get_data(as_text=True), "html5lib")
    control = page.find(["input", "select", "textarea"], attrs={"name": name})
    assert control is not None, f"{name} is not on the form"
    group = page.find("fieldset", id=name)  # radios and checkboxes: the legend is the question
    label = group.legend if group else page.find("label", attrs={"for": control["id"]})
    assert label.get_text(strip=True) == declared.label


@pytest.mark.parametrize("name", NAMES)
def test_field_reaches_database_sheet_and_export(signup, name):
    declared = fields.BY_NAME[name]
    expected = ", ".join(DISTINCT[name]) if declared.multiple else DISTINCT[name]
    (stored,) = query(signup, f"SELECT {name} FROM submissions")
    assert declared.text(stored[0]) == expected
    (row,) = sheet_rows(signup.config["SHEET_PATH"])
    assert row[declared.header].value == expected
    result = signup.test_cli_runner().invoke(args=["export", "--format", "csv"])
    header, line = list(csv.reader(io.StringIO(result.output.lstrip("\ufeff")), delimiter=";"))
    assert dict(zip(header, line))[declared.header] == expected


@pytest.mark.parametrize("name", NAMES)
def test_field_is_in_the_staff_mail_unless_personal(name):
    declared = fields.BY_NAME[name]
    stored = {field.name: field.column_value(DISTINCT[field.name]) for field in fields.FIELDS}
    lines = dict(fields.mail_lines(stored))
    assert (declared.header in lines) == (declared.mailed and not declared.personal)


def test_organisation_number_is_personal_data_and_never_mailed():
    # Sole traders sign up with their personnummer.
    assert fields.BY_NAME["org_number"].personal
    stored = {field.name: field.column_value(DISTINCT[field.name]) for field in fields.FIELDS}
    assert "212000-0142" not in repr(fields.mail_lines(stored))


def test_a_field_declared_without_a_migration_stops_the_app(make_app, monkeypatch):
    extra = replace(fields.BY_NAME["role"], name="website_url", header="Webbplats")
    monkeypatch.setattr(db_sqlite, "FIELDS", (*fields.FIELDS, extra))
    with pytest.raises(RuntimeError, match=r"website_url.*formsvc/db_sqlite\.py"):
        make_app()


def test_headers_are_unique_and_start_with_the_record_columns():
    assert len(set(fields.HEADERS)) == len(fields.HEADERS)
    assert fields.HEADERS[:3] == ("Referens", "Inkommen", "Utlysning")


@pytest.mark.parametrize(("stored", "cell"), [
    ("+47 123 45 678", "+47 123 45 678"),
    ("070-123 45 67", "070-123 45 67"),
    # Not what the validator makes, so not trusted as plain: neutralised.
    ("+1+1", "'+1+1"),
    ("=1+1", "'=1+1"),
    ("-070", "'-070"),
])
def test_plain_cells_are_written_as_is_only_in_their_declared_form(stored, cell):
    assert fields.BY_NAME["phone"].cell_text(stored) == cell


@given(st.text(alphabet="0123456789+-() ./", max_size=24))
def test_every_normalised_phone_number_is_a_plain_cell(typed):
    try:
        value = normalise_phone(typed)
    except InvalidValue:
        return
    assert re.fullmatch(fields.PHONE_PATTERN, value), value


@given(st.text(alphabet="0123456789- ", max_size=16))
def test_every_normalised_organisation_number_is_a_plain_cell(typed):
    try:
        value = normalise_org_number(typed)
    except InvalidValue:
        return
    assert re.fullmatch(fields.ORG_NUMBER_PATTERN, value), value
