"""Plane geometry on small areas: point in polygon, distances, projection on lines.

Points are ``(lat, lon)`` in degrees. Over a city the earth is flat enough: distances
use an equirectangular projection around the point's latitude (error < 0.1 % at 20 km).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

LatLon = tuple[float, float]
Ring = tuple[LatLon, ...]
EARTH_RADIUS_M = 6_371_000.0
_M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180.0


def metres_between(a: LatLon, b: LatLon) -> float:
    """Distance in metres between two points (equirectangular, good to a few km)."""
    k = math.cos(math.radians((a[0] + b[0]) / 2))
    dy = (a[0] - b[0]) * _M_PER_DEG_LAT
    dx = (a[1] - b[1]) * _M_PER_DEG_LAT * k
    return math.hypot(dx, dy)


def in_ring(point: LatLon, ring: Ring) -> bool:
    """Even-odd ray casting: True when ``point`` lies inside the closed ``ring``."""
    lat, lon = point
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (yi, xi), (yj, xj) = ring[i], ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


@dataclass(frozen=True, slots=True)
class Polygon:
    """An outer ring with optional holes, and its bounding box."""

    outer: Ring
    holes: tuple[Ring, ...] = ()

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """``(min_lat, min_lon, max_lat, max_lon)``."""
        lats = [p[0] for p in self.outer]
        lons = [p[1] for p in self.outer]
        return min(lats), min(lons), max(lats), max(lons)

    def contains(self, point: LatLon) -> bool:
        """True when the point is inside the outer ring and in no hole."""
        return in_ring(point, self.outer) and not any(in_ring(point, h) for h in self.holes)


def bbox_of(polygons: Sequence[Polygon]) -> tuple[float, float, float, float]:
    """The bounding box that holds every polygon."""
    boxes = [p.bbox for p in polygons]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _to_xy(point: LatLon, k: float) -> tuple[float, float]:
    return point[1] * k, point[0]


def project(point: LatLon, line: Sequence[LatLon]) -> tuple[LatLon, float, float]:
    """The point of ``line`` nearest to ``point``.

    Args:
        point: Any point.
        line: A polyline of at least one point.

    Returns:
        The nearest point, its distance in metres and its position along the line as a
        fraction of the line's length (0 at the first point, 1 at the last).
    """
    if len(line) == 1:
        return line[0], metres_between(point, line[0]), 0.0
    k = math.cos(math.radians(point[0]))
    px, py = _to_xy(point, k)
    best: tuple[float, LatLon, float] = (math.inf, line[0], 0.0)
    walked = 0.0
    for a, b in itertools.pairwise(line):
        ax, ay = _to_xy(a, k)
        bx, by = _to_xy(b, k)
        dx, dy = bx - ax, by - ay
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg))
        near = (ay + t * dy, (ax + t * dx) / k)
        dist = metres_between(point, near)
        if dist < best[0]:
            best = (dist, near, walked + t * math.sqrt(seg))
        walked += math.sqrt(seg)
    fraction = best[2] / walked if walked else 0.0
    return best[1], best[0], fraction


def along(line: Sequence[LatLon], fraction: float) -> LatLon:
    """The point at ``fraction`` (0..1) of the polyline's length."""
    lengths = [metres_between(a, b) for a, b in itertools.pairwise(line)]
    target = max(0.0, min(1.0, fraction)) * sum(lengths)
    for (a, b), length in zip(itertools.pairwise(line), lengths, strict=True):
        if target <= length and length > 0:
            t = target / length
            return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
        target -= length
    return line[-1]


def _crossing(p1: LatLon, p2: LatLon, q1: LatLon, q2: LatLon) -> LatLon | None:
    """Where segment p1-p2 crosses segment q1-q2, or None (plane approximation)."""
    d1 = (p2[0] - p1[0], p2[1] - p1[1])
    d2 = (q2[0] - q1[0], q2[1] - q1[1])
    denominator = d1[0] * d2[1] - d1[1] * d2[0]
    if denominator == 0:
        return None
    t = ((q1[0] - p1[0]) * d2[1] - (q1[1] - p1[1]) * d2[0]) / denominator
    u = ((q1[0] - p1[0]) * d1[1] - (q1[1] - p1[1]) * d1[0]) / denominator
    if 0 <= t <= 1 and 0 <= u <= 1:
        return p1[0] + t * d1[0], p1[1] + t * d1[1]
    return None


def closest_pair(a: Sequence[LatLon], b: Sequence[LatLon]) -> tuple[LatLon, float]:
    """Where two polylines cross or come closest: that point and the gap in metres."""
    for p1, p2 in itertools.pairwise(a):
        for q1, q2 in itertools.pairwise(b):
            crossing = _crossing(p1, p2, q1, q2)
            if crossing is not None:
                return crossing, 0.0
    best: tuple[float, LatLon] = (math.inf, a[0])
    for point in a:
        near, dist, _ = project(point, b)
        if dist < best[0]:
            best = (dist, ((point[0] + near[0]) / 2, (point[1] + near[1]) / 2))
    for point in b:
        near, dist, _ = project(point, a)
        if dist < best[0]:
            best = (dist, ((point[0] + near[0]) / 2, (point[1] + near[1]) / 2))
    return best[1], best[0]


def midpoint(a: LatLon, b: LatLon) -> LatLon:
    """The point halfway between two points."""
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
