"""The shipped data: 40 wards of 2025, labelled approximations, rebuilt by the script."""

from __future__ import annotations

import json
from pathlib import Path

from places import Gazetteer
from places.build_boundaries import build
from places.config import DATA_DIR

SHARED = Path("/work/shared/data/hue_wards_2025.json")


def test_the_40_wards_of_july_2025_with_codes(gazetteer: Gazetteer) -> None:
    codes = {w.code for w in gazetteer.wards.values()}
    assert len(gazetteer.wards) == 40 and len(codes) == 40
    if SHARED.exists():
        official = json.loads(SHARED.read_text(encoding="utf-8"))["units"]
        assert codes == {u["code"] for u in official}
        names = {u["name"].replace("–", "-") for u in official}
        assert {w.name for w in gazetteer.wards.values()} == names


def test_shipped_boundaries_say_they_are_approximate(gazetteer: Gazetteer) -> None:
    raw = json.loads((DATA_DIR / "hue_wards.geojson").read_text(encoding="utf-8"))
    assert raw["method"].startswith("APPROXIMATION")
    assert all(f["properties"]["approximate"] is True for f in raw["features"])
    assert all(w.approximate for w in gazetteer.wards.values())


def test_the_boundary_file_is_what_the_script_builds() -> None:
    raw = json.loads((DATA_DIR / "hue_wards.geojson").read_text(encoding="utf-8"))
    assert build(DATA_DIR / "ward_seeds.csv", DATA_DIR / "city_outline.csv") == raw


def test_streets_and_landmarks_name_known_wards(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.streets) >= 70 and len(gazetteer.landmarks) >= 70
    assert all(s.wards for s in gazetteer.streets.values())
    assert {lm.kind for lm in gazetteer.landmarks.values()} >= {
        "market",
        "school",
        "hospital",
        "bridge",
        "gate",
        "pagoda",
        "hotel",
        "station",
        "shop",
    }


def test_every_data_file_is_small_and_named_in_the_readme() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    files = [p for p in DATA_DIR.rglob("*") if p.is_file() and p.name != "README.md"]
    assert files
    for path in files:
        assert path.stat().st_size < 2_000_000, path
        assert path.name in readme, f"{path.name} is not described in places/data/README.md"
