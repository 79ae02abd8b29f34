"""Alerts: the latest broadcasts with their live delivery progress, and a composer.

Composing goes through the chat dialog's own functions (``handlers.alerts.issue``):
``draft`` fills in the defaults, ``check`` refuses what cannot be sent, the preview is
``render_alert`` with the audience counted, and ``issue`` stores the alert and its outbox
rows in one unit of work. Only broadcasters and admins may compose.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.delivery.progress import figures
from bot.web.ops.alerts_view import composer, listing, preview_page
from bot.web.ops.html import esc, page
from bot.web.ops.state import BROADCASTING, language_of, ops_of, user_of
from bot.web.ops.texts import t
from handlers import Turn
from handlers.alerts.issue import AlertProblem, audience_of, check, draft, issue
from handlers.alerts.render import SEVERITIES
from storage.alerts import AlertContent, AlertRecord
from storage.store import Store

LISTED = 20


async def alerts_page(request: web.Request) -> web.StreamResponse:
    """GET /ops/alerts."""
    ops, language = ops_of(request), language_of(request)
    async with ops.database.unit_of_work() as store:
        rows = [(a, await progress_of(store, a)) for a in await store.alerts.latest(LISTED)]
    issued = ""
    if request.query.get("issued", "").isdigit():
        text = t(language, "alerts.issued", id=request.query["issued"],
                 count=request.query.get("count", "0"))  # fmt: skip
        issued = f'<p class="flash ok" role="status">{esc(text)}</p>'
    body = (
        f'<div class="title"><h1>{esc(t(language, "alerts.title"))}</h1></div>{issued}'
        f'<div class="alerts">{listing(rows, ops.city, language)}'
        f"{composer(request, {}, None)}</div>"
    )
    return page(request, t(language, "alerts.title"), body, "alerts")


async def alerts_progress(request: web.Request) -> web.StreamResponse:
    """GET /ops/api/alerts: the latest alerts' delivery figures (the page polls this)."""
    ops = ops_of(request)
    async with ops.database.unit_of_work() as store:
        alerts = await store.alerts.latest(LISTED)
        rows = [{"id": a.id, "status": a.status, "recipients": a.recipients,
                 "finished": a.finished_at is not None, **await progress_of(store, a)}
                for a in alerts]  # fmt: skip
    return web.json_response({"alerts": rows})


async def progress_of(store: Store, alert: AlertRecord) -> dict[str, int]:
    """Sent, failed, blocked and remaining deliveries of an alert (pushed channels)."""
    progress = figures(alert.id, await store.alerts.counts(alert.id))
    return {name: progress.total(name) for name in ("sent", "failed", "blocked")} | {
        "remaining": progress.remaining
    }


async def preview(request: web.Request) -> web.StreamResponse:
    """POST /ops/alerts/preview: the alert as citizens will see it, and how many."""
    ops, user, language = ops_of(request), _broadcaster(request), language_of(request)
    form = await request.post()
    async with ops.turn(user.id, language) as turn:
        try:
            content = _content(turn, form)
        except AlertProblem as problem:
            return _again(request, form, str(problem))
        count = await turn.ctx.store.alerts.count_audience(audience_of(content, ops.city))
    return preview_page(request, _fields(form), content, count)


async def send(request: web.Request) -> web.StreamResponse:
    """POST /ops/alerts/send: issue the previewed alert."""
    ops, user, language = ops_of(request), _broadcaster(request), language_of(request)
    form = await request.post()
    async with ops.turn(user.id, language) as turn:
        try:
            content = _content(turn, form)
        except AlertProblem as problem:
            return _again(request, form, str(problem))
        ctx = turn.ctx
        issued = await issue(ctx.store, ctx.city, content, ctx.now, watcher=turn.user.id)
    raise web.HTTPSeeOther(f"/ops/alerts?issued={issued.alert_id}&count={issued.recipients}")


async def edit(request: web.Request) -> web.StreamResponse:
    """POST /ops/alerts/edit: back to the composer with what was written."""
    _broadcaster(request)
    language = language_of(request)
    values = _fields(await request.post())
    body = (
        f'<div class="title"><h1>{esc(t(language, "alerts.compose"))}</h1></div>'
        f"{composer(request, values, None)}"
    )
    return page(request, t(language, "alerts.compose"), body, "alerts")


def _broadcaster(request: web.Request) -> Any:
    user = user_of(request)
    if user.role not in BROADCASTING:
        raise web.HTTPForbidden(text=t(language_of(request), "alerts.only_broadcasters"))
    return user


def _fields(form: MultiDictProxy[Any]) -> dict[str, Any]:
    return {
        "headline": str(form.get("headline", "")).strip()[:300],
        "description": str(form.get("description", "")).strip()[:4000],
        "instruction": str(form.get("instruction", "")).strip()[:2000],
        "severity": str(form.get("severity", "")),
        "whole_city": form.get("whole_city") == "1",
        "wards": tuple(str(w) for w in form.getall("wards", []))[:60],
    }


def _content(turn: Turn, form: MultiDictProxy[Any]) -> AlertContent:
    fields = _fields(form)
    if fields["severity"] not in SEVERITIES:
        raise AlertProblem(f"severity must be one of {', '.join(SEVERITIES)}")
    content = draft(
        fields["headline"], fields["description"], severity=fields["severity"],
        whole_city=fields["whole_city"], wards=() if fields["whole_city"] else fields["wards"],
        now=turn.ctx.now, sender=turn.ctx.city.name.vi,
        instruction=fields["instruction"] or None, source="dashboard", created_by=turn.user.id,
    )  # fmt: skip
    check(content, turn.ctx.city, turn.ctx.now)
    return content


def _again(request: web.Request, form: MultiDictProxy[Any], problem: str) -> web.Response:
    language = language_of(request)
    body = (
        f'<div class="title"><h1>{esc(t(language, "alerts.compose"))}</h1></div>'
        f"{composer(request, _fields(form), problem)}"
    )
    return page(request, t(language, "alerts.compose"), body, "alerts", status=400)
