"""Server-rendered pages: one layout, and small helpers that escape everything they print."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.web.ops.state import CITY, CSRF, LANGUAGE, USER, report_units
from bot.web.ops.texts import t
from handlers import City
from storage.records import UserRecord

NAV = (("queue", "/ops/queue"), ("map", "/ops/map"), ("figures", "/ops/figures"),
       ("alerts", "/ops/alerts"), ("crisis", "/ops/crisis"))  # fmt: skip
ASSETS = "/ops-static"
STYLES = ("vendor/leaflet.css", "vendor/MarkerCluster.css", "vendor/MarkerCluster.Default.css",
          "ops.css")  # fmt: skip
SCRIPTS = ("vendor/leaflet.js", "vendor/leaflet.markercluster.js", "vendor/chart.umd.min.js",
           "ops.js")  # fmt: skip


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def attrs(**values: object) -> str:
    """HTML attributes, escaped; False and None leave an attribute out, True writes it bare."""
    parts = []
    for name, value in values.items():
        key = name.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(key)
        elif value not in (False, None):
            parts.append(f'{key}="{esc(value)}"')
    return " ".join(parts)


def data_block(element_id: str, value: Any) -> str:
    """JSON for the page's script, in a block the browser never executes."""
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def options(
    choices: Iterable[tuple[str, str]], selected: str | None, blank: str | None = None
) -> str:
    """``<option>`` elements; ``blank`` adds an empty first choice with that label."""
    items = [(("", blank),) if blank is not None else (), tuple(choices)]
    return "".join(
        f"<option {attrs(value=v, selected=(v == (selected or '')))}>{esc(label)}</option>"
        for group in items
        for v, label in group
    )


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A date and time in the city's zone (day/month/year, 24 hours)."""
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M") if moment else "—"


def span(delta: timedelta, language: str) -> str:
    """A duration as the two largest units: 2 ngày 3 giờ, 5h 10m."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [(days, "unit.d"), (hours, "unit.h"), (mins, "unit.m")]
    shown = [t(language, key, n=n) for n, key in parts if n][:2]
    return " ".join(shown) or t(language, "unit.m", n=0)


def query_string(values: Mapping[str, str | None], **changes: str | None) -> str:
    """The current filter as a query string, with ``changes`` applied (None removes)."""
    merged = {**values, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


def badge(status: str, language: str) -> str:
    """A report status as a coloured label."""
    return f'<span class="badge s-{esc(status)}">{esc(t(language, f"status.{status}"))}</span>'


def page(
    request: web.Request, title: str, body: str, active: str = "", status: int = 200
) -> web.Response:
    """A whole page in the layout (navigation, user, language switch)."""
    language = request.get(LANGUAGE, "vi")
    user = request.get(USER)
    city = request[CITY]
    header = _header(request, user, active, city, language) if user else _bare_header(language)
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · HueBot</title>"
        f'<link rel="icon" href="{ASSETS}/icon.svg">'
        f"{_styles()}</head><body>{header}<main>{body}</main>{_scripts()}</body></html>"
    )
    return web.Response(text=document, content_type="text/html", status=status)


def _styles() -> str:
    return "".join(f'<link rel="stylesheet" href="{ASSETS}/{name}">' for name in STYLES)


def _scripts() -> str:
    return "".join(f'<script src="{ASSETS}/{name}" defer></script>' for name in SCRIPTS)


def _header(request: web.Request, user: UserRecord, active: str, city: City, language: str) -> str:
    shown = NAV if report_units(user) is not None else NAV[2:]
    links = "".join(
        f"<a {attrs(href=href, class_='on' if name == active else None)}>"
        f"{esc(t(language, f'nav.{name}'))}</a>"
        for name, href in shown
    )
    scope = (
        city.unit(user.unit_code).name.in_language(language)
        if user.unit_code and user.unit_code in city.units_by_code
        else t(language, "all_units")
    )
    who = t(language, "signed_in_as", role=t(language, f"role.{user.role}"), unit=scope)
    logout = (
        f'<form method="post" action="/ops/logout" class="inline">{csrf_field(request)}'
        f'<button class="link">{esc(t(language, "nav.logout"))}</button></form>'
    )
    return (
        f'<header><div class="brand">{_logo()}<span>{esc(t(language, "brand"))}</span></div>'
        f'<nav>{links}</nav><div class="who"><span class="whoami" {attrs(title=who)}>'
        f"{esc(who)}</span>{_switch(request, language)}{logout}</div></header>"
    )


def _bare_header(language: str) -> str:
    return (
        f'<header><div class="brand">{_logo()}<span>{esc(t(language, "brand"))}</span></div>'
        f'<div class="who">{_switch(None, language)}</div></header>'
    )


def _switch(request: web.Request | None, language: str) -> str:
    other = "vi" if language == "en" else "en"
    back = request.path_qs if request is not None else "/ops/login"
    href = "/ops/lang?" + urlencode({"to": other, "next": back})
    return (
        f'<a class="lang" {attrs(href=href, hreflang=other)}>{esc(t(language, "lang.switch"))}</a>'
    )


def _logo() -> str:
    return f'<img src="{ASSETS}/icon.svg" alt="" width="28" height="28">'


def csrf_field(request: web.Request) -> str:
    """The hidden form field every POST under /ops must carry."""
    return f'<input type="hidden" name="csrf" value="{esc(request.get(CSRF, ""))}">'


def pager(request: web.Request, total: int, offset: int, size: int) -> str:
    """Previous and next links keeping the filter."""
    language = request.get(LANGUAGE, "vi")
    pages = max((total + size - 1) // size, 1)
    current = offset // size + 1
    query = dict(request.query)
    links = []
    if offset > 0:
        href = "?" + query_string(query, offset=str(max(offset - size, 0)) or None)
        links.append(f"<a {attrs(href=href, rel='prev')}>{esc(t(language, 'page.prev'))}</a>")
    links.append(f"<span>{esc(t(language, 'page.of', page=current, pages=pages))}</span>")
    if offset + size < total:
        href = "?" + query_string(query, offset=str(offset + size))
        links.append(f"<a {attrs(href=href, rel='next')}>{esc(t(language, 'page.next'))}</a>")
    return f'<div class="pager">{"".join(links)}</div>'
