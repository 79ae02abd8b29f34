"""Short descriptions of a place, in Vietnamese and in English."""

from __future__ import annotations

from collections.abc import Sequence

from places.model import Landmark, Relation, Ward

_REL_VI = {
    Relation.AT: "",
    Relation.NEAR: "gần ",
    Relation.FRONT: "trước ",
    Relation.OPPOSITE: "đối diện ",
    Relation.BEHIND: "sau ",
}
_REL_EN = {
    Relation.AT: "at ",
    Relation.NEAR: "near ",
    Relation.FRONT: "in front of ",
    Relation.OPPOSITE: "opposite ",
    Relation.BEHIND: "behind ",
}
_ALLEY_EN = {"kiệt": "alley", "hẻm": "alley", "ngõ": "lane"}


def ward_vi(ward: Ward) -> str:
    """ "phường Thuận Hóa", "xã Phú Vang"."""
    return ward.name[:1].lower() + ward.name[1:]


def ward_en(ward: Ward) -> str:
    """ "Thuận Hóa ward", "Phú Vang commune"."""
    noun = "commune" if ward.kind.lower().startswith("xã") else "ward"
    return f"{ward.short_name} {noun}"


def relation_vi(relation: Relation) -> str:
    """The Vietnamese words before a named place ("gần ", "trước "...)."""
    return _REL_VI[relation]


def relation_en(relation: Relation, bare: bool = False) -> str:
    """The English words before a named place; ``bare`` drops "at"."""
    return "" if bare and relation is Relation.AT else _REL_EN[relation]


def address_vi(street: str, house: str | None, alley: str | None, alley_word: str) -> str:
    """ "số 25 Lê Lợi", "kiệt 12 Nguyễn Huệ", "số 5 kiệt 12 Nguyễn Huệ", "đường Lê Lợi"."""
    parts = []
    if house:
        parts.append(f"số {house}")
    if alley:
        parts.append(f"{alley_word} {alley}")
    if not parts:
        return f"đường {street}"
    return " ".join([*parts, street])


def address_en(street: str, house: str | None, alley: str | None, alley_word: str) -> str:
    """ "25 Lê Lợi", "alley 12 Nguyễn Huệ", "Lê Lợi street"."""
    if alley:
        prefix = f"{house}, " if house else ""
        return f"{prefix}{_ALLEY_EN.get(alley_word, 'alley')} {alley} {street}"
    if house:
        return f"{house} {street}"
    return f"{street} street"


def landmark_vi(landmark: Landmark, relation: Relation) -> str:
    """ "gần chợ An Cựu", "trước khách sạn Saigon Morin"."""
    return f"{_REL_VI[relation]}{landmark.name}"


def landmark_en(landmark: Landmark, relation: Relation) -> str:
    """ "near An Cựu market", "in front of Saigon Morin hotel"."""
    return f"{_REL_EN[relation]}{landmark.name_en}"


def join(parts: Sequence[str | None]) -> str:
    """Join the non-empty parts with commas, first letter kept as written."""
    return ", ".join(p for p in parts if p)


def wards_vi(wards: Sequence[Ward]) -> str:
    """ "phường Thuận Hóa hoặc phường An Cựu"."""
    return " hoặc ".join(ward_vi(w) for w in wards)


def wards_en(wards: Sequence[Ward]) -> str:
    """ "Thuận Hóa ward or An Cựu ward"."""
    return " or ".join(ward_en(w) for w in wards)
