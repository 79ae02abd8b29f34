"""Is a message a question asking for information rather than reporting a problem?

"mấy giờ thu gom rác ở phường Vỹ Dạ", "bao giờ thì hết mưa" and "how do I pay the
water bill?" ask something; "đèn đường hỏng mấy hôm rồi sao chưa ai sửa?" complains.
A message asks when it carries an interrogative phrase and names no damage; "sao"
and "tại sao" alone are read as complaints, as people in Huế use them.
Matching is on folded text, so it works with and without diacritics.
"""

from __future__ import annotations

import re
import unicodedata

from nlu.text import fold

# Interrogative phrases (folded), matched on word boundaries.
_ASKING = (
    "may gio",
    "gio nao",
    "bao gio",
    "khi nao",
    "luc nao",
    "hom nao",
    "ngay nao",
    "bao lau",
    "bao nhieu",
    "cho nao",
    "nhu the nao",
    "the nao",
    "lam sao de",
    "lam sao",
    "lam the nao",
    "thu tuc",
    "co phai",
    "phai khong",
    "duoc khong",
    "co duoc",
    "la gi",
    "lich thu gom",
    "lich cat",
    "what time",
    "when",
    "how do",
    "how can",
    "how to",
    "how much",
    "how long",
    "where can",
    "where do",
    "where is",
    "is there",
    "are there",
    "can i",
    "do i",
    "what is",
    "what's",
    "will it",
    "does the",
)
# Words that describe a problem on the ground: a message with one of these reports it.
_DAMAGE = (
    "hong",
    "hu",
    "bi vo",
    "vo ong",
    "gay",
    "nga do",
    "sap do",
    "bi sap",
    "sat lo",
    "ngap",
    "tac",
    "boc mui",
    "hoi thoi",
    "bi chay",
    "dam chay",
    "ro ri",
    "ri nuoc",
    "mat dien",
    "chap dien",
    "dut",
    "rot",
    "lan chiem",
    "o ga",
    "tai nan",
    "broken",
    "burst",
    "leak",
    "leaking",
    "flooded",
    "fallen",
    "pothole",
    "blocked",
    "fire",
    "accident",
    "dead",
    "stinks",
)
_ASKING_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _ASKING) + r")\b")
# "ở đâu" (where) folds like "ở đầu" (at the head of): it asks only when written with
# its diacritics, or when it ends the sentence.
_WHERE_EXACT_RE = re.compile(r"\bở đâu\b")
_WHERE_FOLDED_RE = re.compile(r"\bo dau\s*(?:\?|$|vay\b|a\b|the\b|ha\b)")
_DAMAGE_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _DAMAGE) + r")\b")


def asks_question(text: str) -> bool:
    """True when ``text`` asks for information and does not describe damage.

    Args:
        text: A citizen's message.

    Returns:
        Whether HueBot should answer it as a question rather than start a report.
    """
    folded = fold(text)
    if _DAMAGE_RE.search(folded):
        return False
    where = _WHERE_EXACT_RE.search(unicodedata.normalize("NFC", text).lower())
    return bool(where or _WHERE_FOLDED_RE.search(folded) or _ASKING_RE.search(folded))


def topic_of_question(text: str) -> str:
    """The question with its interrogative phrases removed, to classify what it is about.

    Args:
        text: A question, as ``asks_question`` accepts.

    Returns:
        The rest of the text (folded), e.g. "thu gom rac o phuong vy da".
    """
    rest = _ASKING_RE.sub(" ", fold(text)).replace("?", " ").replace(" o dau ", " ")
    return " ".join(rest.split())
