"""Sign-ups in the database (either backend): save one together with its outbox entry, find, erase, purge;
the outbox's state for staff (requeue, dead letters, backlog per kind)."""

import secrets
import time
from datetime import datetime, timedelta, timezone

from .db import DUPLICATE_KEY
from .fields import FIELDS

# No 0/O, 1/I/L or U: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = r"SIM-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}"
REFERENCE_ATTEMPTS = 5

# Delivery kinds of the outbox: one entry per sign-up and kind.
SHEET, STAFF_MAIL, CONFIRMATION = "sheet", "staff_mail", "confirmation"
OUTBOX_KINDS = (SHEET, STAFF_MAIL, CONFIRMATION)

# Database columns of the sign-up's answers, one per declared field.
COLUMNS = tuple(field.name for field in FIELDS)


def new_reference():
    """'SIM-7KQ4-M2XD': 30^8 (about 6.6e11) possibilities."""
    chars = [secrets.choice(REFERENCE_ALPHABET) for _ in range(8)]
    return f"SIM-{''.join(chars[:4])}-{''.join(chars[4:])}"


SPAM_KEPT_DAYS = 30


def save_signup(connection, answers, call=None, now=None, kinds=(SHEET,), suspected_spam=None):
    """Insert the sign-up and one outbox entry per delivery kind in one
    transaction; return the reference. Suspected spam (`suspected_spam` says
    why) gets no outbox entry: it is never mailed or put in the sheet unless
    staff release it.

    Raises one of db.UNAVAILABLE (locked, disk full, server gone…) with nothing stored.
    """
    received = now or datetime.now(timezone.utc)
    values = [field.column_value(answers[field.name]) for field in FIELDS]
    for _ in range(REFERENCE_ATTEMPTS):
        reference = new_reference()
        try:
            with connection.write_transaction():
                connection.execute(
                    "INSERT INTO submissions (reference, received_at, call_slug, call_title, suspected_spam, "
                    + ", ".join(COLUMNS) + ") VALUES (?, ?, ?, ?, ?, "
                    + ", ".join("?" * len(COLUMNS)) + ")",
                    (reference, received.isoformat(timespec="microseconds"), call and call.slug,
                     call and call.title, suspected_spam, *values),
                )
                connection.executemany(
                    "INSERT INTO outbox (reference, kind, next_attempt_at) VALUES (?, ?, ?)",
                    [(reference, kind, time.time()) for kind in (() if suspected_spam else kinds)],
                )
            return reference
        except DUPLICATE_KEY:
            continue  # reference collision (rolled back): draw another
    raise RuntimeError(f"no free reference after {REFERENCE_ATTEMPTS} attempts")


def find(connection, reference):
    return connection.execute(
        "SELECT * FROM submissions WHERE reference = ?", (reference,)
    ).fetchone()


def all_signups(connection):
    """Every sign-up staff work with (suspected spam left out)."""
    return connection.execute(
        "SELECT * FROM submissions WHERE suspected_spam IS NULL ORDER BY received_at, reference"
    ).fetchall()


def suspected_spam(connection):
    return connection.execute(
        "SELECT * FROM submissions WHERE suspected_spam IS NOT NULL ORDER BY received_at, reference"
    ).fetchall()


def release_spam(connection, reference, kinds=(SHEET,)):
    """Make a suspected sign-up an ordinary one and queue its deliveries; False if none held."""
    with connection.write_transaction():
        if not connection.execute(
            "UPDATE submissions SET suspected_spam = NULL WHERE reference = ? AND suspected_spam IS NOT NULL",
            (reference,),
        ).rowcount:
            return False
        connection.executemany(
            "INSERT INTO outbox (reference, kind, next_attempt_at) VALUES (?, ?, ?)",
            [(reference, kind, time.time()) for kind in kinds],
        )
    return True


def purge_spam(connection, days=SPAM_KEPT_DAYS, now=None):
    """Delete suspected spam older than `days` days; return the references."""
    return _delete_received_before(connection, days, now, "AND suspected_spam IS NOT NULL")


def references_for_email(connection, email):
    rows = connection.execute(
        "SELECT reference FROM submissions WHERE email = ? ORDER BY received_at", (email.strip(),)
    )
    return [row["reference"] for row in rows]


def erase(connection, references):
    """Delete these sign-ups (their outbox entries of every kind go with them); return those that existed."""
    with connection.write_transaction():
        return [
            reference for reference in references
            if connection.execute("DELETE FROM submissions WHERE reference = ?", (reference,)).rowcount
        ]


def purge_older_than(connection, days, now=None):
    """Delete sign-ups received more than `days` days ago; return their references."""
    return _delete_received_before(connection, days, now)


def _delete_received_before(connection, days, now, extra_condition=""):
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    with connection.write_transaction():
        rows = connection.execute(
            f"SELECT reference FROM submissions WHERE received_at < ? {extra_condition}",
            (cutoff.isoformat(timespec="microseconds"),),
        ).fetchall()
        references = [row["reference"] for row in rows]
        connection.executemany(
            "DELETE FROM submissions WHERE reference = ?", [(ref,) for ref in references]
        )
    return references


def requeue(connection, reference=None, kind=None):
    """Dead (or one named) entries back to pending with fresh attempts; return how many."""
    conditions, parameters = ["state NOT IN ('done', 'skipped')"], []
    if reference:
        conditions.append("reference = ?")
        parameters.append(reference)
    else:
        conditions.append("state = 'dead'")
    if kind:
        conditions.append("kind = ?")
        parameters.append(kind)
    return connection.execute(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = 0, "
        f"lease_owner = NULL WHERE {' AND '.join(conditions)}",
        (time.time(), *parameters),
    ).rowcount


def dead_letters(connection, kind=None):
    kind_clause = "AND kind = ?" if kind else ""
    return connection.execute(
        f"SELECT reference, kind, attempts, last_error FROM outbox WHERE state = 'dead' {kind_clause} "
        "ORDER BY reference, kind", (kind,) if kind else (),
    ).fetchall()


def backlog(connection):
    """(pending, dead) over every kind."""
    per_kind = backlog_by_kind(connection)
    return (sum(counts["pending"] for counts in per_kind.values()),
            sum(counts["dead"] for counts in per_kind.values()))


def backlog_by_kind(connection):
    """{kind: {'pending': n, 'dead': m}}: each counted on its own range of the
    (kind, state, …) index, so the cost follows the backlog, not the number of
    entries ever delivered."""
    def count(kind, state):
        return connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE kind = ? AND state = ?", (kind, state)
        ).fetchone()[0]

    return {kind: {"pending": count(kind, "pending"), "dead": count(kind, "dead")}
            for kind in OUTBOX_KINDS}
