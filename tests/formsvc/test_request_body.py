"""Bodies are read whole, bounded in size and time; HEAD is answered like GET."""

import io
import time

from tests.formsvc.formsvc_helpers import form_tokens, query, stored_references, valid_answers
from werkzeug.urls import urlencode


def encoded_form(client, **overrides):
    data = dict(form_tokens(client), **valid_answers(**overrides))
    return urlencode([(name, value) for name, values in data.items()
                      for value in (values if isinstance(values, list) else [values])]).encode()


def chunked_environ(body_stream):
    """What gunicorn hands over for `Transfer-Encoding: chunked`: no length, a terminated stream."""
    return {
        "wsgi.input": body_stream,
        "wsgi.input_terminated": True,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_TRANSFER_ENCODING": "chunked",
    }


def test_head_on_the_form_is_answered_like_get_without_a_body(client):
    for path in ("/anmalan/", "/anmalan/oppen-utlysning/"):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.get_data() == b""
        assert response.headers["Content-Type"].startswith("text/html")


def test_chunked_body_over_the_limit_is_refused_with_413_and_nothing_stored(app, client):
    body = encoded_form(client, message="x" * (70 * 1024))
    response = client.post("/anmalan/", environ_overrides=chunked_environ(io.BytesIO(body)))
    assert response.status_code == 413
    assert "för stort" in response.get_data(as_text=True)
    assert response.headers["Connection"] == "close"
    assert stored_references(app) == []


def test_chunked_body_under_the_limit_is_stored_whole(app, client):
    # 60 kB, the message last: read to the end, not cut at some buffer size.
    padding = urlencode([("ignored", "p" * (60 * 1024))]).encode() + b"&"
    message = "Vi vill automatisera svetsningen."
    body = padding + encoded_form(client, message=message)
    response = client.post("/anmalan/", environ_overrides=chunked_environ(io.BytesIO(body)))
    assert response.status_code == 303
    assert query(app, "SELECT message FROM submissions") == [(message,)]


class TrickleStream(io.RawIOBase):
    """A client that sends one byte per read, `delay` seconds apart."""

    def __init__(self, data, delay):
        self.data, self.delay = data, delay

    def readable(self):
        return True

    def read(self, size=-1):
        time.sleep(self.delay)
        chunk, self.data = self.data[:1], self.data[1:]
        return chunk


def test_a_body_that_trickles_past_the_deadline_gets_408_and_nothing_is_stored(make_app):
    app = make_app(FORMSVC_BODY_TIMEOUT="0.3")
    client = app.test_client()
    body = encoded_form(client)
    started = time.monotonic()
    response = client.post("/anmalan/", environ_overrides={
        "wsgi.input": TrickleStream(body, 0.05), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    })
    assert response.status_code == 408
    assert time.monotonic() - started < 2, "the deadline bounds the whole body, not each read"
    assert "för lång tid" in response.get_data(as_text=True)
    assert stored_references(app) == []


def test_a_declared_length_the_client_does_not_send_is_a_400(app, client):
    body = encoded_form(client)
    response = client.post("/anmalan/", environ_overrides={
        "wsgi.input": io.BytesIO(body[:100]), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    })
    assert response.status_code == 400
    assert stored_references(app) == []
