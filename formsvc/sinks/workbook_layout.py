"""How the staff workbook looks to the people who work in it.

A new workbook gets a bold, frozen header row with an autofilter, column
widths that fit what the columns hold, and three staff columns (Status with a
drop-down, Handläggare, Anteckning). All of that is laid out once, when the
workbook is created: afterwards it belongs to staff, who may rename, move,
fill or delete any of it, and the sink only appends rows by header name.

Cells are written so no value from the public becomes a formula: text cells
keep the apostrophe sheet_row() put in front of formula-like text as a real
character (a quote-prefix style would be lost when staff save as CSV), and
Inkommen becomes a real date-time cell so staff can sort and filter on it.
"""

from datetime import datetime

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from .base import HEADERS

RECEIVED_HEADER = "Inkommen"
# fields.sheet_row() writes Inkommen as Stockholm wall time in this form.
RECEIVED_TEXT_FORMAT = "%Y-%m-%d %H:%M"
# Shown the same in Excel and LibreOffice whatever the user's locale.
RECEIVED_NUMBER_FORMAT = "yyyy-mm-dd hh:mm"

STATUS_HEADER = "Status"
STATUS_CHOICES = ("Ny", "Kontaktad", "Pågår", "Klar", "Avböjd")
STAFF_HEADERS = (STATUS_HEADER, "Handläggare", "Anteckning")

# Widths in Excel's character units; a column not listed gets room for its header.
COLUMN_WIDTHS = {
    "Referens": 16, RECEIVED_HEADER: 17, "Utlysning": 32, "Företag": 30, "Organisationsnummer": 20,
    "Kommun": 14, "Antal anställda": 16, "Bransch": 28, "Kontaktperson": 24, "Roll": 20,
    "E-post": 30, "Telefon": 18, "Intresseområden": 36, "Meddelande": 60,
    STATUS_HEADER: 14, "Handläggare": 20, "Anteckning": 40,
}
MINIMUM_WIDTH = 12
LAST_EXCEL_ROW = 1_048_576


def lay_out_new_sheet(sheet):
    """Header row, staff columns, widths, freeze, filter and the Status drop-down."""
    headers = list(HEADERS) + list(STAFF_HEADERS)
    sheet.append(headers)
    for number, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=number).font = Font(bold=True)
        width = COLUMN_WIDTHS.get(header, max(MINIMUM_WIDTH, len(header) + 4))
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}1"
    _add_status_drop_down(sheet, headers.index(STATUS_HEADER) + 1)


def _add_status_drop_down(sheet, column):
    letter = get_column_letter(column)
    choices = ",".join(STATUS_CHOICES)
    drop_down = DataValidation(
        type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Okänd status", error=f"Välj en status i listan: {', '.join(STATUS_CHOICES)}.",
    )
    drop_down.add(f"{letter}2:{letter}{LAST_EXCEL_ROW}")
    sheet.add_data_validation(drop_down)


def write_cell(sheet, row, column, header, text):
    """Put one safe cell text from sheet_row() into the sheet."""
    received = _received_time(text) if header == RECEIVED_HEADER else None
    if received is not None:
        cell = sheet.cell(row=row, column=column, value=received)
        cell.number_format = RECEIVED_NUMBER_FORMAT
        return cell
    cell = sheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"  # openpyxl would otherwise make "=…" a formula
    if "\n" in text:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _received_time(text):
    try:
        return datetime.strptime(text, RECEIVED_TEXT_FORMAT)
    except (TypeError, ValueError):
        return None  # not our own timestamp: keep it as text rather than guess


def extend_filter_to(sheet, last_row):
    """Let the autofilter staff have cover rows appended below it, keeping its columns."""
    if not sheet.auto_filter.ref:
        return
    first_column, first_row, last_column, filtered_to = range_boundaries(sheet.auto_filter.ref)
    if filtered_to < last_row:
        sheet.auto_filter.ref = (f"{get_column_letter(first_column)}{first_row}:"
                                 f"{get_column_letter(last_column)}{last_row}")
