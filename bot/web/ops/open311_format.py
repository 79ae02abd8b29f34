"""Open311 GeoReport v2 documents: services and requests as JSON or XML, and errors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring
from zoneinfo import ZoneInfo

from aiohttp import web

from handlers import City
from handlers.report.redaction import public_point, public_text, redact
from storage.ops_queue import LastEvent
from storage.records import OPEN_STATUSES, ReportRecord

SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group")  # fmt: skip
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")  # fmt: skip
XML_NAMES = {"services": "service", "service_requests": "request", "errors": "error"}


def services(city: City, language: str) -> list[dict[str, Any]]:
    """Every category as an Open311 service (no extra attributes: metadata false)."""
    rows = []
    for category in city.categories:
        unit = city.unit(category.unit)
        rows.append({
            "service_code": category.code,
            "service_name": category.name.in_language(language),
            "description": f"{category.name.vi} / {category.name.en}",
            "metadata": False,
            "type": "realtime",
            "keywords": ", ".join((category.code.replace("_", " "), category.name.vi,
                                   category.name.en)),
            "group": unit.name.in_language(language),
        })  # fmt: skip
    return rows


def request_row(
    report: ReportRecord, notes: Notes, city: City, language: str, media_base: str, full: bool
) -> dict[str, Any]:
    """A report as an Open311 service request: in full for its unit, else as the public sees it.

    The public sees the category, status, unit, dates, a point rounded to about 100 m,
    the unit's latest update and the text (and address) redacted, or as written once
    an operator approved them; photos only once approved.
    """
    category = city.categories_by_code.get(report.category)
    unit = city.units_by_code.get(report.unit_code)
    last = notes.last
    row = {
        "service_request_id": report.public_id,
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "service_name": category.name.in_language(language) if category else report.category,
        "service_code": report.category,
        "agency_responsible": unit.name.in_language(language) if unit else report.unit_code,
        "requested_datetime": iso(report.created_at, city.zone),
        "updated_datetime": iso(last.at if last else report.created_at, city.zone),
        "expected_datetime": iso(report.deadline_at, city.zone),
        "address_id": None,
        "zipcode": None,
    }
    row.update(_full(report, notes, media_base) if full else _public(report, notes, media_base))
    return {name: row[name] for name in REQUEST_FIELDS}


@dataclass(frozen=True, slots=True)
class Notes:
    """A report's newest audit line, and the newest update its unit wrote."""

    last: LastEvent | None
    unit: LastEvent | None


def _full(report: ReportRecord, notes: Notes, media_base: str) -> dict[str, Any]:
    photo = report.photos[0].sha256 if report.photos else None
    return {
        "status_notes": (notes.last.note if notes.last else None) or report.status,
        "description": redact(report.text) if report.confidential else report.text,
        "service_notice": report.code,
        "address": report.address,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": f"{media_base}/media/{photo}" if photo else None,
    }


def _public(report: ReportRecord, notes: Notes, media_base: str) -> dict[str, Any]:
    approved = report.approved_at is not None
    point = public_point(report.latitude, report.longitude)
    photo = report.photos[0].sha256 if report.photos and approved else None
    update = notes.unit.note if notes.unit else None
    return {
        "status_notes": public_text(update, False) or report.status,
        "description": public_text(report.text, approved),
        "service_notice": None,
        "address": public_text(report.address, approved),
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": f"{media_base}/media/{photo}" if photo else None,
    }


def iso(moment: datetime, zone: ZoneInfo) -> str:
    """W3C date and time with the city's offset, to the second."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def render(
    kind: str, rows: Sequence[Mapping[str, Any]], fmt: str, status: int = 200
) -> web.Response:
    """A list document: ``kind`` is services, service_requests or errors."""
    if fmt == "xml":
        root = Element(kind)
        for row in rows:
            item = SubElement(root, XML_NAMES[kind])
            for name, value in row.items():
                SubElement(item, name).text = _xml_text(value)
        body = (
            b'<?xml version="1.0" encoding="utf-8"?>\n'
            + tostring(root, encoding="unicode").encode()
        )
        return web.Response(body=body, status=status, content_type="text/xml", charset="utf-8")
    text = json.dumps(list(rows), ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


def error(status: int, description: str, fmt: str) -> web.Response:
    """An Open311 error document."""
    return render("errors", [{"code": status, "description": description}], fmt, status)


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
