"""Is a message a call for rescue? "cứu với, nhà tôi ngập tới mái, có 2 người già".

``distress`` reads a message (Vietnamese with or without diacritics, chat slang, or
English) and returns a ``Distress`` when someone may be in danger now, else ``None``:

* ``CLEAR``: a call for rescue ("cứu với", "cuu voi", "help us", "SOS") together with a
  danger, people or someone vulnerable; or words that mean a life is at risk on their own
  ("mắc kẹt", "ngập tới mái", "bị cuốn trôi", "trapped", "drowning").
* ``POSSIBLE``: a call alone ("cứu với!!"), a weaker plea ("giúp với", "khẩn cấp",
  "help us") beside a danger, or a danger beside people ("nước lên, nhà có 2 người
  già", "người bị thương chảy máu"). People write "cứu với" about slow wifi too, so the bot asks
  before it raises an alarm.

It also says how many people are there (``people``), who needs particular help
(``needs``: elderly, children, injured, sick, pregnant, disabled) and which dangers are
named (``hazards``). Questions about the emergency numbers ("số cứu hộ là bao nhiêu")
and roadside assistance ("xe hỏng cần cứu hộ") are not calls. Matching is on the
normalised, folded text, so diacritics and slang do not matter; it is pure and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from nlu.questions import asks_question
from nlu.text import fold, normalize


class Level(StrEnum):
    """How sure the words are that someone needs rescue."""

    CLEAR = "clear"
    POSSIBLE = "possible"


@dataclass(frozen=True, slots=True)
class Distress:
    """What a call for rescue says."""

    level: Level
    people: int | None
    needs: tuple[str, ...]
    hazards: tuple[str, ...]


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


_STRONG_CALL = _words(
    r"(?<!an )cuu (?:voi|vs|toi|em|minh|tui|chung (?:toi|em|tao)|nha (?:toi|em|minh)|gia dinh)",
    r"(?<!an )cuu (?:nguoi|gap|giup|cuu|me|con|bo|ba|chau|ong)",
    r"xin cuu",
    r"can cuu(?! tro)",
    r"send (?:a )?(?:rescue|help)",
    r"(?:can|xin|goi|doi|mong|cho) cuu ho",
    r"cuu ho (?:gap|khan cap|voi|ngay)",
    r"sos",
    r"mayday",
    r"(?:save|rescue) (?:us|me|my \w+)",
    r"(?:need|needs|needing) (?:rescue|rescuing|to be rescued)",
    r"please rescue",
)
_WEAK_CALL = _words(
    r"giup (?:voi|toi voi|em voi|minh voi|chung toi|do voi)",
    r"co ai (?:giup|cuu)",
    r"khan cap",
    r"nguy cap",
    r"emergency",
    r"urgent",
    r"cuu (?:ho|tro)",
    r"can (?:ho tro|giup do) (?:gap|khan cap|ngay)",
    r"can (?:xuong|ghe|thuyen|ca no)",
    r"(?:need|send) a boat",
    r"help us",  # "help", "please help", "help me" are politeness in an English report
)
_ROADSIDE = _words(r"xe", r"o to", r"giao thong", r"keo xe", r"xe may", r"lop", r"car", r"tow")
_LIFE_AT_RISK = _words(
    r"mac ket(?! (?:xe|giao thong))",
    r"bi ket (?:lai|trong|tren|o)(?! xe)",
    r"ket (?:trong|tren) (?:nha|mai|noc|cay)",
    r"(?:ngap|nuoc)(?: \w+){0,3} (?:toi|den|len|ngang) (?:mai|noc|co|nguc)",
    r"(?:dang o|o|ngoi|leo|treo|tru|song|ca nha) (?:tren|len) (?:mai|noc)",
    r"chet duoi",
    r"(?:bi|chet|nguoi|dang|sap) duoi nuoc",
    r"(?:bi )?cuon troi",
    r"nuoc cuon",
    r"bat tinh",
    r"ngung tho",
    r"nguy hiem (?:den )?tinh mang",
    r"trapped",
    r"stranded",
    r"drowning",
    r"(?:on|onto) (?:the|our|my|her|his|their|a) roof",
    r"(?:co )?nguoi (?:bi )?(?:mat tich|vui lap|ben trong|chim)",
    r"(?:person|people|child|children|someone|somebody|fishermen) (?:is |are |gone )?missing",
    r"missing (?:person|people|child)",
    r"buried alive",
    r"swept away",
    r"unconscious",
    r"not breathing",
)
_HAZARDS: dict[str, re.Pattern[str]] = {
    "flood": _words(
        r"ngap",
        r"nuoc (?:dang |da )?(?:len|dang|ngap|vao|chay xiet)",
        r"lu(?: lut)?",
        r"lut",
        r"flood(?:ed|ing)?",
        r"water (?:is )?rising",
    ),
    "fire": _words(r"chay nha", r"nha (?:bi |dang )?chay", r"dam chay", r"hoa hoan", r"fire"),
    "landslide": _words(r"sat lo", r"lo dat", r"dat lo", r"landslide", r"mudslide"),
    "collapse": _words(r"(?:nha|tuong|cau) (?:bi )?sap", r"sap (?:nha|tuong)", r"collapsed?"),
    "storm": _words(
        r"con bao", r"bao (?:to|lon|manh)", r"gio bao", r"loc xoay", r"storm", r"typhoon"
    ),
    "medical": _words(
        r"bi thuong",
        r"chay mau",
        r"dot quy",
        r"dau tim",
        r"kho tho",
        r"co giat",
        r"injured",
        r"bleeding",
        r"heart attack",
        r"can't breathe",
        r"cannot breathe",
    ),
}
_NEEDS: dict[str, re.Pattern[str]] = {
    "elderly": _words(
        r"nguoi gia",
        r"cu gia",
        r"ong ba",
        r"ba cu",
        r"ong cu",
        r"cu ba",
        r"cu ong",
        r"elderly",
        r"old (?:man|woman|people|person|parents?)",
        r"grand(?:ma|pa|mother|father|parents?)",
    ),
    "children": _words(
        r"tre (?:em|nho|con)",
        r"chau (?:nho|be)",
        r"em be",
        r"con (?:nho|be|so sinh)",
        r"be so sinh",
        r"dua (?:tre|nho|be)",
        r"children",
        r"kids?",
        r"bab(?:y|ies)",
        r"infants?",
    ),
    "injured": _words(
        r"bi thuong",
        r"chay mau",
        r"gay (?:chan|tay)",
        r"injured",
        r"hurt",
        r"bleeding",
        r"wounded",
    ),
    "sick": _words(
        r"(?:dang|bi) (?:om|benh|sot)", r"nguoi (?:om|benh)", r"sot cao", r"sick", r"ill"
    ),
    "pregnant": _words(r"mang thai", r"(?:co|ba) bau", r"bau bi", r"sap sinh", r"pregnant"),
    "disabled": _words(
        r"khuyet tat",
        r"bai liet",
        r"bi liet",
        r"liet (?:nua nguoi|giuong|chan)",
        r"xe lan",
        r"disabled",
        r"wheelchair",
    ),
}
_NUMBER_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_PLAIN_UNITS = r"nguoi|ng|khau|nhan khau|people|persons|of us"
_QUALIFIED_UNITS = (
    r"nguoi gia|nguoi lon|adults?|nguoi benh|nguoi om|cu|ong|tre em|tre nho|tre|chau|be|em be|"
    r"dua tre|dua nho|dua|con nho|con be|elderly|old people|children|kids|babies|injured"
)
_COUNT_RE = re.compile(
    r"\b(\d{1,3}|"
    + "|".join(_NUMBER_WORDS)
    + r")\s+(?:("
    + _QUALIFIED_UNITS
    + r")|("
    + _PLAIN_UNITS
    + r"))\b"
)
_FAMILY_RE = re.compile(r"\b(?:we are|there are|family of|gia dinh(?: co)?|nha co) (\d{1,3})\b")
_MOST_PEOPLE = 999
# "may không ai bị thương" (luckily nobody was hurt) names no injured person.
_NOT_HURT = _words(
    r"(?:may )?(?:khong|chua) (?:co )?(?:ai|nguoi nao) (?:bi )?(?:thuong|sao|lam sao)",
    r"(?:no one|nobody) (?:was |is |got )?(?:hurt|injured)",
)
# "nơi tránh lũ cho người già" looks for a shelter: the bot answers it as a service.
_SHELTER = _words(
    r"noi tranh (?:lu|bao)", r"diem (?:so tan|tranh tru)", r"nha tranh lu", r"shelters?"
)


def distress(text: str) -> Distress | None:
    """Read a message for a call for rescue.

    Args:
        text: A citizen's message.

    Returns:
        A ``Distress`` (its level, people, needs and hazards), or ``None`` when the
        message is not a call for rescue.
    """
    folded = _NOT_HURT.sub(" ", " ".join(fold(normalize(text)).split()))
    strong = bool(_STRONG_CALL.search(folded)) and not _roadside(folded)
    at_risk = bool(_LIFE_AT_RISK.search(folded))
    weak = bool(_WEAK_CALL.search(folded))
    hazards = tuple(name for name, pattern in _HAZARDS.items() if pattern.search(folded))
    needs = tuple(name for name, pattern in _NEEDS.items() if pattern.search(folded))
    people = count_people(folded)
    if not (strong or at_risk or weak or (hazards and (needs or people))):
        return None
    level = _level(strong, at_risk, weak, bool(hazards), bool(needs or people), folded)
    if level is None:
        return None
    return Distress(level, people, needs, hazards)


def _roadside(folded: str) -> bool:
    """ "xe hỏng cần cứu hộ" asks for a tow truck, not a rescue."""
    return (
        "cuu ho" in folded
        and not re.search(r"\bcuu (?:voi|toi|em|nguoi|gap)\b", folded)
        and bool(_ROADSIDE.search(folded))
        and not _LIFE_AT_RISK.search(folded)
    )


def _level(
    strong: bool, at_risk: bool, weak: bool, hazard: bool, people: bool, folded: str
) -> Level | None:
    if at_risk or (strong and (hazard or people)) or folded.strip(" !.") == "sos":
        return Level.CLEAR
    if strong:
        return Level.POSSIBLE
    if weak and hazard and people:
        return Level.CLEAR
    if weak and hazard and not asks_question(folded):
        return Level.POSSIBLE
    if hazard and people and not (asks_question(folded) or _SHELTER.search(folded)):
        return Level.POSSIBLE
    return None


def who(text: str) -> tuple[int | None, tuple[str, ...]]:
    """How many people a message says are there, and who needs particular help.

    Args:
        text: An answer such as "3 người, 1 cụ già" (any message).

    Returns:
        The number (or None) and the needs, in a fixed order.
    """
    folded = _NOT_HURT.sub(" ", " ".join(fold(normalize(text)).split()))
    needs = tuple(name for name, pattern in _NEEDS.items() if pattern.search(folded))
    return count_people(folded), needs


def count_people(folded: str) -> int | None:
    """How many people a folded message says are there ("2 nguoi gia va 3 chau" -> 5).

    Args:
        folded: The message, normalised and folded.

    Returns:
        The number, or ``None`` when none is given.
    """
    plain = qualified = 0
    for number, qualifier, _unit in _COUNT_RE.findall(folded):
        value = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        if qualifier:
            qualified += value
        else:
            plain += value
    family = [int(found) for found in _FAMILY_RE.findall(folded)]
    total = max([plain, qualified, *family])
    return min(total, _MOST_PEOPLE) if total else None
