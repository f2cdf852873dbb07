"""Staff and GDPR commands: `flask --app formsvc relay|export|erase|purge|requeue|deadletters|spam|feedback`,
and the operator's `migrate-to-postgres`."""

import csv
import re
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from openpyxl import Workbook

from . import db, relay, store
from .migrate_postgres import migrate_to_postgres_command
from .sinks import HEADERS, SheetBusy, SheetError, make_sink, sheet_row
from .sinks.base import EMAIL_HEADER


def _database():
    return db.connection(current_app.config)


@click.command("relay")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep delivering every FORMSVC_RELAY_INTERVAL seconds.")
def relay_command(loop):
    """Deliver stored sign-ups: sheet rows and, with mail on, staff mails and confirmations (one pass, or --loop)."""
    config = dict(current_app.config)
    if not loop:
        # On demand means now: entries waiting out a backoff are tried as well.
        click.echo(_summary(relay.run_pass(config, due_only=False)))
        return
    try:
        while True:
            outcomes = relay.run_pass(config)
            if outcomes:
                click.echo(_summary(outcomes))
            time.sleep(config["RELAY_INTERVAL"])
    except KeyboardInterrupt:
        click.echo("relay stopped")


def _summary(outcomes):
    if not outcomes:
        return "nothing to deliver"
    return ", ".join(f"{outcome}: {count}" for outcome, count in sorted(outcomes.items()))


@click.command("export")
@with_appcontext
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; CSV goes to standard output without it.")
def export_command(file_format, output):
    """Export every stored sign-up with spreadsheet-safe cells (as declared in fields.py)."""
    with _database() as connection:
        rows = [list(sheet_row(row).values()) for row in store.all_signups(connection)]
    if file_format == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output PATH")
        workbook = Workbook()
        workbook.active.append(list(HEADERS))
        for values in rows:
            workbook.active.append(values)
            for cell in workbook.active[workbook.active.max_row]:
                cell.data_type = "s"
        workbook.save(output)
    else:
        # Semicolons and a BOM: what Excel with Swedish settings opens as columns.
        handle = open(output, "w", newline="", encoding="utf-8-sig") if output else sys.stdout
        try:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADERS)
            writer.writerows(rows)
        finally:
            if output:
                handle.close()
    if output:
        click.echo(f"exported {len(rows)} sign-ups to {output}")


@click.command("erase")
@with_appcontext
@click.option("--reference", "references", multiple=True, help="A sign-up's reference, e.g. SIM-7KQ4-M2XD.")
@click.option("--email", help="Every sign-up and feedback message sent with this e-mail address.")
def erase_command(references, email):
    """Erase sign-ups (database and staff workbook) and feedback messages (database)."""
    if not references and not email:
        raise click.UsageError("give --reference R or --email E")
    sink = make_sink(current_app.config)
    wanted = list(references)
    sheet_problem = None
    with _database() as connection:
        if email:
            wanted += store.references_for_email(connection, email)
            try:
                wanted += sink.references_matching(EMAIL_HEADER, email)
            except (SheetBusy, SheetError) as problem:
                sheet_problem = problem  # the database part still goes ahead
        wanted = list(dict.fromkeys(wanted))
        from_database = store.erase(connection, wanted)
        _forget_deleted(connection)
    signups, feedback = _signups_and_feedback(from_database)
    click.echo(f"database: removed {len(signups)} sign-up(s) {' '.join(signups)}".rstrip())
    if feedback:
        click.echo(f"database: removed {len(feedback)} feedback message(s) {' '.join(feedback)}")
    if sheet_problem is None:
        try:
            from_sheet = sink.remove(wanted)
        except (SheetBusy, SheetError) as problem:
            sheet_problem = problem
    if sheet_problem is not None:
        again = " ".join([f"--reference {reference}" for reference in wanted] + ([f"--email {email}"] if email else []))
        raise click.ClickException(
            f"Arbetsboken ändrades inte: {getattr(sheet_problem, 'swedish', sheet_problem)}. "
            f"Kör sedan `flask --app formsvc erase {again}` igen."
        )
    click.echo(f"workbook: removed {len(from_sheet)} row(s) {' '.join(from_sheet)}".rstrip())


def _signups_and_feedback(references):
    feedback = [reference for reference in references if reference.startswith(store.FEEDBACK_PREFIX)]
    return [reference for reference in references if reference not in feedback], feedback


def _forget_deleted(connection):
    if not db.forget_deleted(connection):
        click.echo("warning: another process is reading the database, so erased rows stay in its "
                   "write-ahead log until the next checkpoint; run the command again in a minute")


@click.command("purge")
@with_appcontext
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, help="Age in days.")
def purge_command(days):
    """Delete sign-ups and feedback older than DAYS from the database (the workbook is staff's to keep)."""
    with _database() as connection:
        removed = store.purge_older_than(connection, days)
        _forget_deleted(connection)
    signups, feedback = _signups_and_feedback(removed)
    click.echo(f"database: purged {len(signups)} sign-up(s) and {len(feedback)} "
               f"feedback message(s) older than {days} days")


@click.command("requeue")
@with_appcontext
@click.option("--reference", help="Only this sign-up's entries; without it every dead entry.")
@click.option("--kind", type=click.Choice(store.OUTBOX_KINDS), help="Only entries of this delivery kind.")
def requeue_command(reference, kind):
    """Put dead-lettered entries back in the queue with fresh attempts."""
    with _database() as connection:
        count = store.requeue(connection, reference, kind)
    click.echo(f"requeued {count} entr{'y' if count == 1 else 'ies'}")


@click.command("deadletters")
@with_appcontext
@click.option("--kind", type=click.Choice(store.OUTBOX_KINDS), help="Only entries of this delivery kind.")
def deadletters_command(kind):
    """List entries the relay gave up on, with their kind and last error, and each kind's backlog."""
    with _database() as connection:
        rows = store.dead_letters(connection, kind)
        per_kind = store.backlog_by_kind(connection)
    for row in rows:
        click.echo(f"{row['reference']}\t{row['kind']}\tattempts={row['attempts']}\t{row['last_error']}")
    click.echo(f"{len(rows)} dead entr{'y' if len(rows) == 1 else 'ies'}")
    for name, counts in per_kind.items():
        click.echo(f"{name}: pending {counts['pending']}, dead {counts['dead']}")


@click.group("spam")
def spam_group():
    """Sign-ups and feedback held as suspected spam (honeypot filled, sent too fast): list, release, purge."""


@spam_group.command("list")
@with_appcontext
def spam_list_command():
    """List suspected spam with reference, time, reason and company or feedback text (never mailed, not in the sheet)."""
    with _database() as connection:
        rows = store.suspected_spam(connection)
    for table, row in rows:
        shown = row["company"] if table == "submissions" else f"synpunkt: {row['message']}"
        shown = " ".join(str(shown).split())[:60]
        click.echo(f"{row['reference']}\t{row['received_at'][:16]}\t{row['suspected_spam']}\t{shown!r}")
    click.echo(f"{len(rows)} suspected spam sign-up(s) and feedback message(s); kept {store.SPAM_KEPT_DAYS} days")


@spam_group.command("release")
@with_appcontext
@click.argument("reference")
def spam_release_command(reference):
    """Treat REFERENCE as ordinary: a sign-up goes to the sheet (and by mail), feedback to the staff mail."""
    with _database() as connection:
        released = store.release_spam(connection, reference, relay.active_kinds(current_app.config))
    if not released:
        raise click.ClickException(f"{reference} is not held as suspected spam; `flask --app formsvc spam list` shows those that are")
    click.echo(f"released {reference}; the relay delivers it on its next pass")


@spam_group.command("purge")
@with_appcontext
@click.option("--older-than", "days", type=click.IntRange(min=0), default=store.SPAM_KEPT_DAYS, show_default=True)
def spam_purge_command(days):
    """Delete suspected spam older than DAYS (the relay does this on its own for 30 days)."""
    with _database() as connection:
        removed = store.purge_spam(connection, days)
        _forget_deleted(connection)
    click.echo(f"purged {len(removed)} suspected spam sign-up(s) and feedback message(s) older than {days} days")


# Everything a terminal could act on (escape sequences, C1 controls, bidirectional
# overrides that reorder what staff see) and line separators.
_TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def terminal_text(text, keep_line_breaks=False):
    """Text from the public made safe to print: a value shown on one line cannot
    start a line of its own that looks like another field."""
    text = str(text or "") if keep_line_breaks else " ".join(str(text or "").splitlines())
    return _TERMINAL_UNSAFE.sub("\N{REPLACEMENT CHARACTER}", text)


@click.group("feedback")
def feedback_group():
    """Feedback sent with the form at /anmalan/synpunkter/ (mailed to staff when mail is on)."""


@feedback_group.command("list")
@with_appcontext
@click.option("--email", help="Only feedback sent with this e-mail address (e.g. for a request for access).")
def feedback_list_command(email):
    """Show stored feedback in full, oldest first, with the state of its staff mail (suspected spam left out)."""
    with _database() as connection:
        rows = store.feedback_messages(connection, email)
    for row in rows:
        click.echo(f"{row['reference']}\t{row['received_at'][:16]} UTC\tmail: {row['mail_state'] or 'none'}")
        click.echo(f"  Namn: {terminal_text(row['name']) or '(inte angivet)'}")
        click.echo(f"  E-post: {terminal_text(row['email']) or '(inte angiven)'}")
        for line in terminal_text(row["message"], keep_line_breaks=True).split("\n"):
            click.echo(f"  | {line}")
    click.echo(f"{len(rows)} feedback message(s)")


def init_app(app):
    for command in (relay_command, export_command, erase_command, purge_command, spam_group, feedback_group,
                    requeue_command, deadletters_command, migrate_to_postgres_command):
        app.cli.add_command(command)
