"""What the report dialog says, in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "report.ask_description": (
        'Bạn vui lòng mô tả ngắn gọn sự cố (ví dụ: "đường Lê Lợi ngập sâu trước số 12").',
        'Please describe the problem briefly (for example: "Lê Lợi street is flooded in '
        'front of number 12").',
    ),
    "report.ask_place": (
        'Sự cố ở đâu ạ? Bấm "Chia sẻ vị trí" hoặc nhắn địa chỉ (số nhà, đường/kiệt, phường).',
        'Where is it? Press "Share location" or type the address (house number, street or '
        "lane, ward).",
    ),
    "report.ask_exif": (
        "Ảnh của bạn có kèm vị trí chụp. Dùng vị trí này cho phản ánh không?",
        "Your photo carries the place where it was taken. Use it for this report?",
    ),
    "report.use_photo_place": ("📍 Dùng vị trí trong ảnh", "📍 Use the photo's place"),
    "report.other_place": ("Chọn nơi khác", "Another place"),
    "report.ask_photo": (
        "Bạn có thể gửi thêm ảnh hiện trường (không bắt buộc) để đơn vị xử lý nhanh hơn.",
        "You can add a photo of the problem (optional); it helps the unit act faster.",
    ),
    "report.skip_photo": ("Bỏ qua, không gửi ảnh", "Skip, no photo"),
    "report.ask_category": (
        "Sự cố này thuộc loại nào ạ?",
        "What kind of problem is it?",
    ),
    "report.all_categories": (
        "Bạn chọn loại phù hợp nhất:",
        "Please pick the closest kind:",
    ),
    "report.other_category": ("Loại khác…", "Something else…"),
    "report.summary": (
        "Vui lòng kiểm tra lại phản ánh:\n"
        "• Nội dung: {text}\n"
        "📍 {place}\n"
        "• Ảnh: {photos}\n"
        "• Loại: {category}\n"
        "• Chuyển đến: {unit} (xử lý trong {within})",
        "Please check your report:\n"
        "• Problem: {text}\n"
        "📍 {place}\n"
        "• Photos: {photos}\n"
        "• Kind: {category}\n"
        "• Goes to: {unit} (to be handled within {within})",
    ),
    "report.place_gps": (
        "vị trí đã chia sẻ ({lat:.5f}, {lon:.5f})",
        "shared location ({lat:.5f}, {lon:.5f})",
    ),
    "report.send": ("✅ Gửi phản ánh", "✅ Send report"),
    "report.change_category": ("✏️ Đổi loại", "✏️ Change kind"),
    "report.cancel": ("✖️ Hủy", "✖️ Cancel"),
    "confidential.on": ("🔒 Giữ bí mật tên", "🔒 Keep me anonymous"),
    "confidential.off": ("🔓 Bỏ giữ bí mật", "🔓 Not anonymous"),
    "confidential.noted": (
        "🔒 HueBot sẽ giữ bí mật danh tính của bạn: cán bộ xử lý chỉ thấy nội dung phản ánh "
        "(số điện thoại và tên trong nội dung được che), không thấy tên, số điện thoại hay "
        "tài khoản của bạn. Mọi trao đổi vẫn qua HueBot.",
        "🔒 HueBot will keep your identity confidential: the officers handling it see only "
        "the report (phone numbers and names in it are hidden), never your name, phone "
        "number or account. All messages still go through HueBot.",
    ),
    "confidential.summary": (
        "🔒 Danh tính của bạn được giữ bí mật.",
        "🔒 Your identity is kept confidential.",
    ),
    "confidential.staff": (
        "🔒 Người phản ánh đề nghị giữ bí mật danh tính. Mọi trao đổi xin qua HueBot.",
        "🔒 The author asked to keep their identity confidential. Please reply through HueBot.",
    ),
    "report.filed": (
        "Đã tiếp nhận phản ánh {code}. Cảm ơn bạn!\n"
        "Đơn vị xử lý: {unit}\n"
        "Hạn xử lý: {deadline}\n"
        "HueBot sẽ báo bạn mỗi khi có tiến độ. Xem lại bất cứ lúc nào: /status {code}",
        "Report {code} received. Thank you!\n"
        "Handled by: {unit}\n"
        "Deadline: {deadline}\n"
        "HueBot will tell you of every step. Check any time: /status {code}",
    ),
    "report.added_text": ("Đã ghi thêm vào nội dung.", "Added to the description."),
    "report.location_noted": ("Đã nhận vị trí.", "Location received."),
    "report.invalid_location": (
        "Vị trí gửi lên không hợp lệ. Bạn thử lại hoặc nhắn địa chỉ nhé.",
        "That location is not valid. Please try again or type the address.",
    ),
    "status.received": ("Đã tiếp nhận", "Received"),
    "status.assigned": ("Đã chuyển đơn vị xử lý", "Assigned"),
    "status.in_progress": ("Đang xử lý", "In progress"),
    "status.need_info": ("Cần bổ sung thông tin", "More information needed"),
    "status.resolved": ("Đã xử lý", "Resolved"),
    "status.rejected": ("Không tiếp nhận", "Rejected"),
    "status.transferred": ("Đã chuyển đơn vị khác", "Transferred"),
    "status.reopened": ("Mở lại", "Reopened"),
    "status.closed": ("Đã đóng", "Closed"),
    "status.rerouting": ("Đang chuyển đến đơn vị phù hợp", "Being passed to the right unit"),
    "mine.none": (
        "Bạn chưa có phản ánh nào. Cứ nhắn mô tả sự cố để bắt đầu nhé.",
        "You have no reports yet. Describe a problem to start one.",
    ),
    "mine.header": ("Các phản ánh gần đây của bạn:", "Your recent reports:"),
    "mine.line": (
        "{code} · {category} · {status} · {date}",
        "{code} · {category} · {status} · {date}",
    ),
    "status.not_found": (
        "Không tìm thấy phản ánh {code} trong các phản ánh của bạn. Bạn kiểm tra lại mã nhé.",
        "No report {code} among your reports. Please check the code.",
    ),
    "status.usage": (
        "Nhắn /status kèm mã phản ánh, ví dụ: /status PA-10001",
        "Send /status with the report code, for example: /status PA-10001",
    ),
    "status.detail": (
        "Phản ánh {code}\n• Loại: {category}\n• Nội dung: {text}\n• Địa điểm: {place}\n"
        "• Đơn vị xử lý: {unit}\n• Trạng thái: {status}\n• Gửi lúc: {created}\n"
        "• Hạn xử lý: {deadline}",
        "Report {code}\n• Kind: {category}\n• Problem: {text}\n• Place: {place}\n"
        "• Unit: {unit}\n• Status: {status}\n• Sent: {created}\n• Deadline: {deadline}",
    ),
    "status.followed_detail": (
        "Phản ánh {code} (bạn đang theo dõi)\n• Loại: {category}\n• Khu vực: {place}\n"
        "• Đơn vị xử lý: {unit}\n• Trạng thái: {status}\n• Gửi lúc: {created}\n"
        "• Hạn xử lý: {deadline}",
        "Report {code} (you follow it)\n• Kind: {category}\n• Area: {place}\n"
        "• Unit: {unit}\n• Status: {status}\n• Sent: {created}\n• Deadline: {deadline}",
    ),
    "mine.followed": (" · 👀 đang theo dõi", " · 👀 following"),
    "status.history": ("Lịch sử:", "History:"),
    "history.answer": ("người dân trả lời: {answer}", "the citizen's answer: {answer}"),
    "place.unknown": ("chưa rõ", "not given"),
    "photos.none": ("không có", "none"),
    "deeplink.opened": (
        "Phản ánh về: {category}\nĐịa điểm: {place}",
        "Report about: {category}\nPlace: {place}",
    ),
    "deeplink.unknown": (
        "Mã QR này không còn hiệu lực, nhưng bạn vẫn có thể phản ánh như bình thường.",
        "This QR code is no longer valid, but you can still report as usual.",
    ),
}
