"""The request handler both loopback fakes (Graph, Google Sheets) build on.

Every method is read the same way: the body (by Content-Length) into
`self.body`, then `handle_request()` of the subclass; `answer()` writes a
JSON document, or an empty body for None.
"""

import json
from http.server import BaseHTTPRequestHandler


class JsonRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    content_type = "application/json"

    def log_message(self, *_args):
        pass

    def do_GET(self):
        self._read_then_handle()

    do_POST = do_PUT = do_DELETE = do_GET

    def _read_then_handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.handle_request()

    def handle_request(self):
        raise NotImplementedError

    def answer(self, status, document, headers=None):
        data = b"" if document is None else json.dumps(document).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
