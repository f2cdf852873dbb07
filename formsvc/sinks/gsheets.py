"""A Google Sheets worksheet as the staff sheet (SHEET_BACKEND=gsheets).

Same rules as the workbook: rows are appended by header name, a Referens
already in the sheet is skipped (the column is read before every append, so a
relay that died between Google's append and its own acknowledgement adds
nothing the next time), and cells arrive made safe by sheet_row() (fields.py).
Values are sent with valueInputOption RAW, so Sheets stores them as typed and
never parses a formula out of them (USER_ENTERED would).

Why gspread with a one-method subclass: gspread (pinned in
requirements-formsvc.txt) builds every Sheets URL from module constants, so
the API address cannot be configured; but every call goes through
HTTPClient.request, so a subclass that swaps the address prefix there is all
it takes to point the real client at a local fake in tests
(FORMSVC_GSHEETS_API_URL). Everything else — the JWT-bearer grant to the key's
`token_uri` (google-auth), A1 ranges, request bodies — stays the library's.

How failures reach the relay:
- quota (429 RESOURCE_EXHAUSTED) and Google's 500/503 are SheetBusy: the relay
  tries again soon without using up an attempt, and this process sends nothing
  to that spreadsheet until Retry-After (or, when Google gives none, a pause
  that doubles up to QUOTA_PAUSE_MAX, as Google asks) has passed;
- everything else is a SheetError whose message, in the relay's log, says
  what to fix (sheet not shared with the service account, wrong id, missing
  tab, refused key, Google unreachable), with a Swedish `swedish` for the staff
  commands (`erase`): the relay backs off and dead-letters as for a workbook.
"""

import threading
import time
from contextlib import contextmanager
from functools import partial

import gspread
import requests
from google.auth.exceptions import GoogleAuthError, RefreshError
from gspread.exceptions import APIError, SpreadsheetNotFound, WorksheetNotFound
from gspread.http_client import HTTPClient

from ..cells import neutralise
from .base import HEADERS, REFERENCE_HEADER, SheetBusy, SheetError, plan_columns, retry_after_seconds
from .gsheets_settings import GOOGLE_SHEETS_API, check_config, load_credentials

RAW = "RAW"
RETRY_LATER_STATUSES = (429, 500, 503)
QUOTA_PAUSE_MAX = 64.0

_pauses = {}  # (api url, spreadsheet id) -> (paused until, consecutive refusals)
_pauses_lock = threading.Lock()
_credentials = {}  # (key file, api url) -> Credentials, so a token serves for its hour
_credentials_lock = threading.Lock()


class _SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client sending Sheets calls to `api_url` instead of Google."""

    def __init__(self, auth, session=None, api_url=GOOGLE_SHEETS_API):
        super().__init__(auth, session)
        self.api_url = api_url.rstrip("/")

    def request(self, method, endpoint, *args, **kwargs):
        if endpoint.startswith(GOOGLE_SHEETS_API):
            endpoint = self.api_url + endpoint[len(GOOGLE_SHEETS_API):]
        return super().request(method, endpoint, *args, **kwargs)


class GoogleSheetsSink:
    def __init__(self, credentials, spreadsheet_id, worksheet_title="", api_url=GOOGLE_SHEETS_API, timeout=30.0):
        self.credentials = credentials
        self.spreadsheet_id = spreadsheet_id
        self.worksheet_title = worksheet_title
        self.api_url = api_url.rstrip("/")
        self.client = gspread.Client(credentials, http_client=partial(_SheetsHTTPClient, api_url=self.api_url))
        self.client.set_timeout(timeout)
        self._worksheet = None

    @classmethod
    def from_config(cls, config):
        """Read the key (no network: the token and the sheet are fetched on first use)."""
        check_config(config)
        api_url = config.get("GSHEETS_API_URL") or GOOGLE_SHEETS_API
        cache_key = (str(config["GSHEETS_CREDENTIALS"]), api_url)
        with _credentials_lock:
            if cache_key not in _credentials:
                _credentials[cache_key] = load_credentials(config["GSHEETS_CREDENTIALS"])
            credentials = _credentials[cache_key]
        return cls(credentials, config["GSHEETS_KEY"], config.get("GSHEETS_WORKSHEET", ""), api_url,
                   config.get("GSHEETS_TIMEOUT", 30.0))

    def deliver(self, row):
        self.deliver_many([row])

    def deliver_many(self, rows):
        """Read the headers and the Referens column, then at most one header update and one append."""
        with self._google():
            sheet = self._sheet()
            header_row = sheet.row_values(1)
            existing, _ = plan_columns(header_row, ())
            columns, additions = plan_columns(header_row, HEADERS)
            present = set(self._column(sheet, columns[REFERENCE_HEADER])) if REFERENCE_HEADER in existing else set()
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
                if width > sheet.col_count:
                    sheet.add_cols(width - sheet.col_count)  # values.update does not widen the grid
                headers = list(header_row) + [""] * (width - len(header_row))
                for column, header in additions:
                    headers[column - 1] = header
                sheet.update(values=[headers], range_name="A1", raw=True)
            sheet.append_rows(lines, value_input_option=RAW, insert_data_option="INSERT_ROWS", table_range="A1")
        return appended

    def remove(self, references):
        wanted = set(references)
        if not wanted:
            return []
        with self._google():
            sheet = self._sheet()
            columns, _ = plan_columns(sheet.row_values(1), ())
            if REFERENCE_HEADER not in columns:
                return []
            doomed = [(number, value) for number, value in enumerate(self._column(sheet, columns[REFERENCE_HEADER]),
                                                                     start=2) if value in wanted]
            if doomed:
                # One request; bottom up, so each deletion leaves the next row's number valid.
                sheet.spreadsheet.batch_update({"requests": [
                    {"deleteDimension": {"range": {"sheetId": sheet.id, "dimension": "ROWS",
                                                   "startIndex": number - 1, "endIndex": number}}}
                    for number, _value in reversed(doomed)
                ]})
        return [value for _number, value in doomed]

    def references_matching(self, header, value):
        with self._google():
            sheet = self._sheet()
            columns, _ = plan_columns(sheet.row_values(1), ())
            if header not in columns or REFERENCE_HEADER not in columns:
                return []
            references, cells = (self._column_range(found) for found in sheet.batch_get(
                [_column_a1(columns[REFERENCE_HEADER]), _column_a1(columns[header])], major_dimension="COLUMNS"))
        # formsvc wrote "=x@example.se" as "'=x@example.se": match either spelling.
        wanted = {value.strip().casefold(), neutralise(value.strip()).casefold()}
        cells += [""] * (len(references) - len(cells))
        return [reference for reference, cell in zip(references, cells) if reference and cell.strip().casefold() in wanted]

    def _sheet(self):
        if self._worksheet is None:
            spreadsheet = self.client.open_by_key(self.spreadsheet_id)
            self._worksheet = (spreadsheet.worksheet(self.worksheet_title) if self.worksheet_title
                               else spreadsheet.sheet1)
        return self._worksheet

    @staticmethod
    def _column(sheet, column):
        """Cells of one column below the header."""
        return [str(value or "") for value in sheet.col_values(column)[1:]]

    @staticmethod
    def _column_range(value_range):
        """Cells below the header of a batch_get column (a list of one list, or empty)."""
        return [str(value or "") for value in (value_range[0] if value_range else [])[1:]]

    @contextmanager
    def _google(self):
        """Turn what Google and the network say into SheetBusy / SheetError with a line saying what to do."""
        pause_key = (self.api_url, self.spreadsheet_id)
        with _pauses_lock:
            until, refusals = _pauses.get(pause_key, (0.0, 0))
        if time.time() < until:
            raise GoogleSheetBusy(f"Google Sheets asked us to wait; trying again in {until - time.time():.0f} s")
        try:
            yield
        except WorksheetNotFound as error:
            raise GoogleSheetError(
                f"the spreadsheet has no tab {self.worksheet_title!r}: set FORMSVC_GSHEETS_WORKSHEET to a tab's "
                "exact title, or leave it empty for the first tab",
                f"kalkylarket har ingen flik som heter {self.worksheet_title!r}: rätta FORMSVC_GSHEETS_WORKSHEET",
            ) from error
        except (SpreadsheetNotFound, PermissionError, APIError) as error:
            response = _response_of(error)
            status = getattr(response, "status_code", None)
            if status in RETRY_LATER_STATUSES:
                wait = retry_after_seconds(response) or min(QUOTA_PAUSE_MAX, 2.0 ** refusals)
                with _pauses_lock:
                    _pauses[pause_key] = (time.time() + wait, refusals + 1)
                raise GoogleSheetBusy(f"Google Sheets answered {status} ({_google_status(response)}); "
                                       f"waiting {wait:.0f} s before the next request") from error
            raise GoogleSheetError(*self._explain(status, response)) from error
        except RefreshError as error:
            raise GoogleSheetError(
                f"Google refused the service account key in FORMSVC_GSHEETS_CREDENTIALS ({error}); the key may "
                "be deleted or disabled: create a new key for the service account and replace the file",
                "Google godtar inte tjänstekontots nyckel: skapa en ny nyckel och byt filen som "
                "FORMSVC_GSHEETS_CREDENTIALS pekar på",
            ) from error
        except (requests.RequestException, GoogleAuthError) as error:
            raise GoogleSheetError(f"Google Sheets could not be reached at {self.api_url}: {error}",
                                    "servern når inte Google Kalkylark: kontrollera nätverket och brandväggen"
                                    ) from error
        with _pauses_lock:
            _pauses.pop(pause_key, None)

    def _explain(self, status, response):
        """(log line, Swedish line for the staff command) for a refusal that waiting will not cure."""
        account = self.credentials.service_account_email
        if status == 403:
            return (f"Google Sheets refused access to spreadsheet {self.spreadsheet_id} (403 PERMISSION_DENIED): "
                    f"share the spreadsheet with {account} as editor",
                    f"kalkylarket är inte delat med tjänstekontot: dela det med {account} som redigerare")
        if status == 404:
            return (f"Google Sheets has no spreadsheet {self.spreadsheet_id} (404 NOT_FOUND): check "
                    "FORMSVC_GSHEETS_KEY, the part between /d/ and /edit in the spreadsheet's address",
                    f"Google hittar inget kalkylark med id {self.spreadsheet_id}: rätta FORMSVC_GSHEETS_KEY")
        return (f"Google Sheets answered {status} ({_google_status(response)}): {_google_message(response)}",
                f"Google Kalkylark svarade {status} ({_google_status(response)})")


class GoogleSheetBusy(SheetBusy):
    """Google asked us to wait (quota, a passing outage): no attempt is used up."""

    swedish = "Google Kalkylark ber tjänsten vänta en stund (för många anrop, eller ett tillfälligt fel hos Google)"


class GoogleSheetError(SheetError):
    """A refusal that needs someone to act; `swedish` is what the staff commands print."""

    def __init__(self, message, swedish):
        super().__init__(message)
        self.swedish = swedish


def _column_a1(column):
    """'C1:C' for column 3: the whole column, header included."""
    letters = gspread.utils.rowcol_to_a1(1, column)[:-1]
    return f"{letters}1:{letters}"


def _response_of(error):
    """The HTTP response behind a gspread error (open_by_key wraps 403/404 in other exceptions).

    Compared with None on purpose: a requests.Response for a 4xx is falsy."""
    for candidate in (error, error.__cause__):
        response = getattr(candidate, "response", None)
        if response is not None:
            return response
    return error.args[0] if error.args and isinstance(error.args[0], requests.Response) else None


def _google_error(response):
    try:
        error = response.json().get("error")
    except (AttributeError, ValueError):
        return {}
    return error if isinstance(error, dict) else {}


def _google_status(response):
    return _google_error(response).get("status") or "no status"


def _google_message(response):
    return str(_google_error(response).get("message") or getattr(response, "text", ""))[:300]
