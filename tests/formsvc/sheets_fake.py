"""A local stand-in for Google's OAuth token endpoint and the Sheets API v4,
served over real HTTP on a loopback port in a thread.

It checks what Google checks for the calls the sink makes: the JWT-bearer
grant signed with the service account's key (signature, `aud`, `iss`,
`scope`), `Authorization: Bearer <a token it issued>` on every Sheets call,
the request shape (valueInputOption present, values a list of rows), grid
limits on values.update. It stores what Google would store: with RAW a string
stays the string it was; with USER_ENTERED '=1+1' becomes a formula showing 2
and a leading apostrophe disappears — so a test can prove the sink sent no
formula. Failures on demand: 429 with Retry-After, 503, 403 (sheet not
shared), 404 (unknown id) and a "crash" that applies an append and then drops
the connection without answering.

Test keys are made at test time (make_service_account_key); none is committed.
"""

import json
import secrets
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt
from google.auth.exceptions import GoogleAuthError

from tests.formsvc.json_fake_handler import JsonRequestHandler
from tests.formsvc.sheets_fake_grid import Sheet, locate, store_value, trim

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"  # what google-auth puts in `aud`
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SPREADSHEET_ID = "1SimTestSheetKey0123456789abcdef"
SERVICE_ACCOUNT = "sim-anmalningar@sim-test.iam.gserviceaccount.com"


def make_service_account_key(token_uri, client_email=SERVICE_ACCOUNT):
    """(key file contents as a dict, public key PEM) for a fresh 2048-bit RSA key."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
    public_pem = private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    info = {
        "type": "service_account", "project_id": "sim-test", "private_key_id": secrets.token_hex(20),
        "private_key": private_pem, "client_email": client_email, "client_id": "100000000000000000001",
        "token_uri": token_uri,
    }
    return info, public_pem


class FakeGoogleSheets:
    def __init__(self, spreadsheet_id=SPREADSHEET_ID, sheet_titles=("Blad1",)):
        self.spreadsheet_id = spreadsheet_id
        self.sheets = [Sheet(index, title) for index, title in enumerate(sheet_titles)]
        self.public_key_pem = None
        self.client_email = SERVICE_ACCOUNT
        self.scopes_granted = []
        self.tokens = set()
        self.requests = []  # (method, path after /v4/spreadsheets/, query) of authorised Sheets calls
        self.shared = True
        self._failures = []  # [status, retry_after, remaining]
        self._crash_appends = 0
        self.lock = threading.RLock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.token_uri = f"{self.url}/token"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def service_account_key(self):
        """A fresh key whose token_uri is this fake; the fake trusts only its public half."""
        info, self.public_key_pem = make_service_account_key(self.token_uri, self.client_email)
        return info

    # What tests set up and look at.
    def sheet(self, title=None):
        return next(sheet for sheet in self.sheets if title in (None, sheet.title))

    def set_rows(self, rows, title=None):
        self.sheet(title).cells = [[(str(value), None) for value in row] for row in rows]

    def table(self, title=None):
        """[{header: shown value}] below the header row."""
        shown = self.sheet(title).shown()
        return [dict(zip(shown[0], row)) for row in shown[1:]] if shown else []

    def formulas(self):
        return [formula for sheet in self.sheets for row in sheet.cells for _value, formula in row if formula]

    def fail_next(self, status, times=1, retry_after=None):
        with self.lock:
            self._failures.append([status, retry_after, times])

    def crash_after_next_append(self):
        with self.lock:
            self._crash_appends += 1

    def calls(self, kind):
        """Authorised Sheets calls whose path ends with `kind` (':append', ':batchUpdate', …)."""
        return [call for call in self.requests if call[1].endswith(kind)]

    # What Google does.
    def grant_token(self, form):
        if form.get("grant_type") != JWT_BEARER:
            return 400, {"error": "unsupported_grant_type"}
        try:
            claims = jwt.decode(form.get("assertion", ""), certs=self.public_key_pem, audience=GOOGLE_TOKEN_AUDIENCE)
        except (ValueError, GoogleAuthError) as error:
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT Signature. ({error})"}
        if claims.get("iss") != self.client_email:
            return 400, {"error": "invalid_grant", "error_description": "Invalid issuer."}
        scopes = claims.get("scope", "").split()
        if not scopes:
            return 400, {"error": "invalid_scope", "error_description": "Empty or missing scope not allowed."}
        token = f"ya29.fake-{secrets.token_urlsafe(16)}"
        with self.lock:
            self.tokens.add(token)
            self.scopes_granted.append(scopes)
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def handle_sheets(self, method, path, query, body):
        """(status, JSON body, extra headers, crash after answering?) for one authorised Sheets call."""
        with self.lock:
            self.requests.append((method, path, query))
            if self._failures:
                status, retry_after, remaining = self._failures[0]
                self._failures[0][2] -= 1
                if remaining <= 1:
                    self._failures.pop(0)
                headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return _error(status) + (headers, False)
            spreadsheet_id, _, rest = path.partition("/")
            spreadsheet_id, _, action = spreadsheet_id.partition(":")
            if spreadsheet_id != self.spreadsheet_id:
                return _error(404) + ({}, False)
            if not self.shared:
                return _error(403) + ({}, False)
            try:
                status, answer = self._route(method, action, rest, query, body)
            except _BadRequest as problem:
                return 400, {"error": {"code": 400, "message": str(problem), "status": "INVALID_ARGUMENT"}}, {}, False
            crash = False
            if rest.endswith(":append") and status == 200 and self._crash_appends:
                self._crash_appends -= 1
                crash = True
            return status, answer, {}, crash

    def _route(self, method, action, rest, query, body):
        if method == "GET" and not rest and not action:
            return 200, self._metadata()
        if method == "POST" and action == "batchUpdate":
            return 200, self._batch_update(body)
        if method == "GET" and rest == "values:batchGet":
            ranges = query.get("ranges", [])
            return 200, {"spreadsheetId": self.spreadsheet_id,
                         "valueRanges": [self._values_get(text, query) for text in ranges]}
        if rest.startswith("values/"):
            target = rest[len("values/"):]
            if method == "POST" and target.endswith(":append"):
                return 200, self._append(unquote(target[:-len(":append")]), query, body)
            if method == "PUT":
                return 200, self._update(unquote(target), query, body)
            if method == "GET":
                return 200, self._values_get(unquote(target), query)
        raise _BadRequest(f"the fake does not implement {method} {rest or action}")

    def _metadata(self):
        return {"spreadsheetId": self.spreadsheet_id,
                "properties": {"title": "SIM anmälningar", "locale": "sv_SE", "timeZone": "Europe/Stockholm"},
                "sheets": [{"properties": {"sheetId": sheet.sheet_id, "title": sheet.title, "index": index,
                                           "sheetType": "GRID",
                                           "gridProperties": {"rowCount": sheet.row_count,
                                                              "columnCount": sheet.column_count}}}
                           for index, sheet in enumerate(self.sheets)]}

    def _batch_update(self, body):
        replies = []
        for request in (body or {}).get("requests", []):
            if "deleteDimension" in request:
                span = request["deleteDimension"]["range"]
                sheet = self._sheet_by_id(span.get("sheetId", 0))
                if span.get("dimension") != "ROWS":
                    raise _BadRequest("the fake deletes rows only")
                del sheet.cells[span["startIndex"]:span["endIndex"]]
                sheet.row_count -= span["endIndex"] - span["startIndex"]
            elif "updateSheetProperties" in request:
                properties = request["updateSheetProperties"]["properties"]
                sheet = self._sheet_by_id(properties.get("sheetId", 0))
                grid = properties.get("gridProperties", {})
                sheet.row_count = grid.get("rowCount", sheet.row_count)
                sheet.column_count = grid.get("columnCount", sheet.column_count)
            else:
                raise _BadRequest(f"the fake does not implement {sorted(request)}")
            replies.append({})
        return {"spreadsheetId": self.spreadsheet_id, "replies": replies}

    def _append(self, range_text, query, body):
        sheet, _area = self._locate(range_text)
        rows = _rows_of(body)
        option = _input_option(query)
        if query.get("insertDataOption", ["OVERWRITE"])[0] not in ("OVERWRITE", "INSERT_ROWS"):
            raise _BadRequest("Invalid insertDataOption")
        # Google appends after the table that starts at the range: the rows down to the first empty one.
        end = 0
        while end < len(sheet.cells) and any(value != "" for value, _formula in sheet.cells[end]):
            end += 1
        stored = [[store_value(value, option) for value in row] for row in rows]
        sheet.cells[end:end] = stored
        sheet.row_count = max(sheet.row_count, len(sheet.cells))
        sheet.column_count = max([sheet.column_count] + [len(row) for row in rows])
        return {"spreadsheetId": self.spreadsheet_id, "tableRange": f"'{sheet.title}'!A1",
                "updates": {"updatedRange": f"'{sheet.title}'!A{end + 1}", "updatedRows": len(rows)}}

    def _update(self, range_text, query, body):
        sheet, (first_row, first_column, _last_row, _last_column) = self._locate(range_text)
        rows = _rows_of(body)
        option = _input_option(query)
        first_row, first_column = first_row or 1, first_column or 1
        widest = first_column - 1 + max((len(row) for row in rows), default=0)
        if first_row - 1 + len(rows) > sheet.row_count or widest > sheet.column_count:
            raise _BadRequest(f"Range ({range_text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                              f"max columns: {sheet.column_count}")
        for offset, row in enumerate(rows):
            number = first_row - 1 + offset
            while len(sheet.cells) <= number:
                sheet.cells.append([])
            line = sheet.cells[number]
            line.extend([("", None)] * (first_column - 1 + len(row) - len(line)))
            for column, value in enumerate(row, start=first_column - 1):
                line[column] = store_value(value, option)
        return {"spreadsheetId": self.spreadsheet_id, "updatedRange": range_text, "updatedRows": len(rows)}

    def _values_get(self, range_text, query):
        sheet, (first_row, first_column, last_row, last_column) = self._locate(range_text)
        formulas = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0] == "FORMULA"
        first_row, first_column = first_row or 1, first_column or 1
        rows = []
        for row in sheet.cells[first_row - 1:last_row]:
            cells = row[first_column - 1:last_column]
            rows.append([(formula if formulas and formula else value) for value, formula in cells])
        if query.get("majorDimension", ["ROWS"])[0] == "COLUMNS":
            width = max((len(row) for row in rows), default=0)
            rows = [[row[column] if column < len(row) else "" for row in rows] for column in range(width)]
        rows = [trim(row) for row in rows]
        while rows and not rows[-1]:
            rows.pop()
        answer = {"range": range_text, "majorDimension": query.get("majorDimension", ["ROWS"])[0]}
        return answer | ({"values": rows} if rows else {})

    def _locate(self, range_text):
        try:
            return locate(range_text, self.sheets)
        except ValueError as problem:
            raise _BadRequest(str(problem)) from None

    def _sheet_by_id(self, sheet_id):
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise _BadRequest(f"No grid with id: {sheet_id}")


class _BadRequest(Exception):
    pass


GOOGLE_ERRORS = {
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: ("RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Write requests' and limit "
                                "'Write requests per minute per user'"),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}


def _error(status):
    code, message = GOOGLE_ERRORS[status]
    return status, {"error": {"code": status, "message": message, "status": code}}


def _rows_of(body):
    values = (body or {}).get("values")
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise _BadRequest("Invalid JSON payload: 'values' must be a list of rows")
    if ((body or {}).get("majorDimension") or "ROWS") != "ROWS":
        raise _BadRequest("the fake takes rows only")
    return values


def _input_option(query):
    option = query.get("valueInputOption", [""])[0]
    if option not in ("RAW", "USER_ENTERED"):
        raise _BadRequest("'valueInputOption' is required but not specified")
    return option


def _handler_for(fake):
    class Handler(JsonRequestHandler):
        content_type = "application/json; charset=UTF-8"

        def handle_request(self):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path == "/token" and self.command == "POST":
                form = {name: values[0] for name, values in parse_qs(self.body.decode()).items()}
                return self.answer(*fake.grant_token(form))
            prefix = "/v4/spreadsheets/"
            if not parts.path.startswith(prefix):
                return self.answer(*_error(404))
            authorization = self.headers.get("Authorization", "")
            if not authorization.startswith("Bearer ") or authorization[7:] not in fake.tokens:
                return self.answer(401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                                    "message": "Request had invalid authentication credentials."}})
            try:
                body = json.loads(self.body) if self.body else None
            except ValueError:
                return self.answer(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                                                    "message": "Invalid JSON payload received."}})
            status, document, headers, crash = fake.handle_sheets(self.command, parts.path[len(prefix):], query, body)
            if crash:
                self.close_connection = True
                return  # the append is applied; the caller never hears so
            self.answer(status, document, headers)

    return Handler
