"""The delivery worker's Zalo sender against the fake Zalo server, on SQLite and PostgreSQL.

Zalo's rules: free replies for 48 hours after a citizen's last message, 8 per message;
anything else is refused at once with the reason (no call to Zalo), and what Zalo
refuses is recorded with its code instead of being retried for ever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.app import Services
from bot.channels.buttons import resolve_text
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloError
from bot.channels.zalo.sender import ZaloSender, _result
from bot.delivery.senders import Outcome
from bot.delivery.settings import ChannelRate
from bot.delivery.webchat import WebchatPoster
from bot.delivery.worker import DeliveryWorker
from handlers import Choice, Reply, reply_to_dict
from storage.records import UserRecord
from tests.delivery.support import add_users, fast_config, rows, until_statuses
from tests.support.clock import FakeClock
from tests.support.fake_zalo import (
    MESSAGE_PATH,
    OAUTH_PATH,
    FakeZalo,
    serve_fake,
    zalo_env,
    zalo_settings_for,
)

CITIZEN = "5810042000123456789"
Start = Callable[..., Awaitable[DeliveryWorker]]


@pytest.fixture
async def fake_zalo(aiohttp_server: Any) -> FakeZalo:
    return await serve_fake(aiohttp_server)


@pytest.fixture
async def start(services: Services, fake_zalo: FakeZalo, clock: FakeClock) -> AsyncIterator[Start]:
    """Starts a delivery worker whose only pushed channel is Zalo."""
    started: list[tuple[DeliveryWorker, ZaloChannel]] = []

    async def begin(env: dict[str, str] | None = None, **config: Any) -> DeliveryWorker:
        env = {**zalo_env(fake_zalo), **(env or {})}
        settings = zalo_settings_for(services, fake_zalo, env, **config)
        channel = ZaloChannel(services, settings, clock=clock)
        await channel.tokens.bootstrap()
        sender = channel.sender()
        rate = ChannelRate(messages_per_second=500, per_chat_per_second=100)
        posters = {"zalo": sender, "webchat": WebchatPoster(services.database, clock)}
        worker = DeliveryWorker(services.database, fast_config(zalo=rate), [sender], posters,
                                clock)  # fmt: skip
        await worker.start()
        started.append((worker, channel))
        return worker

    yield begin
    for worker, channel in started:
        await worker.stop()
        await channel.stop()


async def citizen(services: Services, clock: FakeClock, wrote_hours_ago: float | None) -> Any:
    [user] = await add_users(services.database, "zalo", [CITIZEN], clock())
    if wrote_hours_ago is not None:
        async with services.database.unit_of_work() as store:
            await store.zalo_windows.touch(CITIZEN, clock() - timedelta(hours=wrote_hours_ago))
    return user


async def notice(services: Services, user: UserRecord, clock: FakeClock, *replies: Reply) -> None:
    payload = {"replies": [reply_to_dict(r) for r in replies]}
    async with services.database.unit_of_work() as store:
        await store.outbox.enqueue(user, "status", payload, clock())


async def the_row(services: Services) -> Any:
    [row] = await rows(services.database)
    return row.Outbox


async def test_a_notice_inside_the_window_is_sent_with_its_buttons(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start
):
    user = await citizen(services, clock, wrote_hours_ago=47)
    answer = Choice("⭐ Đánh giá", "rate:PA-10001:yes")
    await notice(services, user, clock, Reply("PA-10001 đã xử lý xong.", (answer,)))
    await start()
    await until_statuses(services.database, sent=1)
    [body] = fake_zalo.sent(CITIZEN)
    assert body["message"]["text"] == "PA-10001 đã xử lý xong."
    assert body["message"]["attachment"]["payload"]["buttons"][0]["payload"] == "⭐ Đánh giá"
    async with services.database.unit_of_work() as store:
        assert await resolve_text(store.buttons, "zalo", CITIZEN, "⭐ Đánh giá") == (
            "rate:PA-10001:yes"
        )
        assert (await store.zalo_windows.get(CITIZEN)).sent_since == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("hours", "reason"),
    [(49, "outside the 48 h reply window"), (None, "never wrote to the OA")],
)
async def test_outside_the_window_the_row_fails_without_calling_zalo(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start,
    hours: float | None, reason: str,
):  # fmt: skip
    user = await citizen(services, clock, wrote_hours_ago=hours)
    await notice(services, user, clock, Reply("PA-10001 đã được tiếp nhận."))
    await start()
    await until_statuses(services.database, failed=1)
    row = await the_row(services)
    assert reason in row.last_error and row.attempts == 1
    assert fake_zalo.calls_to(MESSAGE_PATH) == []


async def test_eight_free_replies_per_message_then_the_rest_fails(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start
):
    user = await citizen(services, clock, wrote_hours_ago=1)
    await notice(services, user, clock, *[Reply(f"Tin {n}") for n in range(10)])
    await start()
    await until_statuses(services.database, failed=1)
    row = await the_row(services)
    assert len(fake_zalo.sent(CITIZEN)) == 8 and row.parts_done == 8
    assert "8 free replies" in row.last_error


async def test_what_zalo_refuses_is_recorded_with_its_code_and_not_retried(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start
):
    user = await citizen(services, clock, wrote_hours_ago=1)
    await notice(services, user, clock, Reply("PA-10001 đã được tiếp nhận."))
    fake_zalo.fail(MESSAGE_PATH, -211, "Out of quota")
    await start()
    await until_statuses(services.database, failed=1)
    row = await the_row(services)
    assert row.last_error == "zalo -211: Out of quota" and row.attempts == 1


async def test_outside_the_window_zalo_is_asked_when_configured(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start
):
    user = await citizen(services, clock, wrote_hours_ago=100)
    await notice(services, user, clock, Reply("PA-10001 đã được tiếp nhận."))
    fake_zalo.fail(MESSAGE_PATH, -230, "User has not interacted with the OA recently")
    await start(send_outside_window=True)
    await until_statuses(services.database, failed=1)
    assert (await the_row(services)).last_error.startswith("zalo -230: ")


async def test_a_citizen_who_no_longer_follows_is_blocked(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start
):
    user = await citizen(services, clock, wrote_hours_ago=1)
    await notice(services, user, clock, Reply("PA-10001 đã được tiếp nhận."))
    fake_zalo.unfollowed.add(CITIZEN)
    await start()
    await until_statuses(services.database, blocked=1)
    async with services.database.unit_of_work() as store:
        assert not (await store.users.find("zalo", CITIZEN)).reachable  # type: ignore[union-attr]


async def test_a_token_refused_mid_delivery_is_refreshed_and_the_row_sent(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo, start: Start
):
    user = await citizen(services, clock, wrote_hours_ago=1)
    await notice(services, user, clock, Reply("Một"), Reply("Hai"))
    await start({"ZALO_ACCESS_TOKEN": "an-access-token-zalo-no-longer-takes"})
    await until_statuses(services.database, sent=1)
    assert fake_zalo.texts(CITIZEN) == ["Một", "Hai"]
    paths = [call.path for call in fake_zalo.calls]
    assert paths == [MESSAGE_PATH, OAUTH_PATH, MESSAGE_PATH, MESSAGE_PATH]  # -216, refresh


@pytest.mark.parametrize(
    ("code", "outcome"),
    [(-32, Outcome.RATE_LIMITED), (-213, Outcome.BLOCKED), (-216, Outcome.RETRY),
     (-211, Outcome.FAILED), (-230, Outcome.FAILED), (-201, Outcome.FAILED)],
)  # fmt: skip
def test_zalo_codes_map_to_delivery_outcomes(code: int, outcome: Outcome):
    result = _result(ZaloError(code, "x"), 2)
    assert (result.outcome, result.parts_done) == (outcome, 2)
    assert result.error == f"zalo {code}: x"
    assert (result.retry_after > 0) == (outcome is Outcome.RATE_LIMITED)


def test_the_sender_speaks_the_worker_protocol():
    assert (ZaloSender.channel, ZaloSender.editable) == ("zalo", False)


async def test_a_broadcasters_progress_is_posted_in_the_window_only(
    services: Services, clock: FakeClock, fake_zalo: FakeZalo
):
    channel = ZaloChannel(services, zalo_settings_for(services, fake_zalo), clock=clock)
    await channel.tokens.bootstrap()
    sender = channel.sender()
    await citizen(services, clock, wrote_hours_ago=1)
    ref = await sender.post(CITIZEN, "Đã gửi 10/100", None, None)
    assert ref is not None and fake_zalo.texts(CITIZEN) == ["Đã gửi 10/100"]
    clock.advance(hours=48)
    assert await sender.post(CITIZEN, "Đã gửi 100/100", ref, None) is None
    assert len(fake_zalo.texts(CITIZEN)) == 1
    await channel.stop()
