"""The one text splitter every messenger's rendering uses.

A reply longer than the platform allows is cut into parts: at line breaks first,
then at spaces, and a single word longer than a whole part (a long link) is cut
between characters, never between a letter and its combining accent. With
``markup=True`` an HTML entity (``&amp;``) or tag (``<b>``) is never cut either, and
only what the reader sees counts towards the limit, as Telegram counts it.

Callers put the keyboard (buttons) on the last part, so the question and its
answers stay together at the bottom of the chat.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator

Measure = Callable[[str], int]

_ATOM = re.compile(r"&#?[A-Za-z0-9]+;|<[^<>]*>|.", re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (how Telegram counts; an emoji is often 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(
    text: str, limit: int, *, measure: Measure = len, markup: bool = False
) -> list[str]:
    """Cut ``text`` into parts of at most ``limit`` units, at lines, then at spaces.

    Args:
        text: The whole message.
        limit: The platform's longest message, in ``measure`` units.
        measure: How the platform counts (``len`` for characters, ``utf16_len``).
        markup: The text is HTML: keep entities and tags whole, count only visible text.

    Returns:
        At least one part; joined with the line breaks and spaces the cuts removed they
        give the text back (spaces at a cut are dropped, never a word).

    Raises:
        ValueError: If ``limit`` is not positive.
    """
    if limit <= 0:
        raise ValueError("the limit must be positive")
    size = _visible_size(measure) if markup else measure
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit, size, measure, markup):
        joined = current + piece
        if current and size(joined.rstrip()) > limit:
            parts.append(current.rstrip())
            joined = piece.lstrip()
        current = joined
    if current.strip() or not parts:
        parts.append(current.rstrip())
    return parts


def _visible_size(measure: Measure) -> Measure:
    return lambda text: measure(html.unescape(_TAG.sub("", text)))


def _pieces(text: str, limit: int, size: Measure, measure: Measure, markup: bool) -> Iterator[str]:
    """Lines (with their line break); a line too long comes as words, a word too long cut."""
    for line in text.splitlines(keepends=True):
        if size(line) <= limit:
            yield line
            continue
        words = line.split(" ")
        for index, word in enumerate(words):
            spaced = word if index == len(words) - 1 else f"{word} "
            yield from _hard_cut(spaced, limit, measure, markup)


def _hard_cut(word: str, limit: int, measure: Measure, markup: bool) -> Iterator[str]:
    """``word`` in runs of at most ``limit`` units, cut only between whole atoms."""
    run, units = "", 0
    for atom in _atoms(word, markup):
        width = _width(atom, measure, markup)
        if run and units + width > limit:
            yield run
            run, units = "", 0
        run, units = run + atom, units + width
    if run:
        yield run


def _atoms(word: str, markup: bool) -> Iterator[str]:
    """Characters with their combining marks; with ``markup``, entities and tags whole."""
    atoms = _ATOM.findall(word) if markup else list(word)
    held = ""
    for atom in atoms:
        if held and len(atom) == 1 and unicodedata.combining(atom):
            held += atom
            continue
        if held:
            yield held
        held = atom
    if held:
        yield held


def _width(atom: str, measure: Measure, markup: bool) -> int:
    if markup and atom.startswith("<") and atom.endswith(">") and len(atom) > 1:
        return 0
    return measure(html.unescape(atom) if markup else atom)
