"""A parser that asks a Rasa server (POST /model/parse) and falls back to the embedded one."""

from __future__ import annotations

import logging
from typing import Any, Protocol

import aiohttp

from nlu.rasa_shape import RANKING_SIZE, empty_response_selector, intent_id, text_tokens

log = logging.getLogger(__name__)
TOKEN_ENV = "RASA_TOKEN"


class _Fallback(Protocol):
    async def parse(self, text: str) -> dict[str, Any]:
        """Parse ``text`` locally."""
        ...


class RasaUnavailable(RuntimeError):
    """The Rasa server could not be reached or answered something unusable."""


def _entity(raw: dict[str, Any]) -> dict[str, Any]:
    """One entity in Rasa's shape; extra keys Rasa adds (role, group, processors) stay."""
    confidence = raw.get("confidence_entity", raw.get("confidence", 1.0))
    rest = {k: v for k, v in raw.items() if k not in _ENTITY_KEYS and k != "confidence"}
    return {
        "entity": str(raw["entity"]),
        "start": int(raw.get("start", 0)),
        "end": int(raw.get("end", 0)),
        "confidence_entity": float(confidence or 0.0),
        "value": raw.get("value"),
        "extractor": str(raw.get("extractor", "rasa")),
        **rest,
    }


_ENTITY_KEYS = ("entity", "start", "end", "confidence_entity", "value", "extractor")


def _intent(raw: dict[str, Any]) -> dict[str, Any]:
    name = str(raw["name"])
    given = raw.get("id")
    return {
        "id": int(given) if isinstance(given, int) else intent_id(name),
        "name": name,
        "confidence": float(raw["confidence"]),
    }


def to_parse_result(text: str, body: Any) -> dict[str, Any]:
    """Check a Rasa /model/parse answer and return it in Rasa 3's exact shape.

    Args:
        text: The text that was sent.
        body: The decoded JSON answer.

    Returns:
        ``text``, ``intent``, ``entities``, ``text_tokens``, ``intent_ranking`` (top 10,
        sorted) and ``response_selector``.

    Raises:
        RasaUnavailable: If the answer does not have Rasa's shape.
    """
    try:
        top = _intent(body["intent"])
        ranking = [_intent(r) for r in body.get("intent_ranking") or [top]]
        entities = [_entity(e) for e in body.get("entities") or []]
        tokens = [[int(s), int(e)] for s, e in body.get("text_tokens") or text_tokens(text)]
        selector = body.get("response_selector") or empty_response_selector()
    except (KeyError, TypeError, ValueError) as error:
        raise RasaUnavailable(f"unexpected answer from Rasa: {error!r}") from error
    ranking.sort(key=lambda r: float(r["confidence"]), reverse=True)
    return {
        "text": text,
        "intent": top,
        "entities": entities,
        "text_tokens": tokens,
        "intent_ranking": ranking[:RANKING_SIZE],
        "response_selector": selector,
    }


class RasaParser:
    """Parses through a Rasa server; on any failure logs a warning and uses ``fallback``.

    One HTTP session (and its kept-alive connection) serves every call; ``close()``
    releases it on shutdown.
    """

    def __init__(
        self, url: str, fallback: _Fallback, timeout: float = 2.0, token: str | None = None
    ) -> None:
        """Configure the server.

        Args:
            url: Base URL of the Rasa server, e.g. ``http://localhost:5005``.
            fallback: Parser to use when the server is down, slow or wrong.
            timeout: Total seconds allowed per request.
            token: The server's ``--auth-token``, sent as ``?token=``; None sends none.
        """
        self.endpoint = url.rstrip("/") + "/model/parse"
        self.fallback = fallback
        self.timeout = timeout
        self._params = {"token": token} if token else {}
        self._session: aiohttp.ClientSession | None = None

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def close(self) -> None:
        """Close the HTTP session and its connections (a later call opens a new one)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def parse_remote(self, text: str) -> dict[str, Any]:
        """Ask the Rasa server only.

        Raises:
            RasaUnavailable: When the server is down, slow, failing or answers badly.
        """
        session = self._open_session()
        try:
            async with session.post(
                self.endpoint, json={"text": text}, params=self._params
            ) as response:
                response.raise_for_status()
                body = await response.json(content_type=None)
        except TimeoutError as error:
            raise RasaUnavailable(f"no answer within {self.timeout:g} s") from error
        except aiohttp.ClientResponseError as error:
            raise RasaUnavailable(f"HTTP {error.status} {error.message}") from error
        except (aiohttp.ClientError, ValueError) as error:
            raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
        return to_parse_result(text, body)

    async def parse(self, text: str) -> dict[str, Any]:
        """Parse ``text`` with Rasa, or with the fallback when Rasa fails."""
        try:
            return await self.parse_remote(text)
        except (RasaUnavailable, TimeoutError) as error:
            log.warning(
                "Rasa server %s unavailable (%s); using the embedded NLU engine",
                self.endpoint,
                error,
            )
            return await self.fallback.parse(text)
