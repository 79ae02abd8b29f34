"""Fixtures for the gazetteer tests: the shipped gazetteer and a tiny city of files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import places
from places.config import PlacesPaths

# Two square wards side by side, one street crossing both, one landmark.
TINY_WARDS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"codename": "west", "name": "Phường Tây", "kind": "phường"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[107.0, 16.0], [107.01, 16.0], [107.01, 16.01], [107.0, 16.01], [107.0, 16.0]]
                ],
            },
        },
        {
            "type": "Feature",
            "properties": {"codename": "east", "name": "Xã Đông", "kind": "xã"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [
                        [
                            [107.01, 16.0],
                            [107.02, 16.0],
                            [107.02, 16.01],
                            [107.01, 16.01],
                            [107.01, 16.0],
                        ]
                    ]
                ],
            },
        },
    ],
}
TINY_STREETS = (
    "name,aliases,match,wards,numbering,points\n"
    "Trần Long,,plain,,1-100:west;101-200:east,16.005 107.001;16.005 107.019\n"
)
TINY_LANDMARKS = (
    "id,name,name_en,kind,aliases,lat,lon,ward,street\n"
    "cho_tay,chợ Tây,West market,market,,16.006 ,107.004,,Trần Long\n"
)


@pytest.fixture(scope="session")
def gazetteer() -> places.Gazetteer:
    return places.load_gazetteer()


@pytest.fixture
def tiny_paths(tmp_path: Path) -> PlacesPaths:
    wards = tmp_path / "wards.geojson"
    wards.write_text(json.dumps(TINY_WARDS, ensure_ascii=False), encoding="utf-8")
    streets = tmp_path / "streets.csv"
    streets.write_text(TINY_STREETS, encoding="utf-8")
    landmarks = tmp_path / "landmarks.csv"
    landmarks.write_text(TINY_LANDMARKS, encoding="utf-8")
    return PlacesPaths(wards=wards, streets=streets, landmarks=landmarks)
