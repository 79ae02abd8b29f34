"""Done when: the nearest open pharmacy, its phone and a map link, over the real web chat."""

from __future__ import annotations

import uuid
from typing import Any

from bot.app import Services, build_app
from tests.services.conftest import LE_LOI


async def say(client: Any, **body: Any) -> list[dict[str, Any]]:
    response = await client.post("/api/chat/messages", json={"id": uuid.uuid4().hex, **body})
    assert response.status == 200, await response.text()
    return list((await response.json())["replies"])


async def test_one_line_question_and_a_shared_location_over_http(
    aiohttp_client: Any, services: Services
):
    client = await aiohttp_client(build_app(services))
    assert (await client.get("/")).status == 200  # sets the chat cookie
    asked = await say(client, text="nhà thuốc gần nhất")
    assert asked[-1]["ask_location"] is True and "☎ 115" in asked[0]["text"]
    location = {"latitude": LE_LOI.latitude, "longitude": LE_LOI.longitude}
    answer = await say(client, location=location)
    first = answer[0]["text"]
    assert "Nhà thuốc Pharmacity Bến Nghé · cách 280 m" in first
    assert "☎ 1800 6821" in first and "Đang mở cửa" in first
    assert "https://www.openstreetmap.org/?mlat=16.46520&mlon=107.59300" in first
