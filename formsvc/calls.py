"""The calls (utlysningar) the site publishes in calls.json, and whether each is open.

The site build rewrites calls.json whenever content changes, so the file is
re-read when its modification time changes. A missing or broken file never
takes the general form down: a missing file means no calls, a broken one
keeps the last good copy.
"""

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"
MISSING = "missing"
MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Call:
    slug: str
    title: str
    area: str
    opens: datetime
    deadline: datetime

    def status(self, now=None):
        now = now or datetime.now(STOCKHOLM)
        if now < self.opens:
            return UPCOMING
        return OPEN if now < self.deadline else CLOSED


def swedish_datetime(moment):
    """'31 januari 2027 kl. 23.59' in Stockholm time."""
    local = moment.astimezone(STOCKHOLM)
    return f"{local.day} {MONTHS_SV[local.month - 1]} {local.year} kl. {local:%H.%M}"


def _aware(text):
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)


def parse_calls(document):
    return {
        entry["slug"]: Call(
            slug=entry["slug"],
            title=entry["title"],
            area=entry.get("area", ""),
            opens=_aware(entry["opens"]),
            deadline=_aware(entry["deadline"]),
        )
        for entry in document["calls"]
    }


class CallCatalog:
    """calls.json, re-read when it changes on disk."""

    def __init__(self, path):
        self.path = path
        self._calls = {}
        self._loaded_mtime = None
        self._lock = threading.Lock()

    def get(self, slug):
        return self._current().get(slug)

    def _current(self):
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            if self._loaded_mtime != MISSING:
                log.warning("calls file %s not found; no call forms are available", self.path)
            self._calls, self._loaded_mtime = {}, MISSING
            return self._calls
        if mtime != self._loaded_mtime:
            with self._lock:
                if mtime != self._loaded_mtime:
                    self._reload(mtime)
        return self._calls

    def _reload(self, mtime):
        try:
            calls = parse_calls(json.loads(self.path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as error:
            log.error("calls file %s is invalid (%s); keeping the previous calls", self.path, error)
        else:
            self._calls = calls
        self._loaded_mtime = mtime
