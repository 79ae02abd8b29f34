"""Web chat ids are issued by the server and signed; ids it did not issue get nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from bot.channels.webchat.identity import SECRET_FILE, ChatIdentity, load_identity

COOKIE = "huebot_chat"


def chat_cookie(client: TestClient) -> str:
    found = [c.value for c in client.session.cookie_jar if c.key == COOKIE]
    assert len(found) == 1, found
    return found[0]


async def say(client: TestClient, text: str, cookie: str | None = None) -> Any:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else None
    if cookie:
        client.session.cookie_jar.clear()  # only the cookie given
    return await client.post(
        "/api/chat/messages", json={"id": uuid.uuid4().hex, "text": text}, headers=headers
    )


async def test_the_page_issues_a_signed_id_that_the_api_takes(
    aiohttp_client: Any, services: Services
):
    client = await aiohttp_client(build_app(services))
    assert (await client.get("/")).status == 200
    cookie = chat_cookie(client)
    chat_id, signature = cookie.split(".")
    assert len(chat_id) >= 20 and len(signature) == 43
    assert load_identity(services.runtime.data_dir).verify(cookie)
    assert (await say(client, "/start")).status == 200
    again = await client.get("/")
    assert COOKIE not in again.cookies  # a valid id is kept


async def test_a_client_chosen_id_is_refused_and_replaced(aiohttp_client: Any, services: Services):
    client = await aiohttp_client(build_app(services))
    client.session.cookie_jar.update_cookies({COOKIE: "a" * 40})
    refused = await say(client, "Cống trước nhà tôi bị tắc")
    assert refused.status == 401
    assert (await refused.json())["error"]["code"] == "no_session"
    fresh = refused.cookies[COOKIE].value
    assert fresh != "a" * 40 and load_identity(services.runtime.data_dir).verify(fresh)
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({COOKIE: "a" * 40})
    page = await client.get("/")
    assert load_identity(services.runtime.data_dir).verify(page.cookies[COOKIE].value)
    async with services.database.unit_of_work() as store:
        assert await store.reports.count() == 0


async def test_knowing_another_chats_id_gives_nothing_of_that_chat(
    aiohttp_client: Any, services: Services
):
    victim = await aiohttp_client(build_app(services))
    await victim.get("/")
    cookie = chat_cookie(victim)
    await say(victim, "/start")
    started = await say(victim, "Cống bị tắc, nước ngập lên tận vỉa hè")
    assert (await started.json())["replies"][-1]["ask_location"] is True
    chat_id, signature = cookie.split(".")
    other = await aiohttp_client(build_app(services))
    forged = f"{chat_id}.{signature[:-2]}AA"
    for stolen in (chat_id, forged, f"{chat_id}.", cookie + "x"):
        response = await say(other, "/status", cookie=stolen)
        assert response.status == 401, stolen
        other.session.cookie_jar.clear()
        inbox = await other.get("/api/chat/inbox", headers={"Cookie": f"{COOKIE}={stolen}"})
        assert inbox.status == 401


async def test_the_secret_is_kept_in_the_data_dir_or_taken_from_the_environment(tmp_path: Path):
    first = load_identity(tmp_path, env={})
    cookie = first.issue()
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert load_identity(tmp_path, env={}).verify(cookie)  # survives a restart
    from_env = load_identity(tmp_path, env={"HUEBOT_WEBCHAT_SECRET": "s" * 32})
    assert not from_env.verify(cookie)
    assert from_env.verify(ChatIdentity(b"s" * 32).issue())
    assert not first.verify(None) and not first.verify("") and not first.verify("x" * 64)
