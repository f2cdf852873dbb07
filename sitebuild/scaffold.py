"""New content files for `build.py new`: today's date, a transliterated slug and
every required field filled in from schema.py, so the file builds as written."""

from datetime import timedelta
from pathlib import Path

from sim_content.headers import front_matter, read_header
from sim_content.schema import CONTENT_DIRS, SCHEMA
from sim_content.slugs import slugify

FALLBACK_AUTHOR = "SIM-redaktionen"
BODY = {
    "news": "Skriv texten här. Ändra Summary, Category och Tags i huvudet mellan ---raderna innan du publicerar.\n",
    "call": "Beskriv vad företaget får, vem som kan anmäla sig och hur urvalet går till.\n",
}


def first_author(content_dir):
    """Return the name (Title) in the first author file, or the editorial team's name."""
    for path in sorted((Path(content_dir) / CONTENT_DIRS["author"]).glob("*.md")):
        title = read_header(path).get("title")
        if title and title.value:
            return title.value
    return FALLBACK_AUTHOR


def header_values(kind, title, slug, now, author):
    """Return {key: value}: required fields, plus Slug and Tags; examples where no better value exists."""
    opens = (now + timedelta(days=7)).replace(hour=8, minute=0)
    values = {
        "Title": title,
        "Slug": slug,
        "Date": f"{now:%Y-%m-%d}",
        "Author": author,
        "Opens": f"{opens:%Y-%m-%d %H:%M}",
        "Deadline": f"{(opens + timedelta(days=30)).replace(hour=16):%Y-%m-%d %H:%M}",
    }
    wanted = [f for f in SCHEMA[kind] if f.required or f.name in ("Slug", "Tags")]
    header = {field.name: values.get(field.name, field.example) for field in wanted}
    if "Tags" in header:  # a list, as the web editor writes it
        header["Tags"] = [tag.strip() for tag in header["Tags"].split(",")]
    return header


def new_content_file(kind, title, content_dir, now, author):
    """Return (path, text) of a new "news" or "call" file; raise ValueError if the title gives no slug."""
    slug = slugify(title)
    if not slug:
        raise ValueError(title)
    name = f"{now:%Y-%m-%d}-{slug}.md" if kind == "news" else f"{slug}.md"
    path = Path(content_dir) / CONTENT_DIRS[kind] / name
    return path, front_matter(header_values(kind, title, slug, now, author), BODY[kind])
