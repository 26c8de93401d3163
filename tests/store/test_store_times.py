"""The one time-span rule behind the stored start/end fields and every export's times."""

from __future__ import annotations

from typing import Any

import pytest

from mapapp.store.times import event_span


def props(time: str | None, precision: str, label: str = "", date: str = "2025-04-09") -> Any:
    return {"date": date, "time": time, "time_precision": precision, "time_label": label}


def test_a_time_to_the_minute_is_one_instant_in_utc() -> None:
    span = event_span(props("18:10", "minute"), "Asia/Tokyo")
    assert span.start_local == "2025-04-09T18:10:00+09:00"
    assert span.start_utc == "2025-04-09T09:10:00Z"
    assert span.is_instant and span.end_local == span.start_local


@pytest.mark.parametrize(
    ("given", "start", "end"),
    [
        (props("10:00", "hour"), "2025-04-09T10:00", "2025-04-09T11:00"),
        (props(None, "part-of-day", "Morning"), "2025-04-09T06:00", "2025-04-09T12:00"),
        (props(None, "day", "after lunch"), "2025-04-09T00:00", "2025-04-10T00:00"),
        (props(None, "part-of-day", "night"), "2025-04-09T20:00", "2025-04-10T00:00"),
    ],
)  # fmt: skip
def test_inexact_times_span_their_hour_part_of_day_or_day(given: Any, start: str, end: str) -> None:
    span = event_span(given, "Asia/Tokyo")
    assert (span.start_local, span.end_local) == (f"{start}:00+09:00", f"{end}:00+09:00")
    assert not span.is_instant


def test_the_offset_follows_daylight_saving_and_the_utc_date_may_differ() -> None:
    summer = event_span(props(None, "day", date="2025-07-01"), "Europe/Brussels")
    winter = event_span(props("00:30", "minute", date="2025-01-15"), "Europe/Brussels")
    assert summer.start_local.endswith("+02:00") and summer.start_utc == "2025-06-30T22:00:00Z"
    assert winter.start_utc == "2025-01-14T23:30:00Z"


def test_a_malformed_time_is_an_error_not_a_made_up_instant() -> None:
    with pytest.raises(ValueError):
        event_span(props("25:99", "minute"), "UTC")


def _reference(date: str, time: str | None, precision: str, label: str, zone_name: str) -> Any:
    """The rule in its plainest form: aware datetimes, astimezone and strftime."""
    import datetime as dt

    from mapapp.store.times import local_bounds, zone

    start, end = local_bounds(date, time, precision, label)
    tz = zone(zone_name)
    out = []
    for wall in (start, end):
        aware = wall.replace(tzinfo=tz)
        out += [aware.isoformat(), aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    return out[0], out[2], out[1], out[3]


@pytest.mark.parametrize(
    "zone_name",
    ["Asia/Tokyo", "Europe/Brussels", "America/St_Johns", "Australia/Lord_Howe",
     "Asia/Kathmandu", "Africa/Casablanca", "No/Such_Zone"],
)  # fmt: skip
def test_spans_agree_with_aware_datetimes_on_every_kind_of_day(zone_name: str) -> None:
    """DST switch days, offsets with seconds (1900), the hour before midnight."""
    from mapapp.store.times import local_span

    dates = ["1900-02-03", "1937-06-01", "2025-03-30", "2025-10-26", "2025-04-06", "2100-12-31"]
    times = [None, "00:00", "01:30", "02:30", "23:59"]
    for date in dates:
        for time in times:
            for precision, label in [("minute", ""), ("hour", ""), ("part-of-day", "night"),
                                     ("day", "")]:  # fmt: skip
                span = local_span(date, time, precision, label, zone_name)
                got = (span.start_local, span.end_local, span.start_utc, span.end_utc)
                assert got == _reference(date, time, precision, label, zone_name)
