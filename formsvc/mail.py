"""E-mail for each sign-up: a staff mail and a confirmation to the company;
for each feedback message a staff mail; all sent by the relay over SMTP.

A sign-up for a call whose content names its own staff address (calls.json
`staff_email`) is mailed to that address as well as to FORMSVC_STAFF_EMAIL,
each address once. The confirmation's promised response time is the
contact data's `svarstid` (site manifest), so it is written in one place.

The standard library is enough here: smtplib speaks STARTTLS, implicit TLS
and AUTH, and EmailMessage with policy SMTP refuses a header value holding a
line break, so no field can add a header. Header values are also flattened to
one line first, so a hostile value is shown, not refused.
"""

import logging
import re
import smtplib
import ssl
import time
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import fields, store
from .calls import CallCatalog
from .site_manifest import SiteManifest

SECURITY_MODES = {"starttls": 587, "ssl": 465, "none": 25}  # mode: its usual port
HEADER_TEXT_MAX = 120
DAY_SECONDS = 24 * 3600

log = logging.getLogger(__name__)
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "mail"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


class MailConfigError(RuntimeError):
    """The mail settings cannot work; the message names the variable to fix."""


class PermanentMailError(Exception):
    """The server refused for good (5xx): retrying the same mail cannot help."""


def enabled(config):
    return bool(config.get("SMTP_HOST"))


def check_config(config):
    """Stop at start on a mail setup that cannot work; say once when mail is off."""
    security = config.get("SMTP_SECURITY", "starttls")
    if security not in SECURITY_MODES:
        raise MailConfigError(f"FORMSVC_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
    if not enabled(config):
        given = [name for name, key in (("FORMSVC_SMTP_PORT", "SMTP_PORT"), ("FORMSVC_SMTP_USERNAME", "SMTP_USERNAME"),
                                        ("FORMSVC_SMTP_PASSWORD", "SMTP_PASSWORD"), ("FORMSVC_MAIL_FROM", "MAIL_FROM"),
                                        ("FORMSVC_STAFF_EMAIL", "STAFF_EMAIL")) if config.get(key)]
        if given:
            raise MailConfigError(f"FORMSVC_SMTP_HOST is not set, but {', '.join(given)} is: set the host or remove the rest")
        log.info("e-mail is off: FORMSVC_SMTP_HOST is not set, so no staff mail or confirmation is sent; "
                 "feedback is stored and waits (`flask --app formsvc feedback list`)")
        return
    port = str(config.get("SMTP_PORT") or "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise MailConfigError(f"FORMSVC_SMTP_PORT must be a port number (1–65535), not {port!r}")
    if bool(config.get("SMTP_USERNAME")) != bool(config.get("SMTP_PASSWORD")):
        missing = "FORMSVC_SMTP_PASSWORD" if config.get("SMTP_USERNAME") else "FORMSVC_SMTP_USERNAME"
        raise MailConfigError(f"{missing} is not set: SMTP login needs both FORMSVC_SMTP_USERNAME and FORMSVC_SMTP_PASSWORD")
    if parse_address(config.get("MAIL_FROM", "")) is None:
        raise MailConfigError("FORMSVC_MAIL_FROM must be one e-mail address, e.g. anmalan@example.se")
    staff = config.get("STAFF_EMAIL", "").split(",")
    if not all(parse_address(address) for address in staff):
        raise MailConfigError("FORMSVC_STAFF_EMAIL must be one or more e-mail addresses, separated by commas")


def parse_address(text):
    """An Address for one plain addr-spec, or None (line breaks, display names, garbage)."""
    text = (text or "").strip()
    if not text or re.search(r"[\s<>,;\"]", text):
        return None
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError):
        return None
    return address if address.username and address.domain else None


def header_text(value, limit=HEADER_TEXT_MAX):
    """One line of at most `limit` characters: control characters and line breaks become spaces."""
    flat = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", value or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def message_id(reference, kind, config):
    """The same for every attempt at one entry, so a resend after a crash is recognisable."""
    return f"<{reference}.{kind}@{parse_address(config['MAIL_FROM']).domain}>"


# The relay runs outside a request: it reads the site's files itself, each
# re-read when it changes on disk (formsvc/watched.py).
_site_files = {}


def _site_file(kind, path):
    key = (kind, str(path))
    if key not in _site_files:
        _site_files[key] = kind(Path(path))
    return _site_files[key]


def staff_addresses(config, call_slug=None):
    """FORMSVC_STAFF_EMAIL plus the call's own staff address(es), each once."""
    addresses = [parse_address(address) for address in config["STAFF_EMAIL"].split(",")]
    call = call_slug and config.get("CALLS_FILE") and _site_file(CallCatalog, config["CALLS_FILE"]).get(call_slug)
    for written in (call.staff_email if call else ()):
        address = parse_address(written)
        if address is None:
            log.warning("call %s: staff_email %r in calls.json is not one e-mail address; not mailed", call_slug, written)
        else:
            addresses.append(address)
    unique = {}
    for address in addresses:
        unique.setdefault(address.addr_spec.lower(), address)
    return list(unique.values())


def promised_response_time(config):
    """The contact data's `svarstid` ('två veckor'), or '' when the site does not promise one."""
    path = config.get("SITE_MANIFEST")
    manifest = path and _site_file(SiteManifest, path).current()
    return str(manifest.contact.get("program", {}).get("svarstid", "")).strip() if manifest else ""


def compose(kind, submission, config):
    """The EmailMessage for one outbox entry of a mail kind (`submission` is a
    feedback row for feedback_mail)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = parse_address(config["MAIL_FROM"])
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(submission["reference"], kind, config)
    if kind == store.FEEDBACK_MAIL:
        context = _feedback_mail(message, submission, config)
    else:
        context = _signup_mail(kind, message, submission, config)
    message.set_content(_templates.get_template(f"{kind}.txt").render(context))
    message.add_alternative(_templates.get_template(f"{kind}.html").render(context), subtype="html")
    return message


def _feedback_mail(message, feedback, config):
    """Staff only: nobody verified the sender's address, so nothing goes to it."""
    message["To"] = staff_addresses(config)
    message["Subject"] = f"Synpunkt via webbplatsen ({feedback['reference']})"
    sender = parse_address(feedback["email"])
    if sender is not None:
        message["Reply-To"] = sender
    return {"reference": feedback["reference"], "received": _received(feedback), "name": feedback["name"],
            "email": feedback["email"], "message": feedback["message"], "can_reply": sender is not None}


def _signup_mail(kind, message, submission, config):
    call = submission["call_title"] or fields.GENERAL_SIGNUP_TITLE
    if kind == store.STAFF_MAIL:
        context = {"reference": submission["reference"], "call": call,
                   "received": _received(submission), "lines": fields.mail_lines(submission)}
        message["To"] = staff_addresses(config, submission["call_slug"])
        message["Subject"] = header_text(
            f"Ny intresseanmälan: {header_text(submission['company'], 60)} – {header_text(call, 60)} "
            f"({submission['reference']})", 200)
        company_address = parse_address(submission["email"])
        if company_address is not None:
            message["Reply-To"] = company_address
    elif kind == store.CONFIRMATION:
        # Nothing the public typed is repeated: a confirmation sent to someone
        # else's address carries only our own words, the reference and the call.
        context = {"reference": submission["reference"], "call": call,
                   "response_time": promised_response_time(config)}
        recipient = parse_address(submission["email"])
        if recipient is None:
            raise PermanentMailError("the sign-up's e-mail address cannot be mailed")
        message["To"] = recipient
        message["Reply-To"] = parse_address(config["STAFF_EMAIL"].split(",")[0])
        message["Subject"] = f"Vi har tagit emot er intresseanmälan ({submission['reference']})"
    else:
        raise ValueError(f"not a mail kind: {kind!r}")
    return context


def _received(submission):
    stamp = datetime.fromisoformat(submission["received_at"]).astimezone(fields.STOCKHOLM)
    return f"{stamp:%Y-%m-%d %H:%M}"


def confirmations_today(connection, email, now=None):
    """Confirmations already sent to this address in the last 24 hours."""
    return connection.execute(
        "SELECT COUNT(*) FROM outbox JOIN submissions ON submissions.reference = outbox.reference "
        "WHERE outbox.kind = ? AND outbox.state = 'done' AND outbox.delivered_at > ? AND submissions.email = ?",
        (store.CONFIRMATION, (now or time.time()) - DAY_SECONDS, email),
    ).fetchone()[0]


class Mailer:
    """One SMTP session for a relay pass, opened at the first mail."""

    def __init__(self, config):
        self.config = config
        self.server = None

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.server = None

    def _connect(self):
        config = self.config
        security = config["SMTP_SECURITY"]
        port = int(config["SMTP_PORT"] or SECURITY_MODES[security])
        context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
        if security == "ssl":
            server = smtplib.SMTP_SSL(config["SMTP_HOST"], port, timeout=config["SMTP_TIMEOUT"], context=context)
        else:
            server = smtplib.SMTP(config["SMTP_HOST"], port, timeout=config["SMTP_TIMEOUT"])
            if security == "starttls":
                server.starttls(context=context)
        if config["SMTP_USERNAME"]:
            server.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        return server

    def send(self, message):
        try:
            if self.server is None:
                self.server = self._connect()
            refused = self.server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            self._drop()
            codes = [code for code, _text in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentMailError(f"every recipient refused: {error.recipients}") from error
            raise
        except smtplib.SMTPResponseException as error:
            self._drop()
            if error.smtp_code >= 500:
                raise PermanentMailError(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise
        except (smtplib.SMTPException, OSError):
            self._drop()
            raise
        if refused:
            log.warning("%s: some recipients refused: %s", message["Message-ID"], refused)

    def _drop(self):
        """Forget a session in an unknown state; the next mail opens a new one."""
        if self.server is not None:
            try:
                self.server.close()
            except OSError:
                pass
            self.server = None
