"""Which evaluation subsets a message belongs to: English, no-diacritics Vietnamese, slang."""

from __future__ import annotations

import re

from nlu.slang import CURATED, is_syllable
from nlu.text import fold

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_WORDS = (
    "the a an is are was were be been there here this that it its my our your their his her "
    "i we you they he she me us them of in on at to for from with by near over under into "
    "and or but not no please can could would should will what where when why how who which "
    "any some all has have had do does did been being street road bridge light lights water "
    "power tree trees rubbish garbage trash smoke smell flood flooded flooding broken hole "
    "need help thanks thank hello hi hey bye good morning night evening ticket report status "
    "nearest hospital pharmacy police station number alerts alert stop send me off again "
    "since last week today yesterday someone people house home hotel car cars motorbike later "
    "see ok okay"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_SLANG_KEYS = frozenset(k for k in CURATED if " " not in k and CURATED[k] != k)


def words(text: str) -> list[str]:
    """Lower-case alphabetic words of ``text``."""
    return [w.lower() for w in _WORD_RE.findall(text)]


def is_english(text: str) -> bool:
    """Guess whether ``text`` is English: no diacritics and mostly English words."""
    tokens = words(text)
    if not tokens or fold(text) != text.lower():
        return False
    english = sum(1 for t in tokens if t in _ENGLISH)
    not_vietnamese = sum(1 for t in tokens if not is_syllable(t))
    return english * 3 >= len(tokens) or (english >= 1 and not_vietnamese * 2 > len(tokens))


def has_diacritics(text: str) -> bool:
    """True when some letter of ``text`` carries a Vietnamese diacritic or is "đ"."""
    return any(ch.isalpha() and fold(ch) != ch.lower() for ch in text)


def uses_slang(text: str) -> bool:
    """True when ``text`` contains a chat abbreviation from the curated slang list."""
    return any(w in _SLANG_KEYS for w in words(text))


def subsets_of(text: str) -> list[str]:
    """Return the evaluation subsets of ``text``: "english", "no_diacritics", "slang"."""
    if is_english(text):
        return ["english"]
    found = [] if has_diacritics(text) else ["no_diacritics"]
    if uses_slang(text):
        found.append("slang")
    return found
