"""The site manifest (site.json) the site build writes next to calls.json.

formsvc keeps no copy of the site's facts: its name and address, the areas a
company can pick, the contact details, the EU funding period, where sign-ups
are mounted and the fingerprinted names of the deployed stylesheet and icons
all come from here. In production the file is fetched from the deployed site
together with calls.json (handbook: Drift), so the form pages link exactly
the assets that site serves.

Without a usable manifest at start the service refuses to start: it could
not know its own address or the form's choices, and an operator sees the
problem at deploy time rather than from unstyled pages. Once running, a new
file is picked up on the next request; a broken or vanished one keeps the
last good copy (logged), as calls.json does.
"""

import logging
from dataclasses import dataclass

from .watched import WatchedJson

KNOWN_FORMAT = 1
PRODUCE_IT = (
    "build the site (`python build.py`, which writes output/site.json) or fetch /site.json "
    "from the deployed site next to calls.json, or point FORMSVC_SITE_MANIFEST at the file"
)

log = logging.getLogger(__name__)


class ManifestUnavailable(RuntimeError):
    """The manifest cannot be used; str() says which file and how to produce it."""


@dataclass(frozen=True)
class Manifest:
    site_name: str
    site_url: str
    signup_path: str
    eu_funding_period: str
    areas: tuple
    contact: dict
    static_prefix: str
    assets: dict

    def asset(self, path):
        """The published address of a theme file, e.g. 'css/site.css' → '/theme/css/site.<hash>.css'."""
        path = path.lstrip("/")
        published = self.assets.get(path)
        if published is None:
            # Linking the plain name would 404 on the site (only fingerprinted copies are published).
            log.error("asset %s is not in the site manifest; rebuild the site so the manifest lists it", path)
            published = path
        return f"{self.site_url}/{self.static_prefix}/{published}"


# What the shared footer (theme/templates/partials/footer.html) reads from the contact data.
FOOTER_CONTACT_SECTIONS = ("program", "agare", "partner")


def parse_manifest(document):
    """A Manifest from the decoded JSON; ValueError/KeyError/TypeError when it is unusable."""
    if not isinstance(document, dict):
        raise TypeError(f"expected a JSON object, got {type(document).__name__}")
    if document.get("format") != KNOWN_FORMAT:
        raise ValueError(f"manifest format {document.get('format')!r}, this formsvc reads format {KNOWN_FORMAT}")
    signup_path = document["signup_path"]
    if not (isinstance(signup_path, str) and signup_path.startswith("/") and signup_path.endswith("/")):
        raise ValueError(f"signup_path {signup_path!r} must start and end with /")
    areas = tuple(document["areas"])
    if not areas or not all(isinstance(area, str) and area for area in areas):
        raise ValueError("areas must be a non-empty list of names")
    contact = document["contact"]
    missing = [section for section in FOOTER_CONTACT_SECTIONS if not isinstance(contact.get(section), dict)]
    if missing:
        raise ValueError(f"contact lacks the section(s) {', '.join(missing)} the page footer shows")
    assets = dict(document["assets"])
    if not all(isinstance(value, str) for value in assets.values()):
        raise TypeError("assets must map file names to file names")
    return Manifest(
        site_name=str(document["site_name"]),
        site_url=str(document["site_url"]).rstrip("/"),
        signup_path=signup_path,
        eu_funding_period=str(document.get("eu_funding_period") or ""),
        areas=areas,
        contact=dict(contact),
        static_prefix=str(document["static_prefix"]).strip("/"),
        assets=assets,
    )


class SiteManifest(WatchedJson):
    """site.json, read at start (or the service refuses to start) and re-read when it changes."""

    def __init__(self, path):
        super().__init__(path, parse_manifest, "site manifest")
        first = self.current()
        if first is None:
            raise ManifestUnavailable(f"site manifest {path} is missing or invalid (see the log): {PRODUCE_IT}")
        self.signup_path = first.signup_path

    def current(self):
        manifest = super().current()
        moved = manifest is not None and getattr(self, "signup_path", manifest.signup_path) != manifest.signup_path
        if moved and manifest is not getattr(self, "_warned_about", None):
            # Routes and the cookie path are fixed when the app is made.
            self._warned_about = manifest
            log.warning("site manifest moved sign-ups to %s; restart formsvc to serve them there (still %s)",
                        manifest.signup_path, self.signup_path)
        return manifest
