"""Open311 GeoReport v2 documents: services and requests as JSON or XML, and errors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring
from zoneinfo import ZoneInfo

from aiohttp import web

from handlers.city import City
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
    report: ReportRecord, last: LastEvent | None, city: City, language: str, media_base: str
) -> dict[str, Any]:
    """A report as an Open311 service request."""
    category = city.categories_by_code.get(report.category)
    unit = city.units_by_code.get(report.unit_code)
    photo = report.photos[0].sha256 if report.photos else None
    return {
        "service_request_id": report.code,
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "status_notes": (last.note if last else None) or report.status,
        "service_name": category.name.in_language(language) if category else report.category,
        "service_code": report.category,
        "description": report.text,
        "agency_responsible": unit.name.in_language(language) if unit else report.unit_code,
        "service_notice": None,
        "requested_datetime": iso(report.created_at, city.zone),
        "updated_datetime": iso(last.at if last else report.created_at, city.zone),
        "expected_datetime": iso(report.deadline_at, city.zone),
        "address": report.address,
        "address_id": None,
        "zipcode": None,
        "lat": report.latitude,
        "long": report.longitude,
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
