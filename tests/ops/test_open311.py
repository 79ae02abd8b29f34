"""Open311 GeoReport v2 over HTTP, JSON and XML, checked against the spec's field lists."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from aiohttp.test_utils import TestClient

from bot import open311_cli
from bot.app import Services
from handlers import Context, Turn
from handlers.handling import outcomes
from storage.records import ReportFilter
from tests.ops.support import NoNlu, file_report, grant
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, texts

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"}  # fmt: skip
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"}  # fmt: skip
BASE = "/open311/v2"


async def new_key(services: Services, name: str = "hue-s") -> str:
    async with services.database.unit_of_work() as store:
        _, key = await store.ops.add_key(name, FakeClock()())
    return key


def xml_items(text: str, root: str, item: str) -> list[dict[str, str | None]]:
    document = ElementTree.fromstring(text)
    assert document.tag == root
    return [{child.tag: child.text for child in element} for element in document.findall(item)]


async def test_services_list_every_category(client: TestClient, ops_services: Services):
    city = ops_services.runtime.settings.city
    response = await client.get(f"{BASE}/services.json")
    assert response.status == 200 and response.content_type == "application/json"
    services = await response.json()
    assert {s["service_code"] for s in services} == set(city.categories_by_code)
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime"
    flooding = next(s for s in services if s["service_code"] == "flooding")
    assert flooding["service_name"] == city.category("flooding").name.vi
    english = await (await client.get(f"{BASE}/services.json?locale=en")).json()
    assert english[0]["service_name"] == city.categories[0].name.en
    xml = await client.get(f"{BASE}/services.xml")
    assert xml.content_type == "text/xml"
    items = xml_items(await xml.text(), "services", "service")
    assert len(items) == len(city.categories) and set(items[0]) == SERVICE_FIELDS
    assert items[0]["metadata"] == "false"


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_filing_needs_a_valid_api_key(client: TestClient, ops_services: Services, fmt: str):
    body = {"service_code": "road", "lat": "16.46", "long": "107.59", "description": "Ổ gà"}
    for key in (None, "not-a-key"):
        data = body | ({"api_key": key} if key else {})
        response = await client.post(f"{BASE}/requests.{fmt}", data=data)
        assert response.status == 403
        if fmt == "json":
            [error] = await response.json()
            assert error["code"] == 403 and "api_key" in error["description"]
        else:
            [error] = xml_items(await response.text(), "errors", "error")
            assert error["code"] == "403"
    async with ops_services.database.unit_of_work() as store:
        assert await store.reports.count() == 0


async def test_a_filed_request_is_routed_and_readable(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    await grant(database, "telegram", "501", "official", city.category("road").unit, clock())
    officials = Mailbox(database, "501")
    key = await new_key(ops_services)
    filed = await client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": "road", "lat": "16.4637", "long": "107.5909",
        "description": "Ổ gà lớn giữa đường Lê Lợi", "address_string": "12 Lê Lợi",
    })  # fmt: skip
    assert filed.status == 201
    [created] = await filed.json()
    code, public_id = created["service_notice"], created["service_request_id"]
    assert code.startswith("PA-") and not public_id.startswith("PA-")
    async with database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None and report.status == "assigned" and report.channel == "open311"
    assert report.unit_code == city.route("road", None).code
    assert code in texts(await officials.read())
    [row] = await (await client.get(f"{BASE}/requests/{public_id}.json")).json()
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["lat"] == 16.464 and row["long"] == 107.591
    assert row["agency_responsible"] == city.unit(report.unit_code).name.vi
    assert row["requested_datetime"].endswith("+07:00") and row["address"] == "*** Lê Lợi"
    [item] = xml_items(await (await client.get(f"{BASE}/requests/{public_id}.xml")).text(),
                       "service_requests", "request")  # fmt: skip
    assert set(item) == REQUEST_FIELDS and item["service_request_id"] == public_id
    assert (await client.get(f"{BASE}/requests/{code}.json")).status == 404
    assert (await client.get(f"{BASE}/requests/PA-99999.json")).status == 404


async def test_filing_refuses_bad_fields(client: TestClient, ops_services: Services):
    key = await new_key(ops_services)
    cases = [
        {"service_code": "nope", "lat": "16.4", "long": "107.5"},
        {"service_code": "road"},
        {"service_code": "road", "lat": "91", "long": "107.5"},
        {"service_code": "road", "lat": "abc", "long": "107.5"},
    ]
    for case in cases:
        response = await client.post(f"{BASE}/requests.json", data={"api_key": key, **case})
        assert response.status == 400, case


async def test_requests_filter_by_status_service_and_dates(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    road = await file_report(database, city, clock(), category="road", text="Ổ gà")
    flooding = await file_report(database, city, clock())
    supervisor = await grant(database, "telegram", "77", "supervisor", None, clock())
    async with database.unit_of_work() as store:
        ctx = Context(store=store, city=city, nlu=NoNlu(), now=clock())
        resolved = await store.reports.by_code(road.code)
        assert resolved is not None
        await outcomes.resolve(Turn(ctx, supervisor), resolved, "Đã vá xong", None)

    async def codes(query: str) -> list[str]:
        rows = await (await client.get(f"{BASE}/requests.json?{query}")).json()
        return [row["service_request_id"] for row in rows]

    road_id, flooding_id = road.public_id, flooding.public_id
    assert await codes("") == [flooding_id, road_id]
    assert await codes("status=closed") == [road_id]
    assert await codes("status=open") == [flooding_id]
    assert await codes("service_code=flooding,garbage") == [flooding_id]
    assert await codes(f"service_request_id={road_id}") == [road_id]
    assert await codes(f"service_request_id={road.code}") == []
    after = (clock() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert await codes(f"start_date={after}") == []
    assert await codes("end_date=2020-01-01T00:00:00%2B07:00") == []
    [closed] = await (await client.get(f"{BASE}/requests/{road_id}.json")).json()
    assert closed["status"] == "closed" and closed["status_notes"] == "Đã vá xong"
    bad = await client.get(f"{BASE}/requests.json?status=pending")
    assert bad.status == 400


async def test_keys_cli_adds_lists_and_revokes(ops_services: Services, capsys: Any):
    async def run(*words: str) -> int:
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers(dest="command")
        open311_cli.add_commands(commands, argparse.ArgumentParser(add_help=False))
        args = parser.parse_args(["open311", "keys", *words])
        return await open311_cli._run(args, ops_services.database)

    assert await run("add", "hue-s") == 0
    key = capsys.readouterr().out.splitlines()[0]
    assert await run("add", "hue-s") == 2
    assert await run("list") == 0
    listing = capsys.readouterr().out
    assert "hue-s" in listing and key not in listing
    async with ops_services.database.unit_of_work() as store:
        assert await store.ops.key_name(key, FakeClock()()) == "hue-s"
    assert await run("revoke", "hue-s") == 0
    assert await run("revoke", "hue-s") == 1
    async with ops_services.database.unit_of_work() as store:
        assert await store.ops.key_name(key, FakeClock()()) is None


async def test_an_address_string_is_placed_by_the_gazetteer_and_routed_by_its_ward(
    client: TestClient, ops_services: Services
):
    database = ops_services.database
    key = await new_key(ops_services)
    filed = await client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": "urban_order",
        "description": "Quán nhậu lấn chiếm vỉa hè",
        "address_string": "trước số 45 Nguyễn Sinh Cung, phường Vỹ Dạ",
    })  # fmt: skip
    assert filed.status == 201
    async with database.unit_of_work() as store:
        [report] = await store.reports.search(ReportFilter())
    assert (report.ward, report.unit_code, report.street) == (
        "vy_da",
        "ubnd_vy_da",
        "Nguyễn Sinh Cung",
    )
    assert report.place is not None and "phường Vỹ Dạ" in report.place
