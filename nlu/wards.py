"""The wards and communes of Huế city (July 2025) and the older names still in use.

Data: ``nlu/data/hue_wards.json`` (see its ``sources`` and nlu/README.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlu.lexicon import Hit, Lexicon, Term
from nlu.text import fold

WARDS_PATH = Path(__file__).parent / "data" / "hue_wards.json"
WARD_PREFIX = r"phuong|p|ph|f|xa|x|thi tran|tt|ward|commune"
# A name right after one of these words, or before an English one, names a landmark
# ("cầu Phú Xuân", "chợ An Cựu", "Dong Ba market"), not the ward.
_LANDMARK_BEFORE = re.compile(
    r"(?<![\w])(?:cau|cho|song|truong|ben|ga|duong|dg|kiet|hem|pho|nga [a-z]+|cong|ho|lang|"
    r"chua|nui|doi|bai bien|bien|khach san|benh vien|cong vien)\s*$"
)
_LANDMARK_AFTER = re.compile(
    r"^\s+(?:market|bridge|river|street|st\b|road|school|pagoda|beach|hospital|station)"
)


@dataclass(frozen=True, slots=True)
class Ward:
    """A ward (phường) or commune (xã) of the 2025 structure."""

    code: int
    codename: str
    name: str
    kind: str


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(WARDS_PATH.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def all_wards() -> tuple[Ward, ...]:
    """Return the 40 wards and communes, in the order of the data file."""
    return tuple(
        Ward(code=u["code"], codename=u["codename"], name=u["name"], kind=u["type"])
        for u in _raw()["units"]
    )


def _terms() -> list[Term]:
    terms = [
        Term(form=alias["name"], value=unit["codename"], match=alias["match"], rank=0)
        for unit in _raw()["units"]
        for alias in unit["aliases"]
    ]
    terms += [
        Term(form=old["name"], value=old["ward"], match=old["match"], rank=1)
        for old in _raw()["legacy"]
    ]
    return terms


@lru_cache(maxsize=1)
def ward_lexicon() -> Lexicon:
    """Return the matcher for current and legacy ward names."""
    return Lexicon(_terms(), prefix=WARD_PREFIX)


def _is_landmark(hit: Hit, folded: str) -> bool:
    if hit.prefixed:
        return False
    before, after = folded[max(0, hit.start - 16) : hit.start], folded[hit.end :]
    return bool(_LANDMARK_BEFORE.search(before) or _LANDMARK_AFTER.match(after))


def ward_hits(text: str) -> list[Hit]:
    """Return the ward mentions of ``text`` with their offsets in its NFC form.

    Names used for a landmark ("chợ An Cựu", "cầu Phú Xuân") are not ward mentions.
    """
    folded = fold(text)
    return [hit for hit in ward_lexicon().find(text) if not _is_landmark(hit, folded)]


def find_wards(text: str) -> list[str]:
    """Return the codenames of the wards mentioned in ``text``, first mention first.

    Works with or without diacritics and with or without "phường", "p.", "xã";
    pre-2025 names listed in the data file map to the ward they now belong to.

    Args:
        text: A message.

    Returns:
        Codenames such as ``"vy_da"``, without duplicates.
    """
    return list(dict.fromkeys(hit.term.value for hit in ward_hits(text)))
