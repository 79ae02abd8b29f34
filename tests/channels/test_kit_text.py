"""The one text splitter every messenger's rendering uses."""

from __future__ import annotations

import html

import pytest

from bot.channels.text import split_text, utf16_len


def words(text: str) -> list[str]:
    return text.split()


def test_short_text_is_one_part_and_empty_text_one_empty_part():
    assert split_text("Xin chào", 10) == ["Xin chào"]
    assert split_text("", 10) == [""]


def test_cuts_at_line_breaks_before_spaces():
    text = "một hai\nba bốn năm\nsáu"
    assert split_text(text, 12) == ["một hai", "ba bốn năm", "sáu"]
    assert split_text(text, 18) == ["một hai\nba bốn năm", "sáu"]


def test_a_long_line_is_cut_at_spaces_never_inside_a_word():
    text = " ".join(f"từ{n}" for n in range(300))
    parts = split_text(text, 50)
    assert all(len(p) <= 50 for p in parts)
    assert all(part.split() == part.strip().split(" ") for part in parts)
    assert [w for p in parts for w in words(p)] == words(text)


def test_only_a_word_longer_than_a_part_is_cut():
    assert split_text("x" * 9, 4) == ["xxxx", "xxxx", "x"]
    assert split_text("ab " + "y" * 5, 4) == ["ab", "yyyy", "y"]


def test_a_letter_keeps_its_combining_accent():
    decomposed = "e\u0302\u0301" * 5  # ế written as e + two combining marks
    parts = split_text(decomposed, 4)
    assert "".join(parts) == decomposed
    assert all(part[0] not in "\u0302\u0301" for part in parts)
    assert all(len(part) <= 4 for part in parts[:-1])


def test_utf16_measure_counts_emoji_twice():
    text = " ".join(["😀" * 100] * 100)
    parts = split_text(text, 4096, measure=utf16_len)
    assert all(utf16_len(p) <= 4096 for p in parts) and " ".join(parts) == text
    assert split_text("😀" * 3, 4, measure=utf16_len) == ["😀😀", "😀"]
    assert split_text("x" * (4096 * 2 + 1), 4096, measure=utf16_len) == ["x" * 4096] * 2 + ["x"]


def test_markup_keeps_entities_and_tags_whole_and_counts_what_is_seen():
    plain = "a&b<c>" * 20
    escaped = html.escape(plain, quote=False)
    parts = split_text(escaped, 7, markup=True)
    assert "".join(parts) == escaped
    assert all(html.unescape(p) and len(html.unescape(p)) <= 7 for p in parts)
    assert all(p.count("&") == p.count(";") for p in parts)
    tagged = "<b>" + "x" * 10 + "</b>"
    assert split_text(tagged, 10, markup=True) == [tagged]
    assert split_text(tagged, 4, markup=True) == ["<b>xxxx", "xxxx", "xx</b>"]


def test_without_markup_an_entity_counts_as_its_characters():
    assert split_text("&amp;" * 2, 5) == ["&amp;", "&amp;"]


@pytest.mark.parametrize("limit", [0, -1])
def test_the_limit_must_be_positive(limit):
    with pytest.raises(ValueError, match="positive"):
        split_text("x", limit)
