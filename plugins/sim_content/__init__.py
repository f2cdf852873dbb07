"""SIM's Pelican plugin: content validation, call pages, template context and extra output files.

Each module holds one idea; this file only wires them to Pelican's signals.
"""

import logging
import os
from pathlib import Path

from pelican import signals

from . import front_matter_reader, images, og_cards
from .markdown_ahead import convert_ahead
from .markdown_memo import memo_for, save_after_build
from .absolute_urls import sitemap_uses_public_base
from .assets import AssetFingerprinter
from .contact import ContactInvalid, load_contact, missing_required, unconfirmed
from .manifest import write_manifest
from .previous_assets import keep_previous_assets
from .scheduling import hold_back_scheduled
from .site_context import collect_calls, mark_call, read_author_bios
from .site_outputs import SiteFilesGenerator
from .timeutil import build_now, date_sv
from .validate import ContentError, ContentInvalid, validate_content

log = logging.getLogger(__name__)


def on_initialized(pelican):
    """Validate all content before Pelican reads it, and set up per-build state."""
    settings = pelican.settings
    content_dir = Path(settings["PATH"])
    errors = validate_content(content_dir, content_dir.parent)
    settings["CONTACT"] = _load_contact(content_dir, settings.get("PUBLISH_MODE"), errors)
    if errors:
        raise ContentInvalid(errors)
    settings["SIM_NOW"] = build_now()
    static_dir = Path(settings["THEME"]) / "static"
    settings["SIM_ASSETS"] = AssetFingerprinter(static_dir, settings["SITEURL"], settings["THEME_STATIC_DIR"])
    _reset_sitemap_plugin()
    sitemap_uses_public_base()


def _load_contact(content_dir, publish, errors):
    """The contact data for templates; its problems are added to `errors` (publish builds only for empty fields)."""
    shown = f"{content_dir.name}/kontakt.toml"
    try:
        contact = load_contact(content_dir, shown)
    except ContactInvalid as invalid:
        path, line, message = str(invalid).split(":", 2)
        errors.append(ContentError(path, int(line), message.strip()))
        return None
    if publish:
        errors.extend(ContentError(shown, line, message) for line, message in missing_required(contact, content_dir))
        pending = unconfirmed(contact)
        if pending:
            log.warning("%s: %d contact values are not confirmed by the programme yet: %s",
                        shown, len(pending), ", ".join(pending))
    return contact


def _reset_sitemap_plugin():
    # pelican-sitemap keeps module-level state that it only clears at the end of a
    # successful build; after a failed in-process build (build.py serve) it would
    # silently skip the next sitemap.
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    generator = getattr(sitemap, "generator", None)
    if generator is not None and hasattr(generator, "page_queue"):
        generator._main_pelican = None
        generator.page_queue = []
    # pelican-sitemap 1.2.2 (the newest release) writes the translations'
    # alternates as `ref=` instead of `href=`, which search engines ignore.
    sitemap.XML_TRANSLATION = '<xhtml:link rel="alternate" hreflang="{}" href="{}/{}"/>\n'


def on_generator_init(generator):
    """Give every template the `date_sv` filter and the `asset()` global."""
    generator.env.filters["date_sv"] = date_sv
    generator.env.globals["asset"] = generator.settings["SIM_ASSETS"]


def on_reading_starts(generator):
    """Before the first file is read (every plugin has set up Markdown by now): start the
    memo's build, and in a cold build of a large site convert the Markdown on two cores."""
    memo = memo_for(generator.settings)
    if memo is not None:
        memo.begin()
        convert_ahead(generator.settings, memo)


def on_all_generators_finalized(generators):
    """Add author bios to the shared context once every generator has read its content."""
    first = generators[0]
    first.context["author_bios"] = read_author_bios(first.settings)
    _date_undated_sitemap_entries(generators)


def _date_undated_sitemap_entries(generators):
    # pelican-sitemap stamps pages without a date of their own (home, lists)
    # with the clock, so two builds of the same content differ and the preview
    # cannot be compared with a full build. The newest content date is the
    # honest "last modified" of those lists.
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    generator = getattr(sitemap, "generator", None)
    contents = [item for g in generators for item in (*getattr(g, "articles", ()), *getattr(g, "pages", ()))]
    dates = [getattr(item, "modified", None) or getattr(item, "date", None) for item in contents]
    dates = [date for date in dates if date is not None]
    if generator is not None and dates:
        generator.now = max(dates)


def on_finalized(pelican):
    """Write the fingerprinted copies of the assets the templates asked for, and the
    site manifest naming them (only now is the list of assets complete)."""
    save_after_build(pelican.settings)
    assets = pelican.settings["SIM_ASSETS"]
    assets.write_copies(pelican.output_path)
    write_manifest(Path(pelican.output_path), pelican.settings, assets.used)
    live_site = os.environ.get("SIM_KEEP_ASSETS_FROM", "")
    if live_site and pelican.settings.get("PUBLISH_MODE"):
        keep_previous_assets(pelican.output_path, live_site, assets.used)


def add_generators(pelican):
    return SiteFilesGenerator


def register():
    front_matter_reader.register()
    signals.initialized.connect(on_initialized)
    signals.generator_init.connect(on_generator_init)
    signals.article_generator_init.connect(on_reading_starts)
    signals.content_object_init.connect(hold_back_scheduled)  # before mark_call: it reads the status
    signals.content_object_init.connect(mark_call)
    signals.page_generator_finalized.connect(collect_calls)
    signals.all_generators_finalized.connect(on_all_generators_finalized)
    signals.get_generators.connect(add_generators)
    signals.finalized.connect(on_finalized)
    og_cards.register()
    images.register()
