"""Who wrote a confidential report: for the operations centre's admins, every look recorded.

``POST /ops/reports/{code}/identity`` (a form with the CSRF token, never a link that a
browser could prefetch) shows an admin the author's name, phone and account, and
writes "identity viewed" to the report's history in the same transaction. Anyone
else is refused, and the refusal is recorded too.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.ops.html import esc, page
from bot.web.ops.state import language_of, ops_of, user_of
from bot.web.ops.texts import t
from storage.handling import Change

ADMIN = "admin"
VIEWED = "identity viewed"
REFUSED = "identity refused: not an admin"


async def identity(request: web.Request) -> web.StreamResponse:
    """POST /ops/reports/{code}/identity."""
    ops, user, language = ops_of(request), user_of(request), language_of(request)
    code = request.match_info["code"].upper()
    async with ops.database.unit_of_work() as store:
        report = await store.reports.by_code(code)
        if report is None:
            raise web.HTTPNotFound(text=t(language, "error.not_found"))
        allowed = user.role == ADMIN
        note = VIEWED if allowed else REFUSED
        change = Change(
            ADMIN if allowed else user.role, report.status, "", ops.clock(), user.id, note
        )
        await store.handling.note(report.id, change)
        author = await store.users.get(report.user_id) if allowed else None
    if author is None:
        body = f'<p class="error" role="alert">{esc(t(language, "identity.admins_only"))}</p>'
        return _private(page(request, code, body, "queue", status=403))
    facts = (
        (t(language, "identity.name"), author.name or "—"),
        (t(language, "identity.phone"), author.phone or "—"),
        (t(language, "identity.account"), f"{author.channel}:{author.external_id}"),
    )
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    body = (
        f'<div class="card"><h1>{esc(code)} · {esc(t(language, "identity.title"))}</h1>'
        f'<dl>{rows}</dl><p class="muted">{esc(t(language, "identity.recorded"))}</p></div>'
    )
    return _private(page(request, code, body, "queue"))


def _private(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    return response
