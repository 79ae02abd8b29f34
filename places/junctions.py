"""Places between named things: intersections of two streets and segments from A to B."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from places import describe
from places.geo import LatLon, closest_pair, midpoint, project
from places.mentions import Mentions, StreetMention
from places.model import Place, PlaceKind, Street, Ward
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


def ward_text(gaz: GazetteerLike, ward: str | None) -> tuple[str | None, str | None]:
    """The ward as shown in Vietnamese and in English, or (None, None)."""
    if ward is None or ward not in gaz.wards:
        return None, None
    w = gaz.wards[ward]
    return describe.ward_vi(w), describe.ward_en(w)


def ward_at(gaz: GazetteerLike, point: LatLon | None) -> Ward | None:
    """The ward holding ``point``, or None (also when there is no point)."""
    return None if point is None else gaz.ward_at(point)


def intersection_place(gaz: GazetteerLike, m: Mentions) -> Place | None:
    """ "ngã tư Hùng Vương - Bà Triệu", "X giao Y", "corner of X and Y"."""
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
        start = first.start - len(before) + junction.start() if junction else first.start
        return _junction_place(gaz, m, first, other, (start, gap.end() + hits[0].end))
    return None


def _junction_place(
    gaz: GazetteerLike, m: Mentions, first: StreetMention, other: Street, span: tuple[int, int]
) -> Place:
    point, gap = closest_pair(first.street.line, other.line)
    ward = ward_at(gaz, point) if gap < NEAR_M else None
    code = ward.codename if ward else (m.wards[0] if m.wards else None)
    wvi, wen = ward_text(gaz, code)
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
        span=span,
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


def segment_place(gaz: GazetteerLike, m: Mentions) -> Place | None:
    """ "đoạn từ chợ Đông Ba đến cầu Trường Tiền", "from A to B", "giữa A và B"."""
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
    ends = [w for w in (ward_at(gaz, pa), ward_at(gaz, centre), ward_at(gaz, pb)) if w]
    codes = tuple(dict.fromkeys(w.codename for w in ends))
    middle = ward_at(gaz, centre)
    ward = m.wards[0] if m.wards else (middle.codename if middle else None)
    wvi, wen = ward_text(gaz, ward)
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
        span=(a.start, b.end),
    )
