"""Durable sign-ups per second versus the same app's trivial endpoint.

Starts formsvc under gunicorn on loopback (free port, temporary data folder,
relay thread off, rate limit off, minimum fill time 0), then runs CLIENTS
concurrent client threads for SECONDS each against
  (a) GET /anmalan/health (a tiny JSON answer with two indexed counts), and
  (b) valid POST /anmalan/ sign-ups, each committed to SQLite (WAL,
      synchronous=FULL) with its outbox entry before the 303.
Each client fetches the form once (cookie + CSRF token) and reuses it.
Both phases run twice: with Python client threads (requests) and, when the
Debian package is installed, with wrk. The Python client shares the two cores
with the server and inflates the tail latency; wrk leaves the server the CPU,
which speeds the trivial endpoint up far more than the CPU-bound sign-up.
Prints req/s for both, the ratio (target >= 0.5) and p50/p99 latency of the
sign-ups (target p99 <= 50 ms). Prints figures; asserts nothing.

--database postgres measures the same run twice, on SQLite and on a
throwaway PostgreSQL cluster with its durable defaults (fsync on,
synchronous_commit on; Debian's initdb/pg_ctl), and prints PostgreSQL's
sign-up throughput as a ratio of SQLite's (target >= 0.7).

    .venv/bin/python -m bench.formsvc_throughput [--seconds 10] [--workers N] [--clients 16] [--sync NORMAL] [--load both|wrk|python] [--database sqlite|postgres]
"""

import argparse
import json
import os
import re
import shutil
import urllib.parse
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
ANSWERS = {
    "company": "Mätverkstaden AB", "org_number": "556036-0793", "municipality": "Östersund",
    "employees": "10–49", "industry": "Tillverkning och industri", "contact_name": "Bo Bench",
    "role": "Vd", "email": "bo@example.se", "phone": "063-14 20 00",
    "areas": ["Produktionseffektivisering"], "message": "Mätning.", "consent": "y", "website": "",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(data_dir, port, workers, synchronous, database_url=""):
    calls = data_dir / "calls.json"
    calls.write_text(json.dumps({"generated": datetime.now(timezone.utc).isoformat(), "calls": []}))
    # formsvc starts only with the site manifest next to calls.json.
    from sim_content.manifest import checkout_manifest

    (data_dir / "site.json").write_bytes(checkout_manifest(REPO / "pelicanconf.py"))
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("FORMSVC_", "SHEET_", "SIM_"))}
    environment.update(
        FORMSVC_DATA_DIR=str(data_dir), CALLS_FILE=str(calls), SECRET_KEY="bench-only",
        FORMSVC_RELAY_THREAD="0", FORMSVC_RATE_LIMIT="off", FORMSVC_MIN_FILL_SECONDS="0",
        FORMSVC_SECURE_COOKIES="0", FORMSVC_LOG_LEVEL="WARNING", FORMSVC_SQLITE_SYNC=synchronous,
        FORMSVC_DATABASE_URL=database_url,
    )
    log = open(data_dir / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--backlog", "256",
         "formsvc:create_app()"],
        cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/anmalan/health", timeout=1).ok:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    stop_service(process)
    raise RuntimeError("gunicorn did not become healthy in 30 s; see " + str(data_dir / "gunicorn.log"))


def stop_service(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_clients(clients, seconds, make_request):
    """Run `clients` threads for `seconds`; return (completed, errors, latencies)."""
    latencies, errors = [], []
    lock = threading.Lock()
    start_together = threading.Barrier(clients)
    stop_at = [0.0]

    def client():
        session = requests.Session()
        send = make_request(session)
        mine, failures = [], 0
        start_together.wait()
        if not stop_at[0]:
            stop_at[0] = time.monotonic() + seconds
        while time.monotonic() < stop_at[0]:
            began = time.perf_counter()
            try:
                ok = send()
            except requests.RequestException:
                ok = False
            if ok:
                mine.append(time.perf_counter() - began)
            else:
                failures += 1
        with lock:
            latencies.extend(mine)
            errors.append(failures)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return len(latencies), sum(errors), latencies


def health_request(base):
    def make(session):
        return lambda: session.get(base + "/anmalan/health", timeout=10).status_code == 200
    return make


def signup_request(base):
    def make(session):
        html = session.get(base + "/anmalan/", timeout=10).text
        tokens = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
        data = dict(ANSWERS, **tokens)
        return lambda: session.post(base + "/anmalan/", data=data, allow_redirects=False,
                                    timeout=10).status_code == 303
    return make


WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = {cookie}
"""


def lua_string(text):
    return "[==[" + text + "]==]"


def run_wrk(clients, seconds, url, method="GET", body="", cookie="", folder=None):
    """Run wrk; return (completed, errors, rate, p50 s, p99 s) parsed from its --latency report."""
    script = Path(folder) / f"wrk-{method.lower()}.lua"
    script.write_text(WRK_SCRIPT.format(method=method, body=lua_string(body), cookie=lua_string(cookie)))
    command = ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--latency", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    units = {"us": 1e-6, "ms": 1e-3, "s": 1.0}

    def latency(label):
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * units[unit]

    completed = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return completed - errors, errors, float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), \
        latency("50%"), latency("99%")


def signup_body_and_cookie(base):
    """One session's cookie and a valid form body, shared by every wrk connection."""
    session = requests.Session()
    html = session.get(base + "/anmalan/", timeout=10).text
    tokens = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    body = urllib.parse.urlencode(dict(ANSWERS, **tokens), doseq=True)
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    return body, cookie


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def report(label, completed, errors, latencies, seconds):
    rate = completed / seconds
    print(f"{label:<22} {rate:8.1f} req/s  p50 {percentile(latencies, .5) * 1000:6.1f} ms  "
          f"p99 {percentile(latencies, .99) * 1000:6.1f} ms  errors {errors}")
    return rate


def wrk_phases(base, args, folder):
    """Both phases with wrk; returns (trivial rate, durable rate, acknowledged, sign-up p99 s)."""
    _, errors, trivial, p50, p99 = run_wrk(args.clients, args.seconds, base + "/anmalan/health", folder=folder)
    print(f"{'GET /anmalan/health':<22} {trivial:8.1f} req/s  p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  errors {errors}")
    body, cookie = signup_body_and_cookie(base)
    acknowledged, errors, durable, p50, p99 = run_wrk(args.clients, args.seconds, base + "/anmalan/", "POST", body, cookie, folder)
    print(f"{'POST sign-up (durable)':<22} {durable:8.1f} req/s  p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  errors {errors}")
    return trivial, durable, acknowledged, p99


def python_phases(base, args, folder):
    """Both phases with Python client threads; same return value as wrk_phases."""
    trivial = report("GET /anmalan/health", *run_clients(args.clients, args.seconds, health_request(base)), args.seconds)
    acknowledged, errors, latencies = run_clients(args.clients, args.seconds, signup_request(base))
    durable = report("POST sign-up (durable)", acknowledged, errors, latencies, args.seconds)
    return trivial, durable, acknowledged, percentile(latencies, .99)


def measure(load, args, database_url=""):
    """Start a fresh service, run both phases with one load generator, print the
    figures; return (durable sign-ups/s, sign-up p99 s)."""
    from formsvc import db

    backend = "postgresql" if database_url else f"sqlite synchronous={args.sync}"
    with tempfile.TemporaryDirectory(prefix="formsvc-bench-") as folder:
        data_dir = Path(folder)
        port = free_port()
        process = start_service(data_dir, port, args.workers, args.sync, database_url)
        base = f"http://127.0.0.1:{port}"
        try:
            print(f"\n[{load}, {backend}] gunicorn -w {args.workers} on {base}, {args.clients} connections, "
                  f"{args.seconds:g} s each, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
            phases = wrk_phases if load == "wrk" else python_phases
            trivial, durable, acknowledged, p99 = phases(base, args, data_dir)
            config = {"DATABASE": data_dir / "formsvc.sqlite3", "DATABASE_URL": database_url}
            with db.connection(config) as connection:
                stored = connection.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
            db.close_all()
            print(f"ratio sign-ups/trivial  {durable / trivial:.2f} (target >= 0.5)")
            print(f"p99 sign-up latency     {p99 * 1000:.1f} ms (target <= 50 ms)")
            print(f"rows in database        {stored} (acknowledged {acknowledged})")
        finally:
            stop_service(process)
    return durable, p99


def compare_backends(loads, args):
    """SQLite and PostgreSQL in one run, the same load each; print PostgreSQL/SQLite."""
    from tests.formsvc.postgres_cluster import PostgresCluster, postgres_missing

    problem = postgres_missing()
    if problem:
        sys.exit(problem)
    cluster = PostgresCluster(durable=True).start()
    try:
        for load in loads:
            sqlite_rate, sqlite_p99 = measure(load, args)
            postgres_rate, postgres_p99 = measure(load, args, cluster.url(cluster.create_database()))
            print(f"\n[{load}] sign-ups/s at {args.clients} connections: sqlite {sqlite_rate:.1f} "
                  f"(p99 {sqlite_p99 * 1000:.1f} ms), postgresql {postgres_rate:.1f} "
                  f"(p99 {postgres_p99 * 1000:.1f} ms)")
            print(f"[{load}] postgresql/sqlite throughput {postgres_rate / sqlite_rate:.2f} (target >= 0.7)")
    finally:
        cluster.destroy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1,
                        help="gunicorn sync workers (default: CPUs + 1; more only queue on the SQLite write lock)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sync", choices=("FULL", "NORMAL"), default="FULL",
                        help="SQLite synchronous mode (formsvc's default is FULL)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite",
                        help="postgres: measure SQLite and PostgreSQL in one run and compare them")
    parser.add_argument("--load", choices=("both", "wrk", "python"), default="both",
                        help="load generator(s); wrk needs the Debian package and is skipped without it")
    args = parser.parse_args()
    loads = ["python", "wrk"] if args.load == "both" else [args.load]
    if "wrk" in loads and not shutil.which("wrk"):
        print("wrk not installed (apt-get install wrk): measuring with Python clients only")
        loads = ["python"]
    if args.database == "postgres":
        compare_backends(loads, args)
        return
    for load in loads:
        measure(load, args)


if __name__ == "__main__":
    main()
