"""A parser that asks a Rasa server (POST /model/parse) and falls back to the embedded one."""

from __future__ import annotations

import logging
from typing import Any, Protocol

import aiohttp

log = logging.getLogger(__name__)
RANKING_SIZE = 5


class _Fallback(Protocol):
    async def parse(self, text: str) -> dict[str, Any]:
        """Parse ``text`` locally."""
        ...


class RasaUnavailable(RuntimeError):
    """The Rasa server could not be reached or answered something unusable."""


def _entity(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "entity": str(raw["entity"]),
        "value": raw.get("value"),
        "start": int(raw.get("start", 0)),
        "end": int(raw.get("end", 0)),
        "confidence": float(raw.get("confidence_entity", raw.get("confidence", 1.0)) or 0.0),
        "extractor": str(raw.get("extractor", "rasa")),
    }


def to_parse_result(text: str, body: Any) -> dict[str, Any]:
    """Reduce a Rasa /model/parse answer to HueBot's ParseResult.

    Args:
        text: The text that was sent.
        body: The decoded JSON answer.

    Returns:
        ``text``, ``intent``, ``intent_ranking`` (top 5) and ``entities``.

    Raises:
        RasaUnavailable: If the answer does not have Rasa's shape.
    """
    try:
        intent = {
            "name": str(body["intent"]["name"]),
            "confidence": float(body["intent"]["confidence"]),
        }
        ranking: list[dict[str, Any]] = [
            {"name": str(r["name"]), "confidence": float(r["confidence"])}
            for r in body.get("intent_ranking") or [intent]
        ]
        entities = [_entity(e) for e in body.get("entities") or []]
    except (KeyError, TypeError, ValueError) as error:
        raise RasaUnavailable(f"unexpected answer from Rasa: {error!r}") from error
    ranking.sort(key=lambda r: float(r["confidence"]), reverse=True)
    return {
        "text": text,
        "intent": intent,
        "intent_ranking": ranking[:RANKING_SIZE],
        "entities": entities,
    }


class RasaParser:
    """Parses through a Rasa server; on any failure logs a warning and uses ``fallback``."""

    def __init__(self, url: str, fallback: _Fallback, timeout: float = 2.0) -> None:
        """Configure the server.

        Args:
            url: Base URL of the Rasa server, e.g. ``http://localhost:5005``.
            fallback: Parser to use when the server is down, slow or wrong.
            timeout: Total seconds allowed per request.
        """
        self.endpoint = url.rstrip("/") + "/model/parse"
        self.fallback = fallback
        self.timeout = timeout

    async def parse_remote(self, text: str) -> dict[str, Any]:
        """Ask the Rasa server only.

        Raises:
            RasaUnavailable: When the server is down, slow, failing or answers badly.
        """
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self.endpoint, json={"text": text}) as response,
            ):
                response.raise_for_status()
                body = await response.json(content_type=None)
        except TimeoutError as error:
            raise RasaUnavailable(f"no answer within {self.timeout:g} s") from error
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
