"""Geometry helpers."""

from __future__ import annotations

import pytest

from places.geo import Polygon, along, closest_pair, in_ring, project

SQUARE = ((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0))


def test_point_in_ring_and_holes() -> None:
    assert in_ring((0.5, 0.5), SQUARE) and not in_ring((1.5, 0.5), SQUARE)
    hole = ((0.4, 0.4), (0.4, 0.6), (0.6, 0.6), (0.6, 0.4))
    donut = Polygon(SQUARE, (hole,))
    assert donut.contains((0.2, 0.2)) and not donut.contains((0.5, 0.5))
    assert donut.bbox == (0.0, 0.0, 1.0, 1.0)


def test_projection_along_and_crossing() -> None:
    line = ((16.0, 107.0), (16.0, 107.01))
    near, dist, fraction = project((16.001, 107.005), line)
    assert near == pytest.approx((16.0, 107.005)) and fraction == pytest.approx(0.5)
    assert dist == pytest.approx(111.2, rel=0.01)
    assert along(line, 0.25) == pytest.approx((16.0, 107.0025))
    cross, gap = closest_pair(line, ((15.99, 107.004), (16.01, 107.004)))
    assert gap == pytest.approx(0, abs=1e-6) and cross == pytest.approx((16.0, 107.004))
