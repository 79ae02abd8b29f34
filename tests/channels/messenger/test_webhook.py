"""The /messenger/webhook edge over real HTTP: signatures fail closed, GET verification."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.channels.messenger.parse import Parsed
from bot.channels.messenger.webhook import (
    MAX_BODY,
    SIGNATURE_HEADER,
    WEBHOOK_PATH,
    add_routes,
    authentic,
    challenge,
    signature,
)
from tests.support.fake_messenger import APP_SECRET, VERIFY_TOKEN

Client = TestClient[Any, Any]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "messenger"
BODY = (FIXTURES / "synthetic_batched.json").read_bytes()


def meta_signature(body: bytes, secret: str = APP_SECRET) -> str:
    """Computed here independently of the code under test, as Meta documents it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_signature_matches_the_documented_formula() -> None:
    assert signature(BODY, APP_SECRET) == meta_signature(BODY)
    assert authentic(meta_signature(BODY), BODY, APP_SECRET)
    assert authentic(meta_signature(BODY).upper().replace("SHA256=", "sha256="), BODY, APP_SECRET)


@pytest.mark.parametrize(
    ("header", "secret"),
    [
        (None, APP_SECRET),  # missing
        ("", APP_SECRET),
        ("sha256=" + "0" * 64, APP_SECRET),  # forged
        (meta_signature(BODY, "another-secret"), APP_SECRET),  # wrong secret
        (meta_signature(BODY)[len("sha256=") :], APP_SECRET),  # no prefix
        ("sha1=" + hashlib.sha1(BODY).hexdigest(), APP_SECRET),  # old header style
        (meta_signature(BODY + b" "), APP_SECRET),  # body changed
        (meta_signature(BODY, ""), ""),  # no secret configured: fail closed
    ],
)
def test_anything_else_is_refused(header: str | None, secret: str) -> None:
    assert not authentic(header, BODY, secret)


def test_challenge_needs_subscribe_and_the_exact_token() -> None:
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    assert challenge(good, VERIFY_TOKEN) == "1158201444"
    assert challenge({**good, "hub.verify_token": VERIFY_TOKEN + "x"}, VERIFY_TOKEN) is None
    assert challenge({**good, "hub.mode": "unsubscribe"}, VERIFY_TOKEN) is None
    assert challenge({**good, "hub.challenge": ""}, VERIFY_TOKEN) is None
    assert challenge({**good, "hub.verify_token": ""}, "") is None


class Intake:
    """Stands in for the channel kit's intake: records what the edge hands over."""

    def __init__(self) -> None:
        self.received: list[Parsed] = []

    async def __call__(self, parsed: Parsed) -> None:
        self.received.append(parsed)


@pytest.fixture
def intake() -> Intake:
    return Intake()


@pytest.fixture
async def client(aiohttp_client: Any, intake: Intake) -> Client:
    app = web.Application()
    add_routes(app, VERIFY_TOKEN, APP_SECRET, intake)
    client: Client = await aiohttp_client(app)
    return client


async def test_get_verification_with_the_right_token(client: Client) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "CHALLENGE_ACCEPTED",
    }
    response = await client.get(WEBHOOK_PATH, params=query)
    assert response.status == 200
    assert response.content_type == "text/plain"
    assert await response.text() == "CHALLENGE_ACCEPTED"


async def test_get_verification_with_a_wrong_token(client: Client) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "CHALLENGE"}
    response = await client.get(WEBHOOK_PATH, params=query)
    assert response.status == 403
    assert "CHALLENGE" not in await response.text()


async def test_signed_post_is_parsed_and_handed_over(client: Client, intake: Intake) -> None:
    headers = {SIGNATURE_HEADER: meta_signature(BODY), "Content-Type": "application/json"}
    response = await client.post(WEBHOOK_PATH, data=BODY, headers=headers)
    assert response.status == 200
    (parsed,) = intake.received
    assert len(parsed.events) == 2 and parsed.ignored == 1


@pytest.mark.parametrize(
    "header",
    [None, "sha256=" + "f" * 64, meta_signature(BODY, "another-secret")],
)
async def test_unsigned_or_forged_post_stores_nothing(
    client: Client, intake: Intake, header: str | None
) -> None:
    headers = {SIGNATURE_HEADER: header} if header else {}
    response = await client.post(WEBHOOK_PATH, data=BODY, headers=headers)
    assert response.status == 403
    assert intake.received == []


async def test_signed_garbage_is_a_bad_request(client: Client, intake: Intake) -> None:
    body = b"{not json"
    response = await client.post(
        WEBHOOK_PATH, data=body, headers={SIGNATURE_HEADER: meta_signature(body)}
    )
    assert response.status == 400
    assert intake.received == []


async def test_without_a_secret_every_post_is_refused(aiohttp_client: Any, intake: Intake) -> None:
    app = web.Application()
    add_routes(app, "", "", intake)
    client = await aiohttp_client(app)
    body = json.dumps({"object": "page", "entry": []}).encode()
    post = await client.post(
        WEBHOOK_PATH, data=body, headers={SIGNATURE_HEADER: meta_signature(body, "")}
    )
    get = await client.get(
        WEBHOOK_PATH,
        params={"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "c"},
    )
    assert (post.status, get.status) == (403, 403)
    assert intake.received == []


async def test_an_oversized_body_is_refused_unread(client: Client, intake: Intake) -> None:
    body = b"{" + b" " * MAX_BODY + b"}"
    response = await client.post(WEBHOOK_PATH, data=body, headers={SIGNATURE_HEADER: "x"})
    assert response.status == 413
    assert intake.received == []


async def test_signed_json_nested_too_deep_is_a_bad_request(
    client: Client, intake: Intake
) -> None:
    body = b"[" * 5000 + b"]" * 5000
    response = await client.post(
        WEBHOOK_PATH, data=body, headers={SIGNATURE_HEADER: meta_signature(body)}
    )
    assert response.status == 400
    assert intake.received == []
