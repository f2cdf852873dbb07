"""Spreadsheet sinks: where the relay puts each sign-up for staff.

Adding a backend is one more module with a class that has the methods of
base.Sink, plus one line in make_sink.
"""

from .base import HEADERS, SheetBusy, SheetError, Sink, sheet_row  # noqa: F401


class NoSink:
    """SHEET_BACKEND=none: sign-ups stay in the database only (exports still work)."""

    def deliver(self, row):
        return None

    def deliver_many(self, rows):
        return []

    def remove(self, references):
        return []

    def references_matching(self, header, value):
        return []


BACKENDS = ("xlsx", "gsheets", "m365", "none")


def check_backend(config):
    """Fail at start on a misspelt SHEET_BACKEND or a backend's missing
    settings, without touching the sheet."""
    if config["SHEET_BACKEND"] not in BACKENDS:
        raise ValueError(f"unknown SHEET_BACKEND {config['SHEET_BACKEND']!r} (expected one of {BACKENDS})")
    if config["SHEET_BACKEND"] == "gsheets":
        from .gsheets_settings import check_config as check_gsheets  # google-auth only when it is used

        check_gsheets(config)
    if config["SHEET_BACKEND"] == "m365":
        from .m365 import check_config as check_m365

        check_m365(config)


def make_sink(config):
    check_backend(config)
    backend = config["SHEET_BACKEND"]
    if backend == "xlsx":
        from .xlsx import XlsxSink

        return XlsxSink(config["SHEET_PATH"], lock_timeout=config["SHEET_LOCK_TIMEOUT"])
    if backend == "gsheets":
        from .gsheets import GoogleSheetsSink

        return GoogleSheetsSink.from_config(config)
    if backend == "m365":
        from .m365 import ExcelTableSink

        return ExcelTableSink.from_config(config)
    return NoSink()
