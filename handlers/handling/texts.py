"""What officials, supervisors and citizens are told about a report's handling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "assign.new": ("🆕 Phản ánh mới {code} — {category}", "🆕 New report {code} — {category}"),
    "assign.reopened_title": (
        "🔁 Phản ánh mở lại {code} — {category}",
        "🔁 Reopened report {code} — {category}",
    ),
    "assign.current": (
        "📄 Phản ánh {code} — {category} ({status})",
        "📄 Report {code} — {category} ({status})",
    ),
    "assign.body": (
        "Nội dung: {text}\nĐịa điểm: {place}\nBản đồ: {map}\nHạn xử lý: {deadline}{priority}",
        "Problem: {text}\nPlace: {place}\nMap: {map}\nDeadline: {deadline}{priority}",
    ),
    "assign.transferred": (
        "↪️ Phản ánh {code} được chuyển đến đơn vị. Lý do: {reason}",
        "↪️ Report {code} was transferred to your unit. Reason: {reason}",
    ),
    "assign.reopened": (
        "🔁 Người dân chưa hài lòng với kết quả, phản ánh {code} được mở lại. "
        "Người dân không để lại góp ý.",
        "🔁 The citizen is not satisfied; report {code} is reopened. They left no comment.",
    ),
    "assign.reopened_comment": (
        "🔁 Người dân chưa hài lòng với kết quả, phản ánh {code} được mở lại.\n"
        "Góp ý của người dân: {comment}",
        "🔁 The citizen is not satisfied; report {code} is reopened.\n"
        "The citizen's comment: {comment}",
    ),
    "assign.priority": (
        " (ưu tiên +{n}: {n} người cùng theo dõi)",
        " (priority +{n}: {n} followers)",
    ),
    "answer.prompt": (
        "Bạn nhắn câu trả lời cho phản ánh {code}; có thể gửi nhiều tin, kèm ảnh. "
        'Gửi đủ rồi, bấm "Xong".',
        "Type your answer about report {code}; several messages and photos are welcome. "
        'When you have sent everything, press "Done".',
    ),
    "answer.done": ("✅ Xong", "✅ Done"),
    "answer.finished": (
        "Cảm ơn bạn! Thông tin bổ sung cho {code} đã được chuyển đủ đến đơn vị xử lý.",
        "Thank you! Everything you added to {code} is with the unit.",
    ),
    "menu.answer": ("✍️ Trả lời", "✍️ Answer"),
    "act.accept": ("✅ Tiếp nhận", "✅ Accept"),
    "act.transfer": ("↪️ Chuyển đơn vị", "↪️ Transfer"),
    "act.confirm_reject": ("🚫 Xác nhận không tiếp nhận", "🚫 Confirm: no unit takes it"),
    "act.reject": ("🚫 Không thuộc / tin rác", "🚫 Not ours / spam"),
    "act.info": ("❓ Cần thêm thông tin", "❓ Need more info"),
    "act.resolve": ("🏁 Đã xử lý xong", "🏁 Resolved"),
    "act.done": ("Xong, không gửi ảnh", "Done, no photo"),
    "act.accepted": (
        'Đã tiếp nhận {code}. Khi xử lý xong, bấm "Đã xử lý xong".',
        '{code} accepted. When it is done, press "Resolved".',
    ),
    "act.pick_unit": (
        "Chuyển {code} đến đơn vị nào? Chọn bên dưới (trang {page}/{pages}), hoặc nhắn một "
        "phần tên đơn vị để tìm, ví dụ: Vỹ Dạ.",
        "Transfer {code} to which unit? Pick one below (page {page} of {pages}), or type "
        "part of its name to search, for example: Vy Da.",
    ),
    "act.no_unit": (
        'Không tìm thấy đơn vị nào khớp với "{query}". Bạn thử tên khác hoặc chọn bên dưới.',
        'No unit matches "{query}". Try another name or pick one below.',
    ),
    "act.previous": ("‹ Trang trước", "‹ Previous page"),
    "act.ask_reason": ("Vui lòng nhắn lý do.", "Please type the reason."),
    "act.reject_reasons": ("Lý do không tiếp nhận {code}?", "Why is {code} not yours?"),
    "act.reason.not_ours": ("Không thuộc thẩm quyền", "Not our responsibility"),
    "act.reason.spam": ("Tin rác, sai sự thật", "Spam or false"),
    "act.reason.duplicate": ("Trùng phản ánh khác", "Duplicate of another report"),
    "act.ask_question": (
        "Bạn muốn hỏi người dân điều gì về {code}? Nhắn câu hỏi, HueBot sẽ chuyển.",
        "What do you want to ask the citizen about {code}? Type the question.",
    ),
    "act.ask_note": (
        "Nhắn kết quả xử lý {code} (sẽ gửi cho người dân).",
        "Type what was done for {code} (the citizen will see it).",
    ),
    "act.ask_result_photo": (
        'Gửi ảnh kết quả (nếu có), hoặc bấm "Xong".',
        'Send a photo of the result if you have one, or press "Done".',
    ),
    "act.done_ok": ("Đã cập nhật {code}: {status}.", "{code} updated: {status}."),
    "act.denied": (
        "Bạn không có quyền xử lý phản ánh {code}.",
        "You are not allowed to act on report {code}.",
    ),
    "act.stale": (
        'Phản ánh {code} đã ở trạng thái "{status}", thao tác này không còn phù hợp.',
        'Report {code} is now "{status}"; that action no longer applies.',
    ),
    "act.unknown_unit": ("Không có đơn vị {unit}.", "There is no unit {unit}."),
    "notify.status": (
        "📣 Phản ánh {code} của bạn: {status}.{detail}",
        "📣 Your report {code}: {status}.{detail}",
    ),
    "notify.followed_status": (
        "📣 Phản ánh {code} bạn đang theo dõi: {status}.{detail}",
        "📣 Report {code}, which you follow: {status}.{detail}",
    ),
    "notify.unit": ("\nĐơn vị xử lý: {unit}", "\nHandled by: {unit}"),
    "notify.reason": ("\nLý do: {reason}", "\nReason: {reason}"),
    "notify.result": ("\nKết quả: {note}", "\nResult: {note}"),
    "notify.question": (
        "❓ Đơn vị xử lý phản ánh {code} cần thêm thông tin: {question}\n"
        "Bạn vui lòng nhắn trả lời ngay tại đây, có thể gửi nhiều tin và ảnh; "
        'gửi đủ rồi, bấm "Xong".',
        "❓ The unit handling {code} needs more information: {question}\n"
        "Please reply here, in as many messages and photos as you need; "
        'when you have sent everything, press "Done".',
    ),
    "notify.answer": (
        "💬 Người dân trả lời về {code}: {answer}",
        "💬 The citizen answered about {code}: {answer}",
    ),
    "notify.answer_thanks": (
        "Cảm ơn bạn, HueBot đã chuyển đến đơn vị xử lý {code}. Bạn có thể gửi thêm chữ "
        'hoặc ảnh; gửi đủ rồi, bấm "Xong".',
        "Thank you, HueBot passed it to the unit handling {code}. You can send more text "
        'or photos; when you have sent everything, press "Done".',
    ),
    "notify.answer_photo": (
        "📷 Người dân gửi thêm ảnh về {code}.",
        "📷 The citizen sent a photo about {code}.",
    ),
    "notify.answer_done": (
        "✅ Người dân đã gửi xong thông tin bổ sung cho {code}.",
        "✅ The citizen has finished adding information to {code}.",
    ),
    "rate.ask": (
        "Phản ánh {code} đã được xử lý. Bạn có hài lòng với kết quả không?",
        "Report {code} has been resolved. Are you satisfied with the result?",
    ),
    "rate.yes": ("😊 Hài lòng", "😊 Satisfied"),
    "rate.no": ("😞 Chưa hài lòng", "😞 Not satisfied"),
    "rate.ask_comment": (
        'Cảm ơn bạn! Bạn có muốn góp ý thêm không? Nhắn góp ý hoặc bấm "Bỏ qua".',
        'Thank you! Any comment? Type it, or press "Skip".',
    ),
    "rate.skip": ("Bỏ qua", "Skip"),
    "rate.thanks": ("Cảm ơn bạn đã đánh giá!", "Thank you for your rating!"),
    "rate.reopened": (
        "Xin lỗi vì kết quả chưa như mong muốn. Phản ánh {code} đã được mở lại để đơn vị "
        "xử lý tiếp.",
        "We are sorry the result fell short. Report {code} is reopened for the unit.",
    ),
    "rate.disputed": (
        "Phản ánh {code} đã được đóng và chuyển Trung tâm điều hành xem xét ý kiến của bạn.",
        "Report {code} is closed and your objection is passed to the operations centre.",
    ),
    "rate.already": ("Phản ánh {code} đã được đánh giá.", "Report {code} was rated already."),
    "sup.reopened": (
        "⚠️ {code} bị người dân đánh giá chưa hài lòng và đã mở lại cho {unit}.",
        "⚠️ {code} was rated not satisfied and reopened for {unit}.",
    ),
    "sup.disputed": (
        "⚠️ {code} bị đánh giá chưa hài lòng lần hai; đã đóng (khiếu nại).",
        "⚠️ {code} was rated not satisfied twice; closed as disputed.",
    ),
    "sup.rejected": (
        "⚠️ {unit} không tiếp nhận {code}: {reason}. Vui lòng phân công lại.",
        "⚠️ {unit} declined {code}: {reason}. Please reassign it.",
    ),
    "sup.overdue": (
        "⏰ {count} phản ánh quá hạn:\n{lines}",
        "⏰ {count} report(s) overdue:\n{lines}",
    ),
    "unit.reminder": (
        "⏳ Nhắc hạn: {code} ({category}) hết hạn lúc {deadline}.",
        "⏳ Reminder: {code} ({category}) is due at {deadline}.",
    ),
    "unit.digest": (
        "📋 Tổng hợp ngày {date}: {open} phản ánh đang mở, {overdue} quá hạn.\n{lines}",
        "📋 Digest for {date}: {open} open report(s), {overdue} overdue.\n{lines}",
    ),
    "queue.empty": (
        "Đơn vị không có phản ánh nào đang mở. 👍",
        "Your unit has no open reports. 👍",
    ),
    "queue.header": (
        "Phản ánh đang mở của đơn vị (trang {page}):",
        "Your unit's open reports (page {page}):",
    ),
    "queue.next": ("Trang sau ›", "Next page ›"),
    "overdue.none": ("Không có phản ánh nào quá hạn.", "No report is overdue."),
    "staff.only": (
        "Lệnh này dành cho cán bộ đơn vị xử lý.",
        "That command is for officials of the handling units.",
    ),
    "join.ok": (
        "Chào mừng! Bạn đã là {role} của {unit}. Phản ánh mới sẽ được gửi đến đây.",
        "Welcome! You are now {role} of {unit}. New reports will arrive here.",
    ),
    "join.group_ok": (
        "Từ nay nhóm này nhận phản ánh của {unit}. Mọi thành viên đều có thể xử lý; "
        "lịch sử phản ánh ghi lại ai đã bấm từng nút.",
        "From now on this group receives {unit}'s reports. Any member can act on them; "
        "the report's history records who pressed each button.",
    ),
    "history.by": (" — người bấm: {name}", " — by {name}"),
    "act.reply_hint": (
        "\n↩️ Trong nhóm, vui lòng trả lời (reply) tin nhắn này.",
        "\n↩️ In a group, please reply to this message.",
    ),
    "join.bad": (
        "Mã mời không đúng, đã dùng hoặc đã hết hạn.",
        "That invite code is wrong, used or expired.",
    ),
    "join.usage": ("Nhắn /join kèm mã mời.", "Send /join with your invite code."),
    "role.official": ("cán bộ", "an official"),
    "role.supervisor": ("giám sát viên", "a supervisor"),
    "role.broadcaster": ("người phát cảnh báo", "a broadcaster"),
    "role.admin": ("quản trị viên", "an administrator"),
    "dup.offer": (
        "Gần đây đã có một phản ánh tương tự: {code} — {category}, {place}, gửi {age}, "
        "tình trạng: {status}.\n"
        "Bạn muốn theo dõi phản ánh đó (sẽ được báo tiến độ) hay gửi phản ánh mới?",
        "A similar report was sent recently: {code} — {category}, {place}, sent {age}, "
        "status: {status}.\n"
        "Follow that one (you will get its updates) or send a new report?",
    ),
    "dup.near_you": ("gần nơi bạn báo", "near the place you gave"),
    "dup.not_offered": (
        "Bạn chỉ có thể theo dõi phản ánh HueBot vừa gợi ý. Phản ánh của bạn vẫn được giữ, "
        "bạn chọn lại giúp nhé.",
        "You can only follow the report HueBot suggested. Your report is kept; please "
        "choose again.",
    ),
    "age.now": ("vừa xong", "just now"),
    "age.minutes": ("{n} phút trước", "{n} min ago"),
    "age.hours": ("{n} giờ trước", "{n} h ago"),
    "age.days": ("{n} ngày trước", "{n} days ago"),
    "place.street": ("đường {street}", "{street} street"),
    "dup.follow": ("👀 Theo dõi {code}", "👀 Follow {code}"),
    "dup.new": ("Gửi phản ánh mới", "Send a new report"),
    "dup.following": (
        "Bạn đang theo dõi {code}. HueBot sẽ báo mỗi khi có tiến độ. Cảm ơn bạn!",
        "You are following {code}. HueBot will tell you of every step. Thank you!",
    ),
    "contact.line": ("\nLiên hệ người dân: {phone}", "\nCitizen's contact: {phone}"),
}
