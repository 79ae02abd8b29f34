"""Places everyone in Huế names instead of an address ("gần Đại Nội", "near the station").

Each landmark maps to one point, so "ATM gần chợ Đông Ba" is answered like a shared
location. Names match with or without diacritics; the longest name wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handlers.core.model import GeoPoint
from nlu import fold


@dataclass(frozen=True, slots=True)
class Landmark:
    """A well-known place: its names as people write them and where it is."""

    code: str
    name_vi: str
    name_en: str
    point: GeoPoint
    aliases: tuple[str, ...]

    def name(self, language: str) -> str:
        """The landmark's name in ``language``."""
        return self.name_en if language == "en" else self.name_vi


LANDMARKS: tuple[Landmark, ...] = (
    Landmark(
        "dai_noi",
        "Đại Nội",
        "the Imperial City",
        GeoPoint(16.4698, 107.5786),
        (
            "đại nội",
            "hoàng thành",
            "kinh thành",
            "kinh thành huế",
            "ngọ môn",
            "citadel",
            "the citadel",
            "imperial city",
            "imperial citadel",
            "purple forbidden city",
        ),
    ),
    Landmark(
        "cho_dong_ba",
        "chợ Đông Ba",
        "Đông Ba market",
        GeoPoint(16.4735, 107.5885),
        ("chợ đông ba", "đông ba market", "dong ba market"),
    ),
    Landmark(
        "ga_hue",
        "ga Huế",
        "Huế railway station",
        GeoPoint(16.4563, 107.5777),
        (
            "ga huế",
            "nhà ga huế",
            "ga tàu huế",
            "ga xe lửa",
            "hue station",
            "railway station",
            "train station",
        ),
    ),
    Landmark(
        "cau_truong_tien",
        "cầu Trường Tiền",
        "Trường Tiền bridge",
        GeoPoint(16.4678, 107.5904),
        ("cầu trường tiền", "trường tiền bridge", "truong tien bridge"),
    ),
    Landmark(
        "pho_tay",
        "phố Tây (Phạm Ngũ Lão)",
        "the backpacker street (Phạm Ngũ Lão)",
        GeoPoint(16.4690, 107.5957),
        ("phố tây", "phố đi bộ", "phạm ngũ lão", "backpacker street", "walking street"),
    ),
    Landmark(
        "thien_mu",
        "chùa Thiên Mụ",
        "Thiên Mụ pagoda",
        GeoPoint(16.4535, 107.5446),
        ("chùa thiên mụ", "thiên mụ", "thien mu pagoda"),
    ),
    Landmark(
        "san_bay_phu_bai",
        "sân bay Phú Bài",
        "Phú Bài airport",
        GeoPoint(16.4013, 107.7027),
        ("sân bay phú bài", "sân bay", "phu bai airport", "hue airport", "airport"),
    ),
    Landmark(
        "ben_xe_phia_nam",
        "bến xe phía Nam",
        "the Southern bus station",
        GeoPoint(16.4465, 107.5993),
        ("bến xe phía nam", "bến xe an cựu", "southern bus station", "south bus station"),
    ),
    Landmark(
        "ben_xe_phia_bac",
        "bến xe phía Bắc",
        "the Northern bus station",
        GeoPoint(16.4886, 107.5563),
        ("bến xe phía bắc", "northern bus station", "north bus station"),
    ),
    Landmark(
        "bien_thuan_an",
        "biển Thuận An",
        "Thuận An beach",
        GeoPoint(16.5626, 107.6437),
        ("biển thuận an", "bãi biển thuận an", "thuận an beach", "thuan an beach"),
    ),
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], Landmark], ...]:
    pairs = [(fold(alias), landmark) for landmark in LANDMARKS for alias in landmark.aliases]
    pairs.sort(key=lambda pair: -len(pair[0]))
    return tuple((re.compile(rf"(?<!\w){re.escape(form)}(?!\w)"), mark) for form, mark in pairs)


def find_landmark(text: str) -> Landmark | None:
    """The landmark ``text`` names, if any (the longest matching name wins).

    Args:
        text: A message, with or without diacritics.

    Returns:
        The landmark, or None.
    """
    folded = fold(text)
    for pattern, landmark in _patterns():
        if pattern.search(folded):
            return landmark
    return None
