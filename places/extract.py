"""Place from text: house number, kiệt/hẻm, street, intersection, segment, landmark, ward.

The first rule that applies wins, most precise first: an intersection, a segment
between two named places, a street (with its number, a landmark or a ward to decide
its ward), a landmark, a ward.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from places import describe
from places.geo import LatLon, along, closest_pair, midpoint, project
from places.mentions import LandmarkMention, Mentions, StreetMention, find_mentions
from places.model import Place, PlaceKind, Relation, Street, Ward
from places.protocols import GazetteerLike

_JUNCTION_BEFORE = re.compile(
    r"(?<![\w])(?:nga\s*(?:tu|ba|nam|sau|bay|[3-7])|goc(?:\s+duong)?|giao lo"
    r"|(?:the\s+)?(?:intersection|junction|corner|crossroads?)\s+of)\s*(?:duong\s+|dg\s+)?$"
)
_JUNCTION_BETWEEN = re.compile(
    r"\s*(?:-|–|—|/|&|\+|x|va|voi|and|giao(?:\s+voi)?|cat|,)?\s*(?:duong\s+|dg\s+)?"
)
_CROSSING_WORD = re.compile(r"\s*(?:giao(?:\s+voi)?|cat|x)\s+(?:duong\s+|dg\s+)?")
_SEGMENT_BEFORE = re.compile(
    r"(?<![\w])(?<!nga )(?:tu|from|giua|between)\s+(?:duong\s+|dg\s+|the\s+)?$"
)
_SEGMENT_BETWEEN = re.compile(
    r"\s*(?:den|toi|to|ra|until|va|and|->|-|–|—|→)\s*(?:duong\s+|dg\s+|the\s+)?"
)
NEAR_M = 400.0


@dataclass(frozen=True, slots=True)
class _Anchor:
    start: int
    end: int
    point: LatLon | None
    street: Street | None
    vi: str
    en: str
    landmark: str | None = None


def _ward_text(gaz: GazetteerLike, ward: str | None) -> tuple[str | None, str | None]:
    if ward is None or ward not in gaz.wards:
        return None, None
    w = gaz.wards[ward]
    return describe.ward_vi(w), describe.ward_en(w)


def _ward_at(gaz: GazetteerLike, point: LatLon | None) -> Ward | None:
    return None if point is None else gaz.ward_at(point)


def _intersection(gaz: GazetteerLike, m: Mentions) -> Place | None:
    for first in m.streets:
        before = m.folded[max(0, first.start - 30) : first.start]
        junction = _JUNCTION_BEFORE.search(before)
        gap = _JUNCTION_BETWEEN.match(m.folded, first.end)
        if gap is None:
            continue
        crossing = _CROSSING_WORD.match(m.folded, first.end)
        if junction is None and crossing is None:
            continue
        hits = gaz.loose_street_lexicon.find(m.nfc[gap.end() :])
        if not hits or hits[0].start != 0 or hits[0].term.value == first.street.name:
            continue
        other = gaz.streets[hits[0].term.value]
        return _junction_place(gaz, m, first, other)
    return None


def _junction_place(gaz: GazetteerLike, m: Mentions, first: StreetMention, other: Street) -> Place:
    point, gap = closest_pair(first.street.line, other.line)
    ward = _ward_at(gaz, point) if gap < NEAR_M else None
    code = ward.codename if ward else (m.wards[0] if m.wards else None)
    wvi, wen = _ward_text(gaz, code)
    candidates = () if code else tuple(dict.fromkeys(first.street.wards + other.wards))
    return Place(
        kind=PlaceKind.INTERSECTION,
        description_vi=describe.join(
            [
                f"{describe.relation_vi(first.relation)}ngã tư {first.street.name} - {other.name}",
                wvi,
            ]
        ),
        description_en=describe.join(
            [
                f"{describe.relation_en(first.relation, True)}junction of {first.street.name} "
                f"and {other.name}",
                wen,
            ]
        ),
        confidence=0.9 if gap < NEAR_M else 0.5,
        point=point if gap < NEAR_M else None,
        ward=code,
        candidate_wards=candidates,
        street=first.street.name,
        cross_street=other.name,
        relation=first.relation,
        approximate_ward=bool(ward and ward.approximate),
    )


def _anchors(m: Mentions) -> list[_Anchor]:
    anchors = [
        _Anchor(
            lm.start,
            lm.end,
            lm.landmark.point,
            None,
            lm.landmark.name,
            lm.landmark.name_en,
            lm.landmark.id,
        )
        for lm in m.landmarks
    ] + [_Anchor(s.start, s.end, None, s.street, s.street.name, s.street.name) for s in m.streets]
    return sorted(anchors, key=lambda a: a.start)


def _end_point(anchor: _Anchor, main: Street | None, other: _Anchor) -> LatLon | None:
    if anchor.point is not None:
        return project(anchor.point, main.line)[0] if main else anchor.point
    assert anchor.street is not None
    if main is not None and main is not anchor.street:
        return closest_pair(main.line, anchor.street.line)[0]
    if other.point is not None:
        return project(other.point, anchor.street.line)[0]
    return None


def _segment(gaz: GazetteerLike, m: Mentions) -> Place | None:
    anchors = _anchors(m)
    for a, b in itertools.pairwise(anchors):
        before = m.folded[max(0, a.start - 24) : a.start]
        between = _SEGMENT_BETWEEN.fullmatch(m.folded, a.end, b.start)
        if between is None or not _SEGMENT_BEFORE.search(before):
            continue
        mains = [s.street for s in m.streets if s.end <= a.start]
        main = mains[-1] if mains else None
        return _segment_place(gaz, m, main, a, b)
    return None


def _segment_place(
    gaz: GazetteerLike, m: Mentions, main: Street | None, a: _Anchor, b: _Anchor
) -> Place | None:
    pa, pb = _end_point(a, main, b), _end_point(b, main, a)
    if pa is None or pb is None:
        return None
    centre = midpoint(pa, pb)
    ends = [w for w in (_ward_at(gaz, pa), _ward_at(gaz, centre), _ward_at(gaz, pb)) if w]
    codes = tuple(dict.fromkeys(w.codename for w in ends))
    middle = _ward_at(gaz, centre)
    ward = m.wards[0] if m.wards else (middle.codename if middle else None)
    wvi, wen = _ward_text(gaz, ward)
    head_vi = f"đường {main.name}, " if main else ""
    head_en = f"{main.name} street, " if main else ""
    return Place(
        kind=PlaceKind.SEGMENT,
        description_vi=describe.join([f"{head_vi}đoạn từ {a.vi} đến {b.vi}", wvi]),
        description_en=describe.join([f"{head_en}from {a.en} to {b.en}", wen]),
        confidence=0.8 if len(codes) == 1 else 0.65,
        point=centre,
        segment=(pa, pb),
        ward=ward,
        candidate_wards=() if ward else codes,
        street=main.name if main else None,
        landmark=a.landmark or b.landmark,
        approximate_ward=any(w.approximate for w in ends),
    )


def _landmark_on(m: Mentions, street: Street) -> tuple[LandmarkMention | None, LatLon | None]:
    """The first landmark named, and its point on the street when it is near it."""
    for lm in m.landmarks:
        point, dist, _ = project(lm.landmark.point, street.line)
        if dist <= NEAR_M:
            return lm, point
    return (m.landmarks[0] if m.landmarks else None), None


def _street_ward(
    gaz: GazetteerLike, m: Mentions, s: StreetMention, near: LatLon | None
) -> tuple[str | None, float, bool]:
    """The street's ward, the confidence, and whether a boundary (not the data) decided."""
    wards = s.street.wards
    by_number = s.street.ward_for_number(s.number) if s.number is not None else None
    if m.wards and (m.wards[0] in wards or not wards):
        return m.wards[0], 0.95, False
    if by_number is not None:
        return by_number, 0.9, False
    if len(wards) == 1:
        return wards[0], 0.85 if s.number is not None else 0.75, False
    found = _ward_at(gaz, near)
    if found is not None:
        return found.codename, 0.8, found.approximate
    if m.wards:
        return m.wards[0], 0.6, False
    return None, 0.5, False


def _street_point(s: StreetMention, near: LatLon | None) -> LatLon | None:
    if s.number is not None:
        fraction = s.street.fraction_for_number(s.number)
        if fraction is not None:
            return along(s.street.line, fraction)
    return near


def _street(gaz: GazetteerLike, m: Mentions) -> Place | None:
    if not m.streets:
        return None
    s = next((x for x in m.streets if x.number is not None), m.streets[0])
    mark, near = _landmark_on(m, s.street)
    ward, confidence, approximate = _street_ward(gaz, m, s, near)
    if ward is None and mark is not None and mark.landmark.ward in s.street.wards:
        ward, confidence = mark.landmark.ward, 0.7
    wvi, wen = _ward_text(gaz, ward)
    kind = PlaceKind.ALLEY if s.alley else PlaceKind.ADDRESS if s.house else PlaceKind.STREET
    rel_vi = describe.relation_vi(s.relation)
    rel_en = describe.relation_en(s.relation, True)
    return Place(
        kind=kind,
        description_vi=describe.join(
            [
                rel_vi + describe.address_vi(s.street.name, s.house, s.alley, s.alley_word),
                describe.landmark_vi(mark.landmark, _shown(mark.relation)) if mark else None,
                wvi,
            ]
        ),
        description_en=describe.join(
            [
                rel_en + describe.address_en(s.street.name, s.house, s.alley, s.alley_word),
                describe.landmark_en(mark.landmark, _shown(mark.relation)) if mark else None,
                wen,
            ]
        ),
        confidence=confidence,
        point=_street_point(s, near),
        ward=ward,
        candidate_wards=() if ward else s.street.wards,
        street=s.street.name,
        house_number=s.house,
        alley=s.alley,
        landmark=mark.landmark.id if mark else None,
        relation=s.relation,
        approximate_ward=approximate,
    )


def _shown(relation: Relation) -> Relation:
    return Relation.NEAR if relation is Relation.AT else relation


def _landmark(gaz: GazetteerLike, m: Mentions) -> Place | None:
    if not m.landmarks:
        return None
    lm = m.landmarks[0]
    ward = lm.landmark.ward
    wvi, wen = _ward_text(gaz, ward)
    return Place(
        kind=PlaceKind.LANDMARK,
        description_vi=describe.join([describe.landmark_vi(lm.landmark, lm.relation), wvi]),
        description_en=describe.join([describe.landmark_en(lm.landmark, lm.relation), wen]),
        confidence=0.9 if not m.wards or m.wards[0] == ward else 0.7,
        point=lm.landmark.point,
        ward=ward,
        landmark=lm.landmark.id,
        relation=lm.relation,
        approximate_ward=False,
    )


def _ward_only(gaz: GazetteerLike, m: Mentions) -> Place | None:
    known = [w for w in m.wards if w in gaz.wards]
    if not known:
        return None
    wvi, wen = _ward_text(gaz, known[0])
    return Place(
        kind=PlaceKind.WARD,
        description_vi=wvi or "",
        description_en=wen or "",
        confidence=0.6,
        ward=known[0],
    )


RULES = (_intersection, _segment, _street, _landmark, _ward_only)


def find_place(gaz: GazetteerLike, text: str) -> Place | None:
    """Read the place a message gives.

    Works with and without diacritics, with chat spellings ("dg", "kiet", "gan",
    "truoc", "doan", "ngã 4") and in English ("25 Le Loi street", "near Dong Ba
    market").

    Args:
        gaz: The gazetteer.
        text: The message as received.

    Returns:
        The most precise place the message gives, or None when it names none.
    """
    m = find_mentions(text, gaz.streets, gaz.landmarks, (gaz.street_lexicon, gaz.landmark_lexicon))
    if not (m.streets or m.landmarks or m.wards):
        return None
    for rule in RULES:
        place = rule(gaz, m)
        if place is not None:
            return place
    return None
