"""The site manifest (output/site.json): the facts the form service takes from the site.

The build is the one place that knows the site's name, its areas and
categories, the contact details, the EU funding period, where sign-ups live
and the fingerprinted names of the assets it published. It writes them next
to calls.json; formsvc reads this file instead of keeping copies, and is
deployed with the copy fetched from the live site, so the form pages link
exactly the stylesheet that site serves.
"""

import json
from pathlib import Path

from .assets import fingerprinted_name
from .contact import load_contact
from .schema import AREAS, CATEGORIES

MANIFEST_NAME = "site.json"
# Bump when a key is renamed or its meaning changes; formsvc refuses formats it does not know.
MANIFEST_FORMAT = 1
# Where the form service is mounted. pelicanconf.py turns it into the SIGNUP_PATH
# setting (and SIGNUP_URL), the build writes it to _redirects and the manifest,
# and formsvc mounts its pages and scopes its cookie under it.
SIGNUP_PATH = "/anmalan/"


def site_manifest(settings, assets):
    """The manifest as a dict; `assets` maps source paths to their published fingerprinted paths."""
    return {
        "format": MANIFEST_FORMAT,
        "site_name": settings["SITENAME"],
        "site_url": settings["SITEURL"],
        "signup_path": settings["SIGNUP_PATH"],
        "eu_funding_period": settings.get("EU_FUNDING_PERIOD", ""),
        "areas": list(AREAS),
        "categories": list(CATEGORIES),
        "contact": settings.get("CONTACT") or {},
        "static_prefix": settings["THEME_STATIC_DIR"],
        "assets": dict(sorted(assets.items())),
    }


def manifest_json(settings, assets):
    """The manifest as the bytes written to output/site.json (stable key order, so builds compare)."""
    return (json.dumps(site_manifest(settings, assets), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_manifest(output_dir, settings, assets):
    """Write output/site.json; called once every template has asked for its assets."""
    (output_dir / MANIFEST_NAME).write_bytes(manifest_json(settings, assets))


def checkout_manifest(pelicanconf_path):
    """The manifest a local build of this checkout would write, made without
    building: for tests and benchmarks that run formsvc on its own."""
    from pelican.settings import read_settings

    settings = read_settings(str(pelicanconf_path))
    settings["CONTACT"] = load_contact(settings["PATH"])
    static = Path(settings["THEME"]) / "static"
    files = (path.relative_to(static).as_posix() for path in static.rglob("*") if path.is_file())
    return manifest_json(settings, {relative: fingerprinted_name(relative, static) for relative in files})
