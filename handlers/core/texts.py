"""The core words: welcome, help, menus, cancel, errors and photo problems."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
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
    "stale_button": (
        "Nút này không còn hiệu lực. Bạn cần gì cứ nhắn cho HueBot nhé.",
        "That button is no longer active. Just message HueBot with what you need.",
    ),
    "error.gave_up": (
        "Xin lỗi, hệ thống chưa xử lý được tin nhắn vừa rồi của bạn; cán bộ vận hành đã được "
        "báo để kiểm tra. Bạn vui lòng gửi lại sau ít phút, hoặc gọi đường dây nóng {hotline}.",
        "Sorry, we could not process your last message; our operators have been told and will "
        "look into it. Please send it again in a few minutes, or call the hotline {hotline}.",
    ),
}
