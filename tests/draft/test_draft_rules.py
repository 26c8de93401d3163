"""The drafter's rules on small texts: dates, ambiguous names, visited vs mentioned, people."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.draft.dates import Clock, dateline, trip_days
from mapapp.draft.run import draft_text
from mapapp.errors import InputError

FRIDAY = dt.date(2023, 3, 31)


def test_weekdays_resolve_back_in_a_report_and_forward_in_a_preview() -> None:
    clock = Clock(FRIDAY, "the dateline 2023-03-31", None)
    assert clock.sentence("He arrived on Wednesday.").date == dt.date(2023, 3, 29)
    assert "dateline 2023-03-31" in clock.sentence("He left on Wednesday.").reason
    assert clock.sentence("He will fly to Rome on Monday.").date == dt.date(2023, 4, 3)
    assert clock.sentence("He spoke on Friday.").date == FRIDAY


def test_a_dateline_dates_the_report_not_the_sentence_it_opens() -> None:
    clock = Clock(FRIDAY, "the dateline 2023-03-31", None)
    opening = "HAMBURG, March 31, 2023 — The king arrived on Wednesday for a state visit."
    assert clock.sentence(opening).date == dt.date(2023, 3, 29)
    fresh = Clock(FRIDAY, "the dateline 2023-03-31", None)
    assert fresh.sentence("HAMBURG, March 31, 2023 — The king spoke.").date == FRIDAY


def test_same_day_following_day_and_times() -> None:
    clock = Clock(FRIDAY, "the dateline", None)
    clock.sentence("He arrived on Tuesday.")
    evening = clock.sentence("That evening he dined with the mayor.")
    assert (evening.date, evening.precision, evening.label) == (
        dt.date(2023, 3, 28), "part-of-day", "evening",
    )  # fmt: skip
    assert clock.sentence("The following day he flew north.").date == dt.date(2023, 3, 29)
    timed = clock.sentence("He met the king at 6:10 p.m.")
    assert (timed.time, timed.precision) == ("18:10", "minute")
    assert clock.sentence("They met at 14:30 in the palace.").time == "14:30"


def test_a_future_sentence_in_a_two_day_visit_is_the_next_day_and_does_not_carry() -> None:
    clock = Clock(FRIDAY, "the publication date", trip_days("a two-day visit"))
    later = clock.sentence("Later, he will meet the prime minister.")
    assert later.date == dt.date(2023, 4, 1) and later.confidence < 0.5
    assert clock.sentence("He praised the host.").date == FRIDAY


def test_datelines() -> None:
    line = dateline("TOKYO, April 8, 2025 (Reuters) — The chief arrived.", None)
    assert line is not None and (line.place, line.date) == ("TOKYO", dt.date(2025, 4, 8))
    line = dateline("PARIS, 6 May — Text.", dt.date(2024, 5, 7))
    assert line is not None and line.date == dt.date(2024, 5, 6)
    assert dateline("No dateline here, only text.", None) is None


def _places(text: str, published: dt.date = FRIDAY) -> list[tuple[str, str]]:
    draft = draft_text(text, "test.txt", published=published)
    return [(p["locality"]["name"], p["country"]) for p in draft.data["places"]]


def test_paris_texas_is_not_paris_france() -> None:
    text = (
        "Texas Governor Greg Abbott visited Paris, Texas, on Thursday, where he met "
        "Mayor Jane Doe Smith at the Lamar County Courthouse."
    )
    assert ("Paris", "US") in _places(text)
    french = "President Emmanuel Macron of France met King Felipe VI in Paris on Thursday."
    assert ("Paris", "FR") in _places(french)


def test_cambridge_follows_the_articles_country() -> None:
    english = (
        "Chinese Premier Li Qiang arrived in Britain on Monday and met Prime Minister "
        "Keir Starmer in London. On Tuesday he visited Cambridge, north of London."
    )
    assert ("Cambridge", "GB") in _places(english)
    american = (
        "Japanese Prime Minister Fumio Kishida arrived in the United States on Monday and "
        "visited Cambridge, Massachusetts, where he spoke at Harvard University."
    )
    assert ("Cambridge", "US") in _places(american)


def test_merely_mentioned_places_are_not_stops() -> None:
    text = (
        "Japanese Prime Minister Fumio Kishida arrived in Canberra on Tuesday and met Prime "
        "Minister Anthony Albanese at Parliament House. Japan and Australia are partners. "
        "The summit in Washington next year will follow. He heads next to Wellington."
    )
    names = [name for name, _ in _places(text)]
    assert names == ["Canberra"]


def test_people_met_are_actors_with_their_titles() -> None:
    text = (
        "Indian Prime Minister Narendra Modi arrived in Tokyo on Monday and held talks with "
        "Japanese Prime Minister Fumio Kishida at the Kantei."
    )
    draft = draft_text(text, "t.txt", published=FRIDAY)
    actors = {a["name"]: a["role"] for a in draft.data["actors"]}
    assert actors == {"Narendra Modi": "Prime Minister", "Fumio Kishida": "Prime Minister"}
    assert draft.data["trip"]["visitor"] == "narendra-modi"
    [event] = draft.data["events"]
    assert event["quote"]["text"] == text and event["review"]


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "Shall I compare thee to a summer's day?\nThou art more lovely.\n"],
)
def test_texts_that_are_not_itineraries_are_refused_clearly(text: str) -> None:
    with pytest.raises(InputError) as caught:
        draft_text(text, "poem.txt", published=FRIDAY)
    assert "poem.txt" in str(caught.value)
    assert "empty" in str(caught.value) or "nothing to draft" in str(caught.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_text_drafts_with_exact_quotes_or_is_refused(before: str, after: str) -> None:
    """Only a draft whose quotes sit at their offsets, or mapapp's own error, comes out."""
    text = before + "\n\nPresident Ada Lovelace visited Berlin on Monday.\n\n" + after
    try:
        draft = draft_text(text, "x.txt", published=FRIDAY)
    except InputError:
        return
    quotes = [e["quote"] for e in draft.data["events"]]
    quotes += [a["quote"] for a in draft.data["actors"]]
    assert quotes and all(text[q["start"] : q["end"]] == q["text"] for q in quotes)
