"""Read each request body whole, bounded in size and in time, before the views see it.

Two attacks go through the body. A client that sends it slowly holds a
worker thread for as long as it likes; a chunked body (no Content-Length)
slips past Werkzeug's MAX_CONTENT_LENGTH check, which then cuts the stream
at the limit, so a truncated form was parsed and stored. Reading the body
here, at most MAX_CONTENT_LENGTH + 1 bytes and within FORMSVC_BODY_TIMEOUT
seconds, answers both with a proper 413 or 408; the views then parse an
in-memory copy.
"""

import io
import logging
import socket
import threading
import time

from flask import abort, current_app, g, request

METHODS_WITH_BODY = ("POST", "PUT", "PATCH", "DELETE")
READ_SIZE = 16 * 1024

log = logging.getLogger(__name__)


class BodyTooSlow(Exception):
    pass


class ClientGone(Exception):
    pass


def _read_bounded(environ, wanted, deadline):
    """Up to `wanted` bytes of wsgi.input, or BodyTooSlow when the deadline passes."""
    stream = environ["wsgi.input"]
    # gunicorn's body reader loops until it has every byte asked for, so a
    # timeout per socket read never fires while a byte arrives each second.
    # At the deadline a timer shuts the socket for reading: the pending read
    # returns at once and the 408 can still be written.
    sock = environ.get("gunicorn.socket")
    watchdog = None
    if sock is not None:
        watchdog = threading.Timer(max(deadline - time.monotonic(), 0), _stop_reading, args=(sock,))
        watchdog.daemon = True
        watchdog.start()
    chunks, received = [], 0
    try:
        while received < wanted:
            if time.monotonic() >= deadline:
                raise BodyTooSlow
            chunk = stream.read(min(READ_SIZE, wanted - received))
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    except BodyTooSlow:
        raise
    except Exception:
        # The server's reader fails on a socket shut under it (or a client gone).
        if time.monotonic() >= deadline:
            raise BodyTooSlow from None
        raise ClientGone from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
    if received < wanted and time.monotonic() >= deadline:
        raise BodyTooSlow
    return b"".join(chunks)


def _stop_reading(sock):
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # already closed


def read_body():
    if request.method not in METHODS_WITH_BODY:
        return
    environ = request.environ
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    declared = request.content_length
    if declared is not None and declared > limit:
        g.close_connection = True
        abort(413)
    if declared is None and not environ.get("wsgi.input_terminated"):
        return  # no length and a server that does not end the stream: Werkzeug reads nothing
    wanted = declared if declared is not None else limit + 1
    deadline = time.monotonic() + current_app.config["BODY_TIMEOUT"]
    try:
        body = _read_bounded(environ, wanted, deadline)
    except BodyTooSlow:
        log.info("request body not complete within %s s; answered 408", current_app.config["BODY_TIMEOUT"])
        g.close_connection = True
        abort(408)
    except ClientGone:
        g.close_connection = True
        abort(400)
    if len(body) > limit:
        g.close_connection = True
        abort(413)
    if declared is not None and len(body) < declared:
        g.close_connection = True
        abort(400)  # the client hung up mid-body
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def _close_if_asked(response):
    # Unread body bytes would be taken for the next request on a kept-alive connection.
    if g.get("close_connection"):
        response.headers["Connection"] = "close"
    return response


def init_app(app):
    app.before_request(read_body)
    app.after_request(_close_if_asked)
