"""The calls (utlysningar) the site publishes in calls.json, and whether each is open.

The site build rewrites calls.json whenever content changes, so the file is
re-read when its modification time changes. A missing or broken file never
takes the general form down: a missing file means no calls, a broken one
keeps the last good copy.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .watched import WatchedJson

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"
MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


@dataclass(frozen=True)
class Call:
    slug: str
    title: str
    area: str
    opens: datetime
    deadline: datetime
    # The call's own staff address(es) from its content; its sign-ups are mailed there too.
    staff_email: tuple = ()

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


def _addresses(value):
    """calls.json writes a list; a hand-edited file may hold one comma-separated string."""
    listed = value.split(",") if isinstance(value, str) else (value or ())
    return tuple(str(address).strip() for address in listed if str(address).strip())


def parse_calls(document):
    return {
        entry["slug"]: Call(
            slug=entry["slug"],
            title=entry["title"],
            area=entry.get("area", ""),
            opens=_aware(entry["opens"]),
            deadline=_aware(entry["deadline"]),
            staff_email=_addresses(entry.get("staff_email")),
        )
        for entry in document["calls"]
    }


class CallCatalog(WatchedJson):
    """calls.json, re-read when it changes on disk; no file means no calls."""

    def __init__(self, path):
        super().__init__(path, parse_calls, "calls file", when_missing={}, initial={})

    def get(self, slug):
        return self.current().get(slug)
