"""The gazetteer: wards, streets and landmarks, and what they answer.

``Gazetteer.find(text)`` reads a place from a message; ``Gazetteer.at(lat, lon)``
names the ward and the nearest street and landmark of a position.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from nlu.lexicon import Lexicon, Term
from places import describe
from places.extract import find_place
from places.geo import LatLon, Polygon, bbox_of, metres_between, project
from places.loader import PlacesDataError
from places.model import Landmark, Place, PlaceKind, Relation, Street, Ward

STREET_PREFIX = (
    r"(?:duong|dg|d\.|pho|tuyen|kiet|hem|ngo|ngach|k|h)(?:\s*(?:so\s*)?\d+[a-z]?"
    r"(?:\s*/\s*\d+)*)?|nga (?:tu|ba|nam|sau|bay|\d)|goc|giao lo|giao voi|giao|"
    r"(?:so\s*)?\d+[a-z]?(?:\s*/\s*\d+)*"
)
NEAR_STREET_M = 120.0
NEAR_LANDMARK_M = 350.0


@dataclass(frozen=True, slots=True)
class _WardShape:
    box: tuple[float, float, float, float]
    polygon: Polygon
    ward: Ward


def _street_terms(streets: Iterable[Street], loose: bool) -> list[Term]:
    return [
        Term(form=form, value=s.name, match="plain" if loose else s.match)
        for s in streets
        for form in (s.name, *s.aliases)
    ]


_SHORT_FORMS = {
    "khách sạn ": "ks ",
    "bệnh viện ": "bv ",
    "trường đại học ": "đh ",
    "đại học ": "đh ",
    "bến xe ": "bx ",
    "trường ": "tr ",
}


def _short_forms(forms: Iterable[str]) -> list[str]:
    """Each form and its chat abbreviation ("khách sạn X" -> "ks X", "bệnh viện" -> "bv")."""
    out = []
    for form in forms:
        out.append(form)
        lowered = form.lower()
        for long, short in _SHORT_FORMS.items():
            if lowered.startswith(long):
                out.append(short + form[len(long) :])
                break
    return out


class Gazetteer:
    """An immutable, indexed gazetteer. Build it with :func:`places.load_gazetteer`."""

    def __init__(
        self, wards: Iterable[Ward], streets: Iterable[Street], landmarks: Iterable[Landmark]
    ) -> None:
        """Index the records and check that every ward they name exists.

        Raises:
            PlacesDataError: A street or landmark names an unknown ward.
        """
        self.wards: dict[str, Ward] = {w.codename: w for w in wards}
        self._shapes = [_WardShape(p.bbox, p, w) for w in self.wards.values() for p in w.polygons]
        self.bbox = bbox_of([s.polygon for s in self._shapes])
        self.streets: dict[str, Street] = {s.name: self._with_wards(s) for s in streets}
        self.landmarks: dict[str, Landmark] = {lm.id: self._with_ward(lm) for lm in landmarks}
        self.street_lexicon = Lexicon(_street_terms(self.streets.values(), False), STREET_PREFIX)
        self.loose_street_lexicon = Lexicon(_street_terms(self.streets.values(), True))
        self.landmark_lexicon = Lexicon(
            Term(form=form, value=lm.id)
            for lm in self.landmarks.values()
            for form in _short_forms((lm.name, *lm.aliases))
        )

    def _check(self, ward: str, what: str) -> None:
        if ward not in self.wards:
            raise PlacesDataError(f"{what}: unknown ward {ward!r}")

    def _with_wards(self, street: Street) -> Street:
        for ward in (*street.wards, *(r.ward for r in street.numbering)):
            self._check(ward, f"street {street.name}")
        if street.wards:
            return street
        found = [self.ward_at(p) for p in street.line]
        wards = tuple(dict.fromkeys(w.codename for w in found if w is not None))
        return dataclasses.replace(street, wards=wards)

    def _with_ward(self, landmark: Landmark) -> Landmark:
        if landmark.ward:
            self._check(landmark.ward, f"landmark {landmark.id}")
            return landmark
        ward = self.ward_at(landmark.point)
        if ward is None:
            raise PlacesDataError(f"landmark {landmark.id}: outside every ward, give its ward")
        return dataclasses.replace(landmark, ward=ward.codename)

    def ward_at(self, point: LatLon) -> Ward | None:
        """The ward whose boundary holds ``point`` (bounding boxes first), or None."""
        lat, lon = point
        if not (self.bbox[0] <= lat <= self.bbox[2] and self.bbox[1] <= lon <= self.bbox[3]):
            return None
        for shape in self._shapes:
            box = shape.box
            if (
                box[0] <= lat <= box[2]
                and box[1] <= lon <= box[3]
                and shape.polygon.contains(point)
            ):
                return shape.ward
        return None

    def nearest_street(self, point: LatLon, within_m: float = NEAR_STREET_M) -> Street | None:
        """The street whose line passes nearest to ``point``, if within ``within_m``."""
        best: tuple[float, Street | None] = (within_m, None)
        for street in self.streets.values():
            _, dist, _ = project(point, street.line)
            if dist <= best[0]:
                best = (dist, street)
        return best[1]

    def nearest_landmark(
        self, point: LatLon, within_m: float = NEAR_LANDMARK_M
    ) -> Landmark | None:
        """The landmark nearest to ``point``, if within ``within_m``."""
        best: tuple[float, Landmark | None] = (within_m, None)
        for landmark in self.landmarks.values():
            dist = metres_between(point, landmark.point)
            if dist <= best[0]:
                best = (dist, landmark)
        return best[1]

    def at(self, lat: float, lon: float) -> Place | None:
        """Describe a shared position: its ward, nearest street and landmark.

        Args:
            lat: Latitude in degrees.
            lon: Longitude in degrees.

        Returns:
            A ``POINT`` place ("đường Hùng Vương, gần chợ An Cựu, phường An Cựu"), or
            None when the position is outside every ward of the city.
        """
        point = (lat, lon)
        ward = self.ward_at(point)
        if ward is None:
            return None
        street = self.nearest_street(point)
        landmark = self.nearest_landmark(point)
        return Place(
            kind=PlaceKind.POINT,
            description_vi=describe.join(
                [
                    f"đường {street.name}" if street else None,
                    describe.landmark_vi(landmark, Relation.NEAR) if landmark else None,
                    describe.ward_vi(ward),
                ]
            ),
            description_en=describe.join(
                [
                    f"{street.name} street" if street else None,
                    describe.landmark_en(landmark, Relation.NEAR) if landmark else None,
                    describe.ward_en(ward),
                ]
            ),
            confidence=1.0,
            point=point,
            ward=ward.codename,
            street=street.name if street else None,
            landmark=landmark.id if landmark else None,
            relation=Relation.NEAR if landmark else Relation.AT,
            approximate_ward=ward.approximate,
        )

    def find(self, text: str) -> Place | None:
        """Read the place a message gives, or None when it gives none.

        See :func:`places.extract.find_place`.
        """
        return find_place(self, text)

    def ward_names(
        self, codenames: Iterable[str] | None = None, lang: str = "vi"
    ) -> dict[str, str]:
        """Display names of wards ("phường Thuận Hóa" / "Thuận Hóa ward").

        Args:
            codenames: Which wards (default: all, in file order); unknown ones are skipped.
            lang: ``"vi"`` or ``"en"``.

        Returns:
            Codename -> name, in the order asked.
        """
        names = self.wards if codenames is None else codenames
        show = describe.ward_en if lang == "en" else describe.ward_vi
        return {c: show(self.wards[c]) for c in names if c in self.wards}
