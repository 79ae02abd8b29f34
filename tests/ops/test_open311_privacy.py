"""Open311 public reads show what a public display may; a unit's key reads its own in full."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot import reports_cli
from bot.app import Services
from storage.handling import Change
from storage.records import ReportRecord
from tests.ops.support import file_report
from tests.support.clock import FakeClock

BASE = "/open311/v2"
PHONE, EMAIL, HOUSE = "0905 123 456", "lan.tran@gmail.com", "34/5"
TEXT = f"Tôi là Trần Thị Lan, nhà {HOUSE} Nguyễn Huệ bị ngập, gọi {PHONE} hoặc {EMAIL}"
ANSWER = "answer: cứ gọi 0914 555 666 trước khi đến"
SHA = "a" * 64


async def citizen_report(services: Services, clock: FakeClock) -> ReportRecord:
    """A report whose text, answer and photo are personal, at an exact point."""
    database, city = services.database, services.runtime.settings.city
    report = await file_report(database, city, clock(), text=TEXT, place=(16.463712, 107.590934))
    async with database.unit_of_work() as store:
        photo = await store.reports.add_photo(
            report.user_id, SHA, "image/jpeg", 1000, (10, 10), clock()
        )
        await store.handling.attach_photo(report.id, photo)
        await store.handling.note(
            report.id,
            Change("citizen", "need_info", "in_progress", clock(), report.user_id, ANSWER),
        )
        found = await store.reports.by_code(report.code)
    assert found is not None
    return found


async def unit_key(services: Services, unit: str, name: str) -> str:
    async with services.database.unit_of_work() as store:
        _, key = await store.ops.add_key(name, FakeClock()(), unit)
    return key


async def read(client: TestClient, path: str) -> dict[str, Any]:
    response = await client.get(f"{BASE}/{path}")
    assert response.status == 200, await response.text()
    rows = await response.json()
    assert len(rows) == 1
    return dict(rows[0])


def shown(row: dict[str, Any]) -> str:
    return " ".join(str(value) for value in row.values())


async def test_a_public_read_shows_no_phone_email_house_number_or_exact_point(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    report = await citizen_report(ops_services, clock)
    assert report.public_id and len(report.public_id) == 16
    for path in (f"requests/{report.public_id}.json", "requests.json"):
        row = await read(client, path)
        text = shown(row)
        for secret in (PHONE, EMAIL, HOUSE, "Lan", "0914 555 666", "answer", SHA):
            assert secret not in text, (secret, row)
        assert "Nguyễn Huệ" in row["description"] and "ngập" in row["description"]
        assert (row["lat"], row["long"]) == (16.464, 107.591)
        assert row["media_url"] is None and row["service_notice"] is None
        assert row["service_request_id"] == report.public_id
    xml = await (await client.get(f"{BASE}/requests/{report.public_id}.xml")).text()
    assert PHONE not in xml and EMAIL not in xml and HOUSE not in xml


async def test_the_units_key_reads_its_own_report_in_full_and_by_code(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    report = await citizen_report(ops_services, clock)
    own = await unit_key(ops_services, report.unit_code, "unit-app")
    other = next(u.code for u in ops_services.runtime.settings.city.units
                 if u.code != report.unit_code)  # fmt: skip
    stranger = await unit_key(ops_services, other, "other-app")
    row = await read(client, f"requests/{report.code}.json?api_key={own}")
    assert row["description"] == TEXT and PHONE in row["description"]
    assert EMAIL in row["description"] and HOUSE in row["description"]
    assert (row["lat"], row["long"]) == (16.463712, 107.590934)
    assert row["media_url"].endswith(SHA) and row["status_notes"] == ANSWER
    listed = await read(client, f"requests.json?api_key={own}")
    assert listed["description"] == TEXT
    elsewhere = await read(client, f"requests/{report.public_id}.json?api_key={stranger}")
    assert PHONE not in shown(elsewhere) and elsewhere["media_url"] is None
    hidden = await client.get(f"{BASE}/requests/{report.code}.json?api_key={stranger}")
    assert hidden.status == 404


async def test_codes_are_not_enumerable_in_public(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    first = await citizen_report(ops_services, clock)
    second = await file_report(
        ops_services.database, ops_services.runtime.settings.city, clock(), text="Ổ gà"
    )
    for code in (first.code, second.code, first.code.lower()):
        assert (await client.get(f"{BASE}/requests/{code}.json")).status == 404
        rows = await (await client.get(f"{BASE}/requests.json?service_request_id={code}")).json()
        assert rows == []
    assert first.public_id and second.public_id
    assert int(second.public_id, 16) - int(first.public_id, 16) != 1
    assert {r["service_request_id"] for r in
            await (await client.get(f"{BASE}/requests.json")).json()} == {
        first.public_id, second.public_id}  # fmt: skip


async def test_an_approved_report_shows_its_text_and_photo(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    report = await citizen_report(ops_services, clock)
    async with ops_services.database.unit_of_work() as store:
        assert await reports_cli._approve(store, report.code.lower()) == 0
        assert await reports_cli._approve(store, "PA-1") == 1
    row = await read(client, f"requests/{report.public_id}.json")
    assert row["description"] == TEXT and row["media_url"].endswith(SHA)
    assert (row["lat"], row["long"]) == (16.464, 107.591)
    assert "0914" not in shown(row)  # the citizen's answer never goes public


async def test_the_units_public_update_is_shown_redacted(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    report = await citizen_report(ops_services, clock)
    async with ops_services.database.unit_of_work() as store:
        note = "Đã liên hệ chị Lan 0905 123 456, sẽ hút nước chiều nay"
        await store.handling.note(
            report.id, Change("official", "in_progress", "", clock(), None, note)
        )
    row = await read(client, f"requests/{report.public_id}.json")
    assert row["status_notes"] == "Đã liên hệ chị *** ***, sẽ hút nước chiều nay"
