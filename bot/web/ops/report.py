"""One report: its text, photos, place, history and rating, and what can be done with it."""

from __future__ import annotations

from aiohttp import web

from bot.web.ops.actions import allowed_actions, forms
from bot.web.ops.basemap import BASEMAP_URL, allow_tile_referrer
from bot.web.ops.html import attrs, badge, csrf_field, esc, local_time, page
from bot.web.ops.queue import time_left
from bot.web.ops.state import Ops, language_of, may_see, ops_of, user_of
from bot.web.ops.texts import t
from handlers import City
from handlers.report.redaction import redact
from storage.records import EventRecord, ReportRecord, Status

STATUSES = {status.value for status in Status}
MESSAGES = {"ok": "ok", "stale": "error", "words": "error", "photo": "error"}


async def report_page(request: web.Request) -> web.StreamResponse:
    """GET /ops/reports/{code}."""
    ops, user, language = ops_of(request), user_of(request), language_of(request)
    code = request.match_info["code"].upper()
    async with ops.database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    if report is None:
        raise web.HTTPNotFound(text=t(language, "error.not_found"))
    if not may_see(user, report.unit_code):
        return page(request, code, _refusal(language), "queue", status=403)
    now = ops.clock()
    main = (
        _summary(report, ops.city, language, now)
        + _section(t(language, "detail.text"), _text(request, report, language))
        + _section(t(language, "detail.photos"), _photos(report, language))
        + _section(t(language, "detail.place"), _place(report, ops, language))
        + _section(t(language, "detail.rating"), _rating(report, language))
    )
    actions = forms(request, report, allowed_actions(user, report), ops.city)
    side = (
        _flash(request, report, language)
        + _section(t(language, "detail.actions"), actions, "actions")
        + _section(t(language, "detail.history"), _history(report.events, ops.city, language))
    )
    back = f'<a class="back" href="/ops/queue">{esc(t(language, "detail.back"))}</a>'
    body = f'{back}<div class="detail"><div class="main">{main}</div><aside>{side}</aside></div>'
    return allow_tile_referrer(page(request, report.code, body, "queue"), ops.config.tile_url)


def _text(request: web.Request, report: ReportRecord, language: str) -> str:
    """The report's words; a confidential one redacted, with the admins' identity button."""
    if not report.confidential:
        return f'<p class="text">{esc(report.text)}</p>'
    html = (
        f'<p class="badge">{esc(t(language, "confidential.badge"))}</p>'
        f'<p class="muted">{esc(t(language, "confidential.note"))}</p>'
        f'<p class="text">{esc(redact(report.text))}</p>'
    )
    if user_of(request).role == "admin":
        href = f"/ops/reports/{report.code}/identity"
        html += (
            f'<form method="post" {attrs(action=href)}>{csrf_field(request)}'
            f'<button type="submit">{esc(t(language, "identity.show"))}</button></form>'
        )
    return html


def _refusal(language: str) -> str:
    return f'<p class="error" role="alert">{esc(t(language, "act.denied"))}</p>'


def _section(title: str, content: str, kind: str = "") -> str:
    return (
        f"<section {attrs(class_=f'card {kind}'.strip())}><h2>{esc(title)}</h2>{content}</section>"
    )


def _summary(report: ReportRecord, city: City, language: str, now: object) -> str:
    category = city.categories_by_code.get(report.category)
    unit = city.units_by_code.get(report.unit_code)
    ward = city.ward(report.ward) if report.ward else None
    facts = (
        (t(language, "col.category"), category.name.in_language(language) if category else "—"),
        (t(language, "col.unit"), unit.name.in_language(language) if unit else report.unit_code),
        (t(language, "col.ward"), ward.name if ward else "—"),
        (t(language, "detail.created"), local_time(report.created_at, city.zone)),
        (t(language, "detail.deadline"), local_time(report.deadline_at, city.zone)),
        (t(language, "col.deadline"), time_left(report, now, language)),  # type: ignore[arg-type]
        (t(language, "detail.channel"), report.channel),
    )
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    return (
        f'<div class="card summary"><h1>{esc(report.code)} {badge(report.status, language)}</h1>'
        f"<dl>{rows}</dl></div>"
    )


def _photos(report: ReportRecord, language: str) -> str:
    if not report.photos:
        return f'<p class="muted">{esc(t(language, "detail.no_photos"))}</p>'
    items = "".join(
        f"<a {attrs(href=f'/media/{p.sha256}', target='_blank', rel='noopener')}>"
        f"<img {attrs(src=f'/media/{p.sha256}', alt=report.code, loading='lazy')}></a>"
        for p in report.photos
    )
    return f'<div class="photos">{items}</div>'


def _place(report: ReportRecord, ops: Ops, language: str) -> str:
    lines = dict.fromkeys(text for text in (report.place, report.address) if text)
    address = "".join(f"<p>{esc(text)}</p>" for text in lines)
    if report.latitude is None or report.longitude is None:
        return address or f'<p class="muted">{esc(t(language, "detail.no_place"))}</p>'
    spot = attrs(
        id="minimap", class_="minimap", data_lat=report.latitude, data_lng=report.longitude,
        data_status=report.status, data_tiles=ops.config.tile_url, data_basemap=BASEMAP_URL,
        data_attribution=ops.config.tile_attribution,
        data_no_tiles=t(language, "map.no_tiles"),
        data_basemap_note=t(language, "map.basemap_note"),
    )  # fmt: skip
    where = f"{report.latitude:.5f}, {report.longitude:.5f}"
    return f'{address}<div {spot}></div><p class="muted">{esc(where)}</p>'


def _rating(report: ReportRecord, language: str) -> str:
    if report.satisfied is None and report.rating is None:
        return f'<p class="muted">{esc(t(language, "detail.no_rating"))}</p>'
    verdict = "detail.satisfied" if report.satisfied else "detail.unsatisfied"
    stars = f" · {'★' * report.rating}" if report.rating else ""
    comment = (
        f"<blockquote>{esc(report.rating_comment)}</blockquote>" if report.rating_comment else ""
    )
    return f"<p><strong>{esc(t(language, verdict))}</strong>{esc(stars)}</p>{comment}"


def _history(events: tuple[EventRecord, ...], city: City, language: str) -> str:
    def label(status: str | None) -> str:
        return t(language, f"status.{status}") if status in STATUSES else status or "·"

    items = "".join(
        f'<li><time>{esc(local_time(e.at, city.zone))}</time> <span class="actor">'
        f"{esc(e.actor)}</span> {esc(label(e.old_status))} → {esc(label(e.new_status))}"
        f"{f'<p>{esc(e.note)}</p>' if e.note else ''}</li>"
        for e in events
    )
    return f'<ol class="history">{items}</ol>'


def _flash(request: web.Request, report: ReportRecord, language: str) -> str:
    key = request.query.get("done", "")
    if key not in MESSAGES:
        return ""
    label = t(language, f"status.{report.status}")
    text = {
        "ok": t(language, "act.done_ok", code=report.code, status=label),
        "stale": t(language, "act.stale", code=report.code, status=label),
        "words": t(language, "act.need_words"),
        "photo": t(language, "act.bad_photo"),
    }[key]
    return f'<p class="flash {MESSAGES[key]}" role="status">{esc(text)}</p>'
