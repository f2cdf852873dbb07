"""`flask --app formsvc migrate-to-postgres`: copy the SQLite database into PostgreSQL.

For the day the programme moves from one host to several. Every formsvc table
in the SQLite file (sign-ups, outbox entries with their states, and any table
a later migration adds) is copied in the order it was created, so rows arrive
after the rows they refer to. The whole copy is one PostgreSQL transaction and
a row whose key is already there is left alone: running the command again, or
after an interrupted run, copies only what is missing and changes nothing else.
"""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import db

# SQLite's own bookkeeping tables (sqlite_sequence, sqlite_stat1 …) are not data.
SKIPPED_PREFIXES = ("sqlite_",)


def sqlite_tables(source):
    """formsvc's tables in creation order (a table is created after those it references)."""
    rows = source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    ).fetchall()
    return [name for (name,) in rows if not name.startswith(SKIPPED_PREFIXES)]


def postgres_columns(target, table):
    rows = target.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?", (table,)
    ).fetchall()
    return {row[0] for row in rows}


def copy_database(source_path, target):
    """Copy every row PostgreSQL does not have yet; return {table: (copied, already_there)}."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    report = {}
    try:
        with target.write_transaction():
            for table in sqlite_tables(source):
                wanted = postgres_columns(target, table)
                if not wanted:
                    raise click.ClickException(
                        f"table {table} in {source_path} has no counterpart in PostgreSQL: "
                        "upgrade formsvc on this host so its migrations create it, then run again"
                    )
                cursor = source.execute(f'SELECT * FROM "{table}"')
                columns = [column[0] for column in cursor.description if column[0] in wanted]
                positions = [index for index, column in enumerate(cursor.description) if column[0] in wanted]
                insert = (f'INSERT INTO "{table}" ({", ".join(columns)}) '
                          f'VALUES ({", ".join("?" * len(columns))}) ON CONFLICT DO NOTHING')
                copied = total = 0
                for row in cursor:
                    total += 1
                    copied += target.execute(insert, tuple(row[index] for index in positions)).rowcount
                report[table] = (copied, total - copied)
    finally:
        source.close()
    return report


@click.command("migrate-to-postgres")
@with_appcontext
@click.option("--from", "source", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The SQLite file to copy; default: formsvc.sqlite3 under FORMSVC_DATA_DIR.")
def migrate_to_postgres_command(source):
    """Copy sign-ups, outbox states and every other formsvc table from SQLite into
    the PostgreSQL database named by FORMSVC_DATABASE_URL (safe to run again)."""
    config = current_app.config
    if not config["DATABASE_URL"]:
        raise click.UsageError("set FORMSVC_DATABASE_URL=postgresql://… to the database to copy into")
    source = source or Path(config["DATABASE"])
    if not source.exists():
        raise click.UsageError(f"{source}: no SQLite database here; give --from PATH or check FORMSVC_DATA_DIR")
    with db.connection(config) as target:
        report = copy_database(source, target)
    for table, (copied, present) in report.items():
        click.echo(f"{table}: copied {copied}, already there {present}")
