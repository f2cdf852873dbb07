"""Pelican settings for production (`python build.py build --publish`, run by Netlify).

SIM_SITEURL is the public address without a trailing slash. The default is a
neutral placeholder under the reserved .example domain, so a forgotten
variable yields obviously wrong links instead of pointing at someone's real site.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SIM_SITEURL", "https://sim.example.se").strip().rstrip("/")
FEED_DOMAIN = SITEURL
PUBLIC_SITEURL = public_siteurl(SITEURL, SITEURL)  # noqa: F405  (validates SIM_SITEURL)
RELATIVE_URLS = False
PUBLISH_MODE = True
# Drafts (Status: draft) are previewed locally under /utkast/ but never
# published: an empty SAVE_AS makes Pelican skip writing them.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_CALL_SAVE_AS = ""
