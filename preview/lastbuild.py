"""What a body-only edit needs from the last full build: its generators and writer records."""

import os

from pelican.contents import Content

# Generator attributes that hold Content objects read from source files.
_CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                  "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def contents_of(generators):
    """Yield (generator, Content) for every object the generators read from a file."""
    for generator in generators:
        for attribute in _CONTENT_LISTS:
            for content in getattr(generator, attribute, None) or ():
                if getattr(content, "source_path", None):
                    yield generator, content


class LastBuild:
    """The generators of the last successful full build and its writer's records."""

    def __init__(self, generators, writer):
        self.generators = generators
        self.writer = writer
        self._generator_of = {os.path.abspath(c.source_path): g for g, c in contents_of(generators)}
        self._referrers = None

    def generator_of(self, path):
        """The generator that read the source file at `path` (absolute), or None."""
        return self._generator_of.get(path)

    def referrers(self, content):
        """Content objects with an attribute (a neighbour link) pointing at `content`."""
        if self._referrers is None:
            self._referrers = {}
            for _, item in contents_of(self.generators):
                for value in vars(item).values():
                    if isinstance(value, Content):
                        self._referrers.setdefault(id(value), []).append(item)
        return self._referrers.get(id(content), [])

    def merge(self, writer):
        """Fold a replay's records into this build's, page by page."""
        for records in ("keys", "page_sources", "page_calls"):
            getattr(self.writer, records).update(getattr(writer, records))
