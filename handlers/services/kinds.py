"""Names of the kinds of service, weekdays and emergency lines, in the user's language."""

from __future__ import annotations

from handlers.core.i18n import say

KNOWN_KINDS: tuple[str, ...] = (
    "hospital", "pharmacy", "police", "fire_station", "shelter", "hotline", "gas_station", "atm",
)  # fmt: skip

# (button label, the noun in a sentence) per type; English nouns are plural.
KIND_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "hospital": (("🏥 Bệnh viện", "🏥 Hospital"), ("bệnh viện, phòng khám", "hospitals")),
    "pharmacy": (("💊 Nhà thuốc", "💊 Pharmacy"), ("nhà thuốc", "pharmacies")),
    "police": (("🚓 Công an", "🚓 Police"), ("trụ sở công an", "police stations")),
    "fire_station": (("🚒 Cứu hỏa", "🚒 Fire station"), ("đội cứu hỏa", "fire stations")),
    "shelter": (("🏫 Điểm sơ tán", "🏫 Shelter"), ("điểm sơ tán, trú bão", "shelters")),
    "hotline": (("☎️ Đường dây nóng", "☎️ Hotlines"), ("đường dây nóng", "hotlines")),
    "gas_station": (("⛽ Cây xăng", "⛽ Gas station"), ("cây xăng", "gas stations")),
    "atm": (("🏧 ATM", "🏧 ATM"), ("cây ATM", "ATMs")),
}
WEEKDAYS = (
    ("thứ Hai", "Monday"), ("thứ Ba", "Tuesday"), ("thứ Tư", "Wednesday"),
    ("thứ Năm", "Thursday"), ("thứ Sáu", "Friday"), ("thứ Bảy", "Saturday"),
    ("Chủ nhật", "Sunday"),
)  # fmt: skip
# The national emergency numbers: always shown, whatever the directory holds.
EMERGENCY_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("113", "Công an (khẩn cấp)", "Police (emergency)"),
    ("114", "Cứu hỏa, cứu nạn cứu hộ", "Fire and rescue"),
    ("115", "Cấp cứu y tế", "Ambulance"),
)
EMERGENCY_FIRST = {"police": "113", "fire_station": "114", "hospital": "115"}


def kind_label(language: str, kind: str) -> str:
    """A type as a button label, with its emoji ("💊 Nhà thuốc")."""
    if kind in KIND_WORDS:
        return KIND_WORDS[kind][0][language == "en"]
    return "📌 " + kind.replace("_", " ").capitalize()


def kind_noun(language: str, kind: str) -> str:
    """A type as a noun in a sentence ("nhà thuốc", "pharmacies")."""
    if kind in KIND_WORDS:
        return KIND_WORDS[kind][1][language == "en"]
    return kind.replace("_", " ")


def weekday(language: str, number: int) -> str:
    """The name of a weekday (0 = Monday)."""
    return WEEKDAYS[number][language == "en"]


def emergency_name(language: str, phone: str) -> str | None:
    """What a national emergency number is for, or None for any other number."""
    for number, vi, en in EMERGENCY_NUMBERS:
        if number == phone:
            return en if language == "en" else vi
    return None


def emergency_line(language: str, kind: str) -> str | None:
    """The line that comes first for an emergency type ("call 114 now"), else None."""
    return say(language, f"service.emergency.{kind}") if kind in EMERGENCY_FIRST else None
