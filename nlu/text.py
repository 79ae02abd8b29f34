"""Text normalisation shared by every NLU path.

Two kinds of views are produced:

* length-preserving views (:func:`canonical`, :func:`fold`) where character ``i`` of the
  view is character ``i`` of the NFC text, so entity offsets found in them are offsets in
  the message;
* the model view (:func:`normalize`), which also collapses repeated letters, expands chat
  slang and replaces URLs and emoji by tokens; it is for classification only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nlu.slang import expand_slang

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_URL_RE = re.compile(r"(https?://\S+|www\.\S+)", re.IGNORECASE)
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
_PUNCT_REPEAT_RE = re.compile(r"([!?.,])\1+")
_SPACE_RE = re.compile(r"\s+")
# nothing replace_symbols would change: letters, digits, spaces, ASCII punctuation but ^ `
_PLAIN_RE = re.compile(r"[\w\s!-/:-@\[-\]{-~]*")
# old-style tone placement on the second vowel of an open "oa", "oe", "uy" syllable
_OLD_TONE_RE = re.compile(r"(?<![qQ])([oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)")


def nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """Compose ``text`` to NFC and map each composed character to its original index.

    Args:
        text: Any Unicode string (some Vietnamese keyboards send decomposed text).

    Returns:
        The NFC text and, for each of its characters, the index in ``text`` where the
        character's cluster starts; the list has one extra entry, ``len(text)``.
    """
    out: list[str] = []
    offsets: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        composed = unicodedata.normalize("NFC", text[start:i])
        out.append(composed)
        offsets.extend([start] * len(composed))
        start = i
    offsets.append(len(text))
    return "".join(out), offsets


def _move_tone(match: re.Match[str]) -> str:
    first, second = match.group(1)[0], match.group(1)[1]
    decomposed = unicodedata.normalize("NFD", second)
    tone = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", first + tone) + unicodedata.normalize("NFC", base)


def unify_tones(text: str) -> str:
    """Put tone marks the way official names do ("hoà" -> "hòa", "thuỷ" -> "thủy").

    Length-preserving. Expects NFC text.
    """
    return _OLD_TONE_RE.sub(_move_tone, text)


def _lower_char(char: str) -> str:
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _lower(text: str) -> str:
    """Lower case, character by character (a character whose lower case is longer, as
    "İ", stays as it is): the same length as ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text) and "Σ" not in text:  # str.lower is contextual for Σ only
        return lowered
    return "".join(_lower_char(c) for c in text)


# One parse asks for the same views of a message many times (every lexicon, every
# feature part); each is computed once. The caches hold one parse's strings (the text
# and the gazetteer forms it touches), not earlier messages: a parse runs to its end
# before the next begins, and a message seen again is worked out again.
VIEWS = 64


@lru_cache(maxsize=VIEWS)
def canonical(text: str) -> str:
    """NFC, unified tone placement and lower case; same length as the NFC text."""
    return _lower(unify_tones(unicodedata.normalize("NFC", text)))


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    if len(base) != 1:
        return _lower_char(char)
    return _lower_char(base)


class _FoldTable(dict[int, str]):
    """``str.translate``'s table for :func:`fold`, filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


@lru_cache(maxsize=VIEWS)
def fold(text: str) -> str:
    """Remove diacritics, lower-case and turn "đ" into "d" ("Đập Đá" -> "dap da").

    The result has the same length as the NFC form of ``text``.

    Args:
        text: Any text.

    Returns:
        The folded text.
    """
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def _emoji_token(char: str) -> str | None:
    if unicodedata.category(char) != "So":
        return None
    name = unicodedata.name(char, "")
    if not name:
        return None
    return " :" + "_".join(name.lower().split()) + ": "


def replace_symbols(text: str) -> str:
    """Replace URLs by " url " and emoji by ":name:" tokens; drop variation selectors."""
    text = _URL_RE.sub(" url ", text)
    if _PLAIN_RE.fullmatch(text):
        return text
    parts: list[str] = []
    for char in text:
        if char in "\ufe0f\u200d" or unicodedata.category(char) == "Sk":
            continue
        token = _emoji_token(char)
        parts.append(token if token is not None else char)
    return "".join(parts)


def squeeze_repeats(text: str) -> str:
    """Collapse letters repeated three times or more ("ngậppppp" -> "ngập", "!!!" -> "!")."""
    return _PUNCT_REPEAT_RE.sub(r"\1", _REPEAT_RE.sub(r"\1", text))


@lru_cache(maxsize=VIEWS)
def normalize(text: str) -> str:
    """Normalise a message for classification.

    Applies Unicode NFC, unified tone placement, lower case, URL and emoji tokens,
    collapsed letter repeats, chat-slang expansion ("ko dc" -> "không được") and
    whitespace squeezing. Diacritics are kept; use :func:`fold` for the folded view.

    Args:
        text: The raw message.

    Returns:
        The normalised text.
    """
    lowered = canonical(text)
    cleaned = squeeze_repeats(replace_symbols(lowered))
    expanded = expand_slang(cleaned)
    return _SPACE_RE.sub(" ", expanded).strip()
