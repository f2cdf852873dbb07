"""The preview engine: one Pelican site kept warm between builds, and the one owner of what it knows.

What the engine knows about an output page lives in one `PageRecord`, about a
source file in one `SourceRecord`; only this module creates or replaces them.
Two paths, both writing straight into the output folder:

- `build()` runs Pelican's generators, so the content model is exactly what a
  full build computes. Unchanged files are served from the source records,
  and every page whose fingerprint (preview.fingerprint) equals its record's
  is left alone on disk. Pages the site no longer produces are removed.
- `update(paths)` handles the common saves without re-reading anything else:
  a body edit, or a news post's new title or summary (preview.sources), is
  patched into the last build's objects and only the pages whose records say
  they read that body or show that post are rendered again.
"""

import functools
import os
import time
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from pelican.contents import Content

from preview.fingerprint import ContentMemo, Fingerprinter, template_mentions, template_variables
from preview.pelican_adapter import (
    RAW_BODY_ATTRIBUTE, PelicanBuild, SkippingWriter, SourceCache, WriteCall, clean_output, copy_saved_text,
    feed_shows_any, forget_rendered_bodies, install_body_read_recorder, pelican_errors, preview_settings,
    recording_body_reads, restart_plugins, sitemap_untouched, start_pelican,
)
from preview.sources import TEXT_FIELDS, SourceFiles, classify, digest_text, header_bytes


@dataclass(frozen=True)
class PageRecord:
    """One output page as it was last rendered (or found unchanged)."""

    output_path: str
    write_call: WriteCall  # Pelican's write_file call that produced it, to run again after an edit
    key: str  # fingerprint of everything its template can read
    shown_sources: tuple  # frozensets of the source paths its context variables show
    bodies_read: frozenset | None  # sources whose bodies its render read; None: not known

    @property
    def template(self):
        return self.write_call.template


@dataclass(frozen=True)
class SourceRecord:
    """One source file as the engine last read it."""

    content: object  # the Content object every list of the last build holds
    digest: str  # of the bytes it was read from
    header: bytes  # its metadata header then
    generator: object  # the generator that read or reused it


@dataclass
class BuildReport:
    """What one build did; the server logs it and the benchmark reads it."""

    rendered: list = field(default_factory=list)  # output paths written
    skipped: int = 0  # pages whose fingerprint had not changed
    deleted: list = field(default_factory=list)  # output paths removed
    seconds: float = 0.0
    fast: bool = False  # True when the save was patched in place


@dataclass
class _RenderPlan:
    fingerprinter: Fingerprinter
    only: frozenset | None = None  # in-place edit: pages outside this set are known unchanged
    seen: set = field(default_factory=set)  # output paths Pelican asked for


class IncrementalSite:
    """One Pelican site kept warm between builds of a preview session."""

    def __init__(self, settings, clean_first=False, keep=(), on_page_written=None, previous_outputs=()):
        """`clean_first`: empty the output folder (except the names in `keep`) on the
        first build, once the content has validated, so no stale file survives.
        `previous_outputs`: files an earlier engine wrote; those the first build
        does not produce again are removed. `on_page_written(path)` runs as soon
        as each rendered file is on disk."""
        self.settings = preview_settings(settings)
        self.output_path = self.settings["OUTPUT_PATH"]
        self._clean_first = clean_first
        self._keep = tuple(keep)
        self._on_page_written = on_page_written
        self._pelican = None  # created by the first build: its plugins validate content then
        self._files = SourceFiles()
        self._sources = {}  # absolute source path -> SourceRecord
        self._pages = {}  # absolute output path -> PageRecord
        self._feed_calls = []  # the last full build's write_feed calls
        self._outputs = frozenset(previous_outputs)  # every file the last build produced
        self._last = None  # PelicanBuild of the last successful build; None: the next save rebuilds
        self._builds = 0
        self._template_variables = {}  # template name -> context names it reads
        self._raw_body_templates = {}  # template name -> touches the raw body
        self._content_fingerprints = ContentMemo()  # kept across in-place edits
        self._referrers = None  # id(Content) -> objects linking to it, for the last build
        install_body_read_recorder()

    @property
    def pages(self):
        """Read-only view of the page records: absolute output path -> PageRecord."""
        return MappingProxyType(self._pages)

    @property
    def outputs(self):
        """Absolute paths of the files the last successful build produced."""
        return self._outputs

    def knows(self, path):
        """True if `path` was a source of the last build, or if there is no good build to go by."""
        return self._last is None or os.path.abspath(path) in self._sources

    def build(self):
        """Bring the output folder up to date with the sources; return a BuildReport.

        Raises what Pelican or a plugin raises (ContentInvalid for bad content);
        until a build succeeds again, every update takes this full path.
        """
        self._last = None
        with pelican_errors() as raise_logged_errors:
            return self._build(raise_logged_errors)

    def update(self, changed_paths):
        """Bring the output up to date after `changed_paths` were saved: in place if possible, else `build()`."""
        edits = self._in_place_edits(changed_paths)
        if edits is None:
            return self.build()
        try:
            with pelican_errors() as raise_logged_errors:
                report = self._patch_in_place(edits)
                raise_logged_errors()
                return report
        except BaseException:
            self._last = None  # the next save rebuilds everything it needs from the sources
            raise

    def _build(self, raise_logged_errors):
        started = time.perf_counter()
        self._begin()
        if self._pelican is None:
            self._pelican = start_pelican(self.settings)
        else:
            restart_plugins(self._pelican)
        build = PelicanBuild(self._pelican, self.settings, self.output_path)
        build.read(SourceCache(self._cached_content, self._remember_source))
        raise_logged_errors()  # e.g. a file Pelican could not read: it would silently be missing
        if self._builds == 0 and (self._clean_first or self.settings.get("DELETE_OUTPUT_DIRECTORY")):
            clean_output(self.settings, self.output_path, self._keep)
        self._content_fingerprints = ContentMemo()  # neighbours and call states may all have moved
        plan = _RenderPlan(self._fingerprinter(build))
        writer = self._writer(plan)
        clock = build_clock(self.output_path)
        build.write(writer)  # page records are written as pages render, so a failure keeps them true
        raise_logged_errors()

        produced = writer.produced | build.static_outputs(self.output_path) | files_written_since(
            self.output_path, clock, self._keep)
        report = BuildReport(rendered=sorted(writer.rendered), skipped=writer.skipped,
                             deleted=delete_vanished(self._outputs - produced, self.output_path))
        self._outputs = frozenset(produced)
        self._pages = {path: page for path, page in self._pages.items() if path in plan.seen and path in produced}
        self._feed_calls = writer.feed_calls
        held = {path: content for path, _, content in build.contents()}
        self._sources = {path: source for path, source in self._sources.items() if held.get(path) is source.content}
        self._referrers = None
        self._last = build
        self._builds += 1
        report.seconds = time.perf_counter() - started
        return report

    def _patch_in_place(self, edits):
        started = time.perf_counter()
        self._begin()
        edited = [source.content for source, _ in edits.values()]
        self._forget_fingerprints_of(edited)
        affected = self._affected_pages(edits)
        writer = self._writer(_RenderPlan(self._fingerprinter(self._last), only=frozenset(affected)))
        for path, (source, kind) in edits.items():
            fresh = self._last.reread(source.generator, path, type(source.content))
            copy_saved_text(source.content, fresh, TEXT_FIELDS if kind == "text" else ())
            self._remember_source(source.generator, path, source.content)
        calls = {id(self._pages[page].write_call): self._pages[page].write_call for page in affected}
        with sitemap_untouched():
            for call in calls.values():
                writer.replay(call)
            for call in self._feed_calls:
                if feed_shows_any(call, edited, self.settings.get("FEED_MAX_ITEMS")):
                    writer.replay_feed(call)
        return BuildReport(rendered=sorted(writer.rendered), skipped=writer.skipped, fast=True,
                           seconds=time.perf_counter() - started)

    def _in_place_edits(self, changed_paths):
        """{path: (SourceRecord, kind)} if every save can be patched in (see preview.sources), else None."""
        if self._last is None or not changed_paths:
            return None
        edits = {}
        for path in {os.path.abspath(p) for p in changed_paths}:
            source = self._sources.get(path)
            if source is None or self._files.links_elsewhere(path) or not os.path.isfile(path):
                return None
            kind = classify(source.content, source.header, header_bytes(path))
            if kind is None:
                return None
            edits[path] = (source, kind)
        return edits

    def _affected_pages(self, edits):
        """Pages that read an edited body, plus, for title/summary edits, pages that show the post."""
        shown = {path for path, (_, kind) in edits.items() if kind == "text"}
        affected = set()
        for path, page in self._pages.items():
            reads = page.bodies_read
            if reads is None or self._reads_raw_bodies(page.template) or any(edited in reads for edited in edits):
                affected.add(path)
            elif shown and any(edited in group for group in page.shown_sources for edited in shown):
                affected.add(path)
        return affected

    def _render_page(self, plan, template, localcontext, path, call, must_render):
        """Render the page at `path` and record it, or return None if the file already holds it."""
        previous = self._pages.get(path)
        on_disk = previous is not None and os.path.exists(path)
        plan.seen.add(path)
        if plan.only is not None and path not in plan.only and on_disk:
            # An in-place edit cannot change a page that neither reads nor shows the edited file.
            key, shown, unchanged = previous.key, previous.shown_sources, True
        else:
            variables = self._variables_of(template)
            key = plan.fingerprinter.key(template.name, variables, localcontext)
            shown = plan.fingerprinter.sources(variables, localcontext)
            unchanged = on_disk and previous.key == key
        if unchanged and not must_render:
            self._pages[path] = PageRecord(path, call, key, shown, previous.bodies_read)
            return None
        with recording_body_reads() as reads:
            html = template.render(localcontext)
        self._pages[path] = PageRecord(path, call, key, shown, frozenset(reads))
        return html

    def _writer(self, plan):
        return SkippingWriter(self.output_path, self.settings, functools.partial(self._render_page, plan),
                              on_written=self._on_page_written)

    def _fingerprinter(self, build):
        url_map_digest = functools.cache(lambda: "urls:" + digest_text("\0".join(build.url_map())))
        return Fingerprinter(build.context, self._files.digest, url_map_digest, self._content_fingerprints)

    def _variables_of(self, template):
        name = template.name
        if name not in self._template_variables:
            self._template_variables[name] = tuple(sorted(template_variables(template.environment, name)))
        return self._template_variables[name]

    def _reads_raw_bodies(self, template):
        """True if the template (or what it pulls in) touches the raw body, which bypasses the recorder."""
        name = template.name
        if name not in self._raw_body_templates:
            self._raw_body_templates[name] = template_mentions(template.environment, name, RAW_BODY_ATTRIBUTE)
        return self._raw_body_templates[name]

    def _begin(self):
        """Any source may have changed since the last build, and with it any memoised HTML."""
        self._files.forget()
        forget_rendered_bodies()

    def _cached_content(self, generator, path):
        """The Content object last read from `path` if its bytes are unchanged and it links nowhere."""
        source = self._sources.get(path)
        if source is None or source.digest != self._files.digest(path) or self._files.links_elsewhere(path):
            return None
        if source.generator is not generator:
            self._sources[path] = replace(source, generator=generator)
        return source.content

    def _remember_source(self, generator, path, content):
        self._sources[path] = SourceRecord(content, self._files.digest(path), header_bytes(path), generator)

    def _forget_fingerprints_of(self, edited):
        """Drop remembered fingerprints of edited objects and of objects that point at them."""
        if self._referrers is None:
            self._referrers = {}
            for _, _, content in self._last.contents():
                for value in vars(content).values():
                    if isinstance(value, Content):  # a neighbour link (pelican-neighbors, our plugin)
                        self._referrers.setdefault(id(value), []).append(content)
        for content in edited:
            self._content_fingerprints.forget([content, *self._referrers.get(id(content), ())])


def build_clock(output_path):
    """A timestamp on the output file system's own clock (mtime resolution and all)."""
    os.makedirs(output_path, exist_ok=True)
    marker = os.path.join(output_path, ".preview-clock")
    with open(marker, "w", encoding="utf-8"):
        pass
    try:
        return os.stat(marker).st_mtime_ns
    finally:
        os.remove(marker)


def files_written_since(output_path, clock, keep=()):
    """Absolute paths of files under `output_path` modified at or after `clock`.

    Catches what plugins write without Pelican's writer (calls.json, the
    fingerprinted CSS copy, sitemap.xml), so a later build can tell when one
    of them is no longer produced. Folders named in `keep` are not searched.
    """
    found = set()
    for folder, subfolders, files in os.walk(output_path):
        if folder == output_path:
            subfolders[:] = [name for name in subfolders if name not in keep]
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.stat(path).st_mtime_ns >= clock:
                    found.add(os.path.abspath(path))
            except FileNotFoundError:
                pass
    return found


def delete_vanished(paths, output_path):
    """Remove output files the site no longer produces (a deleted post), and folders left empty; return them."""
    deleted = []
    stop = os.path.abspath(output_path)
    for path in sorted(paths):
        if os.path.isfile(path):
            os.remove(path)
            deleted.append(path)
            folder = os.path.dirname(os.path.abspath(path))
            while folder.startswith(stop + os.sep) and not os.listdir(folder):
                os.rmdir(folder)
                folder = os.path.dirname(folder)
    return deleted
