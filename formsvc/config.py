"""Settings from environment variables, each with a safe default.

Everything the service needs to run locally works without any variable set:
data goes to <repo>/var and a secret key is generated once and kept there.
"""

import os
import secrets
from pathlib import Path

from .files import create_private_dir

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_REPO_DIR = PACKAGE_DIR.parent
SECRET_KEY_FILE = "secret_key"


def _flag(environ, name, default):
    value = environ.get(name, default).strip().lower()
    return value not in ("0", "false", "no", "off", "")


def _number(environ, name, default, kind=float):
    raw = environ.get(name, "").strip()
    return kind(raw) if raw else default


def load(environ=os.environ):
    """Build the Flask config mapping from the process environment."""
    repo_dir = Path(environ.get("FORMSVC_REPO_DIR") or DEFAULT_REPO_DIR)
    data_dir = Path(environ.get("FORMSVC_DATA_DIR") or repo_dir / "var")
    create_private_dir(data_dir)
    rate_limit = environ.get("FORMSVC_RATE_LIMIT", "10 per minute").strip()
    secure_cookies = _flag(environ, "FORMSVC_SECURE_COOKIES", "1")
    calls_file = Path(environ.get("CALLS_FILE") or repo_dir / "output" / "calls.json")
    form_max_age = _number(environ, "FORMSVC_FORM_MAX_AGE", 4 * 3600, int)
    return {
        "REPO_DIR": repo_dir,
        "DATA_DIR": data_dir,
        "DATABASE": data_dir / "formsvc.sqlite3",
        # postgresql://… puts sign-ups and outbox in PostgreSQL (several hosts); unset: the file above.
        "DATABASE_URL": environ.get("FORMSVC_DATABASE_URL", "").strip(),
        "DATABASE_POOL_SIZE": _number(environ, "FORMSVC_DATABASE_POOL_SIZE", 8, int),
        # How long a request waits for a PostgreSQL connection before answering 503.
        "DATABASE_WAIT": _number(environ, "FORMSVC_DATABASE_WAIT", 5.0),
        "SQLITE_SYNC": environ.get("FORMSVC_SQLITE_SYNC", "FULL").strip().upper(),
        "SECRET_KEY": environ.get("SECRET_KEY") or persistent_secret_key(data_dir),
        "SHEET_BACKEND": environ.get("SHEET_BACKEND", "xlsx").strip().lower(),
        "SHEET_PATH": Path(environ.get("SHEET_PATH") or data_dir / "anmalningar.xlsx"),
        "GSHEETS_CREDENTIALS": environ.get("FORMSVC_GSHEETS_CREDENTIALS", ""),
        "GSHEETS_KEY": environ.get("FORMSVC_GSHEETS_KEY", ""),
        "GSHEETS_WORKSHEET": environ.get("FORMSVC_GSHEETS_WORKSHEET", ""),
        # Google's own address unless a test points the sink at a local fake.
        "GSHEETS_API_URL": environ.get("FORMSVC_GSHEETS_API_URL", "").strip() or "https://sheets.googleapis.com",
        "GSHEETS_TIMEOUT": _number(environ, "FORMSVC_GSHEETS_TIMEOUT", 30.0),
        # SHEET_BACKEND=m365 (formsvc/sinks/m365.py; checked at start by m365.check_config).
        "M365_TENANT_ID": environ.get("FORMSVC_M365_TENANT_ID", "").strip(),
        "M365_CLIENT_ID": environ.get("FORMSVC_M365_CLIENT_ID", "").strip(),
        "M365_CLIENT_SECRET": environ.get("FORMSVC_M365_CLIENT_SECRET", ""),
        "M365_CERTIFICATE_FILE": environ.get("FORMSVC_M365_CERTIFICATE_FILE", "").strip(),
        "M365_DRIVE_ID": environ.get("FORMSVC_M365_DRIVE_ID", "").strip(),
        "M365_ITEM_ID": environ.get("FORMSVC_M365_ITEM_ID", "").strip(),
        "M365_TABLE": environ.get("FORMSVC_M365_TABLE", "").strip(),
        # Production defaults (graph.microsoft.com, login.microsoftonline.com/<tenant>); tests point them at a fake.
        "M365_GRAPH_URL": environ.get("FORMSVC_M365_GRAPH_URL", "").strip(),
        "M365_AUTHORITY": environ.get("FORMSVC_M365_AUTHORITY", "").strip(),
        "M365_CA_FILE": environ.get("FORMSVC_M365_CA_FILE", "").strip(),
        "M365_TIMEOUT": _number(environ, "FORMSVC_M365_TIMEOUT", 30.0),
        "SHEET_LOCK_TIMEOUT": _number(environ, "FORMSVC_SHEET_LOCK_TIMEOUT", 10.0),
        "CALLS_FILE": calls_file,
        # The site's facts (name, address, areas, assets, sign-up path) travel with calls.json.
        "SITE_MANIFEST": Path(environ.get("FORMSVC_SITE_MANIFEST") or calls_file.parent / "site.json"),
        "RATE_LIMIT": rate_limit,
        "RATELIMIT_ENABLED": rate_limit.lower() not in ("", "0", "off"),
        # Shared by every worker on this host without another server to run
        # (formsvc/ratelimit_sqlite.py); a Redis URL when the operator has one.
        "RATELIMIT_STORAGE_URI": (environ.get("FORMSVC_RATELIMIT_STORAGE", "").strip()
                                  or f"sqlite://{(data_dir / 'ratelimit.sqlite3').resolve()}"),
        # The limit guards against abuse; a storage outage must not turn sign-ups away.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Nobody may say who the client is until the operator names the proxy.
        "PROXY_ADDRESSES": environ.get("FORMSVC_PROXY_ADDRESSES", ""),
        "BODY_TIMEOUT": _number(environ, "FORMSVC_BODY_TIMEOUT", 10.0),
        "MIN_FILL_SECONDS": _number(environ, "FORMSVC_MIN_FILL_SECONDS", 3.0),
        # A form page older than this is refused with "open too long" (its input kept), as its CSRF token is.
        "FORM_MAX_AGE": form_max_age,
        "MAX_ATTEMPTS": _number(environ, "FORMSVC_MAX_ATTEMPTS", 8, int),
        "RELAY_INTERVAL": _number(environ, "FORMSVC_RELAY_INTERVAL", 5.0),
        "RELAY_THREAD": _flag(environ, "FORMSVC_RELAY_THREAD", "1"),
        "BACKOFF_BASE": _number(environ, "FORMSVC_BACKOFF_BASE", 30.0),
        "BACKOFF_MAX": _number(environ, "FORMSVC_BACKOFF_MAX", 3600.0),
        # E-mail (formsvc/mail.py): no host, no mail; mail.check_config stops a half setup.
        "SMTP_HOST": environ.get("FORMSVC_SMTP_HOST", "").strip(),
        "SMTP_PORT": environ.get("FORMSVC_SMTP_PORT", "").strip(),
        "SMTP_USERNAME": environ.get("FORMSVC_SMTP_USERNAME", ""),
        "SMTP_PASSWORD": environ.get("FORMSVC_SMTP_PASSWORD", ""),
        "SMTP_SECURITY": environ.get("FORMSVC_SMTP_SECURITY", "starttls").strip().lower(),
        # A private CA (tests, an internal relay); unset: the system's trust store.
        "SMTP_CA_FILE": environ.get("FORMSVC_SMTP_CA_FILE", "").strip(),
        "SMTP_TIMEOUT": _number(environ, "FORMSVC_SMTP_TIMEOUT", 20.0),
        "MAIL_FROM": environ.get("FORMSVC_MAIL_FROM", "").strip(),
        "STAFF_EMAIL": environ.get("FORMSVC_STAFF_EMAIL", "").strip(),
        "MAIL_DAILY_LIMIT": _number(environ, "FORMSVC_MAIL_DAILY_LIMIT", 3, int),
        "TRUSTED_PROXIES": _number(environ, "FORMSVC_TRUSTED_PROXIES", 1, int),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "SESSION_COOKIE_NAME": "anmalan_session",
        # SESSION_COOKIE_PATH is the manifest's signup_path, set by create_app.
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": form_max_age,
    }


def persistent_secret_key(data_dir):
    """Read <data dir>/secret_key, creating it (mode 0600) on first start.

    Several gunicorn workers may start at once; linking a finished temp file
    into place means a reader never sees a half-written key.
    """
    key_path = Path(data_dir) / SECRET_KEY_FILE
    if not key_path.exists():
        temp_path = key_path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp_path, key_path)
        except FileExistsError:
            pass  # another worker won the race; use its key
        finally:
            os.unlink(temp_path)
    return key_path.read_text().strip()
