"""Pelican settings for a preview: the site's own settings file, folders overridden."""

import logging

from pelican.settings import read_settings


def _hide_feed_siteurl_warning(record):
    # The preview runs with SITEURL "" on purpose (like a local build.py build),
    # so Pelican's advice to set it for valid feeds is noise here.
    return not record.getMessage().startswith("Feeds generated without SITEURL")


def load_settings(config_file, content_dir, output_dir):
    """Read `config_file` (pelicanconf.py) with PATH and OUTPUT_PATH pointing at the given folders."""
    settings_log = logging.getLogger("pelican.settings")
    settings_log.addFilter(_hide_feed_siteurl_warning)
    try:
        return read_settings(str(config_file), override={"PATH": str(content_dir), "OUTPUT_PATH": str(output_dir)})
    finally:
        settings_log.removeFilter(_hide_feed_siteurl_warning)
