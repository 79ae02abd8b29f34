"""Ward matching: all 40 wards of July 2025, legacy names, and no false hits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu import find_wards, fold
from nlu.wards import WARDS_PATH, all_wards

UNITS = json.loads(Path(WARDS_PATH).read_text(encoding="utf-8"))["units"]
NEEDS_PREFIX = {u["codename"] for u in UNITS if u["aliases"][0]["match"] == "prefix"}
STRICT = {u["codename"] for u in UNITS if u["aliases"][0]["match"] == "strict"}


def short_name(unit: dict[str, object]) -> str:
    return str(unit["aliases"][0]["name"])  # type: ignore[index]


def test_the_data_has_the_forty_units_of_2025() -> None:
    wards = all_wards()
    assert len(wards) == 40
    assert len({w.codename for w in wards}) == 40
    assert {w.kind for w in wards} == {"phường", "xã"}
    assert sum(w.kind == "xã" for w in wards) == 19


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u["codename"])
def test_every_ward_is_found_with_prefix_with_and_without_diacritics(unit: dict) -> None:
    name, prefix = short_name(unit), unit["type"]
    expected = [unit["codename"]]
    assert find_wards(f"ngập nặng ở {prefix} {name} từ sáng") == expected
    assert find_wards(f"ngap nang o {fold(prefix)} {fold(name)} tu sang") == expected
    assert find_wards(f"mất điện ở p. {name}") == expected


@pytest.mark.parametrize(
    "unit", [u for u in UNITS if u["codename"] not in NEEDS_PREFIX], ids=lambda u: u["codename"]
)
def test_every_ward_is_found_without_prefix(unit: dict) -> None:
    name = short_name(unit)
    assert find_wards(f"Nhà tôi ở {name}, đèn đường hư") == [unit["codename"]]
    assert find_wards(f"{name.upper()}!") == [unit["codename"]]
    folded = find_wards(f"nha toi o {fold(name)} den duong hu")
    assert folded == ([] if unit["codename"] in STRICT else [unit["codename"]])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p.vy da ngap", ["vy_da"]),
        ("Vĩ Dạ mất điện", ["vy_da"]),
        ("phường Thuỷ Xuân", ["thuy_xuan"]),
        ("xã A Lưới 3", ["a_luoi_3"]),
        ("aluoi3", ["a_luoi_3"]),
        ("Chân Mây – Lăng Cô", ["chan_may_lang_co"]),
        ("đi chơi Lăng Cô", ["chan_may_lang_co"]),
        ("An Cựu và Vỹ Dạ và lại An Cựu", ["an_cuu", "vy_da"]),
    ],
)
def test_variants(text: str, expected: list[str]) -> None:
    assert find_wards(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kiệt 5 Phú Hội", ["thuan_hoa"]),
        ("phuong Duc", ["thuan_hoa"]),
        ("Xuân Phú ngập", ["vy_da"]),
        ("Đông Ba", ["phu_xuan"]),
        ("Thủy Biều", ["thuy_xuan"]),
        ("thị trấn A Lưới", ["a_luoi_2"]),
        ("phường Thuận Hòa cũ", ["phu_xuan"]),
        ("xã Lộc Vĩnh", ["chan_may_lang_co"]),
    ],
)
def test_pre_2025_names_map_to_the_ward_they_joined(text: str, expected: list[str]) -> None:
    assert find_wards(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "an",
        "thuận",
        "ăn cơm chưa",
        "thuận lợi, an toàn",
        "đường ni ngập",
        "phụ hồ làm rơi vữa",
        "phu ho lam roi vua",
        "dân cư phong phú",
        "làng có nhiều rác",
        "lang co nhieu rac",
        "hai vợ chồng thuận hòa",
        "vị dạ dày",
        "a lưới điện",
        "Hùng Vương",
    ],
)
def test_no_false_hits_on_ordinary_words(text: str) -> None:
    assert find_wards(text) == []


def test_prefix_only_names_need_their_prefix() -> None:
    assert find_wards("phường Phong Phú") == ["phong_phu"]
    assert find_wards("rất phong phú") == []


@pytest.mark.parametrize(
    "text", ["chợ Đông Ba", "cầu Phú Xuân", "gần chợ An Cựu", "Dong Ba market", "đường Kim Long"]
)
def test_landmarks_named_after_wards_are_not_ward_mentions(text: str) -> None:
    assert find_wards(text) == []
    assert find_wards(f"{text}, phường Vỹ Dạ") == ["vy_da"]
