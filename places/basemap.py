"""An offline base map drawn from the gazetteer itself: wards, main streets, landmarks.

``base_map`` turns a ``Gazetteer`` into one GeoJSON FeatureCollection that a map can
draw as vector layers with no tile server at all. Every feature carries ``layer``
(``ward``, ``street`` or ``landmark``) and a display ``name`` in the asked language;
wards also carry their ``codename`` and a ``label`` point (their centre), landmarks
their ``kind``. Coordinates are GeoJSON's ``[longitude, latitude]``, rounded to five
decimals (about a metre, finer than the data itself).
"""

from __future__ import annotations

from typing import Any

from places.gazetteer import Gazetteer
from places.geo import LatLon, Polygon, Ring
from places.model import Landmark, Street, Ward

Feature = dict[str, Any]


def base_map(gazetteer: Gazetteer, lang: str = "vi") -> dict[str, Any]:
    """The gazetteer as a GeoJSON FeatureCollection: wards first, then streets, landmarks.

    Args:
        gazetteer: The loaded gazetteer.
        lang: ``vi`` or ``en``, for ward and landmark names.

    Returns:
        A FeatureCollection, ready for ``json.dumps``.
    """
    wards = [_ward(ward, gazetteer, lang) for ward in gazetteer.wards.values()]
    streets = [_street(street) for street in gazetteer.streets.values() if len(street.line) > 1]
    landmarks = [_landmark(landmark, lang) for landmark in gazetteer.landmarks.values()]
    return {"type": "FeatureCollection", "features": [*wards, *streets, *landmarks]}


def _ward(ward: Ward, gazetteer: Gazetteer, lang: str) -> Feature:
    name = gazetteer.ward_names([ward.codename], lang).get(ward.codename, ward.short_name)
    polygons = [_polygon(polygon) for polygon in ward.polygons]
    properties = {"layer": "ward", "codename": ward.codename, "name": name,
                  "short_name": ward.short_name, "label": _position(ward.centre)}  # fmt: skip
    geometry = {"type": "MultiPolygon", "coordinates": polygons}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _street(street: Street) -> Feature:
    geometry = {"type": "LineString", "coordinates": [_position(p) for p in street.line]}
    properties = {"layer": "street", "name": street.name}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _landmark(landmark: Landmark, lang: str) -> Feature:
    name = landmark.name_en if lang == "en" and landmark.name_en else landmark.name
    geometry = {"type": "Point", "coordinates": _position(landmark.point)}
    properties = {"layer": "landmark", "name": name, "kind": landmark.kind}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _polygon(polygon: Polygon) -> list[list[list[float]]]:
    return [_ring(polygon.outer), *(_ring(hole) for hole in polygon.holes)]


def _ring(ring: Ring) -> list[list[float]]:
    points = [_position(point) for point in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])  # GeoJSON rings are closed
    return points


def _position(point: LatLon) -> list[float]:
    return [round(point[1], 5), round(point[0], 5)]
