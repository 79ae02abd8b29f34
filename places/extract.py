"""Place from text: house number, kiệt/hẻm, street, intersection, segment, landmark, ward.

The first rule that applies wins, most precise first: an intersection, a segment
between two named places (both in :mod:`places.junctions`), a street (with its
number, a landmark or a ward to decide its ward), a landmark, a ward.
"""

from __future__ import annotations

import dataclasses

from places import describe
from places.geo import LatLon, along, project
from places.junctions import NEAR_M, intersection_place, segment_place, ward_at, ward_text
from places.mentions import LandmarkMention, Mentions, StreetMention, find_mentions
from places.model import Place, PlaceKind, Relation, Street
from places.protocols import GazetteerLike


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
    found = ward_at(gaz, near)
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
    wvi, wen = ward_text(gaz, ward)
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
        span=(min(s.start, mark.start), max(s.end, mark.end)) if mark else (s.start, s.end),
    )


def _shown(relation: Relation) -> Relation:
    return Relation.NEAR if relation is Relation.AT else relation


def _landmark(gaz: GazetteerLike, m: Mentions) -> Place | None:
    if not m.landmarks:
        return None
    lm = m.landmarks[0]
    ward = lm.landmark.ward
    wvi, wen = ward_text(gaz, ward)
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
        span=(lm.start, lm.end),
    )


def _ward_only(gaz: GazetteerLike, m: Mentions) -> Place | None:
    known = [w for w in m.wards if w in gaz.wards]
    if not known:
        return None
    wvi, wen = ward_text(gaz, known[0])
    return Place(
        kind=PlaceKind.WARD,
        description_vi=wvi or "",
        description_en=wen or "",
        confidence=0.6,
        ward=known[0],
    )


RULES = (intersection_place, segment_place, _street, _landmark, _ward_only)


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
    found = find_mentions(
        text, gaz.streets, gaz.landmarks, (gaz.street_lexicon, gaz.landmark_lexicon)
    )
    # a city's own boundary file may lack a ward name the matcher knows
    m = dataclasses.replace(found, wards=tuple(w for w in found.wards if w in gaz.wards))
    if not (m.streets or m.landmarks or m.wards):
        return None
    for rule in RULES:
        place = rule(gaz, m)
        if place is not None:
            return place
    return None
