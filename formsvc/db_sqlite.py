"""The embedded backend: SQLite with WAL, a versioned schema, and a reused
connection per thread (formsvc/db.py picks it when FORMSVC_DATABASE_URL is unset).

synchronous=FULL by default because a sign-up is acknowledged only after its
commit: the commit has to be on disk, not just in the OS cache, when the 303
leaves.
"""

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager

from filelock import FileLock, Timeout

from .fields import FIELDS
from .files import create_private_file

BUSY_TIMEOUT_MS = 5000
_per_thread = threading.local()
_writer_locks = {}
_writer_locks_guard = threading.Lock()
# NORMAL survives a killed process but not a power cut; an operator may trade
# that for speed with FORMSVC_SQLITE_SYNC=NORMAL.
SYNCHRONOUS_MODES = ("FULL", "NORMAL")

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
    # One entry per sign-up and delivery kind, each retried and dead-lettered
    # on its own; the entries that existed were all for the sheet. 'skipped'
    # is a confirmation the per-recipient daily limit held back.
    """
    CREATE TABLE outbox_by_kind (
        reference       TEXT NOT NULL
                        REFERENCES submissions (reference) ON DELETE CASCADE,
        kind            TEXT NOT NULL DEFAULT 'sheet'
                        CHECK (kind IN ('sheet', 'staff_mail', 'confirmation')),
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'done', 'dead', 'skipped')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        lease_until     REAL NOT NULL DEFAULT 0,
        lease_owner     TEXT,
        last_error      TEXT,
        delivered_at    REAL,
        PRIMARY KEY (reference, kind)
    );
    INSERT INTO outbox_by_kind (reference, kind, state, attempts, next_attempt_at, lease_until,
                                lease_owner, last_error, delivered_at)
        SELECT reference, 'sheet', state, attempts, next_attempt_at, lease_until,
               lease_owner, last_error, delivered_at FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_by_kind RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (kind, state, next_attempt_at);
    """,
    # Suspected spam (why: 'honeypot', 'fill time') is kept for review with no
    # outbox entry until staff release it; NULL for every ordinary sign-up.
    """
    ALTER TABLE submissions ADD COLUMN suspected_spam TEXT;
    CREATE INDEX submissions_spam ON submissions (suspected_spam);
    """,
    # Feedback from anyone (/anmalan/synpunkter/) in its own table, mailed to
    # staff as outbox kind 'feedback_mail'. An outbox entry now belongs to a
    # sign-up or to a feedback message: exactly one of `submission` and
    # `feedback` names it (and equals `reference`), so deleting either row
    # still deletes its entries, on both backends.
    """
    CREATE TABLE feedback (
        reference      TEXT PRIMARY KEY,
        received_at    TEXT NOT NULL,
        name           TEXT NOT NULL DEFAULT '',
        email          TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
        message        TEXT NOT NULL,
        suspected_spam TEXT
    );
    CREATE INDEX feedback_email ON feedback (email);
    CREATE INDEX feedback_received ON feedback (received_at);
    CREATE TABLE outbox_v4 (
        reference       TEXT NOT NULL,
        kind            TEXT NOT NULL DEFAULT 'sheet'
                        CHECK (kind IN ('sheet', 'staff_mail', 'confirmation', 'feedback_mail')),
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'done', 'dead', 'skipped')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        lease_until     REAL NOT NULL DEFAULT 0,
        lease_owner     TEXT,
        last_error      TEXT,
        delivered_at    REAL,
        submission      TEXT REFERENCES submissions (reference) ON DELETE CASCADE,
        feedback        TEXT REFERENCES feedback (reference) ON DELETE CASCADE,
        CHECK ((submission IS NULL) <> (feedback IS NULL)),
        CHECK (reference = COALESCE(submission, feedback)),
        PRIMARY KEY (reference, kind)
    );
    INSERT INTO outbox_v4 (reference, kind, state, attempts, next_attempt_at, lease_until,
                           lease_owner, last_error, delivered_at, submission)
        SELECT reference, kind, state, attempts, next_attempt_at, lease_until,
               lease_owner, last_error, delivered_at, reference FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v4 RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (kind, state, next_attempt_at);
    CREATE INDEX outbox_submission ON outbox (submission);
    CREATE INDEX outbox_feedback ON outbox (feedback);
    """,
)


class Connection(sqlite3.Connection):
    """A connection that knows its file, so writers can take turns."""

    # Claims are serialised by write_transaction's file lock, so rows need no row lock.
    lock_for_claim = ""

    def __init__(self, path, *args, **kwargs):
        super().__init__(path, *args, **kwargs)
        self.path = str(path)

    def forget_deleted(self):
        return forget_deleted(self)

    def schema_version(self):
        return self.execute("PRAGMA user_version").fetchone()[0]

    def release(self):
        self.close()

    @contextmanager
    def write_transaction(self):
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error, one writer at a time.

        Writers wait for each other on a file lock rather than in SQLite's
        busy handler: that handler sleeps in growing steps (up to 100 ms) and
        is not woken when the lock frees, which under a burst of sign-ups
        added more latency than the commits themselves.
        """
        with _writer_turn(self.path):
            self.execute("BEGIN IMMEDIATE")
            try:
                yield self
                self.execute("COMMIT")
            except BaseException:
                if self.in_transaction:
                    self.execute("ROLLBACK")
                raise


@contextmanager
def _writer_turn(path):
    key = (os.getpid(), path)
    with _writer_locks_guard:
        if key not in _writer_locks:
            descriptor = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
            _writer_locks[key] = (threading.Lock(), descriptor)
    thread_lock, descriptor = _writer_locks[key]
    with thread_lock:  # flock is per open file, so threads of one process queue here first
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def connect(path, synchronous="FULL"):
    """Open a connection configured the way every part of formsvc needs it."""
    if str(path) != ":memory:":
        try:
            create_private_file(path)  # SQLite would create it (and its -wal, -shm) world-readable
        except OSError:
            pass  # folder missing or unwritable: sqlite3 raises its OperationalError (→ 503) below
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, factory=Connection
    )
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"FORMSVC_SQLITE_SYNC must be one of {SYNCHRONOUS_MODES}, not {synchronous!r}")
    connection.execute(f"PRAGMA synchronous = {synchronous}")
    connection.execute("PRAGMA foreign_keys = ON")
    # Deleted rows are overwritten with zeros rather than left in free pages.
    connection.execute("PRAGMA secure_delete = ON")
    return connection


def forget_deleted(connection):
    """After an erase or purge: copy the WAL into the database and empty it.

    secure_delete zeroes the deleted rows in the pages it writes, but those
    pages go to the WAL; the database file and older WAL frames still hold
    the rows until a checkpoint. Returns True when the WAL was emptied, False
    when a reader kept it (the next checkpoint finishes the job).
    """
    busy, _log_frames, _copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


def migrate(connection):
    """Bring the schema up to the newest version; safe to run from many workers."""
    with connection.write_transaction():
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")


def check_columns(connection):
    require_columns({row["name"] for row in connection.execute("PRAGMA table_info(submissions)")})


def require_columns(present):
    """Refuse to run when a declared sign-up field has no column (fields.py and
    MIGRATIONS disagree): every sign-up would otherwise fail to save."""
    missing = [field.name for field in FIELDS if field.name not in present]
    if missing:
        raise RuntimeError(
            f"sign-up field(s) {', '.join(missing)} declared in formsvc/fields.py have no column in "
            "submissions: add a migration to MIGRATIONS in formsvc/db_sqlite.py (PostgreSQL's follow it)"
        )


class SqliteDatabase:
    """The SQLite file under FORMSVC_DATA_DIR, as formsvc/db.py's backend."""

    name = "sqlite"

    def __init__(self, path, synchronous="FULL"):
        self.path = path
        self.synchronous = synchronous

    def connect(self):
        """A new connection; the caller closes it with release()."""
        return connect(self.path, self.synchronous)

    def thread_connection(self):
        """This thread's long-lived connection.

        Connections are kept per thread and process rather than opened per
        request: closing the last connection to a WAL database checkpoints the
        log into the database and deletes it, an fsync'd write that cost 10+ ms
        on every request when each request closed its own connection.
        """
        key = (os.getpid(), str(self.path))
        cache = _per_thread.__dict__.setdefault("connections", {})
        connection = cache.get(key)
        if connection is None:
            connection = cache[key] = self.connect()
        return connection

    def end_request(self, connection):
        """The thread keeps its connection, never an open transaction on it."""
        if connection.in_transaction:
            connection.execute("ROLLBACK")

    @contextmanager
    def exclusive(self, name, timeout, timeout_error):
        """A named lock for every process on this host (SQLite lives on one host)."""
        lock = FileLock(f"{self.path}-{name}.lock", timeout=timeout, mode=0o600)
        try:
            lock.acquire()
        except Timeout as waited:
            raise timeout_error(f"lock {name!r} held by another process for {timeout} s") from waited
        try:
            yield
        finally:
            lock.release()

    def prepare(self):
        connection = self.connect()
        try:
            migrate(connection)
            check_columns(connection)
        finally:
            connection.close()
