"""The Graph Send API client against the fake Graph API over real HTTP, and its settings."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from bot.channels.messenger.client import (
    MessengerClient,
    MessengerError,
    MessengerSettings,
    RateLimited,
    TokenExpired,
    Unavailable,
    Unreachable,
)
from bot.channels.messenger.render import Delivery, Purpose, delivery, render, request_body
from handlers import Choice, PhotoProblem, Reply
from tests.support.clock import FakeClock
from tests.support.fake_messenger import (
    APP_SECRET,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    FakeGraph,
    serve_fake,
)

ROOT = Path(__file__).resolve().parents[3]
PSID = "6543210987654321"
TEXT = {"text": "Đã nhận phản ánh PA-1042"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def fake(aiohttp_server: Any, clock: FakeClock) -> FakeGraph:
    graph = await serve_fake(aiohttp_server, clock)
    graph.inbound(PSID)
    return graph


@pytest.fixture
async def client(fake: FakeGraph) -> Any:
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url=fake.base_url + "/", http_media=True
    )
    messenger = MessengerClient(settings)
    yield messenger
    await messenger.close()


def reply_body(message: dict[str, Any] = TEXT) -> dict[str, Any]:
    return request_body(PSID, message, Delivery("RESPONSE"))


async def test_send_posts_to_me_messages_with_the_page_token(
    client: MessengerClient, fake: FakeGraph
) -> None:
    answer = await client.send(reply_body())
    assert answer["recipient_id"] == PSID and answer["message_id"].startswith("m_")
    (call,) = fake.calls
    assert call.query == {"access_token": PAGE_TOKEN}
    assert call.body == {"recipient": {"id": PSID}, "messaging_type": "RESPONSE", "message": TEXT}


async def test_everything_render_makes_is_accepted_by_the_strict_fake(
    client: MessengerClient, fake: FakeGraph
) -> None:
    actions = tuple(Choice(f"Thao tác {n}", f"act:{n}:PA-1") for n in range(5))
    thirteen = tuple(Choice(f"Mục số {n}", f"pick:{n}") for n in range(13))
    wordy = tuple(Choice(f"Lựa chọn số {n} dài hơn nhãn", f"pick:{n}") for n in range(14))
    replies = [
        Reply("x" * 4100, thirteen),  # 3 parts, 13 quick replies on the last
        Reply("Đơn PA-1", actions),  # a template: 3 buttons, 2 quick replies
        Reply("Chọn", wordy),  # a numbered list, no quick replies (14)
        Reply("Chọn", wordy[:5]),  # a numbered list with 5 numbered quick replies
        Reply("Ảnh", image_sha256="cd" * 32, ask_location=True),  # the image, then the text
    ]
    rendered = [m for reply in replies for m in render(reply, "vi", fake.base_url)]
    for message in rendered:
        await client.send(reply_body(message))
    assert len(rendered) == 8
    assert len(fake.sent(PSID)) == len(fake.calls) == 8
    assert [len(m.get("quick_replies", ())) for m in rendered] == [0, 0, 13, 2, 0, 5, 0, 0]


QUICK = {"content_type": "text", "title": "a", "payload": "p"}
BUTTON = {"type": "postback", "title": "b", "payload": "p"}


def template(text: str, buttons: int) -> dict[str, Any]:
    payload = {"template_type": "button", "text": text, "buttons": [BUTTON] * buttons}
    return {"attachment": {"type": "template", "payload": payload}}


@pytest.mark.parametrize(
    "message",
    [
        {"text": "x" * 2001},
        {"text": "x", "quick_replies": [QUICK] * 14},
        {"text": "x", "quick_replies": [{**QUICK, "title": "a" * 21}]},
        template("t", 4),
        template("t" * 641, 1),
        template("t", 0),
    ],
)
async def test_the_fake_refuses_what_meta_refuses(
    client: MessengerClient, fake: FakeGraph, message: dict[str, Any]
) -> None:
    with pytest.raises(MessengerError) as refused:
        await client.send(reply_body(message))
    assert type(refused.value) is MessengerError and refused.value.code == 100
    assert fake.sent() == []


async def test_missing_messaging_type_is_refused(client: MessengerClient) -> None:
    with pytest.raises(MessengerError, match="messaging_type"):
        await client.send({"recipient": {"id": PSID}, "message": TEXT})


async def test_out_of_window_notice_goes_with_its_tag(
    client: MessengerClient, fake: FakeGraph, clock: FakeClock
) -> None:
    clock.advance(hours=30)
    how = delivery(Purpose.NOTICE, fake.last_inbound[PSID], clock.now)
    assert how == Delivery("MESSAGE_TAG", "ACCOUNT_UPDATE")
    await client.send(request_body(PSID, TEXT, how))
    assert fake.sent(PSID)[0]["tag"] == "ACCOUNT_UPDATE"


async def test_out_of_window_untagged_is_refused_as_unreachable_outside_window(
    client: MessengerClient, fake: FakeGraph, clock: FakeClock
) -> None:
    clock.advance(hours=24)
    with pytest.raises(Unreachable) as refused:
        await client.send(request_body(PSID, TEXT, Delivery("UPDATE")))
    assert refused.value.outside_window and refused.value.subcode == 2018278


async def test_a_tag_the_policy_does_not_allow_is_refused(
    client: MessengerClient, fake: FakeGraph, clock: FakeClock
) -> None:
    fake.allowed_tags.clear()
    clock.advance(days=2)
    with pytest.raises(Unreachable) as refused:
        await client.send(request_body(PSID, TEXT, Delivery("MESSAGE_TAG", "ACCOUNT_UPDATE")))
    assert refused.value.outside_window


async def test_alert_with_an_optin_token(
    client: MessengerClient, fake: FakeGraph, clock: FakeClock
) -> None:
    fake.optin_tokens["7104532856349175612"] = PSID
    clock.advance(days=5)
    how = delivery(
        Purpose.ALERT, fake.last_inbound[PSID], clock.now, optin_token="7104532856349175612"
    )
    assert how is not None
    answer = await client.send(request_body(PSID, TEXT, how))
    assert answer["recipient_id"] == PSID


async def test_a_blocked_citizen_is_unreachable(client: MessengerClient, fake: FakeGraph) -> None:
    fake.blocked.add(PSID)
    with pytest.raises(Unreachable) as refused:
        await client.send(reply_body())
    assert (refused.value.code, refused.value.outside_window) == (551, False)


async def test_sending_faster_than_the_limit_is_rate_limited(
    client: MessengerClient, fake: FakeGraph, clock: FakeClock
) -> None:
    fake.max_per_second = 2
    await client.send(reply_body())
    await client.send(reply_body())
    with pytest.raises(RateLimited) as refused:
        await client.send(reply_body())
    assert refused.value.code == 613
    clock.advance(seconds=1)
    await client.send(reply_body())
    assert len(fake.sent()) == 3


@pytest.mark.parametrize(
    ("code", "subcode", "kind"),
    [
        (4, None, RateLimited),
        (32, None, RateLimited),
        (80006, None, RateLimited),
        (190, 463, TokenExpired),
        (200, 1545041, Unreachable),
        (100, 2018001, Unreachable),
        (100, None, MessengerError),
    ],
)
async def test_meta_errors_are_mapped(
    client: MessengerClient, fake: FakeGraph, code: int, subcode: int | None, kind: type
) -> None:
    fake.fail(code, "scripted", subcode)
    with pytest.raises(MessengerError) as refused:
        await client.send(reply_body())
    assert type(refused.value) is kind
    assert (refused.value.code, refused.value.subcode, refused.value.trace) == (
        code, subcode, "AbCdEfGhIjK",
    )  # fmt: skip


async def test_a_wrong_page_token_is_a_clear_operator_error(fake: FakeGraph) -> None:
    settings = MessengerSettings("revoked", APP_SECRET, VERIFY_TOKEN, api_base_url=fake.base_url)
    messenger = MessengerClient(settings)
    try:
        with pytest.raises(TokenExpired):
            await messenger.send(reply_body())
    finally:
        await messenger.close()


@pytest.mark.parametrize(("code", "status"), [(2, 400), (1, 500), (100, 503)])
async def test_temporary_failures_are_unavailable(
    client: MessengerClient, fake: FakeGraph, code: int, status: int
) -> None:
    fake.fail(code, "Temporary send message failure. Please try again later.", status=status)
    with pytest.raises(Unavailable):
        await client.send(reply_body())


async def test_an_unreachable_server_is_unavailable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url=f"http://127.0.0.1:{port}/v26.0"
    )
    messenger = MessengerClient(settings, timeout=5)
    try:
        with pytest.raises(Unavailable):
            await messenger.send(reply_body())
    finally:
        await messenger.close()


async def test_download_an_attachment(client: MessengerClient, fake: FakeGraph) -> None:
    url = fake.host(b"\xff\xd8\xff\xe0jpeg-bytes")
    assert await client.download(url) == b"\xff\xd8\xff\xe0jpeg-bytes"
    assert await client.download(fake.host(b"<html>", "text/html")) is PhotoProblem.UNSUPPORTED
    assert await client.download(fake.base_url + "/cdn/missing.jpg") is PhotoProblem.CORRUPT


async def test_download_refuses_plain_http_and_oversized_files(fake: FakeGraph) -> None:
    strict = MessengerClient(
        MessengerSettings(PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, max_download_bytes=8)
    )
    lenient = MessengerClient(
        MessengerSettings(
            PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, max_download_bytes=8, http_media=True
        )
    )
    try:
        assert await strict.download(fake.host(b"tiny")) is PhotoProblem.UNSUPPORTED
        assert await lenient.download(fake.host(b"x" * 9)) is PhotoProblem.TOO_LARGE
    finally:
        await strict.close()
        await lenient.close()
