"""The outbox relay: deliver each stored sign-up to the staff sheet and, when
mail is configured, as a staff mail and a confirmation, and each feedback
message as a staff mail, each exactly once.

Every kind of entry (store.OUTBOX_KINDS) is claimed, retried, dead-lettered
and requeued on its own, so a mail server outage never holds back the sheet
or the reverse. Sheet delivery is idempotent (the sink skips a Referens it already has) and every
claimed outbox row carries a lease, so several relays — one thread per
gunicorn worker plus `flask --app formsvc relay` — can run side by side.
A relay that died while holding a lease on this host is detected by its pid,
so its rows are picked up again without waiting for the lease to run out; a
lease held by a host that died runs out after LEASE_SECONDS.
"""

import logging
import os
import random
import socket
import threading
import time

import click

from . import db, mail, store
from .store import SHEET
from .sinks import SheetBusy, check_backend, make_sink, sheet_row

LEASE_SECONDS = 300
BATCH_SIZE = 100
FAULT_CRASH_AFTER_SHEET_WRITE = "crash_after_sheet_write"
FAULT_CRASH_AFTER_MAIL_SEND = "crash_after_mail_send"

log = logging.getLogger(__name__)
_threads = {}
_threads_lock = threading.Lock()
_wake = threading.Event()
SPAM_PURGE_INTERVAL = 3600
_next_spam_purge = 0.0


def lease_owner():
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(owner):
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(connection, due_only=True, limit=BATCH_SIZE, now=None, kind=SHEET):
    """Lease up to `limit` (None: all) pending rows of this kind nobody else is
    working on; return their references.

    On PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED, so relays
    on other hosts claiming at the same moment take other rows, never these.
    """
    now = now or time.time()
    due_clause = "AND next_attempt_at <= :now" if due_only else ""
    limit_clause = "LIMIT :limit" if limit else ""
    # Look before taking the write lock: idle relays in every worker must not
    # queue up behind (or in front of) sign-ups for nothing.
    if not connection.execute(
        f"SELECT 1 FROM outbox WHERE kind = :kind AND state = 'pending' {due_clause} LIMIT 1",
        {"now": now, "kind": kind},
    ).fetchone():
        return []
    with connection.write_transaction():
        # Leases still running are left out unless another process on this
        # host holds them (it may have died), and free rows come first, so a
        # batch is not filled with rows that cannot be taken.
        candidates = connection.execute(
            f"SELECT reference, lease_until, lease_owner FROM outbox "
            f"WHERE kind = :kind AND state = 'pending' {due_clause} AND (lease_until <= :now "
            f"OR (lease_owner LIKE :this_host AND lease_owner != :me)) "
            f"ORDER BY lease_until > :now, next_attempt_at {limit_clause}{connection.lock_for_claim}",
            {"now": now, "limit": limit, "kind": kind, "this_host": f"{socket.gethostname()}:%", "me": lease_owner()},
        ).fetchall()
        claimed = [
            row["reference"] for row in candidates
            if row["lease_until"] <= now or _owner_gone(row["lease_owner"])
        ]
        connection.executemany(
            "UPDATE outbox SET lease_until = ?, lease_owner = ? WHERE reference = ? AND kind = ?",
            [(now + LEASE_SECONDS, lease_owner(), reference, kind) for reference in claimed],
        )
    return claimed


def backoff_seconds(attempts, base, ceiling):
    """Exponential backoff with 'equal jitter', so relays that failed together
    do not all come back in the same second."""
    delay = min(ceiling, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


def deliver_one(connection, sink, reference, config):
    """Deliver one claimed row; return 'done', 'busy', 'retry', 'dead' or 'gone'."""
    return _tally(deliver_batch(connection, sink, [reference], config, isolate_failures=False))


def deliver_batch(connection, sink, references, config, isolate_failures=True):
    """Deliver claimed rows with one sheet write; return {reference: outcome}.

    If the batch fails for another reason than a busy sheet, each row is tried
    on its own so that one bad row cannot hold the others back.
    """
    submissions = {reference: store.find(connection, reference) for reference in references}
    # Erased after they were claimed: their outbox rows went with them.
    outcomes = {reference: "gone" for reference, row in submissions.items() if row is None}
    present = [reference for reference, row in submissions.items() if row is not None]
    if not present:
        return outcomes
    try:
        written = sink.deliver_many([sheet_row(submissions[reference]) for reference in present])
    except SheetBusy as busy:
        # Contention, not failure: try again soon without using up an attempt
        # (not before the sheet's own Retry-After, when it gave one).
        log.info("sheet busy, %d entries wait: %s", len(present), busy)
        wait = max(config["RELAY_INTERVAL"], busy.retry_after)
        connection.executemany(
            "UPDATE outbox SET lease_until = 0, next_attempt_at = ? WHERE reference = ? AND kind = ?",
            [(time.time() + wait, reference, SHEET) for reference in present],
        )
        return outcomes | {reference: "busy" for reference in present}
    except Exception as error:  # any sink failure is retried, then dead-lettered
        if isolate_failures and len(present) > 1:
            log.warning("batch of %d failed (%s); delivering one at a time", len(present), error)
            for reference in present:
                outcomes[reference] = deliver_one(connection, sink, reference, config)
            return outcomes
        return outcomes | {reference: _record_failure(connection, reference, error, config)
                           for reference in present}
    if written and os.environ.get("FORMSVC_FAULT") == FAULT_CRASH_AFTER_SHEET_WRITE:
        os._exit(70)  # fault injection for tests: the sheet is written, the outbox not yet
    for reference in present:
        outcomes[reference] = _mark_done(connection, reference, SHEET)
        if outcomes[reference] == "gone":
            sink.remove([reference])  # erased while we were writing: take the row back out
    return outcomes


def _mark_done(connection, reference, kind, state="done", note=None):
    """Record a delivery (or a skipped one); 'gone' when the entry was erased meanwhile."""
    updated = connection.execute(
        "UPDATE outbox SET state = ?, delivered_at = ?, lease_until = 0, "
        "lease_owner = NULL, last_error = ? WHERE reference = ? AND kind = ?",
        (state, time.time(), note, reference, kind),
    ).rowcount
    return state if updated else "gone"


def deliver_mail(connection, mailer, reference, kind, config):
    """Send one claimed mail entry; return 'done', 'skipped', 'retry', 'dead' or 'gone'."""
    submission = store.find_for_delivery(connection, reference, kind)
    if submission is None:
        return "gone"
    if kind == store.CONFIRMATION and mail.confirmations_today(connection, submission["email"]) >= config["MAIL_DAILY_LIMIT"]:
        log.info("confirmation for %s skipped: its recipient reached the daily limit", reference)
        return _mark_done(connection, reference, kind, "skipped", "daily limit per recipient reached")
    try:
        mailer.send(mail.compose(kind, submission, config))
    except mail.PermanentMailError as error:
        return _record_failure(connection, reference, error, config, kind, permanent=True)
    except Exception as error:  # server down, 4xx, timeout: retried with backoff
        return _record_failure(connection, reference, error, config, kind)
    if os.environ.get("FORMSVC_FAULT") == FAULT_CRASH_AFTER_MAIL_SEND:
        os._exit(70)  # fault injection for tests: the server took the mail, the outbox does not know
    return _mark_done(connection, reference, kind)


def _tally(outcomes):
    """The single outcome of a one-row batch."""
    (outcome,) = outcomes.values()
    return outcome


def _record_failure(connection, reference, error, config, kind=SHEET, permanent=False):
    """Count a failed attempt: back off, or dead-letter after MAX_ATTEMPTS (at
    once when the failure is permanent, such as a mail server's 5xx)."""
    row = connection.execute(
        "SELECT attempts FROM outbox WHERE reference = ? AND kind = ?", (reference, kind)
    ).fetchone()
    if row is None:
        return "gone"
    attempts = row["attempts"] + 1
    message = f"{type(error).__name__}: {error}"[:500]
    if permanent or attempts >= config["MAX_ATTEMPTS"]:
        log.error("giving up on %s %s after %d attempts: %s", kind, reference, attempts, message)
        state, next_attempt = "dead", time.time()
    else:
        log.warning("%s delivery of %s failed (attempt %d): %s", kind, reference, attempts, message)
        state = "pending"
        next_attempt = time.time() + backoff_seconds(
            attempts, config["BACKOFF_BASE"], config["BACKOFF_MAX"]
        )
    connection.execute(
        "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
        "lease_until = 0, lease_owner = NULL WHERE reference = ? AND kind = ?",
        (state, attempts, next_attempt, message, reference, kind),
    )
    return "dead" if state == "dead" else "retry"


def run_pass(config, due_only=True):
    """Deliver what can be delivered now, kind by kind; return {outcome: count}."""
    outcomes = {}
    connection = db.connect(config)
    try:
        _purge_old_spam(connection)
        for kind in delivered_kinds(config):
            for outcome in _pass_for_kind(connection, kind, config, due_only):
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        connection.release()
    return outcomes


def _purge_old_spam(connection):
    """Suspected spam is kept SPAM_KEPT_DAYS for review, then goes; a failure
    here must not stop deliveries."""
    global _next_spam_purge
    if time.time() < _next_spam_purge:
        return
    _next_spam_purge = time.time() + SPAM_PURGE_INTERVAL
    try:
        purged = store.purge_spam(connection)
    except db.DATABASE_ERRORS as error:
        log.warning("purging old suspected spam failed: %s", error)
        return
    if purged:
        log.info("purged %d suspected spam sign-up(s) older than %d days", len(purged), store.SPAM_KEPT_DAYS)


def active_kinds(config):
    """The kinds a sign-up is queued as: mail kinds only with an SMTP host."""
    return store.SIGNUP_KINDS if mail.enabled(config) else (SHEET,)


def delivered_kinds(config):
    """The kinds the relay delivers: with mail off, feedback_mail entries wait (see formsvc/feedback.py)."""
    return store.OUTBOX_KINDS if mail.enabled(config) else (SHEET,)


def _pass_for_kind(connection, kind, config, due_only):
    """Claim and deliver one kind's due entries; return the list of outcomes.
    A failure here is recorded against this kind's entries only."""
    claimed = claim(connection, due_only=due_only, limit=BATCH_SIZE if due_only else None, kind=kind)
    if not claimed:
        return []
    try:
        # Only now: connecting may cost a network round trip.
        target = make_sink(config) if kind == SHEET else mail.Mailer(config)
    except Exception as error:  # e.g. Google unreachable: every claimed row waits its turn
        return [_record_failure(connection, reference, error, config, kind) for reference in claimed]
    if kind == SHEET:
        return list(deliver_batch(connection, target, claimed, config).values())
    with target:
        return [deliver_mail(connection, target, reference, kind, config) for reference in claimed]


def nudge():
    """Wake this process's relay thread: a sign-up has just been stored."""
    _wake.set()


def _loop(config):
    while True:
        try:
            run_pass(config)
        except Exception:
            log.exception("relay pass failed; trying again in %s s", config["RELAY_INTERVAL"])
        _wake.wait(config["RELAY_INTERVAL"])
        _wake.clear()


def ensure_thread(app):
    """Start the relay thread once per process (gunicorn forks workers after
    import, so the pid is part of the key)."""
    key = (os.getpid(), str(app.config["DATABASE"]))
    if key in _threads:
        return
    with _threads_lock:
        if key not in _threads:
            thread = threading.Thread(
                target=_loop, args=(dict(app.config),), name="formsvc-relay", daemon=True
            )
            thread.start()
            _threads[key] = thread


def init_app(app):
    check_backend(app.config)
    mail.check_config(app.config)
    if not app.config["RELAY_THREAD"]:
        return
    # Start with the process, not with its first request: after a restart the
    # backlog must drain even if nobody visits. Not in `flask --app formsvc …`
    # commands, which build the app inside a click context and are not servers.
    if click.get_current_context(silent=True) is None:
        ensure_thread(app)
    # A worker forked from a preloaded app inherits no thread: the pid in the
    # key makes the first request in each worker start its own.
    app.before_request(lambda: ensure_thread(app))
