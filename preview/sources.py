"""In-memory memo of the Content objects built from unchanged source files.

Pelican's generators ask `get_cached_data(path)` before reading a file (its
"generator" caching policy). Answering from memory with last build's object
skips Markdown parsing, metadata processing and object construction, which is
most of the cost of re-reading 2,000 posts. Keys are digests of the file's
bytes, not mtimes: two saves within one timestamp tick must count as a change.
"""

import os
import re

from preview.bodyreads import clear_memo
from preview.fingerprint import LINK_MARKERS, file_digest

_LINK_MARKER_BYTES = tuple(marker.encode() for marker in LINK_MARKERS)
# The metadata header ends at the first blank line, as in Markdown's meta extension,
# or, for YAML front matter, at its closing "---" (or "...") line.
_END_OF_HEADER = re.compile(rb"\n[ \t]*\r?\n")
_FRONT_MATTER = re.compile(rb"\A\s*^---[ \t]*\r?$.*?^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE | re.DOTALL)


class SourceMemo:
    """Content objects and source digests shared by the builds of one preview session."""

    def __init__(self):
        self._objects = {}  # absolute source path -> (digest, Content, header bytes)
        self._digests = {}  # absolute source path -> digest, valid for one build
        self._has_links = set()  # paths whose text links to other files

    def begin_build(self):
        """Forget this build's digests and Pelican's memoised HTML: sources may have changed."""
        self._digests = {}
        clear_memo()

    def install(self, generator):
        """Serve a Pelican generator's content cache from this memo."""
        base = generator.path
        context = generator.context

        def get_cached_data(relative_path, default=None):
            path = _absolute(base, relative_path)
            entry = self._objects.get(path)
            if entry is None or path in self._has_links or entry[0] != self.digest(path):
                return default
            content = entry[1]
            content._context = context  # the object must see this build's registries
            return content

        def cache_data(relative_path, content):
            self.remember(_absolute(base, relative_path), content)

        generator.get_cached_data = get_cached_data
        generator.cache_data = cache_data

    def remember(self, path, content):
        """Record `content` as what the file at `path` currently holds."""
        self._objects[path] = (self.digest(path), content, header_bytes(path))

    def known(self, path):
        """(Content, header bytes) last read from `path`, or None if it is unknown or links elsewhere."""
        entry = self._objects.get(path)
        if entry is None or path in self._has_links:
            return None
        return entry[1], entry[2]

    def digest(self, path):
        """Digest of a source file's bytes this build, or None when it cannot be read."""
        if not path:
            return None
        if path not in self._digests:
            try:
                data = _read(path)
            except OSError:
                self._digests[path] = None
                return None
            self._digests[path] = file_digest(data)
            if any(marker in data for marker in _LINK_MARKER_BYTES):
                self._has_links.add(path)
            else:
                self._has_links.discard(path)
        return self._digests[path]


def header_bytes(path):
    """The metadata header of a content file, as bytes (b"" if it cannot be read)."""
    try:
        data = _read(path)
    except OSError:
        return b""
    front_matter = _FRONT_MATTER.match(data)
    if front_matter:
        return data[: front_matter.end()]
    match = _END_OF_HEADER.search(data)
    return data[: match.start()] if match else data


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _absolute(base, relative_path):
    return os.path.abspath(os.path.join(base, relative_path))
