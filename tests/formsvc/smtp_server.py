"""A real SMTP server on loopback for the mail tests (aiosmtpd), optionally
with STARTTLS and AUTH under a CA made for the test (trustme)."""

import socket
import ssl
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

USERNAME, PASSWORD = "formsvc", "ratt-losenord-42"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """Keeps every accepted message; `reply` (e.g. '451 …') makes DATA fail instead."""

    def __init__(self):
        self.messages = []
        self.reply = None
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.login)
        return AuthResult(success=auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode())

    def by_id(self):
        found = {}
        for message in self.messages:
            found.setdefault(message["Message-ID"], []).append(message)
        return found


class SmtpServer:
    """start()/stop() can be called again: the same port, the same recorder."""

    def __init__(self, tls_dir=None):
        self.recorder = Recorder()
        self.port = free_port()
        self.ca_file = None
        self.tls_context = None
        if tls_dir is not None:
            import trustme

            authority = trustme.CA()
            self.tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            authority.issue_cert("127.0.0.1").configure_cert(self.tls_context)
            self.ca_file = tls_dir / "smtp-ca.pem"
            authority.cert_pem.write_to_path(str(self.ca_file))
        self.controller = None

    def start(self):
        options = {}
        if self.tls_context is not None:
            options = dict(tls_context=self.tls_context, require_starttls=True, auth_required=True,
                           auth_require_tls=True, authenticator=self.recorder.authenticate)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def environment(self):
        settings = {"FORMSVC_SMTP_HOST": "127.0.0.1", "FORMSVC_SMTP_PORT": self.port,
                    "FORMSVC_MAIL_FROM": "anmalan@sim.example.se",
                    "FORMSVC_STAFF_EMAIL": "handlaggare@sim.example.se,chef@sim.example.se"}
        if self.tls_context is not None:
            settings.update(FORMSVC_SMTP_SECURITY="starttls", FORMSVC_SMTP_CA_FILE=self.ca_file,
                            FORMSVC_SMTP_USERNAME=USERNAME, FORMSVC_SMTP_PASSWORD=PASSWORD)
        else:
            settings["FORMSVC_SMTP_SECURITY"] = "none"
        return settings
