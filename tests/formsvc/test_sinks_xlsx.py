import os
from datetime import datetime

import pytest
from filelock import FileLock
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from formsvc.sinks import HEADERS, SheetBusy, SheetError, sheet_row
from formsvc.sinks.workbook_layout import STAFF_HEADERS, STATUS_CHOICES
from formsvc.sinks.xlsx import XlsxSink
from tests.formsvc.formsvc_helpers import sheet_rows, stored_signup


def row(reference, **values):
    base = {header: f"{header} {reference}" for header in HEADERS}
    base["Referens"] = reference
    base.update(values)
    return base


@pytest.fixture
def path(tmp_path):
    return tmp_path / "staff" / "anmalningar.xlsx"


def test_new_workbook_gets_headers_and_text_cells(path):
    XlsxSink(path).deliver(sheet_row(stored_signup("SIM-2222-2222", company="=1+2", phone="+47 123 45 678",
                                                   message="-3", call_title="+Utlysning")))
    sheet = load_workbook(path).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(HEADERS) + list(STAFF_HEADERS)
    (delivered,) = sheet_rows(path)
    # Free text from the public (and the communicator's call title) is neutralised...
    assert [delivered[h].value for h in ("Företag", "Meddelande", "Utlysning")] == ["'=1+2", "'-3", "'+Utlysning"]
    # ...a validated foreign phone number is written as it is, without an apostrophe.
    assert delivered["Telefon"].value == "+47 123 45 678"
    assert delivered["Organisationsnummer"].value == "556036-0793"
    # Inkommen is a real date-time cell in Stockholm wall time (11:00 UTC in November).
    assert delivered["Inkommen"].value == datetime(2026, 11, 25, 12, 0)
    assert delivered["Inkommen"].number_format == "yyyy-mm-dd hh:mm"
    assert {cell.data_type for header, cell in delivered.items()
            if header != "Inkommen" and cell.value is not None} == {"s"}
    assert all(delivered[header].value is None for header in STAFF_HEADERS)
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in path.parent.iterdir()) == ["anmalningar.xlsx", "anmalningar.xlsx.lock"]


def test_delivering_the_same_reference_twice_adds_one_row(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-2222-2222"))
    sink.deliver(row("SIM-2222-2222"))
    assert [r["Referens"].value for r in sheet_rows(path)] == ["SIM-2222-2222"]


def test_staff_columns_order_and_sorting_survive_later_appends(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA", Företag="Alfa AB"))
    sink.deliver(row("SIM-BBBB-BBBB", Företag="Beta AB"))
    # Staff: move Företag first, add their own Status column, sort Z→A, drop Meddelande.
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    table = [[cell.value for cell in r] for r in sheet.iter_rows()]
    headers = table[0]
    order = [headers.index("Företag")] + [i for i, h in enumerate(headers) if h not in ("Företag", "Meddelande")]
    rebuilt = Workbook()
    staff = rebuilt.active
    staff.title = "Anmälningar"
    staff.append([headers[i] for i in order] + ["Status"])
    for values, status in sorted(zip(table[1:], ["ringd", "väntar"]), key=lambda p: p[0][headers.index("Företag")], reverse=True):
        staff.append([values[i] for i in order] + [status])
    rebuilt.save(path)

    sink.deliver(row("SIM-CCCC-CCCC", Företag="Gamma AB", Meddelande="Hej"))
    sheet = load_workbook(path).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "Företag" and headers[-2:] == ["Status", "Meddelande"]
    rows = [dict(zip(headers, (cell.value for cell in r))) for r in sheet.iter_rows(min_row=2)]
    assert [(r["Företag"], r["Status"]) for r in rows] == [("Beta AB", "väntar"), ("Alfa AB", "ringd"), ("Gamma AB", None)]
    assert rows[2]["Referens"] == "SIM-CCCC-CCCC" and rows[2]["Meddelande"] == "Hej"


def test_corrupt_workbook_is_never_replaced(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(SheetError, match="cannot be loaded"):
        XlsxSink(path).deliver(row("SIM-2222-2222"))
    assert path.read_bytes() == b"PK\x03\x04 this is not a workbook"


def test_lock_held_elsewhere_means_busy(path):
    path.parent.mkdir(parents=True)
    with FileLock(f"{path}.lock"):
        with pytest.raises(SheetBusy):
            XlsxSink(path, lock_timeout=0.2).deliver(row("SIM-2222-2222"))
    assert not path.exists()


@pytest.mark.parametrize("office_lock", ["~$anmalningar.xlsx", ".~lock.anmalningar.xlsx#"])
def test_workbook_open_in_an_office_program_means_busy(path, office_lock):
    XlsxSink(path).deliver(row("SIM-2222-2222"))
    (path.parent / office_lock).write_text("staff")
    with pytest.raises(SheetBusy, match="office program"):
        XlsxSink(path).deliver(row("SIM-3333-3333"))
    assert len(sheet_rows(path)) == 1


def test_remove_and_find_by_email_keep_other_rows_and_file_mode(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA", **{"E-post": "anna@example.se"}))
    sink.deliver(row("SIM-BBBB-BBBB", **{"E-post": "bo@example.se"}))
    sink.deliver(row("SIM-CCCC-CCCC", **{"E-post": "Anna@Example.se"}))
    os.chmod(path, 0o600)
    assert sink.references_matching("E-post", "ANNA@example.se ") == ["SIM-AAAA-AAAA", "SIM-CCCC-CCCC"]
    assert sink.remove(["SIM-AAAA-AAAA", "SIM-CCCC-CCCC", "SIM-ZZZZ-ZZZZ"]) == ["SIM-AAAA-AAAA", "SIM-CCCC-CCCC"]
    assert [r["Referens"].value for r in sheet_rows(path)] == ["SIM-BBBB-BBBB"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert sink.remove(["SIM-AAAA-AAAA"]) == []


def test_rows_staff_only_formatted_do_not_push_new_rows_down(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA"))
    workbook = load_workbook(path)
    for index in range(2, 40):
        workbook.worksheets[0].cell(row=index, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    workbook.save(path)
    sink.deliver(row("SIM-BBBB-BBBB"))
    sheet = load_workbook(path).worksheets[0]
    assert sheet.cell(row=3, column=1).value == "SIM-BBBB-BBBB"


def test_deliver_many_writes_once_and_skips_known_and_repeated_references(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA"))
    before = path.stat().st_ino
    assert sink.deliver_many([row("SIM-AAAA-AAAA")]) == []
    assert path.stat().st_ino == before  # nothing new: the workbook is not rewritten
    appended = sink.deliver_many([row("SIM-BBBB-BBBB"), row("SIM-AAAA-AAAA"), row("SIM-BBBB-BBBB"), row("SIM-CCCC-CCCC")])
    assert appended == ["SIM-BBBB-BBBB", "SIM-CCCC-CCCC"]
    assert [r["Referens"].value for r in sheet_rows(path)] == ["SIM-AAAA-AAAA", "SIM-BBBB-BBBB", "SIM-CCCC-CCCC"]


def _column_letters(sheet):
    return {cell.value: cell.column_letter for cell in sheet[1] if cell.value}


def test_new_workbook_is_laid_out_for_people(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA"))
    sink.deliver(row("SIM-BBBB-BBBB"))
    sheet = load_workbook(path).worksheets[0]
    letters = _column_letters(sheet)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    # The filter spans every column, header and rows, including the row appended later.
    assert sheet.auto_filter.ref == f"A1:{letters['Anteckning']}3"
    widths = {header: sheet.column_dimensions[letter].width for header, letter in letters.items()}
    assert widths["Meddelande"] > widths["E-post"] > widths["Kommun"] >= 12
    assert all(width >= len(header) for header, width in widths.items())
    (drop_down,) = sheet.data_validations.dataValidation
    assert drop_down.type == "list" and drop_down.formula1 == '"' + ",".join(STATUS_CHOICES) + '"'
    assert str(drop_down.sqref) == f"{letters['Status']}2:{letters['Status']}1048576"


def test_received_time_follows_swedish_summer_time(path):
    signup = stored_signup("SIM-2222-2222")
    signup["received_at"] = "2026-07-01T22:30:00+00:00"
    XlsxSink(path).deliver(sheet_row(signup))
    (delivered,) = sheet_rows(path)
    assert delivered["Inkommen"].value == datetime(2026, 7, 2, 0, 30)


@pytest.mark.parametrize("text", ["'=NOW()", "2026-13-45 25:61", "2026-11-25 12:00 extra"])
def test_received_text_that_is_not_our_timestamp_stays_text(path, text):
    XlsxSink(path).deliver(row("SIM-2222-2222", Inkommen=text))
    (delivered,) = sheet_rows(path)
    assert (delivered["Inkommen"].value, delivered["Inkommen"].data_type) == (text, "s")


def test_staff_columns_are_created_once_and_never_touched_again(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA"))
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    letters = _column_letters(sheet)
    # Staff rename Status and fill it, move Anteckning to the front and fill it,
    # and delete Handläggare.
    sheet[f"{letters['Status']}1"] = "Läge"
    sheet[f"{letters['Status']}2"] = "Kontaktad"
    sheet[f"{letters['Anteckning']}2"] = "ringde tisdag"
    note_column = sheet[f"{letters['Anteckning']}1"].column
    sheet.delete_cols(sheet[f"{letters['Handläggare']}1"].column)  # left of Anteckning
    sheet.insert_cols(1)
    sheet.move_range(f"{get_column_letter(note_column)}1:{get_column_letter(note_column)}2", cols=1 - note_column)
    workbook.save(path)

    sink.deliver(row("SIM-BBBB-BBBB"))
    sheet = load_workbook(path).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["Anteckning"] + list(HEADERS) + ["Läge"]  # none re-added, renamed back or moved
    first, second = sheet_rows(path)
    assert (first["Läge"].value, first["Anteckning"].value) == ("Kontaktad", "ringde tisdag")
    assert (second["Läge"].value, second["Anteckning"].value) == (None, None)
    assert second["Referens"].value == "SIM-BBBB-BBBB"


def test_staff_filter_narrowed_to_some_columns_keeps_its_columns(path):
    sink = XlsxSink(path)
    sink.deliver(row("SIM-AAAA-AAAA"))
    workbook = load_workbook(path)
    workbook.worksheets[0].auto_filter.ref = "B1:D2"
    workbook.save(path)
    sink.deliver(row("SIM-BBBB-BBBB"))
    assert load_workbook(path).worksheets[0].auto_filter.ref == "B1:D3"
