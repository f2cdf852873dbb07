"""The HTML of every Markdown text converted before, kept in the build cache between builds.

Markdown is the larger part of reading the content (each post's body and its
summary); in a CI rebuild almost every text is the same as last time. The HTML
depends only on the text, the MARKDOWN settings and the Markdown version, so
the file is keyed by those and an entry by a digest of the text. A text that
shows a content image is the exception (its HTML carries the image's size) and
is converted every time. JSON, not
pickle: the cache folder is restored from outside (Netlify's build cache), and
loading it must not run code. A file that does not load is ignored.
"""

import hashlib
import json
import logging
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger(__name__)

IMAGE_FOLDER = "images/"
_memos = {}  # path -> MarkdownMemo, one per process and cache file


def digest(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def flavour_of(markdown_settings):
    """What else the HTML depends on: the settings and the library's version.

    Pelican's Markdown reader adds the configured extensions and `meta` to the
    settings' extension list when it starts, and the front matter reader drops
    `meta` again; both forms must give the same flavour.
    """
    extensions = {name if isinstance(name, str) else repr(name)
                  for name in (*markdown_settings.get("extensions", ()), *markdown_settings.get("extension_configs", ()))}
    extensions.discard("markdown.extensions.meta")
    described = json.dumps(dict(markdown_settings, extensions=sorted(extensions)), sort_keys=True, default=repr)
    return digest(f"{version('markdown')}\0{described}")


class MarkdownMemo:
    """{digest of a Markdown text: its HTML} read from and saved to `path`."""

    def __init__(self, path, flavour):
        self.path = Path(path)
        self.flavour = flavour
        self.html = self._load()
        self.used = set()
        self.converted = 0

    def _load(self):
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("flavour") == self.flavour and isinstance(stored.get("html"), dict):
                return stored["html"]
        except (OSError, ValueError, AttributeError):
            pass
        return {}

    def begin(self):
        """A new build: from now on, count what it uses."""
        self.used = set()
        self.converted = 0

    def absorb(self, converted):
        """Add {digest: HTML} converted elsewhere (markdown_ahead); texts the memo has keep theirs."""
        for key, html in converted.items():
            self.html.setdefault(key, html)
        self.converted += len(converted)

    def convert(self, convert, text):
        """The HTML of `text`, from the memo or by `convert(text)` (a Markdown instance's bound convert)."""
        if IMAGE_FOLDER in text:
            # The HTML of a content image carries the file's size (images.py), which
            # can change while the text stays the same: convert such texts every time.
            return convert(text)
        key = digest(text)
        self.used.add(key)
        html = self.html.get(key)
        if html is None:
            html = self.html[key] = convert(text)
            self.converted += 1
        return html

    def save(self):
        """Keep what this build used (texts since deleted drop out), written aside and renamed."""
        if not self.converted and len(self.html) == len(self.used):
            return
        self.html = {key: html for key, html in self.html.items() if key in self.used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"flavour": self.flavour, "html": self.html}, file, ensure_ascii=False)
            os.replace(temporary, self.path)
        except OSError as error:  # a full disk only costs the next build time
            log.warning("Could not save the Markdown cache %s: %s", self.path, error)
            Path(temporary).unlink(missing_ok=True)


def memo_for(settings):
    """The memo for these settings' MARKDOWN_CACHE file, or None when it is not set (the preview)."""
    path = settings.get("MARKDOWN_CACHE")
    if not path:
        return None
    flavour = flavour_of(settings["MARKDOWN"])
    memo = _memos.get(path)
    if memo is None or memo.flavour != flavour:
        memo = _memos[path] = MarkdownMemo(path, flavour)
    return memo


def save_after_build(settings):
    memo = memo_for(settings)
    if memo is not None:
        memo.save()
