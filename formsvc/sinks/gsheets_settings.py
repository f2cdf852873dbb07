"""Settings of the Google Sheets sink, checked at start (create_app via
sinks.check_backend) so that a setup that can never work stops the service
with the variable to fix, instead of filling the outbox with failures.
Reads only local files: no network, no gspread."""

import json
import logging
import re
import stat
from pathlib import Path

from google.auth.exceptions import GoogleAuthError
from google.oauth2.service_account import Credentials

GOOGLE_SHEETS_API = "https://sheets.googleapis.com"
# Only the spreadsheets the service account has been shared with; no Drive scope.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
SPREADSHEET_ID = re.compile(r"[A-Za-z0-9_-]{10,}")

log = logging.getLogger(__name__)


class GoogleSheetsConfigError(ValueError):
    """SHEET_BACKEND=gsheets cannot work with these settings; stops the app at start."""


def check_config(config):
    """Stop at start on settings that can never work; touches no network."""
    missing = [name for name, key in (("FORMSVC_GSHEETS_CREDENTIALS", "GSHEETS_CREDENTIALS"),
                                      ("FORMSVC_GSHEETS_KEY", "GSHEETS_KEY")) if not config.get(key)]
    if missing:
        raise GoogleSheetsConfigError(
            f"SHEET_BACKEND=gsheets needs {' and '.join(missing)}: the path to the service account's "
            "JSON key and the spreadsheet's id (handbook: Google Kalkylark)")
    if not SPREADSHEET_ID.fullmatch(config["GSHEETS_KEY"]):
        raise GoogleSheetsConfigError(
            "FORMSVC_GSHEETS_KEY must be the spreadsheet's id, the part between /d/ and /edit in its "
            f"address, not {config['GSHEETS_KEY'][:80]!r}")
    api_url = config.get("GSHEETS_API_URL") or GOOGLE_SHEETS_API
    if not re.fullmatch(r"https?://[^\s/]+", api_url):
        raise GoogleSheetsConfigError(f"FORMSVC_GSHEETS_API_URL must be a scheme and host only, not {api_url!r}")
    load_credentials(config["GSHEETS_CREDENTIALS"])


def load_credentials(path):
    """The service account's credentials from its JSON key, or a GoogleSheetsConfigError naming the variable."""
    key_file = Path(path)
    try:
        text = key_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GoogleSheetsConfigError(
            f"FORMSVC_GSHEETS_CREDENTIALS: cannot read {key_file}: {getattr(error, 'strerror', None) or error}; "
            "give the path of the service account's JSON key, readable by the service user") from error
    not_a_key = (f"FORMSVC_GSHEETS_CREDENTIALS: {key_file} is not a service account key; in Google Cloud "
                 "create a key (type JSON) for the service account and give the path of that file")
    try:
        info = json.loads(text)
    except ValueError as error:
        raise GoogleSheetsConfigError(not_a_key) from error
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise GoogleSheetsConfigError(not_a_key)
    try:
        credentials = Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, TypeError, GoogleAuthError) as error:
        raise GoogleSheetsConfigError(f"{not_a_key} ({error})") from error
    if key_file.stat().st_mode & stat.S_IRWXO:
        log.warning("%s can be read by every user on this server; it works like a password: "
                    "chmod o-rwx it (0640 root:formsvc, as the environment file)", key_file)
    return credentials
