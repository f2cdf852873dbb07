"""The outbox relay: deliver each stored sign-up to the staff sheet, exactly once.

Delivery is idempotent (the sink skips a Referens it already has) and every
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

from . import db, store
from .sinks import SheetBusy, check_backend, make_sink, sheet_row

LEASE_SECONDS = 300
BATCH_SIZE = 100
FAULT_CRASH_AFTER_SHEET_WRITE = "crash_after_sheet_write"

log = logging.getLogger(__name__)
_threads = {}
_threads_lock = threading.Lock()
_wake = threading.Event()


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


def claim(connection, due_only=True, limit=BATCH_SIZE, now=None):
    """Lease up to `limit` (None: all) pending rows nobody else is working on; return their references.

    On PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED, so relays
    on other hosts claiming at the same moment take other rows, never these.
    """
    now = now or time.time()
    due_clause = "AND next_attempt_at <= :now" if due_only else ""
    limit_clause = "LIMIT :limit" if limit else ""
    # Look before taking the write lock: idle relays in every worker must not
    # queue up behind (or in front of) sign-ups for nothing.
    if not connection.execute(
        f"SELECT 1 FROM outbox WHERE state = 'pending' {due_clause} LIMIT 1", {"now": now}
    ).fetchone():
        return []
    with connection.write_transaction():
        # Leases still running are left out unless another process on this
        # host holds them (it may have died), and free rows come first, so a
        # batch is not filled with rows that cannot be taken.
        candidates = connection.execute(
            f"SELECT reference, lease_until, lease_owner FROM outbox "
            f"WHERE state = 'pending' {due_clause} AND (lease_until <= :now "
            f"OR (lease_owner LIKE :this_host AND lease_owner != :me)) "
            f"ORDER BY lease_until > :now, next_attempt_at {limit_clause}{connection.lock_for_claim}",
            {"now": now, "limit": limit, "this_host": f"{socket.gethostname()}:%", "me": lease_owner()},
        ).fetchall()
        claimed = [
            row["reference"] for row in candidates
            if row["lease_until"] <= now or _owner_gone(row["lease_owner"])
        ]
        connection.executemany(
            "UPDATE outbox SET lease_until = ?, lease_owner = ? WHERE reference = ?",
            [(now + LEASE_SECONDS, lease_owner(), reference) for reference in claimed],
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
        # Contention, not failure: try again soon without using up an attempt.
        log.info("sheet busy, %d entries wait: %s", len(present), busy)
        connection.executemany(
            "UPDATE outbox SET lease_until = 0, next_attempt_at = ? WHERE reference = ?",
            [(time.time() + config["RELAY_INTERVAL"], reference) for reference in present],
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
        outcomes[reference] = _mark_done(connection, sink, reference)
    return outcomes


def _mark_done(connection, sink, reference):
    updated = connection.execute(
        "UPDATE outbox SET state = 'done', delivered_at = ?, lease_until = 0, "
        "lease_owner = NULL, last_error = NULL WHERE reference = ?",
        (time.time(), reference),
    ).rowcount
    if not updated:
        # Erased while we were writing: take the row we just added back out.
        sink.remove([reference])
        return "gone"
    return "done"


def _tally(outcomes):
    """The single outcome of a one-row batch."""
    (outcome,) = outcomes.values()
    return outcome


def _record_failure(connection, reference, error, config):
    attempts = connection.execute(
        "SELECT attempts FROM outbox WHERE reference = ?", (reference,)
    ).fetchone()["attempts"] + 1
    message = f"{type(error).__name__}: {error}"[:500]
    if attempts >= config["MAX_ATTEMPTS"]:
        log.error("giving up on %s after %d attempts: %s", reference, attempts, message)
        state, next_attempt = "dead", time.time()
    else:
        log.warning("delivery of %s failed (attempt %d): %s", reference, attempts, message)
        state = "pending"
        next_attempt = time.time() + backoff_seconds(
            attempts, config["BACKOFF_BASE"], config["BACKOFF_MAX"]
        )
    connection.execute(
        "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
        "lease_until = 0, lease_owner = NULL WHERE reference = ?",
        (state, attempts, next_attempt, message, reference),
    )
    return "dead" if state == "dead" else "retry"


def run_pass(config, due_only=True):
    """Deliver what can be delivered now; return {outcome: count}."""
    outcomes = {}
    connection = db.connect(config)
    try:
        claimed = claim(connection, due_only=due_only, limit=BATCH_SIZE if due_only else None)
        if not claimed:
            return outcomes
        try:
            sink = make_sink(config)  # only now: connecting may cost a network round trip
        except Exception as error:  # e.g. Google unreachable: every claimed row waits its turn
            for reference in claimed:
                outcome = _record_failure(connection, reference, error, config)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            return outcomes
        for outcome in deliver_batch(connection, sink, claimed, config).values():
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        connection.release()
    return outcomes


def requeue(connection, reference=None):
    """Dead (or one named) entries back to pending with fresh attempts; return how many."""
    condition, parameters = ("reference = ?", (reference,)) if reference else ("state = 'dead'", ())
    return connection.execute(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = 0, "
        f"lease_owner = NULL WHERE state != 'done' AND {condition}",
        (time.time(), *parameters),
    ).rowcount


def dead_letters(connection):
    return connection.execute(
        "SELECT reference, attempts, last_error FROM outbox WHERE state = 'dead' ORDER BY reference"
    ).fetchall()


def backlog(connection):
    """(pending, dead): each counted on its own range of the (state, …) index, so
    the cost follows the backlog, not the number of entries ever delivered."""
    def count(state):
        return connection.execute("SELECT COUNT(*) FROM outbox WHERE state = ?", (state,)).fetchone()[0]

    return count("pending"), count("dead")


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
