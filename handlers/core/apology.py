"""What a citizen hears when their message could not be processed at all.

After a few quick retries the intake gives a failing update up (it stays for the
operators with its error) and answers with this: an apology and the city's hotline,
the phone of the first unit in config.yml (the operations centre).
"""

from __future__ import annotations

from handlers.core.city import City
from handlers.core.i18n import TEXTS, say
from handlers.core.model import Reply

TEXTS["error.gave_up"] = (
    "Xin lỗi, hệ thống chưa xử lý được tin nhắn vừa rồi của bạn; cán bộ vận hành đã được "
    "báo để kiểm tra. Bạn vui lòng gửi lại sau ít phút, hoặc gọi đường dây nóng {hotline}.",
    "Sorry, we could not process your last message; our operators have been told and will "
    "look into it. Please send it again in a few minutes, or call the hotline {hotline}.",
)
FALLBACK_HOTLINE = "1022"


def hotline(city: City) -> str:
    """The city's hotline: the first unit's public phone."""
    return next((u.contact.phone for u in city.units if u.contact.phone), FALLBACK_HOTLINE)


def gave_up_reply(city: City, language: str) -> Reply:
    """The apology for a message that could not be processed, with the hotline."""
    return Reply(say(language, "error.gave_up", hotline=hotline(city)))
