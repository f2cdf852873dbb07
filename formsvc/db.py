"""Where sign-ups live: one interface over two backends.

FORMSVC_DATABASE_URL=postgresql://… selects PostgreSQL (formsvc/db_postgres.py,
for several hosts sharing one database); unset keeps the embedded SQLite file
under FORMSVC_DATA_DIR (formsvc/db_sqlite.py). Views, relay and CLI only use
what this module offers: connection(config), get_db(), and connections with
execute / executemany / write_transaction / forget_deleted / release.
"""

import os
import sqlite3
import threading
from contextlib import contextmanager

import psycopg
from flask import current_app, g
from psycopg_pool import PoolTimeout

from .db_postgres import PostgresDatabase
from .db_sqlite import SqliteDatabase

# The database cannot be reached or is busy right now: nothing was stored,
# the client is told to come back (503 with Retry-After).
UNAVAILABLE = (sqlite3.OperationalError, psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)
# Any database failure (for the health check, which reports rather than raises).
DATABASE_ERRORS = (sqlite3.Error, psycopg.Error, PoolTimeout)
# A primary key already taken (e.g. a reference drawn twice).
DUPLICATE_KEY = (sqlite3.IntegrityError, psycopg.errors.UniqueViolation)
RETRY_AFTER_SECONDS = 30

_backends = {}
_backends_guard = threading.Lock()


def backend(config):
    """This process's backend for `config` (one pool per process: gunicorn
    forks its workers, and a pool's sockets and threads must not be shared)."""
    url = config.get("DATABASE_URL") or ""
    key = (os.getpid(), url or str(config["DATABASE"]), config.get("SQLITE_SYNC"))
    with _backends_guard:
        found = _backends.get(key)
        if found is None:
            if url:
                found = PostgresDatabase(url, config.get("DATABASE_POOL_SIZE", 8),
                                         config.get("DATABASE_WAIT", 5.0))
            else:
                found = SqliteDatabase(config["DATABASE"], config.get("SQLITE_SYNC", "FULL"))
            _backends[key] = found
    return found


def connect(config):
    """A connection the caller gives back with .release()."""
    return backend(config).connect()


@contextmanager
def connection(config):
    """A connection for one command or relay pass."""
    opened = connect(config)
    try:
        yield opened
    finally:
        opened.release()


def get_db():
    """The current request's connection (kept until the request ends)."""
    if "db" not in g:
        g.db = backend(current_app.config).thread_connection()
        g.db_backend = backend(current_app.config)
    return g.db


def end_request(_error=None):
    """A request never leaves a transaction open, nor a pooled connection taken."""
    connection = g.pop("db", None)
    owner = g.pop("db_backend", None)
    if connection is not None:
        try:
            owner.end_request(connection)
        except DATABASE_ERRORS:
            pass  # the connection broke with the request; the backend replaces it


class LockTimeout(TimeoutError):
    """Another process held the named lock for longer than we were willing to wait."""


@contextmanager
def exclusive(config, name, timeout):
    """Hold the lock `name` shared by every process using this database (every
    worker and relay, on every host with PostgreSQL) for the block; raise
    LockTimeout after `timeout` seconds of waiting."""
    with backend(config).exclusive(name, timeout, LockTimeout):
        yield


def forget_deleted(connection):
    """After an erase or purge, make the deleted rows unreadable from the
    database files; False when that has to wait (see each backend)."""
    return connection.forget_deleted()


def init_app(app):
    backend(app.config).prepare()
    app.teardown_appcontext(end_request)


def close_all():
    """Close this process's PostgreSQL pools (tests dropping a database; a clean exit)."""
    with _backends_guard:
        closing = [found for key, found in _backends.items() if key[0] == os.getpid()]
        _backends.clear()
    for found in closing:
        if hasattr(found, "close"):
            found.close()
