"""The crisis view: areas in crisis mode, open SOS reports, acknowledgement times, shelters.

``GET /ops/crisis`` shows, for the reports the signed-in user may see, every open urgent
report with how long it has waited for a person (or how soon one took it on), the
median and 90th percentile of that wait over the last 7 days per unit, and the
shelters of the services directory (those in areas in crisis first). Supervisors and
admins switch crisis mode for a ward or the whole city with ``POST /ops/crisis``, as
``huebot crisis on|off`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiohttp import web

from bot.web.ops.figures_view import span
from bot.web.ops.html import attrs, csrf_field, esc, local_time, options, page
from bot.web.ops.state import language_of, ops_of, report_units, user_of
from bot.web.ops.texts import t
from handlers import City
from storage.crisis import WHOLE_CITY, CrisisRecord
from storage.records import ReportRecord
from storage.services import ServiceEntry
from storage.staff import SUPERVISING
from storage.stats import Figures, Period, StatsQuery

SHELTERS_SHOWN = 40
DAYS = 7


async def crisis_page(request: web.Request) -> web.StreamResponse:
    """GET /ops/crisis."""
    ops, user, language = ops_of(request), user_of(request), language_of(request)
    units = report_units(user)
    now, city = ops.clock(), ops.city
    async with ops.database.unit_of_work() as store:
        areas = await store.crisis.active()
        urgent = await store.crisis.open_urgent(units or ()) if units is not None else []
        query = StatsQuery(
            Period.last_days(DAYS, city.zone, now), unit_code=units[0] if units else None
        )
        figures = await store.stats.figures(query, now) if units is not None else None
        shelters = await store.services.of_kind("shelter")
    wards = {area.area for area in areas}
    shelters.sort(key=lambda entry: (entry.ward not in wards, entry.position, entry.code))
    body = (
        f"<h1>{esc(t(language, 'crisis.title'))}</h1>"
        + _areas(areas, city, language)
        + (_switch(request, city, language) if user.role in SUPERVISING else "")
        + _urgent(urgent, city, now, language)
        + (_ack_times(figures.units, city, language) if figures else "")
        + _shelters(shelters[:SHELTERS_SHOWN], language)
    )
    return page(request, t(language, "crisis.title"), body, "crisis")


async def switch(request: web.Request) -> web.StreamResponse:
    """POST /ops/crisis: ``action`` on or off, ``area`` a ward codename or ``*``."""
    ops, user, language = ops_of(request), user_of(request), language_of(request)
    if user.role not in SUPERVISING:
        body = f'<p class="error" role="alert">{esc(t(language, "crisis.not_allowed"))}</p>'
        return page(request, t(language, "crisis.title"), body, "crisis", status=403)
    form = await request.post()
    area, action = str(form.get("area", "")), str(form.get("action", ""))
    if (area != WHOLE_CITY and ops.city.ward(area) is None) or action not in ("on", "off"):
        raise web.HTTPBadRequest(text="area must be a ward codename or *; action on or off")
    actor, now = f"user:{user.id}", ops.clock()
    async with ops.database.unit_of_work() as store:
        if action == "on":
            reason = str(form.get("reason", ""))[:300] or None
            await store.crisis.start(area, source="dashboard", actor=actor, now=now, reason=reason)
        else:
            await store.crisis.end(area, actor=actor, now=now)
    raise web.HTTPSeeOther("/ops/crisis")


def _area_name(area: str, city: City, language: str) -> str:
    if area == WHOLE_CITY:
        return t(language, "crisis.whole_city")
    ward = city.ward(area)
    return ward.name if ward else area


def _areas(areas: Sequence[CrisisRecord], city: City, language: str) -> str:
    if not areas:
        return _card(
            "crisis.areas", f'<p class="muted">{esc(t(language, "crisis.none"))}</p>', language
        )
    items = "".join(
        f"<li><strong>{esc(_area_name(a.area, city, language))}</strong> "
        + esc(
            t(language, "crisis.since", time=local_time(a.started_at, city.zone), source=a.source)
        )
        + (f" · {esc(a.reason)}" if a.reason else "")
        + "</li>"
        for a in areas
    )
    return _card("crisis.areas", f"<ul>{items}</ul>", language)


def _switch(request: web.Request, city: City, language: str) -> str:
    choices = [(WHOLE_CITY, t(language, "crisis.whole_city"))]
    choices += [(ward.codename, ward.name) for ward in city.wards]
    buttons = "".join(
        f"<button {attrs(type='submit', name='action', value=action)}>"
        f"{esc(t(language, f'crisis.{action}'))}</button>"
        for action in ("on", "off")
    )
    reason = t(language, "crisis.reason")
    form = (
        f'<form method="post" action="/ops/crisis">{csrf_field(request)}'
        f'<select name="area">{options(choices, WHOLE_CITY)}</select>'
        f"<input {attrs(name='reason', maxlength='300', placeholder=reason)}>"
        f"{buttons}</form>"
    )
    return _card("crisis.switch", form, language)


def _urgent(reports: list[ReportRecord], city: City, now: datetime, language: str) -> str:
    if not reports:
        return _card(
            "crisis.urgent",
            f'<p class="muted">{esc(t(language, "crisis.no_urgent"))}</p>',
            language,
        )
    rows = "".join(_urgent_row(report, city, now, language) for report in reports)
    return _card("crisis.urgent", f'<table class="queue crisis">{rows}</table>', language)


def _urgent_row(report: ReportRecord, city: City, now: datetime, language: str) -> str:
    if report.acknowledged_at is None:
        waited = int((now - report.created_at).total_seconds() // 60)
        wait, css = t(language, "crisis.waiting", minutes=waited), "urgent"
    else:
        taken = int((report.acknowledged_at - report.created_at).total_seconds() // 60)
        wait, css = t(language, "crisis.taken", minutes=taken), ""
    people = f"👥 {report.people}" if report.people is not None else ""
    cells = (
        f'🆘 <a href="/ops/reports/{esc(report.code)}">{esc(report.code)}</a>',
        esc(_place(city, report, language)),
        esc(" ".join(filter(None, (people, ", ".join(report.needs))))),
        esc(wait),
    )
    return f"<tr {attrs(class_=css or None)}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _place(city: City, report: ReportRecord, language: str) -> str:
    ward = city.ward(report.ward) if report.ward else None
    return report.place or (ward.name if ward else "—")


def _ack_times(units: tuple[tuple[str, Figures], ...], city: City, language: str) -> str:
    rows = []
    for code, figures in units:
        if not figures.urgent:
            continue
        unit = city.units_by_code.get(code)
        name = unit.name.in_language(language) if unit else code
        shown = span(figures.urgent_ack_p50_seconds, figures.urgent_ack_p90_seconds, language)
        rows.append(f"<tr><td>{esc(name)}</td><td>{esc(shown)}</td></tr>")
    table = f'<table class="figures">{"".join(rows)}</table>' if rows else '<p class="muted">—</p>'
    return _card("crisis.ack_times", table, language)


def _shelters(shelters: list[ServiceEntry], language: str) -> str:
    if not shelters:
        return _card(
            "crisis.shelters",
            f'<p class="muted">{esc(t(language, "crisis.no_shelters"))}</p>',
            language,
        )
    items = "".join(
        f"<li><strong>{esc(s.name_en if language == 'en' else s.name_vi)}</strong>"
        + (f" · {esc(s.address)}" if s.address else "")
        + (f" · ☎ {esc(s.phone)}" if s.phone else "")
        + "</li>"
        for s in shelters
    )
    return _card("crisis.shelters", f"<ul>{items}</ul>", language)


def _card(title_key: str, content: str, language: str) -> str:
    return f'<section class="card"><h2>{esc(t(language, title_key))}</h2>{content}</section>'
