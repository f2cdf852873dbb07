"""A Google Sheets worksheet as the staff sheet (SHEET_BACKEND=gsheets).

Same rules as the workbook: rows are appended by header name, a Referens
already present is skipped, and cells arrive made safe by sheet_row()
(fields.py). Values are sent with
valueInputOption RAW so Sheets stores them as typed and never parses a
formula out of them (USER_ENTERED would).

Needs the optional package gspread (`pip install gspread==6.1.4`) and a
service account that the spreadsheet is shared with:
FORMSVC_GSHEETS_CREDENTIALS (path to its JSON key), FORMSVC_GSHEETS_KEY (the
spreadsheet's id from its address) and optionally FORMSVC_GSHEETS_WORKSHEET
(a tab title; the first tab otherwise).
"""

from .base import HEADERS, REFERENCE_HEADER, SheetError, plan_columns

RAW = "RAW"


class GoogleSheetsSink:
    def __init__(self, worksheet):
        self.worksheet = worksheet

    @classmethod
    def from_config(cls, config):
        """Connect with the service account; called by the relay only when it has work."""
        try:
            import gspread
        except ImportError as missing:
            raise SheetError("SHEET_BACKEND=gsheets needs the gspread package") from missing
        if not (config["GSHEETS_CREDENTIALS"] and config["GSHEETS_KEY"]):
            raise SheetError("SHEET_BACKEND=gsheets needs FORMSVC_GSHEETS_CREDENTIALS and FORMSVC_GSHEETS_KEY")
        client = gspread.service_account(filename=config["GSHEETS_CREDENTIALS"])
        spreadsheet = client.open_by_key(config["GSHEETS_KEY"])
        title = config["GSHEETS_WORKSHEET"]
        return cls(spreadsheet.worksheet(title) if title else spreadsheet.sheet1)

    def deliver(self, row):
        self.deliver_many([row])

    def deliver_many(self, rows):
        """One read, at most one header update and one append for the whole batch."""
        table = self.worksheet.get_all_values()
        header_row = table[0] if table else []
        columns, additions = plan_columns(header_row, HEADERS)
        present = set(self._column_values(table, columns[REFERENCE_HEADER]))
        width = max(columns.values())
        lines, appended = [], []
        for row in rows:
            if row[REFERENCE_HEADER] in present:
                continue
            line = [""] * width
            for header, value in row.items():
                line[columns[header] - 1] = value
            lines.append(line)
            present.add(row[REFERENCE_HEADER])
            appended.append(row[REFERENCE_HEADER])
        if not lines:
            return []
        if additions:
            headers = list(header_row) + [""] * (width - len(header_row))
            for column, header in additions:
                headers[column - 1] = header
            self.worksheet.update(values=[headers], range_name="A1", raw=True)
        self.worksheet.append_rows(lines, value_input_option=RAW, insert_data_option="INSERT_ROWS",
                                   table_range="A1")
        return appended

    def remove(self, references):
        wanted = set(references)
        table = self.worksheet.get_all_values()
        if not table or not wanted:
            return []
        columns, _ = plan_columns(table[0], ())
        if REFERENCE_HEADER not in columns:
            return []
        values = self._column_values(table, columns[REFERENCE_HEADER])
        doomed = [(index, value) for index, value in enumerate(values, start=2) if value in wanted]
        for index, _value in reversed(doomed):  # bottom up, so indexes stay valid
            self.worksheet.delete_rows(index)
        return [value for _index, value in doomed]

    def references_matching(self, header, value):
        table = self.worksheet.get_all_values()
        columns, _ = plan_columns(table[0] if table else [], ())
        if header not in columns or REFERENCE_HEADER not in columns:
            return []
        wanted = value.strip().casefold()
        matches = zip(self._column_values(table, columns[REFERENCE_HEADER]),
                      self._column_values(table, columns[header]))
        return [reference for reference, cell in matches if cell.strip().casefold() == wanted]

    @staticmethod
    def _column_values(table, column):
        """Cells of one column below the header ('' where a row is short)."""
        return [row[column - 1] if len(row) >= column else "" for row in table[1:]]
