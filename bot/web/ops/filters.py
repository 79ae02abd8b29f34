"""The queue's filter: read from the query string, checked against the city and the user."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.web.ops.html import attrs, esc, options
from bot.web.ops.texts import t
from handlers import City
from storage.ops_queue import SORTS, QueueFilter
from storage.records import OPEN_STATUSES, Status, UserRecord

FIELDS = ("status", "category", "unit", "ward", "overdue", "from", "to", "q", "sort")


def parse_filter(
    query: Mapping[str, str], city: City, units: tuple[str, ...], size: int
) -> QueueFilter:
    """The filter a query string asks for; unknown codes and bad dates are ignored."""
    status = query.get("status", "")
    statuses: tuple[str, ...] = tuple(sorted(OPEN_STATUSES)) if status == "open" else ()
    if status in {s.value for s in Status}:
        statuses = (status,)
    sort = query.get("sort", "-created")
    return QueueFilter(
        statuses=statuses,
        category=_known(query.get("category"), city.categories_by_code),
        unit_code=_known(query.get("unit"), city.units_by_code),
        ward=_known(query.get("ward"), city.wards_by_codename),
        overdue=query.get("overdue") == "1",
        created_from=_day_start(query.get("from"), city.zone, 0),
        created_to=_day_start(query.get("to"), city.zone, 1),
        text=(query.get("q") or "").strip()[:200] or None,
        units=units,
        sort=sort if sort.lstrip("-") in SORTS else "-created",
        offset=_number(query.get("offset")),
        limit=size,
    )


def whole(wanted: QueueFilter, limit: int) -> QueueFilter:
    """The same filter, every page at once (up to ``limit``)."""
    return dataclasses.replace(wanted, offset=0, limit=limit)


def _known(value: str | None, known: Mapping[str, object]) -> str | None:
    return value if value and value in known else None


def _day_start(text: str | None, zone: ZoneInfo, days_after: int) -> datetime | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=days_after), time(0), zone)


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def filter_form(
    query: Mapping[str, str], city: City, user: UserRecord, language: str, action: str
) -> str:
    """The filter bar: every choice in the dashboard's language."""
    statuses = [("open", t(language, "filter.open"))] + [
        (s.value, t(language, f"status.{s.value}")) for s in Status
    ]
    categories = [(c.code, c.name.in_language(language)) for c in city.categories]
    wards = sorted(((w.codename, w.name) for w in city.wards), key=lambda pair: pair[1])
    any_ = t(language, "filter.any")
    status_choices = options(statuses, query.get("status"), any_)
    category_choices = options(categories, query.get("category"), any_)
    fields = [
        _select("status", t(language, "filter.status"), status_choices),
        _select("category", t(language, "filter.category"), category_choices),
        _unit_select(query, city, user, language),
        _select("ward", t(language, "filter.ward"), options(wards, query.get("ward"), any_)),
        _input("from", t(language, "filter.from"), query.get("from"), "date"),
        _input("to", t(language, "filter.to"), query.get("to"), "date"),
        _input("q", t(language, "filter.text"), query.get("q"), "search"),
        f'<label class="check"><input {_overdue(query)}>'
        f"{esc(t(language, 'filter.overdue'))}</label>",
    ]
    sort = f"<input {attrs(type='hidden', name='sort', value=query.get('sort'))}>"
    buttons = (
        f'<button class="primary" type="submit">{esc(t(language, "filter.apply"))}</button>'
        f'<a class="button" href="{esc(action)}">{esc(t(language, "filter.reset"))}</a>'
    )
    return (
        f'<form class="filters" method="get" action="{esc(action)}" id="filters">'
        f"{''.join(fields)}{sort if query.get('sort') else ''}{buttons}</form>"
    )


def _overdue(query: Mapping[str, str]) -> str:
    return attrs(type="checkbox", name="overdue", value="1", checked=query.get("overdue") == "1")


def _unit_select(query: Mapping[str, str], city: City, user: UserRecord, language: str) -> str:
    if user.role == "official":
        return ""
    units = [(u.code, short_unit(u.name.in_language(language))) for u in city.units]
    any_ = t(language, "filter.any")
    return _select("unit", t(language, "filter.unit"), options(units, query.get("unit"), any_))


def _select(name: str, label: str, choices: str) -> str:
    return f"<label>{esc(label)}<select {attrs(name=name)}>{choices}</select></label>"


def _input(name: str, label: str, value: str | None, kind: str) -> str:
    return f"<label>{esc(label)}<input {attrs(type=kind, name=name, value=value)}></label>"


def short_unit(name: str) -> str:
    """A unit's short name: what its name gives in brackets at the end, or the name."""
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1]
    return name
