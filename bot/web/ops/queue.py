"""The queue: every report the user may see, filtered, sorted, a page at a time; and CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from aiohttp import web

from bot.web.ops.filters import FIELDS, filter_form, parse_filter, short_unit, whole
from bot.web.ops.html import attrs, badge, esc, local_time, page, pager, query_string, span
from bot.web.ops.state import Ops, language_of, ops_of, report_units, user_of
from bot.web.ops.texts import t
from handlers import City
from handlers.report.confidential import text_for_staff as staff_text
from storage.ops_queue import MAX_ROWS, QueueFilter
from storage.records import OPEN_STATUSES, ReportRecord

COLUMNS = (("code", "code"), ("age", "created"), ("category", "category"),
           ("unit", "unit"), ("ward", "ward"), ("status", "status"),
           ("deadline", "deadline"), ("text", None))  # fmt: skip
CSV_HEADER = ("code", "created_at", "category", "unit", "ward", "status", "deadline_at",
              "resolved_at", "overdue", "latitude", "longitude", "address", "satisfied",
              "text")  # fmt: skip


def scoped_filter(request: web.Request) -> QueueFilter:
    """The filter of this request, limited to what the signed-in user may see."""
    ops, user = ops_of(request), user_of(request)
    units = report_units(user)
    if units is None:
        raise web.HTTPForbidden(text=t(language_of(request), "error.forbidden"))
    return parse_filter(request.query, ops.city, units, ops.config.page_size)


async def queue_page(request: web.Request) -> web.StreamResponse:
    """GET /ops/queue."""
    ops, language = ops_of(request), language_of(request)
    wanted = scoped_filter(request)
    now = ops.clock()
    async with ops.database.unit_of_work() as store:
        reports, total = await store.ops_queue.search(wanted, now)
    query = {key: request.query.get(key) for key in FIELDS}
    csv_href = "/ops/queue.csv?" + query_string(query)
    head = (
        f'<div class="title"><h1>{esc(t(language, "queue.title"))}</h1>'
        f'<span class="count">{esc(t(language, "queue.count", total=total))}</span>'
        f'<a class="button" href="{esc(csv_href)}">{esc(t(language, "export.csv"))}</a></div>'
    )
    form = filter_form(request.query, ops.city, user_of(request), language, "/ops/queue")
    table = _table(request, reports, ops.city, now, wanted.sort)
    paging = pager(request, total, wanted.offset, wanted.limit)
    body = f"{head}{form}{table}{paging}"
    return page(request, t(language, "queue.title"), body, "queue")


def _table(
    request: web.Request, reports: list[ReportRecord], city: City, now: datetime, sort: str
) -> str:
    language = language_of(request)
    if not reports:
        return f'<p class="empty">{esc(t(language, "queue.empty"))}</p>'
    heads = "".join(_head(request, name, key, sort) for name, key in COLUMNS)
    rows = "".join(_row(report, city, now, language) for report in reports)
    sort_by = attrs(data_label=t(language, "queue.sort_by"))  # shown where headers are hidden
    return (
        f'<table class="queue"><thead><tr {sort_by}>{heads}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _head(request: web.Request, name: str, key: str | None, sort: str) -> str:
    label = esc(t(language_of(request), f"col.{name}"))
    if key is None:
        return f"<th>{label}</th>"
    descending = "-" + key
    # Age sorts the other way round: the oldest report has the greatest age.
    wanted = descending if sort == key else key
    if key == "created":
        wanted = key if sort == descending else descending
    mark = " ▲" if sort == key else " ▼" if sort == descending else ""
    href = "?" + query_string(dict(request.query), sort=wanted, offset=None)
    return f"<th><a {attrs(href=href)}>{label}{mark}</a></th>"


def _row(report: ReportRecord, city: City, now: datetime, language: str) -> str:
    unit = city.units_by_code.get(report.unit_code)
    unit_name = unit.name.in_language(language) if unit else report.unit_code
    ward = city.ward(report.ward) if report.ward else None
    category = city.categories_by_code.get(report.category)
    overdue = report.status in OPEN_STATUSES and report.deadline_at < now
    sos = "🆘 " if report.urgent else ""
    cells = (
        f'{sos}<a href="/ops/reports/{esc(report.code)}">{esc(report.code)}</a>',
        esc(span(now - report.created_at, language)),
        esc(category.name.in_language(language) if category else report.category),
        f"<span {attrs(title=unit_name)}>{esc(short_unit(unit_name))}</span>",
        esc(ward.name if ward else "—"),
        badge(report.status, language),
        f'<span class="{"late" if overdue else "left"}">{esc(time_left(report, now, language))}'
        "</span>",
        f'<span class="snippet">{esc(staff_text(report)[:90])}</span>',
    )
    row_class = "urgent" if report.urgent and report.status in OPEN_STATUSES else ""
    row_class = row_class or ("overdue" if overdue else "")
    tds = "".join(
        f"<td {attrs(data_label=t(language, f'col.{name}'))}>{cell}</td>"
        for (name, _), cell in zip(COLUMNS, cells, strict=True)
    )
    return f"<tr {attrs(class_=row_class or None)}>{tds}</tr>"


def time_left(report: ReportRecord, now: datetime, language: str) -> str:
    """How long until the deadline, how long past it, or a dash for a closed report."""
    if report.status not in OPEN_STATUSES:
        return t(language, "left.closed")
    if report.deadline_at < now:
        return t(language, "left.overdue", time=span(now - report.deadline_at, language))
    return t(language, "left.remaining", time=span(report.deadline_at - now, language))


async def queue_csv(request: web.Request) -> web.StreamResponse:
    """GET /ops/queue.csv: the current filter, every page."""
    ops = ops_of(request)
    wanted = whole(scoped_filter(request), MAX_ROWS)
    now = ops.clock()
    async with ops.database.unit_of_work() as store:
        reports, _ = await store.ops_queue.search(wanted, now)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_row(ops, report, now) for report in reports)
    stamp = now.astimezone(ops.city.zone).strftime("%Y%m%d-%H%M")
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="huebot-reports-{stamp}.csv"'},
    )


def _csv_row(ops: Ops, report: ReportRecord, now: datetime) -> tuple[object, ...]:
    zone = ops.city.zone
    overdue = report.status in OPEN_STATUSES and report.deadline_at < now

    def iso(moment: datetime | None) -> str:
        return moment.astimezone(zone).isoformat() if moment else ""

    return (
        report.code, iso(report.created_at), report.category, report.unit_code,
        report.ward or "", report.status, iso(report.deadline_at), iso(report.resolved_at),
        "yes" if overdue else "no", report.latitude or "", report.longitude or "",
        report.address or "", "" if report.satisfied is None else report.satisfied,
        _defused(staff_text(report)),
    )  # fmt: skip


def _defused(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


__all__ = ["local_time", "queue_csv", "queue_page", "scoped_filter", "time_left"]
