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
