"""Every sign-up field, declared once.

A declaration gives the field's HTML name (also its form attribute and its
database column), its Swedish label and hint, how it is shown and checked,
its staff-sheet header, and whether it goes in the staff mail. The form,
the template, the store, the sheet, the export and the mail all read this
tuple, in this order. Adding a field is one declaration here plus a
migration in db.py; create_app refuses to start when the two disagree.

Each field also says how its stored value reaches a spreadsheet cell:
FREE_TEXT from the public is neutralised (a leading = + - @ tab or CR gets an
apostrophe); PLAIN is a validated value that cannot be a formula (a phone
number in normalised form, an organisation number) and is written as is, so
staff see "+47 123 45 678" rather than "'+47 123 45 678". A PLAIN value
that does not match its declared pattern is neutralised after all.
"""

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .cells import neutralise
from .validators import (
    InvalidValue, multi_line, normalise_email, normalise_org_number, normalise_phone, single_line,
)

FREE_TEXT, PLAIN = "free text", "plain"
SHORT_TEXT_MAX = 200
MESSAGE_MAX = 2000
AREAS_FROM_SITE = "site areas"  # options taken from the site manifest's areas
GENERAL_SIGNUP_TITLE = "Allmän intresseanmälan"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

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

log = logging.getLogger(__name__)


# -- checks: each returns the value to store or raises InvalidValue ---------

def short_text(missing, label, required=True, limit=SHORT_TEXT_MAX):
    def check(data, _options):
        data = data or ""
        if required and not data:
            raise InvalidValue(missing)
        if len(data) > limit:
            raise InvalidValue(f"{label} får vara högst {limit} tecken – korta av det")
        return data
    return check


def long_text(data, _options):
    data = data or ""
    if len(data) > MESSAGE_MAX:
        raise InvalidValue(
            f"Meddelandet får vara högst {MESSAGE_MAX:,} tecken – nu är det {len(data):,} tecken".replace(",", " ")
        )
    return data


def one_of(message):
    def check(data, options):
        if data not in options:
            raise InvalidValue(message)
        return data
    return check


def some_of(message):
    def check(data, options):
        data = data or []
        chosen = [option for option in options if option in data]
        if not chosen or len(chosen) != len(set(data)):
            raise InvalidValue(message)
        return chosen
    return check


def normalised(normaliser):
    return lambda data, _options: normaliser(data)


# -- the declaration --------------------------------------------------------

@dataclass(frozen=True)
class SignupField:
    name: str  # HTML name, form attribute and database column
    label: str
    header: str  # staff sheet and export column
    section: str  # the form heading it appears under
    widget: str  # text | email | tel | textarea | select | radio | checkboxes
    check: Callable
    options: object = ()  # a tuple of choices, or AREAS_FROM_SITE
    placeholder: str = ""  # first, empty option of a select
    hint: str = ""
    autocomplete: str = ""
    inputmode: str = ""
    cell_kind: str = FREE_TEXT
    plain_pattern: str = ""  # what every PLAIN value matches in full
    mailed: bool = True  # listed in the staff mail
    personal: bool = False  # personal data that never goes in a mail (sole traders' personnummer)

    @property
    def multiple(self):
        return self.widget == "checkboxes"

    def form_field(self):
        """The unbound WTForms field; choices are set per form (see forms.SignupForm)."""
        if self.widget in ("select", "radio", "checkboxes"):
            kind = {"select": SelectField, "radio": RadioField, "checkboxes": SelectMultipleField}[self.widget]
            return kind(self.label, validate_choice=False)
        filters = [multi_line] if self.widget == "textarea" else [single_line]
        return (TextAreaField if self.widget == "textarea" else StringField)(self.label, filters=filters)

    def choices(self, site_areas):
        options = site_areas if self.options == AREAS_FROM_SITE else self.options
        listed = [SelectChoice(option) for option in options]
        return (options, [SelectChoice("", self.placeholder), *listed] if self.placeholder else listed)

    def column_value(self, value):
        """The value as stored in its database column."""
        return json.dumps(list(value), ensure_ascii=False) if self.multiple else value

    def text(self, stored):
        """The stored value as staff read it (sheet, export, mail)."""
        return ", ".join(json.loads(stored)) if self.multiple else (stored or "")

    def cell_text(self, stored):
        """The stored value as a spreadsheet cell: neutralised unless declared PLAIN."""
        return safe_cell(self.text(stored), self.cell_kind, self.plain_pattern, self.header)


def safe_cell(text, kind, plain_pattern, header):
    if kind == PLAIN and re.fullmatch(plain_pattern, text or ""):
        return text
    if kind == PLAIN and text:
        log.warning("column %s holds a value outside its declared form; neutralised", header)
    return neutralise(text)


COMPANY, CONTACT, NEEDS = "Om företaget", "Kontaktperson", "Vad vill ni ha hjälp med?"
ORG_NUMBER_PATTERN = r"\d{6}-\d{4}"
# National form ("070-123 45 67") or international with the digit groups as typed ("+47 123 45 678").
PHONE_PATTERN = r"0\d{1,3}-\d+(?: \d+)*|\+\d+(?: \d+)*"

FIELDS = (
    SignupField(
        "company", "Företagets namn", "Företag", COMPANY, "text",
        short_text("Skriv företagets namn", "Företagets namn"), autocomplete="organization",
    ),
    SignupField(
        "org_number", "Organisationsnummer", "Organisationsnummer", COMPANY, "text",
        normalised(normalise_org_number), inputmode="numeric",
        hint="10 siffror, till exempel 556036-0793. Enskild firma anger personnumret.",
        cell_kind=PLAIN, plain_pattern=ORG_NUMBER_PATTERN, personal=True,
    ),
    SignupField(
        "municipality", "Kommun", "Kommun", COMPANY, "select",
        one_of("Välj den kommun där företaget finns, eller Annan"),
        options=MUNICIPALITIES, placeholder="Välj kommun", hint="Där företaget har sin verksamhet.",
    ),
    SignupField(
        "employees", "Antal anställda", "Antal anställda", COMPANY, "radio",
        one_of("Välj hur många som arbetar i företaget"), options=EMPLOYEE_RANGES,
    ),
    SignupField(
        "industry", "Bransch", "Bransch", COMPANY, "select",
        one_of("Välj den bransch som passar företaget bäst, eller Annan"),
        options=INDUSTRIES, placeholder="Välj bransch", hint="Välj det som ligger närmast, eller Annan.",
    ),
    SignupField(
        "contact_name", "Kontaktperson", "Kontaktperson", CONTACT, "text",
        short_text("Skriv namnet på den vi ska kontakta", "Namnet"), autocomplete="name",
    ),
    SignupField(
        "role", "Roll i företaget (valfritt)", "Roll", CONTACT, "text",
        short_text("", "Rollen", required=False), hint="Till exempel vd eller produktionschef.",
        autocomplete="organization-title",
    ),
    SignupField(
        "email", "E-post", "E-post", CONTACT, "email", normalised(normalise_email), autocomplete="email",
    ),
    SignupField(
        "phone", "Telefon", "Telefon", CONTACT, "tel", normalised(normalise_phone), autocomplete="tel",
        hint="Till exempel 070-123 45 67, eller +47 123 45 678 för ett utländskt nummer.", cell_kind=PLAIN, plain_pattern=PHONE_PATTERN,
    ),
    SignupField(
        "areas", "Intresseområden", "Intresseområden", NEEDS, "checkboxes",
        some_of("Välj minst ett insatsområde som företaget är intresserat av"),
        options=AREAS_FROM_SITE, hint="Välj ett eller flera insatsområden.",
    ),
    SignupField(
        "message", "Meddelande (valfritt)", "Meddelande", NEEDS, "textarea", long_text,
        hint="Högst 2 000 tecken.",
    ),
)
BY_NAME = {field.name: field for field in FIELDS}


def sections():
    """[(heading, [fields])] in form order, for the template."""
    grouped = {}
    for field in FIELDS:
        grouped.setdefault(field.section, []).append(field)
    return list(grouped.items())


# -- the staff sheet: the sign-up's own record columns, then every field ----

REFERENCE_HEADER = "Referens"
EMAIL_HEADER = BY_NAME["email"].header


def _received(row):
    return f"{datetime.fromisoformat(row['received_at']).astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"


# (header, read from a submissions row, cell kind, pattern of a PLAIN value)
RECORD_COLUMNS = (
    (REFERENCE_HEADER, lambda row: row["reference"], PLAIN, r"SIM-[0-9A-Z]{4}-[0-9A-Z]{4}"),
    ("Inkommen", _received, PLAIN, r"\d{4}-\d\d-\d\d \d\d:\d\d"),
    # Call titles come from the communicator's Markdown, not from a validator.
    ("Utlysning", lambda row: row["call_title"] or GENERAL_SIGNUP_TITLE, FREE_TEXT, ""),
)
HEADERS = tuple([header for header, *_ in RECORD_COLUMNS] + [field.header for field in FIELDS])


def sheet_row(submission):
    """{header: safe cell text} for one submissions row, in header order."""
    row = {header: safe_cell(read(submission), kind, pattern, header)
           for header, read, kind, pattern in RECORD_COLUMNS}
    row.update((field.header, field.cell_text(submission[field.name])) for field in FIELDS)
    return row


def mail_lines(submission):
    """[(label, text)] of what the staff mail may show: personal data such as a
    sole trader's personnummer never leaves the database by mail."""
    return [(field.header, field.text(submission[field.name]))
            for field in FIELDS if field.mailed and not field.personal]
