"""What a saved source file holds, and which saves can be patched into the warm content model.

Files are identified by digests of their bytes, not mtimes: two saves within
one timestamp tick must count as a change.

Saves the engine patches in place instead of rebuilding:

- "body": the metadata header is byte-identical, so only the HTML body changed.
- "text": a news post's Title and/or Summary changed and nothing else in the
  header did. With an explicit Slug the URL, order, neighbours, categories,
  tags and sitemap stay the same; only pages showing the post change.

Anything else (a date, category, slug, a new or deleted file, pages and calls,
whose titles also feed menus and calls.json) takes the full incremental build.
"""

import hashlib
import re

from pelican.contents import Article

TEXT_FIELDS = frozenset({"title", "summary"})
# Markers of intra-site links, whose target URLs come from other files.
LINK_MARKERS = ("{filename}", "|filename|", "{static}", "|static|", "{attach}",
                "{category}", "{tag}", "{author}", "{index}")
_LINK_MARKER_BYTES = tuple(marker.encode() for marker in LINK_MARKERS)
# The metadata header ends at the first blank line, as in Markdown's meta extension,
# or, for YAML front matter, at its closing "---" (or "...") line.
_END_OF_HEADER = re.compile(rb"\n[ \t]*\r?\n")
_KEY_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.*?)\s*$")
_FRONT_MATTER = re.compile(rb"\A\s*^---[ \t]*\r?$.*?^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE | re.DOTALL)


def digest_text(text):
    """Short hex digest of a string."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def file_digest(data):
    """Digest of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SourceFiles:
    """Digests of source files as they are now, read at most once per build."""

    def __init__(self):
        self._digests = {}  # absolute path -> digest, or None if unreadable
        self._linking = set()  # paths whose text links to other files

    def forget(self):
        """Start a new build: any file may have changed since the last one."""
        self._digests = {}

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
                self._linking.add(path)
            else:
                self._linking.discard(path)
        return self._digests[path]

    def links_elsewhere(self, path):
        """True if the file's text (as last digested) links to another file, whose URL may move."""
        return path in self._linking


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


def parse_header(header):
    """{lower-case key: value} of a header (bytes), or None if it uses continuation lines."""
    fields = {}
    for line in header.decode("utf-8-sig", errors="replace").splitlines():
        if line.strip() == "---":  # a YAML front matter fence
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        fields[match.group(1).lower()] = match.group(2)
    return fields


def classify(content, old_header, new_header):
    """Return "body", "text" or None (needs a full incremental build) for one saved file."""
    if new_header == old_header:
        return "body"
    if not isinstance(content, Article):
        return None
    old, new = parse_header(old_header), parse_header(new_header)
    if old is None or new is None or "slug" not in new or set(old) != set(new):
        return None
    changed = {key for key in new if new[key] != old[key]}
    if changed <= TEXT_FIELDS and all(new[key] for key in changed):
        return "text"
    return None


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()
