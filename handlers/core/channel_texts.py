"""Words only one messenger shows: its location button, numbered lists, web chat errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "telegram.share_location": ("📍 Chia sẻ vị trí", "📍 Share location"),
    "zalo.share_location": (
        "📍 Để gửi vị trí: trong khung chat Zalo, bấm nút ⋯ (Thêm) rồi chọn “Vị trí”.",
        "📍 To send your location: in the Zalo chat, tap ⋯ (More) and choose “Location”.",
    ),
    "zalo.pick_number": (
        "Trả lời bằng một số từ 1 đến {count}.",
        "Reply with a number from 1 to {count}.",
    ),
    "zalo.info_title": ("Chia sẻ số điện thoại với HueBot", "Share your phone with HueBot"),
    "zalo.info_subtitle": (
        "Đơn vị xử lý có thể gọi lại cho bạn về phản ánh. Bạn có thể không chia sẻ.",
        "The unit handling your report may call you back. Sharing is optional.",
    ),
    "web.no_cookie": (
        "Phiên trò chuyện đã hết hạn. Bạn vui lòng tải lại trang.",
        "Your chat session has expired. Please reload the page.",
    ),
    "web.bad_request": (
        "Tin nhắn không hợp lệ nên chưa được gửi.",
        "That message was not valid and was not sent.",
    ),
    "web.too_large": (
        "Dung lượng gửi lên quá lớn (tối đa {limit} MB mỗi lần).",
        "The upload is too large ({limit} MB at most at a time).",
    ),
    "web.message_too_large": (
        "Tin nhắn quá dài (tối đa {limit} KB), nên chưa được gửi. Bạn vui lòng rút gọn lại.",
        "That message is too long ({limit} KB at most) and was not sent. Please shorten it.",
    ),
    "messenger.share_location": (
        "📍 Hãy nhập địa chỉ hoặc tên địa điểm (ví dụ: 12 Lê Lợi, phường Thuận Hóa), "
        "hoặc dán đường dẫn Google Maps của vị trí.",
        "📍 Please type the address or the name of the place (for example: 12 Le Loi, "
        "Thuan Hoa ward), or paste a Google Maps link to it.",
    ),
    "messenger.pick_number": (
        "Bấm một nút hoặc trả lời bằng một số từ 1 đến {count}.",
        "Tap a button or reply with a number from 1 to {count}.",
    ),
    "messenger.pick_action": ("Chọn thao tác:", "Choose an action:"),
}
