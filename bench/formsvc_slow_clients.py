"""How long a normal visitor waits while slow clients hold connections.

Starts formsvc twice under real gunicorn on loopback: once with gunicorn's
own defaults (sync workers, `-w 3`, the command the README gave before
gunicorn.conf.py) and once with the repository's gunicorn.conf.py. For each,
a visitor's GET+POST is timed with nobody else connected (the baseline) and
with three clients that send a request body one byte every 0.2 s. Prints the
figures and each ratio against that server's own baseline; a visitor still
waiting after VISITOR_TIMEOUT seconds is reported as "timed out".

    .venv/bin/python -m bench.formsvc_slow_clients
"""

import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

import requests

from tests.reliability.reliability_harness import PRODUCTION_CONFIG, FormService, SignupClient, service_environment
from tests.reliability.test_production_config import SlowClient

SLOW_CLIENTS = 3
ROUNDS = 5
VISITOR_TIMEOUT = 5


def visitor_seconds(base_url):
    started = time.monotonic()
    try:
        SignupClient(base_url).submit(timeout=VISITOR_TIMEOUT)
    except requests.RequestException:
        return None
    return time.monotonic() - started


def measure(config_file, label, defaults_file):
    env = service_environment(Path(tempfile.mkdtemp()) / "data", FORMSVC_BODY_TIMEOUT="30")
    service = FormService(env, config_file=config_file or defaults_file).start()
    try:
        baseline = statistics.median(visitor_seconds(service.base_url) for _ in range(ROUNDS))
        attackers = [SlowClient(service.port, "body") for _ in range(SLOW_CLIENTS)]
        for attacker in attackers:
            attacker.start()
        time.sleep(1)
        try:
            loaded = [visitor_seconds(service.base_url) for _ in range(ROUNDS)]
        finally:
            for attacker in attackers:
                attacker.close()
    finally:
        service.stop()
    finished = [seconds for seconds in loaded if seconds is not None]
    worst = f"{max(finished):.3f} s" if len(finished) == len(loaded) else f"timed out ({VISITOR_TIMEOUT} s)"
    ratio = f"{max(finished) / baseline:.1f}×" if len(finished) == len(loaded) else "∞"
    print(f"{label:<38} baseline {baseline:.3f} s | with {SLOW_CLIENTS} slow clients: worst {worst} | ratio {ratio}")


def main():
    defaults = Path(tempfile.mkdtemp()) / "gunicorn-defaults.conf.py"
    defaults.write_text('wsgi_app = "formsvc:create_app()"\nworkers = 3\n')
    print(f"visitor GET+POST, median of {ROUNDS} alone vs worst of {ROUNDS} under attack")
    measure(None, "gunicorn defaults (sync, -w 3)", defaults)
    measure(PRODUCTION_CONFIG, "gunicorn.conf.py (gthread 3×16)", defaults)


if __name__ == "__main__":
    main()
