"""Abuse protection and HTTP hardening for every formsvc response.

CSRF itself comes from Flask-WTF's FlaskForm (see forms.py); this module adds
the bot traps (honeypot field, signed minimum fill time), the per-IP rate
limit on POST, proxy awareness and the security headers.
"""

import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

HONEYPOT_FIELD = "website"
STARTED_SALT = "formsvc-started"

SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join((
        "default-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )),
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # Form pages carry a CSRF token and thank-you pages a reference: never cache.
    "Cache-Control": "no-store",
}


def _started_serializer():
    return URLSafeSerializer(current_app.secret_key, salt=STARTED_SALT)


def issue_started_token():
    """A signed 'the form was shown at' time for the hidden `started` field."""
    return _started_serializer().dumps(time.time())


def filled_too_fast(token):
    """True when the token is missing, forged, or younger than the minimum fill time."""
    try:
        shown_at = float(_started_serializer().loads(token or ""))
    except (BadData, TypeError, ValueError):
        return True
    return time.time() - shown_at < current_app.config["MIN_FILL_SECONDS"]


def honeypot_filled(form_data):
    """People never see the field; software that fills every input does."""
    return bool(form_data.get(HONEYPOT_FIELD, "").strip())


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _not_a_post():
    return request.method != "POST"


def init_app(app):
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        # Behind Netlify (one hop) the client address is the last X-Forwarded-For entry.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)
    Limiter(
        get_remote_address,
        app=app,
        application_limits=[lambda: current_app.config["RATE_LIMIT"]],
        application_limits_exempt_when=_not_a_post,
        headers_enabled=False,
    )
    app.after_request(_add_security_headers)
