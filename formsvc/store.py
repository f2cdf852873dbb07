"""Sign-ups and feedback in the database (either backend): save one together with its outbox entries,
find, erase, purge; the outbox's state for staff (requeue, dead letters, backlog per kind).

Outbox entries belong to a sign-up (kinds sheet, staff_mail, confirmation;
column `submission`) or to a feedback message (feedback_mail; column
`feedback`); the reference's prefix says which (SIM-… or SYN-…). Deleting
the row deletes its entries (ON DELETE CASCADE).
"""

import secrets
import time
from datetime import datetime, timedelta, timezone

from .db import DUPLICATE_KEY
from .fields import FIELDS

# No 0/O, 1/I/L or U: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_BODY = "[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}"
SIGNUP_PREFIX, FEEDBACK_PREFIX = "SIM", "SYN"
REFERENCE_PATTERN = rf"{SIGNUP_PREFIX}-{_REFERENCE_BODY}"
FEEDBACK_REFERENCE_PATTERN = rf"{FEEDBACK_PREFIX}-{_REFERENCE_BODY}"
REFERENCE_ATTEMPTS = 5

# Delivery kinds of the outbox: one entry per sign-up (or feedback) and kind.
SHEET, STAFF_MAIL, CONFIRMATION, FEEDBACK_MAIL = "sheet", "staff_mail", "confirmation", "feedback_mail"
SIGNUP_KINDS = (SHEET, STAFF_MAIL, CONFIRMATION)
OUTBOX_KINDS = (*SIGNUP_KINDS, FEEDBACK_MAIL)
# Tables whose rows own outbox entries, suspected spam and personal data.
RECORD_TABLES = ("submissions", "feedback")
FEEDBACK_COLUMNS = ("name", "email", "message")

# Database columns of the sign-up's answers, one per declared field.
COLUMNS = tuple(field.name for field in FIELDS)


def new_reference(prefix=SIGNUP_PREFIX):
    """'SIM-7KQ4-M2XD': 30^8 (about 6.6e11) possibilities."""
    chars = [secrets.choice(REFERENCE_ALPHABET) for _ in range(8)]
    return f"{prefix}-{''.join(chars[:4])}-{''.join(chars[4:])}"


SPAM_KEPT_DAYS = 30


def save_signup(connection, answers, call=None, now=None, kinds=(SHEET,), suspected_spam=None):
    """Insert the sign-up and one outbox entry per delivery kind in one
    transaction; return the reference. Suspected spam (`suspected_spam` says
    why) gets no outbox entry: it is never mailed or put in the sheet unless
    staff release it.

    Raises one of db.UNAVAILABLE (locked, disk full, server gone…) with nothing stored.
    """
    values = [field.column_value(answers[field.name]) for field in FIELDS]
    return _insert_with_outbox(
        connection, SIGNUP_PREFIX,
        "INSERT INTO submissions (reference, received_at, call_slug, call_title, suspected_spam, "
        + ", ".join(COLUMNS) + ") VALUES (?, ?, ?, ?, ?, " + ", ".join("?" * len(COLUMNS)) + ")",
        lambda reference: (reference, _stamp(now), call and call.slug, call and call.title, suspected_spam, *values),
        "submission", () if suspected_spam else kinds,
    )


def save_feedback(connection, answers, now=None, suspected_spam=None):
    """Insert a feedback message (answers: name, email, message; '' when not
    given) and its feedback_mail entry in one transaction; return its SYN-
    reference. The entry is made even while mail is off: it waits, counted in
    the health check's backlog, until the relay can mail it."""
    return _insert_with_outbox(
        connection, FEEDBACK_PREFIX,
        "INSERT INTO feedback (reference, received_at, suspected_spam, " + ", ".join(FEEDBACK_COLUMNS)
        + ") VALUES (?, ?, ?, " + ", ".join("?" * len(FEEDBACK_COLUMNS)) + ")",
        lambda reference: (reference, _stamp(now), suspected_spam, *(answers[name] for name in FEEDBACK_COLUMNS)),
        "feedback", () if suspected_spam else (FEEDBACK_MAIL,),
    )


def _stamp(now):
    return (now or datetime.now(timezone.utc)).isoformat(timespec="microseconds")


def _insert_with_outbox(connection, prefix, insert_sql, parameters_for, owner_column, kinds):
    """Run `insert_sql` with a fresh reference and add one outbox entry per kind
    (owned through `owner_column`), in one transaction; return the reference.

    Raises one of db.UNAVAILABLE (locked, disk full, server gone…) with nothing stored.
    """
    for _ in range(REFERENCE_ATTEMPTS):
        reference = new_reference(prefix)
        try:
            with connection.write_transaction():
                connection.execute(insert_sql, parameters_for(reference))
                _queue(connection, reference, owner_column, kinds)
            return reference
        except DUPLICATE_KEY:
            continue  # reference collision (rolled back): draw another
    raise RuntimeError(f"no free reference after {REFERENCE_ATTEMPTS} attempts")


def _queue(connection, reference, owner_column, kinds):
    connection.executemany(
        f"INSERT INTO outbox (reference, {owner_column}, kind, next_attempt_at) VALUES (?, ?, ?, ?)",
        [(reference, reference, kind, time.time()) for kind in kinds],
    )


def find(connection, reference):
    return connection.execute(
        "SELECT * FROM submissions WHERE reference = ?", (reference,)
    ).fetchone()


def find_feedback(connection, reference):
    return connection.execute("SELECT * FROM feedback WHERE reference = ?", (reference,)).fetchone()


def find_for_delivery(connection, reference, kind):
    """The row an outbox entry of this kind delivers, or None when it was erased."""
    return (find_feedback if kind == FEEDBACK_MAIL else find)(connection, reference)


def feedback_messages(connection, email=None):
    """Feedback staff work with (suspected spam left out), oldest first, each
    with its mail entry's state ('pending' while mail is off)."""
    email_clause = "AND feedback.email = ?" if email else ""
    return connection.execute(
        "SELECT feedback.*, outbox.state AS mail_state FROM feedback LEFT JOIN outbox "
        "ON outbox.reference = feedback.reference AND outbox.kind = ? "
        f"WHERE feedback.suspected_spam IS NULL {email_clause} ORDER BY received_at, feedback.reference",
        (FEEDBACK_MAIL, email.strip()) if email else (FEEDBACK_MAIL,),
    ).fetchall()


def all_signups(connection):
    """Every sign-up staff work with (suspected spam left out)."""
    return connection.execute(
        "SELECT * FROM submissions WHERE suspected_spam IS NULL ORDER BY received_at, reference"
    ).fetchall()


def suspected_spam(connection):
    """Suspected spam of both tables, oldest first: (table, row) pairs."""
    return sorted(
        ((table, row) for table in RECORD_TABLES for row in connection.execute(
            f"SELECT * FROM {table} WHERE suspected_spam IS NOT NULL").fetchall()),
        key=lambda pair: (pair[1]["received_at"], pair[1]["reference"]),
    )


def release_spam(connection, reference, kinds=(SHEET,)):
    """Make a suspected sign-up (queued as `kinds`) or feedback message (queued
    for staff mail) an ordinary one; False if none is held under `reference`."""
    with connection.write_transaction():
        for table, owner_column, queued in (("submissions", "submission", kinds),
                                            ("feedback", "feedback", (FEEDBACK_MAIL,))):
            if connection.execute(
                f"UPDATE {table} SET suspected_spam = NULL WHERE reference = ? AND suspected_spam IS NOT NULL",
                (reference,),
            ).rowcount:
                _queue(connection, reference, owner_column, queued)
                return True
    return False


def purge_spam(connection, days=SPAM_KEPT_DAYS, now=None):
    """Delete suspected spam (sign-ups and feedback) older than `days` days; return the references."""
    return _delete_received_before(connection, days, now, "AND suspected_spam IS NOT NULL")


def references_for_email(connection, email):
    """Sign-ups and feedback given with this address (case-insensitive)."""
    return [
        row["reference"] for table in RECORD_TABLES for row in connection.execute(
            f"SELECT reference FROM {table} WHERE email = ? ORDER BY received_at", (email.strip(),))
    ]


def erase(connection, references):
    """Delete these sign-ups or feedback messages with their outbox entries of
    every kind; return the references that existed."""
    with connection.write_transaction():
        return [reference for reference in references if _delete_record(connection, reference)]


def _delete_record(connection, reference):
    return sum(connection.execute(f"DELETE FROM {table} WHERE reference = ?", (reference,)).rowcount
               for table in RECORD_TABLES)


def purge_older_than(connection, days, now=None):
    """Delete sign-ups and feedback received more than `days` days ago; return their references."""
    return _delete_received_before(connection, days, now)


def _delete_received_before(connection, days, now, extra_condition=""):
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    with connection.write_transaction():
        references = [
            row["reference"] for table in RECORD_TABLES for row in connection.execute(
                f"SELECT reference FROM {table} WHERE received_at < ? {extra_condition}",
                (cutoff.isoformat(timespec="microseconds"),),
            ).fetchall()
        ]
        for reference in references:
            _delete_record(connection, reference)
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
