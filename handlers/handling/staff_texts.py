"""The staff's own words: the /ops sign-in link and the /stats figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "opslink.link": (
        "🔐 Đăng nhập trung tâm điều hành (dùng một lần, trong {minutes} phút):\n{link}\n\n"
        "Hoặc nhập mã {code} tại {login}\nKhông chia sẻ đường dẫn và mã này cho ai.",
        "🔐 Sign in to the operations centre (once, within {minutes} minutes):\n{link}\n\n"
        "Or enter the code {code} at {login}\nDo not share this link or code.",
    ),
    "opslink.code_only": (
        "🔐 Mã đăng nhập trung tâm điều hành: {code} (dùng một lần, trong {minutes} phút). "
        "Nhập mã tại trang /ops/login của HueBot.",
        "🔐 Operations centre sign-in code: {code} (once, within {minutes} minutes). "
        "Enter it on HueBot's /ops/login page.",
    ),
    "opslink.not_allowed": (
        "Chỉ cán bộ đơn vị, giám sát viên, người phát cảnh báo và quản trị viên mới dùng "
        "được /ops.",
        "Only unit officials, supervisors, broadcasters and admins can use /ops.",
    ),
    "stats.title": ("📊 Thống kê phản ánh {period}", "📊 Report figures {period}"),
    "stats.since_start": ("từ đầu đến {end}", "from the start to {end}"),
    "stats.scope": ("Phạm vi: {scope}", "Scope: {scope}"),
    "stats.received": (
        "• Tiếp nhận: {received} · Đã xử lý: {handled} · Từ chối: {rejected} · "
        "Chuyển đi: {transferred}",
        "• Received: {received} · Handled: {handled} · Rejected: {rejected} · "
        "Transferred: {transferred}",
    ),
    "stats.open": (
        "• Đang xử lý: {open}, trong đó quá hạn: {overdue}",
        "• Open: {open}, of which overdue: {overdue}",
    ),
    "stats.units": ("• Đơn vị tham gia: {units}", "• Units involved: {units}"),
    "stats.ack": (
        "• Tới khi có người tiếp nhận: trung vị {p50} giờ · 90% trong {p90} giờ; tin khẩn: "
        "trung vị {u50} giờ · 90% trong {u90} giờ",
        "• Until a person takes it on: median {p50} h · 90% within {p90} h; urgent: median "
        "{u50} h · 90% within {u90} h",
    ),
    "stats.time": (
        "• Thời gian xử lý: trung vị {p50} giờ · 90% xong trong {p90} giờ",
        "• Time to resolve: median {p50} h · 90% within {p90} h",
    ),
    "stats.on_time": (
        "• Đúng hạn: {share} ({on_time}/{resolved}) · Trễ hạn: {late}",
        "• On time: {share} ({on_time}/{resolved}) · Late: {late}",
    ),
    "stats.satisfaction": (
        "• Hài lòng: {rate} ({satisfied}/{rated} ý kiến)",
        "• Satisfied: {rate} ({satisfied}/{rated} answers)",
    ),
    "stats.none": (
        "Chưa có phản ánh nào trong khoảng thời gian này.",
        "No reports in this period.",
    ),
    "stats.by_unit": ("Theo đơn vị:", "By unit:"),
    "stats.by_category": ("Theo lĩnh vực:", "By category:"),
    "stats.row": (
        "• {name}: {received} tiếp nhận, {handled} đã xử lý, {overdue} quá hạn, "
        "đúng hạn {share}, hài lòng {rate}",
        "• {name}: {received} received, {handled} handled, {overdue} overdue, "
        "on time {share}, satisfied {rate}",
    ),
    "stats.more": ("… và {count} mục khác", "… and {count} more"),
    "stats.usage": (
        "Cách dùng: /stats hoặc /stats 7 (số ngày gần nhất, 1–366).",
        "Usage: /stats or /stats 7 (the last so many days, 1–366).",
    ),
}
