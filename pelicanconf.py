"""Pelican settings for a local build (SITEURL empty, relative to the server root).

publishconf.py imports everything here and changes only what production needs.
Every value that differs between machines comes from an environment variable.
"""

import os
from pathlib import Path

# The plugin is an installed package (`pip install -e .`, see pyproject.toml),
# so its slug rules can be imported here, before Pelican loads plugins.
from sim_content.manifest import SIGNUP_PATH  # noqa: F401  (a setting: the form service's mount point)
from sim_content.schema import DATA_BLOCKS as data_blocks  # lower case: not a setting
from sim_content.settings_env import LOCAL_PUBLIC_SITEURL, eu_funding_period, public_siteurl
from sim_content.slugs import SLUG_SUBSTITUTIONS as slug_substitutions  # lower case: not a setting

ROOT = Path(__file__).resolve().parent

SITENAME = "SIM – Smart Industriell Modernisering"
SITEURL = ""
# Canonical links, og:url/og:image, sitemap <loc> and robots.txt must be
# absolute; every other link stays relative to SITEURL so a local build works
# on any port. Locally they name `build.py serve`'s address unless
# SIM_LOCAL_SITEURL says otherwise; publishconf.py uses SIM_SITEURL.
PUBLIC_SITEURL = public_siteurl(os.environ.get("SIM_LOCAL_SITEURL", ""), LOCAL_PUBLIC_SITEURL)
AUTHOR = "SIM-redaktionen"
DEFAULT_LANG = "sv"
LOCALE = ("sv_SE.UTF-8", "C.UTF-8", "")
TIMEZONE = "Europe/Stockholm"
# Social cards already drawn, named by a hash of what they show (see
# plugins/sim_content/og_cards.py); `build.py clean` empties it with cache/.
OG_CARD_CACHE = os.environ.get("SIM_OG_CACHE", "").strip() or str(ROOT / "cache" / "og")
# HTML of the Markdown texts of the last build (plugins/sim_content/markdown_memo.py):
# a rebuild converts only what changed. Under cache/ like the cards, which CI keeps.
# SIM_MARKDOWN_CACHE=off converts every text every time (to rule the cache out).
markdown_cache = os.environ.get("SIM_MARKDOWN_CACHE", "").strip()  # lower case: not a setting
MARKDOWN_CACHE = "" if markdown_cache == "off" else markdown_cache or str(ROOT / "cache" / "markdown.json")
EU_FUNDING_PERIOD = eu_funding_period(os.environ.get("SIM_EU_FUNDING_PERIOD", ""))
PUBLISH_MODE = False

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
THEME = str(ROOT / "theme")
THEME_STATIC_DIR = "theme"
STATIC_PATHS = ["images"]
# Author bios live in content/forfattare/ and are read by the plugin, not
# rendered as pages of their own (the author page shows them).
ARTICLE_PATHS = ["nyheter"]
PAGE_PATHS = ["sidor", "utlysningar"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = ""
DELETE_OUTPUT_DIRECTORY = False  # build.py builds into a fresh folder and swaps
READERS = {"html": None}  # only Markdown is content; stray .html files are not
IGNORE_FILES = ["**/.*", "**/README*"]

# sim_content (plugins/sim_content) is installed with the project, so Pelican
# imports it by name like the namespace plugins; no PLUGIN_PATHS needed.
# Content headers are YAML front matter (what the /admin/ editor writes);
# sim_content reads them with pelican-yaml-metadata's reader, on libyaml.
PLUGINS = ["sim_content", "pelican.plugins.sitemap", "pelican.plugins.neighbors"]
SITEMAP = {
    "format": "xml",
    "exclude": [r"^/?404\.html$", r"^/?sok/", r"/sida/\d+/"],
}

# Slugs: å/ä→a, ö→o, "/" and "." split words (see plugins/sim_content/slugs.py).
SLUG_REGEX_SUBSTITUTIONS = slug_substitutions
CATEGORY_REGEX_SUBSTITUTIONS = slug_substitutions
TAG_REGEX_SUBSTITUTIONS = slug_substitutions
AUTHOR_REGEX_SUBSTITUTIONS = slug_substitutions

# URL scheme (public contract, see README).
ARTICLE_URL = "nyheter/{slug}/"
ARTICLE_SAVE_AS = "nyheter/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "nyheter/kategori/{slug}/"
CATEGORY_SAVE_AS = "nyheter/kategori/{slug}/index.html"
TAG_URL = "nyheter/etikett/{slug}/"
TAG_SAVE_AS = "nyheter/etikett/{slug}/index.html"
AUTHOR_URL = "nyheter/forfattare/{slug}/"
AUTHOR_SAVE_AS = "nyheter/forfattare/{slug}/index.html"
CALL_URL = "utlysningar/{slug}/"  # read by the plugin for pages under utlysningar/
CALL_SAVE_AS = "utlysningar/{slug}/index.html"
# Translations use Pelican's own mechanism: a page with `Lang: en` and the same
# Slug as a Swedish page is its translation (linked both ways with hreflang);
# an English page without a Swedish twin stands alone. Every page that is not
# in Swedish lives under /en/. News has no Lang field: feeds stay Swedish.
PAGE_TRANSLATION_ID = "slug"
ARTICLE_TRANSLATION_ID = "slug"
PAGE_LANG_URL = "en/{slug}/"
PAGE_LANG_SAVE_AS = "en/{slug}/index.html"
# Names of the <!-- infoga: … --> blocks theme/templates/page_data.html fills (defined in the schema).
DATA_BLOCK_NAMES = tuple(data_blocks)
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
DRAFT_URL = "utkast/{slug}/"
DRAFT_SAVE_AS = "utkast/{slug}/index.html"
DRAFT_PAGE_URL = "utkast/sidor/{slug}/"
DRAFT_PAGE_SAVE_AS = "utkast/sidor/{slug}/index.html"
DRAFT_PAGE_LANG_URL = "utkast/en/{slug}/"
DRAFT_PAGE_LANG_SAVE_AS = "utkast/en/{slug}/index.html"
DRAFT_CALL_URL = "utkast/utlysningar/{slug}/"
DRAFT_CALL_SAVE_AS = "utkast/utlysningar/{slug}/index.html"

# Direct templates: home at /, the paginated news list (index.html) at
# /nyheter/, and the overview pages. NAME_SAVE_AS/NAME_URL per template.
DIRECT_TEMPLATES = [
    "home", "index", "calls", "search", "archives", "categories", "tags", "authors", "404",
]
HOME_SAVE_AS = "index.html"
HOME_URL = ""
INDEX_SAVE_AS = "nyheter/index.html"
INDEX_URL = "nyheter/"
CALLS_SAVE_AS = "utlysningar/index.html"
CALLS_URL = "utlysningar/"
SEARCH_SAVE_AS = "sok/index.html"
SEARCH_URL = "sok/"
ARCHIVES_SAVE_AS = "nyheter/arkiv/index.html"
ARCHIVES_URL = "nyheter/arkiv/"
CATEGORIES_SAVE_AS = "nyheter/kategori/index.html"
CATEGORIES_URL = "nyheter/kategori/"
TAGS_SAVE_AS = "nyheter/etikett/index.html"
TAGS_URL = "nyheter/etikett/"
AUTHORS_SAVE_AS = "nyheter/forfattare/index.html"
AUTHORS_URL = "nyheter/forfattare/"
globals()["404_SAVE_AS"] = "404.html"  # not a valid Python name, so set it this way
globals()["404_URL"] = "404.html"

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "category": None, "tag": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/sida/{number}/", "{base_name}/sida/{number}/index.html"),
)

# Feeds: Atom only (one format is enough for every reader), all news plus one
# per category. Everything else Pelican would write by default is switched off.
FEED_ALL_ATOM = "feeds/nyheter.atom.xml"
CATEGORY_FEED_ATOM = "feeds/kategori/{slug}.atom.xml"
FEED_ATOM = None
FEED_RSS = None
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

# Form service mount point, defined once in plugins/sim_content/manifest.py (the
# manifest carries it to formsvc); signup_url of a call is SIGNUP_URL with its slug.
SIGNUP_URL = SIGNUP_PATH + "{slug}/"
FORMSVC_URL = os.environ.get("FORMSVC_URL", "")

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}
