"""Abusive words in Vietnamese and English: find them and mask them.

Matching is on folded text (no diacritics, "đ" -> "d"), word by word, so "đm", "dm",
"ĐM" and "Đ.M" are caught alike. A few words are abusive only with their
diacritics ("đéo" but not "đeo", "lồn" but not "lon"); those match on the exact
spelling only. Masking keeps the first letter and the length ("đ*", "v**").
"""

from __future__ import annotations

import re
import unicodedata

from nlu.text import fold

# Abusive whatever the diacritics: chat abbreviations and unambiguous words.
_FOLDED_WORDS = frozenset(
    [
        "dm",
        "dmm",
        "dcm",
        "dkm",
        "dcmm",
        "dml",
        "dmml",
        "dmcs",
        "cmm",
        "clgt",
        "cmnr",
        "vcl",
        "vkl",
        "vcc",
        "vclm",
        "vl",
        "vloz",
        "clm",
        "cml",
        "ccmm",
        "dit",
        "ditme",
        "fuck",
        "fucking",
        "fucked",
        "fucker",
        "motherfucker",
        "shitty",
        "bullshit",
        "bitch",
        "bastard",
        "asshole",
        "dickhead",
        "wtf",
        "stfu",
    ]
)
# Abusive word pairs on folded text ("địt mẹ", "mẹ kiếp", "đụ má").
_FOLDED_PAIRS = frozenset(
    {
        ("dit", "me"),
        ("dit", "ma"),
        ("me", "kiep"),
        ("du", "ma"),
        ("du", "me"),
        ("con", "cac"),
    }
)
# Abusive only when written with these diacritics. Words that also name a thing people
# report (dog dirt on the pavement) are left out on purpose.
_EXACT_WORDS = frozenset(["đéo", "đếch", "đụ", "lồn", "cặc", "buồi", "đĩ"])
# "đ.m", "v.c.l": letters joined by dots are read as one word.
_DOTTED_RE = re.compile(r"\b(?:\w\.){1,4}\w\b", re.UNICODE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word; dotted abbreviations count as one word."""
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for match in _DOTTED_RE.finditer(text):
        found.append((match.start(), match.end(), match.group().replace(".", "")))
        taken.update(range(match.start(), match.end()))
    for match in _WORD_RE.finditer(text):
        if match.start() not in taken:
            found.append((match.start(), match.end(), match.group()))
    return sorted(found)


def find_abuse(text: str) -> list[tuple[int, int]]:
    """Where the abusive words of ``text`` are.

    Args:
        text: Any message.

    Returns:
        (start, end) character spans in the NFC form of ``text``, in order.
    """
    nfc = unicodedata.normalize("NFC", text)
    words = _words(nfc)
    spans: list[tuple[int, int]] = []
    for index, (start, end, word) in enumerate(words):
        folded = fold(word)
        if index + 1 < len(words) and (folded, fold(words[index + 1][2])) in _FOLDED_PAIRS:
            spans.append((start, words[index + 1][1]))
        elif folded in _FOLDED_WORDS or word.lower() in _EXACT_WORDS:
            spans.append((start, end))
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask_abuse(text: str) -> str:
    """``text`` (in NFC) with each abusive word masked: first letter kept, the rest "*".

    Args:
        text: Any message.

    Returns:
        The masked text; the text itself when nothing is abusive.
    """
    nfc = unicodedata.normalize("NFC", text)
    pieces: list[str] = []
    last = 0
    for start, end in find_abuse(nfc):
        word = nfc[start:end]
        pieces.append(nfc[last:start])
        pieces.append(word[0] + "".join(" " if ch == " " else "*" for ch in word[1:]))
        last = end
    pieces.append(nfc[last:])
    return "".join(pieces)


def is_abusive(text: str) -> bool:
    """True when ``text`` contains an abusive word."""
    return bool(find_abuse(text))
