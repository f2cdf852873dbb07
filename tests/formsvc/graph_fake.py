"""A fake Microsoft Entra ID + Microsoft Graph on loopback, over real HTTPS
(a CA made for the test by trustme), for the Microsoft 365 sink's tests.

It implements the documented endpoints the sink and msal call, and checks
what the real services check: the tenant's OpenID configuration, the
client-credentials token request (secret, or a certificate-signed assertion),
`Authorization: Bearer <a token it issued>`, JSON bodies whose `values` rows
are as wide as the table. It stores cells the way Excel reads typed input
(a leading apostrophe means text and is not kept, "=…" is a formula,
numbers and ISO date-times are parsed), so a test can see what staff would
get. A test can make the next matching request fail (429 with Retry-After,
503, 403, 404…) or make the next append "crash": applied, then the
connection dropped before any answer. Overlapping writes are recorded.
"""

import json
import re
import secrets
import ssl
import threading
import time
from datetime import datetime
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest
import trustme
from cryptography import x509

from tests.formsvc.json_fake_handler import JsonRequestHandler

TENANT, CLIENT_ID, CLIENT_SECRET = "sim-tenant", "formsvc-app", "ratt-hemlighet-7"
DRIVE_ID, ITEM_ID, TABLE = "b!drive-42", "01ITEM42", "Anmalningar"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
WRITE_SECONDS = 0.05  # how long a write "takes", so overlapping writers would meet
# Staff put their own columns first in the tests' table: the sink must go by header name.
STAFF_COLUMNS = ["Status", "Handläggare"]


@pytest.fixture
def graph(tmp_path):
    """A running fake whose table has formsvc's headers after two staff columns."""
    from formsvc.sinks import HEADERS

    fake = GraphFake(tmp_path, headers=STAFF_COLUMNS + list(HEADERS)).start()
    yield fake
    fake.stop()


class Formula(str):
    """A cell Excel would calculate: what the sink must never produce."""


def excel_reads(value):
    """The cell Excel stores for a value sent in `values`, as if typed."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith("'"):
        return value[1:]
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", value):
        return float(value)
    if value.startswith(("=", "+", "-", "@")):
        return Formula(value)
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", value):
        return datetime.strptime(value, "%Y-%m-%d %H:%M")
    return value


def as_graph_value(cell):
    """What Graph's `values` returns for a stored cell (dates as Excel serial numbers)."""
    if isinstance(cell, datetime):
        return (cell - datetime(1899, 12, 30)).total_seconds() / 86400
    return str(cell) if isinstance(cell, Formula) else cell


class GraphFake:
    def __init__(self, tls_dir, headers=None, empty_rows=0):
        self.headers = list(headers or [])
        # Excel gives a table made from a header row alone one empty body row.
        self.rows = [[""] * len(self.headers) for _ in range(empty_rows)]
        self.tokens = set()
        self.token_requests = 0
        self.requests = []
        self.faults = []
        self.overlapping_writes = 0
        self.certificate = None  # PEM of a certificate registered for the app
        self.expires_in = 3599  # lifetime of the tokens it issues, in seconds
        self._writing = 0
        self._guard = threading.Lock()
        authority = trustme.CA()
        self.ca_file = tls_dir / "graph-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        authority.issue_cert("127.0.0.1").configure_cert(context)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def environment(self, **changes):
        """The FORMSVC_* variables that point formsvc at this fake."""
        settings = {
            "SHEET_BACKEND": "m365", "FORMSVC_M365_TENANT_ID": TENANT, "FORMSVC_M365_CLIENT_ID": CLIENT_ID,
            "FORMSVC_M365_CLIENT_SECRET": CLIENT_SECRET, "FORMSVC_M365_DRIVE_ID": DRIVE_ID,
            "FORMSVC_M365_ITEM_ID": ITEM_ID, "FORMSVC_M365_GRAPH_URL": f"{self.base}/v1.0",
            "FORMSVC_M365_AUTHORITY": f"{self.base}/{TENANT}", "FORMSVC_M365_CA_FILE": str(self.ca_file),
            "FORMSVC_M365_TIMEOUT": "5",
        }
        settings.update(changes)
        return settings

    def fail_next(self, method, path_part, status, code, retry_after=None, times=1):
        """The next `times` requests of `method` whose path contains `path_part` get this error."""
        self.faults.append({"method": method, "part": path_part, "status": status, "code": code,
                            "retry_after": retry_after, "times": times})

    def after_next(self, method, path_part, action):
        """Run `action()` right after the next matching request is answered (staff editing meanwhile)."""
        self.faults.append({"method": method, "part": path_part, "after": action, "times": 1})

    def crash_after_next_append(self):
        self.faults.append({"method": "POST", "part": "/rows/add", "crash": True, "times": 1})

    def table(self):
        """[{header: cell}] of the table's rows, as Excel holds them."""
        return [dict(zip(self.headers, row)) for row in self.rows]

    def take_fault(self, method, path):
        with self._guard:
            for fault in self.faults:
                if fault["method"] == method and fault["part"] in path and fault["times"] > 0:
                    fault["times"] -= 1
                    return fault
        return None

    def writing(self):
        """Context for one write: notes whether another write was under way."""
        fake = self

        class Write:
            def __enter__(self):
                with fake._guard:
                    if fake._writing:
                        fake.overlapping_writes += 1
                    fake._writing += 1
                time.sleep(WRITE_SECONDS)

            def __exit__(self, *_exc):
                with fake._guard:
                    fake._writing -= 1

        return Write()


def _handler_for(fake):
    class Handler(JsonRequestHandler):
        def handle_request(self):
            method = self.command
            url = urlsplit(self.path)
            path = unquote(url.path)
            fake.requests.append((method, path))
            if path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                return self.answer(200, {
                    "issuer": f"{fake.base}/{TENANT}/v2.0",
                    "authorization_endpoint": f"{fake.base}/{TENANT}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{fake.base}/{TENANT}/oauth2/v2.0/token",
                })
            if path.endswith("/.well-known/openid-configuration"):
                return self.answer(400, {"error": "invalid_tenant",
                                          "error_description": "AADSTS90002: Tenant not found."})
            if method == "POST" and path == f"/{TENANT}/oauth2/v2.0/token":
                return self._token()
            if path.startswith("/v1.0/"):
                return self._graph(method, path[len("/v1.0"):])
            return self.answer(404, {"error": {"code": "BadRequest", "message": "Unsupported segment"}})

        # -- Entra ID ----------------------------------------------------

        def _token(self):
            if self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
                return self.answer(400, {"error": "invalid_request", "error_description": "AADSTS900144: body"})
            form = {name: values[0] for name, values in parse_qs(self.body.decode()).items()}
            fake.token_requests += 1
            if form.get("grant_type") != "client_credentials" or GRAPH_SCOPE not in form.get("scope", "").split():
                return self.answer(400, {"error": "invalid_scope", "error_description": "AADSTS1002012: scope"})
            if form.get("client_id") != CLIENT_ID:
                return self.answer(400, {"error": "unauthorized_client",
                                          "error_description": f"AADSTS700016: Application {form.get('client_id')} not found"})
            if not self._client_proved(form):
                return self.answer(401, {"error": "invalid_client",
                                          "error_description": "AADSTS7000215: Invalid client secret provided."})
            token = secrets.token_urlsafe(24)
            fake.tokens.add(token)
            return self.answer(200, {"token_type": "Bearer", "expires_in": fake.expires_in, "access_token": token})

        def _client_proved(self, form):
            if "client_secret" in form:
                return form["client_secret"] == CLIENT_SECRET
            if fake.certificate is None or "client_assertion" not in form:
                return False
            public_key = x509.load_pem_x509_certificate(fake.certificate.encode()).public_key()
            try:
                claims = jwt.decode(form["client_assertion"], public_key, algorithms=["PS256", "RS256"],
                                    audience=f"{fake.base}/{TENANT}/oauth2/v2.0/token")
            except jwt.PyJWTError:
                return False
            return claims.get("iss") == claims.get("sub") == CLIENT_ID

        # -- Graph -------------------------------------------------------

        def _graph(self, method, path):
            authorization = self.headers.get("Authorization", "")
            if not authorization.startswith("Bearer ") or authorization[len("Bearer "):] not in fake.tokens:
                return self._graph_error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
            fault = fake.take_fault(method, path)
            if fault and "after" in fault:
                try:
                    return self._table_request(method, path, None)
                finally:
                    fault["after"]()
            return self._table_request(method, path, fault)

        def _table_request(self, method, path, fault):
            if fault and not fault.get("crash"):
                headers = {"Retry-After": str(fault["retry_after"])} if fault["retry_after"] is not None else {}
                return self._graph_error(fault["status"], fault["code"], "Injected by the test.", headers)
            prefix = f"/drives/{DRIVE_ID}/items/{ITEM_ID}/workbook/tables/"
            if not path.startswith(prefix):
                return self._graph_error(404, "itemNotFound", "The resource could not be found.")
            table, _, rest = path[len(prefix):].partition("/")
            if table.lower() != TABLE.lower() or not fake.headers:
                return self._graph_error(404, "ItemNotFound", "The requested resource doesn't exist.")
            if method == "GET" and rest == "headerRowRange":
                return self.answer(200, {"values": [list(fake.headers)]})
            column = re.fullmatch(r"columns/(.+)/dataBodyRange", rest)
            if method == "GET" and column:
                if column.group(1) not in fake.headers:
                    return self._graph_error(404, "ItemNotFound", "The requested resource doesn't exist.")
                index = fake.headers.index(column.group(1))
                return self.answer(200, {"values": [[as_graph_value(row[index])] for row in fake.rows]})
            if method == "POST" and rest == "rows/add":
                return self._add_rows(crash=bool(fault))
            if method == "POST" and rest == "rows/itemAt":
                index = json.loads(self.body or b"{}").get("index")
                if not isinstance(index, int) or not 0 <= index < len(fake.rows):
                    return self._graph_error(400, "InvalidArgument", "The argument is invalid or missing.")
                return self.answer(200, {"index": index,
                                          "values": [[as_graph_value(cell) for cell in fake.rows[index]]]})
            at = re.fullmatch(r"rows/\$/itemAt\(index=(\d+)\)", rest)
            if method == "DELETE" and at:
                with fake.writing():
                    if int(at.group(1)) >= len(fake.rows):
                        return self._graph_error(400, "InvalidArgument", "The argument is invalid or missing.")
                    del fake.rows[int(at.group(1))]
                return self.answer(204, None)
            return self._graph_error(400, "BadRequest", f"Unsupported request {method} {rest}")

        def _add_rows(self, crash):
            if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                return self._graph_error(415, "UnsupportedMediaType", "Content-Type must be application/json")
            try:
                values = json.loads(self.body)["values"]
            except (ValueError, KeyError, TypeError):
                return self._graph_error(400, "InvalidArgument", "The argument is invalid or missing.")
            width = len(fake.headers)
            if (not isinstance(values, list) or not values
                    or any(not isinstance(row, list) or len(row) != width for row in values)
                    or any(not isinstance(cell, (str, int, float, bool, type(None))) for row in values for cell in row)):
                return self._graph_error(400, "InvalidArgument",
                                         "The number of columns in the values array doesn't match the table.")
            with fake.writing():
                first = len(fake.rows)
                fake.rows.extend([excel_reads(cell) for cell in row] for row in values)
            if crash:  # applied, then the connection drops before any answer
                self.close_connection = True
                self.connection.close()
                return None
            return self.answer(200, {"index": first, "values": values[:1]})

        # -- answers -----------------------------------------------------

        def _graph_error(self, status, code, message, headers=None):
            return self.answer(status, {"error": {"code": code, "message": message}}, headers)

    return Handler
