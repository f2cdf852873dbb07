"""Runs the real form service (gunicorn) and its CLI relay as subprocesses, and
talks to it over loopback HTTP the way a browser would.

A plain module rather than fixtures so tests and their helpers can call it
directly (as tests.reliability.reliability_harness)."""

import json
import os
import signal
import socket
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[2]
from tests.formsvc.formsvc_helpers import write_site_manifest  # the manifest the site build writes

VENV_BIN = REPO / ".venv" / "bin"
PRODUCTION_CONFIG = REPO / "gunicorn.conf.py"
OPEN_CALL_SLUG = "provning-av-anmalan"
SECRET_KEY = "reliability-tests-only-not-a-secret"
STARTUP_SECONDS = 30
REQUEST_SECONDS = 10


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_calls_file(path):
    """One call that opened yesterday and closes in thirty days."""
    stockholm = timezone(timedelta(hours=1))
    now = datetime.now(stockholm).replace(microsecond=0)
    call = {
        "slug": OPEN_CALL_SLUG,
        "title": "Provning av anmälan",
        "area": "Produktionseffektivisering",
        "audience": "Tillverkande företag i länet",
        "summary": "En utlysning som bara finns i testerna.",
        "opens": (now - timedelta(days=1)).isoformat(),
        "deadline": (now + timedelta(days=30)).isoformat(),
        "url": f"/utlysningar/{OPEN_CALL_SLUG}/",
        "signup_url": f"/anmalan/{OPEN_CALL_SLUG}/",
    }
    path.write_text(json.dumps({"generated": now.isoformat(), "calls": [call]}), encoding="utf-8")


def service_environment(data_dir, **overrides):
    """The environment every formsvc process of one test shares."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    calls_file = data_dir / "calls.json"
    if not calls_file.exists():
        write_calls_file(calls_file)
    if not (data_dir / "site.json").exists():
        write_site_manifest(data_dir / "site.json")  # formsvc finds it next to CALLS_FILE
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FORMSVC_", "SHEET_", "SIM_")) and key not in ("SECRET_KEY", "CALLS_FILE")
    }
    env.update(
        FORMSVC_DATA_DIR=str(data_dir),
        SHEET_PATH=str(data_dir / "sheet" / "anmalningar.xlsx"),
        SHEET_BACKEND="xlsx",
        CALLS_FILE=str(calls_file),
        SECRET_KEY=SECRET_KEY,
        FORMSVC_RATE_LIMIT="100000 per minute",
        FORMSVC_MIN_FILL_SECONDS="0",
        FORMSVC_RELAY_THREAD="0",
        FORMSVC_RELAY_INTERVAL="0.2",
        FORMSVC_SECURE_COOKIES="0",
        # Retries come quickly and a held lock fails fast, so tests stay short.
        FORMSVC_BACKOFF_BASE="0.05",
        FORMSVC_BACKOFF_MAX="0.2",
        FORMSVC_SHEET_LOCK_TIMEOUT="1",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    Path(env["SHEET_PATH"]).parent.mkdir(parents=True, exist_ok=True)
    return env


class FormService:
    """One gunicorn master with its workers, in a process group of its own so a
    single killpg reaches every process (that is how the crash test kills it)."""

    def __init__(self, env, port=None, workers=3, config_file=None):
        self.env = env
        self.port = port or free_port()
        self.workers = workers
        # None: gunicorn finds the repository's gunicorn.conf.py itself (cwd);
        # the test's -w, -b and timeouts below override what that file says.
        self.config_file = config_file
        self.process = None
        self.log_path = Path(env["FORMSVC_DATA_DIR"]) / f"gunicorn-{self.port}.log"

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_until_healthy=True):
        if self.config_file:
            # Exactly the production settings; only the address is the test's.
            command = [str(VENV_BIN / "gunicorn"), "-c", str(self.config_file),
                       "-b", f"127.0.0.1:{self.port}", "--no-control-socket"]
        else:
            command = [
                str(VENV_BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                "--graceful-timeout", "2", "--timeout", "60", "--no-control-socket",
                "formsvc:create_app()",
            ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait_until_healthy:
            self._wait_until_healthy()
        return self

    def _wait_until_healthy(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.base_url + "/anmalan/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn not healthy after {STARTUP_SECONDS} s:\n{self.log()}")

    def kill_hard(self):
        """SIGKILL the master and all workers at once: no handler runs anywhere."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill_hard()
        except ProcessLookupError:
            pass
        finally:
            # Workers are in the same group; make sure none outlives the master.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


class SignupClient:
    """A browser stand-in: GET the form, keep its cookie, POST a filled-in copy."""

    def __init__(self, base_url, call_slug=None):
        self.base_url = base_url
        self.form_path = f"/anmalan/{call_slug}/" if call_slug else "/anmalan/"
        self.session = requests.Session()

    def fetch_form(self):
        response = self.session.get(self.base_url + self.form_path, timeout=REQUEST_SECONDS)
        response.raise_for_status()
        return default_answers(response.text)

    def submit(self, overrides=None, remove=(), **post_options):
        """POST a valid sign-up changed by `overrides`; returns (status, location)."""
        fields = self.fetch_form()
        fields.update(overrides or {})
        for name in remove:
            fields.pop(name, None)
        response = self.post(fields, **post_options)
        return response.status_code, response.headers.get("Location")

    def post(self, fields=None, **post_options):
        post_options.setdefault("timeout", REQUEST_SECONDS)
        return self.session.post(
            self.base_url + self.form_path, data=fields, allow_redirects=False, **post_options
        )


def sign_up(client, count, company="Reliabilitet AB"):
    """`count` valid sign-ups that must each get their 303; returns their references."""
    references = []
    for number in range(count):
        status, location = client.submit({"company": f"{company} {number}"})
        assert status == 303, f"a valid sign-up got {status}"
        references.append(reference_from_location(location))
    return references


def default_answers(html):
    """A valid answer for every field of the form, read from the form itself
    (hidden tokens, the first real option of each select, the first radio and
    the first checkbox of each group), plus plausible text for text inputs."""
    soup = BeautifulSoup(html, "html5lib")
    form = soup.find("form", method=lambda m: m and m.lower() == "post")
    answers = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or name in answers:
            continue
        kind = (field.get("type") or "text").lower()
        if field.name == "select":
            options = [o.get("value", o.text) for o in field.find_all("option")]
            answers[name] = next(value for value in options if value)
        elif kind in ("radio", "checkbox"):
            answers[name] = field.get("value", "y")
        elif kind == "hidden":
            answers[name] = field.get("value", "")
        elif kind == "submit":
            continue
        else:
            answers[name] = ""
    answers.update(
        company="Reliabilitet AB",
        org_number="556036-0793",
        contact_name="Anna Andersson",
        role="Vd",
        email="anna@example.se",
        phone="070-123 45 67",
        message="Vi vill veta mer.",
        website="",
    )
    return answers


def reference_from_location(location):
    """'/anmalan/tack/SIM-7KQ4-M2XD/' → 'SIM-7KQ4-M2XD'."""
    assert location and "/anmalan/tack/" in location, location
    return location.rstrip("/").rsplit("/", 1)[-1]


def run_relay(env, *args, timeout=120, **env_overrides):
    """One `flask --app formsvc relay` subprocess; returns CompletedProcess."""
    relay_env = dict(env, **{key: str(value) for key, value in env_overrides.items()})
    return subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "formsvc", "relay", *args],
        cwd=REPO, env=relay_env, capture_output=True, text=True, timeout=timeout,
    )


def run_cli(env, *args, timeout=60):
    return subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "formsvc", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )
