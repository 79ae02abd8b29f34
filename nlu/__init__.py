"""HueBot NLU: text -> intent, calibrated confidence, ranking and entities.

The parse result has the shape of Rasa's ``POST /model/parse`` answer, so a Rasa server
can stand in for the embedded engine (``load_parser("rasa", rasa_url=...)``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from nlu.embedded import EmbeddedParser
from nlu.entities import find_ticket_ids
from nlu.rasa_backend import TOKEN_ENV, RasaParser
from nlu.store import DEFAULT_MODEL_DIR
from nlu.text import fold, normalize
from nlu.wards import find_wards

__all__ = [
    "INTENTS",
    "ParseResult",
    "Parser",
    "find_ticket_ids",
    "find_wards",
    "fold",
    "load_parser",
    "normalize",
    "parse",
    "prepare",
]

TRAINING_NOTICE = "Training the language model (first run, about 10 s)…"

ParseResult = dict[str, Any]

INTENTS: tuple[str, ...] = (
    "report_flooding",
    "report_road",
    "report_garbage",
    "report_pollution",
    "report_lighting",
    "report_trees",
    "report_water_supply",
    "report_electricity",
    "report_traffic",
    "report_urban_order",
    "report_construction",
    "report_security",
    "report_health",
    "report_disaster",
    "check_status",
    "find_service",
    "subscribe_alerts",
    "unsubscribe_alerts",
    "greet",
    "goodbye",
    "thanks",
    "help",
)


class Parser(Protocol):
    """Anything that turns a message into a ParseResult."""

    async def parse(self, text: str) -> ParseResult:
        """Return intent, ranking and entities for ``text``."""
        ...


_embedded: dict[Path, EmbeddedParser] = {}
_embedded_lock = threading.Lock()


def _embedded_parser(model_dir: Path | None) -> EmbeddedParser:
    key = (model_dir or DEFAULT_MODEL_DIR).resolve()
    with _embedded_lock:
        if key not in _embedded:
            _embedded[key] = EmbeddedParser(key)
        return _embedded[key]


def load_parser(
    backend: str = "embedded",
    model_dir: Path | None = None,
    rasa_url: str | None = None,
    rasa_timeout: float = 2.0,
) -> Parser:
    """Return a parser for ``backend``.

    Args:
        backend: ``"embedded"`` (in-process model) or ``"rasa"`` (a Rasa server, with the
            embedded engine as fallback).
        model_dir: Where the embedded model lives; default ``nlu/models/``. It is trained
            on first use when missing or when its fingerprint is stale.
        rasa_url: Base URL of the Rasa server; required for ``"rasa"``.
        rasa_timeout: Seconds allowed per Rasa request.

    The Rasa server's auth token is read from the ``RASA_TOKEN`` environment variable
    (never from the city config) and sent as ``?token=``.

    Returns:
        A cached embedded parser, or a Rasa parser wrapping one.

    Raises:
        ValueError: For an unknown backend or a missing ``rasa_url``.
    """
    embedded = _embedded_parser(model_dir)
    if backend == "embedded":
        return embedded
    if backend == "rasa":
        if not rasa_url:
            raise ValueError("backend 'rasa' needs rasa_url")
        token = os.environ.get(TOKEN_ENV) or None
        return RasaParser(rasa_url, fallback=embedded, timeout=rasa_timeout, token=token)
    raise ValueError(f"unknown NLU backend {backend!r}; use 'embedded' or 'rasa'")


def prepare(model_dir: Path | None = None, announce: Callable[[str], None] | None = None) -> None:
    """Load the embedded model now, training it first when it is missing or stale.

    A server calls this before it accepts traffic, so no message waits for training.

    Args:
        model_dir: Where the embedded model lives; default ``nlu/models/``.
        announce: Told ``TRAINING_NOTICE`` before a training starts.
    """
    embedded = _embedded_parser(model_dir)
    if announce is not None and embedded.needs_training():
        announce(TRAINING_NOTICE)
    embedded.model()


def parse(text: str) -> ParseResult:
    """Parse ``text`` synchronously with the default embedded engine."""
    return _embedded_parser(None).parse_sync(text)
