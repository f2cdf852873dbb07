"""Generate the Fältreferens page from the content schema the build validates with.

The page's Markdown holds only a marker; this hook replaces it with one table
per content kind taken from plugins/sim_content/schema.py, so the handbook can
never describe fields the build does not accept (or miss ones it requires).
"""

import html
import importlib.util
from pathlib import Path

from mkdocs.exceptions import PluginError

REFERENCE_PAGE = "faltreferens.md"
MARKER = "<!-- faltreferens -->"
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "plugins" / "sim_content" / "schema.py"

KIND_TITLES = {
    "news": "Nyhet",
    "call": "Utlysning",
    "page": "Sida",
    "author": "Författare",
}

VALUE_FORMATS = {
    "text": "Fri text på en rad",
    "date": "Datum: ÅÅÅÅ-MM-DD, eventuellt följt av TT:MM",
    "datetime": "Datum och klockslag i svensk tid: ÅÅÅÅ-MM-DD TT:MM",
    "choice": "Exakt ett av de tillåtna värdena",
    "list": "Flera värden åtskilda med kommatecken, eller en lista med ett värde per rad",
    "slug": "Små bokstäver a–z, siffror och bindestreck",
}


def load_schema():
    """Import schema.py by its path: the plugin package's __init__ pulls in Pelican."""
    spec = importlib.util.spec_from_file_location("sim_content_schema_for_handbook", SCHEMA_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _code(text):
    return f"<code>{html.escape(text)}</code>"


def _field_row(field):
    required = "Ja, obligatoriskt" if field.required else "Nej, valfritt"
    choices = ", ".join(_code(choice) for choice in field.choices) or "Valfritt värde i formatet"
    example = _code(f"{field.name}: {field.example}") if field.example else "–"
    cells = (
        _code(field.name),
        required,
        html.escape(VALUE_FORMATS.get(field.kind, field.kind)),
        html.escape(field.help_sv),
        choices,
        example,
    )
    body = "".join(f"<td>{cell}</td>" for cell in cells)
    return (
        f'<tr data-field="{html.escape(field.name)}" '
        f'data-required="{"yes" if field.required else "no"}">{body}</tr>'
    )


def _kind_section(schema, kind):
    title = KIND_TITLES.get(kind, kind)
    folder = schema.CONTENT_DIRS.get(kind, "")
    fields = schema.SCHEMA[kind]
    header = "".join(
        f'<th scope="col">{name}</th>'
        for name in ("Fält", "Krävs", "Format", "Vad det är", "Tillåtna värden", "Exempel")
    )
    rows = "\n".join(_field_row(field) for field in fields)
    minimal = "\n".join(("---", *(f"{f.name}: {f.example}" for f in fields if f.required), "---"))
    return "\n".join((
        f"## {title} {{#{kind}}}",
        "",
        f"Filer i `content/{folder}/`. Obligatoriska fält måste finnas, annars stoppas bygget.",
        "",
        f'<table data-kind="{html.escape(kind)}">',
        f"<caption>Fält för {title.lower()}</caption>",
        f"<thead><tr>{header}</tr></thead>",
        f"<tbody>\n{rows}\n</tbody>",
        "</table>",
        "",
        "Det minsta som behövs överst i filen:",
        "",
        "```text",
        minimal,
        "```",
        "",
    ))


def field_reference_markdown(schema):
    """Return the Markdown (with HTML tables) describing every field of every kind."""
    return "\n".join(_kind_section(schema, kind) for kind in schema.SCHEMA)


def on_page_markdown(markdown, page, config, files, **kwargs):
    if page.file.src_uri != REFERENCE_PAGE:
        return markdown
    if MARKER not in markdown:
        raise PluginError(f"{REFERENCE_PAGE} lacks the marker {MARKER}")
    return markdown.replace(MARKER, field_reference_markdown(load_schema()))
