"""Which commands each role has, as data: the messengers' menus and the role-aware /help.

Pure: no I/O. ``menu(role, language)`` gives the (command, description) pairs a
messenger's command menu shows; ``staff_help(role, language)`` the lines /help adds for
a role holder; ``staff_choices(role, language)`` the buttons of the role's menu reply
(Zalo and the web chat have no per-person command menu, so /help carries them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Command:
    """A command, how it is typed, and what it does in Vietnamese and English."""

    name: str
    usage: str
    vi: str
    en: str

    def describe(self, language: str) -> str:
        """What the command does, in ``language`` (Vietnamese unless ``en``)."""
        return self.en if language == "en" else self.vi


COMMANDS: Final = {c.name: c for c in (
    Command("start", "/start", "Bắt đầu", "Start"),
    Command("help", "/help", "Hướng dẫn sử dụng", "How to use HueBot"),
    Command("status", "/status PA-12345", "Tình trạng một phản ánh: /status PA-12345",
            "Where a report stands: /status PA-12345"),
    Command("myreports", "/myreports", "Các phản ánh của tôi", "My reports"),
    Command("subscribe", "/subscribe", "Nhận cảnh báo thiên tai, dịch bệnh theo phường",
            "Storm, flood and health alerts for a ward"),
    Command("subscriptions", "/subscriptions", "Các phường đang nhận cảnh báo",
            "Wards you get alerts for"),
    Command("cancel", "/cancel", "Dừng việc đang làm", "Stop what you are doing"),
    Command("lang", "/lang", "Đổi ngôn ngữ: /lang en", "Change language: /lang vi"),
    Command("mine", "/mine", "Phản ánh đang mở của đơn vị, hạn gần nhất trước",
            "Your unit's open reports, nearest deadline first"),
    Command("report", "/report PA-12345", "Xem đầy đủ một phản ánh: /report PA-12345",
            "One report in full: /report PA-12345"),
    Command("overdue", "/overdue", "Các phản ánh đã quá hạn", "Reports past their deadline"),
    Command("stats", "/stats 7", "Số liệu xử lý: /stats 7 (số ngày)",
            "Handling figures: /stats 7 (days)"),
    Command("alert", "/alert", "Soạn và gửi cảnh báo cho người dân theo phường",
            "Write and send an alert to a ward's residents"),
    Command("ops", "/ops", "Đường dẫn đăng nhập trang điều hành",
            "A sign-in link to the dashboard"),
)}  # fmt: skip

CITIZEN: Final = "citizen"
# The role's own commands first, then those every chat has.
STAFF_COMMANDS: Final[dict[str, tuple[str, ...]]] = {
    "official": ("mine", "report", "stats", "ops"),
    "supervisor": ("mine", "report", "overdue", "stats", "ops"),
    "broadcaster": ("alert", "ops"),
    "admin": ("mine", "report", "overdue", "stats", "alert", "ops"),
}
ROLE_COMMANDS: Final[dict[str, tuple[str, ...]]] = {
    CITIZEN: ("start", "help", "status", "myreports", "subscribe", "subscriptions", "cancel",
              "lang"),
    **{role: (*own, "help", "status", "cancel", "lang") for role, own in STAFF_COMMANDS.items()},
}  # fmt: skip
ROLE_NAMES: Final = {
    "official": ("cán bộ đơn vị", "unit officials"),
    "supervisor": ("giám sát viên", "supervisors"),
    "broadcaster": ("người phát cảnh báo", "broadcasters"),
    "admin": ("quản trị viên", "administrators"),
}
# Buttons of the role's menu reply: the commands that need no argument.
BUTTONS: Final = {
    "mine": ("📋 Phản ánh của đơn vị", "📋 Unit's reports", "staff:mine:0"),
    "overdue": ("⏰ Quá hạn", "⏰ Overdue", "cmd:overdue"),
    "stats": ("📊 Số liệu 7 ngày", "📊 Last 7 days", "cmd:stats:7"),
    "alert": ("📢 Gửi cảnh báo", "📢 Send an alert", "cmd:alert"),
    "ops": ("🖥️ Trang điều hành", "🖥️ Dashboard", "cmd:ops"),
}
BUTTON_COMMANDS: Final = frozenset(
    payload.split(":")[1] for *_, payload in BUTTONS.values() if payload.startswith("cmd:")
)


def is_staff(role: str) -> bool:
    """Whether ``role`` has commands of its own (every role but the citizen's)."""
    return role in STAFF_COMMANDS


def menu(role: str, language: str) -> tuple[tuple[str, str], ...]:
    """The (command, description) pairs of ``role``'s command menu (a citizen's if unknown)."""
    names = ROLE_COMMANDS.get(role, ROLE_COMMANDS[CITIZEN])
    return tuple((name, COMMANDS[name].describe(language)) for name in names)


def staff_help(role: str, language: str) -> str | None:
    """The /help lines of ``role``'s own commands, or None for a citizen."""
    if not is_staff(role):
        return None
    vi, en = ROLE_NAMES[role]
    header = f"Commands for {en}:" if language == "en" else f"Lệnh dành cho {vi}:"
    lines = (f"• {COMMANDS[n].usage} — {COMMANDS[n].describe(language)}" for n in
             STAFF_COMMANDS[role])  # fmt: skip
    return "\n".join((header, *lines))


def staff_choices(role: str, language: str) -> tuple[tuple[str, str], ...]:
    """The (label, payload) buttons of ``role``'s menu reply; none for a citizen."""
    own = STAFF_COMMANDS.get(role, ())
    index = 1 if language == "en" else 0
    return tuple((BUTTONS[n][index], BUTTONS[n][2]) for n in own if n in BUTTONS)
