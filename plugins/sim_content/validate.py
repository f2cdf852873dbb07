"""Check every content file against schema.py and report ALL problems at once.

Each problem is reported as `path:line: message` (path relative to the repo,
line of the offending header key, line 1 for a missing key), in Swedish
because the communicator reads it, and says how to fix it.
"""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .headers import FrontMatterInvalid, read_header
from .manifest import SIGNUP_PATH
from .schema import (
    CONTENT_DIRS, DATA_BLOCK_MARKER, DATA_BLOCKS, DATA_TEMPLATE, DEFAULT_LANG, EMAIL_LIST_PATTERN,
    TRANSLATED_URL_PREFIX, fields,
)
from .slugs import slugify
from .timeutil import NonexistentLocalTime, parse_local, parse_local_datetime

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATA_BLOCK = re.compile(DATA_BLOCK_MARKER)
# First path segments the site itself uses: a page slug there would shadow them.
RESERVED_PAGE_SLUGS = frozenset({
    "nyheter", "utlysningar", "sok", "handbok", SIGNUP_PATH.strip("/"), "feeds", "theme",
    "images", "pagefind", "utkast", "calls.json", "calls.ics", "sitemap.xml", "robots.txt",
    TRANSLATED_URL_PREFIX,
})
# Addresses the form service uses below SIGNUP_PATH: a call slug there would never get its form.
RESERVED_CALL_SLUGS = frozenset({"synpunkter", "tack", "health"})
URL_PATTERNS = {
    "news": "/nyheter/{slug}/",
    "call": "/utlysningar/{slug}/",
    "page": "/{slug}/",
    "author": "/nyheter/forfattare/{slug}/",
}
DATE_HINT = {"date": "ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM", "datetime": "ÅÅÅÅ-MM-DD TT:MM"}


@dataclass(frozen=True, order=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """Raised by the build when content has errors; str() lists them one per line."""

    def __init__(self, errors):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __reduce__(self):
        # Pelican runs in a child process (sitebuild/child_process.py): rebuild
        # from the errors, not from the joined message Exception would pickle.
        return (type(self), (self.errors,))


@dataclass
class _File:
    kind: str
    path: Path
    shown: str  # path as printed
    header: dict


def content_files(content_dir, root):
    """Yield (kind, path, shown path) for each Markdown file in the content folders."""
    content_dir, root = Path(content_dir), Path(root)
    for kind, folder in CONTENT_DIRS.items():
        for path in sorted((content_dir / folder).rglob("*.md")):
            try:
                shown = path.relative_to(root).as_posix()
            except ValueError:
                shown = path.as_posix()
            yield kind, path, shown


def validate_content(content_dir, root):
    """Return every ContentError in `content_dir` (paths shown relative to `root`)."""
    files, errors = [], []
    for kind, path, shown in content_files(content_dir, root):
        try:
            files.append(_File(kind, path, shown, read_header(path)))
        except UnicodeDecodeError:
            errors.append(ContentError(shown, 1, "Filen är inte sparad som UTF-8 – spara om den som UTF-8 i din editor."))
        except FrontMatterInvalid as invalid:
            errors.append(ContentError(shown, invalid.line, (
                f"Huvudet mellan ---raderna går inte att läsa ({invalid}) – skriv varje fält som "
                "\"Namn: värde\" på en egen rad och sätt värdet inom citattecken om det innehåller "
                "kolon, t.ex. Title: \"SIM: en satsning\"."
            )))
    author_names = {
        f.header["title"].value for f in files if f.kind == "author" and "title" in f.header
    }
    for f in files:
        errors.extend(_check_file(f, author_names))
    errors.extend(_check_unique_urls(files))
    return sorted(errors)


def _sentence(*parts):
    """Join the non-empty parts of a message with dashes, as one line."""
    return " – ".join(part for part in parts if part)


def _did_you_mean(word, options):
    lowered = {option.lower(): option for option in options}
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"menade du \"{lowered[matches[0]]}\"?" if matches else ""


def _check_file(f, author_names):
    known = fields(f.kind)
    error = lambda line, message: ContentError(f.shown, line, message)  # noqa: E731
    found = []
    for key, entry in f.header.items():
        if key not in known:
            names = [field.name for field in known.values()]
            found.append(error(entry.line, _sentence(
                f"Okänt fält \"{entry.key}\"",
                _did_you_mean(entry.key, names),
                f"tillåtna fält här är {', '.join(names)}; rätta namnet eller ta bort raden.",
            )))
    for key, field in known.items():
        entry = f.header.get(key)
        if entry is None:
            if field.required:
                found.append(error(1, (
                    f"Fältet \"{field.name}\" saknas – lägg till en rad \"{field.name}: {field.example}\" "
                    "i huvudet överst i filen (mellan ---raderna)."
                )))
            continue
        if not entry.value:
            if field.required:
                found.append(error(entry.line, (
                    f"Fältet \"{field.name}\" är tomt – skriv ett värde efter kolonet, "
                    f"t.ex. \"{field.name}: {field.example}\"."
                )))
            continue
        problem = _check_value(f.kind, field, entry.value, author_names)
        if problem:
            found.append(error(entry.line, f"{field.name}: \"{entry.value}\" {problem}"))
    if f.kind == "call":
        found.extend(_check_call_period(f))
        found.extend(_check_call_slug(f))
    if f.kind == "page":
        found.extend(_check_page_language_and_blocks(f))
    return found


def _check_page_language_and_blocks(f):
    """An English page and a page with data blocks need the data template; blocks must be known."""
    found = []
    template = f.header.get("template")
    uses_data_template = template is not None and template.value == DATA_TEMPLATE
    lang = f.header.get("lang")
    if lang is not None and lang.value and lang.value != DEFAULT_LANG and not uses_data_template:
        found.append(ContentError(f.shown, lang.line, (
            f"Lang: \"{lang.value}\" kräver raden \"Template: {DATA_TEMPLATE}\" i huvudet – "
            "annars märks sidan som svensk för skärmläsare och sökmotorer."
        )))
    for line, written, name in data_block_lines(f.path):
        if name not in DATA_BLOCKS:
            found.append(ContentError(f.shown, line, _sentence(
                f"Okänt block \"{name}\"",
                _did_you_mean(name, DATA_BLOCKS),
                f"tillåtna block är {', '.join(DATA_BLOCKS)}.",
            )))
        elif written != f"<!-- infoga: {name} -->":
            found.append(ContentError(f.shown, line, (
                f"Skriv blocket exakt som \"<!-- infoga: {name} -->\" på en egen rad, annars fylls det inte i."
            )))
        elif not uses_data_template:
            found.append(ContentError(f.shown, line, (
                f"Blocket \"{name}\" fylls bara i med raden \"Template: {DATA_TEMPLATE}\" i huvudet – lägg till den."
            )))
    return found


def data_block_lines(path):
    """Yield (line number, stripped line, block name) for every data-block marker in a file."""
    text = Path(path).read_text(encoding="utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DATA_BLOCK.search(line)
        if match:
            yield number, line.strip(), match.group("name")


def _check_value(kind, field, value, author_names):
    """Return the Swedish complaint about one value, or None if it is fine."""
    if field.kind in DATE_HINT:
        parse = parse_local_datetime if field.kind == "datetime" else parse_local
        try:
            parse(value)
        except NonexistentLocalTime:
            return ("finns inte i svensk tid (klockan ställs fram en timme den natten) – "
                    "välj en tid före 02:00 eller från 03:00")
        except ValueError:
            if field.kind == "datetime" and _is_date(value):
                return f"saknar klockslag – skriv {DATE_HINT['datetime']}, t.ex. \"{value.strip()} 16:00\""
            return f"är inte ett giltigt datum – skriv {DATE_HINT[field.kind]}"
    elif field.kind == "choice" and value not in field.choices:
        return _sentence(
            "finns inte bland de tillåtna värdena",
            _did_you_mean(value, field.choices),
            f"välj ett av: {', '.join(field.choices)}.",
        )
    elif field.kind == "slug":
        segments = value.split("/") if kind == "page" else [value]
        if not all(_SLUG.match(segment) for segment in segments):
            allowed = "små bokstäver a–z, siffror och bindestreck" + (" (och / mellan delar)" if kind == "page" else "")
            return f"får bara innehålla {allowed} – skriv t.ex. \"{slugify(value) or 'min-sida'}\"."
        if kind == "page" and segments[0] in RESERVED_PAGE_SLUGS:
            return f"krockar med webbplatsens egen adress /{segments[0]}/ – välj en annan Slug."
    elif field.name == "Author" and value not in author_names:
        return _sentence(
            "finns inte i content/forfattare/",
            _did_you_mean(value, sorted(author_names)),
            "skriv namnet exakt som Title i författarfilen, eller lägg till en fil för personen.",
        )
    elif field.name == "Order" and not re.fullmatch(r"-?\d+", value):
        return "är inget heltal – skriv t.ex. 10."
    elif field.kind == "email" and not re.fullmatch(EMAIL_LIST_PATTERN, value):
        return (f"är ingen e-postadress – skriv en adress som \"{field.example}\", "
                "eller flera åtskilda med kommatecken, utan namn eller <>.")
    return None


def _is_date(value):
    try:
        parse_local(value, ("%Y-%m-%d",))
    except ValueError:
        return False
    return True


def _check_call_period(f):
    opens, deadline = f.header.get("opens"), f.header.get("deadline")
    if not (opens and deadline):
        return []
    try:
        opens_at, deadline_at = parse_local_datetime(opens.value), parse_local_datetime(deadline.value)
    except ValueError:
        return []  # already reported as an unparsable date
    if deadline_at > opens_at:
        return []
    return [ContentError(f.shown, deadline.line, (
        f"Deadline: \"{deadline.value}\" är inte efter Opens (\"{opens.value}\") – "
        "sista anmälningstiden måste ligga efter att anmälan öppnar."
    ))]


def _check_call_slug(f):
    slug = content_slug(f.header)
    if slug not in RESERVED_CALL_SLUGS:
        return []
    where = f.header.get("slug") or f.header.get("title")
    return [ContentError(f.shown, where.line if where else 1, (
        f"Utlysningens adress \"{slug}\" krockar med formulärtjänstens egen sida {SIGNUP_PATH}{slug}/ – "
        "ge utlysningen en annan Slug."
    ))]


def content_slug(header):
    """Return the slug Pelican will use for a file with this header."""
    if "slug" in header and header["slug"].value:
        return header["slug"].value
    return slugify(header["title"].value) if "title" in header else ""


def _check_unique_urls(files):
    first_owner = {}
    found = []
    for f in files:
        slug = content_slug(f.header)
        if not slug:
            continue
        url = URL_PATTERNS[f.kind].format(slug=slug)
        lang = f.header.get("lang")
        if f.kind == "page" and lang is not None and lang.value and lang.value != DEFAULT_LANG:
            url = f"/{TRANSLATED_URL_PREFIX}{url}"
        if url not in first_owner:
            first_owner[url] = f.shown
            continue
        where = f.header.get("slug") or f.header.get("title")
        found.append(ContentError(f.shown, where.line if where else 1, (
            f"Adressen {url} används redan av {first_owner[url]} – "
            "ge filen en egen Slug (eller en annan Title) så att adressen blir unik."
        )))
    return found
