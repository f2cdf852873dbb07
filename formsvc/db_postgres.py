"""The shared backend: PostgreSQL, for a form service running on more than one host.

Selected by FORMSVC_DATABASE_URL=postgresql://… (formsvc/db.py). Each process
keeps a psycopg connection pool; a connection offers the small part of the
sqlite3 API that store.py, relay.py and cli.py use (execute with ? and :name
placeholders, executemany, write_transaction, rows readable by position and
by name), so they run unchanged on either backend.
"""

import re
import threading
import time
import zlib
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from . import db_sqlite

# pg_advisory_xact_lock key ("SIM1"): hosts starting together migrate one at a time.
MIGRATION_LOCK_KEY = 0x53494D31
CONNECT_TIMEOUT_SECONDS = 5
LOCK_POLL_SECONDS = 0.05

CASE_INSENSITIVE = (
    "CREATE COLLATION IF NOT EXISTS formsvc_case_insensitive "
    "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)


def _postgres_form(sqlite_script):
    """One SQLite migration as PostgreSQL spells it: the same tables, columns and
    constraints (so rows copy across unchanged, and received_at stays ISO text
    that purge compares the same way), only REAL and NOCASE written differently.
    Case-insensitive e-mail uses an ICU collation, which also folds ÅÄÖ."""
    return (sqlite_script.replace("COLLATE NOCASE", "COLLATE formsvc_case_insensitive")
            .replace(" REAL", " DOUBLE PRECISION"))


# Version n here is version n of SQLite's schema: both grow from one list.
MIGRATIONS = tuple(_postgres_form(script) for script in db_sqlite.MIGRATIONS)


class Row(tuple):
    """A result row readable by position and by column name, as sqlite3.Row is."""

    def __new__(cls, values, index):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        if isinstance(key, str):
            key = self._index[key]
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self._index)


def _row_factory(cursor):
    index = {column.name: position for position, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


@lru_cache(maxsize=512)
def _psycopg_placeholders(sql):
    """'… WHERE a = ? AND b <= :now' → '… WHERE a = %s AND b <= %(now)s'."""
    sql = sql.replace("%", "%%")
    sql = re.sub(r"(?<!:):([A-Za-z_]\w*)", r"%(\1)s", sql)
    return sql.replace("?", "%s")


class Connection:
    """One pooled psycopg connection in autocommit mode, as SQLite's are:
    statements outside write_transaction() commit on their own."""

    # Relays on several hosts skip rows another relay is claiming right now
    # instead of waiting for it; leases then keep them apart until delivery.
    lock_for_claim = " FOR UPDATE SKIP LOCKED"

    def __init__(self, raw, release):
        self.raw = raw
        self._release = release

    def execute(self, sql, parameters=()):
        return self.raw.execute(_psycopg_placeholders(sql), parameters)

    def executemany(self, sql, parameter_rows):
        with self.raw.cursor() as cursor:
            cursor.executemany(_psycopg_placeholders(sql), list(parameter_rows))
            return cursor

    @contextmanager
    def write_transaction(self):
        """BEGIN … COMMIT, rolled back on any error."""
        with self.raw.transaction():
            yield self

    @property
    def in_transaction(self):
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def forget_deleted(self):
        """After an erase or purge: VACUUM marks the deleted rows' space free so
        new rows overwrite it. The rows stay in WAL segments and base backups
        until those are recycled (the handbook's Drift page says how long)."""
        self.raw.execute("VACUUM submissions, feedback, outbox")
        return True

    def schema_version(self):
        return self.execute("SELECT version FROM formsvc_schema").fetchone()[0]

    def release(self):
        self._release(self.raw)


def _session_settings(raw):
    raw.autocommit = True
    raw.row_factory = _row_factory


def migrate(raw):
    """Bring the schema up to the newest version, one host at a time.

    DDL is transactional in PostgreSQL: a migration interrupted half-way
    leaves the previous version intact, and the advisory lock makes a second
    host starting at the same moment wait, then find nothing left to do.
    """
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        raw.execute("CREATE TABLE IF NOT EXISTS formsvc_schema (version INTEGER NOT NULL)")
        raw.execute(CASE_INSENSITIVE)
        row = raw.execute("SELECT version FROM formsvc_schema").fetchone()
        if row is None:
            raw.execute("INSERT INTO formsvc_schema (version) VALUES (0)")
            version = 0
        else:
            version = row[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            raw.execute(script)  # no parameters: sent as one multi-statement query
            raw.execute("UPDATE formsvc_schema SET version = %s", (number,))


def check_columns(raw):
    db_sqlite.require_columns({row[0] for row in raw.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'submissions'")})


def describe(url):
    """host:port/database of a connection URL, without user or password (for logs)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unreadable FORMSVC_DATABASE_URL"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '?')}"


class PostgresDatabase:
    """A PostgreSQL database reached through a per-process connection pool."""

    name = "postgres"

    def __init__(self, url, pool_size=8, wait_seconds=5.0):
        self.url = url
        self.pool_size = pool_size
        self.wait_seconds = wait_seconds
        self._pool = None
        self._pool_guard = threading.Lock()

    @property
    def pool(self):
        """Opened on first use, so a process that only migrates starts no pool threads."""
        with self._pool_guard:
            if self._pool is None:
                # check: a connection that died with a restarted server is
                # replaced when handed out, so the first request after a
                # restart succeeds instead of failing on a dead socket.
                self._pool = ConnectionPool(
                    self.url, min_size=1, max_size=self.pool_size, timeout=self.wait_seconds,
                    open=True, name="formsvc", configure=_session_settings,
                    check=ConnectionPool.check_connection,
                    kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": "formsvc"},
                )
            return self._pool

    def connect(self):
        """A pooled connection; release() hands it back.

        Raises psycopg_pool.PoolTimeout when no connection could be had within
        wait_seconds (server down or every connection busy).
        """
        pool = self.pool
        return Connection(pool.getconn(), pool.putconn)

    def thread_connection(self):
        return self.connect()  # the pool already reuses connections

    def end_request(self, connection):
        connection.release()  # the pool rolls back an open transaction

    @contextmanager
    def exclusive(self, name, timeout, timeout_error):
        """A named lock for every host: a session advisory lock, which the
        server drops by itself if the holder's connection dies."""
        key = zlib.crc32(name.encode()) - 2**31  # pg locks take a signed bigint; crc32 is unsigned
        connection = self.connect()
        try:
            deadline = time.monotonic() + timeout
            while not connection.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0]:
                if time.monotonic() >= deadline:
                    raise timeout_error(f"lock {name!r} held by another process for {timeout} s")
                time.sleep(LOCK_POLL_SECONDS)
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(?)", (key,))
        finally:
            connection.release()

    def prepare(self):
        """Migrate over a connection of its own: gunicorn may run this in the
        master before forking, where no pool (and its threads) should exist."""
        try:
            raw = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True)
        except psycopg.OperationalError as error:
            raise RuntimeError(
                f"cannot reach PostgreSQL at {describe(self.url)} ({error}); check FORMSVC_DATABASE_URL "
                "and that the server is running (formsvc starts once it can migrate the database)"
            ) from error
        with raw:
            migrate(raw)
            check_columns(raw)

    def close(self):
        with self._pool_guard:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
