"""The Google Sheets sink against an in-memory worksheet that behaves like
gspread's for the calls the sink makes (and accepts only RAW input)."""

import pytest

from formsvc.sinks import HEADERS, SheetError, sheet_row
from formsvc.sinks.gsheets import GoogleSheetsSink
from tests.formsvc.formsvc_helpers import stored_signup


class InMemoryWorksheet:
    def __init__(self, table=None):
        self.table = [list(row) for row in table or []]

    def get_all_values(self):
        return [list(row) for row in self.table]

    def update(self, values, range_name, raw):
        assert range_name == "A1" and raw is True
        self.table[0:1] = [list(values[0])]

    def append_rows(self, values, value_input_option, insert_data_option, table_range):
        assert value_input_option == "RAW", "never USER_ENTERED: Sheets would parse formulas"
        self.table.extend(list(line) for line in values)

    def delete_rows(self, index):
        del self.table[index - 1]


def row(reference, **values):
    base = {header: f"{header} {reference}" for header in HEADERS}
    base["Referens"] = reference
    base.update(values)
    return base


def as_dicts(worksheet):
    headers = worksheet.table[0]
    return [dict(zip(headers, line)) for line in worksheet.table[1:]]


def test_empty_sheet_gets_headers_and_neutralised_raw_row():
    worksheet = InMemoryWorksheet()
    signup = stored_signup("SIM-2222-2222", company="=IMPORTXML(\"x\")", phone="+358 40 123 4567")
    GoogleSheetsSink(worksheet).deliver(sheet_row(signup))
    assert worksheet.table[0] == list(HEADERS)
    (line,) = as_dicts(worksheet)
    assert line["Företag"] == "'=IMPORTXML(\"x\")" and line["Referens"] == "SIM-2222-2222"
    assert line["Telefon"] == "+358 40 123 4567"


def test_staff_columns_are_kept_and_a_known_reference_is_skipped():
    staff_headers = ["Status", "Referens", "Företag"]
    worksheet = InMemoryWorksheet([staff_headers, ["ringd", "SIM-AAAA-AAAA", "Alfa AB"]])
    sink = GoogleSheetsSink(worksheet)
    sink.deliver(row("SIM-AAAA-AAAA"))
    sink.deliver(row("SIM-BBBB-BBBB", Företag="Beta AB"))
    sink.deliver(row("SIM-BBBB-BBBB", Företag="Beta AB"))
    assert worksheet.table[0][:3] == staff_headers and set(worksheet.table[0]) == set(HEADERS) | {"Status"}
    lines = as_dicts(worksheet)
    assert [(line["Status"], line["Referens"], line["Företag"]) for line in lines] == [
        ("ringd", "SIM-AAAA-AAAA", "Alfa AB"), ("", "SIM-BBBB-BBBB", "Beta AB"),
    ]


def test_remove_and_find_by_email():
    worksheet = InMemoryWorksheet()
    sink = GoogleSheetsSink(worksheet)
    for reference, email in (("SIM-AAAA-AAAA", "a@x.se"), ("SIM-BBBB-BBBB", "b@x.se"), ("SIM-CCCC-CCCC", "A@X.se")):
        sink.deliver(row(reference, **{"E-post": email}))
    assert sink.references_matching("E-post", "a@x.se") == ["SIM-AAAA-AAAA", "SIM-CCCC-CCCC"]
    assert sink.remove(["SIM-AAAA-AAAA", "SIM-CCCC-CCCC"]) == ["SIM-AAAA-AAAA", "SIM-CCCC-CCCC"]
    assert [line["Referens"] for line in as_dicts(worksheet)] == ["SIM-BBBB-BBBB"]


def test_misconfiguration_is_a_sheet_error_so_the_relay_retries():
    with pytest.raises(SheetError, match="gsheets"):
        GoogleSheetsSink.from_config({"GSHEETS_CREDENTIALS": "", "GSHEETS_KEY": "", "GSHEETS_WORKSHEET": ""})
