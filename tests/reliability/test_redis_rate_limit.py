"""FORMSVC_RATELIMIT_STORAGE=redis://…: the limit shared through a real
redis-server, started here on a free loopback port in a temporary folder.

Under CI=true a missing redis-server fails the run (tests/run.sh installs
Debian's package when run as root); elsewhere the test skips with the reason."""

import os
import shutil
import subprocess
import time

import pytest
import redis

from tests.reliability.reliability_harness import PRODUCTION_CONFIG, SignupClient, free_port

REDIS_SERVER = "redis-server"


@pytest.fixture
def redis_url(tmp_path):
    if shutil.which(REDIS_SERVER) is None:
        message = f"{REDIS_SERVER} not installed; `bash tests/run.sh` as root installs Debian's redis-server"
        (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)(message)
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"redis-server on port {port} did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def test_the_limit_holds_across_workers_through_redis(redis_url, service_env, start_service):
    env = dict(service_env, FORMSVC_RATE_LIMIT="10 per minute", FORMSVC_RATELIMIT_STORAGE=redis_url)
    service = start_service(env, config_file=PRODUCTION_CONFIG)
    outcomes = [SignupClient(service.base_url).submit()[0] for _ in range(25)]
    assert outcomes.count(303) == 10 and outcomes.count(429) == 15, outcomes
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert keys, "the counters live in Redis, not in the workers"
    assert not os.path.exists(os.path.join(env["FORMSVC_DATA_DIR"], "ratelimit.sqlite3"))
