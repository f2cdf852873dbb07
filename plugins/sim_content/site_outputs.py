"""Files written next to the HTML: calls.json, calls.ics, robots.txt, favicon.ico and Netlify's _redirects.

The site manifest (site.json) is written later, by manifest.py, once every asset is known.
"""

import logging
from pathlib import Path

from .calls import calls_ics, calls_json
from .settings_env import formsvc_url

log = logging.getLogger(__name__)


def redirects_text(formsvc, signup_path):
    """Return Netlify _redirects proxying <signup_path>* to the form service (200 = rewrite, same origin)."""
    return f"{signup_path}*  {formsvc}{signup_path}:splat  200\n"


def robots_text(siteurl):
    """Return robots.txt allowing everything and naming the sitemap."""
    return f"User-agent: *\nDisallow:\n\nSitemap: {siteurl}/sitemap.xml\n"


class SiteFilesGenerator:
    """A Pelican generator (wired via get_generators) that writes the non-HTML files."""

    def __init__(self, context, settings, path, theme, output_path, **_ignored):
        self.context = context
        self.settings = settings
        self.output_path = Path(output_path)

    def generate_output(self, writer):
        siteurl = self.settings["SITEURL"]
        now = self.settings["SIM_NOW"]
        calls = self.context.get("calls", [])
        self._write("calls.json", calls_json(calls, siteurl, now).encode("utf-8"))
        self._write("calls.ics", calls_ics(calls, siteurl, now))
        public = self.settings.get("PUBLIC_SITEURL") or siteurl
        self._write("robots.txt", robots_text(public).encode("utf-8"))
        # Browsers ask for /favicon.ico on their own, whatever the page links.
        favicon = Path(self.settings["THEME"]) / "static" / "img" / "favicon.ico"
        if favicon.exists():
            self._write("favicon.ico", favicon.read_bytes())
        formsvc = formsvc_url(self.settings.get("FORMSVC_URL", ""))
        if formsvc:
            self._write("_redirects", redirects_text(formsvc, self.settings["SIGNUP_PATH"]).encode("utf-8"))
        elif self.settings.get("PUBLISH_MODE"):
            log.warning(
                "FORMSVC_URL is not set: no _redirects written, so %s will 404 on Netlify.",
                self.settings["SIGNUP_PATH"],
            )

    def _write(self, name, data):
        target = self.output_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
