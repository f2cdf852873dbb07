"""A `limits` storage on an SQLite file: one rate limit shared by every worker.

Flask-Limiter's default (memory://) counts per process, so "10 per minute"
let 30 through with three gunicorn workers. Redis or Memcached share the
count but are another server to run; every formsvc process already shares a
data folder, so the default counts there, in a file of its own (counters are
written on every POST and must not queue behind sign-up commits).

Registered with `limits` under the scheme `sqlite`:
`FORMSVC_RATELIMIT_STORAGE=sqlite:////var/lib/formsvc/ratelimit.sqlite3`.
Only the fixed-window strategy (Flask-Limiter's default) is supported.
"""

import os
import sqlite3
import threading
import time

from limits.storage import Storage

from .files import create_private_file

SCHEME = "sqlite"
BUSY_TIMEOUT_MS = 2000


class SqliteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        prefix = f"{SCHEME}://"
        if not uri or not uri.startswith(prefix) or len(uri) <= len(prefix):
            raise ValueError(f"rate-limit storage {uri!r}: write sqlite:///absolute/path/ratelimit.sqlite3")
        self.path = uri[len(prefix):]
        self._local = threading.local()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        create_private_file(self.path)
        with self._connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counters ("
                " key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL)"
            )
            connection.execute("CREATE INDEX IF NOT EXISTS counters_expiry ON counters (expires_at)")

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        """One connection per thread and process (workers fork after import)."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            # A counter lost in a power cut costs nothing; skip the fsyncs.
            connection.execute("PRAGMA synchronous = OFF")
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key, expiry, amount=1):
        now = time.time()
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Counters hold client addresses (personal data): keep none past its window.
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
            (hits,) = connection.execute(
                "INSERT INTO counters (key, hits, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET hits = hits + excluded.hits RETURNING hits",
                (key, amount, now + expiry),
            ).fetchone()
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return hits

    def _live_row(self, key):
        return self._connection().execute(
            "SELECT hits, expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()

    def get(self, key):
        row = self._live_row(key)
        return row[0] if row else 0

    def get_expiry(self, key):
        row = self._live_row(key)
        return row[1] if row else time.time()

    def check(self):
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self):
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key):
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
