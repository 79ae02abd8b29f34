"""The parts of Rasa 3's ``POST /model/parse`` answer that every backend fills the same way.

Rasa 3 answers ``{"text", "intent": {"id", "name", "confidence"}, "entities": [...],
"text_tokens": [[start, end], ...], "intent_ranking": [up to 10], "response_selector"}``;
entities carry ``confidence_entity``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

RANKING_SIZE = 10
_TOKEN_RE = re.compile(r"\w+(?:[^\w\s]+\w+)*")


def intent_id(name: str) -> int:
    """A stable signed 64-bit id for an intent name (Rasa gives each label an integer id)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def intent(name: str, confidence: float) -> dict[str, Any]:
    """An intent entry as Rasa writes it: ``{"id", "name", "confidence"}``."""
    return {"id": intent_id(name), "name": name, "confidence": float(confidence)}


def text_tokens(text: str) -> list[list[int]]:
    """Start and end offsets of the words of ``text`` (as Rasa's WhitespaceTokenizer cuts them)."""
    return [[m.start(), m.end()] for m in _TOKEN_RE.finditer(text)]


def empty_response_selector() -> dict[str, Any]:
    """Rasa's ``response_selector`` when the model has no retrieval intents."""
    return {
        "all_retrieval_intents": [],
        "default": {
            "response": {
                "responses": None,
                "confidence": 0.0,
                "intent_response_key": None,
                "utter_action": "utter_None",
            },
            "ranking": [],
        },
    }
