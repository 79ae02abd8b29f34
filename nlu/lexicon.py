"""Gazetteer matching over the folded view, checked against the diacritics typed.

A term such as "Vỹ Dạ" is found as "vy da", "vyda", "Vỹ Dạ" or "VỸ DẠ", inside longer
text and only on word boundaries. When the user did type diacritics on a word, they
must agree with the term's ("vỹ" or "vĩ" match, "vị" does not), which keeps ordinary
words out. A term's match level can also ask for a prefix word ("phường", "đường").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nlu.text import canonical, fold

PLAIN = "plain"  # with or without diacritics and prefix
STRICT = "strict"  # needs a prefix or exactly the term's diacritics
PREFIX = "prefix"  # needs a prefix

_SEP = r"[\s\-–_.]*"
_SPLIT_RE = re.compile(r"[\s\-–_.]+")


@dataclass(frozen=True, slots=True)
class Term:
    """One surface form of a gazetteer entry."""

    form: str
    value: str
    match: str = PLAIN
    rank: int = 0  # lower wins when several terms fit the same span


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found in a text; offsets are in the NFC text."""

    start: int
    end: int
    term: Term
    prefix_start: int | None  # where a prefix word starts, when there is one

    @property
    def prefixed(self) -> bool:
        """True when a prefix word precedes the term."""
        return self.prefix_start is not None


def _key(folded: str) -> str:
    return _SPLIT_RE.sub("", folded)


def _tokens(text: str) -> list[str]:
    return [t for t in _SPLIT_RE.split(text) if t]


def accents_agree(typed: str, form: str) -> bool:
    """Check that every typed word with diacritics has the same diacritics as in ``form``.

    Args:
        typed: The span as typed, in :func:`nlu.text.canonical` form.
        form: The term's surface form, in canonical form.

    Returns:
        True when the typed span is compatible with the form.
    """
    typed_tokens, form_tokens = _tokens(typed), _tokens(form)
    if len(typed_tokens) != len(form_tokens):
        return typed == fold(typed)
    return all(t == fold(t) or t == f for t, f in zip(typed_tokens, form_tokens, strict=True))


class Lexicon:
    """Finds the terms of a gazetteer in free text."""

    def __init__(self, terms: Iterable[Term], prefix: str = r"(?!)") -> None:
        """Build the matcher.

        Args:
            terms: The surface forms to find.
            prefix: Regex, over folded text, for a prefix word that may precede a term.
        """
        self._by_key: dict[str, list[Term]] = {}
        for term in terms:
            self._by_key.setdefault(_key(fold(term.form)), []).append(term)
        patterns = {
            _SEP.join(map(re.escape, _tokens(fold(t.form))))
            for ts in self._by_key.values()
            for t in ts
        }
        alternation = "|".join(sorted(patterns, key=len, reverse=True)) or r"(?!)"
        self._regex = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")
        self._prefix = re.compile(rf"(?<![\w])(?:{prefix})\s*[.:]?\s*$")

    def _accept(self, term: Term, typed: str, prefixed: bool) -> bool:
        form = canonical(term.form)
        if not accents_agree(typed, form):
            return False
        if term.match == PREFIX:
            return prefixed
        if term.match == STRICT:
            return prefixed or typed == form or _tokens(typed) == _tokens(form)
        return True

    def _prefix_start(self, folded: str, start: int) -> int | None:
        window_start = max(0, start - 24)
        found = self._prefix.search(folded[window_start:start])
        return None if found is None else window_start + found.start()

    def find(self, text: str) -> list[Hit]:
        """Return the accepted, non-overlapping hits in ``text`` (offsets in its NFC form)."""
        folded, canon = fold(text), canonical(text)
        hits: list[Hit] = []
        for match in self._regex.finditer(folded):
            start, end = match.span()
            prefix_start = self._prefix_start(folded, start)
            typed = canon[start:end]
            fitting = [
                t
                for t in self._by_key.get(_key(match.group(0)), [])
                if self._accept(t, typed, prefix_start is not None)
            ]
            if fitting:
                best = min(fitting, key=lambda t: t.rank)
                hits.append(Hit(start, end, best, prefix_start))
        return hits
