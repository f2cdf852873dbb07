"""Which saves can be patched into the warm content model instead of rebuilt.

- "body": the metadata header is byte-identical, so only the HTML body changed.
- "text": a news post's Title and/or Summary changed and nothing else in the
  header did. With an explicit Slug the URL, order, neighbours, categories,
  tags and sitemap stay the same; only pages showing the post change.

Anything else (a date, category, slug, a new or deleted file, pages and calls,
whose titles also feed menus and calls.json) takes the full incremental build.
"""

import re

from pelican.contents import Article

TEXT_FIELDS = frozenset({"title", "summary"})
_KEY_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.*?)\s*$")


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


def apply_edit(content, fresh, kind):
    """Copy what a save changed from a freshly read object onto the one every list holds."""
    content._content = fresh._content
    if kind == "text":
        content.title = fresh.title
        for key in TEXT_FIELDS:
            if key in fresh.metadata:
                content.metadata[key] = fresh.metadata[key]
        if hasattr(fresh, "_summary"):
            content._summary = fresh._summary
