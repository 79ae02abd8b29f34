"""/metrics (Prometheus text) and /healthz over HTTP; the ops migration up and down."""

from __future__ import annotations

import importlib.util
import re
import uuid
from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import inspect

from bot.app import Services
from bot.web import health
from storage.db import downgrade, upgrade
from tests.ops.support import file_report
from tests.support.clock import FakeClock

MIGRATION = Path(__file__).resolve().parents[2] / "storage/migrations/versions/2026_11_24_ops.py"


def value(text: str, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    assert found, f"{series} not in\n{text}"
    return float(found.group(1))


async def chat(client: TestClient, text: str) -> None:
    await client.get("/")  # the chat cookie
    response = await client.post("/api/chat/messages", json={"id": uuid.uuid4().hex, "text": text})
    assert response.status == 200


async def test_metrics_count_updates_replies_outbox_and_reports(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    before = await (await client.get("/metrics")).text()
    received = 'huebot_updates_received_total{channel="webchat"}'
    start = value(before, received) if received in before else 0.0
    await chat(client, "xin chào")
    await file_report(ops_services.database, ops_services.runtime.settings.city, clock())
    async with ops_services.database.unit_of_work() as store:
        user = await store.users.get_or_create("telegram", "1", clock())
        await store.outbox.enqueue(user, "status", {"replies": []}, clock())
    clock.advance(minutes=2)
    response = await client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await response.text()
    assert value(text, received) == start + 1
    assert value(text, 'huebot_replies_total{channel="webchat"}') >= 1
    assert value(text, "huebot_nlu_parse_seconds_count") >= 1
    assert value(text, 'huebot_reports{status="assigned"}') == 1
    assert value(text, 'huebot_outbox_depth{channel="telegram"}') == 1
    assert value(text, 'huebot_outbox_oldest_age_seconds{channel="telegram"}') == 120
    assert value(text, 'huebot_outbox_messages{channel="telegram",status="pending"}') == 1
    assert "# TYPE huebot_outbox_messages gauge" in text
    assert "# TYPE huebot_nlu_parse_seconds histogram" in text


async def test_healthz_reports_store_outbox_and_last_contact(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    await chat(client, "xin chào")
    body = await (await client.get("/healthz")).json()
    assert body["status"] == "ok" and body["store"] == "up"
    assert body["channels"]["webchat"]["seconds_ago"] == 0
    async with ops_services.database.unit_of_work() as store:
        user = await store.users.get_or_create("telegram", "1", clock())
        await store.outbox.enqueue(user, "status", {"replies": []}, clock())
    clock.advance(minutes=10)
    stalled = await (await client.get("/healthz")).json()
    assert stalled["status"] == "degraded" and stalled["outbox"]["delivery"] == "stalled"
    assert stalled["channels"]["webchat"]["seconds_ago"] == 600


async def test_healthz_reports_watched_workers(client: TestClient):
    health.watch(client.app, "delivery", lambda: False)
    body = await (await client.get("/healthz")).json()
    assert body["workers"] == {"delivery": "stopped"} and body["status"] == "degraded"


async def test_the_ops_migration_goes_down_and_up(ops_services: Services):
    spec = importlib.util.spec_from_file_location("ops_migration", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    engine = ops_services.database.engine

    async def tables() -> set[str]:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))

    assert {"ops_login", "ops_session", "open311_key"} <= await tables()
    await downgrade(engine, module.down_revision)
    assert not {"ops_login", "ops_session", "open311_key"} & await tables()
    await upgrade(engine)
    assert {"ops_login", "ops_session", "open311_key"} <= await tables()


async def test_metrics_name_the_process_and_count_scheduled_notices(client: TestClient):
    from bot.leases import holder_name
    from bot.web.ops import metrics

    metrics.name_process()
    before = await (await client.get("/metrics")).text()
    series = 'huebot_scheduled_notices_total{kind="reminded"}'
    start = value(before, series) if series in before else 0.0
    metrics.SCHEDULED.labels("reminded").inc(3)
    text = await (await client.get("/metrics")).text()
    assert value(text, series) == start + 3
    assert value(text, f'huebot_process_info{{holder="{holder_name()}"}}') == 1
    assert "# TYPE process_cpu_seconds_total counter" in text
