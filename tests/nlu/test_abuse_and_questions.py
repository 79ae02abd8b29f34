"""Abusive words are found on folded text; questions are told from complaints."""

from __future__ import annotations

import pytest

from nlu.abuse import is_abusive, mask_abuse
from nlu.questions import asks_question, topic_of_question


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("đm cái ổ gà to vcl", "đ* cái ổ gà to v**"),
        ("DM, lại mất điện", "D*, lại mất điện"),
        ("Đ.M đèn hỏng", "Đ** đèn hỏng"),
        ("dit me, cay do roi", "d** **, cay do roi"),
        ("đéo ai sửa cả", "đ** ai sửa cả"),
        ("this fucking pothole", "this f****** pothole"),
    ],
)
def test_abusive_words_are_masked_with_and_without_diacritics(text: str, masked: str):
    assert is_abusive(text)
    assert mask_abuse(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "kiet 12 Nguyen Hue gan cho Ben Ngu rac thai",
        "người dân không đeo khẩu trang",
        "mấy thanh niên uống vài lon bia rồi đua xe",
        "du lịch Huế đông khách",
    ],
)
def test_ordinary_words_that_fold_alike_are_left_alone(text: str):
    assert not is_abusive(text)
    assert mask_abuse(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "mấy giờ thu gom rác ở phường Vỹ Dạ",
        "bao gio thi het mua",
        "how do I pay the water bill?",
        "nộp tiền nước ở đâu?",
    ],
)
def test_questions_are_recognised(text: str):
    assert asks_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "đèn đường hỏng mấy hôm rồi sao chưa ai sửa?",
        "Đường Lê Lợi ngập sâu, bao giờ mới rút?",
        "có chuyện ở đầu kiệt nhà tôi, mong xem giúp",
        "when will someone fix the broken light on Le Loi",
    ],
)
def test_complaints_phrased_as_questions_are_not_questions(text: str):
    assert not asks_question(text)


def test_the_topic_drops_the_question_words():
    assert topic_of_question("mấy giờ thu gom rác ở phường Vỹ Dạ?") == "thu gom rac o phuong vy da"
