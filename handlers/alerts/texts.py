"""What alerts, the broadcaster's dialog, health notices and subscriptions say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "alert.head.Extreme": ("🔴 CẢNH BÁO KHẨN CẤP", "🔴 EMERGENCY ALERT"),
    "alert.head.Severe": ("🟠 CẢNH BÁO", "🟠 WARNING"),
    "alert.head.Moderate": ("🟡 THÔNG BÁO CẦN CHÚ Ý", "🟡 ADVISORY"),
    "alert.head.Minor": ("🔵 THÔNG TIN", "🔵 NOTICE"),
    "alert.cat.Met": ("Thời tiết, thiên tai", "Weather"),
    "alert.cat.Geo": ("Sạt lở, động đất", "Landslide, earthquake"),
    "alert.cat.Health": ("Y tế, dịch bệnh", "Health"),
    "alert.cat.Safety": ("An toàn", "Safety"),
    "alert.cat.Infra": ("Điện, nước, giao thông", "Power, water, roads"),
    "alert.cat.Other": ("Thông báo chung", "General"),
    "alert.sev.Extreme": ("Cực kỳ nguy hiểm", "Extreme"),
    "alert.sev.Severe": ("Nguy hiểm", "Severe"),
    "alert.sev.Moderate": ("Cần chú ý", "Moderate"),
    "alert.sev.Minor": ("Lưu ý", "Minor"),
    "alert.area": ("📍 Khu vực: {area}", "📍 Area: {area}"),
    "alert.whole_city": ("toàn thành phố Huế", "all of Huế City"),
    "alert.until": ("⏰ Hiệu lực đến {time}", "⏰ In force until {time}"),
    "alert.link": ("🔗 Xem thêm: {link}", "🔗 More: {link}"),
    "alert.source": ("Nguồn: {sender} · Mã cảnh báo #{id}", "Source: {sender} · Alert #{id}"),
    "alert.source_draft": ("Nguồn: {sender}", "Source: {sender}"),
    "alert.replaces": (
        "Bản cập nhật, thay cho cảnh báo #{id}.",
        "An update; it replaces alert #{id}.",
    ),
    "alert.footer": (
        "Xem hoặc đổi các cảnh báo bạn nhận: /subscriptions",
        "See or change the alerts you get: /subscriptions",
    ),
    "progress.title": ("📣 Cảnh báo #{id}: đang gửi", "📣 Alert #{id}: sending"),
    "progress.done_title": ("📣 Cảnh báo #{id}: đã gửi xong", "📣 Alert #{id}: delivered"),
    "progress.figures": (
        "✅ Đã gửi: {sent} · ❌ Lỗi: {failed} · 🚫 Đã chặn bot: {blocked}",
        "✅ Sent: {sent} · ❌ Failed: {failed} · 🚫 Blocked the bot: {blocked}",
    ),
    "progress.pace": (
        "⏳ Còn lại: {remaining} · {rate} tin/giây · xong sau khoảng {eta}",
        "⏳ Remaining: {remaining} · {rate} messages/s · about {eta} to go",
    ),
    "progress.channel": (
        "• {channel}: {sent} đã gửi, {failed} lỗi, {blocked} chặn bot, {other} không gửi",
        "• {channel}: {sent} sent, {failed} failed, {blocked} blocked the bot, {other} not sent",
    ),
    "progress.webchat": (
        "• Web chat: {read} đã xem, {waiting} chờ người dùng mở trang",
        "• Web chat: {read} read, {waiting} waiting for the page to be opened",
    ),
    "progress.took": ("Thời gian gửi: {duration}", "Time taken: {duration}"),
    "alert.not_allowed": (
        "Chỉ cán bộ được giao phát cảnh báo mới dùng được /alert.",
        "Only officials in charge of broadcasting can use /alert.",
    ),
    "alert.ask_text": (
        "Soạn cảnh báo: dòng đầu là tiêu đề, các dòng sau là nội dung. Có thể thêm một dòng "
        'bắt đầu bằng "Hướng dẫn:" để dặn người dân cần làm gì, và gửi kèm một ảnh.',
        "Write the alert: the first line is the headline, the next lines the details. You may "
        'add a line starting with "Instruction:" saying what people should do, and a photo.',
    ),
    "alert.photo_kept": (
        "Đã nhận ảnh. Bạn nhắn nội dung cảnh báo nhé.",
        "Photo received. Now write the alert.",
    ),
    "alert.ask_area": (
        "Cảnh báo cho khu vực nào? Nhắn tên các phường/xã (ví dụ: Vỹ Dạ, An Cựu) "
        "hoặc chọn toàn thành phố.",
        "Which area is it for? Type the wards (e.g. Vỹ Dạ, An Cựu) or choose the whole city.",
    ),
    "alert.area_unknown": (
        "HueBot chưa nhận ra phường/xã nào. Bạn nhắn lại tên phường, ví dụ: Vỹ Dạ, Phú Xuân.",
        "HueBot did not recognise any ward. Please type ward names, e.g. Vỹ Dạ, Phú Xuân.",
    ),
    "alert.ask_severity": ("Khu vực: {area}. Mức độ cảnh báo?", "Area: {area}. How severe?"),
    "alert.preview": (
        "Cảnh báo trên sẽ gửi đến {count} người. Gửi ngay?",
        "The alert above will go to {count} people. Send it now?",
    ),
    "alert.issued": (
        "Đã phát cảnh báo #{id} đến {count} người. Tiến độ gửi sẽ hiện ngay sau đây.",
        "Alert #{id} is on its way to {count} people. Its progress will show here.",
    ),
    "alert.cancelled": (
        "Đã hủy, cảnh báo chưa được gửi.",
        "Cancelled; the alert was not sent.",
    ),
    "alert.stopped": (
        "Đã dừng cảnh báo #{id}: {count} tin chưa gửi sẽ không được gửi.",
        "Alert #{id} is cancelled: {count} messages not yet sent will not be sent.",
    ),
    "alert.not_found": ("Không có cảnh báo #{id}.", "There is no alert #{id}."),
    "alert.use_buttons": (
        "Bạn chọn một nút bên dưới nhé.",
        "Please choose one of the buttons.",
    ),
    "alert.stale": ("Nút này không còn hiệu lực.", "That button is no longer active."),
    "alert.button.whole_city": ("🏙️ Toàn thành phố", "🏙️ The whole city"),
    "alert.button.send": ("✅ Gửi cảnh báo", "✅ Send the alert"),
    "alert.button.edit": ("✏️ Soạn lại", "✏️ Start again"),
    "alert.button.cancel": ("❌ Hủy", "❌ Cancel"),
    "alert.shortened": (
        "… (bản tin đã được rút gọn; toàn văn xem tại nguồn tin)",
        "… (shortened; the full text is at the source)",
    ),
    "health.intro": (
        "Các thông báo y tế đang có hiệu lực ở Huế (mới nhất trước):",
        "Health notices in force in Huế (newest first):",
    ),
    "health.none": (
        "Hiện chưa có thông báo y tế hay dịch bệnh nào đang có hiệu lực ở Huế. "
        "Khi có, HueBot sẽ gửi đến bạn.{contact}",
        "There is no health or disease notice in force in Huế right now. "
        "HueBot will send you one when there is.{contact}",
    ),
    "health.contact": (
        "\nCần tư vấn: {unit}, {phone}. Cấp cứu: 115.",
        "\nFor advice: {unit}, {phone}. Ambulance: 115.",
    ),
    "sub.ask": (
        "Bạn muốn nhận cảnh báo của phường/xã nào? Nhắn tên phường (ví dụ: Vỹ Dạ, An Cựu).",
        "Which ward or commune should HueBot alert you about? Type its name (e.g. Vỹ Dạ).",
    ),
    "sub.no_polygon": (
        "HueBot chưa thể xác định phường từ vị trí (chưa có bản đồ ranh giới phường).",
        "HueBot cannot tell the ward from a location yet (it has no ward boundary map).",
    ),
    "sub.offer_here": (
        "Vị trí bạn gửi thuộc {ward}. Đăng ký nhận cảnh báo của phường này, hoặc nhắn tên "
        "phường khác.",
        "The location you sent is in {ward}. Subscribe to its alerts, or type another ward.",
    ),
    "sub.offer_last": (
        "Phản ánh gần nhất của bạn ở {ward}. Đăng ký phường này, hoặc nhắn tên phường khác.",
        "Your last report was in {ward}. Subscribe to it, or type another ward's name.",
    ),
    "sub.type_name": ("Bạn nhắn giúp tên phường/xã nhé.", "Please type the ward's name."),
    "sub.added": (
        "Đã đăng ký nhận cảnh báo cho: {wards}.",
        "You will get the alerts for: {wards}.",
    ),
    "sub.already": (
        "Bạn đã đăng ký {wards} từ trước.",
        "You had already subscribed to {wards}.",
    ),
    "sub.removed": ("Đã bỏ đăng ký: {wards}.", "Unsubscribed from: {wards}."),
    "sub.not_subscribed": ("Bạn chưa đăng ký {wards}.", "You were not subscribed to {wards}."),
    "sub.title": ("Cảnh báo bạn đang nhận:", "The alerts you get:"),
    "sub.city": (
        "• Cảnh báo khẩn cấp toàn thành phố (mức Nguy hiểm trở lên)",
        "• Emergency alerts for the whole city (Severe and Extreme)",
    ),
    "sub.last_ward": (
        "• Cảnh báo của {ward} (nơi bạn phản ánh gần nhất)",
        "• Alerts for {ward} (where you last reported)",
    ),
    "sub.ward": ("• {ward} (đã đăng ký)", "• {ward} (subscribed)"),
    "sub.nothing": (
        "Bạn hiện không nhận cảnh báo nào. Nhắn /subscribe để đăng ký lại.",
        "You get no alerts at the moment. Send /subscribe to sign up again.",
    ),
    "sub.button.remove": ("Bỏ {ward}", "Remove {ward}"),
    "sub.button.add": ("➕ Thêm phường", "➕ Add a ward"),
    "sub.button.off": ("🔕 Ngừng nhận mọi cảnh báo", "🔕 Stop all alerts"),
    "sub.button.on": ("🔔 Nhận lại cảnh báo khẩn cấp", "🔔 Get emergency alerts again"),
    "sub.off": (
        "Đã ngừng gửi mọi cảnh báo cho bạn, kể cả cảnh báo khẩn cấp về bão lũ. "
        "Muốn nhận lại, nhắn /subscribe.",
        "HueBot will send you no more alerts, not even storm and flood emergencies. "
        "Send /subscribe to get them again.",
    ),
    "sub.on": (
        "Bạn sẽ lại nhận cảnh báo khẩn cấp toàn thành phố.",
        "You will get the city's emergency alerts again.",
    ),
    "sub.stale": ("Nút này không còn hiệu lực.", "That button is no longer active."),
}
