"""Finds the pieces of a place in a message: streets with their numbers, landmarks with
their relation ("gần", "trước", "near"...), and wards.

Everything is matched on the folded view (no diacritics, lower case), which has the
same length as the NFC text, so offsets agree between the two.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlu.lexicon import Hit, Lexicon
from nlu.text import fold
from nlu.wards import ward_hits
from places.model import Landmark, Relation, Street

_RELATIONS = {
    Relation.FRONT: r"(?:ngay\s+)?(?:phia\s+)?(?:truoc|trc)(?:\s+mat|\s+cua|\s+cong)?"
    r"|in front of|infront of|outside",
    Relation.OPPOSITE: r"(?:ngay\s+)?(?:doi dien|dd)(?:\s+voi)?|opposite(?: to)?"
    r"|across(?: the (?:street|road))? from",
    Relation.BEHIND: r"(?:phia\s+|dang\s+|ngay\s+)?sau(?:\s+lung)?|behind",
    Relation.NEAR: r"(?:ngay\s+|o\s+|khu vuc\s+|khu\s+)?(?:gan|canh|ben canh|sat|ke"
    r"|quanh|xung quanh)|near(?:by)?|next to|close to|beside|by|around",
    Relation.AT: r"tai|o|at|in|on|khu vuc|khu",
}
_RELATION_RE = re.compile(
    "(?<![\\w])(?:"
    + "|".join(f"(?P<{r.value}>{p})" for r, p in _RELATIONS.items())
    + r")\s*[:,]?\s*(?:the\s+|cai\s+|khu vuc\s+)?$"
)
_NUM = r"\d+[a-z]?(?:\s*/\s*\d+[a-z]?)*"
_ALLEY_RE = re.compile(
    rf"(?<![\w])(?P<word>kiet|hem|ngo|ngach|alley|lane|k|h)\s*\.?\s*(?:so\s*)?(?P<num>{_NUM})"
    r"\s*,?\s*(?:duong\s+|dg\s+|d\.\s*|pho\s+)?$"
)
_HOUSE_RE = re.compile(  # "8h Lê Lợi" is a time, not a house
    rf"(?<![\w/])(?:(?P<so>so nha|nha so|so|nha|no\.?|number|#)\s*)?(?P<num>(?!\d+h\b){_NUM})"
    r"\s*,?\s*(?:duong\s+|dg\s+|d\.\s*|pho\s+)?$"
)
_HOUSE_IN_ALLEY_RE = re.compile(
    rf"(?<![\w/])(?:so nha|nha so|so|nha|#)\s*(?P<num>{_NUM})\s*,?\s*$"
)
_NOT_HOUSE_BEFORE = re.compile(r"(?:nga|ngay|thang|lan|tuan|km|phut|gio)\s*$")
_STREET_WORD_RE = re.compile(r"(?<![\w])(?:duong|dg|d\.|pho|tuyen|street of)\s*$")
_NOT_A_STREET_BEFORE = re.compile(
    r"(?<![\w])(?:truong|chua|cau|cho|benh vien|bv|lang|cua|nha tho|cong vien|khach san|ks"
    r"|ho|cong|dinh|mieu|(?<!o )ga|ben|tram|sieu thi)\s*$"
)
_DISTRICT_BEFORE = re.compile(r"(?<![\w])(?:thi xa|tx|huyen|quan|thanh pho|tp)\s*\.?\s*$")
_ALLEY_WORDS = {"kiet": "kiệt", "k": "kiệt", "hem": "hẻm", "h": "hẻm", "alley": "kiệt"}


@dataclass(frozen=True, slots=True)
class StreetMention:
    """A street named in the text, with the house or alley number typed before it."""

    street: Street
    start: int  # where the whole expression starts (number, "đường"...)
    name_start: int
    end: int
    house: str | None = None
    alley: str | None = None
    alley_word: str = "kiệt"
    relation: Relation = Relation.AT

    @property
    def number(self) -> int | None:
        """The number that places it along the street: the alley's, else the house's."""
        raw = self.alley or self.house
        found = re.match(r"\d+", raw or "")
        return int(found.group(0)) if found else None


@dataclass(frozen=True, slots=True)
class LandmarkMention:
    """A landmark named in the text and how the problem relates to it."""

    landmark: Landmark
    start: int
    end: int
    relation: Relation


@dataclass(frozen=True, slots=True)
class Mentions:
    """Everything place-like found in one message."""

    nfc: str
    folded: str
    streets: tuple[StreetMention, ...]
    landmarks: tuple[LandmarkMention, ...]
    wards: tuple[str, ...]


def relation_before(folded: str, start: int) -> Relation:
    """The relation words right before ``start`` ("gần", "trước", "near"...)."""
    found = _RELATION_RE.search(folded[max(0, start - 28) : start])
    if found is None:
        return Relation.AT
    return next(Relation(name) for name, value in found.groupdict().items() if value)


def _clean(number: str) -> str:
    return re.sub(r"\s+", "", number)


def _numbers(folded: str, start: int) -> tuple[int, str | None, str | None, str]:
    """Walk back from a street name over "kiệt 12", "số 25", "đường"."""
    window_start = max(0, start - 40)
    window = folded[window_start:start]
    alley = _ALLEY_RE.search(window)
    if alley is not None:
        begin = window_start + alley.start()
        word = _ALLEY_WORDS.get(alley.group("word"), "ngõ")
        house = _HOUSE_IN_ALLEY_RE.search(folded[max(0, begin - 16) : begin])
        house_num = _clean(house.group("num")) if house else None
        if house is not None:
            begin = max(0, begin - 16) + house.start()
        return begin, house_num, _clean(alley.group("num")), word
    house = _HOUSE_RE.search(window)
    if house is not None and not _NOT_HOUSE_BEFORE.search(window[: house.start()]):
        return window_start + house.start(), _clean(house.group("num")), None, "kiệt"
    prefix = _STREET_WORD_RE.search(window)
    return (window_start + prefix.start() if prefix else start), None, None, "kiệt"


def street_mention(street: Street, hit: Hit, folded: str) -> StreetMention:
    """Build a street mention from a lexicon hit, with its numbers and relation."""
    begin, house, alley, word = _numbers(folded, hit.start)
    return StreetMention(
        street=street,
        start=begin,
        name_start=hit.start,
        end=hit.end,
        house=house,
        alley=alley,
        alley_word=word,
        relation=relation_before(folded, begin),
    )


def _ward_rank(folded: str, hit: Hit) -> tuple[bool, bool, int]:
    district = _DISTRICT_BEFORE.search(folded[max(0, hit.start - 14) : hit.start])
    return district is not None, not hit.prefixed, hit.start


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_mentions(
    text: str,
    streets: dict[str, Street],
    landmarks: dict[str, Landmark],
    lexicons: tuple[Lexicon, Lexicon],
) -> Mentions:
    """Find street, landmark and ward mentions; landmarks win over what they contain."""
    nfc = unicodedata.normalize("NFC", text)
    folded = fold(nfc)
    street_lex, landmark_lex = lexicons
    marks = [
        LandmarkMention(landmarks[h.term.value], h.start, h.end, relation_before(folded, h.start))
        for h in landmark_lex.find(nfc)
    ]
    taken = [(m.start, m.end) for m in marks]
    found = []
    for hit in street_lex.find(nfc):
        if _overlaps(hit.start, hit.end, taken):
            continue
        if not hit.prefixed and _NOT_A_STREET_BEFORE.search(folded[: hit.start]):
            continue
        found.append(street_mention(streets[hit.term.value], hit, folded))
    taken += [(s.name_start, s.end) for s in found]
    hits = [h for h in ward_hits(nfc) if not _overlaps(h.start, h.end, taken)]
    # "thị xã Hương Thủy cũ, phường Thủy Dương": a name after "phường"/"xã" says more
    wards = [h.term.value for h in sorted(hits, key=lambda h: _ward_rank(folded, h))]
    return Mentions(nfc, folded, tuple(found), tuple(marks), tuple(dict.fromkeys(wards)))
