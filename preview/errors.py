"""Pelican logs some failures (a file it cannot read, a template error in a
plugin) instead of raising; like build.py, the preview treats them as failures."""

import logging
from contextlib import contextmanager


class PelicanReportedErrors(Exception):
    """Pelican logged errors during a preview build; str() lists them."""

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
