"""Place from text: Vietnamese with and without diacritics, chat spellings, English."""

from __future__ import annotations

import pytest

from places import Gazetteer, PlaceKind, Relation


@pytest.mark.parametrize(
    ("text", "kind", "ward", "description"),
    [
        (
            "Đèn đường trước số 25 Lê Lợi, phường Thuận Hóa tắt mấy hôm nay",
            PlaceKind.ADDRESS,
            "thuan_hoa",
            "trước số 25 Lê Lợi, phường Thuận Hóa",
        ),
        (
            "kiet 12 Nguyen Hue gan cho Ben Ngu rac thai boc mui",
            PlaceKind.ALLEY,
            "thuan_hoa",
            "kiệt 12 Nguyễn Huệ, gần chợ Bến Ngự, phường Thuận Hóa",
        ),
        (
            "pothole on Le Loi street in front of the Saigon Morin hotel",
            PlaceKind.STREET,
            "thuan_hoa",
            "đường Lê Lợi, trước khách sạn Saigon Morin, phường Thuận Hóa",
        ),
        (
            "ngã tư Hùng Vương - Bà Triệu đèn tín hiệu hỏng",
            PlaceKind.INTERSECTION,
            "thuan_hoa",
            "ngã tư Hùng Vương - Bà Triệu, phường Thuận Hóa",
        ),
        (
            "nga 4 hung vuong ba trieu ket xe",
            PlaceKind.INTERSECTION,
            "thuan_hoa",
            "ngã tư Hùng Vương - Bà Triệu, phường Thuận Hóa",
        ),
        (
            "đoạn từ chợ Đông Ba đến cầu Trường Tiền ngập",
            PlaceKind.SEGMENT,
            "phu_xuan",
            "đoạn từ chợ Đông Ba đến cầu Trường Tiền, phường Phú Xuân",
        ),
        ("cay do o dg Le Duan", PlaceKind.STREET, "phu_xuan", "đường Lê Duẩn, phường Phú Xuân"),
        (
            "đối diện chợ An Cựu có ống nước vỡ",
            PlaceKind.LANDMARK,
            "an_cuu",
            "đối diện chợ An Cựu, phường An Cựu",
        ),
        ("rác ở p. Vỹ Dạ", PlaceKind.WARD, "vy_da", "phường Vỹ Dạ"),
        (
            "số 300 Hùng Vương có ổ gà",
            PlaceKind.ADDRESS,
            "an_cuu",
            "số 300 Hùng Vương, phường An Cựu",
        ),
        (
            "số 5 kiệt 12 Nguyễn Huệ ngập",
            PlaceKind.ALLEY,
            "thuan_hoa",
            "số 5 kiệt 12 Nguyễn Huệ, phường Thuận Hóa",
        ),
        (
            "ổ gà Lê Lợi gần ga Huế",
            PlaceKind.STREET,
            "thuan_hoa",
            "đường Lê Lợi, gần ga Huế, phường Thuận Hóa",
        ),
        ("gan BVTW co ong nuoc vo", PlaceKind.LANDMARK, "thuan_hoa", None),
        ("ks huong giang lan chiem via he", PlaceKind.LANDMARK, "thuan_hoa", None),
    ],
)
def test_the_place_in_a_message_is_understood(
    gazetteer: Gazetteer, text: str, kind: PlaceKind, ward: str, description: str | None
) -> None:
    place = gazetteer.find(text)
    assert place is not None
    assert (place.kind, place.ward) == (kind, ward)
    if description is not None:
        assert place.description_vi == description
    assert place.usable and 0 < place.confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        "đèn đường hỏng",
        "rác bốc mùi",
        "den duong hong ca tuan nay roi",
        "trước nhà tôi có ổ gà to",
        "nhà tôi ở gần chợ, rác nhiều lắm",
        "the street light is broken",
        "Hà Nội hôm nay mưa to quá",
        "lăng Minh Mạng đẹp quá",
        "điện bị cúp từ 3 giờ chiều",
    ],
)
def test_text_without_a_place_gives_none(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) is None


def test_a_street_through_several_wards_offers_just_those(gazetteer: Gazetteer) -> None:
    place = gazetteer.find("ổ gà to trên đường Hùng Vương")
    assert place is not None
    assert place.ward is None
    assert place.candidate_wards == ("thuan_hoa", "an_cuu")
    assert place.usable and place.description_vi == "đường Hùng Vương"


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("o ga duong hung vuong p an cuu", "an_cuu"),  # the ward named decides
        ("ổ gà đường Hùng Vương gần chợ An Cựu", "an_cuu"),  # the landmark decides
        ("số 100 Hùng Vương có ổ gà", "thuan_hoa"),  # the house number decides
    ],
)
def test_something_else_in_the_message_decides_the_ward(
    gazetteer: Gazetteer, text: str, ward: str
) -> None:
    place = gazetteer.find(text)
    assert place is not None and place.ward == ward and place.candidate_wards == ()


def test_english_gives_english_description(gazetteer: Gazetteer) -> None:
    place = gazetteer.find("flooding at the junction of Le Duan and Dinh Tien Hoang")
    assert place is not None and place.kind is PlaceKind.INTERSECTION
    assert place.description_en == "junction of Lê Duẩn and Đinh Tiên Hoàng, Phú Xuân ward"
    near = gazetteer.find("rubbish near Thien Mu pagoda")
    assert near is not None and near.relation is Relation.NEAR
    assert near.description_en == "near Thiên Mụ pagoda, Kim Long ward"


def test_a_segment_has_both_ends_and_its_midpoint(gazetteer: Gazetteer) -> None:
    place = gazetteer.find("nuoc ngap dg le loi doan tu cau truong tien den dap da")
    assert place is not None and place.kind is PlaceKind.SEGMENT and place.segment
    (a_lat, a_lon), (b_lat, b_lon) = place.segment
    assert place.point == pytest.approx(((a_lat + b_lat) / 2, (a_lon + b_lon) / 2))
    assert place.street == "Lê Lợi" and place.ward == "thuan_hoa"


def test_former_ward_names_map_to_the_new_ward(gazetteer: Gazetteer) -> None:
    old = gazetteer.find("nhà em ở phường Phú Hội cũ, đèn đường tắt hết")
    assert old is not None and old.ward == "thuan_hoa"
    district = gazetteer.find("cây đổ ở thị xã Hương Thủy cũ, phường Thủy Dương")
    assert district is not None and district.ward == "thanh_thuy"


def test_relations_are_read(gazetteer: Gazetteer) -> None:
    expected = {
        "truoc cho dong ba": Relation.FRONT,
        "doi dien cho dong ba": Relation.OPPOSITE,
        "sau chợ Đông Ba": Relation.BEHIND,
        "gần chợ Đông Ba": Relation.NEAR,
        "in front of Dong Ba market": Relation.FRONT,
        "ở chợ Đông Ba": Relation.AT,
    }
    found = {text: getattr(gazetteer.find(text), "relation", None) for text in expected}
    assert found == expected


def test_decomposed_unicode_is_read_like_composed(gazetteer: Gazetteer) -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "kiệt 12 Nguyễn Huệ")
    place = gazetteer.find(text)
    assert place is not None and place.alley == "12" and place.street == "Nguyễn Huệ"


def test_a_place_survives_a_json_round_trip(gazetteer: Gazetteer) -> None:
    import json

    from places import Place

    for text in ("đoạn từ chợ Đông Ba đến cầu Trường Tiền", "ổ gà đường Hùng Vương"):
        place = gazetteer.find(text)
        assert place is not None
        again = Place.from_dict(json.loads(json.dumps(place.to_dict())))
        assert again == place


def test_a_long_message_is_still_fast_and_right(gazetteer: Gazetteer) -> None:
    import time

    text = "trời mưa to quá, " * 220 + "cống tràn ở kiệt 45 Phan Bội Châu"
    started = time.perf_counter()
    place = gazetteer.find(text)
    assert time.perf_counter() - started < 0.5
    assert place is not None and place.street == "Phan Bội Châu" and place.alley == "45"


@pytest.mark.parametrize(
    ("text", "street", "house", "alley", "span_text"),
    [
        ("cây đổ đg Lê Duẩn", "Lê Duẩn", None, None, "đg Lê Duẩn"),
        ("ổ gà trước số 40 đường Lê Lợi", "Lê Lợi", "40", None, "số 40 đường Lê Lợi"),
        ("hem 34 phan boi chau ngap", "Phan Bội Châu", None, "34", "hem 34 phan boi chau"),
        ("ngập kiệt 12/5 Nguyễn Huệ", "Nguyễn Huệ", None, "12/5", "kiệt 12/5 Nguyễn Huệ"),
        ("flooding at 25 Le Loi st.", "Lê Lợi", "25", None, "25 Le Loi"),
        ("tắc đường từ 8h Lê Lợi", "Lê Lợi", None, None, "Lê Lợi"),
        ("ngã 4 Lê Lợi Hà Nội đèn hỏng", "Lê Lợi", None, None, "ngã 4 Lê Lợi Hà Nội"),
    ],
)
def test_chat_spellings_numbers_and_spans(
    gazetteer: Gazetteer,
    text: str,
    street: str,
    house: str | None,
    alley: str | None,
    span_text: str,
) -> None:
    place = gazetteer.find(text)
    assert place is not None and place.span is not None
    assert (place.street, place.house_number, place.alley) == (street, house, alley)
    assert text[place.span[0] : place.span[1]] == span_text


@pytest.mark.parametrize("text", ["", "   ", "25", "số 25", "kiệt 12"])
def test_fragments_are_not_places(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) is None
