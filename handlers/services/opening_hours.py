"""Weekly opening hours: parse what an operator writes, tell whether a place is open.

The notation is a small part of OpenStreetMap's ``opening_hours``, with Vietnamese
day names accepted too::

    24/7
    Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:00-11:00; Su off
    T2-T6 07:00-17:00; T7 07:30-11:30; CN off; PH off
    18:00-02:00                     (every day, closing after midnight)

A later rule replaces an earlier one for the same days. ``PH`` gives the hours on
the public holidays the operator lists; a place without a ``PH`` rule keeps the
holiday's own hours (usually closed), except ``24/7`` places, which never close.
Times are wall-clock times in the city's zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

DAY_NAMES: dict[str, int] = {
    "mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6,
    "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5, "cn": 6,
}  # fmt: skip
ALWAYS = "24/7"
CLOSED_WORDS = frozenset({"off", "closed", "nghỉ", "nghi", "đóng", "dong"})
MINUTES_PER_DAY = 24 * 60
LOOKAHEAD_DAYS = 15
_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")

Range = tuple[int, int]  # minutes from the day's midnight; the end may pass 24:00


class HoursError(ValueError):
    """An opening-hours text that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """When a place is open: ranges per weekday (0 = Monday) and on public holidays.

    ``holiday`` is None when the text has no ``PH`` rule.
    """

    always: bool
    days: tuple[tuple[Range, ...], ...]
    holiday: tuple[Range, ...] | None = None


class Open(StrEnum):
    """Whether a place is open at a moment."""

    ALWAYS = "always"
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Holiday:
    """A public holiday the operator lists: its name and the hours places keep that day."""

    name: str
    ranges: tuple[Range, ...] = ()


Holidays = Mapping[date, Holiday]


@dataclass(frozen=True, slots=True)
class OpenStatus:
    """The answer to "is it open now?": until when, or from when, and any holiday."""

    state: Open
    until: datetime | None = None
    opens: datetime | None = None
    holiday: str | None = None


def parse_hours(text: str) -> WeeklyHours:
    """Read an opening-hours text.

    Args:
        text: For example ``"Mo-Fr 07:00-17:00; Sa 07:00-11:00; PH off"`` or ``"24/7"``.

    Returns:
        The weekly hours.

    Raises:
        HoursError: The text does not follow the notation; the message says where.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise HoursError("empty opening hours")
    if cleaned.lower() in (ALWAYS, "24/24", "24h"):
        return WeeklyHours(True, tuple(((0, MINUTES_PER_DAY),) for _ in range(7)))
    days: list[tuple[Range, ...]] = [() for _ in range(7)]
    holiday: tuple[Range, ...] | None = None
    for rule in filter(None, (part.strip() for part in cleaned.split(";"))):
        weekdays, public_holiday, ranges = _parse_rule(rule)
        for weekday in weekdays:
            days[weekday] = ranges
        if public_holiday:
            holiday = ranges
    return WeeklyHours(False, tuple(days), holiday)


def parse_ranges(text: str) -> tuple[Range, ...]:
    """Read ``"07:00-11:00,13:30-17:00"`` or ``"off"`` (the hours of one day)."""
    if text.strip().lower() in CLOSED_WORDS:
        return ()
    ranges = tuple(_parse_range(part.strip()) for part in text.split(","))
    return tuple(sorted(ranges))


def _parse_rule(rule: str) -> tuple[list[int], bool, tuple[Range, ...]]:
    head, _, rest = rule.partition(" ")
    if head[:1].isdigit():
        return list(range(7)), False, parse_ranges(rule)
    if not rest:
        raise HoursError(f"{rule!r}: give hours (07:00-17:00) or 'off' after the days")
    weekdays: list[int] = []
    public_holiday = False
    for token in head.split(","):
        if token.lower() == "ph":
            public_holiday = True
        else:
            weekdays += _day_span(token)
    return weekdays, public_holiday, parse_ranges(rest)


def _day_span(token: str) -> list[int]:
    first, _, last = token.lower().partition("-")
    if first not in DAY_NAMES or (last and last not in DAY_NAMES):
        raise HoursError(f"{token!r}: days are Mo Tu We Th Fr Sa Su (or T2…T7, CN) and PH")
    start, end = DAY_NAMES[first], DAY_NAMES[last or first]
    return [(start + step) % 7 for step in range((end - start) % 7 + 1)]


def _parse_range(text: str) -> Range:
    match = _RANGE_RE.match(text)
    if match is None:
        raise HoursError(f"{text!r}: write times as HH:MM-HH:MM, e.g. 07:00-17:30")
    hour1, min1, hour2, min2 = (int(group) for group in match.groups())
    if hour1 > 23 or hour2 > 24 or min1 > 59 or min2 > 59 or (hour2 == 24 and min2):
        raise HoursError(f"{text!r}: not a time of day")
    start, end = hour1 * 60 + min1, hour2 * 60 + min2
    if start == end:
        raise HoursError(f"{text!r}: opens and closes at the same time")
    return (start, end if end > start else end + MINUTES_PER_DAY)


def day_ranges(hours: WeeklyHours, day: date, holidays: Holidays) -> tuple[Range, ...]:
    """The ranges that start on ``day`` (a listed holiday changes them)."""
    if day in holidays and not hours.always:
        return hours.holiday if hours.holiday is not None else holidays[day].ranges
    return hours.days[day.weekday()]


def open_status(
    hours: WeeklyHours | None,
    now: datetime,
    holidays: Holidays | None = None,
) -> OpenStatus:
    """Whether a place is open at ``now``, and until when or from when.

    Args:
        hours: The place's hours, None when unknown.
        now: The wall-clock time in the city's zone (any tzinfo is ignored).
        holidays: The listed public holidays by date.

    Returns:
        The status; ``until`` and ``opens`` are naive wall-clock times.
    """
    if hours is None:
        return OpenStatus(Open.UNKNOWN)
    if hours.always:
        return OpenStatus(Open.ALWAYS)
    listed = holidays or {}
    now = now.replace(tzinfo=None)
    today = now.date()
    holiday = listed[today].name if today in listed else None
    intervals = _intervals(hours, today - timedelta(days=1), listed)
    for start, end in intervals:
        if start <= now < end:
            until = _closing(end, intervals)
            if until - now > timedelta(days=7):
                return OpenStatus(Open.ALWAYS, holiday=holiday)
            return OpenStatus(Open.OPEN, until=until, holiday=holiday)
    upcoming = [start for start, _ in intervals if start > now]
    return OpenStatus(Open.CLOSED, opens=min(upcoming, default=None), holiday=holiday)


def _intervals(
    hours: WeeklyHours, first: date, holidays: Holidays
) -> list[tuple[datetime, datetime]]:
    """Opening intervals of the days from ``first`` on, as local datetimes, in order."""
    found: list[tuple[datetime, datetime]] = []
    for offset in range(LOOKAHEAD_DAYS):
        day = first + timedelta(days=offset)
        midnight = datetime(day.year, day.month, day.day)
        for start, end in day_ranges(hours, day, holidays):
            found.append((midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)))
    return sorted(found)


def _closing(end: datetime, intervals: list[tuple[datetime, datetime]]) -> datetime:
    """When a place open until ``end`` really closes (back-to-back ranges join)."""
    for start, later_end in intervals:
        if start <= end < later_end:
            end = later_end
    return end
