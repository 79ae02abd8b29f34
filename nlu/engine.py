"""The embedded intent model: TF-IDF n-grams, a linear classifier and temperature scaling.

Training is deterministic. Confidences are calibrated by temperature scaling fitted on
out-of-fold scores, so that a 0.9 is right about nine times out of ten.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from nlu.entities import EntityExtractor
from nlu.fast import FastScorer
from nlu.features import build_featurizer
from nlu.rasa_yaml import TrainingData

ENGINE_VERSION = "1"

DEFAULT_CONFIG: dict[str, Any] = {
    "features": {"char_ngrams": [1, 5], "word_ngrams": [1, 2], "min_df": 1, "lookup_weight": 0.2},
    "classifier": {"type": "linear_svc", "C": 0.5, "max_iter": 5000},
    "calibration": {"folds": 5},
    "seed": 42,
}

FloatArray = NDArray[np.float64]


def config_copy(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a deep copy of the default config with top-level sections overridden."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return config


def build_classifier(config: dict[str, Any]) -> LogisticRegression | LinearSVC:
    """Return the linear classifier named by ``config["type"]``."""
    if config["type"] == "linear_svc":
        return LinearSVC(C=config["C"], max_iter=config["max_iter"])
    if config["type"] == "logreg":
        return LogisticRegression(C=config["C"], max_iter=config["max_iter"])
    raise ValueError(f"unknown classifier type {config['type']!r}")


def build_pipeline(
    config: dict[str, Any], lookups: Mapping[str, Sequence[str]] | None = None
) -> Pipeline:
    """Return the unfitted featurizer + classifier pipeline for ``config``."""
    features = build_featurizer(config["features"], lookups)
    return Pipeline([("features", features), ("clf", build_classifier(config["classifier"]))])


def as_matrix(scores: Any) -> FloatArray:
    """Decision scores as one column per class (binary models return a single column)."""
    array = np.asarray(scores, dtype=np.float64)
    if array.ndim == 1:
        return np.column_stack([-array / 2, array / 2])
    return array


def fit_temperature(scores: FloatArray, labels: NDArray[np.int_]) -> float:
    """Find the temperature that minimises the negative log-likelihood of ``labels``.

    Args:
        scores: Out-of-fold decision scores, one row per example.
        labels: Index of the true class of each row.

    Returns:
        The temperature (> 0) to divide scores by before the softmax.
    """

    def nll(log_t: float) -> float:
        """Mean negative log-likelihood at temperature ``exp(log_t)``."""
        logp = log_softmax(scores / np.exp(log_t), axis=1)
        return float(-logp[np.arange(len(labels)), labels].mean())

    result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def out_of_fold_scores(
    texts: list[str],
    labels: NDArray[np.int_],
    config: dict[str, Any],
    n_classes: int,
    lookups: Mapping[str, Sequence[str]] | None = None,
) -> FloatArray:
    """Return decision scores for each example from a model that did not see it."""
    folds = min(config["calibration"]["folds"], int(np.bincount(labels).min()))
    scores = np.zeros((len(texts), n_classes))
    splitter = StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=config["seed"])
    for train_idx, test_idx in splitter.split(texts, labels):
        train_texts = [texts[i] for i in train_idx]
        model = build_pipeline(config, lookups).fit(train_texts, labels[train_idx])
        fold_scores = as_matrix(model.decision_function([texts[i] for i in test_idx]))
        scores[np.ix_(test_idx, model.classes_)] = fold_scores
    return scores


@dataclass
class IntentModel:
    """A trained intent classifier with its entity extractor."""

    pipeline: Pipeline
    intents: list[str]
    temperature: float
    extractor: EntityExtractor
    _fast: FastScorer | None = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the derived fast scorer."""
        return {**self.__dict__, "_fast": None}

    def scores(self, texts: list[str]) -> FloatArray:
        """Decision scores, one row per text, computed on the fast single-message path."""
        if self._fast is None:
            self._fast = FastScorer(self.pipeline)
        fast = self._fast
        return np.vstack([fast.scores(t) for t in texts]) if texts else np.zeros((0, 0))

    def pipeline_scores(self, texts: list[str]) -> FloatArray:
        """The same decision scores through scikit-learn (batch path, for checking)."""
        return as_matrix(self.pipeline.decision_function(texts))

    def probabilities(self, texts: list[str]) -> FloatArray:
        """Return calibrated probabilities, one row per text, columns as ``intents``."""
        return np.asarray(softmax(self.scores(texts) / self.temperature, axis=1))


def train_model(
    data: TrainingData, config: dict[str, Any] | None = None, calibrate: bool = True
) -> IntentModel:
    """Train the intent model and build the entity extractor from ``data``.

    Args:
        data: Examples, lookups and synonyms.
        config: Engine config; the default when None.
        calibrate: Fit the temperature on out-of-fold scores (else temperature 1).

    Returns:
        The trained model.
    """
    config = config or config_copy()
    intents = data.intents
    if len(intents) < 2:
        raise ValueError("training data needs at least two intents")
    index = {name: i for i, name in enumerate(intents)}
    texts = [e.text for e in data.examples]
    labels = np.array([index[e.intent] for e in data.examples])
    temperature = 1.0
    if calibrate:
        scores = out_of_fold_scores(texts, labels, config, len(intents), data.lookups)
        temperature = fit_temperature(scores, labels)
    pipeline = build_pipeline(config, data.lookups).fit(texts, labels)
    extractor = EntityExtractor(data.lookups, data.synonyms)
    return IntentModel(pipeline, intents, temperature, extractor)
