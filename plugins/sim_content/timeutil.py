"""Local time in Europe/Stockholm: parsing header dates, "now", Swedish date text."""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .schema import DATE_FORMATS, DATETIME_FORMAT, TIMEZONE

STOCKHOLM = ZoneInfo(TIMEZONE)
MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when summer time starts (e.g. 02:30 on the last Sunday of March)."""


def parse_local(text, formats=DATE_FORMATS):
    """Parse a header date as Stockholm wall-clock time; raise ValueError if it doesn't fit `formats`."""
    for fmt in formats:
        try:
            naive = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        aware = naive.replace(tzinfo=STOCKHOLM)
        # A time inside the spring-forward gap does not survive a round trip through UTC.
        if aware.astimezone(ZoneInfo("UTC")).astimezone(STOCKHOLM).replace(tzinfo=None) != naive:
            raise NonexistentLocalTime(text)
        return aware
    raise ValueError(text)


def parse_local_datetime(text):
    """Parse `ÅÅÅÅ-MM-DD TT:MM` as Stockholm time."""
    return parse_local(text, (DATETIME_FORMAT,))


def build_now():
    """Return the build's "now": env SIM_BUILD_NOW (ISO 8601; naive means Stockholm) or the clock."""
    override = os.environ.get("SIM_BUILD_NOW", "").strip()
    if not override:
        return datetime.now(STOCKHOLM)
    try:
        moment = datetime.fromisoformat(override)
    except ValueError as error:
        raise ValueError(f"SIM_BUILD_NOW={override!r} is not an ISO 8601 date-time") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(STOCKHOLM)


def date_sv(value, with_time=None):
    """Format a date as "28 september 2018", or "31 januari 2027 kl. 23.59" with time.

    `with_time` defaults to True for datetimes that are not midnight.
    """
    if isinstance(value, str):
        value = parse_local(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(STOCKHOLM)
        if with_time is None:
            with_time = (value.hour, value.minute) != (0, 0)
    elif isinstance(value, date):
        with_time = False
    text = f"{value.day} {MONTHS_SV[value.month - 1]} {value.year}"
    if with_time:
        text += f" kl. {value.hour:02d}.{value.minute:02d}"
    return text
