"""Alerts as HTML: the list with progress bars, the composer, the preview."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.ops.html import attrs, csrf_field, esc, local_time, options, page
from bot.web.ops.state import BROADCASTING, language_of, ops_of, user_of
from bot.web.ops.texts import t
from handlers import City
from handlers.alerts.render import SEVERITIES, area_name, render_alert
from storage.alerts import AlertContent, AlertRecord

PARTS = ("sent", "failed", "blocked", "remaining")


def listing(rows: list[tuple[AlertRecord, dict[str, int]]], city: City, language: str) -> str:
    """The latest alerts, each with its delivery progress (updated live by ops.js)."""
    if not rows:
        return (
            f'<section class="card list"><p class="muted">{esc(t(language, "alerts.none"))}'
            "</p></section>"
        )
    items = "".join(_item(alert, counts, city, language) for alert, counts in rows)
    return (
        f'<section class="card list" id="alert-list" data-poll="/ops/api/alerts">{items}</section>'
    )


def _item(alert: AlertRecord, counts: dict[str, int], city: City, language: str) -> str:
    content = alert.content
    total = max(sum(counts.values()), 1)
    bars = "".join(
        f'<i {attrs(class_=f"bar {p}", data_part=p)} data-width="{counts[p] * 100 // total}"></i>'
        for p in PARTS
    )
    legend = " · ".join(
        f'<span data-count="{p}">{counts[p]}</span> {esc(t(language, f"alerts.{p}"))}'
        for p in PARTS
    )
    state = t(language, f"alerts.state.{alert.status}") if alert.status in (
        "active", "cancelled", "replaced") else alert.status  # fmt: skip
    return (
        f"<article {attrs(class_='alert', data_alert=alert.id, data_severity=content.severity)}>"
        f"<header><strong>#{alert.id} · {esc(content.headline)}</strong>"
        f'<span class="sev sev-{esc(content.severity)}">'
        f"{esc(t(language, f'alert.sev.{content.severity}'))}</span></header>"
        f'<p class="muted">{esc(area_name(content, language, city))} · '
        f"{esc(local_time(content.sent_at, city.zone))} · {esc(state)} · "
        f"{esc(t(language, 'alerts.recipients'))}: {alert.recipients}</p>"
        f'<div class="progress" aria-label="{esc(t(language, "alerts.progress"))}">{bars}</div>'
        f'<p class="legend-line">{legend}</p></article>'
    )


def composer(request: web.Request, values: dict[str, Any], problem: str | None) -> str:
    """The compose form (or why it is not offered), filled with ``values``."""
    language, user, city = language_of(request), user_of(request), ops_of(request).city
    title = f"<h2>{esc(t(language, 'alerts.compose'))}</h2>"
    if user.role not in BROADCASTING:
        text = esc(t(language, "alerts.only_broadcasters"))
        return f'<section class="card compose">{title}<p class="muted">{text}</p></section>'
    error = f'<p class="error" role="alert">{esc(problem)}</p>' if problem else ""
    severities = [(s, t(language, f"alert.sev.{s}")) for s in SEVERITIES]
    wards = sorted(((w.codename, w.name) for w in city.wards), key=lambda pair: pair[1])
    chosen = set(values.get("wards", ()))
    ward_options = "".join(
        f"<option {attrs(value=code, selected=code in chosen)}>{esc(name)}</option>"
        for code, name in wards
    )
    return (
        f'<section class="card compose">{title}{error}'
        f'<form method="post" action="/ops/alerts/preview" id="compose">{csrf_field(request)}'
        f'{_line("headline", t(language, "alerts.headline"), values, True)}'
        f'{_area("description", t(language, "alerts.description"), values)}'
        f'{_area("instruction", t(language, "alerts.instruction"), values)}'
        f'<label>{esc(t(language, "alerts.severity"))}<select name="severity" required>'
        f'{options(severities, values.get("severity"))}</select></label>'
        f'<fieldset><legend>{esc(t(language, "alerts.area"))}</legend>'
        f'<label class="check"><input {_whole_city(values)}>'
        f'{esc(t(language, "alerts.whole_city"))}'
        f'</label><label>{esc(t(language, "alerts.wards"))}'
        f'<select name="wards" multiple size="8">{ward_options}</select></label></fieldset>'
        f'<button class="primary" type="submit">{esc(t(language, "alerts.preview"))}</button>'
        f"</form></section>"
    )  # fmt: skip


def _whole_city(values: dict[str, Any]) -> str:
    return attrs(type="checkbox", name="whole_city", value="1",
                 checked=bool(values.get("whole_city")))  # fmt: skip


def _line(name: str, label: str, values: dict[str, Any], required: bool) -> str:
    field = attrs(name=name, value=values.get(name), required=required, maxlength=300)
    return f"<label>{esc(label)}<input {field}></label>"


def _area(name: str, label: str, values: dict[str, Any]) -> str:
    return (
        f"<label>{esc(label)}<textarea {attrs(name=name, rows=3)}>"
        f"{esc(values.get(name, ''))}</textarea></label>"
    )


def preview_page(
    request: web.Request, values: dict[str, Any], content: AlertContent, count: int
) -> web.Response:
    """The alert as citizens will read it, how many will, and Send / Edit."""
    language, city = language_of(request), ops_of(request).city
    shown = "".join(
        f'<pre class="bubble">{esc(reply.text)}</pre>'
        for reply in render_alert(content, None, language, city)
    )
    hidden = "".join(
        f"<input {attrs(type='hidden', name=name, value=value)}>"
        for name, value in _hidden(values)
    )
    reach = esc(t(language, "alerts.reach", count=count))
    body = (
        f'<div class="title"><h1>{esc(t(language, "alerts.preview_title"))}</h1></div>'
        f'<section class="card preview">{shown}<p class="reach"><strong>{reach}</strong></p>'
        f'<form method="post" action="/ops/alerts/send" class="inline">{csrf_field(request)}'
        f'{hidden}<button class="primary danger" type="submit">'
        f"{esc(t(language, 'alerts.send'))}</button></form>"
        f'<form method="post" action="/ops/alerts/edit" class="inline">{csrf_field(request)}'
        f'{hidden}<button type="submit">{esc(t(language, "alerts.edit"))}</button></form>'
        f"</section>"
    )
    return page(request, t(language, "alerts.preview_title"), body, "alerts")


def _hidden(values: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [(k, str(values[k])) for k in ("headline", "description", "instruction", "severity")]
    if values.get("whole_city"):
        pairs.append(("whole_city", "1"))
    pairs += [("wards", ward) for ward in values.get("wards", ())]
    return pairs
