"""A Pelican writer that leaves pages alone when nothing they show has changed.

It also remembers every `write_file`/`write_feed` call of the build together
with the source files each page showed and whose bodies it read, so a
body-only edit can re-run just the calls that involve the edited file (see
`IncrementalSite.update`).
"""

import io
import os

from pelican.writers import Writer

from preview.bodyreads import recording


class _KeyedTemplate:
    """Wraps a Jinja template: rendering is skipped when the page key is unchanged."""

    def __init__(self, template, writer, call):
        self._template = template
        self._writer = writer
        self._call = call

    def render(self, localcontext):
        writer = self._writer
        path = os.path.abspath(os.path.join(writer.output_path, localcontext["output_file"]))
        key, sources, unchanged = writer.page_key(self._template, localcontext, path)
        writer.keys[path] = key
        writer.page_sources[path] = sources
        writer.page_calls[path] = self._call
        if unchanged and not writer.already_written(path):
            writer.unchanged_paths.add(path)
            return ""
        with recording() as reads:
            html = self._template.render(localcontext)
        writer.body_reads[path] = frozenset(reads)
        return html


class SkippingWriter(Writer):
    """Writer that renders a page only if its fingerprint differs from last build's.

    `page_key(template, localcontext, path)` returns `(key, sources, unchanged)`:
    the page's fingerprint, the source paths it shows, and whether the file on
    disk already holds exactly this page. Feeds always render: they are few.
    """

    def __init__(self, output_path, settings, page_key, on_written=None):
        super().__init__(output_path, settings=settings)
        self.page_key = page_key
        self.on_written = on_written  # called with the absolute path of each file written
        self.keys = {}  # output path -> page key computed this build
        self.page_sources = {}  # output path -> tuple of frozensets of source paths
        self.page_calls = {}  # output path -> the write_file call that produced it
        self.body_reads = {}  # output path -> source paths whose bodies its render read
        self.feed_calls = []  # every write_feed call, to replay after an edit
        self.unchanged_paths = set()
        self.rendered = set()
        self.produced = set()  # every output path this build would have written
        self.skipped = 0

    def write_file(self, name, template, context, *args, **kwargs):
        call = ("file", name, template, context, args, kwargs)
        return super().write_file(name, _KeyedTemplate(template, self, call), context, *args, **kwargs)

    def write_feed(self, elements, context, *args, **kwargs):
        self.feed_calls.append((elements, context, args, kwargs))
        return super().write_feed(elements, context, *args, **kwargs)

    def replay(self, call):
        """Run a recorded write_file call again (its page keys decide what renders)."""
        _, name, template, context, args, kwargs = call
        self.write_file(name, template, context, *args, **kwargs)

    def replay_feed(self, call):
        elements, context, args, kwargs = call
        self.write_feed(elements, context, *args, **kwargs)

    def already_written(self, path):
        """True if this build wrote `path` before: Pelican's own rules must then apply."""
        return path in self._written_files or path in self._overridden_files

    def _open_w(self, filename, encoding, override=False):
        path = os.path.abspath(filename)
        if path in self.unchanged_paths:
            # The file on disk already holds this page: record the write the way
            # Pelican does (so duplicate outputs still fail) without truncating it.
            self.unchanged_paths.discard(path)
            self._written_files.add(filename)
            if override:
                self._overridden_files.add(filename)
            self.produced.add(path)
            self.skipped += 1
            return io.StringIO()
        handle = super()._open_w(filename, encoding, override=override)
        if filename != os.devnull:
            self.produced.add(path)
            self.rendered.add(path)
            if self.on_written is not None:
                return _ClosingHook(handle, lambda: self.on_written(path))
        return handle


class _ClosingHook:
    """A file handle that runs `hook` once the `with` block has closed it."""

    def __init__(self, handle, hook):
        self._handle = handle
        self._hook = hook

    def __enter__(self):
        return self._handle.__enter__()

    def __exit__(self, *exc_info):
        result = self._handle.__exit__(*exc_info)
        if exc_info[0] is None:
            self._hook()
        return result
