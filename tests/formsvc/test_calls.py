import json
import os
from datetime import datetime, timedelta

from formsvc.calls import CLOSED, OPEN, STOCKHOLM, UPCOMING, CallCatalog, swedish_datetime
from tests.formsvc.formsvc_helpers import CLOSED_CALL, OPEN_CALL, UPCOMING_CALL, write_calls


def test_status_boundaries_open_inclusive_deadline_exclusive(tmp_path):
    catalog = CallCatalog(write_calls(tmp_path / "calls.json"))
    call = catalog.get(OPEN_CALL)
    assert call.status(call.opens - timedelta(seconds=1)) == UPCOMING
    assert call.status(call.opens) == OPEN
    assert call.status(call.deadline - timedelta(seconds=1)) == OPEN
    assert call.status(call.deadline) == CLOSED
    assert catalog.get(UPCOMING_CALL).status() == UPCOMING
    assert catalog.get(CLOSED_CALL).status() == CLOSED
    assert catalog.get("nope") is None


def test_deadline_is_compared_in_absolute_time_whatever_the_offset(tmp_path):
    # 23:59 Stockholm in winter is 22:59 UTC.
    path = tmp_path / "calls.json"
    path.write_text(json.dumps({"calls": [{
        "slug": "x", "title": "X", "opens": "2027-01-01T00:00:00+01:00",
        "deadline": "2027-01-31T23:59:00+01:00",
    }]}))
    call = CallCatalog(path).get("x")
    utc = datetime.fromisoformat("2027-01-31T22:58:59+00:00")
    assert call.status(utc) == OPEN
    assert call.status(utc + timedelta(seconds=1)) == CLOSED
    assert swedish_datetime(call.deadline) == "31 januari 2027 kl. 23.59"


def test_file_is_reread_when_it_changes(tmp_path):
    path = write_calls(tmp_path / "calls.json")
    catalog = CallCatalog(path)
    assert catalog.get(OPEN_CALL)
    document = json.loads(path.read_text())
    document["calls"] = document["calls"][1:]
    path.write_text(json.dumps(document))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert catalog.get(OPEN_CALL) is None
    assert catalog.get(UPCOMING_CALL)


def test_missing_file_means_no_calls_and_broken_file_keeps_last_good(tmp_path):
    path = tmp_path / "calls.json"
    catalog = CallCatalog(path)
    assert catalog.get(OPEN_CALL) is None
    write_calls(path)
    assert catalog.get(OPEN_CALL)
    path.write_text("{ not json")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert catalog.get(OPEN_CALL)


def test_naive_times_are_read_as_stockholm_time(tmp_path):
    path = tmp_path / "calls.json"
    path.write_text(json.dumps({"calls": [{
        "slug": "x", "title": "X", "opens": "2027-07-01T08:00:00", "deadline": "2027-07-02T08:00:00",
    }]}))
    assert CallCatalog(path).get("x").opens == datetime(2027, 7, 1, 8, tzinfo=STOCKHOLM)
