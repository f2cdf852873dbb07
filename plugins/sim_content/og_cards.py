"""Social-card images (Open Graph, Twitter): a 1200×630 PNG for every article, call and page.

How a card is drawn: og_card_drawing.py. This module decides which cards a
build has, where they go and when they are drawn.

Cache: `OG_CARD_CACHE` (default cache/og/) holds cards named by the sha256
of CARD_VERSION, kind and title; an unchanged card is copied into the
output, never drawn again. Bump CARD_VERSION whenever the
drawing changes.

Output: og/<page path>.png (og/nyheter/<slug>.png for /nyheter/<slug>/), and
og/sim.png for pages that are not content (home, lists). Templates call the
Jinja global `og_card(content)` while rendering, which writes the card; at
`finalized` the cards of pages not rendered this time (the live preview
skips unchanged pages) are written too, so every build ends with every card.
"""

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from pelican import signals

from .og_card_drawing import CARD_SIZE, draw_into
from .og_card_workers import CardWorkers

CARD_VERSION = "1"
OUTPUT_FOLDER = "og"
SITE_CARD = "sim.png"
SITE_CARD_TITLE = "Vi hjälper industriföretag i Jämtland Härjedalen att växa"
KIND_LABELS = {"article": "Nyhet", "call": "Utlysning", "page": ""}


@dataclass(frozen=True)
class Card:
    """What a template needs for the <meta> tags."""

    url: str  # absolute
    alt: str
    width: int = CARD_SIZE[0]
    height: int = CARD_SIZE[1]


def card_path(save_as):
    """og/<path>.png for a page saved as <path>/index.html (or <path>.html)."""
    path = save_as[: -len("/index.html")] if save_as.endswith("/index.html") else save_as.rsplit(".", 1)[0]
    return f"{OUTPUT_FOLDER}/{path}.png"


def content_kind(content):
    if getattr(content, "is_call", False):
        return "call"
    return "article" if type(content).__name__ == "Article" else "page"


def card_key(title, label):
    text = "\0".join((CARD_VERSION, label, title))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def place_file(source, target):
    """Copy `source`'s bytes to `target`, which gets a fresh mtime of its own.

    Not a hard link: two pages with the same title share one cached card, and
    touching one link would touch them all, so the live preview (which knows a
    plugin's outputs by their mtime) could not tell that one of them is gone.
    """
    shutil.copyfile(source, target)


class CardMaker:
    """The Jinja global `og_card(content)`: returns the page's card tags and has the card placed in the output.

    Placing means drawing the card into the cache when it is not there, then
    copying it into the output. Between `begin_output()` (all generators
    finalized) and `write_remaining()` (finalized), that is during a whole
    render, cards wait in a list, and every BULK_CARDS of them go to worker
    processes on the other cores (og_card_workers) while Pelican renders on;
    `write_remaining()` waits for the last. Outside a whole render (the
    preview patching one page) a card is placed at once, in this process.
    """

    BULK_CARDS = 64

    def __init__(self, settings, output_path):
        self.output_path = Path(output_path)
        self.cache_dir = Path(settings.get("OG_CARD_CACHE") or Path(settings["PATH"]).parent / "cache" / "og")
        self.public_base = (settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")
        self.site_alt = settings.get("SITENAME", "SIM")
        self.wanted = {}  # card path in output → (title, label), every content item of this build
        self.written = {}  # card path → cache key placed in the output by this maker
        self.drawn = 0  # cards drawn (not found in the cache), for the benchmark
        self._pending = []  # (key, title, label, card path) not yet handed to anyone
        self._workers = None
        self._whole_render = False

    def __call__(self, content=None):
        relative, title, label = self._describe(content)
        self._publish(relative, title, label)
        alt = self.site_alt if content is None else title
        return Card(url=f"{self.public_base}/{relative}", alt=alt)

    def begin_output(self):
        """Forget the previous build's cards: the preview keeps this maker across builds, and a card
        of content that is gone (deleted, or now a scheduled draft) must not be placed again."""
        self.finish()  # a render that failed half-way may have left work behind
        self.wanted = {}
        self.written = {}
        self._whole_render = True

    def remember(self, contents):
        for content in contents:
            if getattr(content, "save_as", ""):
                relative, title, label = self._describe(content)
                self.wanted[relative] = (title, label)

    def write_remaining(self):
        """Write the cards of content whose page was not rendered this build (preview skips), then wait for all."""
        self._publish(f"{OUTPUT_FOLDER}/{SITE_CARD}", SITE_CARD_TITLE, "")
        for relative, (title, label) in sorted(self.wanted.items()):
            self._publish(relative, title, label)
        self.finish()
        self._whole_render = False

    def finish(self):
        """Return once every card asked for so far is in the output; raise what a worker raised."""
        jobs, self._pending = self._pending, []
        if self._workers is None:
            self.drawn += place_cards(self.cache_dir, self.output_path, jobs)
            return
        workers, self._workers = self._workers, None
        if jobs:
            workers.submit(jobs)
        self.drawn += workers.wait()

    def _describe(self, content):
        if content is None or not getattr(content, "save_as", ""):
            return f"{OUTPUT_FOLDER}/{SITE_CARD}", SITE_CARD_TITLE, ""
        return card_path(content.save_as), str(content.title), KIND_LABELS[content_kind(content)]

    def _publish(self, relative, title, label):
        key = card_key(title, label)
        if self.written.get(relative) == key:
            return
        self.written[relative] = key
        if not self._whole_render:
            self.drawn += place_cards(self.cache_dir, self.output_path, [(key, title, label, relative)])
            return
        self._pending.append((key, title, label, relative))
        if len(self._pending) >= self.BULK_CARDS:
            if self._workers is None:
                self._workers = CardWorkers(self.cache_dir, self.output_path)
            jobs, self._pending = self._pending, []
            self._workers.submit(jobs)


def place_cards(cache_dir, output_path, jobs):
    """Put each job's card at <output>/<card path>, drawing it into the cache first if missing.

    Runs in the build process or in a worker (og_card_workers); returns how many were drawn.
    """
    drawn = 0
    folders = set()
    for key, title, label, relative in jobs:
        cached = Path(cache_dir) / f"{key}.png"
        if not cached.exists():
            draw_into(cached, title, label)
            drawn += 1
        target = Path(output_path) / relative
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        place_file(cached, target)
    return drawn


def _on_initialized(pelican):
    pelican.settings["SIM_OG_CARDS"] = CardMaker(pelican.settings, pelican.output_path)


def _on_generator_init(generator):
    generator.env.globals["og_card"] = generator.settings["SIM_OG_CARDS"]


CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "pages", "hidden_pages",
                 "hidden_translations", "draft_pages", "draft_translations")


def _on_all_generators_finalized(generators):
    maker = generators[0].settings["SIM_OG_CARDS"]
    maker.begin_output()
    for generator in generators:
        for name in CONTENT_LISTS:
            maker.remember(getattr(generator, name, ()))


def _on_finalized(pelican):
    pelican.settings["SIM_OG_CARDS"].write_remaining()


def register():
    """Connect the card maker to Pelican; called from the plugin's register()."""
    signals.initialized.connect(_on_initialized)
    signals.generator_init.connect(_on_generator_init)
    signals.all_generators_finalized.connect(_on_all_generators_finalized)
    signals.finalized.connect(_on_finalized)
