"""Online backup of the sign-up database, checked by reading the copy back.

    python -m formsvc.backup /var/backups/formsvc

SQLite's backup API copies a consistent snapshot while the service keeps
taking sign-ups (copying the file with cp during WAL writes can give a torn
copy). The copy is written under a temporary name, checked with
integrity_check, made private and only then given its final name, so a
half-written backup never looks like a good one.
"""

import argparse
import os
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

from . import config
from .files import PRIVATE_FILE_MODE, create_private_dir

PAGES_PER_STEP = 256  # let sign-ups commit between steps instead of waiting for the whole copy


def backup_database(database, target_dir, now=None):
    """Copy `database` into `target_dir`/formsvc-<UTC time>.sqlite3; return the path."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    target_dir = create_private_dir(target_dir)
    final = target_dir / f"formsvc-{stamp}.sqlite3"
    partial = final.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.close(descriptor)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise RuntimeError(f"backup {partial} failed its integrity check: {verdict}")
    finally:
        copy.close()
        source.close()
    os.replace(partial, final)
    return final


def describe(path):
    """'<n> sign-ups, <m> outbox entries' read from a backup: what a restore would bring back."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        signups = connection.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        outbox = connection.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    finally:
        connection.close()
    return f"{signups} sign-ups, {outbox} outbox entries"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Back up formsvc's database while it runs.")
    parser.add_argument("target_dir", type=Path, help="folder for the backup files")
    arguments = parser.parse_args(argv)
    settings = config.load()
    if settings["DATABASE_URL"]:
        sys.exit("FORMSVC_DATABASE_URL is set: sign-ups are in PostgreSQL; back them up with "
                 "pg_dump as the handbook's Drift page shows (this command copies SQLite only)")
    database = settings["DATABASE"]
    if not Path(database).exists():
        sys.exit(f"{database}: no database here; check FORMSVC_DATA_DIR")
    path = backup_database(database, arguments.target_dir)
    print(f"backup written to {path} ({describe(path)})")


if __name__ == "__main__":
    main()
