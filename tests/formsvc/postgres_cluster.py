"""A throwaway PostgreSQL cluster (Debian's `postgresql` binaries) in a temporary
folder on a free loopback port, for the tests and the throughput benchmark.

initdb refuses to run as root, so as root every server command runs as the
`postgres` user that Debian's package creates.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

POSTGRES_BIN = Path(os.environ.get("SIM_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"


def postgres_missing():
    """Why no cluster can be started here, or None."""
    if not (POSTGRES_BIN / "initdb").exists():
        return f"PostgreSQL not installed ({POSTGRES_BIN}/initdb); `bash tests/run.sh` as root installs Debian's postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root without a '{SERVER_USER}' user to run PostgreSQL as"
    return None


def require_postgres(environ=os.environ):
    """Skip the calling test when PostgreSQL is missing, or fail it under CI=true,
    where a quiet skip would hide that half the backends went untested."""
    problem = postgres_missing()
    if problem:
        import pytest

        (pytest.fail if environ.get("CI") == "true" else pytest.skip)(problem)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """initdb + pg_ctl in a temporary folder; `durable=False` turns fsync off
    (tests), `durable=True` keeps PostgreSQL's defaults (benchmarks)."""

    def __init__(self, durable=False):
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="sim-postgres-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.log = self.folder / "server.log"
        self._as_server_user = os.geteuid() == 0
        if self._as_server_user:
            shutil.chown(self.folder, SERVER_USER, SERVER_USER)

    def _run(self, *command, check=True):
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self._as_server_user else []
        return subprocess.run([*prefix, *map(str, command)], check=check, capture_output=True,
                              text=True, timeout=120)

    def start(self):
        if not self.data.exists():
            self._run(POSTGRES_BIN / "initdb", "-D", self.data, "-U", SERVER_USER, "-A", "trust",
                      "-E", "UTF8", "--no-sync", "--locale=C.UTF-8")
        settings = [f"-p {self.port}", f"-k {self.folder}", "-c listen_addresses=127.0.0.1",
                    "-c max_connections=300"]
        if not self.durable:
            settings += ["-c fsync=off", "-c full_page_writes=off"]
        result = self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                           "-o", " ".join(settings), "start", check=False)
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n{self.server_log()}")
        return self

    def stop(self, mode="fast"):
        self._run(POSTGRES_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def restart(self):
        """Stop (closing every client connection) and start again on the same port."""
        self.stop()
        self.start()

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def server_log(self):
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def url(self, database="postgres"):
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self):
        name = f"formsvc_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name):
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
