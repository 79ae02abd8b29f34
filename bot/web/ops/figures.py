"""Figures: the numbers of ``huebot stats`` (storage/stats.py), per unit and per category,
daily and weekly charts, a unit league table, and the same figures as CSV."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.stats_export import as_csv
from bot.web.ops.figures_view import cards, league, table
from bot.web.ops.html import attrs, data_block, esc, options, page, query_string
from bot.web.ops.state import Ops, language_of, ops_of, user_of
from bot.web.ops.texts import t
from handlers.handling.stats_view import period_label
from storage.stats import Period, Statistics, Stats, StatsQuery

DEFAULT_DAYS = 30
DAILY, WEEKLY = 14, 12


def stats_query(request: web.Request, now: datetime) -> StatsQuery:
    """The figures' filter: dates (local days), unit, category; an official's own unit."""
    ops, user = ops_of(request), user_of(request)
    city = ops.city
    since, until = _day(request.query.get("since")), _day(request.query.get("until"))
    if since is None and until is None:
        since = now.astimezone(city.zone).date() - timedelta(days=DEFAULT_DAYS - 1)
    try:
        period = Period.local_days(since, until, city.zone, now)
    except ValueError:
        raise web.HTTPBadRequest(text=t(language_of(request), "fig.bad_dates")) from None
    unit = request.query.get("unit") if request.query.get("unit") in city.units_by_code else None
    if user.role == "official":
        unit = user.unit_code
    category = request.query.get("category")
    return StatsQuery(period, unit, category if category in city.categories_by_code else None)


async def figures_page(request: web.Request) -> web.StreamResponse:
    """GET /ops/figures."""
    ops, language = ops_of(request), language_of(request)
    now = ops.clock()
    query = stats_query(request, now)
    stats, series = await _collect(ops, query, now)
    csv_href = "/ops/figures.csv?" + query_string(dict(request.query))
    label = period_label(query.period, ops.city.zone, language)
    body = (
        f'<div class="title"><h1>{esc(t(language, "fig.title"))}</h1>'
        f'<span class="count">{esc(label)}</span>'
        f'<a class="button" href="{esc(csv_href)}">{esc(t(language, "export.csv"))}</a></div>'
        f"{_form(request)}{cards(stats.total, language)}"
        f'<div class="charts"><section class="card"><h2>{esc(t(language, "fig.daily"))}</h2>'
        f'<canvas id="chart-daily" height="220"></canvas></section>'
        f'<section class="card"><h2>{esc(t(language, "fig.weekly"))}</h2>'
        f'<canvas id="chart-weekly" height="220"></canvas></section></div>'
        f'<div class="tables"><section class="card"><h2>{esc(t(language, "fig.league"))}</h2>'
        f"{league(stats, ops.city, language)}</section>"
        f'<section class="card"><h2>{esc(t(language, "fig.by_category"))}</h2>'
        f"{table(stats, ops.city, language)}</section></div>"
        f"{data_block('series', _labelled(series, language))}"
    )
    return page(request, t(language, "fig.title"), body, "figures")


async def figures_csv(request: web.Request) -> web.StreamResponse:
    """GET /ops/figures.csv: the figures of the current filter, as ``huebot stats`` writes."""
    ops = ops_of(request)
    now = ops.clock()
    stats, _ = await _collect(ops, stats_query(request, now), now, with_series=False)
    return web.Response(
        text=as_csv(stats) + "\n", content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="huebot-figures.csv"'},
    )  # fmt: skip


async def _collect(
    ops: Ops, query: StatsQuery, now: datetime, with_series: bool = True
) -> tuple[Stats, dict[str, list[dict[str, Any]]]]:
    """The figures and, per day and per week, the same cohort figures, in one transaction."""
    async with ops.database.session() as session:
        statistics = Statistics(session)
        stats = await statistics.figures(query, now)
        series: dict[str, list[dict[str, Any]]] = {"daily": [], "weekly": []}
        if not with_series:
            return stats, series
        for name, periods in (("daily", _days(ops, now)), ("weekly", _weeks(ops, now))):
            for first, period in periods:
                figures = (await statistics.figures(_with(query, period), now)).total
                series[name].append({"day": first.isoformat(), **figures.as_dict()})
    return stats, series


def _with(query: StatsQuery, period: Period) -> StatsQuery:
    return StatsQuery(period, query.unit_code, query.category)


def _days(ops: Ops, now: datetime) -> list[tuple[date, Period]]:
    today = now.astimezone(ops.city.zone).date()
    days = [today - timedelta(days=n) for n in range(DAILY - 1, -1, -1)]
    return [(day, Period.local_days(day, day, ops.city.zone, now)) for day in days]


def _weeks(ops: Ops, now: datetime) -> list[tuple[date, Period]]:
    today = now.astimezone(ops.city.zone).date()
    monday = today - timedelta(days=today.weekday())
    firsts = [monday - timedelta(weeks=n) for n in range(WEEKLY - 1, -1, -1)]
    return [
        (first, Period.local_days(first, first + timedelta(days=6), ops.city.zone, now))
        for first in firsts
    ]


def _labelled(series: dict[str, list[dict[str, Any]]], language: str) -> dict[str, Any]:
    names = {key: t(language, f"fig.{key}") for key in ("received", "handled", "overdue")}
    names["on_time_share"] = t(language, "fig.on_time")
    names["satisfaction_rate"] = t(language, "fig.satisfaction")
    return {"names": names, **series}


def _form(request: web.Request) -> str:
    ops, user, language = ops_of(request), user_of(request), language_of(request)
    query = request.query
    any_ = t(language, "filter.any")
    unit_choices = [(u.code, u.name.in_language(language)) for u in ops.city.units]
    units = (
        ""
        if user.role == "official"
        else (
            f'<label>{esc(t(language, "filter.unit"))}<select name="unit">'
            f"{options(unit_choices, query.get('unit'), any_)}</select></label>"
        )
    )
    categories = [(c.code, c.name.in_language(language)) for c in ops.city.categories]
    since = attrs(type="date", name="since", value=query.get("since"))
    until = attrs(type="date", name="until", value=query.get("until"))
    return (
        f'<form class="filters" method="get" action="/ops/figures">'
        f'<label>{esc(t(language, "filter.from"))}<input {since}></label>'
        f'<label>{esc(t(language, "filter.to"))}<input {until}></label>{units}'
        f'<label>{esc(t(language, "filter.category"))}<select name="category">'
        f'{options(categories, query.get("category"), any_)}</select></label>'
        f'<button class="primary" type="submit">{esc(t(language, "filter.apply"))}</button>'
        f'<a class="button" href="/ops/figures">{esc(t(language, "filter.reset"))}</a></form>'
    )  # fmt: skip


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None
