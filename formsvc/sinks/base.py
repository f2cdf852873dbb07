"""What a spreadsheet sink is, and the row it receives for one sign-up."""

import json
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GENERAL_SIGNUP_TITLE = "Allmän intresseanmälan"
REFERENCE_HEADER = "Referens"
EMAIL_HEADER = "E-post"

# Column title in the staff sheet → how to read it from a submissions row.
HEADERS = {
    "Referens": lambda row: row["reference"],
    "Inkommen": lambda row: f"{datetime.fromisoformat(row['received_at']).astimezone(STOCKHOLM):%Y-%m-%d %H:%M}",
    "Utlysning": lambda row: row["call_title"] or GENERAL_SIGNUP_TITLE,
    "Företag": lambda row: row["company"],
    "Organisationsnummer": lambda row: row["org_number"],
    "Kommun": lambda row: row["municipality"],
    "Antal anställda": lambda row: row["employees"],
    "Bransch": lambda row: row["industry"],
    "Kontaktperson": lambda row: row["contact_name"],
    "Roll": lambda row: row["role"],
    "E-post": lambda row: row["email"],
    "Telefon": lambda row: row["phone"],
    "Intresseområden": lambda row: ", ".join(json.loads(row["areas"])),
    "Meddelande": lambda row: row["message"],
}


def plan_columns(header_row, wanted):
    """Map headers to 1-based column numbers by name, as staff may reorder columns.

    Returns ({header: column}, [(column, header) to add]): known headers that
    are missing (say, staff deleted one) get new columns after the last used one.
    """
    columns = {}
    for number, value in enumerate(header_row, start=1):
        if isinstance(value, str) and value.strip():
            columns.setdefault(value.strip(), number)
    last = max((number for number, value in enumerate(header_row, start=1) if value not in (None, "")), default=0)
    additions = []
    for header in wanted:
        if header not in columns:
            last += 1
            columns[header] = last
            additions.append((last, header))
    return columns, additions


def sheet_row(submission):
    """{header: text} for one submissions row, in header order."""
    return {header: read(submission) for header, read in HEADERS.items()}


class SheetBusy(Exception):
    """The sheet is in use right now (lock held, open in an office program); try again soon."""


class SheetError(Exception):
    """The sheet cannot be written (corrupt, unwritable, misconfigured)."""


class Sink(Protocol):
    def deliver(self, row: dict) -> None:
        """Add the row unless a row with the same Referens is already there."""

    def deliver_many(self, rows: list) -> list:
        """deliver() for several rows at once; return the references actually appended."""

    def remove(self, references) -> list:
        """Delete rows with these references; return the references removed."""

    def references_matching(self, header: str, value: str) -> list:
        """References of rows whose `header` column equals `value` (case-insensitive)."""
