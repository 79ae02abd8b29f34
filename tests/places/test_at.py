"""Point -> ward by point-in-polygon, and a description from the nearest street and landmark."""

from __future__ import annotations

import pytest

from places import Gazetteer, PlaceKind
from places.evaluation import evaluate_pins


def test_a_pin_in_hue_gets_ward_street_and_landmark(gazetteer: Gazetteer) -> None:
    place = gazetteer.at(16.4588, 107.5978)
    assert place is not None and place.kind is PlaceKind.POINT
    assert place.ward == "an_cuu"
    assert place.description_vi == "đường Hùng Vương, gần chợ An Cựu, phường An Cựu"
    assert place.description_en == "Hùng Vương street, near An Cựu market, An Cựu ward"
    assert place.point == (16.4588, 107.5978) and place.approximate_ward


def test_the_issue_pin(gazetteer: Gazetteer) -> None:
    place = gazetteer.at(16.4637, 107.5909)
    assert place is not None and place.ward == "thuan_hoa"


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(10.7769, 106.7009), (16.0544, 108.2022), (16.47, 108.4), (16.8, 107.1)],
)
def test_outside_the_city_is_none(gazetteer: Gazetteer, lat: float, lon: float) -> None:
    assert gazetteer.at(lat, lon) is None
    assert gazetteer.ward_at((lat, lon)) is None


def test_a_pin_far_from_any_street_still_gets_its_ward(gazetteer: Gazetteer) -> None:
    place = gazetteer.at(16.14, 107.70)  # Khe Tre, no street or landmark in the data near
    assert place is not None and place.ward == "khe_tre"
    assert place.description_vi == "xã Khe Tre" and place.description_en == "Khe Tre commune"


def test_pins_with_known_wards_are_right_at_least_95_percent(gazetteer: Gazetteer) -> None:
    result = evaluate_pins(gazetteer)
    assert result["pins"] >= 70
    assert result["ward_accuracy"] >= 0.95, result["errors"]


def test_every_point_of_the_city_has_exactly_one_ward(gazetteer: Gazetteer) -> None:
    lat0, lon0, lat1, lon1 = gazetteer.bbox
    steps = 40
    for i in range(steps + 1):
        for j in range(steps + 1):
            point = (lat0 + (lat1 - lat0) * i / steps, lon0 + (lon1 - lon0) * j / steps)
            holders = {
                w.codename
                for w in gazetteer.wards.values()
                if any(p.contains(point) for p in w.polygons)
            }
            assert len(holders) <= 1, (point, holders)


def test_ward_names_in_both_languages(gazetteer: Gazetteer) -> None:
    assert gazetteer.ward_names(["thuan_hoa", "phu_vang", "nowhere"]) == {
        "thuan_hoa": "phường Thuận Hóa",
        "phu_vang": "xã Phú Vang",
    }
    assert gazetteer.ward_names(["phu_vang"], lang="en") == {"phu_vang": "Phú Vang commune"}
    assert len(gazetteer.ward_names()) == 40
