"""Calls: open/upcoming/closed at a fixed "now" in Europe/Stockholm, and the
calls.json / calls.ics files agreeing with content/utlysningar/."""

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import BeautifulSoup
from tests.site.site_helpers import BUILD_NOW, build_site
from sim_content.calls import call_state
from sim_content.headers import read_header
from sim_content.timeutil import parse_local_datetime

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = timezone.utc


def at(text):
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("now", "expected"), [
    ("2027-01-31T08:00:00+01:00", "upcoming"),  # before opens
    ("2027-02-01T08:00:00+01:00", "open"),  # exactly at opens
    ("2027-02-26T15:59:59+01:00", "open"),  # last second
    ("2027-02-26T16:00:00+01:00", "closed"),  # exactly at the deadline
    ("2027-02-26T14:59:59+00:00", "open"),  # the same instants, written in UTC
    ("2027-02-26T15:00:00+00:00", "closed"),
])
def test_state_around_opening_and_deadline(now, expected):
    opens = parse_local_datetime("2027-02-01 08:00")
    deadline = parse_local_datetime("2027-02-26 16:00")
    assert call_state(opens, deadline, at(now)) == expected


def test_state_across_the_spring_forward_night():
    # Summer time starts 2027-03-28: 02:00 CET jumps to 03:00 CEST, so a
    # deadline at 03:00 local is only one real second after 01:59:59 CET.
    opens = parse_local_datetime("2027-03-01 08:00")
    deadline = parse_local_datetime("2027-03-28 03:00")
    assert deadline.utcoffset().total_seconds() == 7200
    assert call_state(opens, deadline, at("2027-03-28T01:59:59+01:00")) == "open"
    assert call_state(opens, deadline, at("2027-03-28T01:00:00+00:00")) == "closed"


def test_state_across_the_fall_back_night():
    # 2026-10-25: 03:00 CEST becomes 02:00 CET; a 16:00 deadline that day is 15:00 UTC.
    opens = parse_local_datetime("2026-10-01 08:00")
    deadline = parse_local_datetime("2026-10-25 16:00")
    assert deadline.astimezone(UTC) == datetime(2026, 10, 25, 15, 0, tzinfo=UTC)
    assert call_state(opens, deadline, at("2026-10-25T14:59:59+00:00")) == "open"
    assert call_state(opens, deadline, at("2026-10-25T15:00:00+00:00")) == "closed"


def content_calls(repo):
    calls = {}
    for path in sorted((repo / "content" / "utlysningar").glob("*.md")):
        header = {key: entry.value for key, entry in read_header(path).items()}
        if header.get("status") == "draft":
            continue
        calls[header["slug"]] = header
    return calls


def test_calls_json_agrees_with_the_content(built_site, repo):
    data = json.loads((built_site / "calls.json").read_text(encoding="utf-8"))
    assert datetime.fromisoformat(data["generated"]) == at(BUILD_NOW)
    expected = content_calls(repo)
    assert len(expected) >= 3
    assert {call["slug"] for call in data["calls"]} == set(expected)
    for call in data["calls"]:
        source = expected[call["slug"]]
        assert call["title"] == source["title"]
        assert call["area"] == source["area"]
        assert call["audience"] == source["audience"]
        assert datetime.fromisoformat(call["opens"]) == parse_local_datetime(source["opens"])
        assert datetime.fromisoformat(call["deadline"]) == parse_local_datetime(source["deadline"])
        # The offset is Stockholm's at that date (+01:00 in winter, +02:00 in summer).
        offset = parse_local_datetime(source["deadline"]).strftime("%z")
        assert call["deadline"].endswith(f"{offset[:3]}:{offset[3:]}")
        assert call["url"] == f"/utlysningar/{call['slug']}/"
        assert call["signup_url"] == f"/anmalan/{call['slug']}/"
        assert (built_site / call["url"].strip("/") / "index.html").is_file()


def test_calls_ics_has_one_event_per_deadline(built_site, repo):
    calendar = icalendar.Calendar.from_ical((built_site / "calls.ics").read_bytes())
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    expected = content_calls(repo)
    assert len(events) == len(expected)
    for slug, source in expected.items():
        event = events[f"{slug}.deadline@sim.utlysningar"]
        assert event.decoded("dtstart") == parse_local_datetime(source["deadline"])
        assert str(event["summary"]) == f"Sista dag: {source['title']}"
        assert str(event["url"]) == f"/utlysningar/{slug}/"


def test_real_content_has_an_open_an_upcoming_and_a_closed_call(repo):
    now = at(BUILD_NOW)
    states = {
        call_state(parse_local_datetime(c["opens"]), parse_local_datetime(c["deadline"]), now)
        for c in content_calls(repo).values()
    }
    assert states == {"open", "upcoming", "closed"}


@pytest.mark.slow
def test_calls_page_regroups_when_now_passes_a_deadline(repo_copy, tmp_path):
    calls_dir = repo_copy / "content" / "utlysningar"
    for path in calls_dir.glob("*.md"):
        path.unlink()
    (calls_dir / "sommartid.md").write_text(
        "Title: Sista dag när sommartiden börjar\nOpens: 2027-03-01 08:00\nDeadline: 2027-03-28 03:00\n"
        "Area: Finansiering\nAudience: Alla\nSummary: Testutlysning.\nSlug: sommartid\n\nText.\n",
        encoding="utf-8",
    )

    def section_of_call(now):
        out = build_site(tmp_path / now[:19].replace(":", ""), "--no-search", "--no-handbook",
                         env={"SIM_BUILD_NOW": now}, repo_dir=repo_copy)
        soup = BeautifulSoup((out / "utlysningar" / "index.html").read_text(encoding="utf-8"), "html5lib")
        link = soup.find("a", href="/utlysningar/sommartid/")
        return link.find_parent("section")["aria-labelledby"]

    assert section_of_call("2027-02-28T23:59:59+01:00") == "kommande"
    assert section_of_call("2027-03-28T01:59:59+01:00") == "oppna"
    assert section_of_call("2027-03-28T03:00:00+02:00") == "stangda"


def test_a_calls_own_staff_address_is_exported_in_calls_json():
    from types import SimpleNamespace

    from sim_content.calls import call_from_page, calls_json

    settings = {"SIGNUP_URL": "/anmalan/{slug}/"}
    now = at("2027-01-01T00:00:00+01:00")
    metadata = {"opens": "2027-02-01 08:00", "deadline": "2027-02-26 16:00", "area": "Finansiering",
                "audience": "Alla", "summary": "Kort."}
    pages = [
        SimpleNamespace(title="Med adress", slug="med-adress", url="utlysningar/med-adress/",
                        metadata=dict(metadata, staffemail="sim-a@example.se, sim-b@example.se")),
        SimpleNamespace(title="Som lista", slug="som-lista", url="utlysningar/som-lista/",
                        metadata=dict(metadata, staffemail=["sim-c@example.se"])),
        SimpleNamespace(title="Utan", slug="utan", url="utlysningar/utan/", metadata=metadata),
    ]
    exported = json.loads(calls_json([call_from_page(page, settings, now) for page in pages], "", now))
    by_slug = {call["slug"]: call["staff_email"] for call in exported["calls"]}
    assert by_slug == {"med-adress": ["sim-a@example.se", "sim-b@example.se"],
                       "som-lista": ["sim-c@example.se"], "utan": []}
