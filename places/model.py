"""The gazetteer's records and the place HueBot understood, as frozen dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from places.geo import LatLon, Polygon


class PlaceKind(StrEnum):
    """How precisely a place was given."""

    ADDRESS = "address"  # house number on a street ("số 25 Lê Lợi")
    ALLEY = "alley"  # kiệt / hẻm / ngõ on a street ("kiệt 12 Nguyễn Huệ")
    INTERSECTION = "intersection"  # "ngã tư Hùng Vương - Bà Triệu"
    SEGMENT = "segment"  # "đoạn từ chợ Đông Ba đến cầu Trường Tiền"
    LANDMARK = "landmark"  # "gần chợ An Cựu"
    STREET = "street"  # a street alone (perhaps with a landmark to place it)
    WARD = "ward"  # only a ward or commune
    POINT = "point"  # a shared position


class Relation(StrEnum):
    """Where the problem is relative to what was named."""

    AT = "at"
    NEAR = "near"
    FRONT = "front"
    OPPOSITE = "opposite"
    BEHIND = "behind"


@dataclass(frozen=True, slots=True)
class Ward:
    """A ward or commune with its (possibly approximate) boundary."""

    codename: str
    name: str
    code: int | None
    kind: str
    polygons: tuple[Polygon, ...]
    centre: LatLon
    approximate: bool

    @property
    def short_name(self) -> str:
        """The name without "Phường"/"Xã" ("Thuận Hóa")."""
        for prefix in ("Phường ", "Xã ", "Thị trấn "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


@dataclass(frozen=True, slots=True)
class NumberRange:
    """House and alley numbers ``first``..``last`` of a street lie in ``ward``."""

    first: int
    last: int
    ward: str


@dataclass(frozen=True, slots=True)
class Street:
    """A street, the wards it runs through, its line and its numbering."""

    name: str
    aliases: tuple[str, ...]
    match: str
    wards: tuple[str, ...]
    numbering: tuple[NumberRange, ...]
    line: tuple[LatLon, ...]

    def ward_for_number(self, number: int) -> str | None:
        """The ward a house or alley number lies in, when the numbering says."""
        for span in self.numbering:
            if span.first <= number <= span.last:
                return span.ward
        return None

    def fraction_for_number(self, number: int) -> float | None:
        """Where a number lies along the line (0..1), when the numbering says."""
        if not self.numbering:
            return None
        first = min(s.first for s in self.numbering)
        last = max(s.last for s in self.numbering)
        if not first <= number <= last or last == first:
            return None
        return (number - first) / (last - first)


@dataclass(frozen=True, slots=True)
class Landmark:
    """A place people name: market, school, hospital, bridge, gate, pagoda, hotel..."""

    id: str
    name: str
    name_en: str
    kind: str
    aliases: tuple[str, ...]
    point: LatLon
    ward: str
    street: str | None


@dataclass(frozen=True, slots=True)
class Place:
    """A place as HueBot understood it, from text or from a position.

    ``point`` is the best single point (None when only the street is known);
    ``segment`` the two ends of a stretch of street; ``ward`` the ward's codename when
    one is decided; ``candidate_wards`` the wards left to choose from when a street
    runs through several and nothing else decides. ``description_vi``/``_en`` are short
    and ready to show ("trước số 25 Lê Lợi, phường Thuận Hóa"). ``span`` gives the
    start and end of the words that name the place, as offsets in the message's NFC
    form (None for a position or a ward alone).
    """

    kind: PlaceKind
    description_vi: str
    description_en: str
    confidence: float
    point: LatLon | None = None
    segment: tuple[LatLon, LatLon] | None = None
    ward: str | None = None
    candidate_wards: tuple[str, ...] = ()
    street: str | None = None
    cross_street: str | None = None
    house_number: str | None = None
    alley: str | None = None
    landmark: str | None = None
    relation: Relation = Relation.AT
    approximate_ward: bool = field(default=False)
    span: tuple[int, int] | None = None

    @property
    def usable(self) -> bool:
        """True when the place says where: a ward, or a street with its candidate wards."""
        return self.ward is not None or bool(self.candidate_wards)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for conversation state, logs of ids, the CLI)."""
        data = dataclasses.asdict(self)
        data["kind"] = self.kind.value
        data["relation"] = self.relation.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        """The place :meth:`to_dict` wrote (lists back to tuples)."""
        fields = dict(data)
        fields["kind"] = PlaceKind(fields["kind"])
        fields["relation"] = Relation(fields.get("relation", Relation.AT.value))
        for key in ("point", "candidate_wards", "span"):
            if fields.get(key) is not None:
                fields[key] = tuple(fields[key])
        if fields.get("segment") is not None:
            fields["segment"] = tuple(tuple(end) for end in fields["segment"])
        return cls(**{k: v for k, v in fields.items() if k in _PLACE_FIELDS})


_PLACE_FIELDS = {f.name for f in dataclasses.fields(Place)}
