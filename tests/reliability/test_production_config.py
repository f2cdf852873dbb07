"""The production settings (gunicorn.conf.py) under attack, with real gunicorn
processes and real sockets: slow clients, a rate limit across workers, a
chunked body over the limit, and a relay that starts with the service."""

import select
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from tests.reliability.reliability_harness import PRODUCTION_CONFIG as CONFIG_FILE
from tests.reliability.reliability_checks import submission_references
from tests.reliability.reliability_harness import SignupClient, free_port, sign_up

pytestmark = pytest.mark.both_databases

SLOW_CLIENTS = 3
VISITOR_BUDGET_SECONDS = 1.0


class SlowClient(threading.Thread):
    """Connects and then sends its request one byte at a time, for as long as
    the server keeps the connection open; `body` selects whether the headers
    arrive whole and the body trickles, or the headers themselves trickle."""

    def __init__(self, port, slow_part, interval=0.2):
        super().__init__(daemon=True)
        body = b"company=" + b"x" * 3000
        headers = (
            "POST /anmalan/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.fast, self.slow = (headers, body) if slow_part == "body" else (b"", headers + body)
        self.port, self.interval = port, interval
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.stop = threading.Event()
        self.answer = b""

    def run(self):
        self.sock.sendall(self.fast)
        for byte in self.slow:
            # Before each byte, see whether the server has answered or hung up.
            readable, _, _ = select.select([self.sock], [], [], self.interval)
            if readable or self.stop.is_set():
                break
            try:
                self.sock.sendall(bytes([byte]))
            except OSError:
                break
        self.sock.settimeout(1)
        try:
            self.answer = self.sock.recv(200)
        except OSError:
            pass

    def close(self):
        self.stop.set()
        self.join(timeout=5)
        self.sock.close()


@pytest.fixture
def production_env(service_env):
    return dict(service_env, FORMSVC_BODY_TIMEOUT="4")


def test_three_slow_clients_do_not_keep_a_normal_visitor_waiting(production_env, start_service):
    service = start_service(production_env, config_file=CONFIG_FILE)
    attackers = [SlowClient(service.port, part) for part in ["body"] * SLOW_CLIENTS + ["headers"] * SLOW_CLIENTS]
    for attacker in attackers:
        attacker.start()
    try:
        time.sleep(1)  # every attacker is connected and has started sending
        timings = []
        for number in range(5):
            visitor = SignupClient(service.base_url)
            started = time.monotonic()
            status, _location = visitor.submit({"company": f"Vanlig besökare {number}"})
            timings.append(time.monotonic() - started)
            assert status == 303
        print(f"visitor GET+POST with {len(attackers)} slow clients connected: "
              + ", ".join(f"{seconds:.3f} s" for seconds in timings))
        assert max(timings) < VISITOR_BUDGET_SECONDS, timings
        # The body deadline frees the threads slow senders hold: they get 408 and are cut off.
        time.sleep(4)
    finally:
        for attacker in attackers:
            attacker.close()
    body_attackers = attackers[:SLOW_CLIENTS]
    assert all(attacker.answer.startswith(b"HTTP/1.1 408") for attacker in body_attackers), \
        [attacker.answer[:40] for attacker in body_attackers]


def test_ten_per_minute_means_ten_across_all_workers(service_env, start_service):
    env = dict(service_env, FORMSVC_RATE_LIMIT="10 per minute")
    service = start_service(env, config_file=CONFIG_FILE)
    outcomes = [SignupClient(service.base_url).submit()[0] for _ in range(30)]
    assert outcomes.count(303) == 10 and outcomes.count(429) == 20, outcomes


def test_spoofed_x_forwarded_for_does_not_buy_a_fresh_budget(service_env, start_service):
    """The attack from issue 15: 40 posts, each claiming another client address."""
    env = dict(service_env, FORMSVC_RATE_LIMIT="10 per minute")
    service = start_service(env, config_file=CONFIG_FILE)
    outcomes = [SignupClient(service.base_url).submit(headers={"X-Forwarded-For": f"198.51.100.{number}"})[0]
                for number in range(40)]
    assert outcomes.count(303) == 10 and outcomes.count(429) == 30, outcomes


def test_a_chunked_body_over_64_kb_gets_413_from_the_real_server(service_env, start_service):
    service = start_service(service_env, config_file=CONFIG_FILE)
    visitor = SignupClient(service.base_url)
    fields = visitor.fetch_form()
    fields["message"] = "x" * (70 * 1024)
    body = requests.models.RequestEncodingMixin._encode_params(fields).encode()

    def chunks():  # a generator makes requests send Transfer-Encoding: chunked
        for start in range(0, len(body), 8192):
            yield body[start:start + 8192]

    response = visitor.session.post(service.base_url + "/anmalan/", data=chunks(), allow_redirects=False,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert response.status_code == 413
    assert "för stort" in response.text
    assert stored_count(service_env) == 0


def test_head_on_the_form_is_200_from_the_real_server(service_env, start_service):
    service = start_service(service_env, config_file=CONFIG_FILE)
    response = requests.head(service.base_url + "/anmalan/", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")


def stored_count(env):
    return len(submission_references(env))


def sheet_has_rows(env, count):
    path = Path(env["SHEET_PATH"])
    if not path.exists():
        return False
    return load_workbook(path).worksheets[0].max_row - 1 >= count


@pytest.mark.parametrize("settings", ["production config", "no config file"])
def test_after_a_restart_the_relay_delivers_before_any_request(settings, service_env, start_service, tmp_path):
    # Sign-ups stored while nothing relays them (as after a crash).
    first = start_service(service_env, config_file=CONFIG_FILE)
    sign_up(SignupClient(first.base_url), 3)
    first.stop()
    assert not sheet_has_rows(service_env, 1)

    env = dict(service_env, FORMSVC_RELAY_THREAD="1")
    empty_config = tmp_path / "empty.conf.py"
    empty_config.write_text('wsgi_app = "formsvc:create_app()"\n')  # gunicorn defaults: sync workers
    config = CONFIG_FILE if settings == "production config" else empty_config
    # Not even the health check: no HTTP request reaches the restarted service.
    restarted = start_service(env, config_file=config, port=free_port(), wait_until_healthy=False)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not sheet_has_rows(env, 3):
        time.sleep(0.2)
    assert sheet_has_rows(env, 3), restarted.log()
