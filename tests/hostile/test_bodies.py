"""Body caps hold whatever the transfer encoding; bad or too-deep JSON is a 400, never a 500.

Over real HTTP against the whole app, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from bot.channels.telegram.channel import SECRET_HEADER, WEBHOOK_PATH
from tests.channels.conftest import SECRET
from tests.hostile.conftest import Hostile
from tests.support.fake_zalo import APP_ID, OA_SECRET_KEY
from tests.support.hostile import chunked, deep_json, deep_object, huge_json

ZALO_PATH = "/zalo/webhook"
MB = 1024 * 1024


def zalo_headers(body: bytes, timestamp: str, key: str = OA_SECRET_KEY) -> dict[str, str]:
    """The signature Zalo would send for exactly these bytes."""
    mac = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + key.encode()).hexdigest()
    return {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


async def stored(hostile: Hostile) -> tuple[int, int]:
    """How many Telegram updates and Zalo events the store holds."""
    async with hostile.services.database.unit_of_work() as store:
        telegram = await store.intake.counts("telegram")
        zalo = await store.intake.counts("zalo")
    return sum(telegram.values()), sum(zalo.values())


async def post_telegram(hostile: Hostile, data: Any) -> int:
    response = await hostile.client.post(WEBHOOK_PATH, data=data, headers={SECRET_HEADER: SECRET})
    return response.status


@pytest.mark.parametrize("size", [5 * MB, 30 * MB])
async def test_a_chunked_telegram_body_over_the_cap_is_refused_and_not_stored(
    hostile: Hostile, size: int
):
    assert await post_telegram(hostile, chunked(huge_json(size))) == 413
    assert await post_telegram(hostile, huge_json(2 * MB)) == 413  # with a Content-Length
    assert await stored(hostile) == (0, 0)


@pytest.mark.parametrize("body", [deep_json(), deep_object(), deep_json(40), b'{"update_id": 1,'])
async def test_deep_or_broken_json_is_a_bad_request_on_every_endpoint(
    hostile: Hostile, body: bytes
):
    assert await post_telegram(hostile, body) == 400
    assert await post_telegram(hostile, chunked(body, 1000)) == 400
    response = await hostile.client.post("/api/chat/messages", data=body)
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "bad_request" and "không hợp lệ" in error["message"]
    signed = await hostile.client.post(ZALO_PATH, data=body, headers=zalo_headers(body, "1"))
    unsigned = await hostile.client.post(ZALO_PATH, data=body)
    assert (signed.status, unsigned.status) == (401, 401)  # no signed timestamp in it
    assert await stored(hostile) == (0, 0)


async def test_a_signed_but_too_deep_zalo_event_is_a_bad_request(hostile: Hostile):
    timestamp = str(int(hostile.services.clock().timestamp() * 1000))
    body = b'{"app_id": "%s", "timestamp": "%s", "message": %s}' % (
        APP_ID.encode(),
        timestamp.encode(),
        deep_json(5_000),
    )
    response = await hostile.client.post(
        ZALO_PATH, data=body, headers=zalo_headers(body, timestamp)
    )
    assert response.status == 400
    assert await stored(hostile) == (0, 0)


async def test_an_unsigned_zalo_body_over_the_cap_is_refused_before_it_is_read(hostile: Hostile):
    event = json.dumps({"app_id": APP_ID, "timestamp": "1", "pad": "x" * 30 * MB}).encode()
    response = await hostile.client.post(ZALO_PATH, data=chunked(event))
    assert response.status == 413
    response = await hostile.client.post(ZALO_PATH, data=event[: 300 * 1024])
    assert response.status == 413
    assert await stored(hostile) == (0, 0)


async def test_a_chunked_web_chat_message_over_the_cap_is_refused_politely(hostile: Hostile):
    body = json.dumps({"id": "m1", "text": "ổ gà " * 200_000}).encode()
    response = await hostile.client.post("/api/chat/messages", data=chunked(body))
    assert response.status == 413
    error = (await response.json())["error"]
    assert error["code"] == "too_large" and "quá dài" in error["message"]
    english = await hostile.client.post(
        "/api/chat/messages", data=chunked(body), headers={"Accept-Language": "en"}
    )
    assert "too long" in (await english.json())["error"]["message"]
