"""Abuse protection and HTTP hardening for every formsvc response.

CSRF itself comes from Flask-WTF's FlaskForm (see forms.py); this module adds
the bot traps (honeypot field, signed fill time bound to the visitor's
session, with a minimum and a maximum age), the order in which every form
applies them (`refusal`), the per-client rate limit on POST, which peers may
say who the client is, and the security headers.
"""

import ipaddress
import logging
import secrets
import time

from flask import abort, current_app, request, session
from flask_limiter import Limiter
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from . import ratelimit_sqlite  # noqa: F401  registers the sqlite:// limits storage
from .site_headers import shared_site_headers

HONEYPOT_FIELD = "website"
STARTED_SALT = "formsvc-started"
FILL_NONCE_KEY = "fill_nonce"
# Why fill_time_problem refuses a token: an old page is the visitor's bad luck,
# the other reasons are what bots do (kept as suspected spam when complete).
EXPIRED, TOO_FAST = "expired", "fill time"

SESSION_EXPIRED = (
    "Sidan hade varit öppen för länge, eller så tog webbläsaren inte emot vår kaka för formuläret. "
    "Det du skrev finns kvar nedan – kontrollera det och skicka igen."
)
SENT_TOO_FAST = (
    "Formuläret skickades ovanligt snabbt, så vi behöver en bekräftelse på att det är du. "
    "Kontrollera uppgifterna nedan och skicka igen."
)

log = logging.getLogger(__name__)

# formsvc's own policy: its pages need less than the static site's (no WASM search).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
))


def _started_serializer():
    return URLSafeSerializer(current_app.secret_key, salt=STARTED_SALT)


def issue_started_token(shown_at=None):
    """A signed 'the form was shown at' time for the hidden `started` field.

    The token names a random value kept in this visitor's session, so it is
    worth nothing to another session: a bot cannot fetch one token and reuse
    it for any number of fresh sessions.
    """
    nonce = session.setdefault(FILL_NONCE_KEY, secrets.token_urlsafe(12))
    return _started_serializer().dumps([time.time() if shown_at is None else shown_at, nonce])


def fill_time_problem(token):
    """None when the form was shown to this session long enough ago and not too
    long ago; EXPIRED when it was shown more than FORM_MAX_AGE seconds ago;
    TOO_FAST when the token is missing, forged, from another session, or
    younger than the minimum fill time."""
    try:
        shown_at, nonce = _started_serializer().loads(token or "")
        shown_at = float(shown_at)
    except (BadData, TypeError, ValueError):
        return TOO_FAST
    if not secrets.compare_digest(str(nonce), str(session.get(FILL_NONCE_KEY, ""))):
        return TOO_FAST
    age = time.time() - shown_at
    if age > current_app.config["FORM_MAX_AGE"]:
        return EXPIRED
    return TOO_FAST if age < current_app.config["MIN_FILL_SECONDS"] else None


def refusal(form, valid, render, keep_as_spam):
    """Apply the bot traps to a POSTed form, in the same order on every form.

    Returns None when the form may be stored, else the response to send.
    `render(notice, status)` shows the form again with what was typed;
    `keep_as_spam(reason)` stores a complete form for staff to review and
    returns what the log line should add. Only a complete form with this
    session's CSRF token is kept: an expired page is not spam, an incomplete
    or foreign one is not worth reviewing.
    """
    keepable = valid and not form.csrf_token.errors
    if honeypot_filled(request.form):
        log.info("honeypot filled in on %s; refused%s", request.path, keep_as_spam("honeypot") if keepable else "")
        abort(400)
    if form.csrf_token.errors:
        return render(SESSION_EXPIRED, 400)
    problem = fill_time_problem(request.form.get("started"))
    if problem == EXPIRED:
        log.info("form on %s shown too long ago; asked to resend", request.path)
        return render(SESSION_EXPIRED, 400)
    if problem == TOO_FAST:
        log.info("form on %s sent faster than the minimum fill time or with a bad token; asked to resend%s",
                 request.path, keep_as_spam(TOO_FAST) if keepable else "")
        return render(SENT_TOO_FAST, 400)
    return None


def honeypot_filled(form_data):
    """People never see the field; software that fills every input does."""
    return bool(form_data.get(HONEYPOT_FIELD, "").strip())


def parse_networks(text):
    """'127.0.0.1, 10.0.0.0/8' → ip networks; a bad entry stops the app at start."""
    networks = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"FORMSVC_PROXY_ADDRESSES: {entry!r} is not an IP address or network "
                "(write e.g. 127.0.0.1,::1 or 10.0.0.0/8)"
            ) from None
    return networks


class TrustedProxyFix:
    """ProxyFix, but only for connections from a configured proxy address.

    X-Forwarded-For is written by whoever sends the request. Trusting it from
    any peer lets a client that connects directly choose its own rate-limit
    key; only our own reverse proxy may tell us who the client is.
    """

    def __init__(self, wsgi_app, hops, networks):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=hops)
        self.networks = networks

    def _from_proxy(self, peer):
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._from_proxy(environ.get("REMOTE_ADDR", "")):
            return self.proxied(environ, start_response)
        # Headers a proxy would set mean nothing from anyone else.
        for name in [key for key in environ if key.startswith("HTTP_X_FORWARDED_")]:
            del environ[name]
        return self.direct(environ, start_response)


def client_address():
    return request.remote_addr or "unknown"


def _not_a_post():
    return request.method != "POST"


def init_app(app):
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, proxies, parse_networks(app.config["PROXY_ADDRESSES"]))
    Limiter(
        client_address,
        app=app,
        application_limits=[lambda: current_app.config["RATE_LIMIT"]],
        application_limits_exempt_when=_not_a_post,
        headers_enabled=False,
    )
    headers = {
        **shared_site_headers(app.config["REPO_DIR"] / "netlify.toml"),
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        # Form pages carry a CSRF token and thank-you pages a reference: never cache.
        "Cache-Control": "no-store",
    }

    def add_security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    app.after_request(add_security_headers)
    app.extensions["formsvc.security_headers"] = headers
