"""What HueBot says to questions, to strong words and about a second problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "question.unanswered": (
        "HueBot chưa trả lời được câu này, xin lỗi bạn.",
        "HueBot cannot answer this question yet, sorry.",
    ),
    "question.ask_unit": (
        "Về {topic}, bạn có thể hỏi trực tiếp {unit}: {phone}.",
        "For {topic}, you can ask {unit} directly: {phone}.",
    ),
    "question.alerts": (
        "Để nhận cảnh báo mưa bão, lũ lụt theo phường, bạn nhắn /subscribe; thôi nhận: "
        "/unsubscribe.",
        "To get storm and flood alerts for a ward, send /subscribe; to stop: /unsubscribe.",
    ),
    "question.hotline": (
        "Đường dây nóng của thành phố (Hue-S, 24/7): {phone}.",
        "The city's hotline (Hue-S, 24/7): {phone}.",
    ),
    "question.report_hint": (
        "Nếu bạn muốn phản ánh một sự cố, cứ nhắn mô tả sự cố và nơi xảy ra.",
        "If you want to report a problem, just describe it and say where it is.",
    ),
    "abuse.calm": (
        "HueBot hiểu bạn đang rất bức xúc. Bạn cần phản ánh sự cố gì, cứ nhắn cho HueBot, "
        "HueBot sẽ chuyển ngay đến đơn vị xử lý.",
        "HueBot understands you are upset. Tell HueBot what the problem is and it goes "
        "straight to the unit in charge.",
    ),
    "abuse.masked": (
        "HueBot hiểu bạn đang rất bức xúc. Những từ ngữ nặng lời sẽ được che đi khi chuyển "
        "đến cơ quan xử lý; nội dung sự cố vẫn được giữ nguyên.",
        "HueBot understands you are upset. Strong words are masked before the report "
        "reaches the officials; the problem itself is kept as you wrote it.",
    ),
    "report.also_noted": (
        "• Bạn còn nhắc đến: “{problem}” ({category}). Sau khi gửi phản ánh này, HueBot sẽ "
        "mở một phản ánh riêng cho việc đó.",
        "• You also mentioned: “{problem}” ({category}). Once this report is sent, HueBot "
        "opens a separate report for it.",
    ),
    "place.outside_city": (
        "Vị trí bạn gửi nằm ngoài địa bàn {city}. Bạn kiểm tra lại giúp: gửi lại vị trí "
        "hoặc nhắn địa chỉ (số nhà, đường/kiệt, phường) nhé.",
        "The location you sent is outside {city}. Please check it: send the location "
        "again or type the address (house number, street or lane, ward).",
    ),
    "place.ask_ward": (
        "Đường {street} đi qua nhiều phường. Sự cố ở phường nào ạ?",
        "{street} street runs through several wards. Which ward is it in?",
    ),
    "place.change": ("📍 Đổi địa điểm", "📍 Change the place"),
    "report.second_problem": (
        "Tiếp theo là phản ánh riêng cho việc bạn nhắc thêm: “{problem}”.",
        "Next, a separate report for the other problem you mentioned: “{problem}”.",
    ),
}
