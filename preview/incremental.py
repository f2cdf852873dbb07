"""Incremental Pelican builds for the live preview.

Two paths, both writing straight into the output folder:

- `build()` runs Pelican's own generators, so the content model is exactly
  what a full build computes. Unchanged files come from an in-memory memo
  (`SourceMemo`), and the writer skips every page whose template inputs have
  the same fingerprint as last time (`SkippingWriter`). Pages the site no
  longer produces (a deleted post) are removed.
- `update(paths)` handles the common saves without re-reading anything else:
  a body edit, or a news post's new title or summary (see `preview.edits`),
  is patched into the last build's objects and only the pages that read that
  body or show that post are considered again.
"""

import functools
import logging
import os
import time
from dataclasses import dataclass, field

from pelican import Pelican
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.plugins import signals
from pelican.utils import clean_output_dir

from sitebuild.pelican_run import pelican_errors

from preview import bodyreads
from preview.edits import apply_edit, classify
from preview.fingerprint import Fingerprinter, template_mentions, template_variables
from preview.lastbuild import LastBuild
from preview.outputs import (
    build_clock, carry_over_assets, delete_vanished, feed_shows_any, files_written_since, static_outputs, url_map_digest,
)
from preview.sources import SourceMemo, header_bytes
from preview.writer import SkippingWriter

logger = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What one build did; the server logs it and the benchmark reads it."""

    rendered: list = field(default_factory=list)  # output paths written this build
    skipped: int = 0  # pages whose fingerprint had not changed
    deleted: list = field(default_factory=list)  # output paths removed
    seconds: float = 0.0
    fast: bool = False  # True when the save was patched in place (update's fast path)


class IncrementalSite:
    """One Pelican site kept warm between builds of a preview session."""

    def __init__(self, settings, clean_first=False, keep=(), on_page_written=None, previous_outputs=()):
        """`clean_first`: empty the output folder (except the names in `keep`) on the
        first build, once the content has validated, so no stale file survives.
        `previous_outputs`: files an earlier engine wrote; those the first build
        does not produce again are removed. `on_page_written(path)` runs as soon
        as each rendered file is on disk."""
        # Pelican's own content cache would only add disk I/O on top of ours.
        settings = dict(settings, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False)
        self.settings = settings
        self.output_path = settings["OUTPUT_PATH"]
        self.pelican = None  # created by the first build: its plugins validate content then
        self.sources = SourceMemo()
        self._page_keys = {}  # output path -> fingerprint of what rendered it
        self._outputs = set(previous_outputs)  # output paths the previous build produced
        self._template_variables = {}  # template name -> context names it reads
        self._builds = 0
        self._last = None  # generators and writer records of the last successful build
        self._content_fingerprints = {}  # id(Content) -> (Content, fingerprint), see _writer
        self._body_reads = {}  # output path -> sources whose bodies its last render read
        self._raw_body_templates = {}  # template name -> mentions `_content`
        self._clean_first = clean_first
        self._on_page_written = on_page_written
        self._keep = tuple(keep)
        bodyreads.install()

    def build(self):
        """Bring the output folder up to date with the sources; return a BuildReport.

        Raises what Pelican or a plugin raises (ContentInvalid for bad content);
        until a build succeeds again, every update takes this full path.
        """
        self._last = None  # set again only when this build succeeds
        with pelican_errors() as raise_logged_errors:
            return self._build(raise_logged_errors)

    def _build(self, raise_logged_errors):
        started = time.perf_counter()
        self.sources.begin_build()
        self._start_pelican_build()
        generators = self._generators()
        self._read_content(generators)
        raise_logged_errors()  # e.g. a file Pelican could not read: it would silently be missing
        if self._builds == 0:
            self._clean_output_once()
        context = generators[0].context
        writer = self._writer(context)
        clock = build_clock(self.output_path)
        try:
            for generator in generators:
                if hasattr(generator, "generate_output"):
                    generator.generate_output(writer)
            signals.finalized.send(self.pelican)
        finally:
            # Even a failed build must not leave keys that disagree with the files.
            self._page_keys.update((path, writer.keys[path]) for path in writer.rendered if path in writer.keys)
            self._body_reads.update(writer.body_reads)
        raise_logged_errors()

        produced = (writer.produced | static_outputs(context, self.output_path)
                    | files_written_since(self.output_path, clock, self._keep))
        report = BuildReport(rendered=sorted(writer.rendered), skipped=writer.skipped)
        report.deleted = delete_vanished(self._outputs - produced, self.output_path)
        self._outputs = produced
        self._page_keys = {path: key for path, key in writer.keys.items() if path in produced}
        self._body_reads = {path: reads for path, reads in self._body_reads.items() if path in produced}
        self._last = LastBuild(generators, writer)
        self._builds += 1
        report.seconds = time.perf_counter() - started
        return report

    def _read_content(self, generators):
        """Pelican.run's reading phase, with unchanged files served from the memo."""
        for generator in generators:
            if hasattr(generator, "get_cached_data"):
                self.sources.install(generator)
        for generator in generators:
            if hasattr(generator, "generate_context"):
                generator.generate_context()
            if hasattr(generator, "check_disabled_readers"):
                generator.check_disabled_readers()
        signals.all_generators_finalized.send(generators)
        for generator in generators:
            if hasattr(generator, "refresh_metadata_intersite_links"):
                generator.refresh_metadata_intersite_links()

    def update(self, changed_paths):
        """Rebuild after `changed_paths` were saved.

        Body edits and news title/summary edits (see preview.edits) are patched
        into the warm content model and only the pages showing them are
        considered; anything else runs `build()`.
        """
        edited = self._in_place_edits(changed_paths)
        if edited is None:
            return self.build()
        try:
            with pelican_errors() as raise_logged_errors:
                report = self._patch_in_place(edited)
                raise_logged_errors()
                return report
        except BaseException:
            self._last = None  # the next save rebuilds everything it needs from the sources
            raise

    def _patch_in_place(self, edited):
        started = time.perf_counter()
        self.sources.begin_build()
        context = self._last.generators[0].context
        self._forget_fingerprints_of(content for content, _, _ in edited.values())
        affected = self._affected_pages(edited)
        writer = self._writer(context, only=affected)
        for path, (content, generator, kind) in edited.items():
            fresh = generator.readers.read_file(
                base_path=generator.path, path=path, content_class=type(content), context=context,
            )
            apply_edit(content, fresh, kind)
            self.sources.remember(path, content)
        calls = {id(self._last.writer.page_calls[page]): self._last.writer.page_calls[page] for page in affected}
        # The set of pages and their URLs and dates are unchanged, so is the
        # sitemap (which content_written feeds).
        with signals.content_written.muted():
            for call in calls.values():
                writer.replay(call)
            edited_objects = [content for content, _, _ in edited.values()]
            for call in self._last.writer.feed_calls:
                if feed_shows_any(call, edited_objects, self.settings.get("FEED_MAX_ITEMS")):
                    writer.replay_feed(call)
        self._page_keys.update((path, writer.keys[path]) for path in writer.keys)
        self._body_reads.update(writer.body_reads)
        self._last.merge(writer)
        report = BuildReport(rendered=sorted(writer.rendered), skipped=writer.skipped, fast=True)
        report.seconds = time.perf_counter() - started
        return report

    def _affected_pages(self, edited):
        """Pages that read an edited body, plus, for title/summary edits, pages that show the post."""
        shown = {path for path, (_, _, kind) in edited.items() if kind == "text"}
        pages = set()
        for page, call in self._last.writer.page_calls.items():
            reads = self._body_reads.get(page)
            if reads is None or self._reads_raw_bodies(call[2]) or any(path in reads for path in edited):
                pages.add(page)
            elif shown and any(path in group for group in self._last.writer.page_sources.get(page, ()) for path in shown):
                pages.add(page)
        return pages

    def _reads_raw_bodies(self, template):
        """True if the template (or what it pulls in) touches `_content`, which bypasses the recorder."""
        name = template.name
        if name not in self._raw_body_templates:
            self._raw_body_templates[name] = template_mentions(template.environment, name, "_content")
        return self._raw_body_templates[name]

    def _in_place_edits(self, changed_paths):
        """Map each changed path to (Content, generator, kind) if every save can be patched in, else None."""
        if self._last is None or not changed_paths:
            return None
        edited = {}
        for path in {os.path.abspath(p) for p in changed_paths}:
            known = self.sources.known(path)
            generator = self._last.generator_of(path)
            if known is None or generator is None or not os.path.isfile(path):
                return None
            content, old_header = known
            kind = classify(content, old_header, header_bytes(path))
            if kind is None:
                return None
            edited[path] = (content, generator, kind)
        return edited

    def _writer(self, context, only=None):
        """A SkippingWriter; with `only`, pages outside that set count as unchanged unseen."""
        if only is None:
            self._content_fingerprints = {}  # objects' neighbours and state may all have changed
        fingerprinter = Fingerprinter(context, self.sources.digest, functools.cache(lambda: url_map_digest(context)),
                                      self._content_fingerprints)
        return SkippingWriter(self.output_path, self.settings, self._page_key_function(fingerprinter, only),
                              on_written=self._on_page_written)

    def _forget_fingerprints_of(self, edited):
        """Drop remembered fingerprints of edited objects and of objects that point at them."""
        for content in edited:
            self._content_fingerprints.pop(id(content), None)
            for referrer in self._last.referrers(content):
                self._content_fingerprints.pop(id(referrer), None)

    def _start_pelican_build(self):
        """Send `initialized` as a fresh Pelican would: our plugin validates all content and sets "now"."""
        if self.pelican is None:
            self.pelican = Pelican(self.settings)
            return
        assets_before = self.settings.get("SIM_ASSETS")
        signals.initialized.send(self.pelican)
        carry_over_assets(assets_before, self.settings.get("SIM_ASSETS"))

    def _generators(self):
        context = self.settings.copy()
        # The same shared registries Pelican.run creates for every build.
        context["generated_content"] = {}
        context["static_links"] = set()
        context["static_content"] = {}
        context["localsiteurl"] = self.settings["SITEURL"]
        classes = self.pelican._get_generator_classes()
        generators = [
            cls(context=context, settings=self.settings, path=self.pelican.path,
                theme=self.pelican.theme, output_path=self.output_path)
            for cls in classes
        ]
        if not any(isinstance(g, ArticlesGenerator) for g in generators) or not any(
            isinstance(g, PagesGenerator) for g in generators
        ):
            raise RuntimeError("Pelican produced no article or page generator")
        return generators

    @property
    def outputs(self):
        """Absolute paths of the files the last successful build produced."""
        return frozenset(self._outputs)

    def knows(self, path):
        """True if `path` was a source of the last build, or if there is no good build to go by."""
        return self._last is None or self._last.generator_of(os.path.abspath(path)) is not None

    def _clean_output_once(self):
        """Empty the output folder before the first build, like Pelican's DELETE_OUTPUT_DIRECTORY."""
        if (self._clean_first or self.settings.get("DELETE_OUTPUT_DIRECTORY")) and os.path.isdir(self.output_path):
            keep = list(self._keep) + list(self.settings.get("OUTPUT_RETENTION", []))
            clean_output_dir(self.output_path, keep)

    def _page_key_function(self, fingerprint, only):
        def page_key(template, localcontext, path):
            """Return (key, sources, unchanged) for the page about to be rendered at `path`."""
            if only is not None and path not in only and path in self._page_keys and os.path.exists(path):
                # A body-only edit cannot change a page that does not show the edited file.
                return self._page_keys[path], self._last.writer.page_sources[path], True
            name = template.name
            if name not in self._template_variables:
                self._template_variables[name] = tuple(sorted(template_variables(template.environment, name)))
            variables = self._template_variables[name]
            key = fingerprint.key(name, variables, localcontext)
            unchanged = self._page_keys.get(path) == key and os.path.exists(path)
            return key, fingerprint.sources(variables, localcontext), unchanged

        return page_key
