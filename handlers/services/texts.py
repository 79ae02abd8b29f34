"""What the service finder says: kinds of service, weekdays, hours, hotlines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "menu.services": ("🔎 Tìm dịch vụ công", "🔎 Find services"),
    "service.ask_kind": (
        "Bạn cần tìm gì ạ? Chọn một loại bên dưới.",
        "What are you looking for? Pick a kind below.",
    ),
    "service.ask_place": (
        'Bạn đang ở đâu ạ? Bấm "Chia sẻ vị trí", hoặc nhắn tên phường (ví dụ: An Cựu) '
        "hay một địa danh (ví dụ: chợ Đông Ba), HueBot sẽ tìm {noun} gần nhất.",
        'Where are you? Press "Share location", or type a ward (for example: An Cựu) '
        "or a landmark (for example: Đông Ba market), and HueBot will find the nearest "
        "{noun}.",
    ),
    "service.you": ("bạn", "you"),
    "service.near": ("Các {noun} gần {place} nhất:", "The nearest {noun} to {place}:"),
    "service.near_open": (
        "Các {noun} đang mở cửa gần {place} nhất:",
        "The nearest {noun} open now, near {place}:",
    ),
    "service.in_ward": ("Các {noun} ở {ward}:", "The {noun} in {ward}:"),
    "service.none_near": (
        "HueBot chưa tìm thấy {noun} nào trong vòng {km} km quanh {place}.",
        "HueBot found no {noun} within {km} km of {place}.",
    ),
    "service.none_open": (
        "Hiện không có {noun} nào đang mở cửa gần {place}. Những nơi gần nhất và giờ mở cửa:",
        "No {noun} near {place} is open right now. The nearest ones and when they open:",
    ),
    "service.none_open_in_ward": (
        "Hiện không có {noun} nào ở {ward} đang mở cửa. Giờ mở cửa của từng nơi:",
        "No {noun} in {ward} is open right now. When each of them opens:",
    ),
    "service.none_in_ward": (
        "Danh bạ chưa có {noun} nào ở {ward}. Bạn chia sẻ vị trí để HueBot tìm nơi gần nhất nhé.",
        "The directory has no {noun} in {ward}. Share your location and HueBot will find "
        "the nearest.",
    ),
    "service.more_in_ward": (
        "… và {count} nơi khác trong phường. Chia sẻ vị trí để xem nơi gần bạn nhất.",
        "… and {count} more in the ward. Share your location to see the nearest.",
    ),
    "service.hotlines": ("☎️ Số điện thoại cần biết:", "☎️ Numbers to know:"),
    "service.hotline_line": ("☎ {phone} — {name}", "☎ {phone} — {name}"),
    "service.emergency.police": (
        "🚨 Cần công an gấp: gọi ngay 113.",
        "🚨 Police emergency: call 113 now.",
    ),
    "service.emergency.fire_station": (
        "🚨 Cháy, nổ hoặc cần cứu nạn: gọi ngay 114.",
        "🚨 Fire or rescue: call 114 now.",
    ),
    "service.emergency.hospital": (
        "🚨 Cấp cứu: gọi ngay 115 để có xe cứu thương.",
        "🚨 Medical emergency: call 115 now for an ambulance.",
    ),
    "service.away": ("cách {distance}", "{distance} away"),
    "service.address": ("📍 {address}", "📍 {address}"),
    "service.phone": ("☎ {phone}", "☎ {phone}"),
    "service.map": ("🗺 Bản đồ: {url}", "🗺 Map: {url}"),
    "service.notes": ("ℹ️ {notes}", "ℹ️ {notes}"),
    "service.other_kind": ("🔎 Tìm loại khác", "🔎 Look for something else"),
    "service.nearest_shelter": ("🏫 Điểm sơ tán gần nhất", "🏫 Nearest shelter"),
    "service.invalid_location": (
        "Vị trí gửi lên không hợp lệ. Bạn thử lại hoặc nhắn tên phường nhé.",
        "That location is not valid. Please try again or type your ward.",
    ),
    "hours.always": ("🕘 Mở cửa 24/7", "🕘 Open 24/7"),
    "hours.open": ("🕘 Đang mở cửa, đến {until}", "🕘 Open now, until {until}"),
    "hours.closed": ("🕘 Đang đóng cửa, mở lại {opens}", "🕘 Closed now, opens {opens}"),
    "hours.closed_long": ("🕘 Đang đóng cửa", "🕘 Closed now"),
    "hours.holiday": (" — hôm nay nghỉ lễ {name}", " — today is a holiday ({name})"),
    "when.today": ("lúc {hm}", "at {hm}"),
    "when.tomorrow": ("lúc {hm} ngày mai", "tomorrow at {hm}"),
    "when.weekday": ("lúc {hm} {day}", "{day} at {hm}"),
    "until.next_day": ("{hm} (hôm sau)", "{hm} (next day)"),
}
