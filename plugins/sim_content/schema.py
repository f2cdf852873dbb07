"""The content model: which metadata each kind of content file carries.

This is the one source of truth. The build validates content against it and
the handbook's field reference (Fältreferens) is generated from it, so the two
cannot drift apart. Keep `help_sv` to one Swedish sentence: the communicator
reads it in the handbook.
"""

from dataclasses import dataclass

TIMEZONE = "Europe/Stockholm"

CATEGORIES = (
    "Digitalisering",
    "Industri",
    "Industri 4.0",
    "Industri JH",
    "IUC Z-GROUP",
)

AREAS = (
    "Finansiering",
    "Produktionseffektivisering",
    "Tjänsteaddering",
    "Internationalisering",
    "Tillväxtkartläggning/Kompetensinventering",
)

# Languages a page can be written in. A page with `Lang: en` and the same Slug
# as a Swedish page is that page's translation (Pelican pairs them); it is
# published under /en/<slug>/.
DEFAULT_LANG = "sv"
LANGUAGES = ("sv", "en")
TRANSLATED_URL_PREFIX = "en"

# The page template that fills data blocks and gives the whole document the
# page's language. English pages need it, so that <html lang> says "en".
DATA_TEMPLATE = "page_data"

# Blocks a page with `Template: page_data` may hold, each on a line of its own
# as `<!-- infoga: NAME -->`. The theme fills them from content/kontakt.toml or
# the calls, so an address is written once. Shown in the handbook.
DATA_BLOCK_MARKER = r"<!--\s*infoga:\s*(?P<name>.*?)\s*-->"
DATA_BLOCKS = {
    "kontaktvagar": "Så når man SIM: e-post, telefon och postadress, med hänvisningen när SIM saknar egen brevlåda.",
    "agare": "Projektägaren med alla ifyllda uppgifter ur [agare].",
    "partner": "Samverkanspartnern med alla ifyllda uppgifter ur [partner].",
    "personuppgiftsansvarig": "Den personuppgiftsansvarige (projektägaren) med organisationsnummer och kontaktvägar.",
    "utlysningar-en": "Öppna och kommande utlysningar i korthet på engelska (för engelska sidor).",
}

# Folder under content/ for each kind of content file.
CONTENT_DIRS = {
    "news": "nyheter",
    "call": "utlysningar",
    "page": "sidor",
    "author": "forfattare",
}

# Accepted spellings, shown to the communicator in error messages.
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


# One plain ASCII address (the programme's own mailboxes), or several separated
# by commas: what the build and the editor accept for an "email" field.
EMAIL_ADDRESS = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
EMAIL_LIST_PATTERN = rf"^\s*{EMAIL_ADDRESS}(?:\s*,\s*{EMAIL_ADDRESS})*\s*$"


@dataclass(frozen=True)
class Field:
    name: str  # metadata key as written in the file, e.g. "Deadline"
    kind: str  # "text" | "date" | "datetime" | "choice" | "list" | "slug" | "email"
    required: bool
    help_sv: str
    choices: tuple = ()
    example: str = ""


_TITLE = Field("Title", "text", True, "Rubriken som visas på sidan och i flöden.", example="Ny utlysning öppnar")
_SLUG = Field("Slug", "slug", False, "Sista delen av adressen; skapas från rubriken om den saknas (å, ä blir a och ö blir o).", example="ny-utlysning-oppnar")
_SUMMARY = Field("Summary", "text", True, "En eller två meningar som visas i listor, flöden och sökresultat.", example="Kort sammanfattning av inlägget.")
_MODIFIED = Field("Modified", "date", False, "Datum då innehållet senast ändrades i sak; visas som uppdaterad.", example="2026-11-25")
_STATUS = Field("Status", "choice", False, "Skriv draft för att bygga utan att publicera; utelämna för att publicera.", choices=("published", "draft"), example="draft")

SCHEMA = {
    "news": (
        _TITLE,
        Field("Date", "date", True, "Publiceringsdatum, ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM; ett datum framåt i tiden schemalägger inlägget.", example="2018-09-28"),
        Field("Author", "text", True, "Skribentens namn; ska finnas som fil i content/forfattare/.", example="Marlene Magnussen"),
        Field("Category", "choice", True, "Exakt en kategori från listan.", choices=CATEGORIES, example="Industri JH"),
        Field("Tags", "list", False, "Etiketter, kommaseparerade.", example="Industri 4.0, Digitalisering"),
        _SUMMARY,
        _SLUG,
        _MODIFIED,
        _STATUS,
    ),
    "call": (
        _TITLE,
        Field("Opens", "datetime", True, "När anmälan öppnar, ÅÅÅÅ-MM-DD TT:MM svensk tid.", example="2026-12-01 08:00"),
        Field("Deadline", "datetime", True, "Sista tid för anmälan, ÅÅÅÅ-MM-DD TT:MM svensk tid; måste vara efter Opens.", example="2027-01-31 23:59"),
        Field("Area", "choice", True, "Insatsområdet utlysningen hör till, exakt som i listan.", choices=AREAS, example="Produktionseffektivisering"),
        Field("Audience", "text", True, "Vilka företag som kan anmäla sig.", example="Tillverkande företag i Jämtlands län med 5–250 anställda"),
        _SUMMARY,
        Field("Date", "date", False, "Publiceringsdatum; utelämnas det används Opens.", example="2026-11-25"),
        Field("StaffEmail", "email", False, "Handläggarens e-post för utlysningen; anmälningarna mejlas dit utöver den vanliga adressen, och adressen syns i calls.json, så använd en funktionsbrevlåda.", example="sim-utlysning@regionjh.se"),
        _SLUG,
        _MODIFIED,
        _STATUS,
    ),
    "page": (
        _TITLE,
        _SLUG,
        Field("Summary", "text", False, "Kort beskrivning för sökmotorer och delningar.", example="Om projektet SIM."),
        Field("Lang", "choice", False, "Sidans språk; en engelsk sida med samma Slug som en svensk blir dess översättning på /en/<slug>/ och behöver Template: page_data.", choices=LANGUAGES, example="en"),
        Field("Template", "choice", False, "Skriv page_data om sidan är på engelska eller hämtar uppgifter med <!-- infoga: … -->.", choices=(DATA_TEMPLATE,), example=DATA_TEMPLATE),
        Field("Order", "text", False, "Sorteringsordning i menyn, ett heltal; lägre visas först.", example="10"),
        Field("Date", "date", False, "Publiceringsdatum; ett datum framåt i tiden schemalägger sidan till dess.", example="2026-12-01 08:00"),
        _MODIFIED,
        _STATUS,
    ),
    "author": (
        Field("Title", "text", True, "Personens namn, exakt som i Author på nyheterna.", example="Marlene Magnussen"),
        Field("Role", "text", True, "Roll och organisation.", example="Kommunikatör, IUC Z-GROUP"),
        _SLUG,
    ),
}


def fields(kind):
    """Return the fields of one content kind, keyed by metadata name (lower case)."""
    return {f.name.lower(): f for f in SCHEMA[kind]}

# The editor's (/admin/) Swedish label for each field name, next to the fields themselves.
FIELD_LABELS_SV = {
    "Title": "Rubrik", "Slug": "Adress (slug)", "Summary": "Sammanfattning", "Date": "Publiceringsdatum",
    "Author": "Skribent", "Category": "Kategori", "Tags": "Etiketter", "Modified": "Senast ändrad",
    "Status": "Status", "Opens": "Anmälan öppnar", "Deadline": "Sista anmälningsdag", "Area": "Insatsområde",
    "Audience": "Målgrupp", "Lang": "Språk", "Order": "Ordning i menyn", "Role": "Roll",
    "Template": "Sidmall", "StaffEmail": "Handläggarens e-post",
}
