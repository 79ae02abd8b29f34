"""What HueBot says in an emergency: to the citizen in danger, and to the units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "sos.button": ("🆘 SOS: cần cứu hộ", "🆘 SOS: I need rescue"),
    "sos.numbers": (
        "🆘 Nếu có người đang nguy hiểm đến tính mạng, xin gọi ngay {numbers}. HueBot chuyển "
        "tin của bạn tới lực lượng cứu hộ, nhưng không thay thế các số khẩn cấp này.",
        "🆘 If anyone's life is in danger, call {numbers} now. HueBot passes your message to "
        "the rescue services, but it does not replace these emergency numbers.",
    ),
    "sos.confirm": (
        "Bạn hoặc người bên cạnh đang gặp nguy hiểm và cần cứu hộ ngay phải không ạ?",
        "Are you, or someone with you, in danger and in need of rescue right now?",
    ),
    "sos.yes": ("🆘 Đúng, cần cứu hộ ngay", "🆘 Yes, we need rescue now"),
    "sos.no": ("Không, chỉ phản ánh", "No, it is only a report"),
    "sos.ask_place": (
        'Bạn đang ở đâu ạ? Bấm "Chia sẻ vị trí" để gửi đúng chỗ, hoặc nhắn địa chỉ: số nhà, '
        "tên đường hay kiệt, thôn, phường.",
        'Where are you? Press "Share location" to send the exact spot, or type the address: '
        "house number, street or alley, village, ward.",
    ),
    "sos.place_again": (
        "HueBot chưa xác định được nơi này. Xin gửi vị trí, hoặc nhắn rõ hơn (ví dụ: "
        "kiệt 7 Kim Long, thôn Phú Lương).",
        "HueBot could not place that yet. Please share your location, or type it more fully "
        "(for example: alley 7 Kim Long, Phú Lương village).",
    ),
    "sos.filed": (
        "✅ Tin khẩn {code} đã được chuyển tới {unit}{ward}. Khi có cán bộ tiếp nhận, HueBot "
        "sẽ báo bạn ngay.",
        "✅ Your urgent message {code} has gone to {unit}{ward}. HueBot will tell you as soon "
        "as an officer takes it on.",
    ),
    "sos.filed_ward": (" và {committee}", " and {committee}"),
    "sos.filed_no_place": (
        "✅ Tin khẩn {code} đã được chuyển tới {unit}, nhưng chưa rõ bạn đang ở đâu. Xin gọi "
        "ngay 112 và nói rõ nơi bạn đang ở; khi biết thêm, cứ nhắn tiếp ở đây.",
        "✅ Your urgent message {code} has gone to {unit}, but your location is not clear "
        "yet. Please call 112 now and say where you are; anything you add here is passed on.",
    ),
    "sos.ask_people": (
        "Ở đó có bao nhiêu người, và có ai là người già, trẻ em, người bị thương hay người "
        'bệnh không ạ? Bấm nút hoặc nhắn, ví dụ: "3 người, 1 cụ già".',
        "How many people are there, and is anyone elderly, a child, injured or sick? Press "
        'a button or type, for example: "3 people, 1 elderly".',
    ),
    "sos.need.elderly": ("👵 Người già", "👵 Elderly"),
    "sos.need.children": ("👶 Trẻ em", "👶 Children"),
    "sos.need.injured": ("🩹 Người bị thương", "🩹 Injured"),
    "sos.need.sick": ("🤒 Người bệnh", "🤒 Sick"),
    "sos.need.none": ("Không ai cần hỗ trợ đặc biệt", "No one needs special help"),
    "sos.noted": (
        "Đã báo thêm cho cán bộ: {details}. Nếu tình hình thay đổi (nước lên, chỗ mới), cứ "
        "nhắn tiếp, HueBot chuyển ngay.",
        "The officers now also know: {details}. If anything changes (water rising, a new "
        "spot), keep writing here and HueBot passes it on at once.",
    ),
    "sos.update_sent": (
        "Đã chuyển ngay cho cán bộ xử lý tin khẩn {code}.",
        "Passed on at once to the officers handling {code}.",
    ),
    "sos.acknowledged": (
        "🙋 Cán bộ {unit} đã tiếp nhận tin khẩn {code} của bạn. Xin giữ điện thoại bên "
        "mình; nếu tình hình thay đổi, cứ nhắn tiếp ở đây.",
        "🙋 An officer of {unit} has taken on your urgent message {code}. Keep your phone "
        "with you; if anything changes, keep writing here.",
    ),
    "sos.people": ("{n} người", "{n} people"),
    "sos.people_unknown": ("chưa rõ số người", "number of people not known"),
    "need.elderly": ("người già", "elderly"),
    "need.children": ("trẻ em", "children"),
    "need.injured": ("người bị thương", "injured"),
    "need.sick": ("người bệnh", "sick"),
    "need.pregnant": ("phụ nữ mang thai", "pregnant woman"),
    "need.disabled": ("người khuyết tật", "disabled person"),
    "sos.unit_title": ("🆘 TIN KHẨN {code}: CẦN CỨU HỘ", "🆘 URGENT {code}: RESCUE NEEDED"),
    "sos.unit_who": ("👥 {people}", "👥 {people}"),
    "sos.unit_ack_hint": (
        'Bấm "Nhận xử lý" ngay khi có người phụ trách: người dân sẽ được báo.',
        'Press "Accept" as soon as someone takes it on: the citizen is told.',
    ),
    "sos.ward_copy": (
        "📋 Bản sao để phường nắm tình hình (đơn vị xử lý: {unit}).",
        "📋 A copy for the ward's information (handled by: {unit}).",
    ),
    "sos.unit_update": ("🆘 Cập nhật tin khẩn {code}: {text}", "🆘 Update on {code}: {text}"),
    "sos.unit_again": (
        "⚠️ Tin khẩn {code} chưa có ai nhận sau {minutes} phút.",
        "⚠️ Nobody has taken on urgent message {code} after {minutes} minutes.",
    ),
    "sos.supervisors": (
        "🚨 Tin khẩn {code} gửi {unit} chưa có ai nhận sau {minutes} phút: {place}.",
        "🚨 Urgent message {code} to {unit} has not been taken on after {minutes} minutes: "
        "{place}.",
    ),
    "crisis.banner": (
        "⚠️ {area} đang trong tình trạng khẩn cấp. Nếu bạn hoặc người bên cạnh cần cứu hộ, "
        "bấm SOS.",
        "⚠️ {area} is in a state of emergency. If you or someone with you needs rescue, press SOS.",
    ),
    "crisis.alerts": ("📢 Cảnh báo hiện hành", "📢 Alerts in force"),
    "crisis.no_alerts": (
        "Hiện không có cảnh báo nào còn hiệu lực.",
        "There is no alert in force right now.",
    ),
    "crisis.report_later": (
        "Lưu ý: {area} đang trong tình trạng khẩn cấp, nên đơn vị có thể trả lời phản ánh "
        "này sau khi qua khẩn cấp. Nếu có người gặp nguy hiểm, xin bấm SOS hoặc gọi 112.",
        "Please note: {area} is in a state of emergency, so the unit may answer this report "
        "after the emergency. If anyone is in danger, press SOS or call 112.",
    ),
}
