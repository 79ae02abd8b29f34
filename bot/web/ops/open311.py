"""Open311 GeoReport v2 under /open311/v2: services, requests (read and file), one request.

Reading is public, as the specification intends; filing needs an ``api_key`` made with
``huebot open311 keys add``. Every document comes as JSON or XML (the path's extension).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web

from bot.web.ops import open311_format as doc
from bot.web.ops.state import Ops, ops_of
from handlers.open311 import BadRequest, ServiceRequest, file_request
from storage.ops_queue import QueueFilter
from storage.records import OPEN_STATUSES, Status

PREFIX = "/open311/v2"
FORMAT = "{format:(json|xml)}"
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
INCLUSIVE = timedelta(microseconds=1)  # end_date is the latest time to include
CLOSED = tuple(sorted({s.value for s in Status} - set(OPEN_STATUSES)))


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
    return await _listed(request, ops, wanted)


async def get_request(request: web.Request) -> web.StreamResponse:
    """GET requests/{id}.json|xml: one request, as a list of one."""
    ops, fmt = ops_of(request), request.match_info["format"]
    code = request.match_info["id"].upper()
    async with ops.database.unit_of_work() as store:
        found = await store.reports.by_code(code)
    if found is None:
        return doc.error(404, f"no service request {code}", fmt)
    return await _listed(request, ops, QueueFilter(codes=(code,), limit=1))


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
    row = {"service_request_id": report.code, "service_notice": None, "account_id": None}
    return doc.render("service_requests", [row], fmt, status=201)


async def _listed(request: web.Request, ops: Ops, wanted: QueueFilter) -> web.StreamResponse:
    language, fmt = _language(request), request.match_info["format"]
    async with ops.database.unit_of_work() as store:
        found, _ = await store.ops_queue.search(wanted, ops.clock())
        reports = [await store.reports.by_code(r.code) for r in found]
        last = await store.ops_queue.last_events([r.id for r in found])
    base = (ops.public_url or str(request.url.origin())).rstrip("/")
    rows = [
        doc.request_row(r, last.get(r.id), ops.city, language, base)
        for r in reports
        if r is not None
    ]
    return doc.render("service_requests", rows, fmt)


def _filter(request: web.Request, ops: Ops) -> QueueFilter:
    query = request.query
    ids = tuple(i.strip().upper() for i in query.get("service_request_id", "").split(",") if i)
    if ids:
        return QueueFilter(codes=ids, sort="-created", limit=MAX_REQUESTS)
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
