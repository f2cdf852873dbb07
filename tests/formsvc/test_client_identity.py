"""Who a client is (its rate-limit key) comes from the connection unless our
own proxy says otherwise, and the limit is one count for every worker."""

import sqlite3
import time

import pytest
from flask import request

from formsvc.ratelimit_sqlite import SqliteStorage
from tests.formsvc.formsvc_helpers import form_tokens, stored_references, valid_answers


def post_as(client, peer, forwarded_for=None, data=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/anmalan/", data=data, headers=headers, environ_base={"REMOTE_ADDR": peer})


def signup_data(client):
    return dict(form_tokens(client), **valid_answers())


def test_a_direct_client_cannot_choose_its_rate_limit_key_with_x_forwarded_for(make_app):
    app = make_app(FORMSVC_RATE_LIMIT="3 per minute")
    client = app.test_client()
    data = signup_data(client)
    outcomes = [post_as(client, "203.0.113.50", f"198.51.100.{n}", data).status_code for n in range(10)]
    assert outcomes.count(303) == 3 and outcomes[3:] == [429] * 7
    assert len(stored_references(app)) == 3


def test_by_default_no_peer_may_name_the_client_not_even_one_on_loopback(make_app):
    app = make_app(FORMSVC_RATE_LIMIT="3 per minute")
    client = app.test_client()
    data = signup_data(client)
    outcomes = [post_as(client, "127.0.0.1", f"198.51.100.{n}", data).status_code for n in range(6)]
    assert outcomes == [303, 303, 303, 429, 429, 429]


def test_our_own_proxy_names_the_client_and_each_client_has_its_own_budget(make_app):
    app = make_app(FORMSVC_RATE_LIMIT="2 per minute", FORMSVC_PROXY_ADDRESSES="10.0.0.0/8")
    client = app.test_client()
    data = signup_data(client)
    first = [post_as(client, "10.1.2.3", "203.0.113.7", data).status_code for _ in range(3)]
    assert first == [303, 303, 429]
    # The proxy appends the address it saw; what the client wrote before it is ignored.
    assert post_as(client, "10.1.2.3", "203.0.113.7, 198.51.100.9", data).status_code == 303


def test_forwarded_headers_from_a_stranger_are_dropped_before_the_app_sees_them(make_app):
    app = make_app()
    seen = {}

    @app.get("/anmalan/__peer")
    def peer():
        seen["remote"], seen["scheme"], seen["host"] = request.remote_addr, request.scheme, request.host
        seen["forwarded"] = sorted(name for name in request.headers.keys() if name.startswith("X-Forwarded"))
        return ""

    app.test_client().get("/anmalan/__peer", environ_base={"REMOTE_ADDR": "192.0.2.8"}, headers={
        "X-Forwarded-For": "1.2.3.4", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example",
    })
    assert seen == {"remote": "192.0.2.8", "scheme": "http", "host": "localhost", "forwarded": []}


def test_a_misspelt_proxy_address_stops_the_app_with_an_example(make_app):
    with pytest.raises(ValueError, match="FORMSVC_PROXY_ADDRESSES: 'localhost' .* 127.0.0.1"):
        make_app(FORMSVC_PROXY_ADDRESSES="127.0.0.1, localhost")


def test_the_default_rate_limit_is_one_count_across_workers(make_app):
    """Two app instances on one data folder stand in for two gunicorn workers
    (tests/reliability/test_production_config.py does it with real ones)."""
    first_worker = make_app(FORMSVC_RATE_LIMIT="4 per minute")
    second_worker = make_app(FORMSVC_RATE_LIMIT="4 per minute")
    assert first_worker.config["RATELIMIT_STORAGE_URI"].startswith("sqlite://")
    outcomes = []
    for worker in (first_worker, second_worker, first_worker, second_worker, first_worker, second_worker):
        client = worker.test_client()
        outcomes.append(post_as(client, "127.0.0.1", None, signup_data(client)).status_code)
    assert outcomes == [303, 303, 303, 303, 429, 429]


def test_sqlite_counters_expire_and_take_no_address_past_its_window(tmp_path):
    storage = SqliteStorage(f"sqlite://{tmp_path / 'limits.sqlite3'}")
    assert storage.incr("LIMITER/203.0.113.7", 1) == 1
    assert storage.incr("LIMITER/203.0.113.7", 1) == 2
    assert storage.get("LIMITER/203.0.113.7") == 2 and storage.get_expiry("LIMITER/203.0.113.7") > time.time()
    time.sleep(1.1)
    assert storage.get("LIMITER/203.0.113.7") == 0
    assert storage.incr("LIMITER/198.51.100.1", 60) == 1  # writing sweeps the expired row
    keys = [key for (key,) in sqlite3.connect(storage.path).execute("SELECT key FROM counters")]
    assert keys == ["LIMITER/198.51.100.1"]
    assert (tmp_path / "limits.sqlite3").stat().st_mode & 0o077 == 0
    with pytest.raises(ValueError, match="sqlite:///"):
        SqliteStorage("sqlite://")
