"""Rule-based entity extraction: ticket ids, phones, wards, streets and service types.

Offsets in the results refer to the message exactly as received (also when it came
in decomposed Unicode), like Rasa's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nlu.lexicon import PLAIN, PREFIX, Hit, Lexicon, Term
from nlu.text import fold, nfc_with_offsets
from nlu.wards import ward_hits

Entity = dict[str, Any]

_TICKET_RE = re.compile(r"(?<![a-z0-9])pa\s*[-–_.#:/]?\s*(\d{3,9})(?![\d])")
_PHONE_RE = re.compile(r"(?<![\d+])(?:\+\s?84|84|0)(?:[\s.\-]?\d){8,10}(?![\d])")
_STREET_PREFIX = (
    r"(?:duong|dg|d\.|pho|kiet|hem|ngo|ngach)"
    r"(?:\s*(?:so\s*)?\d+[a-z]?(?:\s*/\s*\d+)*)?"
)
_JUNCTION_PREFIX = r"nga (?:tu|ba|nam|sau|bay)|goc|giao lo|giao"
# a bare street name right after these words names a school, pagoda, bridge... instead
_NOT_A_STREET_BEFORE = re.compile(
    r"(?<![\w])(?:truong|chua|cau|cho|benh vien|lang|cua|nha tho|cong vien|khach san)\s*$"
)
_CAPITALISED_RE = re.compile(r"(?:\s+[A-ZĐÀ-Ỹ][^\W\d_]*){1,5}")
_STREET_SUFFIX_RE = re.compile(r"\s+(?:street|st\b\.?|road|rd\b\.?|avenue|ave\b\.?)")
_ALLEY_RE = re.compile(r"(?<![\w])(?:kiet|hem|ngo)\s*(?:so\s*)?\d+[a-z]?(?:\s*/\s*\d+)*(?![\w/])")

REGEX_EXTRACTOR = "RegexEntityExtractor"
LOOKUP_EXTRACTOR = "LookupEntityExtractor"


def find_ticket_ids(text: str) -> list[str]:
    """Return the report numbers in ``text`` as ``PA-<digits>``, first mention first.

    "pa 10234", "Pa-10234" and "PA10234" all give ``"PA-10234"``.

    Args:
        text: A message.

    Returns:
        Normalised ticket ids without duplicates.
    """
    found = (f"PA-{m.group(1)}" for m in _TICKET_RE.finditer(fold(text)))
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    entity: str
    value: str
    extractor: str
    priority: int


def _ticket_spans(folded: str) -> list[_Span]:
    return [
        _Span(m.start(), m.end(), "ticket_id", f"PA-{m.group(1)}", REGEX_EXTRACTOR, 0)
        for m in _TICKET_RE.finditer(folded)
    ]


def _phone_spans(nfc: str) -> list[_Span]:
    return [
        _Span(m.start(), m.end(), "phone", m.group(0), REGEX_EXTRACTOR, 1)
        for m in _PHONE_RE.finditer(nfc)
    ]


def _ward_spans(nfc: str) -> list[_Span]:
    return [
        _Span(h.start, h.end, "ward", h.term.value, LOOKUP_EXTRACTOR, 3) for h in ward_hits(nfc)
    ]


class EntityExtractor:
    """Finds the entities HueBot knows in a message."""

    def __init__(
        self, lookups: Mapping[str, Sequence[str]], synonyms: Mapping[str, Sequence[str]]
    ) -> None:
        """Build the gazetteers.

        Args:
            lookups: Rasa lookup tables; ``street`` and ``street_needs_prefix`` are used.
            synonyms: Rasa synonyms; each value is a ``service_type`` and its examples.
        """
        streets = [Term(name, name, PLAIN) for name in lookups.get("street", [])]
        ambiguous = [Term(name, name, PREFIX) for name in lookups.get("street_needs_prefix", [])]
        self._streets = Lexicon(streets + ambiguous, prefix=_STREET_PREFIX)
        self._ambiguous = Lexicon(
            [Term(t.form, t.value, PLAIN) for t in ambiguous], prefix=_JUNCTION_PREFIX
        )
        services = [
            Term(form, value, PLAIN) for value, forms in synonyms.items() for form in forms
        ]
        self._services = Lexicon(services)

    def _street_span(self, hit: Hit, nfc: str, folded: str) -> _Span:
        start = hit.start if hit.prefix_start is None else hit.prefix_start
        end = hit.end
        suffix = _STREET_SUFFIX_RE.match(folded, end)
        if suffix is not None:
            end = suffix.end()
        return _Span(
            start, end, "street", nfc[start:end], LOOKUP_EXTRACTOR, 2 if hit.prefixed else 4
        )

    def _street_spans(self, nfc: str, folded: str) -> list[_Span]:
        hits = [
            h
            for h in self._streets.find(nfc)
            if h.prefixed or not _NOT_A_STREET_BEFORE.search(folded[: h.start])
        ]
        junctions = [
            Hit(h.start, h.end, h.term, None)
            for h in self._ambiguous.find(nfc)
            if h.prefixed or _STREET_SUFFIX_RE.match(folded, h.end)
        ]
        spans = [self._street_span(h, nfc, folded) for h in hits + junctions]
        return spans + [_alley_span(m, nfc) for m in _ALLEY_RE.finditer(folded)]

    def _service_spans(self, nfc: str) -> list[_Span]:
        return [
            _Span(h.start, h.end, "service_type", h.term.value, LOOKUP_EXTRACTOR, 6)
            for h in self._services.find(nfc)
        ]

    def extract(self, text: str) -> list[Entity]:
        """Return the entities of ``text`` in Rasa's shape, ordered by position.

        Args:
            text: The message as received.

        Returns:
            Dicts with ``entity``, ``start``, ``end``, ``confidence_entity``, ``value`` and
            ``extractor``; spans never overlap.
        """
        nfc, offsets = nfc_with_offsets(text)
        folded = fold(nfc)
        candidates = (
            _ticket_spans(folded)
            + _phone_spans(nfc)
            + _ward_spans(nfc)
            + self._street_spans(nfc, folded)
            + self._service_spans(nfc)
        )
        chosen: list[_Span] = []
        for span in sorted(candidates, key=lambda s: (s.priority, s.start)):
            if all(span.end <= c.start or span.start >= c.end for c in chosen):
                chosen.append(span)
        return [_to_entity(s, text, offsets) for s in sorted(chosen, key=lambda s: s.start)]


def _alley_span(match: re.Match[str], nfc: str) -> _Span:
    """An alley number ("kiệt 80"), extended over a capitalised street name after it."""
    end = match.end()
    name = _CAPITALISED_RE.match(nfc, end)
    if name is not None:
        end = name.end()
    return _Span(match.start(), end, "street", nfc[match.start() : end], REGEX_EXTRACTOR, 5)


def _to_entity(span: _Span, text: str, offsets: list[int]) -> Entity:
    start, end = offsets[span.start], offsets[span.end]
    value = text[start:end] if span.entity in {"street", "phone"} else span.value
    return {
        "entity": span.entity,
        "start": start,
        "end": end,
        "confidence_entity": 1.0,
        "value": value,
        "extractor": span.extractor,
    }
