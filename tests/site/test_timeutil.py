"""Swedish dates, header date parsing in Stockholm time, and SIM_BUILD_NOW."""

from datetime import date, datetime, timezone

import pytest
from sim_content.timeutil import NonexistentLocalTime, build_now, date_sv, parse_local, parse_local_datetime


@pytest.mark.parametrize(("value", "text"), [
    (date(2018, 9, 28), "28 september 2018"),
    (datetime(2027, 1, 31, 23, 59), "31 januari 2027 kl. 23.59"),
    (datetime(2026, 5, 1, 0, 0), "1 maj 2026"),
    (datetime(2027, 1, 31, 22, 59, tzinfo=timezone.utc), "31 januari 2027 kl. 23.59"),  # shown in Stockholm time
    ("2026-12-01 08:05", "1 december 2026 kl. 08.05"),
])
def test_date_sv(value, text):
    assert date_sv(value) == text


def test_date_sv_time_can_be_forced_either_way():
    assert date_sv(datetime(2026, 3, 1, 0, 0), with_time=True) == "1 mars 2026 kl. 00.00"
    assert date_sv(datetime(2026, 3, 1, 16, 0), with_time=False) == "1 mars 2026"


def test_parse_local_uses_the_offset_of_that_date():
    assert parse_local_datetime("2027-01-31 23:59").isoformat() == "2027-01-31T23:59:00+01:00"
    assert parse_local_datetime("2027-06-30 12:00").isoformat() == "2027-06-30T12:00:00+02:00"
    assert parse_local("2018-09-28").isoformat() == "2018-09-28T00:00:00+02:00"


@pytest.mark.parametrize("text", ["2026-13-01 10:00", "2026-02-29 10:00", "28/9/2018 10:00", "", "2026-01-01 24:00"])
def test_parse_rejects_bad_datetimes(text):
    with pytest.raises(ValueError):
        parse_local_datetime(text)


def test_parse_rejects_time_inside_the_spring_forward_gap():
    with pytest.raises(NonexistentLocalTime):
        parse_local_datetime("2027-03-28 02:30")


def test_build_now_from_env(monkeypatch):
    monkeypatch.setenv("SIM_BUILD_NOW", "2027-01-15T12:00:00")
    assert build_now().isoformat() == "2027-01-15T12:00:00+01:00"
    monkeypatch.setenv("SIM_BUILD_NOW", "2027-01-15T11:00:00+00:00")
    assert build_now().isoformat() == "2027-01-15T12:00:00+01:00"
    monkeypatch.setenv("SIM_BUILD_NOW", "i morgon")
    with pytest.raises(ValueError, match="SIM_BUILD_NOW"):
        build_now()
