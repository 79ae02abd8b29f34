"""The delivery worker against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.delivery.settings import ChannelRate
from handlers import Reply, Venue, reply_to_dict
from storage.db import Database
from tests.delivery.conftest import StartWorker
from tests.delivery.support import (
    add_users,
    build_worker,
    delivered,
    enqueue,
    fast_config,
    rows,
    status_counts,
    until_first_row,
    until_statuses,
    wait_until,
)
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram


async def test_every_due_row_is_sent_once_and_recorded(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    people = await add_users(database, "telegram", range(1001, 1031), clock())
    for user in people:
        await enqueue(database, user, f"Phản ánh {user.external_id} đã được xử lý", clock())
    await start_worker()
    await until_statuses(database, sent=30)
    assert delivered(fake_telegram) == Counter(range(1001, 1031))
    assert {row.Outbox.attempts for row in await rows(database)} == {1}


async def test_alerts_go_before_routine_notices(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    routine = await add_users(database, "telegram", range(2001, 2011), clock())
    urgent = await add_users(database, "telegram", range(3001, 3011), clock())
    for user in routine:
        await enqueue(database, user, "Cập nhật phản ánh", clock(), priority=5)
    for user in urgent:
        await enqueue(database, user, "Cảnh báo lũ", clock(), priority=1, kind="alert")
    await start_worker(fast_config(max_in_flight=1))
    await until_statuses(database, sent=20)
    order = [int(call.params["chat_id"]) for call in fake_telegram.sent()]
    assert order[:10] == list(range(3001, 3011))


async def test_a_429_pauses_the_whole_channel_for_retry_after_then_goes_on(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    people = await add_users(database, "telegram", range(4001, 4006), clock())
    for user in people:
        await enqueue(database, user, "Thông báo", clock())
    fake_telegram.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await start_worker(fast_config(max_in_flight=1))
    await until_statuses(database, sent=5)
    refused, *accepted = fake_telegram.sent()
    assert not refused.ok and all(call.ok for call in accepted)
    # the whole channel waited: the pause counts from the 429's answer, after it arrived
    waited = min(call.at for call in accepted) - refused.at
    assert waited >= 1.0, f"the next send came {waited:.3f}s after the 429"
    assert delivered(fake_telegram) == Counter(range(4001, 4006))
    assert {row.Outbox.attempts for row in await rows(database)} == {1}  # a 429 is no attempt


async def test_a_user_who_blocked_the_bot_is_unreachable_and_their_rows_dropped(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    blocker, other = await add_users(database, "telegram", (5001, 5002), clock())
    fake_telegram.blocked.add(5001)
    await enqueue(database, blocker, "một", clock())
    await start_worker()
    await until_statuses(database, blocked=1)
    for text in ("hai", "ba"):  # queued after the block: dropped unsent
        await enqueue(database, blocker, text, clock())
    await enqueue(database, other, "bốn", clock())
    await until_statuses(database, blocked=1, dropped=2, sent=1)
    assert len(fake_telegram.sent(5001)) == 1
    async with database.unit_of_work() as store:
        user = await store.users.find("telegram", "5001")
    assert user is not None and user.reachable is False
    assert delivered(fake_telegram) == Counter({5002: 1})


async def test_a_blocked_users_waiting_rows_are_dropped(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    (blocker,) = await add_users(database, "telegram", (5101,), clock())
    fake_telegram.blocked.add(5101)
    await enqueue(database, blocker, "bây giờ", clock())
    later = clock() + timedelta(minutes=5)
    for text in ("sau", "sau nữa"):
        await enqueue(database, blocker, text, later)  # not due yet: still pending
    await start_worker()
    await until_statuses(database, blocked=1, dropped=2)


async def test_passing_errors_back_off_exponentially_then_fail_with_the_reason(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    (user,) = await add_users(database, "telegram", (6001,), clock())
    await enqueue(database, user, "Thông báo", clock())
    fake_telegram.fail("sendMessage", 502, "Bad Gateway", times=10)
    await start_worker()
    for attempt, wait in ((1, 5), (2, 10)):
        row = await until_first_row(
            database, lambda r, a=attempt: r.status == "pending" and r.attempts == a
        )
        assert row.available_at == clock() + timedelta(seconds=wait)
        clock.advance(seconds=wait)
    row = await until_first_row(database, lambda r: r.status == "failed")
    assert row.attempts == 3 and "502" in row.last_error
    assert delivered(fake_telegram) == Counter()


async def test_a_message_telegram_refuses_fails_at_once(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    (user,) = await add_users(database, "telegram", (6101,), clock())
    await enqueue(database, user, "Thông báo", clock())
    fake_telegram.fail("sendMessage", 400, "Bad Request: chat not found")
    await start_worker()
    row = await until_first_row(database, lambda r: r.status == "failed")
    assert row.attempts == 1 and "chat not found" in row.last_error


async def test_a_notice_with_a_venue_sends_the_text_then_the_venue(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    (user,) = await add_users(database, "telegram", (6201,), clock())
    shelter = Venue(16.4561, 107.5912, "Trường THCS Nguyễn Tri Phương", "26 Lê Lợi, Huế")
    payload = {"replies": [reply_to_dict(Reply("Điểm sơ tán gần bạn nhất", venue=shelter))]}
    async with database.unit_of_work() as store:
        await store.outbox.enqueue(user, "alert", payload, clock(), 1)
    await start_worker()
    await until_statuses(database, sent=1)
    assert [c.method for c in fake_telegram.calls] == ["sendMessage", "sendVenue"]
    assert fake_telegram.venues(6201) == [{
        "location": {"latitude": 16.4561, "longitude": 107.5912},
        "title": "Trường THCS Nguyễn Tri Phương", "address": "26 Lê Lợi, Huế",
    }]  # fmt: skip


async def test_web_chat_rows_are_left_for_the_page_to_read(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    (web_user,) = await add_users(database, "webchat", ("page-1",), clock())
    (tg_user,) = await add_users(database, "telegram", (7001,), clock())
    await enqueue(database, web_user, "Cho trang web", clock())
    await enqueue(database, tg_user, "Cho Telegram", clock())
    await start_worker()
    await until_statuses(database, sent=1, pending=1)
    async with database.unit_of_work() as store:
        read = await store.outbox.take_for_webchat(web_user.id, 0, clock())
    assert len(read) == 1
    assert dict(await status_counts(database)) == {"sent": 2}


async def test_expired_rows_are_never_delivered(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    people = await add_users(database, "telegram", (7101,), clock())
    people += await add_users(database, "webchat", ("page-2",), clock())
    payload = {"replies": [reply_to_dict(Reply("Cảnh báo đã hết hạn"))]}
    expires = clock() + timedelta(minutes=1)
    async with database.unit_of_work() as store:
        for user in people:
            await store.outbox.enqueue(user, "alert", payload, clock(), 1, expires)
    clock.advance(minutes=2)
    async with database.unit_of_work() as store:
        assert await store.outbox.take_for_webchat(people[1].id, 0, clock()) == []
    await start_worker()
    await until_statuses(database, expired=2)
    assert delivered(fake_telegram) == Counter()


async def test_two_workers_share_the_outbox_and_send_each_row_once(
    database: Database, db_target: tuple[str, str | None], clock: FakeClock,
    fake_telegram: FakeTelegram, start_worker: StartWorker,
):  # fmt: skip
    people = await add_users(database, "telegram", range(8001, 8201), clock())
    for user in people:
        await enqueue(database, user, "Thông báo", clock())
    second = Database(*db_target)
    try:
        config = fast_config(claim_seconds=0.05)  # small claims, so both take turns
        first_worker = await start_worker(config, name="worker-a")
        second_worker = await start_worker(config, db=second, name="worker-b")
        await until_statuses(database, sent=200)
        await first_worker.stop()
        await second_worker.stop()
    finally:
        await second.dispose()
    assert delivered(fake_telegram) == Counter(range(8001, 8201))


async def test_a_dead_workers_rows_wait_for_its_lease_then_are_sent(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    people = await add_users(database, "telegram", range(9001, 9006), clock())
    for user in people:
        await enqueue(database, user, "Thông báo", clock())
    lease = clock() + timedelta(seconds=30)
    async with database.unit_of_work() as store:
        assert len(await store.delivery.claim("telegram", "dead", clock(), lease, 10)) == 5
    worker = await start_worker()
    await worker.upkeep()
    assert dict(await status_counts(database)) == {"sending": 5}
    clock.advance(seconds=31)
    await until_statuses(database, sent=5)
    assert delivered(fake_telegram) == Counter(range(9001, 9006))


class SecondPartFailsOnce(FakeTelegram):
    """Accepts a chat's first message, then answers 502 once."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: set[int] = set()

    async def _do_send_message(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = int(params["chat_id"])
        if delivered(self)[chat] == 1 and chat not in self.failed:
            self.failed.add(chat)
            body = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            return web.json_response(body, status=502)
        return await super()._do_send_message(params, files)


async def test_a_retry_sends_only_the_parts_not_yet_sent(
    database: Database, clock: FakeClock, aiohttp_server: Any, tmp_path: Path
):
    fake = SecondPartFailsOnce()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    (user,) = await add_users(database, "telegram", (9101,), clock())
    payload = {"replies": [reply_to_dict(Reply(t)) for t in ("Phần 1", "Phần 2", "Phần 3")]}
    async with database.unit_of_work() as store:
        await store.outbox.enqueue(user, "status", payload, clock())
    rate = ChannelRate(messages_per_second=100, paid_broadcast=True, per_chat_per_second=50)
    worker = build_worker(database, fake, clock, tmp_path, fast_config(telegram=rate))
    await worker.start()
    try:
        await until_first_row(database, lambda r: r.status == "pending" and r.parts_done == 1)
        clock.advance(seconds=6)
        await until_first_row(database, lambda r: r.status == "sent")
    finally:
        await worker.stop()
    accepted = [message["text"] for _, message in sorted(fake.messages.items())]
    assert accepted == ["Phần 1", "Phần 2", "Phần 3"]


async def test_stopping_hands_unsent_rows_back_at_once(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    people = await add_users(database, "telegram", range(9201, 9261), clock())
    for user in people:
        await enqueue(database, user, "Thông báo", clock())
    slow = ChannelRate(messages_per_second=20, paid_broadcast=False)
    worker = await start_worker(fast_config(telegram=slow))

    async def some_sent() -> bool:
        return (await status_counts(database))["sent"] >= 3

    await wait_until(some_sent)
    await worker.stop()
    counts = await status_counts(database)
    assert set(counts) == {"sent", "pending"} and counts["sent"] == len(delivered(fake_telegram))


async def test_against_telegrams_strict_limit_nothing_is_refused(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, start_worker: StartWorker
):
    limits = fake_telegram.strict(per_second=20)
    people = await add_users(database, "telegram", range(6001, 6051), clock())
    for user in people:
        await enqueue(database, user, "Cảnh báo", clock())
    group = (await add_users(database, "telegram", (-6100,), clock()))[0]
    for text in ("một", "hai", "ba"):  # one group chat: 1 a second at most
        await enqueue(database, group, text, clock())
    strict = ChannelRate(messages_per_second=20, paid_broadcast=False)
    await start_worker(fast_config(telegram=strict))
    await until_statuses(database, sent=53)
    assert fake_telegram.violations == 0 and limits.busiest == 20
    assert delivered(fake_telegram) == Counter([*range(6001, 6051), -6100, -6100, -6100])
