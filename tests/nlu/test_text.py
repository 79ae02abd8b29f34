"""Normalisation shared by every path: NFC, tones, folding, repeats, slang, emoji, URLs."""

from __future__ import annotations

import random
import unicodedata

import pytest

from nlu.text import canonical, fold, nfc_with_offsets, normalize, replace_symbols, unify_tones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đập Đá", "dap da"),
        ("ĐƯỜNG LÊ LỢI", "duong le loi"),
        ("Vỹ Dạ", "vy da"),
        ("Thuỷ Xuân", "thuy xuan"),
        ("phường Hóa Châu", "phuong hoa chau"),
        ("no change 123", "no change 123"),
    ],
)
def test_fold_removes_diacritics_and_case(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_keeps_length_so_offsets_carry_over() -> None:
    text = "Kiệt 25 Nguyễn Trường Tộ ngập 🌊"
    assert len(fold(text)) == len(text)


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hòa Châu ngập")
    assert decomposed != "Hòa Châu ngập"
    assert normalize(decomposed) == "hòa châu ngập"
    composed, offsets = nfc_with_offsets(decomposed)
    assert composed == "Hòa Châu ngập"
    assert decomposed[offsets[4] : offsets[9]] == unicodedata.normalize("NFD", "Châu ")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoá Châu", "Hóa Châu"),
        ("hoạ sĩ", "họa sĩ"),
    ],
)
def test_old_tone_placement_is_unified(old: str, new: str) -> None:
    assert unify_tones(old) == new


@pytest.mark.parametrize("word", ["quý", "quà", "hoàng", "thuyền", "toán", "huỳnh"])
def test_tone_placement_leaves_other_syllables_alone(word: str) -> None:
    assert unify_tones(word) == word


def test_canonical_is_lower_case_and_unified() -> None:
    assert canonical("Phường THUỶ Xuân") == "phường thủy xuân"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngậppppp quáaaaa", "ngập quá"),
        ("đường ngập ko đi dc", "đường ngập không đi được"),
        ("mn ơi cúp điện r", "mọi người ơi cúp điện rồi"),
        ("nhìu rác wa", "nhiều rác quá"),
        ("sao z ad", "sao vậy admin"),
        ("help!!!", "help!"),
        ("gọi 0905111222, mã pa 10000", "gọi 0905111222, mã pa 10000"),
    ],
)
def test_normalize_squeezes_repeats_and_expands_slang(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["cống bị bít", "đèn hong", "lo lắng", "cây tree"])
def test_slang_expansion_leaves_real_words(text: str) -> None:
    assert normalize(text) == text


def test_emoji_and_urls_become_tokens() -> None:
    result = normalize("Ngập 🌊 xem https://example.com/a.jpg")
    assert result == "ngập :water_wave: xem url"


def _one_by_one(text: str) -> tuple[str, str]:
    """canonical and fold as their definitions say, one character at a time."""
    nfc = unicodedata.normalize("NFC", text)
    lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in unify_tones(nfc))
    folded = []
    for char in nfc:
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        one = "d" if char in "đĐ" else (base if len(base) == 1 else char)
        folded.append(one.lower() if len(one.lower()) == 1 else one)
    return lower, "".join(folded)


def test_the_fast_views_agree_with_their_definition_character_by_character():
    rng = random.Random(15)
    alphabet = [chr(c) for c in range(32, 0x2000)] + list("ẠạẦầẬậđĐƯưƠơİΣς😀🌧\ufe0f\u200d^`")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    texts += ["THUỶ LỢI Hoà Bình İstanbul ΟΔΟΣ", "ĐƯỜNG LÊ LỢI", "đèn hỏng ^^ `x`"]
    for text in texts:
        assert (canonical(text), fold(text)) == _one_by_one(text), text


def test_symbols_are_replaced_only_where_there_are_some():
    assert (
        replace_symbols("Đèn đường hỏng, số 12/3 (gần chợ)!")
        == "Đèn đường hỏng, số 12/3 (gần chợ)!"
    )
    assert replace_symbols("ngập ^^ 🌧️") == "ngập   :cloud_with_rain: "
