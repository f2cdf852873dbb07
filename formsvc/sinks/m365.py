"""A named Excel table in a workbook on SharePoint or OneDrive as the staff
sheet (SHEET_BACKEND=m365), written through Microsoft Graph with an app-only
token (graph_client.py).

The workbook is addressed by drive id + item id, which stay the same when
staff rename or move the file. Same rules as the other sinks: columns are
found by header name (staff may reorder them and add their own), a Referens
already in the table is skipped, so a retry after a crash between Graph's
append and our acknowledgement adds nothing, and the cells arrive made safe
by sheet_row() (fields.py).

Decisions:
- Headers formsvc needs but the table lacks are not added: adding a column to
  a table staff work in can collide with what they keep beside it, so the
  sink refuses with a message naming the missing headers (IT creates the
  table once, handbook: Microsoft 365).
- Excel reads a value written through Graph as if typed: "=…" would become a
  formula and "+47 123" a number. Every cell except Inkommen is therefore
  sent behind Excel's own literal-text mark (a leading apostrophe, which
  Excel does not store), so the cell holds exactly sheet_row()'s text —
  "'=…" keeps its visible apostrophe — while Inkommen becomes a date-time.
- One writer at a time for every relay on every host: a named lock in the
  database (db.exclusive), since Excel answers concurrent appends to one
  workbook with conflicts.
"""

import logging
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .. import db
from ..cells import neutralise
from .base import HEADERS, REFERENCE_HEADER, SheetBusy, SheetError
from .graph_client import GraphClient, GraphError, GraphThrottled

DEFAULT_TABLE = "Anmalningar"
DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0"
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
RECEIVED_HEADER = "Inkommen"
WRITER_LOCK = "m365-table"
# Reads of the table an erase may need while staff keep sorting it.
REMOVE_ROUNDS = 5
# What Excel accepts as a table name (no spaces, no path characters).
TABLE_NAME = r"[^\W\d][\w.]{0,254}"
# config key: the variable that sets it; each is needed with SHEET_BACKEND=m365.
REQUIRED = {
    "M365_TENANT_ID": "FORMSVC_M365_TENANT_ID",
    "M365_CLIENT_ID": "FORMSVC_M365_CLIENT_ID",
    "M365_DRIVE_ID": "FORMSVC_M365_DRIVE_ID",
    "M365_ITEM_ID": "FORMSVC_M365_ITEM_ID",
}

log = logging.getLogger(__name__)


class M365ConfigError(ValueError):
    """SHEET_BACKEND=m365 cannot work with these settings; the message names the variables."""


def check_config(config):
    """Stop at start, naming every variable missing or wrong, before any sign-up waits on it."""
    validate(config)
    log.info("staff sheet: Excel table %r in drive item %s via Microsoft Graph",
             config.get("M365_TABLE") or DEFAULT_TABLE, config["M365_ITEM_ID"])


def validate(config):
    missing = [variable for key, variable in REQUIRED.items() if not config.get(key)]
    secret, certificate = config.get("M365_CLIENT_SECRET"), config.get("M365_CERTIFICATE_FILE")
    if not secret and not certificate:
        missing.append("FORMSVC_M365_CLIENT_SECRET (or FORMSVC_M365_CERTIFICATE_FILE)")
    if missing:
        raise M365ConfigError(f"SHEET_BACKEND=m365 needs {', '.join(missing)}; see the handbook page Microsoft 365")
    if secret and certificate:
        raise M365ConfigError("set FORMSVC_M365_CLIENT_SECRET or FORMSVC_M365_CERTIFICATE_FILE, not both")
    table = config.get("M365_TABLE") or DEFAULT_TABLE
    if not re.fullmatch(TABLE_NAME, table):
        raise M365ConfigError(f"FORMSVC_M365_TABLE {table!r} cannot be an Excel table name: "
                              "letters, digits, _ and . only, starting with a letter or _")
    if certificate:
        _certificate_credential(certificate)


def _certificate_credential(path):
    """msal's credential from one PEM file holding an RSA private key and its certificate."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise M365ConfigError(f"FORMSVC_M365_CERTIFICATE_FILE cannot be read ({error})") from error
    try:
        key = serialization.load_pem_private_key(data, password=None)
        (certificate, *_chain) = x509.load_pem_x509_certificates(data)
    except (ValueError, TypeError) as error:
        raise M365ConfigError(
            f"FORMSVC_M365_CERTIFICATE_FILE ({path}) must hold a PEM private key without a password "
            f"and its PEM certificate ({error})") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise M365ConfigError(f"FORMSVC_M365_CERTIFICATE_FILE ({path}) must hold an RSA key: "
                              "Microsoft Entra ID signs in apps with RSA certificates only")
    return {
        "private_key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode("ascii"),
        "public_certificate": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    }


def graph_settings(config):
    tenant = config["M365_TENANT_ID"]
    certificate = config.get("M365_CERTIFICATE_FILE")
    return {
        "client_id": config["M365_CLIENT_ID"],
        "credential": _certificate_credential(certificate) if certificate else config["M365_CLIENT_SECRET"],
        "authority": (config.get("M365_AUTHORITY") or f"{DEFAULT_LOGIN_URL}/{tenant}").rstrip("/"),
        "graph_url": config.get("M365_GRAPH_URL") or DEFAULT_GRAPH_URL,
        "ca_file": config.get("M365_CA_FILE") or None,
        "timeout": config.get("M365_TIMEOUT", 30.0),
    }


def excel_input(header, text):
    """What to send so that Excel stores `text` as that very text (see the module's decisions)."""
    if not text or header == RECEIVED_HEADER:
        return text or ""
    return "'" + text


class ExcelTableSink:
    def __init__(self, client, drive_id, item_id, table, writer_lock):
        self.client = client
        self.table_url = client.url("drives", drive_id, "items", item_id, "workbook", "tables", table)
        self.table, self.item_id = table, item_id
        self.writer_lock = writer_lock

    @classmethod
    def from_config(cls, config):
        validate(config)

        def writer_lock():
            return db.exclusive(config, WRITER_LOCK, config.get("SHEET_LOCK_TIMEOUT", 10.0))

        return cls(GraphClient(graph_settings(config)), config["M365_DRIVE_ID"], config["M365_ITEM_ID"],
                   config.get("M365_TABLE") or DEFAULT_TABLE, writer_lock)

    def deliver(self, row):
        self.deliver_many([row])

    def deliver_many(self, rows):
        """One header read, one Referens read and at most one rows/add for the batch."""
        with self._writing():
            headers = self._headers()
            missing = [header for header in HEADERS if header not in headers]
            if missing:
                raise SheetError(
                    f"the Excel table {self.table!r} lacks the column(s) {', '.join(missing)}: add them to its "
                    "header row (handbook: Microsoft 365 lists every column); staff's own columns may stay")
            present = set(self._column(REFERENCE_HEADER))
            lines, appended = [], []
            for row in rows:
                if row[REFERENCE_HEADER] in present:
                    continue  # appended by an attempt that died before it was acknowledged
                line = [""] * len(headers)
                for header, text in row.items():
                    line[headers.index(header)] = excel_input(header, text)
                lines.append(line)
                present.add(row[REFERENCE_HEADER])
                appended.append(row[REFERENCE_HEADER])
            if lines:
                self.client.request("POST", f"{self.table_url}/rows/add", {"index": None, "values": lines})
            return appended

    def remove(self, references):
        """Delete the rows of these references, each checked just before it goes:
        staff may sort or delete rows between our read and our delete, and an
        erase must never take someone else's row."""
        wanted, removed = set(references), []
        if not wanted:
            return []
        with self._writing():
            headers = self._headers()
            if REFERENCE_HEADER not in headers:
                return []
            column = headers.index(REFERENCE_HEADER)
            for _round in range(REMOVE_ROUNDS):
                doomed = [(index, value) for index, value in enumerate(self._column(REFERENCE_HEADER))
                          if value in wanted]
                moved = False
                for index, reference in reversed(doomed):  # bottom up, so the indexes above stay valid
                    row = self.client.request("POST", f"{self.table_url}/rows/itemAt", {"index": index})
                    if str(row["values"][0][column]) != reference:
                        moved = True  # the table changed under us: read it again
                        break
                    self.client.request("DELETE", f"{self.table_url}/rows/$/itemAt(index={index})")
                    wanted.discard(reference)
                    removed.append(reference)
                if not moved:
                    return removed
        raise SheetBusy(f"the Excel table kept changing while {len(wanted)} row(s) were being erased; "
                        "run the erase again")

    def references_matching(self, header, value):
        with self._graph_errors():
            headers = self._headers()
            if header not in headers or REFERENCE_HEADER not in headers:
                return []
            references, cells = self._column(REFERENCE_HEADER), self._column(header)
        # formsvc wrote "=x@example.se" as "'=x@example.se": match either spelling.
        wanted = {value.strip().casefold(), neutralise(value.strip()).casefold()}
        return [reference for reference, cell in zip(references, cells) if cell.strip().casefold() in wanted]

    # -- helpers ---------------------------------------------------------

    def _headers(self):
        values = self.client.request("GET", f"{self.table_url}/headerRowRange?$select=values")["values"]
        return [str(value).strip() for value in values[0]] if values else []

    def _column(self, header):
        """The column's cells below the header, as text ('' for empty cells)."""
        url = f"{self.table_url}/columns/{quote(header, safe='')}/dataBodyRange?$select=values"
        return ["" if line[0] is None else str(line[0]) for line in self.client.request("GET", url)["values"]]

    @contextmanager
    def _writing(self):
        """Hold the writer lock for the whole read-then-write, and speak the sink's language."""
        try:
            with self.writer_lock(), self._graph_errors():
                yield
        except db.LockTimeout as waited:
            raise SheetBusy(f"another relay is writing the Excel table ({waited})") from waited

    @contextmanager
    def _graph_errors(self):
        try:
            yield
        except GraphThrottled as throttled:
            raise SheetBusy(str(throttled), retry_after=throttled.retry_after) from throttled
        except GraphError as error:
            raise SheetError(self._explain(error)) from error

    def _explain(self, error):
        """Graph's error with what to do about it, for the relay's log and `deadletters`."""
        code = (error.code or "").lower()
        if error.status == 404 or "itemnotfound" in code or "notfound" in code:
            fix = (f"no table {self.table!r} in workbook item {self.item_id}: create it (Insert > Table, "
                   "then name it under Table Design) or check FORMSVC_M365_TABLE, FORMSVC_M365_DRIVE_ID and "
                   "FORMSVC_M365_ITEM_ID")
        elif error.status == 403 or "accessdenied" in code:
            fix = ("the app may not write this workbook: grant it Sites.Selected with the write role on the "
                   "SharePoint site that holds it (or Files.ReadWrite.All) and give admin consent")
        elif error.status == 401:
            fix = "Graph refused the token: check that the app registration's permission has admin consent"
        elif "insertdeleteconflict" in code:
            fix = ("the table cannot grow: something is directly below it or it reaches the sheet's last row; "
                   "move what is below the table, or move the table")
        elif "accessconflict" in code or error.status == 409:
            fix = "the workbook is locked by another editor right now; the relay tries again"
        else:
            return str(error)
        return f"{error} — {fix}"
