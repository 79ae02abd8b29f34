"""The city's own files replace the shipped ones; bad files say where; edits reload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import places
from places import GazetteerSource, PlacesDataError, PlacesPaths


def test_other_files_replace_the_shipped_ones_without_code_changes(tiny_paths: PlacesPaths):
    gaz = places.load_gazetteer(tiny_paths)
    assert set(gaz.wards) == {"west", "east"}
    assert gaz.streets["Trần Long"].wards == ("west", "east")  # derived from the line
    assert gaz.landmarks["cho_tay"].ward == "west"  # derived from the point
    place = gaz.find("số 150 Trần Long có ổ gà")
    assert place is not None and place.ward == "east"
    assert place.description_vi == "số 150 Trần Long, xã Đông"
    at = gaz.at(16.006, 107.004)
    assert at is not None and at.description_vi == "đường Trần Long, gần chợ Tây, phường Tây"
    assert gaz.at(16.02, 107.005) is None
    assert not at.approximate_ward
    named = gaz.find("ổ gà đường Trần Long, phường Vỹ Dạ")  # a ward this city's file lacks
    assert named is not None and named.ward is None
    assert named.candidate_wards == ("west", "east")


@pytest.mark.parametrize(
    ("which", "content", "expected"),
    [
        ("streets", "name,points\nLê Lợi,16.1 abc\n", "streets.csv: line 2"),
        ("streets", "name,match,points\nLê Lợi,sometimes,16.1 107.1\n", "match must be one of"),
        ("streets", "name,wards,points\nLê Lợi,nowhere,16.1 107.1\n", "unknown ward 'nowhere'"),
        ("landmarks", "id,name,lat,lon\nx,chợ X,95,107\n", "landmarks.csv: line 2: lat"),
        ("wards", '{"type": "FeatureCollection"}', "not a GeoJSON FeatureCollection"),
        (
            "wards",
            json.dumps({"features": [{"properties": {"name": "A"}, "geometry": {}}]}),
            "feature 0: codename",
        ),
    ],
)
def test_a_bad_file_names_the_file_the_row_and_the_problem(
    tiny_paths: PlacesPaths, which: str, content: str, expected: str
):
    getattr(tiny_paths, which).write_text(content, encoding="utf-8")
    with pytest.raises(PlacesDataError, match=expected.replace("(", r"\(")):
        places.load_gazetteer(tiny_paths)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _add_landmark(path: Path, row: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")


def test_an_edited_file_is_reloaded_without_a_restart(tiny_paths: PlacesPaths):
    clock = _Clock()
    source = GazetteerSource(tiny_paths, check_seconds=5, clock=clock)
    assert source.current().find("gần chợ Đông") is None
    _add_landmark(tiny_paths.landmarks, "cho_dong,chợ Đông,East market,market,,16.005,107.015,,\n")
    assert source.current().find("gần chợ Đông") is None  # not looked at yet
    clock.now = 5.0
    place = source.current().find("gần chợ Đông")
    assert place is not None and place.ward == "east"


def test_a_broken_edit_keeps_the_previous_gazetteer(tiny_paths: PlacesPaths, caplog):
    clock = _Clock()
    source = GazetteerSource(tiny_paths, check_seconds=0, clock=clock)
    before = source.current()
    _add_landmark(tiny_paths.landmarks, "bad,chợ Hỏng,,market,,not-a-number,107,,\n")
    assert source.current() is before
    assert source.last_error is not None and "line 3" in source.last_error
    assert "keeping the previous gazetteer" in caplog.text
    lines = tiny_paths.landmarks.read_text(encoding="utf-8").splitlines()
    tiny_paths.landmarks.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert source.reload(force=True) and source.last_error is None
    assert source.current() is not before


def test_a_missing_file_at_start_is_a_clear_error(tiny_paths: PlacesPaths):
    tiny_paths.streets.unlink()
    with pytest.raises(PlacesDataError, match=r"streets\.csv: cannot read"):
        GazetteerSource(tiny_paths)


def test_consistency_finds_a_landmark_in_the_wrong_ward(tiny_paths: PlacesPaths):
    from places.evaluation import consistency

    _add_landmark(tiny_paths.landmarks, "cho_sai,chợ Sai,,market,,16.005,107.015,west,\n")
    agree = consistency(places.load_gazetteer(tiny_paths))
    assert agree["landmarks_outside_their_ward"] == ["cho_sai"]
    assert agree["street_points_outside_their_wards"] == 0
