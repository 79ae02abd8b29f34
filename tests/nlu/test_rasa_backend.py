"""The Rasa backend against a fake Rasa server on 127.0.0.1 (real HTTP, no mocks)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import nlu
from nlu.rasa_backend import RasaParser, RasaUnavailable

SECRET_TEXT = "nhà tôi số 12 Lê Lợi bị trộm"
RASA_ANSWER = {
    "text": SECRET_TEXT,
    "intent": {"id": 1, "name": "report_security", "confidence": 0.91},
    "entities": [
        {
            "entity": "street",
            "start": 14,
            "end": 20,
            "confidence_entity": 0.8,
            "value": "Lê Lợi",
            "extractor": "DIETClassifier",
        }
    ],
    "intent_ranking": [
        {"id": i, "name": f"intent_{i}", "confidence": 0.01 * i} for i in range(1, 9)
    ]
    + [{"id": 0, "name": "report_security", "confidence": 0.91}],
    "response_selector": {"all_retrieval_intents": []},
}

TOKEN = "s3cret-rasa-token"
ServerFactory = Callable[[web.Application], Awaitable[TestServer]]


class FallbackParser:
    """Stands in for the embedded engine and records what it was asked."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def parse(self, text: str) -> dict[str, Any]:
        self.texts.append(text)
        return {
            "text": text,
            "intent": {"name": "fallback", "confidence": 1.0},
            "intent_ranking": [],
            "entities": [],
        }


class FakeRasa:
    """A Rasa server's /model/parse; records request bodies; can be slow or broken.

    Like ``rasa run --enable-api --auth-token``, when it has a token it answers 401 to a
    request without ``?token=`` equal to it. It counts the TCP connections it served.
    """

    def __init__(
        self,
        delay: float = 0.0,
        status: int = 200,
        body: Any = RASA_ANSWER,
        token: str | None = None,
    ) -> None:
        self.requests: list[Any] = []
        self.refused = 0
        self.connections: set[Any] = set()
        self.delay, self.status, self.body, self.token = delay, status, body, token

    async def handle(self, request: web.Request) -> web.Response:
        assert request.transport is not None
        self.connections.add(request.transport.get_extra_info("peername"))
        if self.token is not None and request.query.get("token") != self.token:
            self.refused += 1
            return web.json_response(
                {"status": "failure", "reason": "NotAuthenticated", "code": 401}, status=401
            )
        self.requests.append(await request.json())
        await asyncio.sleep(self.delay)
        return web.json_response(self.body, status=self.status)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/model/parse", self.handle)
        return app


async def start(aiohttp_server: ServerFactory, fake: FakeRasa) -> str:
    server = await aiohttp_server(fake.app())
    return str(server.make_url(""))


Parsers = Callable[..., RasaParser]


@pytest.fixture
async def parsers() -> AsyncIterator[Parsers]:
    """Builds RasaParsers (arguments as RasaParser's); each one is closed at the end."""
    made: list[RasaParser] = []

    def make(*args: Any, **kwargs: Any) -> RasaParser:
        made.append(RasaParser(*args, **kwargs))
        return made[-1]

    yield make
    for parser in made:
        await parser.close()


async def test_parse_goes_to_rasa_and_keeps_its_shape(
    aiohttp_server: ServerFactory, parsers: Parsers
) -> None:
    fake, fallback = FakeRasa(), FallbackParser()
    parser = parsers(await start(aiohttp_server, fake), fallback, timeout=2.0)
    result = await parser.parse(SECRET_TEXT)
    assert fake.requests == [{"text": SECRET_TEXT}]
    assert fallback.texts == []
    assert result["intent"] == {"id": 1, "name": "report_security", "confidence": 0.91}
    assert [r["name"] for r in result["intent_ranking"]] == ["report_security"] + [
        f"intent_{i}" for i in range(8, 0, -1)
    ]
    assert result["entities"] == RASA_ANSWER["entities"]
    assert result["text"] == SECRET_TEXT
    assert result["response_selector"] == RASA_ANSWER["response_selector"]
    assert result["text_tokens"][:2] == [[0, 3], [4, 7]]  # Rasa sent none: ours
    await parser.close()


async def test_ranking_is_cut_at_ten_like_rasa(
    aiohttp_server: ServerFactory, parsers: Parsers
) -> None:
    body = {
        **RASA_ANSWER,
        "intent_ranking": [
            {"id": i, "name": f"intent_{i}", "confidence": 0.04 * i} for i in range(1, 15)
        ],
    }
    parser = parsers(await start(aiohttp_server, FakeRasa(body=body)), FallbackParser())
    result = await parser.parse_remote("hi")
    await parser.close()
    assert [r["id"] for r in result["intent_ranking"]] == list(range(14, 4, -1))


async def test_token_is_sent_and_one_connection_is_reused(
    aiohttp_server: ServerFactory, parsers: Parsers
) -> None:
    fake, fallback = FakeRasa(token=TOKEN), FallbackParser()
    parser = parsers(await start(aiohttp_server, fake), fallback, token=TOKEN)
    for _ in range(5):
        assert (await parser.parse(SECRET_TEXT))["intent"]["name"] == "report_security"
    await parser.close()
    assert (fake.refused, len(fake.requests), fallback.texts) == (0, 5, [])
    assert len(fake.connections) == 1


async def test_wrong_token_is_refused_and_never_logged(
    aiohttp_server: ServerFactory, caplog: pytest.LogCaptureFixture, parsers: Parsers
) -> None:
    fake, fallback = FakeRasa(token=TOKEN), FallbackParser()
    parser = parsers(await start(aiohttp_server, fake), fallback, token="wrong-token")
    with caplog.at_level(logging.WARNING, logger="nlu.rasa_backend"):
        result = await parser.parse(SECRET_TEXT)
    await parser.close()
    assert result["intent"]["name"] == "fallback"
    assert fake.refused == 1 and fake.requests == []
    assert "HTTP 401" in caplog.text
    assert "wrong-token" not in caplog.text and "trộm" not in caplog.text


async def test_load_parser_takes_the_token_from_the_environment(
    aiohttp_server: ServerFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = FakeRasa(token=TOKEN)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    parser = nlu.load_parser(
        "rasa", model_dir=tmp_path, rasa_url=await start(aiohttp_server, fake)
    )
    assert isinstance(parser, RasaParser)
    assert (await parser.parse_remote("hi"))["intent"]["name"] == "report_security"
    await parser.close()
    assert fake.refused == 0


async def test_server_down_falls_back_and_logs_without_the_text(
    aiohttp_server: ServerFactory, caplog: pytest.LogCaptureFixture, parsers: Parsers
) -> None:
    server = await aiohttp_server(FakeRasa().app())
    url = str(server.make_url(""))
    await server.close()
    fallback = FallbackParser()
    with caplog.at_level(logging.WARNING, logger="nlu.rasa_backend"):
        result = await parsers(url, fallback, timeout=2.0).parse(SECRET_TEXT)
    assert result["intent"]["name"] == "fallback"
    assert fallback.texts == [SECRET_TEXT]
    assert "unavailable" in caplog.text
    assert "Lê Lợi" not in caplog.text and "trộm" not in caplog.text


async def test_server_down_is_a_clear_error_without_fallback(
    aiohttp_server: ServerFactory,
    parsers: Parsers,
) -> None:
    server = await aiohttp_server(FakeRasa().app())
    url = str(server.make_url(""))
    await server.close()
    with pytest.raises(RasaUnavailable, match=r"Cannot connect|Connect"):
        await parsers(url, FallbackParser()).parse_remote("hi")


async def test_slow_server_times_out_and_falls_back(
    aiohttp_server: ServerFactory, parsers: Parsers
) -> None:
    fake, fallback = FakeRasa(delay=3.0), FallbackParser()
    parser = parsers(await start(aiohttp_server, fake), fallback, timeout=0.2)
    with pytest.raises(RasaUnavailable, match=r"no answer within 0\.2 s"):
        await parser.parse_remote("hello")
    result = await parser.parse("hello")
    assert result["intent"]["name"] == "fallback"
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    "fake",
    [
        FakeRasa(status=500, body={"error": "model not loaded"}),
        FakeRasa(body={"text": "hi", "entities": []}),
        FakeRasa(body=["not", "a", "parse"]),
    ],
    ids=["http-500", "no-intent", "wrong-type"],
)
async def test_broken_answers_fall_back(
    aiohttp_server: ServerFactory, fake: FakeRasa, parsers: Parsers
) -> None:
    fallback = FallbackParser()
    result = await parsers(await start(aiohttp_server, fake), fallback).parse("hi")
    assert result["intent"]["name"] == "fallback"
    assert fake.requests == [{"text": "hi"}]


async def test_shutdown_closes_the_connection_through_the_metrics_wrapper(
    aiohttp_server: ServerFactory,
    parsers: Parsers,
) -> None:
    from bot.app import close_nlu
    from bot.web.ops.metrics import TimedParser

    fake = FakeRasa()
    parser = parsers(await start(aiohttp_server, fake), FallbackParser())
    await parser.parse_remote("hi")
    session = parser._session
    assert session is not None and not session.closed
    await close_nlu(TimedParser(parser))
    assert session.closed and parser._session is None
    await parser.parse_remote("hi again")  # a later call opens a new session
    await parser.close()
    assert len(fake.connections) == 2
