"""Feedback from anyone: the short form at <signup path>synpunkter/.

The accessibility statement and the personal-data page need a way for a
private person (no organisationsnummer) to reach staff. The form asks for a
message, and optionally a name and an e-mail address, behind the same abuse
controls as the sign-up form (CSRF, honeypot, the session-bound fill-time
token, the shared rate limit and body limit); suspected spam is kept for
review like a sign-up's (`spam list`, `spam release`, purged after 30 days).

Delivery: each message is stored with an outbox entry of kind feedback_mail,
which the relay mails to FORMSVC_STAFF_EMAIL (Reply-To the sender only when an
address was given), retried, dead-lettered and requeued like every kind.
Nothing is mailed to the sender: an address nobody has verified must not make
the service send mail to whoever it names.

Decision for mail off (no FORMSVC_SMTP_HOST): the form still accepts
feedback, because it is stored and never lost. Its feedback_mail entry waits
as pending (counted in /anmalan/health, which also says mail is off) and is
mailed once an SMTP host is configured; meanwhile staff read it with
`flask --app formsvc feedback list`. The thank-you page then promises no
reply by e-mail and points to the contact page for anything urgent.
"""

import logging
import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from . import db, mail, relay, security, store
from .db import get_db
from .forms import FeedbackForm

# Mounted at the site manifest's signup_path + "synpunkter" by create_app.
bp = Blueprint("feedback", __name__)
log = logging.getLogger(__name__)
URL_SEGMENT = "synpunkter"

STORAGE_FAILED = (
    "Vi kunde inte spara dina synpunkter just nu, så ingenting har sparats. "
    "Det du skrev finns kvar nedan – vänta en stund och försök igen."
)


@bp.route("/", methods=("GET", "POST"))
def form():
    feedback_form = FeedbackForm(formdata=request.form if request.method == "POST" else None)
    if request.method != "POST":
        return _render_form(feedback_form)
    valid = feedback_form.validate()
    refused = security.refusal(
        feedback_form, valid,
        render=lambda notice, status: _render_form(feedback_form, notice=notice, status=status),
        keep_as_spam=lambda reason: _keep_as_spam(feedback_form, reason),
    )
    if refused is not None:
        return refused
    if not valid:
        return _render_form(feedback_form)
    try:
        reference = store.save_feedback(get_db(), feedback_form.answers)
    except db.UNAVAILABLE as error:
        log.error("feedback not stored: %s", error)
        page, status = _render_form(feedback_form, notice=STORAGE_FAILED, status=503)
        return page, status, {"Retry-After": str(db.RETRY_AFTER_SECONDS)}
    relay.nudge()
    return redirect(url_for(".thanks", reference=reference), code=303)


def _keep_as_spam(feedback_form, reason):
    try:
        reference = store.save_feedback(get_db(), feedback_form.answers, suspected_spam=reason)
    except db.UNAVAILABLE as error:
        return f"; not kept as suspected spam: {error}"
    return f"; kept as suspected spam {reference}"


def _render_form(feedback_form, notice=None, status=200):
    feedback_form.started.data = security.issue_started_token()
    return render_template("feedback.html", form=feedback_form, notice=notice), status


@bp.get("/tack/<reference>/")
def thanks(reference):
    if not re.fullmatch(store.FEEDBACK_REFERENCE_PATTERN, reference):
        abort(404)
    if store.find_feedback(get_db(), reference) is None:
        abort(404)
    # Only the reference: anyone with the link can open this page.
    return render_template("feedback_thanks.html", reference=reference,
                           mail_on=mail.enabled(current_app.config))
