"""Template context the theme reads: calls by state, author bios, insatsområden."""

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from pelican.urlwrappers import Author

from .calls import call_from_page, group_calls
from .front_matter_reader import FrontMatterReader
from .schema import CONTENT_DIRS

INSATSOMRADE_PREFIX = "insatsomraden/"


@dataclass
class AuthorBio:
    name: str
    role: str
    bio: Markup  # HTML
    url: str  # relative like Pelican's author.url: "nyheter/forfattare/<slug>/"
    slug: str


def is_call_source(content):
    """True for pages read from content/utlysningar/."""
    relative = content.get_relative_source_path() or ""
    return relative.replace("\\", "/").startswith(CONTENT_DIRS["call"] + "/")


def mark_call(content):
    """Give a page read from utlysningar/ the call template and the /utlysningar/<slug>/ URL."""
    if type(content).__name__ != "Page" or not is_call_source(content):
        return
    content.template = "call"
    content.is_call = True
    prefix = "DRAFT_CALL" if content.status == "draft" else "CALL"
    content.override_url = content.settings[f"{prefix}_URL"].format(slug=content.slug)
    content.override_save_as = content.settings[f"{prefix}_SAVE_AS"].format(slug=content.slug)


def collect_calls(generator):
    """Move calls out of `pages` (menus list pages) and publish them as calls_* context."""
    now = generator.settings["SIM_NOW"]
    published_calls = [page for page in generator.pages if getattr(page, "is_call", False)]
    generator.pages = [page for page in generator.pages if not getattr(page, "is_call", False)]
    # Still written and still in the sitemap (status stays "published"), just not listed as pages.
    generator.hidden_pages = generator.hidden_pages + published_calls
    calls = []
    for page in published_calls:
        page.call = call_from_page(page, generator.settings, now)
        calls.append(page.call)
    for page in generator.draft_pages:  # previewed with the call template, never listed
        if getattr(page, "is_call", False):
            page.call = call_from_page(page, generator.settings, now)
    calls_open, calls_upcoming, calls_closed = group_calls(calls)
    generator.context.update(
        pages=generator.pages,
        hidden_pages=generator.hidden_pages,
        calls=calls,
        calls_open=calls_open,
        calls_upcoming=calls_upcoming,
        calls_closed=calls_closed,
        insatsomraden=insatsomraden(generator.pages),
    )


def insatsomraden(pages):
    """Return [{title, url}] of the pages under insatsomraden/, ordered by Order then title."""
    areas = [page for page in pages if page.slug.startswith(INSATSOMRADE_PREFIX)]
    areas.sort(key=lambda page: (int(page.metadata.get("order", 1000)), page.title))
    return [{"title": page.title, "url": page.url, "slug": page.slug} for page in areas]


def read_author_bios(settings):
    """Return {name: AuthorBio} from content/forfattare/*.md, bios rendered with Pelican's Markdown reader."""
    reader = FrontMatterReader(settings)  # reads YAML front matter and Key: value headers
    bios = {}
    for path in sorted((Path(settings["PATH"]) / CONTENT_DIRS["author"]).glob("*.md")):
        html, metadata = reader.read(str(path))
        name = str(metadata["title"])
        author = Author(name, settings)
        bios[name] = AuthorBio(
            name=name, role=str(metadata.get("role", "")), bio=Markup(html),
            url=author.url, slug=author.slug,
        )
    return bios
