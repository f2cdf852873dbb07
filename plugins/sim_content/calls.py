"""Calls (utlysningar): the objects templates see, their state at build time,
and the machine-readable calls.json and calls.ics the form service and
calendars read."""

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import icalendar
from markupsafe import Markup

from .timeutil import parse_local_datetime

UID_DOMAIN = "sim.utlysningar"  # constant, so a call's UID survives a change of host


@dataclass
class Call:
    title: str
    slug: str
    url: str  # relative like Pelican's page.url: "utlysningar/<slug>/"
    signup_url: str  # "/anmalan/<slug>/"
    opens: datetime
    deadline: datetime
    area: str
    audience: str
    summary: str  # plain text
    state: str = ""  # "open" | "upcoming" | "closed"
    staff_email: tuple = ()  # the call's own staff address(es): formsvc mails its sign-ups there too


def call_state(opens, deadline, now):
    """Return "open" when opens <= now < deadline, "upcoming" before, "closed" after."""
    if now < opens:
        return "upcoming"
    return "open" if now < deadline else "closed"


def call_from_page(page, settings, now):
    """Build a Call from a Pelican page read from content/utlysningar/."""
    meta = page.metadata
    opens = parse_local_datetime(meta["opens"])
    deadline = parse_local_datetime(meta["deadline"])
    return Call(
        title=Markup(page.title).striptags(),
        slug=page.slug,
        url=page.url,
        signup_url=settings["SIGNUP_URL"].format(slug=page.slug),
        opens=opens,
        deadline=deadline,
        area=meta["area"],
        audience=meta["audience"],
        summary=Markup(meta.get("summary", "")).striptags(),
        state=call_state(opens, deadline, now),
        staff_email=_addresses(meta.get("staffemail")),
    )


def _addresses(value):
    """'a@x.se, b@x.se' or a YAML list → ('a@x.se', 'b@x.se'); validated by validate.py."""
    listed = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    return tuple(str(address).strip() for address in listed if str(address).strip())


def group_calls(calls):
    """Return (open, upcoming, closed): open by nearest deadline, upcoming by opening, closed newest first."""
    by_state = {"open": [], "upcoming": [], "closed": []}
    for call in calls:
        by_state[call.state].append(call)
    return (
        sorted(by_state["open"], key=lambda c: (c.deadline, c.title)),
        sorted(by_state["upcoming"], key=lambda c: (c.opens, c.title)),
        sorted(by_state["closed"], key=lambda c: (c.deadline, c.title), reverse=True),
    )


def calls_json(calls, siteurl, generated):
    """Serialise calls in the public calls.json shape (see README)."""
    return json.dumps({
        "generated": generated.isoformat(timespec="seconds"),
        "calls": [
            {
                "slug": call.slug,
                "title": call.title,
                "area": call.area,
                "audience": call.audience,
                "summary": call.summary,
                "opens": call.opens.isoformat(timespec="seconds"),
                "deadline": call.deadline.isoformat(timespec="seconds"),
                "url": f"{siteurl}/{call.url}",
                "signup_url": call.signup_url,
                "staff_email": list(call.staff_email),
            }
            for call in sorted(calls, key=lambda c: (c.opens, c.slug))
        ],
    }, ensure_ascii=False, indent=2) + "\n"


def calls_ics(calls, siteurl, generated):
    """Serialise one VEVENT per call deadline (times in UTC, UIDs stable per slug)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//SIM Smart Industriell Modernisering//utlysningar//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "SIM – sista dag för utlysningar")
    stamp = generated.astimezone(timezone.utc)
    for call in sorted(calls, key=lambda c: (c.deadline, c.slug)):
        event = icalendar.Event()
        event.add("uid", f"{call.slug}.deadline@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", call.deadline.astimezone(timezone.utc))
        event.add("dtend", call.deadline.astimezone(timezone.utc))
        event.add("summary", f"Sista dag: {call.title}")
        event.add("description", call.summary)
        event.add("url", f"{siteurl}/{call.url}")
        calendar.add_component(event)
    return calendar.to_ical()
