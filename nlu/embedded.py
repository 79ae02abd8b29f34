"""The embedded parser: trains on first use when needed, then parses in-process."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlu.engine import IntentModel, config_copy, train_model
from nlu.rasa_shape import RANKING_SIZE, empty_response_selector, intent, text_tokens
from nlu.rasa_yaml import load_training_data
from nlu.store import (
    DEFAULT_DATA_DIR,
    fingerprint,
    load_model,
    save_model,
    stored_fingerprint,
)

log = logging.getLogger(__name__)


def train_and_save(
    data_paths: Sequence[Path],
    model_dir: Path,
    config: dict[str, Any] | None = None,
    must_save: bool = True,
) -> IntentModel:
    """Train on ``data_paths`` and save the model with its fingerprint into ``model_dir``.

    Args:
        data_paths: Rasa NLU files or directories.
        model_dir: Where to save the model.
        config: Engine config; the default when None.
        must_save: Raise when the model cannot be saved; otherwise log a warning and
            return the model anyway (a read-only installation still parses).

    Returns:
        The trained model.

    Raises:
        OSError: If saving fails and ``must_save`` is true.
    """
    config = config or config_copy()
    started = time.perf_counter()
    data = load_training_data(data_paths)
    model = train_model(data, config)
    seconds = time.perf_counter() - started
    extra = {"examples": len(data.examples), "training_seconds": round(seconds, 2)}
    try:
        save_model(model, model_dir, fingerprint(data_paths, config), extra)
    except OSError as error:
        if must_save:
            raise
        log.warning("could not save the NLU model in %s (%s); using it unsaved", model_dir, error)
    log.info(
        "trained NLU model: %d examples, %d intents, %.1f s",
        len(data.examples),
        len(model.intents),
        seconds,
    )
    return model


class EmbeddedParser:
    """Parses with the in-process model; thread-safe; loads or trains lazily."""

    def __init__(
        self,
        model_dir: Path,
        data_paths: Sequence[Path] = (DEFAULT_DATA_DIR,),
        config: dict[str, Any] | None = None,
    ) -> None:
        """Remember where the model and its training data live; nothing is loaded yet."""
        self.model_dir = model_dir
        self.data_paths = list(data_paths)
        self.config = config or config_copy()
        self._model: IntentModel | None = None
        self._lock = threading.Lock()

    def model(self) -> IntentModel:
        """Return the model, loading it, or training it first when it is missing or stale."""
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._load_or_train()
        return self._model

    def needs_training(self) -> bool:
        """True when no model matching the data and code is saved: ``model()`` will train."""
        if self._model is not None:
            return False
        return stored_fingerprint(self.model_dir) != fingerprint(self.data_paths, self.config)

    def _load_or_train(self) -> IntentModel:
        wanted = fingerprint(self.data_paths, self.config)
        if stored_fingerprint(self.model_dir) == wanted:
            try:
                return load_model(self.model_dir)
            except Exception:  # a corrupt or incompatible file: retrain
                log.warning("could not load the NLU model in %s; retraining", self.model_dir)
        return train_and_save(self.data_paths, self.model_dir, self.config, must_save=False)

    def parse_sync(self, text: str) -> dict[str, Any]:
        """Parse ``text`` into Rasa's /model/parse shape (blocking)."""
        model = self.model()
        probabilities = model.probabilities([text])[0]
        order = probabilities.argsort()[::-1]
        ranking = [intent(model.intents[i], probabilities[i]) for i in order[:RANKING_SIZE]]
        return {
            "text": text,
            "intent": dict(ranking[0]),
            "entities": model.extractor.extract(text),
            "text_tokens": text_tokens(text),
            "intent_ranking": ranking,
            "response_selector": empty_response_selector(),
        }

    async def parse(self, text: str) -> dict[str, Any]:
        """Parse ``text``; the first call loads the model off the event loop."""
        if self._model is None:
            await asyncio.to_thread(self.model)
        return self.parse_sync(text)
