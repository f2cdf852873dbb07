"""The programme's contact details: one data file, content/kontakt.toml.

The plugin loads it into the setting CONTACT (so every template, and the site
manifest formsvc reads, get the same values) and a publish build refuses a
file whose required fields are empty. Errors name the file and line, in
Swedish, because the communicator fixes them.
"""

import re
import tomllib
from pathlib import Path

CONTACT_FILE = "kontakt.toml"
SECTIONS = ("program", "agare", "partner")
# Fields a published site cannot do without: who runs it, where to write.
REQUIRED = (
    "program.namn",
    "agare.namn", "agare.postadress", "agare.epost", "agare.telefon", "agare.webb",
    "partner.namn",
)


class ContactInvalid(ValueError):
    """The contact file cannot be used; str() is `path:line: message` lines."""


def contact_path(content_dir):
    return Path(content_dir) / CONTACT_FILE


def load_contact(content_dir, shown_path=None):
    """Return the contact data as a dict with the three sections plus `reply_email`.

    `reply_email` is the address people should write to: the programme's own
    mailbox when there is one, otherwise the owner's.
    """
    path = contact_path(content_dir)
    shown = shown_path or path.as_posix()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContactInvalid(f"{shown}:1: filen saknas – skapa den med avsnitten {', '.join(SECTIONS)}.") from None
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_from_message(str(error))
        raise ContactInvalid(f"{shown}:{line}: filen går inte att läsa ({error}). Kontrollera citattecken och hakparenteser.") from None
    missing = [section for section in SECTIONS if not isinstance(data.get(section), dict)]
    if missing:
        raise ContactInvalid(f"{shown}:1: avsnittet [{missing[0]}] saknas.")
    for section in SECTIONS:
        data[section].setdefault("obekraftade", [])
    data["program"].setdefault("personer", [])
    data["reply_email"] = data["program"].get("epost") or data["agare"].get("epost", "")
    return data


def missing_required(contact, content_dir):
    """Return (line, message) for every required field that is empty."""
    text = contact_path(content_dir).read_text(encoding="utf-8")
    problems = []
    for dotted in REQUIRED:
        section, key = dotted.split(".")
        if not str(contact.get(section, {}).get(key, "")).strip():
            message = f"fältet {key} i [{section}] är tomt men krävs för publicering – fyll i det."
            problems.append((_line_of(text, section, key), message))
    return problems


def unconfirmed(contact):
    """Dotted names of the values the programme has not confirmed yet."""
    return [f"{section}.{key}" for section in SECTIONS for key in contact[section].get("obekraftade", [])]


def _line_of(text, section, key):
    """Line of `key = …` inside [section], else of the section header, else 1."""
    current, section_line = None, 1
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\[\]]+)\]\s*$", line)
        if header:
            current = header.group(1).strip()
            if current == section:
                section_line = number
            continue
        if current == section and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return section_line


def _line_from_message(message):
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1
