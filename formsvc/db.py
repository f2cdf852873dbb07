"""SQLite: one connection per request, WAL, and a versioned schema.

synchronous=FULL because a sign-up is acknowledged only after its commit:
the commit has to be on disk, not just in the OS cache, when the 303 leaves.
"""

import sqlite3

from flask import current_app, g

BUSY_TIMEOUT_MS = 5000

# Each entry moves the schema one version forward; never edit a shipped one.
MIGRATIONS = (
    """
    CREATE TABLE submissions (
        reference    TEXT PRIMARY KEY,
        received_at  TEXT NOT NULL,
        call_slug    TEXT,
        call_title   TEXT,
        company      TEXT NOT NULL,
        org_number   TEXT NOT NULL,
        municipality TEXT NOT NULL,
        employees    TEXT NOT NULL,
        industry     TEXT NOT NULL,
        contact_name TEXT NOT NULL,
        role         TEXT NOT NULL,
        email        TEXT NOT NULL COLLATE NOCASE,
        phone        TEXT NOT NULL,
        areas        TEXT NOT NULL,
        message      TEXT NOT NULL
    );
    CREATE INDEX submissions_email ON submissions (email);
    CREATE INDEX submissions_received ON submissions (received_at);
    CREATE TABLE outbox (
        reference       TEXT PRIMARY KEY
                        REFERENCES submissions (reference) ON DELETE CASCADE,
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'done', 'dead')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        lease_until     REAL NOT NULL DEFAULT 0,
        lease_owner     TEXT,
        last_error      TEXT,
        delivered_at    REAL
    );
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    """,
)


def connect(path):
    """Open a connection configured the way every part of formsvc needs it."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def migrate(connection):
    """Bring the schema up to the newest version; safe to run from many workers."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def get_db():
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_error=None):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_app(app):
    connection = connect(app.config["DATABASE"])
    try:
        migrate(connection)
    finally:
        connection.close()
    app.teardown_appcontext(close_db)
