"""A JSON file the site build (or a deploy timer) replaces while the service runs.

It is re-read when its modification time changes, so a new calls.json or
site.json takes effect on the next request without a restart. A file that
does not parse keeps the last good value: a half-copied file must never take
the form down.
"""

import json
import logging
import threading

log = logging.getLogger(__name__)
KEEP_LAST = object()


class WatchedJson:
    """The parsed content of `path`, kept current.

    `parse` turns the decoded JSON into the value (raising ValueError, KeyError
    or TypeError when it is unusable); `when_missing` is the value while the
    file does not exist, or KEEP_LAST to go on with the last good one.
    """

    def __init__(self, path, parse, what, when_missing=KEEP_LAST, initial=None):
        self.path = path
        self.what = what
        self._parse = parse
        self._when_missing = when_missing
        self._value = initial
        self._loaded_mtime = None
        self._lock = threading.Lock()

    def current(self):
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            if self._loaded_mtime != "missing":
                log.warning("%s %s not found; %s", self.what, self.path,
                            "keeping the last one read" if self._when_missing is KEEP_LAST else "using none")
            if self._when_missing is not KEEP_LAST:
                self._value = self._when_missing
            self._loaded_mtime = "missing"
            return self._value
        if mtime != self._loaded_mtime:
            with self._lock:
                if mtime != self._loaded_mtime:
                    self._reload(mtime)
        return self._value

    def _reload(self, mtime):
        try:
            value = self._parse(json.loads(self.path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as error:
            log.error("%s %s is invalid (%s); keeping the previous one", self.what, self.path, error)
        else:
            self._value = value
        self._loaded_mtime = mtime
