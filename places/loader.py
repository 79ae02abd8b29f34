"""Reads the gazetteer's files: ward boundaries (GeoJSON), streets and landmarks (CSV).

Every row is validated; a bad file raises :class:`PlacesDataError` naming the file,
the row or feature and what was expected, so an operator can fix it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from places.geo import LatLon, Polygon
from places.model import Landmark, NumberRange, Street, Ward

MATCH_LEVELS = ("plain", "strict", "prefix")


class PlacesDataError(Exception):
    """A gazetteer file cannot be used; the message says where and why."""


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class WardProperties(_Row):
    """The properties every ward feature needs."""

    codename: str = Field(min_length=1)
    name: str = Field(min_length=1)
    code: int | None = None
    kind: str = ""
    centre: tuple[float, float] | None = None
    approximate: bool = False


class StreetRow(_Row):
    """One line of the streets CSV."""

    name: str = Field(min_length=1)
    aliases: str = ""
    match: str = "plain"
    wards: str = ""
    numbering: str = ""
    points: str = Field(min_length=1)

    @field_validator("match")
    @classmethod
    def _known_match(cls, value: str) -> str:
        if value not in MATCH_LEVELS:
            raise ValueError(f"match must be one of {', '.join(MATCH_LEVELS)}")
        return value


class LandmarkRow(_Row):
    """One line of the landmarks CSV."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    name_en: str = ""
    kind: str = ""
    aliases: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    ward: str = ""
    street: str = ""


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def parse_points(value: str) -> tuple[LatLon, ...]:
    """Parse ``"lat lon;lat lon"`` into points."""
    points = []
    for part in _split(value):
        lat, lon = (float(x) for x in part.split())
        points.append((lat, lon))
    return tuple(points)


def parse_numbering(value: str) -> tuple[NumberRange, ...]:
    """Parse ``"1-178:thuan_hoa;179-420:an_cuu"`` into number ranges."""
    ranges = []
    for part in _split(value):
        numbers, ward = part.split(":")
        first, last = (int(x) for x in numbers.split("-"))
        ranges.append(NumberRange(first, last, ward.strip()))
    return tuple(ranges)


def _problem(path: Path, where: str, exc: Exception) -> PlacesDataError:
    if isinstance(exc, ValidationError):
        detail = "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
    else:
        detail = str(exc) or type(exc).__name__
    return PlacesDataError(f"{path}: {where}: {detail}")


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [dict(row) for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _problem(path, "cannot read", exc) from None


def _rings(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"geometry type must be Polygon or MultiPolygon, not {kind!r}")


def _polygon(rings: list[list[list[float]]]) -> Polygon:
    converted = [tuple((float(p[1]), float(p[0])) for p in ring) for ring in rings]
    if not converted or any(len(r) < 3 for r in converted):
        raise ValueError("a polygon ring needs at least 3 points")
    return Polygon(outer=converted[0], holes=tuple(converted[1:]))


def _ward(feature: dict[str, Any]) -> Ward:
    props = WardProperties.model_validate(feature.get("properties") or {})
    polygons = tuple(_polygon(r) for r in _rings(feature.get("geometry") or {}))
    if props.centre is not None:
        centre = props.centre
    else:
        box = polygons[0].bbox
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    return Ward(
        codename=props.codename,
        name=props.name,
        code=props.code,
        kind=props.kind,
        polygons=polygons,
        centre=centre,
        approximate=props.approximate,
    )


def load_wards(path: Path) -> tuple[Ward, ...]:
    """Read ward boundaries from a GeoJSON FeatureCollection.

    Args:
        path: The file; each feature needs ``codename`` and ``name`` properties and a
            Polygon or MultiPolygon geometry (coordinates ``[lon, lat]``).

    Returns:
        The wards, in file order.

    Raises:
        PlacesDataError: The file is unreadable or a feature is invalid.
    """
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _problem(path, "not a GeoJSON FeatureCollection", exc) from None
    wards = []
    for index, feature in enumerate(features):
        try:
            wards.append(_ward(feature))
        except (ValidationError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise _problem(path, f"feature {index}", exc) from None
    if not wards:
        raise PlacesDataError(f"{path}: no ward features")
    return tuple(wards)


def _street(row: dict[str, str]) -> Street:
    data = StreetRow.model_validate(row)
    line = parse_points(data.points)
    if not line:
        raise ValueError("points: at least one 'lat lon' pair is needed")
    return Street(
        name=data.name,
        aliases=_split(data.aliases),
        match=data.match,
        wards=_split(data.wards),
        numbering=parse_numbering(data.numbering),
        line=line,
    )


def load_streets(path: Path) -> tuple[Street, ...]:
    """Read streets from CSV (columns name, aliases, match, wards, numbering, points).

    Raises:
        PlacesDataError: The file is unreadable or a row is invalid (the message gives
            its line number).
    """
    streets = []
    for line, row in enumerate(_read_csv(path), start=2):
        try:
            streets.append(_street(row))
        except (ValidationError, ValueError) as exc:
            raise _problem(path, f"line {line}", exc) from None
    return tuple(streets)


def _landmark(row: dict[str, str]) -> Landmark:
    data = LandmarkRow.model_validate(row)
    return Landmark(
        id=data.id,
        name=data.name,
        name_en=data.name_en or data.name,
        kind=data.kind,
        aliases=_split(data.aliases),
        point=(data.lat, data.lon),
        ward=data.ward,
        street=data.street or None,
    )


def load_landmarks(path: Path) -> tuple[Landmark, ...]:
    """Read landmarks from CSV (columns id, name, name_en, kind, aliases, lat, lon, ward,
    street; more columns such as ``address`` are kept out of the way).

    Raises:
        PlacesDataError: The file is unreadable or a row is invalid.
    """
    landmarks = []
    for line, row in enumerate(_read_csv(path), start=2):
        try:
            landmarks.append(_landmark(row))
        except (ValidationError, ValueError) as exc:
            raise _problem(path, f"line {line}", exc) from None
    return tuple(landmarks)
