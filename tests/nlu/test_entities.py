"""Entities: ticket ids, phones, streets, service types; offsets into the original text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from nlu import find_ticket_ids
from nlu.entities import EntityExtractor
from nlu.rasa_yaml import load_training_data
from nlu.store import DEFAULT_DATA_DIR


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    data = load_training_data([Path(DEFAULT_DATA_DIR) / "lookups.yml"])
    return EntityExtractor(data.lookups, data.synonyms)


def found(extractor: EntityExtractor, text: str) -> list[tuple[str, str, str]]:
    entities = extractor.extract(text)
    return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in entities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pa 10234", ["PA-10234"]),
        ("Pa-10234", ["PA-10234"]),
        ("PA10234", ["PA-10234"]),
        ("mã pa_555 và PA 10234, lại pa-555", ["PA-555", "PA-10234"]),
        ("hồ sơ #PA:9001 sao rồi", ["PA-9001"]),
        ("papa 10234", []),
        ("pa 12", []),
        ("spa 10234", []),
    ],
)
def test_ticket_ids(text: str, expected: list[str]) -> None:
    assert find_ticket_ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ngập ở kiệt 25 Nguyễn Trường Tộ nè",
            [("street", "kiệt 25 Nguyễn Trường Tộ", "kiệt 25 Nguyễn Trường Tộ")],
        ),
        ("duong le loi ngap", [("street", "duong le loi", "duong le loi")]),
        ("flooding on Le Loi street", [("street", "Le Loi street", "Le Loi street")]),
        ("ngập ở Hùng Vương", [("street", "Hùng Vương", "Hùng Vương")]),
        ("hẻm 12/3 bị ngập", [("street", "hẻm 12/3", "hẻm 12/3")]),
        ("đường Hà Nội có ổ gà", [("street", "đường Hà Nội", "đường Hà Nội")]),
        ("tôi đi Hà Nội", []),
    ],
)
def test_streets(extractor: EntityExtractor, text: str, expected: list) -> None:
    assert found(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nhà thuốc gần nhất", "pharmacy"),
        ("nha thuoc gan nhat", "pharmacy"),
        ("bv nào gần", "hospital"),
        ("where is the police station", "police"),
        ("số cứu hoả", "fire_station"),
        ("điểm sơ tán ở đâu", "shelter"),
        ("đường dây nóng", "hotline"),
        ("trạm xăng", "gas_station"),
        ("cây ATM", "atm"),
    ],
)
def test_service_types(extractor: EntityExtractor, text: str, value: str) -> None:
    assert [(e[0], e[1]) for e in found(extractor, text)] == [("service_type", value)]


def test_phone_numbers_as_typed(extractor: EntityExtractor) -> None:
    text = "gọi 0905 123 456 hoặc +84 234 3822 123"
    assert [(e[0], e[2]) for e in found(extractor, text)] == [
        ("phone", "0905 123 456"),
        ("phone", "+84 234 3822 123"),
    ]


def test_several_entities_without_overlap(extractor: EntityExtractor) -> None:
    text = "PA-10234: cúp điện ở kiệt 5 Đội Cung, p. Phú Xuân, sdt 0905123456"
    assert found(extractor, text) == [
        ("ticket_id", "PA-10234", "PA-10234"),
        ("street", "kiệt 5 Đội Cung", "kiệt 5 Đội Cung"),
        ("ward", "phu_xuan", "Phú Xuân"),
        ("phone", "0905123456", "0905123456"),
    ]


def test_offsets_refer_to_decomposed_input(extractor: EntityExtractor) -> None:
    text = unicodedata.normalize("NFD", "ngập ở phường Vỹ Dạ")
    entities = extractor.extract(text)
    assert [e["value"] for e in entities] == ["vy_da"]
    span = text[entities[0]["start"] : entities[0]["end"]]
    assert unicodedata.normalize("NFC", span) == "Vỹ Dạ"


def test_entity_shape(extractor: EntityExtractor) -> None:
    (entity,) = extractor.extract("pa 10234")
    assert set(entity) == {"entity", "value", "start", "end", "confidence_entity", "extractor"}
    assert entity["confidence_entity"] == 1.0
