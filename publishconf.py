"""Pelican settings for production (`python build.py build --publish`, run by Netlify).

SIM_SITEURL is the public address without a trailing slash. The default is a
neutral placeholder under the reserved .example domain, so a forgotten
variable yields obviously wrong links instead of pointing at someone's real site.

pelicanconf is imported as a sibling module: build.py runs from the
repository root, which Python puts first on sys.path for a script.
"""

import os

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SIM_SITEURL", "https://sim.example.se").strip().rstrip("/")
FEED_DOMAIN = SITEURL
PUBLIC_SITEURL = public_siteurl(SITEURL, SITEURL)  # noqa: F405  (validates SIM_SITEURL)
RELATIVE_URLS = False
PUBLISH_MODE = True
# Drafts (Status: draft) are previewed locally under /utkast/ but never
# published: an empty SAVE_AS makes Pelican skip writing them.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
DRAFT_CALL_SAVE_AS = ""
