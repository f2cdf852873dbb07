"""The sign-up form, made from the field declarations in fields.py, and the
short feedback form anyone may send (formsvc/feedback.py).

HTML field names are a public contract (browser and reliability tests post
them). Valid answers are normalised into `form.answers`; what the person typed
stays in the fields so an invalid form comes back exactly as it was sent.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from .fields import FIELDS, long_text, short_text
from .validators import InvalidValue, multi_line, normalise_email, single_line

CONSENT_MISSING = "Kryssa i rutan för att bekräfta att du har läst hur vi behandlar personuppgifter"
# Form parts that are not answers: never in the error summary.
HIDDEN = ("csrf_token", "website", "started")


class _PublicForm(FlaskForm):
    def visible_errors(self):
        """[(field, first message)] in page order, for the error summary."""
        return [(field, field.errors[0]) for field in self if field.errors and field.name not in HIDDEN]


class _SignupFormBase(_PublicForm):
    def __init__(self, *args, areas=(), **kwargs):
        """`areas` are the site's insatsområden, from the site manifest."""
        super().__init__(*args, **kwargs)
        self.answers = {}
        self.allowed = {}
        for declared in FIELDS:
            self.allowed[declared.name], choices = declared.choices(areas)
            if choices:
                self[declared.name].choices = choices

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        for declared in FIELDS:
            field = self[declared.name]
            try:
                self.answers[declared.name] = declared.check(field.data, self.allowed[declared.name])
            except InvalidValue as problem:
                field.errors.append(str(problem))
        if not self.consent.data:
            self.consent.errors.append(CONSENT_MISSING)
        return not self.visible_errors() and not self.csrf_token.errors


# Fields are created in page order (WTForms orders them by creation): the
# declared ones, then the consent box, the honeypot and the fill-time token.
SignupForm = type("SignupForm", (_SignupFormBase,), {
    **{declared.name: declared.form_field() for declared in FIELDS},
    "consent": BooleanField("Jag har läst hur SIM behandlar mina personuppgifter"),
    "website": StringField("Lämna det här fältet tomt"),
    "started": HiddenField(),
})


FEEDBACK_MISSING = "Skriv vad du vill berätta för oss"


def _optional_email(data, _options):
    return normalise_email(data) if data else ""


def _required_message(data, options):
    if not data:
        raise InvalidValue(FEEDBACK_MISSING)
    return long_text(data, options)


class FeedbackForm(_PublicForm):
    """Message required; name and e-mail optional (an e-mail given must be valid)."""

    message = TextAreaField("Dina synpunkter", filters=[multi_line])
    name = StringField("Namn (valfritt)", filters=[single_line])
    email = StringField("E-post (valfritt)", filters=[single_line])
    website = StringField("Lämna det här fältet tomt")
    started = HiddenField()

    CHECKS = {
        "message": _required_message,
        "name": short_text("", "Namnet", required=False),
        "email": _optional_email,
    }

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        self.answers = {}
        for name, check in self.CHECKS.items():
            try:
                self.answers[name] = check(self[name].data, ())
            except InvalidValue as problem:
                self[name].errors.append(str(problem))
        return not self.visible_errors() and not self.csrf_token.errors
