"""Everything the bot says, in Vietnamese and English.

The catalogue is strict: a key is registered once (a second registration raises
``CatalogueError`` when the module is imported), both languages carry the same
placeholders, and ``say`` raises ``MissingPlaceholder`` when one is not filled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from string import Formatter
from zoneinfo import ZoneInfo

FIELD_ROOT = re.compile(r"[.\[]")


class CatalogueError(ValueError):
    """A text was registered twice, or its two languages do not match."""


class MissingPlaceholder(KeyError):
    """A text was asked for without a value for one of its placeholders."""


class Catalogue(Mapping[str, tuple[str, str]]):
    """Texts by key, each a (Vietnamese, English) pair; a key can be registered only once."""

    def __init__(self) -> None:
        self._texts: dict[str, tuple[str, str]] = {}
        self._fields: dict[str, frozenset[str]] = {}

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __setitem__(self, key: str, pair: tuple[str, str]) -> None:
        """Register one text.

        Raises:
            CatalogueError: The key is taken, or the pair is not two texts with the same
                placeholders.
        """
        if key in self._texts:
            raise CatalogueError(f"text {key!r} is defined twice")
        self._fields[key] = _pair_fields(key, pair)
        self._texts[key] = pair

    def update(self, entries: Mapping[str, tuple[str, str]]) -> None:
        """Register several texts (see ``__setitem__``)."""
        for key, pair in entries.items():
            self[key] = pair

    def fields(self, key: str) -> frozenset[str]:
        """The placeholders the text ``key`` needs filled."""
        return self._fields[key]


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in ``text``.

    Raises:
        ValueError: A brace is unbalanced or a placeholder has no name.
    """
    names: set[str] = set()
    for _, field, _, _ in Formatter().parse(text):
        if field is None:
            continue
        name = FIELD_ROOT.split(field, maxsplit=1)[0]
        if not name or name.isdigit():
            raise ValueError(f"unnamed placeholder in {text!r}")
        names.add(name)
    return frozenset(names)


def _pair_fields(key: str, pair: tuple[str, str]) -> frozenset[str]:
    if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
        raise CatalogueError(f"text {key!r} must be a (Vietnamese, English) pair")
    if not all(text.strip() for text in pair):
        raise CatalogueError(f"text {key!r} is empty in one language")
    try:
        vi, en = placeholders(pair[0]), placeholders(pair[1])
    except ValueError as exc:
        raise CatalogueError(f"text {key!r}: {exc}") from exc
    if vi != en:
        raise CatalogueError(f"text {key!r}: placeholders differ, vi {sorted(vi)} en {sorted(en)}")
    return vi


TEXTS = Catalogue()
_CORE: dict[str, tuple[str, str]] = {
    "welcome": (
        "Xin chào! Đây là HueBot, kênh phản ánh hiện trường của thành phố Huế.\n"
        "Bạn có thể báo ngay sự cố đang gặp (ngập nước, ổ gà, rác thải, đèn đường hỏng…) "
        "kèm ảnh và vị trí; HueBot sẽ chuyển đến đúng đơn vị xử lý và báo lại tiến độ.",
        "Hello! This is HueBot, the City of Huế's channel for reporting local problems.\n"
        "Tell us what is wrong (flooding, a pothole, garbage, a broken street light…) with a "
        "photo and the place; HueBot sends it to the unit in charge and keeps you updated.",
    ),
    "help": (
        "HueBot giúp bạn:\n"
        "• Phản ánh sự cố: cứ nhắn mô tả, gửi ảnh và vị trí.\n"
        "• /status PA-12345 — xem tình trạng một phản ánh.\n"
        "• /myreports — các phản ánh của bạn.\n"
        '• Tìm bệnh viện, nhà thuốc, nơi trú ẩn: cứ hỏi, ví dụ "nhà thuốc gần nhất".\n'
        "• /subscribe — nhận cảnh báo thiên tai, dịch bệnh theo phường; /subscriptions, "
        "/unsubscribe.\n"
        "• /cancel — dừng việc đang làm.\n"
        "• /lang en — switch to English.\n"
        "Trường hợp khẩn cấp xin gọi ngay 113 (công an), 114 (cứu hỏa), 115 (cấp cứu).",
        "HueBot can help you:\n"
        "• Report a problem: just describe it, send a photo and the place.\n"
        "• /status PA-12345 — see where a report stands.\n"
        "• /myreports — your reports.\n"
        '• Find a hospital, pharmacy or shelter: just ask, e.g. "nearest pharmacy".\n'
        "• /subscribe — storm, flood and health alerts for a ward; /subscriptions, "
        "/unsubscribe.\n"
        "• /cancel — stop what you are doing.\n"
        "• /lang vi — chuyển sang tiếng Việt.\n"
        "In an emergency call 113 (police), 114 (fire and rescue) or 115 (ambulance) now.",
    ),
    "menu.report": ("📝 Phản ánh sự cố", "📝 Report a problem"),
    "menu.mine": ("📋 Phản ánh của tôi", "📋 My reports"),
    "menu.help": ("ℹ️ Hướng dẫn", "ℹ️ Help"),
    "lang.set": ("Đã chuyển sang tiếng Việt.", "Switched to English."),
    "lang.usage": (
        "Chọn ngôn ngữ: /lang vi (tiếng Việt) hoặc /lang en (English).",
        "Choose a language: /lang vi (Vietnamese) or /lang en (English).",
    ),
    "cancelled": (
        "Đã hủy. Bạn cần gì cứ nhắn cho HueBot nhé.",
        "Cancelled. Message HueBot whenever you need anything.",
    ),
    "nothing_to_cancel": ("Hiện không có việc gì đang dở.", "There is nothing to cancel."),
    "thanks": (
        "Cảm ơn bạn đã đồng hành cùng thành phố Huế!",
        "Thank you for helping the City of Huế!",
    ),
    "goodbye": ("Chào bạn, hẹn gặp lại!", "Goodbye, see you soon!"),
    "not_understood": (
        "Xin lỗi, HueBot chưa hiểu ý bạn. Bạn muốn phản ánh một sự cố hay xem phản ánh của mình?",
        "Sorry, HueBot did not understand. Would you like to report a problem or see your "
        "reports?",
    ),
    "empty": (
        "HueBot chưa nhận được nội dung nào. Bạn hãy nhắn mô tả, gửi ảnh hoặc vị trí nhé.",
        "HueBot received nothing. Please write a description, or send a photo or a location.",
    ),
    "too_long": (
        "Tin nhắn dài quá ({length} ký tự). Bạn vui lòng rút gọn dưới {limit} ký tự và gửi lại; "
        "những gì đã gửi trước đó vẫn được giữ.",
        "That message is too long ({length} characters). Please shorten it to under {limit} "
        "characters and send it again; what you sent before is kept.",
    ),
    "error": (
        "Xin lỗi, hệ thống đang gặp sự cố nên tin nhắn vừa rồi chưa được lưu. "
        "Bạn vui lòng gửi lại sau ít phút.",
        "Sorry, something went wrong on our side and your last message was not saved. "
        "Please send it again in a few minutes.",
    ),
    "photo.too_large": (
        "Ảnh {name}quá lớn (tối đa 10 MB). Bạn gửi ảnh nhỏ hơn nhé.",
        "The photo {name}is too large (10 MB at most). Please send a smaller one.",
    ),
    "photo.too_many_pixels": (
        "Ảnh {name}có kích thước quá lớn nên HueBot không xử lý được (tối đa 40 megapixel; "
        "ảnh PNG/WebP 24, ảnh HEIC 12 megapixel). Bạn gửi ảnh JPEG hoặc ảnh nhỏ hơn nhé.",
        "The photo {name}has too many pixels for HueBot to process (40 megapixels at most; "
        "24 for PNG or WebP, 12 for HEIC). Please send a JPEG or a smaller photo.",
    ),
    "photo.unsupported": (
        "Tệp {name}không phải ảnh JPEG, PNG, WebP hoặc HEIC nên HueBot chưa nhận được.",
        "The file {name}is not a JPEG, PNG, WebP or HEIC photo, so HueBot could not take it.",
    ),
    "photo.corrupt": (
        "Ảnh {name}bị lỗi, không mở được. Bạn chụp hoặc gửi lại giúp nhé.",
        "The photo {name}is damaged and cannot be opened. Please take or send it again.",
    ),
    "photo.limit": (
        "Mỗi phản ánh nhận tối đa {limit} ảnh; các ảnh sau không được thêm.",
        "A report takes at most {limit} photos; the others were not added.",
    ),
    "photo.added": ("Đã nhận {count} ảnh.", "Got {count} photo(s)."),
}
TEXTS.update(_CORE)


def say(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (Vietnamese unless English), filled in.

    Raises:
        MissingPlaceholder: A placeholder of the text has no value in ``values``.
    """
    vi, en = TEXTS[key]
    missing = TEXTS.fields(key) - values.keys()
    if missing:
        raise MissingPlaceholder(f"text {key!r} needs {', '.join(sorted(missing))}")
    return (en if language == "en" else vi).format(**values)


def format_time(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """A local date and time as people in Huế write it."""
    local = moment.astimezone(zone)
    if language == "en":
        return local.strftime("%H:%M, %d %b %Y")
    return local.strftime("%H:%M ngày %d/%m/%Y")


def format_duration(span: timedelta, language: str) -> str:
    """A deadline's length in days, hours and minutes: "1 ngày 12 giờ", "30 minutes"."""
    minutes = max(0, round(span.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    amounts = (days, *divmod(rest, 60))
    parts = zip(amounts, ("day", "hour", "minute"), ("ngày", "giờ", "phút"), strict=True)
    shown = [
        f"{n} {vi}" if language != "en" else f"{n} {en}{'s' if n != 1 else ''}"
        for n, en, vi in parts
        if n
    ]
    return " ".join(shown) or ("0 phút" if language != "en" else "0 minutes")
