"""The sign-up pages: the form, the thank-you page and the health check."""

import logging
import re

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

from . import db, fields, mail, relay, security, store
from .calls import OPEN, UPCOMING, swedish_datetime
from .db import get_db
from .forms import SignupForm

# Mounted at the site manifest's signup_path by create_app.
bp = Blueprint("signup", __name__)
log = logging.getLogger(__name__)

STORAGE_FAILED = (
    "Vi kunde inte spara anmälan just nu, så ingenting har sparats. "
    "Det du skrev finns kvar nedan – vänta en stund och försök igen."
)


def calls():
    return current_app.extensions["formsvc.calls"]


@bp.route("/", methods=("GET", "POST"))
def general():
    return _signup(call=None)


@bp.route("/<slug>/", methods=("GET", "POST"))
def for_call(slug):
    call = calls().get(slug)
    if call is None:
        abort(404)
    return _signup(call)


def _signup(call):
    if call is not None and (status := call.status()) != OPEN:
        return _call_unavailable(call, status)
    # Only form fields: the service takes no files, and a file part named like
    # a text field must not reach the text filters.
    form = SignupForm(formdata=request.form if request.method == "POST" else None,
                      areas=current_app.extensions["formsvc.site"].current().areas)
    if request.method != "POST":  # GET, and HEAD, which Flask answers like GET without the body
        return _render_form(form, call)
    valid = form.validate()
    refused = security.refusal(
        form, valid,
        render=lambda notice, status: _render_form(form, call, notice=notice, status=status),
        keep_as_spam=lambda reason: _keep_as_spam(form, call, reason),
    )
    if refused is not None:
        return refused
    if not valid:
        return _render_form(form, call)
    try:
        reference = store.save_signup(get_db(), form.answers, call,
                                      kinds=relay.active_kinds(current_app.config))
    except db.UNAVAILABLE as error:
        log.error("sign-up not stored: %s", error)
        page, status = _render_form(form, call, notice=STORAGE_FAILED, status=503)
        return page, status, {"Retry-After": str(db.RETRY_AFTER_SECONDS)}
    relay.nudge()
    return redirect(url_for(".thanks", reference=reference), code=303)


def _keep_as_spam(form, call, reason):
    """Store a complete but suspicious sign-up for staff to review (`spam list`);
    return what the log line should add."""
    try:
        reference = store.save_signup(get_db(), form.answers, call, suspected_spam=reason)
    except db.UNAVAILABLE as error:
        return f"; not kept as suspected spam: {error}"
    return f"; kept as suspected spam {reference}"


def _render_form(form, call, notice=None, status=200):
    form.started.data = security.issue_started_token()
    page = render_template(
        "signup_form.html",
        form=form,
        sections=fields.sections(),
        call=call,
        notice=notice,
        deadline_text=call and swedish_datetime(call.deadline),
    )
    return page, status


def _call_unavailable(call, status):
    if status == UPCOMING:
        heading = f"Anmälan till {call.title} har inte öppnat än"
        explanation = f"Du kan anmäla dig från och med {swedish_datetime(call.opens)}."
    else:
        heading = f"Anmälan till {call.title} är stängd"
        explanation = f"Sista dag att anmäla sig var {swedish_datetime(call.deadline)}."
    page = render_template("call_unavailable.html", heading=heading, explanation=explanation)
    # A POST to a call that is not open is refused: 409 says the call's state is the reason.
    return page, 200 if request.method == "GET" else 409


@bp.get("/tack/<reference>/")
def thanks(reference):
    if not re.fullmatch(store.REFERENCE_PATTERN, reference):
        abort(404)
    submission = store.find(get_db(), reference)
    if submission is None:
        abort(404)
    # Only the reference and the call title: anyone with the link can open this page.
    return render_template(
        "thanks.html", reference=submission["reference"], call_title=submission["call_title"]
    )


@bp.get("/health")
def health():
    mail_state = "on" if mail.enabled(current_app.config) else "off (FORMSVC_SMTP_HOST not set)"
    try:
        per_kind = store.backlog_by_kind(get_db())
    except db.DATABASE_ERRORS as error:
        log.error("health check: database unavailable: %s", error)
        return jsonify(database="error", mail=mail_state, outbox_pending=None, outbox_dead=None,
                       outbox=None), 503
    return jsonify(database="ok", mail=mail_state,
                   outbox_pending=sum(counts["pending"] for counts in per_kind.values()),
                   outbox_dead=sum(counts["dead"] for counts in per_kind.values()),
                   outbox=per_kind)
