"""The hostile requests of ``bench/hostile_bench.py``, one mix per channel.

Each request has a kind and what a correct server does with it: ``answer`` (2xx and the
citizen gets at least one message back), ``once`` (a replay: 2xx, nothing more sent),
or a 4xx status. Kinds are dealt round-robin, so every mix has every kind.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from tests.channels.citizen import Citizen
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_zalo import APP_ID, OA_SECRET_KEY, FakeZalo, ZaloCitizen
from tests.support.hostile import chunked, deep_json, huge_json
from tests.support.images import png_bomb

IN_FLIGHT = 4
ANSWER_WAIT_SECONDS = 240
MB = 1024 * 1024
EMOJI = "🌊🔥⚠️🙏🏻👨‍👩‍👧‍👦" * 300
LONG_NAME = "Nguyễn Thị Hoa Lan 🌸 " * 40
REPORT = "Đèn đường hỏng ở Lê Lợi " + EMOJI[:40]
BROKEN_TEXT = "đèn hỏng \\u0000 \\ud800 ở Lê Lợi"  # NUL and a lone surrogate, JSON-escaped


@dataclass
class Target:
    """The server under test and the fakes behind it."""

    base: str
    session: aiohttp.ClientSession
    secret: str
    telegram: FakeTelegram
    zalo: FakeZalo
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


@dataclass
class Tally:
    """What one channel's mix produced."""

    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)  # kind -> unexpected outcomes
    expect_answer: list[Any] = field(default_factory=list)
    client_errors: int = 0

    def record(self, kind: str, status: int, expected: int | str) -> None:
        self.kinds[kind] += 1
        self.statuses[str(status)] += 1
        wanted = 200 if expected in ("answer", "once") else expected
        if status != wanted:
            self.wrong[f"{kind}: {status}"] += 1

    def report(self, answered: int) -> dict[str, Any]:
        fives = sum(n for code, n in self.statuses.items() if code.startswith("5"))
        fours = sum(n for code, n in self.statuses.items() if code.startswith("4"))
        return {
            "requests": sum(self.kinds.values()), "kinds": dict(self.kinds),
            "statuses": dict(sorted(self.statuses.items())), "4xx": fours, "5xx": fives,
            "expected_answers": len(self.expect_answer), "answered": answered,
            "unanswered": len(self.expect_answer) - answered,
            "unexpected_statuses": dict(self.wrong), "client_errors": self.client_errors,
        }  # fmt: skip


Send = Callable[[], Awaitable[int]]
Request = tuple[str, int | str, Send, Any]  # kind, expected, send, who must be answered


def lazy(make: Callable[[], Send]) -> Send:
    """A request built only when it is sent (bombs and replays are made then)."""

    async def send() -> int:
        return await make()()

    return send


async def _run_all(requests: Iterator[Request], tally: Tally) -> None:
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(kind: str, expected: int | str, send: Send, who: Any) -> None:
        async with gate:
            try:
                status = await send()
            except (TimeoutError, aiohttp.ClientError):
                tally.client_errors += 1
                status = 0
        tally.record(kind, status, expected)
        if expected == "answer" and status == 200:
            tally.expect_answer.append(who)

    await asyncio.gather(*(one(*request) for request in requests))


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        found = await response.json(content_type=None)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


async def _post(target: Target, path: str, data: Any, headers: dict[str, str]) -> int:
    async with target.session.post(target.base + path, data=data, headers=headers) as response:
        await response.read()
        return response.status


async def _answered(check: Callable[[Any], bool], who: list[Any]) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ANSWER_WAIT_SECONDS
    while loop.time() < deadline and not all(check(w) for w in who):
        await asyncio.sleep(0.5)
    return sum(1 for w in who if check(w))


# --- images ------------------------------------------------------------------------------

_BOMBS: dict[str, bytes] = {}


def bombs() -> tuple[bytes, bytes]:
    """A 49 MP PNG (refused from its header) and a 23 MP one (decoded in full, accepted)."""
    if not _BOMBS:
        _BOMBS["huge"], _BOMBS["big"] = png_bomb(7000, 7000), png_bomb(4800, 4800)
    return _BOMBS["huge"], _BOMBS["big"]


def bomb(n: int) -> bytes:
    """Mostly header-refused bombs; one in twelve is decoded in full (about 50 a run)."""
    huge, big = bombs()
    return big if n % 12 == 0 else huge


# --- web chat ----------------------------------------------------------------------------


async def webchat(target: Target, messages: int) -> dict[str, Any]:
    """Web chat: texts, floods, broken and deep JSON, huge chunked bodies, photo bombs."""
    tally = Tally()
    answered: list[str] = []

    def request(n: int) -> Request:
        kinds = _webchat_kinds(target, n, answered)
        kind, expected, make = kinds[n % len(kinds)]
        return kind, expected, lazy(make), f"webchat-{n}"

    await _run_all((request(n) for n in range(messages)), tally)
    return tally.report(len(set(answered) & set(tally.expect_answer)))


async def _cookie(target: Target) -> str:
    async with target.session.get(target.base + "/") as response:
        await response.read()
        return response.cookies["huebot_chat"].value


def _webchat_kinds(
    target: Target, n: int, answered: list[str]
) -> list[tuple[str, int | str, Callable[[], Send]]]:
    who = f"webchat-{n}"

    def message(body: bytes | Any, content_type: str = "application/json") -> Send:
        async def send() -> int:
            cookie = {"Cookie": f"huebot_chat={await _cookie(target)}"}  # a visitor each
            headers = {**cookie, "Content-Type": content_type}
            url = target.base + "/api/chat/messages"
            async with target.session.post(url, data=body, headers=headers) as response:
                reply = await _json(response)
                if response.status == 200 and reply.get("replies"):
                    answered.append(who)
                return response.status

        return send

    def photo(data: bytes) -> Send:
        async def send() -> int:
            form = aiohttp.FormData()
            form.add_field("id", uuid.uuid4().hex)
            form.add_field("file", data, filename="bomb.png", content_type="image/png")
            url = target.base + "/api/chat/photos"
            cookie = {"Cookie": f"huebot_chat={await _cookie(target)}"}
            async with target.session.post(url, data=form, headers=cookie) as response:
                reply = await _json(response)
                if response.status == 200 and reply.get("replies"):
                    answered.append(who)
                return response.status

        return send

    def text(value: str) -> bytes:
        return json.dumps({"id": uuid.uuid4().hex, "text": value}).encode()

    raw_broken = b'{"id": "%s", "text": "%s"}' % (uuid.uuid4().hex.encode(), BROKEN_TEXT.encode())
    return [
        (
            "text",
            "answer",
            lambda: message(text("Đèn đường trước số 12 Lê Lợi bị hỏng " + EMOJI[:40])),
        ),
        ("emoji_flood", "answer", lambda: message(text(EMOJI[:3900]))),
        ("over_long_text", "answer", lambda: message(text("ổ gà " * 5000))),
        ("nul_and_surrogate", "answer", lambda: message(raw_broken)),
        ("malformed_json", 400, lambda: message(b'{"id": "abc', "application/json")),
        ("deep_json", 400, lambda: message(deep_json())),
        ("huge_chunked", 413, lambda: message(chunked(huge_json(2 * MB)))),
        ("bad_id", 400, lambda: message(json.dumps({"id": "x" * 500, "text": "hi"}).encode())),
        ("image_bomb", "answer", lambda: photo(bomb(n // 10))),
        ("no_cookie", 401, lambda: _no_cookie(target)),
    ]


def _no_cookie(target: Target) -> Send:
    async def send() -> int:
        body = json.dumps({"id": uuid.uuid4().hex, "text": "xin chào"}).encode()
        headers = {"Content-Type": "application/json", "Cookie": "huebot_chat=short"}
        return await _post(target, "/api/chat/messages", body, headers)

    return send


# --- Telegram ----------------------------------------------------------------------------

_telegram_users = itertools.count(910_000_001)


async def telegram(target: Target, messages: int) -> dict[str, Any]:
    """Telegram webhook: valid updates from odd users, forgeries, junk, replays, bombs."""
    tally = Tally()
    sent: list[dict[str, Any]] = []

    def request(n: int) -> Request:
        citizen = Citizen(target.telegram, user_id=next(_telegram_users))
        citizen.user.update(first_name=LONG_NAME, last_name=LONG_NAME, username="u" * 300)
        kinds = _telegram_kinds(target, citizen, n, sent)
        kind, expected, make = kinds[n % len(kinds)]
        return kind, expected, lazy(make), citizen.id

    await _run_all((request(n) for n in range(messages)), tally)
    fake = target.telegram
    answered = await _answered(lambda chat: bool(fake.delivered(chat)), tally.expect_answer)
    return tally.report(answered)


def _telegram_kinds(
    target: Target, citizen: Citizen, n: int, sent: list[dict[str, Any]]
) -> list[tuple[str, int | str, Callable[[], Send]]]:
    def post(body: Any, secret: str | None = target.secret, keep: bool = False) -> Send:
        async def send() -> int:
            headers = {"Content-Type": "application/json"}
            if secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            data = json.dumps(body).encode() if isinstance(body, dict) else body
            status = await _post(target, "/telegram/webhook", data, headers)
            if keep and status == 200:
                sent.append(body)
            return status

        return send

    def replay() -> Send:
        return post(sent[-1] if sent else citizen.text("/help"))

    raw = json.dumps(citizen.text("x")).replace('"x"', f'"{BROKEN_TEXT}"').encode()
    return [
        ("text_long_names", "answer", lambda: post(citizen.text(REPORT), keep=True)),
        ("emoji_flood", "answer", lambda: post(citizen.text(EMOJI[:3900]))),
        ("forged_secret", 401, lambda: post(citizen.text("/help"), secret="forged-secret-000000")),
        ("malformed_json", 400, lambda: post(b'{"update_id": 1,')),
        ("deep_json", 400, lambda: post(deep_json())),
        ("huge_chunked", 413, lambda: post(chunked(huge_json(5 * MB)))),
        ("replayed_update", "once", lambda: replay()),
        ("image_bomb", "answer", lambda: post(citizen.photo(bomb(n // 10)))),
        ("nul_and_surrogate", "answer", lambda: post(raw)),
        ("over_long_text", "answer", lambda: post(citizen.text("ổ gà " * 5000))),
    ]  # fmt: skip


# --- Zalo --------------------------------------------------------------------------------

_zalo_users = itertools.count(5_810_000_000_000_000_001)


def _signed(body: bytes, timestamp: str, key: str = OA_SECRET_KEY) -> dict[str, str]:
    mac = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + key.encode())
    return {"X-ZEvent-Signature": f"mac={mac.hexdigest()}", "Content-Type": "application/json"}


async def zalo(target: Target, messages: int) -> dict[str, Any]:
    """Zalo webhook: signed events, forgeries, junk, replays, stale events, bombs."""
    tally = Tally()
    sent: list[bytes] = []

    def request(n: int) -> Request:
        citizen = ZaloCitizen(target.zalo, target.clock, str(next(_zalo_users)))
        kinds = _zalo_kinds(target, citizen, n, sent)
        kind, expected, make = kinds[n % len(kinds)]
        return kind, expected, lazy(make), citizen.id

    await _run_all((request(n) for n in range(messages)), tally)
    fake = target.zalo
    answered = await _answered(lambda user: bool(fake.sent(user)), tally.expect_answer)
    return tally.report(answered)


def _zalo_kinds(
    target: Target, citizen: ZaloCitizen, n: int, sent: list[bytes]
) -> list[tuple[str, int | str, Callable[[], Send]]]:
    def event(value: dict[str, Any], key: str = OA_SECRET_KEY, keep: bool = False) -> Send:
        body = json.dumps(value, ensure_ascii=False).encode()

        async def send() -> int:
            status = await _post(
                target, "/zalo/webhook", body, _signed(body, value["timestamp"], key)
            )
            if keep and status == 200:
                sent.append(body)
            return status

        return send

    def raw(body: Any, headers: dict[str, str] | None = None) -> Send:
        return lambda: _post(target, "/zalo/webhook", body, headers or {})

    def replay() -> Send:
        body = sent[-1] if sent else json.dumps(citizen.text("x")).encode()
        timestamp = str(json.loads(body)["timestamp"])
        return raw(body, _signed(body, timestamp))

    now_ms = str(int(target.clock().timestamp() * 1000))
    deep = b'{"app_id": "%s", "timestamp": "%s", "message": %s}' % (
        APP_ID.encode(), now_ms.encode(), deep_json(5000))  # fmt: skip
    stale = citizen.text("cũ rồi")
    stale["timestamp"] = str(int((target.clock() - timedelta(days=2)).timestamp() * 1000))
    broken = citizen.text("x")
    broken["message"]["text"] = "đèn hỏng \x00 ở Lê Lợi " + EMOJI[:20]
    return [
        ("text", "answer", lambda: event(citizen.text(REPORT), keep=True)),
        ("emoji_flood", "answer", lambda: event(citizen.text(EMOJI[:1900]))),
        ("forged_signature", 401, lambda: event(citizen.text("/help"), key="forged-key")),
        ("malformed_unsigned", 401, lambda: raw(b'{"timestamp": "1",')),
        ("deep_json_signed", 400, lambda: raw(deep, _signed(deep, now_ms))),
        ("huge_chunked_unsigned", 413, lambda: raw(chunked(huge_json(2 * MB)))),
        ("replayed_event", "once", lambda: replay()),
        ("stale_event", 400, lambda: event(stale)),
        ("image_bomb", "answer", lambda: event(citizen.image(bomb(n // 10), "", "image/png"))),
        ("nul_in_text", "answer", lambda: event(broken)),
    ]  # fmt: skip


CHANNELS: dict[str, Callable[[Target, int], Awaitable[dict[str, Any]]]] = {
    "webchat": webchat, "telegram": telegram, "zalo": zalo,
}  # fmt: skip


def verdict(stores: dict[str, Any], rss_limit: int) -> dict[str, Any]:
    """The targets, checked on every store and channel."""
    channels = [c for result in stores.values() for c in result["channels"].values()]
    summary = {
        "5xx": sum(c["5xx"] for c in channels),
        "unanswered": sum(c["unanswered"] for c in channels),
        "unexpected_statuses": sum(sum(c["unexpected_statuses"].values()) for c in channels),
        "crashes": sum(1 for result in stores.values() if result["crashed"]),
        "peak_rss_mb": max(result["rss_mb"]["peak"] for result in stores.values()),
    }
    summary["pass"] = (
        summary["5xx"] == 0 and summary["unanswered"] == 0 and summary["crashes"] == 0
        and summary["peak_rss_mb"] < rss_limit
    )  # fmt: skip
    return summary
