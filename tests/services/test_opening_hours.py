"""Opening hours: the notation, open now, across midnight, and listed holidays."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.services.opening_hours import (
    Holiday,
    HoursError,
    Open,
    open_status,
    parse_hours,
    parse_ranges,
)

# 2026-11-27 is a Friday.
FRI = date(2026, 11, 27)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


def test_24_7_is_always_open():
    hours = parse_hours("24/7")
    assert open_status(hours, at(27, 3)).state == Open.ALWAYS


def test_office_hours_with_a_lunch_break_and_a_short_saturday():
    hours = parse_hours("Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:00-11:00; Su off")
    morning = open_status(hours, at(27, 9))
    assert morning.state == Open.OPEN and morning.until == at(27, 11, 30)
    lunch = open_status(hours, at(27, 12))
    assert lunch.state == Open.CLOSED and lunch.opens == at(27, 13, 30)
    saturday_evening = open_status(hours, at(28, 18))
    assert saturday_evening.opens == at(30, 7)  # Sunday off, Monday 07:00


def test_vietnamese_day_names_read_like_english_ones():
    assert parse_hours("T2-T6 07:00-17:00; T7 07:00-11:00; CN off") == parse_hours(
        "Mo-Fr 07:00-17:00; Sa 07:00-11:00; Su off"
    )


def test_a_later_rule_replaces_an_earlier_one_for_its_days():
    hours = parse_hours("Mo-Su 08:00-20:00; We off")
    assert open_status(hours, at(25, 10)).state == Open.CLOSED  # Wednesday
    assert open_status(hours, at(26, 10)).state == Open.OPEN


def test_times_without_days_mean_every_day():
    hours = parse_hours("06:00-22:00")
    assert all(day == ((360, 1320),) for day in hours.days)


def test_across_midnight_the_night_belongs_to_the_evening_it_started():
    hours = parse_hours("Su-Th 07:00-23:00; Fr-Sa 07:00-02:00")
    friday_late = open_status(hours, at(27, 23, 30))
    assert friday_late.state == Open.OPEN and friday_late.until == at(28, 2)
    saturday_small_hours = open_status(hours, at(28, 1, 30))
    assert saturday_small_hours.state == Open.OPEN and saturday_small_hours.until == at(28, 2)
    after = open_status(hours, at(28, 3))
    assert after.state == Open.CLOSED and after.opens == at(28, 7)
    thursday_night = open_status(hours, at(27, 0, 30))  # after Thursday's 23:00
    assert thursday_night.state == Open.CLOSED and thursday_night.opens == at(27, 7)


def test_ranges_that_meet_at_midnight_join_into_one_stretch():
    hours = parse_hours("Fr 18:00-24:00; Sa 00:00-03:00")
    status = open_status(hours, at(27, 23))
    assert status.state == Open.OPEN and status.until == at(28, 3)


def test_open_all_week_round_the_clock_reads_as_always():
    assert open_status(parse_hours("Mo-Su 00:00-24:00"), at(27, 12)).state == Open.ALWAYS


def test_unknown_hours_say_nothing():
    assert open_status(None, at(27, 12)).state == Open.UNKNOWN


def test_a_listed_holiday_closes_a_place_without_a_holiday_rule():
    hours = parse_hours("Mo-Fr 07:00-17:00")
    holidays = {FRI: Holiday("Ngày lễ")}
    status = open_status(hours, at(27, 9), holidays)
    assert status.state == Open.CLOSED and status.holiday == "Ngày lễ"
    assert status.opens == at(30, 7)  # not Saturday or Sunday either: Monday


def test_a_holiday_can_keep_short_hours():
    hours = parse_hours("Mo-Fr 07:00-17:00")
    holidays = {FRI: Holiday("Ngày lễ", parse_ranges("08:00-11:00"))}
    status = open_status(hours, at(27, 9), holidays)
    assert status.state == Open.OPEN and status.until == at(27, 11)


def test_the_place_own_ph_rule_wins_over_the_holiday_hours():
    hours = parse_hours("Mo-Su 07:00-22:00; PH 08:00-20:00")
    holidays = {FRI: Holiday("Quốc khánh")}
    early = open_status(hours, at(27, 7, 30), holidays)
    assert early.state == Open.CLOSED and early.opens == at(27, 8)
    assert open_status(hours, at(27, 19), holidays).until == at(27, 20)


def test_24_7_places_stay_open_on_holidays():
    holidays = {FRI: Holiday("Tết")}
    assert open_status(parse_hours("24/7"), at(27, 3), holidays).state == Open.ALWAYS


def test_a_holiday_ends_a_night_that_started_the_evening_before():
    hours = parse_hours("Mo-Su 18:00-02:00")
    holidays = {FRI: Holiday("Tết")}
    assert open_status(hours, at(27, 1), holidays).state == Open.OPEN  # Thursday's night
    closed = open_status(hours, at(27, 19), holidays)
    assert closed.state == Open.CLOSED and closed.opens == at(28, 18)


def test_aware_times_are_read_as_wall_clock_times():
    from zoneinfo import ZoneInfo

    hue = datetime(2026, 11, 27, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert open_status(parse_hours("Mo-Fr 08:00-10:00"), hue).until == at(27, 10)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "empty"),
        ("Mo-Fr", "give hours"),
        ("Xx 07:00-17:00", "days are"),
        ("Mo-Fr 7-17", "HH:MM"),
        ("Mo 25:00-26:00", "not a time"),
        ("Mo 08:00-08:00", "same time"),
        ("Mo 08:00-24:30", "not a time"),
    ],
)
def test_unreadable_hours_say_why(text: str, complaint: str):
    with pytest.raises(HoursError, match=complaint):
        parse_hours(text)
