"""Dates and times: the dateline or --published is the reference; the text moves from it.

"on Tuesday" is the latest Tuesday on or before the reference in a report, the
first on or after it when the verb is in the future; "that evening" and "the
same day" keep the current date; "the following day" adds one. Dates are
calendar dates in the trip's time zone (the host's), as the article gives them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

_MONTH_NAMES = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"),
)  # fmt: skip
MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
#: As they are written in a sentence: never a person's or a place's name on their own.
MONTH_WORDS = tuple(names[0].title() for names in _MONTH_NAMES)
WEEKDAY_WORDS = tuple(day.title() for day in WEEKDAYS)
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_EXPLICIT = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?(?:,?\s+(?P<year2>\d{4}))?)\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_NEXT_DAY = re.compile(r"\b(?:the (?:following|next) (?:day|morning|evening)|a day later)\b", re.I)
_SAME_DAY = re.compile(r"\b(?:the same (?:day|evening|morning)|that (?:day|evening|morning|"
                       r"afternoon|night)|later that day)\b", re.I)  # fmt: skip
_TODAY = re.compile(r"\b(today|tonight|this (?:morning|afternoon|evening))\b", re.I)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)
_TOMORROW = re.compile(r"\btomorrow\b", re.I)
_FUTURE = re.compile(
    r"\b(?:will|(?:is|are) (?:also )?(?:scheduled|due|expected|set) to|plans? to)\b"
    r"|\blater\b,",
    re.I,
)
_PART = re.compile(r"\b(morning|afternoon|evening|night|noon|midday)\b", re.I)
_TIME = re.compile(
    r"\b(?:at|from|around|about)\s+(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*"
    r"(?P<ampm>a\.?m\.?|p\.?m\.?)?(?=[\s,.;]|$)",
    re.I,
)
_DATELINE = re.compile(
    r"^\ufeff?\s*(?P<place>[A-Z][A-Z .'’-]+?)(?:,\s*(?P<region>[A-Z][A-Za-z .]+?))?,\s*"
    r"(?P<date>[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?)?"
    r"\s*(?:\([^)]{0,40}\)\s*)?[—–-]"
)
_LENGTH = re.compile(r"\b(two|three|four|five|six|seven|\d)-day\b", re.I)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


@dataclass(frozen=True)
class Dateline:
    place: str
    date: dt.date | None
    end: int


@dataclass(frozen=True)
class When:
    """A date with the time, if any, and why it was chosen."""

    date: dt.date
    reason: str
    confidence: float
    time: str | None = None
    precision: str = "day"
    label: str = ""


def dateline(text: str, published: dt.date | None) -> Dateline | None:
    """'HAMBURG, March 31, 2023 —' at the start: the city and (when given) the date."""
    match = _DATELINE.match(text[:200])
    if match is None:
        return None
    date = None
    if match.group("date"):
        date = explicit_date(match.group("date"), published.year if published else None)
    return Dateline(match.group("place").strip(), date, match.end())


def explicit_date(text: str, year: int | None) -> dt.date | None:
    match = _EXPLICIT.search(text)
    if match is None:
        return None
    month = MONTHS[(match.group("month") or match.group("month2")).lower()]
    day = int(match.group("day") or match.group("day2"))
    found_year = match.group("year") or match.group("year2")
    try:
        return dt.date(
            int(found_year) if found_year else (year or dt.date.today().year), month, day
        )
    except ValueError:
        return None


def trip_days(text: str) -> int | None:
    """'a two-day visit': the trip's length, when the article says it."""
    match = _LENGTH.search(text)
    if match is None:
        return None
    word = match.group(1).lower()
    return _NUMBERS.get(word) or int(word)


class Clock:
    """The current date as the story moves on, sentence by sentence."""

    def __init__(self, reference: dt.date, source: str, days: int | None) -> None:
        self.reference = reference
        self.source = source  # "the dateline 2023-03-31"
        self.days = days
        self.current = When(reference, f"no date in the text: {source}", 0.4)

    def sentence(self, text: str) -> When:
        """The date of a sentence, and the time if it states one; moves the clock.

        A dateline opening the sentence ('CANBERRA, February 13, 2024 —') dates the
        report, not what the sentence tells: 'arrived on Monday' after it is Monday."""
        head = _DATELINE.match(text)
        if head is not None:
            text = text[head.end() :]
        when = self._date(text)
        if not when.reason.startswith("future tense and no date"):
            self.current = when  # a guessed next day does not carry over
        return _with_time(when, text)

    def _date(self, text: str) -> When:
        future = _FUTURE.search(text) is not None
        explicit = _EXPLICIT.search(text)
        if explicit is not None:
            date = explicit_date(explicit.group(), self.reference.year)
            if date is not None and abs((date - self.reference).days) <= 31:
                return When(date, f"stated in the text ({explicit.group()})", 0.9)
        weekday = _WEEKDAY.search(text)
        if weekday is not None:
            date = self._weekday(WEEKDAYS.index(weekday.group(1).lower()), future)
            tense = "future tense: the next" if future else "the latest"
            reason = (
                f"weekday '{weekday.group(1)}' resolved against {self.source} "
                f"({tense} {weekday.group(1)} on or {'after' if future else 'before'} it)"
            )
            return When(date, reason, 0.8)
        if _NEXT_DAY.search(text):
            date = self.current.date + dt.timedelta(days=1)
            return When(date, "'the following day' after the previous sentence's date", 0.7)
        if _SAME_DAY.search(text):
            return replace(self.current, reason="'the same day': the previous sentence's date")
        if _YESTERDAY.search(text):
            return When(self.reference - dt.timedelta(days=1), f"'yesterday' of {self.source}", 0.8)
        if _TOMORROW.search(text):
            return When(self.reference + dt.timedelta(days=1), f"'tomorrow' of {self.source}", 0.6)
        if _TODAY.search(text):
            return When(self.reference, f"'today' of {self.source}", 0.8)
        if future and self.days and self.days > 1 and self.current.date == self.reference:
            date = self.reference + dt.timedelta(days=1)
            reason = (
                f"future tense and no date in a {self.days}-day visit: assumed the day after "
                f"{self.source}"
            )
            return When(date, reason, 0.3)
        reason = f"no date in the sentence: carried over from the previous one ({self.source})"
        return When(self.current.date, reason, min(self.current.confidence, 0.5))

    def _weekday(self, weekday: int, future: bool) -> dt.date:
        delta = (self.reference.weekday() - weekday) % 7
        if future and delta:
            return self.reference + dt.timedelta(days=7 - delta)
        return self.reference - dt.timedelta(days=delta)


def _with_time(when: When, text: str) -> When:
    time = _TIME.search(text)
    if time is not None and (time.group("m") or time.group("ampm")):
        hour, minute = int(time.group("h")), int(time.group("m") or 0)
        ampm = (time.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            precision = "minute" if time.group("m") else "hour"
            return replace(when, time=f"{hour:02d}:{minute:02d}", precision=precision,
                           label=time.group().strip())  # fmt: skip
    part = _PART.search(text)
    if part is not None:
        label = {"noon": "midday"}.get(part.group(1).lower(), part.group(1).lower())
        return replace(when, precision="part-of-day", label=label)
    return when
