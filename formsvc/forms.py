"""The sign-up form: fields, Swedish labels and messages, and normalisation.

HTML field names are a public contract (browser and reliability tests post
them). Valid answers are normalised into `form.answers`; what the person typed
stays in the fields so an invalid form comes back exactly as it was sent.
"""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, HiddenField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)

from .validators import InvalidValue, normalise_email, normalise_org_number, normalise_phone

MUNICIPALITIES = (
    "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund", "Annan",
)
EMPLOYEE_RANGES = ("1–9", "10–49", "50–249", "250 eller fler")
# Plain-language groups of the SNI sections companies in the target group
# belong to; public administration, households and extraterritorial bodies
# are left out because they are not companies.
INDUSTRIES = (
    "Tillverkning och industri",
    "Jordbruk, skogsbruk och fiske",
    "Gruvor och utvinning",
    "Energi: el, gas, värme och kyla",
    "Vatten, avlopp och återvinning",
    "Bygg och anläggning",
    "Handel och reparation av fordon",
    "Transport och lager",
    "Hotell och restaurang",
    "IT, information och kommunikation",
    "Finans och försäkring",
    "Fastigheter",
    "Teknik, juridik, ekonomi och konsulttjänster",
    "Uthyrning, resor och andra stödtjänster",
    "Utbildning",
    "Vård och omsorg",
    "Kultur, nöje och fritid",
    "Andra tjänster",
    "Annan",
)
# Same tuple as plugins/sim_content/schema.py AREAS (formsvc may not import the
# site's code; tests/formsvc/test_forms.py checks that the two agree).
AREAS = (
    "Finansiering",
    "Produktionseffektivisering",
    "Tjänsteaddering",
    "Internationalisering",
    "Tillväxtkartläggning/Kompetensinventering",
)
SHORT_TEXT_MAX = 200
MESSAGE_MAX = 2000

# C0 controls, DEL, lone surrogates and the noncharacters U+FFFE/U+FFFF: none
# belongs in a name or a message, and the last three break XML (the workbook).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def single_line(value):
    """Collapse line breaks and tabs to spaces and drop other control characters."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", re.sub(r"[\t\r\n]+", " ", value)).strip()


def multi_line(value):
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _choices(values, placeholder=None):
    options = [SelectChoice(value) for value in values]
    return [SelectChoice("", placeholder), *options] if placeholder else options


class SignupForm(FlaskForm):
    company = StringField("Företagets namn", filters=[single_line])
    org_number = StringField("Organisationsnummer", filters=[single_line])
    municipality = SelectField("Kommun", choices=_choices(MUNICIPALITIES, "Välj kommun"), validate_choice=False)
    employees = RadioField("Antal anställda", choices=_choices(EMPLOYEE_RANGES), validate_choice=False)
    industry = SelectField("Bransch", choices=_choices(INDUSTRIES, "Välj bransch"), validate_choice=False)
    contact_name = StringField("Kontaktperson", filters=[single_line])
    role = StringField("Roll i företaget (valfritt)", filters=[single_line])
    email = StringField("E-post", filters=[single_line])
    phone = StringField("Telefon", filters=[single_line])
    areas = SelectMultipleField("Intresseområden", choices=_choices(AREAS), validate_choice=False)
    message = TextAreaField("Meddelande (valfritt)", filters=[multi_line])
    consent = BooleanField("Jag har läst hur SIM behandlar mina personuppgifter")
    call = HiddenField()
    website = StringField("Lämna det här fältet tomt")
    started = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = {}

    # Every check below fills self.answers or adds one Swedish message.

    def _require_text(self, field, missing, label, required=True):
        if required and not field.data:
            field.errors.append(missing)
        elif len(field.data or "") > SHORT_TEXT_MAX:
            field.errors.append(f"{label} får vara högst {SHORT_TEXT_MAX} tecken – korta av det")
        else:
            self.answers[field.name] = field.data or ""

    def _require_choice(self, field, allowed, message):
        if field.data in allowed:
            self.answers[field.name] = field.data
        else:
            field.errors.append(message)

    def _normalise(self, field, normaliser):
        try:
            self.answers[field.name] = normaliser(field.data)
        except InvalidValue as problem:
            field.errors.append(str(problem))

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        self._require_text(self.company, "Skriv företagets namn", "Företagets namn")
        self._normalise(self.org_number, normalise_org_number)
        self._require_choice(self.municipality, MUNICIPALITIES, "Välj den kommun där företaget finns, eller Annan")
        self._require_choice(self.employees, EMPLOYEE_RANGES, "Välj hur många som arbetar i företaget")
        self._require_choice(self.industry, INDUSTRIES, "Välj den bransch som passar företaget bäst, eller Annan")
        self._require_text(self.contact_name, "Skriv namnet på den vi ska kontakta", "Namnet")
        self._require_text(self.role, "", "Rollen", required=False)
        self._normalise(self.email, normalise_email)
        self._normalise(self.phone, normalise_phone)
        self._check_areas()
        self._check_message()
        if not self.consent.data:
            self.consent.errors.append(
                "Kryssa i rutan för att bekräfta att du har läst hur vi behandlar personuppgifter"
            )
        return not self.visible_errors() and not self.csrf_token.errors

    def _check_areas(self):
        chosen = [area for area in AREAS if area in (self.areas.data or [])]
        if not chosen or len(chosen) != len(set(self.areas.data)):
            self.areas.errors.append("Välj minst ett insatsområde som företaget är intresserat av")
        else:
            self.answers["areas"] = chosen

    def _check_message(self):
        length = len(self.message.data or "")
        if length > MESSAGE_MAX:
            self.message.errors.append(
                f"Meddelandet får vara högst {MESSAGE_MAX:,} tecken – nu är det {length:,} tecken".replace(",", " ")
            )
        else:
            self.answers["message"] = self.message.data or ""

    def visible_errors(self):
        """[(field, first message)] in page order, for the error summary."""
        hidden = {"csrf_token", "call", "website", "started"}
        return [(field, field.errors[0]) for field in self if field.errors and field.name not in hidden]
