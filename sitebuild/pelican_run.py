"""Running Pelican the way the full build and the preview both need it.

Pelican logs some failures (a file it cannot read, a template error in a
plugin) instead of raising; both callers treat those as failed builds.
"""

import logging
from contextlib import contextmanager

from sitebuild.paths import CONTENT, LOCAL_SETTINGS, PUBLISH_SETTINGS


class BuildFailed(Exception):
    """A build step failed; the message says which and why."""


class PelicanReportedErrors(Exception):
    """Pelican logged errors during a build; str() lists them."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("Pelican reported errors:\n  " + "\n  ".join(self.messages))


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def pelican_errors():
    """Collect ERROR records of the `pelican` logger; call the yielded function to raise them."""
    collector = _Collector()
    log = logging.getLogger("pelican")
    log.addHandler(collector)

    def raise_if_any():
        if collector.messages:
            raise PelicanReportedErrors(collector.messages)

    try:
        yield raise_if_any
    finally:
        log.removeHandler(collector)


def _hide_feed_siteurl_warning(record):
    # Local builds and the preview run with SITEURL "" on purpose; publishconf
    # sets an absolute one, so Pelican's advice to set it is noise here.
    return not record.getMessage().startswith("Feeds generated without SITEURL")


def load_settings(config_file, content_dir, output_dir):
    """Read a Pelican settings file with PATH and OUTPUT_PATH pointing at the given folders."""
    from pelican.settings import read_settings

    settings_log = logging.getLogger("pelican.settings")
    settings_log.addFilter(_hide_feed_siteurl_warning)
    try:
        return read_settings(str(config_file), override={"PATH": str(content_dir), "OUTPUT_PATH": str(output_dir)})
    finally:
        settings_log.removeFilter(_hide_feed_siteurl_warning)


def run_pelican(output_dir, publish=False, content_dir=CONTENT):
    """Render the site with Pelican into `output_dir`; raise ContentInvalid or BuildFailed."""
    from pelican import Pelican

    settings = load_settings(PUBLISH_SETTINGS if publish else LOCAL_SETTINGS, content_dir, output_dir)
    with pelican_errors() as raise_logged_errors:
        Pelican(settings).run()
        try:
            raise_logged_errors()
        except PelicanReportedErrors as error:
            raise BuildFailed(str(error)) from None
