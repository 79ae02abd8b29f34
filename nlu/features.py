"""Featurisation: TF-IDF n-grams over the normalised and the folded views of a message."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from nlu.lexicon import Lexicon, Term
from nlu.text import fold, normalize

KEYWORD_PREFIX = "kw_"


def normalized_view(text: str) -> str:
    """The normalised text with diacritics, padded for word-boundary n-grams."""
    return normalize(text)


def folded_view(text: str) -> str:
    """The normalised text without diacritics ("đường ngập" -> "duong ngap")."""
    return fold(normalize(text))


class LookupFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One binary feature per keyword lookup table: does the message use one of its terms.

    This is what Rasa's RegexFeaturizer does with lookup tables; terms are matched with
    or without diacritics (see :mod:`nlu.lexicon`).
    """

    def __init__(
        self, tables: Mapping[str, Sequence[str]] | None = None, weight: float = 1.0
    ) -> None:
        """Keep the tables (name -> terms) and the value a present table gets."""
        self.tables = tables
        self.weight = weight

    def fit(self, texts: Sequence[str], labels: Any = None) -> LookupFeatures:
        """Compile the tables into one matcher."""
        tables = self.tables or {}
        self.names_ = sorted(tables)
        self.lexicon_ = Lexicon(Term(form, name) for name in self.names_ for form in tables[name])
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return a (messages x tables) matrix of 0 or ``weight``."""
        column = {name: i for i, name in enumerate(self.names_)}
        rows, cols = [], []
        for row, text in enumerate(texts):
            for name in {hit.term.value for hit in self.lexicon_.find(text)}:
                rows.append(row)
                cols.append(column[name])
        values = np.full(len(rows), self.weight, dtype=np.float32)
        return sp.csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.names_)))


def keyword_tables(lookups: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The lookup tables whose names start with ``kw_``."""
    return {k: list(v) for k, v in lookups.items() if k.startswith(KEYWORD_PREFIX)}


def _tfidf(
    config: dict[str, Any], analyzer: str, ngrams: tuple[int, ...], view: Callable[[str], str]
) -> TfidfVectorizer:
    extra = {"token_pattern": r"(?u)\b\w+\b|:[a-z_]+:"} if analyzer == "word" else {}
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        preprocessor=view,
        sublinear_tf=True,
        min_df=config["min_df"],
        dtype=np.float32,
        lowercase=False,
        **extra,
    )


def build_featurizer(
    config: dict[str, Any], lookups: Mapping[str, Sequence[str]] | None = None
) -> FeatureUnion:
    """Build the feature union described by the engine config.

    Args:
        config: The ``features`` section of the engine config.
        lookups: Rasa lookup tables; the ``kw_*`` ones become keyword features.

    Returns:
        An unfitted FeatureUnion of TF-IDF vectorizers.
    """
    chars = tuple(config["char_ngrams"])
    words = tuple(config["word_ngrams"])
    parts: list[tuple[str, Any]] = [
        ("char_original", _tfidf(config, "char_wb", chars, normalized_view)),
        ("char_folded", _tfidf(config, "char_wb", chars, folded_view)),
    ]
    if words[1] > 0:
        parts.append(("word_folded", _tfidf(config, "word", words, folded_view)))
    tables = keyword_tables(lookups or {})
    if tables and config.get("lookup_weight", 0.0) > 0:
        parts.append(("lookups", LookupFeatures(tables, config["lookup_weight"])))
    return FeatureUnion(parts)
