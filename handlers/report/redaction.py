"""Free text made fit for public display: phones, e-mails, personal names, house numbers.

``redact`` is pure and keeps everything else (the problem, the street, the ward), so a
public reader learns what is wrong and roughly where, never who wrote or where they
live. It errs on the side of masking: a lost word costs less than a published phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MASK = "***"
_UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper())
_WORD = r"[^\W\d_]+"
_CAP = rf"[{_UPPER}][^\W\d_]*"
_NUMBER = r"\d+[A-Za-z]?(?:\s?[/\-]\s?\d+[A-Za-z]?)*"

EMAIL = re.compile(
    r"[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w\-]+)+",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w+])(?:\+\s?84|\(?\+?84\)?|\(?0)(?:[\s.\-()]{0,2}\d){8,10}(?!\d)")
PHONE_AFTER_LABEL = re.compile(
    r"(?i:\b(?:sđt|sdt|đt|dt|điện thoại|dien thoai|phone|tel|mobile|zalo)\b)"
    r"(?P<gap>\s*[:.]?\s*)(?P<digits>\+?\d[\d\s.\-()]{5,}\d)"
)
HOUSE_AFTER_WORD = re.compile(
    r"(?i:\b(?P<word>số nhà|nhà số|so nha|số|so|nhà|nha|kiệt|kiet|hẻm|hem|ngõ|ngo|ngách|"
    r"house|no\.|apt\.?|unit|#))(?P<gap>\s*)(?P<number>" + _NUMBER + r")(?!\d)"
)
HOUSE_BEFORE_STREET = re.compile(
    r"(?<![\w/.,])(?P<number>(?:[Kk])?" + _NUMBER + r")(?P<gap>\s+)"
    r"(?=" + _CAP + r"|(?i:đường|duong|phố|pho|kiệt|kiet|street|st\b|road|rd\b))"
)
NAME_STRONG = re.compile(
    r"(?i:\b(?:tên (?:tôi|em|mình|cháu|con) là|tên là|(?:tôi|em|mình|cháu) tên(?: là)?|"
    r"tên|ten toi la|my name is|name))(?P<gap>\s*:?\s*)"
    r"(?P<name>" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,3})"
)
NAME_AFTER_SELF = re.compile(
    r"(?i:\b(?:tôi là|em là|mình là|cháu là|toi la|i am|i'm|this is))(?P<gap>\s+)"
    r"(?P<name>" + _CAP + r"(?:[ \t]+" + _CAP + r"){0,3})"
)
NAME_AFTER_TITLE = re.compile(
    r"(?i:\b(?:anh|chị|chi|ông|ong|bà|ba|cô|chú|chu|bác|bac|em|cháu|mr\.?|mrs\.?|ms\.?|miss))"
    r"(?P<gap>\s+)(?P<name>" + _CAP + r"(?:[ \t]+" + _CAP + r"){0,3})"
)
_NOT_NAMES = (
    "ở o tại tai sống song nhà nha số so sđt sdt đt dt điện dien và va là la từ tu thì "
    "thi đang dang báo bao muốn muon phản phan xin cần can at from and living phone "
    "i i'm is đường duong phố pho kiệt kiet hẻm street road"
)
NOT_NAMES = frozenset(_NOT_NAMES.split())
STREET_WORDS = ("đường", "duong", "phố", "pho", "street", "kiệt", "kiet", "hẻm", "ngõ")


def redact(text: str) -> str:
    """``text`` with phones, e-mails, personal names and house numbers masked as ``***``.

    Args:
        text: Free text a citizen or an official wrote.

    Returns:
        The same text, the personal parts replaced by ``***``.
    """
    text = EMAIL.sub(MASK, text)
    text = PHONE_AFTER_LABEL.sub(lambda m: m[0][: m.start("digits") - m.start()] + MASK, text)
    text = PHONE.sub(MASK, text)
    text = NAME_STRONG.sub(_strong_name, text)
    text = NAME_AFTER_SELF.sub(_keep_prefix, text)
    text = NAME_AFTER_TITLE.sub(_titled_name, text)
    text = HOUSE_AFTER_WORD.sub(_keep_prefix_of("number"), text)
    return HOUSE_BEFORE_STREET.sub(lambda m: MASK + m["gap"], text)


def _keep_prefix(match: re.Match[str]) -> str:
    return match[0][: match.start("name") - match.start()] + MASK


def _keep_prefix_of(group: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match[0][: match.start(group) - match.start()] + MASK

    return replace


def _strong_name(match: re.Match[str]) -> str:
    """After 'tên ...': the name runs until a word that cannot be part of it."""
    words = match["name"].split()
    kept: list[str] = []
    for word in words:
        if word.lower() in NOT_NAMES:
            break
        kept.append(word)
    if not kept:
        return match[0]
    named = " ".join(words[: len(kept)])
    rest = match["name"][match["name"].find(named) + len(named) :]
    return match[0][: match.start("name") - match.start()] + MASK + rest


def _titled_name(match: re.Match[str]) -> str:
    """'anh Nam', 'chị Lan': a title and a capitalised name, unless it names a street."""
    before = match.string[: match.start()].rstrip().lower()
    if before.endswith(STREET_WORDS):
        return match[0]
    return _keep_prefix(match)


# --- what a public reader of a report sees ----------------------------------------------

UNIT_ACTORS = ("official", "supervisor", "admin")  # audit lines that are the unit's updates
PUBLIC_DECIMALS = 3  # about 110 m of latitude in Huế


def public_text(text: str | None, approved: bool) -> str | None:
    """Free text as the public sees it: as written once approved, else redacted."""
    if text is None:
        return None
    return text if approved else redact(text)


def public_point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """A point rounded to about 100 m, or None when there is none."""
    if latitude is None or longitude is None:
        return None
    return round(latitude, PUBLIC_DECIMALS), round(longitude, PUBLIC_DECIMALS)
