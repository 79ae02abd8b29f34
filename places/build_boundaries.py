"""Builds the APPROXIMATE ward boundaries: ``python -m places.build_boundaries``.

No official boundary file of the July 2025 wards could be used here, so each ward is
approximated by the Voronoi cells of its seed points (``data/ward_seeds.csv``: the
centres of the former wards and communes it absorbed, and a few points along the
Hương river, which separates wards), clipped to the city outline
(``data/city_outline.csv``). The result, ``data/hue_wards.geojson``, says so in each
feature (``approximate: true``). Replace it with the city's official file when it
exists: the loader reads any GeoJSON with the same properties.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from nlu.wards import all_wards

DATA = Path(__file__).parent / "data"
Pt = tuple[float, float]  # planar (x, y) = (lon * cos(lat0), lat)
K = math.cos(math.radians(16.4))
METHOD = (
    "APPROXIMATION: Voronoi cells of hand-placed seed points (centres of the former units "
    "and river-bank points), clipped to an approximate city outline; "
    "built by places/build_boundaries.py"
)


def _read_points(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clip(poly: list[Pt], normal: Pt, limit: float) -> list[Pt]:
    """Sutherland-Hodgman against the half-plane ``normal . p <= limit``."""
    out: list[Pt] = []
    for i, cur in enumerate(poly):
        prev = poly[i - 1]
        cur_in = normal[0] * cur[0] + normal[1] * cur[1] <= limit
        prev_in = normal[0] * prev[0] + normal[1] * prev[1] <= limit
        if cur_in != prev_in:
            dp = normal[0] * prev[0] + normal[1] * prev[1]
            dc = normal[0] * cur[0] + normal[1] * cur[1]
            t = (limit - dp) / (dc - dp)
            out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
        if cur_in:
            out.append(cur)
    return out


def voronoi_cell(seed: Pt, others: list[Pt], outline: list[Pt]) -> list[Pt]:
    """The part of ``outline`` closer to ``seed`` than to any of ``others``."""
    cell = outline
    for other in others:
        normal = (other[0] - seed[0], other[1] - seed[1])
        limit = (other[0] ** 2 + other[1] ** 2 - seed[0] ** 2 - seed[1] ** 2) / 2
        cell = _clip(cell, normal, limit)
        if not cell:
            break
    return cell


def _ring(cell: list[Pt]) -> list[list[float]]:
    coords = [[round(x / K, 5), round(y, 5)] for x, y in cell]
    return [*coords, coords[0]]


def build(seeds_path: Path, outline_path: Path) -> dict[str, Any]:
    """Return the GeoJSON FeatureCollection of the approximate wards."""
    outline = [(float(r["lon"]) * K, float(r["lat"])) for r in _read_points(outline_path)]
    seeds = [(r["ward"], (float(r["lon"]) * K, float(r["lat"]))) for r in _read_points(seeds_path)]
    cells: dict[str, list[list[list[list[float]]]]] = defaultdict(list)
    centres: dict[str, list[Pt]] = defaultdict(list)
    for i, (ward, point) in enumerate(seeds):
        others = [p for j, (_, p) in enumerate(seeds) if j != i]
        cell = voronoi_cell(point, others, outline)
        if len(cell) >= 3:
            cells[ward].append([_ring(cell)])
        centres[ward].append(point)
    features = [_feature(w, cells[w.codename], centres[w.codename]) for w in all_wards()]
    return {"type": "FeatureCollection", "method": METHOD, "features": features}


def _feature(ward: Any, polygons: list[Any], centres: list[Pt]) -> dict[str, Any]:
    if not polygons:
        raise SystemExit(f"no seed point for ward {ward.codename}")
    x, y = centres[0]
    return {
        "type": "Feature",
        "properties": {
            "codename": ward.codename,
            "code": ward.code,
            "name": ward.name,
            "kind": ward.kind,
            "centre": [round(y, 5), round(x / K, 5)],
            "approximate": True,
        },
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }


def main(argv: list[str] | None = None) -> int:
    """Write ``hue_wards.geojson`` from the seed and outline files."""
    parser = argparse.ArgumentParser(prog="python -m places.build_boundaries")
    parser.add_argument("--seeds", type=Path, default=DATA / "ward_seeds.csv")
    parser.add_argument("--outline", type=Path, default=DATA / "city_outline.csv")
    parser.add_argument("--out", type=Path, default=DATA / "hue_wards.geojson")
    args = parser.parse_args(argv)
    collection = build(args.seeds, args.outline)
    args.out.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(collection['features'])} wards (approximate)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
