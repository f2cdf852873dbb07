"""What a spreadsheet sink is. The row it receives is sheet_row() of one
sign-up: {header: cell text}, already safe to write as it is."""

import re
import time
from email.utils import parsedate_to_datetime
from typing import Protocol

# The columns and the safe cell text of a row are declared in fields.py.
from ..fields import EMAIL_HEADER, HEADERS, REFERENCE_HEADER, sheet_row  # noqa: F401


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


class SheetBusy(Exception):
    """The sheet is in use right now (lock held, open in an office program, the
    service throttling us); try again soon, and not before `retry_after` seconds."""

    def __init__(self, message, retry_after=0.0):
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_seconds(response):
    """Seconds from a response's Retry-After header (a number or an HTTP date), or None."""
    value = (getattr(response, "headers", None) or {}).get("Retry-After", "").strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


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
