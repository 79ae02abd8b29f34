"""A single-message scoring path that skips scikit-learn's per-call overhead.

scikit-learn validates inputs and dispatches through joblib on every ``transform``;
for one short message that costs several times the arithmetic. :class:`FastScorer`
reads the fitted vocabularies, idf weights and coefficients once and computes the same
decision scores with a few dictionary lookups and one small matrix product.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from nlu.features import LookupFeatures

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Sparse = tuple[IntArray, FloatArray]


class _TfidfPart:
    """One fitted TfidfVectorizer: n-grams -> sublinear tf * idf, L2-normalised."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int) -> None:
        if vectorizer.norm != "l2" or vectorizer.binary or not vectorizer.use_idf:
            raise ValueError("FastScorer supports l2-normalised, non-binary tf-idf only")
        self.analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.offset = offset
        self.width = len(self.vocabulary)

    def features(self, text: str) -> Sparse:
        """Column indices and values of ``text`` in this part of the feature space."""
        vocabulary = self.vocabulary
        counts = Counter(vocabulary[g] for g in self.analyze(text) if g in vocabulary)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[index]
        norm = float(np.sqrt(values @ values))
        if norm > 0:
            values /= norm
        return index + self.offset, values


class _LookupPart:
    """The keyword lookup features (0 or the table weight per table)."""

    def __init__(self, lookups: LookupFeatures, offset: int) -> None:
        self.lookups = lookups
        self.column = {name: i for i, name in enumerate(lookups.names_)}
        self.offset = offset
        self.width = len(lookups.names_)

    def features(self, text: str) -> Sparse:
        """Column indices and values of the keyword tables ``text`` uses."""
        names = {hit.term.value for hit in self.lookups.lexicon_.find(text)}
        index = np.array(sorted(self.column[n] for n in names), dtype=np.int64)
        values = np.full(len(index), float(self.lookups.weight))
        return index + self.offset, values


class FastScorer:
    """Decision scores of a fitted ``features`` + linear ``clf`` pipeline, one text at a time."""

    def __init__(self, pipeline: Pipeline) -> None:
        """Extract what scoring needs from ``pipeline`` (nothing is copied back)."""
        union: FeatureUnion = pipeline.named_steps["features"]
        if union.transformer_weights:
            raise ValueError("FastScorer does not support transformer weights")
        self._parts: list[_TfidfPart | _LookupPart] = []
        offset = 0
        for _, transformer in union.transformer_list:
            part = _make_part(transformer, offset)
            self._parts.append(part)
            offset += part.width
        classifier: Any = pipeline.named_steps["clf"]
        self._weights = np.ascontiguousarray(np.asarray(classifier.coef_, dtype=np.float64).T)
        self._bias = np.asarray(classifier.intercept_, dtype=np.float64)

    def scores(self, text: str) -> FloatArray:
        """Return the decision scores of ``text``, one per class (two for a binary model)."""
        parts = [part.features(text) for part in self._parts]
        index = np.concatenate([p[0] for p in parts])
        values = np.concatenate([p[1] for p in parts])
        raw = values @ self._weights[index] + self._bias
        if raw.shape[0] == 1:
            return np.array([-raw[0] / 2, raw[0] / 2])
        return np.asarray(raw, dtype=np.float64)


def _make_part(transformer: Any, offset: int) -> _TfidfPart | _LookupPart:
    if isinstance(transformer, TfidfVectorizer):
        return _TfidfPart(transformer, offset)
    if isinstance(transformer, LookupFeatures):
        return _LookupPart(transformer, offset)
    raise TypeError(f"FastScorer cannot score with {type(transformer).__name__}")
