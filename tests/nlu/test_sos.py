"""Calls for rescue are told from reports, with and without diacritics, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.rasa_yaml import load_training_data
from nlu.sos import Level, count_people, distress

DATA = Path(__file__).resolve().parents[2] / "nlu" / "data"


@pytest.mark.parametrize(
    ("text", "people", "needs", "hazards"),
    [
        ("cứu với, nhà tôi ngập tới mái, có 2 người già", 2, ("elderly",), ("flood",)),
        ("cuu voi nuoc len nhanh qua", None, (), ("flood",)),
        ("help, we are trapped by the flood", None, (), ("flood",)),
        ("SOS", None, (), ()),
        ("cuu ho gap, 5 nguoi mac ket tren mai nha o Phu Vinh", 5, (), ()),
        ("giup voi, nuoc ngap vao nha, co 3 chau nho", 3, ("children",), ("flood",)),
        ("an elderly woman is stuck on her roof, please send a boat", None, ("elderly",), ()),
        ("thuyền bị chìm ở phá Tam Giang, có người mất tích", None, (), ()),
        ("cứu vs, nước lũ ngập tới tầng 2 r, có bà bầu", None, ("pregnant",), ("flood",)),
    ],
)
def test_a_clear_call_says_who_and_what(
    text: str, people: int | None, needs: tuple[str, ...], hazards: tuple[str, ...]
):
    found = distress(text)
    assert found is not None
    assert found.level is Level.CLEAR
    assert (found.people, found.needs, found.hazards) == (people, needs, hazards)


@pytest.mark.parametrize(
    "text",
    [
        "cứu với!!",
        "cuu voi wifi cham qua",
        "khẩn cấp: đường Lê Lợi ngập nặng",
        "ngập quá có ai giúp không",
        "nha co 5 nguoi, 2 nguoi gia va 1 em be, nuoc dang len",
        "tai nạn ở ngã tư, có người bị thương",
    ],
)
def test_a_call_without_danger_or_a_danger_without_a_call_is_asked_about(text: str):
    found = distress(text)
    assert found is not None and found.level is Level.POSSIBLE


@pytest.mark.parametrize(
    "text",
    [
        "đèn đường hỏng",
        "đường Lê Lợi ngập quá",
        "help",
        "/help",
        "help me",
        "please help, the street is flooded",
        "số điện thoại cứu hộ là bao nhiêu",
        "xe hỏng giữa đường cần cứu hộ",
        "bị kẹt xe ở cầu Trường Tiền",
        "kẹt xe từ chợ An Cựu tới cầu Ga",
        "hiệu thuốc gần chợ An Cựu còn mở không",
        "nước ngập đến đâu rồi",
        "mất điện từ hôm qua tới mai",
        "nóng sắp chết",
        "Ngập ở Thủy Xuân, xe cộ chết máy nằm la liệt",
        "cây đổ đè lên mái nhà dân, may không ai bị thương",
        "nơi tránh lũ cho người già ở Quảng Điền",
        "missing manhole cover on Le Loi street",
        "Ngập ở đường Trần Phú, đoạn gần trường Hai Bà Trưng",
    ],
)
def test_reports_questions_and_look_alikes_are_not_calls(text: str):
    assert distress(text) is None


@pytest.mark.parametrize(
    ("folded", "people"),
    [
        ("nha co 5 nguoi, 2 nguoi gia", 5),
        ("2 nguoi gia va 3 chau", 5),
        ("ba nguoi mac ket", 3),
        ("we are 4 and the water is rising", 4),
        ("family of 6 on the roof", 6),
        ("two adults and three kids", 5),
        ("duong hai ba trung ngap", None),
        ("5000 nguoi", None),  # four digits are a year or a sum, not a head count
    ],
)
def test_people_are_counted_once(folded: str, people: int | None):
    assert count_people(folded) == people


def test_few_messages_of_the_training_data_outside_disasters_raise_a_question():
    """Measured on every training and held-out example: what else would be asked about.

    Only messages naming an injured or bleeding person, a seizure, or a joking "cứu tui"
    may be flagged, and only as POSSIBLE (the bot asks before it raises an alarm).
    """
    data = load_training_data([DATA / "nlu", DATA / "heldout"])
    others = [example for example in data.examples if example.intent != "report_disaster"]
    flagged = [(example.text, distress(example.text)) for example in others]
    flagged = [(text, found) for text, found in flagged if found is not None]
    assert all(found.level is Level.POSSIBLE for _text, found in flagged), flagged
    assert all(
        "injured" in found.needs or "sick" in found.needs or not found.hazards
        for _text, found in flagged
    ), flagged
    assert len(flagged) / len(others) < 0.01, len(flagged)
