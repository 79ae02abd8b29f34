"""Open311 GeoReport v2 under /open311/v2: services, requests (read and file), one request.

Reading is public, as the specification intends, but a public read shows only what a
public display may (``handlers.report.redaction``): no citizen's phone, e-mail, name, house
number or exact point, photos only once approved, and reports are known by an opaque id,
never the sequential ticket code. An ``api_key`` of a unit (``huebot open311 keys add
NAME --unit CODE``) reads that unit's own reports in full and may look them up by code.
Filing needs any live key. Every document comes as JSON or XML (the path's extension).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

from aiohttp import web

from bot.web.ops import open311_format as doc
from bot.web.ops.state import Ops, ops_of
from handlers.report.open311 import BadRequest, ServiceRequest, file_request
from handlers.report.redaction import UNIT_ACTORS
from storage.ops_queue import QueueFilter
from storage.records import OPEN_STATUSES, ReportRecord, Status
from storage.store import Store

PREFIX = "/open311/v2"
FORMAT = "{format:(json|xml)}"
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
INCLUSIVE = timedelta(microseconds=1)  # end_date is the latest time to include
CLOSED = tuple(sorted({s.value for s in Status} - set(OPEN_STATUSES)))
TICKET = re.compile(r"PA-\d+", re.IGNORECASE)
PUBLIC_ID = re.compile(r"[0-9a-f]{16}", re.IGNORECASE)


def setup(app: web.Application) -> None:
    """Add the Open311 routes (the dashboard's ``OPS`` key must be set)."""
    app.router.add_get(f"{PREFIX}/services.{FORMAT}", get_services)
    app.router.add_get(f"{PREFIX}/requests.{FORMAT}", get_requests)
    app.router.add_post(f"{PREFIX}/requests.{FORMAT}", post_request)
    app.router.add_get(f"{PREFIX}/requests/{{id}}.{FORMAT}", get_request)


def _language(request: web.Request) -> str:
    wanted = request.query.get("locale") or request.headers.get("Accept-Language") or ""
    return "en" if wanted.lower().startswith("en") else "vi"


async def get_services(request: web.Request) -> web.StreamResponse:
    """GET services.json|xml: the report categories."""
    rows = doc.services(ops_of(request).city, _language(request))
    return doc.render("services", rows, request.match_info["format"])


async def get_requests(request: web.Request) -> web.StreamResponse:
    """GET requests.json|xml: by id(s), or by service, dates and status (90 days by default)."""
    fmt, ops = request.match_info["format"], ops_of(request)
    try:
        wanted = _filter(request, ops)
    except ValueError as exc:
        return doc.error(400, str(exc), fmt)
    async with ops.database.unit_of_work() as store:
        unit = await _reader_unit(request, store, ops)
        found, _ = await store.ops_queue.search(_only_public_ids(wanted, unit), ops.clock())
        reports = [r for r in found if _may_find(r, wanted, unit)]
        return await _listed(request, ops, store, reports, unit)


async def get_request(request: web.Request) -> web.StreamResponse:
    """GET requests/{id}.json|xml: one request (by public id, or by code for its unit)."""
    ops, fmt = ops_of(request), request.match_info["format"]
    wanted = request.match_info["id"].strip()
    async with ops.database.unit_of_work() as store:
        unit = await _reader_unit(request, store, ops)
        found = await _one(store, wanted, unit)
        if found is None:
            return doc.error(404, f"no service request {wanted[:40]}", fmt)
        return await _listed(request, ops, store, [found], unit)


async def _one(store: Store, wanted: str, unit: str | None) -> ReportRecord | None:
    """The report ``wanted`` names, if this reader may find it (same answer otherwise)."""
    if TICKET.fullmatch(wanted):
        found = await store.reports.by_code(wanted.upper()) if unit else None
        return found if found is not None and found.unit_code == unit else None
    return await store.reports.by_public_id(wanted) if PUBLIC_ID.fullmatch(wanted) else None


async def _reader_unit(request: web.Request, store: Store, ops: Ops) -> str | None:
    """The unit whose key came with a read, or None for a public read."""
    api_key = request.query.get("api_key", "")
    found = await store.ops.key_of(api_key, ops.clock()) if api_key else None
    return found.unit_code if found is not None else None


def _only_public_ids(wanted: QueueFilter, unit: str | None) -> QueueFilter:
    """Codes are looked up only for a unit's key: the public knows opaque ids alone."""
    return wanted if unit else dataclasses.replace(wanted, codes=())


def _may_find(report: ReportRecord, wanted: QueueFilter, unit: str | None) -> bool:
    """A report listed by its code only when the code's unit asks."""
    if report.code in wanted.codes and report.public_id not in wanted.public_ids:
        return report.unit_code == unit
    return True


async def post_request(request: web.Request) -> web.StreamResponse:
    """POST requests.json|xml: file a request; needs a valid api_key."""
    ops, fmt = ops_of(request), request.match_info["format"]
    form = await request.post()
    api_key = str(form.get("api_key") or request.query.get("api_key") or "")
    try:
        wanted = ServiceRequest(
            service_code=str(form.get("service_code", "")),
            description=str(form.get("description", "")).strip()[:4000],
            latitude=_number(form.get("lat")), longitude=_number(form.get("long")),
            address=str(form.get("address_string", "")).strip()[:500] or None,
        )  # fmt: skip
    except ValueError:
        return doc.error(400, "lat and long must be numbers", fmt)
    async with ops.database.unit_of_work() as store:
        source = await store.ops.key_name(api_key, ops.clock()) if api_key else None
        if source is None:
            return doc.error(403, "api_key missing, unknown or revoked", fmt)
        try:
            report = await file_request(ops.context(store), source, wanted)
        except BadRequest as exc:
            return doc.error(400, str(exc), fmt)
    row = {"service_request_id": report.public_id, "service_notice": report.code,
           "account_id": None}  # fmt: skip
    return doc.render("service_requests", [row], fmt, status=201)


async def _listed(
    request: web.Request, ops: Ops, store: Store, found: list[ReportRecord], unit: str | None
) -> web.StreamResponse:
    language, fmt = _language(request), request.match_info["format"]
    reports = [await store.reports.by_code(r.code) for r in found]
    ids = [r.id for r in found]
    last = await store.ops_queue.last_events(ids)
    updates = await store.ops_queue.notes_by(ids, UNIT_ACTORS)
    base = (ops.public_url or str(request.url.origin())).rstrip("/")
    rows = [
        doc.request_row(r, doc.Notes(last.get(r.id), updates.get(r.id)), ops.city, language,
                        base, full=unit is not None and r.unit_code == unit)
        for r in reports
        if r is not None
    ]  # fmt: skip
    return doc.render("service_requests", rows, fmt)


def _filter(request: web.Request, ops: Ops) -> QueueFilter:
    query = request.query
    ids = [i.strip() for i in query.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        codes = tuple(i.upper() for i in ids if TICKET.fullmatch(i))
        public = tuple(i.lower() for i in ids if PUBLIC_ID.fullmatch(i))
        return QueueFilter(codes=codes, public_ids=public or ("-",), sort="-created",
                           limit=MAX_REQUESTS)  # fmt: skip
    end = _when(query.get("end_date")) or ops.clock()
    start = _when(query.get("start_date")) or end - timedelta(days=DEFAULT_DAYS)
    codes = tuple(c for c in query.get("service_code", "").split(",") if c)
    statuses: list[str] = []
    for status in filter(None, query.get("status", "").split(",")):
        if status not in ("open", "closed"):
            raise ValueError("status must be open or closed")
        statuses += sorted(OPEN_STATUSES) if status == "open" else CLOSED
    return QueueFilter(
        statuses=tuple(statuses), created_from=start, created_to=end + INCLUSIVE,
        sort="-created", limit=MAX_REQUESTS, categories=codes,
    )  # fmt: skip


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a W3C date and time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} needs a time zone offset")
    return moment


def _number(value: object) -> float | None:
    text = str(value or "").strip()
    return float(text) if text else None
