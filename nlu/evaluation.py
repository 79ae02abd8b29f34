"""Metrics in the layout of Rasa's reports: intents, entities, errors and calibration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import StratifiedKFold

from nlu.engine import IntentModel, train_model
from nlu.rasa_yaml import Example, TrainingData


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model said about one example."""

    text: str
    expected: str
    predicted: str
    confidence: float
    entities: tuple[dict[str, Any], ...] = ()


def predict(model: IntentModel, examples: Sequence[Example]) -> list[Prediction]:
    """Predict intents and entities for ``examples`` in one batch."""
    texts = [e.text for e in examples]
    if not texts:
        return []
    probabilities = model.probabilities(texts)
    best = probabilities.argmax(axis=1)
    return [
        Prediction(
            e.text,
            e.intent,
            model.intents[int(b)],
            float(p[b]),
            tuple(model.extractor.extract(e.text)),
        )
        for e, p, b in zip(examples, probabilities, best, strict=True)
    ]


def cross_val_predictions(
    data: TrainingData, config: dict[str, Any], folds: int = 5, seed: int = 42
) -> list[Prediction]:
    """Predict every example with a model trained on the other folds (calibrated too).

    Args:
        data: The full training data.
        config: Engine config.
        folds: Number of folds.
        seed: Shuffling seed.

    Returns:
        One prediction per example, in the order of ``data.examples``.
    """
    labels = [e.intent for e in data.examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    result: dict[int, Prediction] = {}
    for train_idx, test_idx in splitter.split(labels, labels):
        fold_data = TrainingData(
            [data.examples[i] for i in train_idx], data.lookups, data.synonyms
        )
        model = train_model(fold_data, config)
        for i, prediction in zip(
            test_idx, predict(model, [data.examples[i] for i in test_idx]), strict=True
        ):
            result[int(i)] = prediction
    return [result[i] for i in range(len(data.examples))]


def intent_report(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Per-intent precision, recall, f1-score and support, plus accuracy and averages."""
    expected = [p.expected for p in predictions]
    predicted = [p.predicted for p in predictions]
    report: dict[str, Any] = classification_report(
        expected, predicted, output_dict=True, zero_division=0
    )
    return report


def macro_f1(predictions: Sequence[Prediction]) -> float:
    """Macro-averaged F1 over the intents present in ``predictions``."""
    if not predictions:
        return float("nan")
    expected = [p.expected for p in predictions]
    return float(
        f1_score(
            expected,
            [p.predicted for p in predictions],
            labels=sorted(set(expected)),
            average="macro",
            zero_division=0,
        )
    )


def _entity_key(entity: dict[str, Any]) -> tuple[str, int, int, str]:
    return (str(entity["entity"]), int(entity["start"]), int(entity["end"]), str(entity["value"]))


def entity_report(
    examples: Sequence[Example], predictions: Sequence[Prediction]
) -> dict[str, Any]:
    """Exact-match entity scores: same type, span and value.

    Returns:
        Per entity type precision, recall, f1-score and support, plus "micro avg".
    """
    counts: dict[str, Counter[str]] = {}
    for example, prediction in zip(examples, predictions, strict=True):
        gold = {_entity_key(e) for e in example.entities}
        found = {_entity_key(e) for e in prediction.entities}
        for key in gold | found:
            tally = counts.setdefault(key[0], Counter())
            tally["tp" if key in gold and key in found else "fn" if key in gold else "fp"] += 1
    report = {name: _scores(c) for name, c in sorted(counts.items())}
    report["micro avg"] = _scores(sum(counts.values(), Counter()))
    return report


def _scores(c: Counter[str]) -> dict[str, float]:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1-score": f1, "support": c["tp"] + c["fn"]}


def errors(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    """The misclassified examples in the layout of Rasa's intent_errors.json."""
    return [
        {
            "text": p.text,
            "intent": p.expected,
            "intent_prediction": {"name": p.predicted, "confidence": p.confidence},
        }
        for p in predictions
        if p.predicted != p.expected
    ]


def reliability(predictions: Sequence[Prediction], bins: int = 10) -> dict[str, Any]:
    """Accuracy against confidence in equal-width bins, and the expected calibration error."""
    confidence = np.array([p.confidence for p in predictions])
    correct = np.array([p.predicted == p.expected for p in predictions], dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    rows = []
    ece = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            accuracy, mean_conf = float(correct[mask].mean()), float(confidence[mask].mean())
            ece += mask.mean() * abs(accuracy - mean_conf)
            rows.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "count": int(mask.sum()),
                    "accuracy": accuracy,
                    "confidence": mean_conf,
                }
            )
    return {"bins": rows, "ece": float(ece), "count": len(predictions)}
