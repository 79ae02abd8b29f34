"""``/ops``: a one-time sign-in link (and code) to the operations dashboard.

Supervisors, admins, broadcasters and officials (with a unit) get a link valid for a few
minutes and usable once, plus the same sign-in as a short code to type on the sign-in
page. Only hashes are stored (storage/ops.py). The dashboard's public address is set once
at start-up with ``configure`` (from ``server.public_url``).
"""

from __future__ import annotations

from datetime import timedelta

from handlers.core.context import Context, Turn
from handlers.core.i18n import say
from handlers.core.model import Reply
from handlers.handling import notices
from storage.records import UserRecord

DASHBOARD_ROLES = ("official", "supervisor", "admin", "broadcaster")
_settings: dict[str, str] = {"base_url": "", "minutes": "15"}


def configure(base_url: str | None, minutes: int) -> None:
    """Where the dashboard is reached from outside, and how long a sign-in lasts."""
    _settings["base_url"] = (base_url or "").rstrip("/")
    _settings["minutes"] = str(minutes)


def may_use_dashboard(user: UserRecord) -> bool:
    """Staff with a dashboard role (an official needs a unit)."""
    if user.role == "official":
        return user.unit_code is not None
    return user.role in DASHBOARD_ROLES


async def on_command(turn: Turn, argument: str | None = None) -> list[Reply]:
    """``/ops``: a new sign-in for the user who asked, in their chat."""
    if not may_use_dashboard(turn.user):
        return [Reply(turn.say("opslink.not_allowed"))]
    return await sign_in_replies(turn.ctx, turn.user)


async def sign_in_replies(ctx: Context, user: UserRecord) -> list[Reply]:
    """Create a sign-in for ``user`` and say it in their language."""
    minutes = int(_settings["minutes"])
    login = await ctx.store.ops.create_login(user.id, ctx.now, timedelta(minutes=minutes))
    base = _settings["base_url"]
    if not base:
        return [Reply(say(user.language, "opslink.code_only", code=login.code, minutes=minutes))]
    text = say(
        user.language, "opslink.link", link=f"{base}/ops/login/{login.token}",
        code=login.code, login=f"{base}/ops/login", minutes=minutes,
    )  # fmt: skip
    return [Reply(text)]


async def send_sign_in(ctx: Context, user: UserRecord) -> list[Reply]:
    """Queue a sign-in to ``user``'s chat through the outbox; returns what was queued."""
    replies = await sign_in_replies(ctx, user)
    await notices.send(ctx, [user], lambda _language: replies, "ops_login", notices.URGENT)
    return replies
