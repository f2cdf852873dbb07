"""The only module that reaches into Pelican's (and its plugins') internals.

The preview drives Pelican's generators itself instead of calling
`Pelican.run`, so it depends on details Pelican does not promise to keep.
Each touch point below carries a "Relies on" comment naming the detail;
all of them were checked against pelican 4.12.0 (with pelican-sitemap 1.2.2,
pelican-neighbors 1.2.0 and blinker 1.9.0). After a Pelican upgrade, re-check
exactly these comments, then run tests/preview: they compare the preview with
a full build byte for byte.
"""

import io
import logging
import os
import threading
from contextlib import contextmanager
from importlib.metadata import version
from typing import NamedTuple

from pelican import Pelican
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.plugins import signals
from pelican.utils import clean_output_dir
from pelican.writers import Writer

# The one import of the site build's Pelican runner; everything in preview/ takes these from here.
from sitebuild.pelican_run import PelicanReportedErrors, load_settings, pelican_errors  # noqa: F401

PELICAN_VERSION_CHECKED = "4.12.0"
logger = logging.getLogger(__name__)

# Relies on: Content keeps the raw HTML body in `_content` (templates that
# touch it bypass get_content), a Summary header in `_summary`, and a
# back-reference to the build's shared context in `_context`. None of them is
# output by itself: a fingerprint covers them through the source file.
RAW_BODY_ATTRIBUTE = "_content"
CONTENT_INTERNALS = frozenset({"_context", "settings", "_content", "_summary"})

# Relies on: the generators keep every Content object they read from a file
# in these list attributes (ArticlesGenerator and PagesGenerator, 4.12.0).
_CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                  "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def preview_settings(settings):
    """Settings for a warm preview: Pelican's content cache and the build's Markdown cache
    would only add disk I/O to the engine's own, which keeps read content in memory."""
    return dict(settings, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False, MARKDOWN_CACHE="")


# --- Which bodies a render reads -------------------------------------------------

_recorder = threading.local()
# Relies on: `Content.get_content` is a `pelican.utils.memoized` descriptor
# (its `.cache` dict is keyed by (self, siteurl)), and both the `content`
# property and `get_summary` (when no Summary header exists) go through it.
_memoised_get_content = Content.__dict__["get_content"]


def _recording_get_content(self, siteurl):
    reads = getattr(_recorder, "reads", None)
    if reads is not None:
        reads.add(self.source_path)
    return _memoised_get_content.__get__(self, type(self))(siteurl)


# Code that clears the memo through `Content.get_content.cache` keeps working.
_recording_get_content.cache = _memoised_get_content.cache


def install_body_read_recorder():
    """Route Content.get_content through the recorder (idempotent; costs nothing outside `recording_body_reads`)."""
    if Content.__dict__["get_content"] is not _recording_get_content:
        Content.get_content = _recording_get_content


@contextmanager
def recording_body_reads():
    """Collect, in this thread, the source paths whose bodies are read inside the block."""
    reads = set()
    previous = getattr(_recorder, "reads", None)
    _recorder.reads = reads
    try:
        yield reads
    finally:
        _recorder.reads = previous


def forget_rendered_bodies():
    """Drop Pelican's memoised HTML bodies and summaries (a link target may have moved).

    Relies on: `get_summary` is memoised the same way as `get_content`.
    """
    _memoised_get_content.cache.clear()
    Content.get_summary.cache.clear()


# --- Content objects -------------------------------------------------------------

def copy_saved_text(content, fresh, fields):
    """Copy the body, and the header `fields` that changed, from a freshly read object onto `content`.

    Relies on: the body lives in `_content`, the title in `title` and
    `metadata["title"]`, an explicit Summary in `_summary` and
    `metadata["summary"]` (see `Content.__init__` and
    `refresh_metadata_intersite_links`).
    """
    content._content = fresh._content
    if not fields:
        return
    if "title" in fields:
        content.title = fresh.title
    for key in fields:
        if key in fresh.metadata:
            content.metadata[key] = fresh.metadata[key]
    if "summary" in fields and hasattr(fresh, "_summary"):
        content._summary = fresh._summary


def raw_body(content):
    return getattr(content, RAW_BODY_ATTRIBUTE, "") or ""


# --- One build, phase by phase ---------------------------------------------------

def start_pelican(settings):
    """A Pelican object for the engine's first build.

    Relies on: `Pelican.__init__` loads the plugins and sends `initialized`
    once, which our plugin uses to validate all content and fix "now".
    """
    warning = version_warning(version("pelican"))
    if warning:
        logger.warning(warning)
    return Pelican(settings)


def version_warning(installed):
    """A warning if the installed Pelican is not the one these touch points were checked against."""
    if installed == PELICAN_VERSION_CHECKED:
        return None
    return (f"the preview was checked against Pelican {PELICAN_VERSION_CHECKED}, installed is {installed}: "
            "if pages differ from `build.py build`, re-check the 'Relies on' notes in preview/pelican_adapter.py")


def restart_plugins(pelican):
    """Send `initialized` again, as a fresh Pelican would, before each later build.

    Relies on: our plugin's `initialized` handler replaces `SIM_ASSETS` (an
    AssetFingerprinter whose `used` dict maps theme files to the
    fingerprinted names pages asked for) and resets pelican-sitemap's
    module-level state. A page the engine skips does not ask for its assets,
    so the names earlier builds handed out are carried over; the theme cannot
    change within one engine (a theme change starts a new one).
    """
    assets_before = pelican.settings.get("SIM_ASSETS")
    signals.initialized.send(pelican)
    assets_after = pelican.settings.get("SIM_ASSETS")
    if assets_before is not None and assets_after is not None and assets_before is not assets_after:
        for source, target in getattr(assets_before, "used", {}).items():
            assets_after.used.setdefault(source, target)


def clean_output(settings, output_path, keep):
    """Empty the output folder as Pelican's DELETE_OUTPUT_DIRECTORY would, keeping `keep` and OUTPUT_RETENTION."""
    if os.path.isdir(output_path):
        clean_output_dir(output_path, list(keep) + list(settings.get("OUTPUT_RETENTION", [])))


class SourceCache(NamedTuple):
    """The engine's answers to a generator's content cache, by absolute source path.

    lookup(generator, path) -> the Content to reuse, or None to read the file;
    store(generator, path, content) after a file was read.
    """

    lookup: object
    store: object


class PelicanBuild:
    """Pelican.run's phases, split so the engine can serve unchanged files and skip unchanged pages.

    Relies on: `Pelican.run` in 4.12.0 — a context copied from the settings
    with the shared registries below, generators from
    `Pelican._get_generator_classes()`, then generate_context /
    check_disabled_readers, `all_generators_finalized`,
    refresh_metadata_intersite_links, generate_output(writer), `finalized`.
    """

    def __init__(self, pelican, settings, output_path):
        self.pelican = pelican
        context = settings.copy()
        context["generated_content"] = {}
        context["static_links"] = set()
        context["static_content"] = {}
        context["localsiteurl"] = settings["SITEURL"]
        self.context = context
        self.generators = [
            cls(context=context, settings=settings, path=pelican.path, theme=pelican.theme, output_path=output_path)
            for cls in pelican._get_generator_classes()
        ]
        if not any(isinstance(g, ArticlesGenerator) for g in self.generators) or not any(
            isinstance(g, PagesGenerator) for g in self.generators
        ):
            raise RuntimeError("Pelican produced no article or page generator")

    def read(self, cache):
        """The reading phase, with each generator's content cache answered by `cache` (a SourceCache)."""
        for generator in self.generators:
            if hasattr(generator, "get_cached_data"):
                _serve_content_cache(generator, cache)
        for generator in self.generators:
            if hasattr(generator, "generate_context"):
                generator.generate_context()
            if hasattr(generator, "check_disabled_readers"):
                generator.check_disabled_readers()
        signals.all_generators_finalized.send(self.generators)
        for generator in self.generators:
            if hasattr(generator, "refresh_metadata_intersite_links"):
                generator.refresh_metadata_intersite_links()

    def write(self, writer):
        for generator in self.generators:
            if hasattr(generator, "generate_output"):
                generator.generate_output(writer)
        signals.finalized.send(self.pelican)

    def contents(self):
        """Yield (absolute source path, generator, Content) for every object read from a file."""
        for generator in self.generators:
            for attribute in _CONTENT_LISTS:
                for content in getattr(generator, attribute, None) or ():
                    if getattr(content, "source_path", None):
                        yield os.path.abspath(content.source_path), generator, content

    def reread(self, generator, path, content_class):
        """Read one source file again into a new object, with this build's context.

        Relies on: `Readers.read_file(base_path, path, content_class, context)`.
        """
        return generator.readers.read_file(base_path=generator.path, path=path, content_class=content_class,
                                           context=self.context)

    def static_outputs(self, output_path):
        """Output paths of the static files this build copied (context["static_content"] items' save_as)."""
        outputs = set()
        for static in self.context.get("static_content", {}).values():
            save_as = getattr(static, "save_as", None)
            if save_as:
                outputs.add(os.path.abspath(os.path.join(output_path, save_as)))
        return outputs

    def url_map(self):
        """Sorted "source->url" pairs: where every file ends up (intra-site links resolve through them).

        Relies on: the `generated_content` and `static_content` registries map
        source paths to objects with a `url`.
        """
        pairs = []
        for registry in ("generated_content", "static_content"):
            for source, item in self.context.get(registry, {}).items():
                pairs.append(f"{source}->{getattr(item, 'url', '')}")
        return sorted(pairs)


def _serve_content_cache(generator, cache):
    """Relies on: ArticlesGenerator and PagesGenerator call `self.get_cached_data(f, None)`
    before reading a file and `self.cache_data(f, content)` after, with `f`
    relative to `generator.path`; a cached object is used as is, so it must
    point at this build's context (`_context`)."""
    base = generator.path
    context = generator.context

    def get_cached_data(relative_path, default=None):
        content = cache.lookup(generator, os.path.abspath(os.path.join(base, relative_path)))
        if content is None:
            return default
        content._context = context
        return content

    def cache_data(relative_path, content):
        cache.store(generator, os.path.abspath(os.path.join(base, relative_path)), content)

    generator.get_cached_data = get_cached_data
    generator.cache_data = cache_data


@contextmanager
def sitemap_untouched():
    """Keep pelican-sitemap from hearing about re-rendered pages.

    Relies on: pelican-sitemap collects its entries from `content_written`
    (a blinker signal; `muted()` exists since blinker 1.7). After an in-place
    edit the set of pages, their URLs and dates are unchanged, so is the sitemap.
    """
    with signals.content_written.muted():
        yield


# --- Writing ---------------------------------------------------------------------

class WriteCall(NamedTuple):
    """One `Writer.write_file` call, kept to be run again after an in-place edit."""

    name: str
    template: object
    context: dict
    args: tuple
    kwargs: dict


class FeedCall(NamedTuple):
    elements: list
    context: dict
    args: tuple
    kwargs: dict


def feed_shows_any(call, contents, max_items):
    """True if the feed written by `call` lists one of `contents` (Writer.write_feed keeps the first FEED_MAX_ITEMS)."""
    return any(element is content for element in call.elements[:max_items] for content in contents)


class SkippingWriter(Writer):
    """A Pelican writer that asks before rendering each page and leaves unchanged files alone.

    `render_page(template, localcontext, path, call, must_render)` renders the
    page (returning its HTML) or returns None when the file on disk already
    holds exactly this page. Feeds always render: they are few.
    """

    def __init__(self, output_path, settings, render_page, on_written=None):
        super().__init__(output_path, settings=settings)
        self._render_page = render_page
        self._on_written = on_written  # called with the absolute path of each file written
        self._unchanged = set()
        self.feed_calls = []  # every write_feed call, to run again after an edit
        self.rendered = set()
        self.produced = set()  # every output path this build wrote or left in place
        self.skipped = 0

    def write_file(self, name, template, context, *args, **kwargs):
        call = WriteCall(name, template, context, args, kwargs)
        return super().write_file(name, _AskingTemplate(template, self, call), context, *args, **kwargs)

    def write_feed(self, elements, context, *args, **kwargs):
        self.feed_calls.append(FeedCall(elements, context, args, kwargs))
        return super().write_feed(elements, context, *args, **kwargs)

    def replay(self, call):
        self.write_file(call.name, call.template, call.context, *call.args, **call.kwargs)

    def replay_feed(self, call):
        self.write_feed(call.elements, call.context, *call.args, **call.kwargs)

    def _render(self, template, localcontext, call):
        # Relies on: write_file puts the page's output name into localcontext["output_file"].
        path = os.path.abspath(os.path.join(self.output_path, localcontext["output_file"]))
        # Relies on: `_written_files`/`_overridden_files` hold this build's
        # writes as absolute paths (write_file passes `sanitised_join`'s);
        # a second write to one path must go through Pelican's rules.
        must_render = path in self._written_files or path in self._overridden_files
        html = self._render_page(template, localcontext, path, call, must_render)
        if html is None:
            self._unchanged.add(path)
            return ""
        return html

    def _open_w(self, filename, encoding, override=False):
        """Relies on: write_file and write_feed open every output through `_open_w` inside a `with`."""
        path = os.path.abspath(filename)
        if path in self._unchanged:
            # Record the write the way Pelican does (so duplicate outputs still
            # fail) without truncating the file that already holds this page.
            self._unchanged.discard(path)
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
            if self._on_written is not None:
                return _ClosingHook(handle, lambda: self._on_written(path))
        return handle


class _AskingTemplate:
    """Stands in for the page's Jinja template.

    Relies on: `Writer.write_file` uses its template only through
    `render(localcontext)`, once per output file (per page when paginated).
    """

    def __init__(self, template, writer, call):
        self._template = template
        self._writer = writer
        self._call = call

    def render(self, localcontext):
        return self._writer._render(self._template, localcontext, self._call)


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
