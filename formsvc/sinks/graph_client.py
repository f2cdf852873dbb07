"""A small Microsoft Graph client for the Microsoft 365 sink: an app-only
token from msal (client credentials) and JSON requests over `requests`, with
Graph's failures turned into the sink's two outcomes: wait (GraphThrottled,
carrying Retry-After) or fail with a message that says what to fix.

Only the few endpoints the sink needs are wrapped; everything about the Excel
table itself lives in m365.py.
"""

import functools
import logging
import threading
from urllib.parse import quote

import msal
import requests

from .base import retry_after_seconds

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# Seconds to wait when Graph throttles without saying how long (it usually says).
DEFAULT_RETRY_AFTER = 30
THROTTLED_STATUSES = {429, 503, 504}

log = logging.getLogger(__name__)
# One msal application (and so one token cache) per tenant, client and
# credential in this process: the relay builds a new sink every pass, and a
# token is valid for about an hour.
_applications = {}
_applications_guard = threading.Lock()


class GraphError(Exception):
    """Graph (or the sign-in service) refused; the message says what to fix."""

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status, self.code = status, code


class GraphThrottled(GraphError):
    """Graph asked us to come back later (429/503/504): not a failure of ours."""

    def __init__(self, message, retry_after, status=None, code=None):
        super().__init__(message, status, code)
        self.retry_after = retry_after


class GraphClient:
    def __init__(self, settings, session=None):
        self.settings = settings
        self.session = session or requests.Session()
        if settings.get("ca_file"):
            # Passed with every request (msal's too): a session-wide setting
            # would lose to REQUESTS_CA_BUNDLE from the environment.
            self.session.request = functools.partial(self.session.request, verify=settings["ca_file"])
        self.timeout = settings.get("timeout", 30.0)

    # -- token -----------------------------------------------------------

    def token(self):
        """A valid access token, from msal's in-memory cache when it has one."""
        application = self._application()
        result = application.acquire_token_for_client(scopes=[GRAPH_SCOPE])
        if "access_token" in result:
            return result["access_token"]
        error = result.get("error", "unknown_error")
        described = result.get("error_description", "").splitlines()[0] if result.get("error_description") else ""
        raise GraphError(f"sign-in to Microsoft Entra ID failed ({error}: {described}); {_sign_in_fix(error, described)}",
                         code=error)

    def _application(self):
        settings = self.settings
        key = (settings["authority"], settings["client_id"], _credential_key(settings["credential"]))
        with _applications_guard:
            application = _applications.get(key)
            if application is None:
                try:
                    # Constructing it fetches the tenant's OpenID configuration.
                    application = msal.ConfidentialClientApplication(
                        settings["client_id"], client_credential=settings["credential"],
                        authority=settings["authority"], instance_discovery=False,
                        http_client=self.session, timeout=self.timeout,
                    )
                except ValueError as error:
                    raise GraphError(
                        f"the sign-in service does not know tenant {settings['authority']} ({error}); "
                        "check FORMSVC_M365_TENANT_ID (the Directory (tenant) ID of the app registration)"
                    ) from error
                _applications[key] = application
        return application

    # -- requests --------------------------------------------------------

    def url(self, *segments):
        """The base URL with each segment escaped, e.g. url('drives', id, 'items', id)."""
        return "/".join([self.settings["graph_url"].rstrip("/")] + [quote(str(part), safe="()=$'") for part in segments])

    def request(self, method, url, body=None):
        """JSON in, JSON out (None for an empty answer); raises GraphThrottled or GraphError."""
        response = self._send(method, url, body)
        if response.status_code == 401:
            # A token revoked before its time (say, a rotated secret): refused
            # requests change nothing, so forget it, sign in again and retry once.
            self._application().remove_tokens_for_client()
            response = self._send(method, url, body)
        if response.status_code < 300:
            return response.json() if response.content else None
        code, message = _error_of(response)
        if response.status_code in THROTTLED_STATUSES:
            # Graph sends a number of seconds, or nothing (then a default pause).
            retry_after = retry_after_seconds(response)
            raise GraphThrottled(
                f"Microsoft Graph is busy ({response.status_code} {code}); trying again later",
                DEFAULT_RETRY_AFTER if retry_after is None else retry_after, response.status_code, code,
            )
        raise GraphError(f"Microsoft Graph answered {response.status_code} {code} to {method} {url}: {message}",
                         response.status_code, code)


    def _send(self, method, url, body):
        headers = {"Authorization": f"Bearer {self.token()}", "Accept": "application/json"}
        try:
            return self.session.request(method, url, json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            # A write may have been applied before the connection broke; the
            # caller reads the table again before the next append.
            raise GraphError(f"no answer from Microsoft Graph for {method} {url}: {error}") from error


def _credential_key(credential):
    return credential if isinstance(credential, str) else tuple(sorted(credential.items()))


def _error_of(response):
    """(code, message) of Graph's {"error": {"code", "message", "innerError"}} body."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return "", response.text[:200]
    inner = error.get("innerError") or {}
    code = error.get("code") or ""
    if inner.get("code") and inner["code"] != code:
        code = f"{code}/{inner['code']}"
    return code, (error.get("message") or "")[:300]


def _sign_in_fix(error, description):
    """What the operator does about an msal error, in one sentence."""
    if error == "invalid_client" or "AADSTS7000215" in description or "AADSTS7000222" in description:
        return ("the client secret or certificate is wrong or expired: make a new one in the app registration "
                "and set FORMSVC_M365_CLIENT_SECRET (or FORMSVC_M365_CERTIFICATE_FILE)")
    if error == "unauthorized_client" or "AADSTS700016" in description:
        return "check FORMSVC_M365_CLIENT_ID (the Application (client) ID) and that the app is registered in this tenant"
    if "AADSTS90002" in description or error == "invalid_tenant":
        return "check FORMSVC_M365_TENANT_ID"
    return "check FORMSVC_M365_TENANT_ID, FORMSVC_M365_CLIENT_ID and the credential"
