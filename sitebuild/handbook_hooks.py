"""The handbook's mkdocs hooks, as an importable module.

handbook/hooks/*.py are the files mkdocs.yml names (mkdocs loads hooks by
path); each only re-exports its event from here, so tests import this code.

- on_config: publish the handbook under /handbok/ of whatever address the site
  has. mkdocs.yml reads the site's root from SIM_SITEURL (the same variable the
  site build and formsvc use); YAML cannot append a path, so this hook does.
- on_page_markdown: generate the Fältreferens page from the content schema the
  build validates with (sim_content.schema). The page's Markdown holds only a
  marker, replaced by one table per content kind, so the handbook can never
  describe fields the build does not accept (or miss ones it requires).
"""

import html

from mkdocs.exceptions import PluginError

from sim_content import schema

DEFAULT_SITE_ROOT = "http://127.0.0.1:8000"
HANDBOOK_PATH = "/handbok/"
REFERENCE_PAGE = "faltreferens.md"
MARKER = "<!-- faltreferens -->"

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
    "email": "En e-postadress, eller flera åtskilda med kommatecken",
}


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


def _data_blocks_section(schema):
    rows = "\n".join(
        f'<tr data-block="{html.escape(name)}"><td>{_code(f"<!-- infoga: {name} -->")}</td>'
        f"<td>{html.escape(description)}</td></tr>"
        for name, description in schema.DATA_BLOCKS.items()
    )
    return "\n".join((
        "## Block i sidtexten {#block}",
        "",
        f"En sida med `Template: {schema.DATA_TEMPLATE}` kan hämta uppgifter i stället för att upprepa dem. "
        "Skriv blocket på en egen rad med tomma rader runt, exakt som i tabellen. "
        "Kontaktuppgifterna kommer från `content/kontakt.toml`.",
        "",
        '<table data-blocks>',
        "<caption>Block som fylls i vid bygget</caption>",
        '<thead><tr><th scope="col">Skriv</th><th scope="col">Det här visas</th></tr></thead>',
        f"<tbody>\n{rows}\n</tbody>",
        "</table>",
        "",
    ))


def field_reference_markdown(schema):
    """Return the Markdown (with HTML tables) describing every field of every kind."""
    sections = [_kind_section(schema, kind) for kind in schema.SCHEMA]
    if getattr(schema, "DATA_BLOCKS", None):
        sections.append(_data_blocks_section(schema))
    return "\n".join(sections)


def on_page_markdown(markdown, page, config, files, **kwargs):
    if page.file.src_uri != REFERENCE_PAGE:
        return markdown
    if MARKER not in markdown:
        raise PluginError(f"{REFERENCE_PAGE} lacks the marker {MARKER}")
    return markdown.replace(MARKER, field_reference_markdown(schema))


def handbook_url(site_root):
    """Return the handbook's address for a site root such as https://example.se/."""
    root = (site_root or "").strip().rstrip("/") or DEFAULT_SITE_ROOT
    if root.endswith(HANDBOOK_PATH.rstrip("/")):
        return root + "/"
    return root + HANDBOOK_PATH


def on_config(config, **kwargs):
    config["site_url"] = handbook_url(config.get("site_url"))
    return config
