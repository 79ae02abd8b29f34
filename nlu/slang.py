"""Chat-slang expansion ("ko dc" -> "không được").

Two sources, the first winning: a curated list written for HueBot, and the teencode
dictionary of the ``visonorm`` project (MIT, ``nlu/data/teencode/``), filtered to entries
that are safe in this domain: one candidate only, a key that is not itself a plausible
Vietnamese syllable or a common English word, and a candidate that is not the key with
its diacritics restored (the folded view handles those).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DICTIONARY_PATH = Path(__file__).parent / "data" / "teencode" / "dictionary.json"

CURATED: dict[str, str] = {
    "ko": "không",
    "k": "không",
    "kg": "không",
    "khg": "không",
    "kh": "không",
    "hk": "không",
    "hok": "không",
    "hông": "không",
    "hem": "không",
    "khum": "không",
    "hôk": "không",
    "hok'": "không",
    "kô": "không",
    "hg": "không",
    "dc": "được",
    "đc": "được",
    "dk": "được",
    "đk": "được",
    "đx": "được",
    "dx": "được",
    "j": "gì",
    "ji": "gì",
    "z": "vậy",
    "zậy": "vậy",
    "dzậy": "vậy",
    "zị": "vậy",
    "ng": "người",
    "ngta": "người ta",
    "nta": "người ta",
    "mn": "mọi người",
    "mng": "mọi người",
    "mọi ng": "mọi người",
    "r": "rồi",
    "rùi": "rồi",
    "ròi": "rồi",
    "òi": "rồi",
    "gòi": "rồi",
    "wa": "quá",
    "wá": "quá",
    "qá": "quá",
    "nhìu": "nhiều",
    "nhìuu": "nhiều",
    "bik": "biết",
    "pik": "biết",
    "bjt": "biết",
    "vs": "với",
    "cx": "cũng",
    "cg": "cũng",
    "ntn": "như thế nào",
    "trc": "trước",
    "sdt": "số điện thoại",
    "sđt": "số điện thoại",
    "đt": "điện thoại",
    "dthoai": "điện thoại",
    "đg": "đường",
    "dg": "đường",
    "ms": "mới",
    "hqua": "hôm qua",
    "hnay": "hôm nay",
    "bjo": "bao giờ",
    "bgio": "bao giờ",
    "mik": "mình",
    "mk": "mình",
    "mjk": "mình",
    "e": "em",
    "lun": "luôn",
    "thui": "thôi",
    "nc": "nước",
    "dùm": "giùm",
    "dum": "giùm",
    "tks": "thanks",
    "thks": "thanks",
    "thx": "thanks",
    "tnx": "thanks",
    "plz": "please",
    "pls": "please",
    "bv": "bệnh viện",
    "ubnd": "ủy ban nhân dân",
    "csgt": "cảnh sát giao thông",
    "tp": "thành phố",
    "ad": "admin",
    "oto": "ô tô",
    "xe mấy": "xe máy",
    "cúp": "cúp",
    "ktra": "kiểm tra",
    "tgian": "thời gian",
    "bnhieu": "bao nhiêu",
    "bn": "bao nhiêu",
    "kbiet": "không biết",
    "kbt": "không biết",
    "nhma": "nhưng mà",
    "nma": "nhưng mà",
    "ib": "nhắn tin",
    "inbox": "nhắn tin",
    "u": "you",
    "ur": "your",
    "pl": "please",
    "hlo": "hello",
    "helo": "hello",
    "hii": "hi",
    "bye": "bye",
    "bb": "bye",
    "byee": "bye",
    "ok": "ok",
    "oke": "ok",
    "okie": "ok",
    "okela": "ok",
    "cmon": "cảm ơn",
    "camon": "cảm ơn",
    "cám ơn": "cảm ơn",
}

# Keys from the dictionary that are ordinary words here (English or Huế usage).
_BLOCKED_WORDS = (
    "a an as at be by do go he hi i if in is it me my no of oh on or so to up us we "
    "any are bus car cook day did end few get had has her hey him his how its let man "
    "new not now off old one our out own pink real run said see she tree the try two use "
    "was way who why you time tide lips ten sea bad big fire road tea hot pot wet "
    "mo mu ne nu re te to ty ta ca ka pa po le lo lu ke ki bo bi ho hu thick thou tar "
    "penthouse kungfu ling kink mer yang roy toy bey lag ew eww ee ii uk lol dell del fim "
    "zi ls cl sml cmn"
)
_BLOCKED = frozenset(_BLOCKED_WORDS.split())

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
_RHYME = (
    r"(?:uyen|uyet|uynh|uych|uya|uyu|uyn|uyt|uy|uoi|uong|uon|uom|uoc|uot|uop|uou|"
    r"ieu|iem|ien|iep|iet|ieng|ia|iu|inh|ich|im|in|ip|it|i|"
    r"yeu|yem|yen|yet|y|oai|oay|oanh|oang|oan|oat|oac|oach|oa|oeo|oen|oet|oe|"
    r"oong|ooc|oi|om|ong|on|op|ot|oc|o|ua|ue|ui|um|ung|un|up|ut|uc|uan|uang|uat|uau|"
    r"uay|uen|uet|uu|u|eo|em|eng|en|ep|et|ec|e|ai|ao|au|ay|am|ang|anh|an|ap|at|ach|ac|a)"
)
_SYLLABLE_RE = re.compile(f"^{_ONSET}{_RHYME}$")
_TOKEN_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def _fold(text: str) -> str:
    text = text.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def is_syllable(word: str) -> bool:
    """Return True when ``word``, folded, has the shape of a Vietnamese syllable."""
    return bool(_SYLLABLE_RE.match(_fold(word)))


def _safe_entry(key: str, candidates: list[str]) -> bool:
    unique = list(dict.fromkeys(candidates))
    if len(unique) != 1 or not key.isalpha() or len(key) < 2:
        return False
    if key in _BLOCKED or is_syllable(key):
        return False
    return _fold(key) != _fold(unique[0])


@lru_cache(maxsize=1)
def slang_table() -> dict[str, str]:
    """Return the merged, filtered slang table (key -> expansion), keys in NFC lower case."""
    table: dict[str, str] = {}
    if DICTIONARY_PATH.exists():
        raw = json.loads(DICTIONARY_PATH.read_text(encoding="utf-8"))
        for key, entry in raw.items():
            norm_key = unicodedata.normalize("NFC", key.lower())
            candidates = entry.get("normalized", []) if isinstance(entry, dict) else []
            if _safe_entry(norm_key, candidates):
                table[norm_key] = unicodedata.normalize("NFC", candidates[0])
    table.update({unicodedata.normalize("NFC", k): v for k, v in CURATED.items() if " " not in k})
    return table


def expand_slang(text: str) -> str:
    """Replace slang tokens of lower-cased NFC ``text`` by their expansion.

    Args:
        text: Lower-cased NFC text.

    Returns:
        The text with every known slang token expanded; other characters unchanged.
    """
    table = slang_table()
    return _TOKEN_RE.sub(lambda m: table.get(m.group(0), m.group(0)), text)
