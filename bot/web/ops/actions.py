"""The dashboard's actions on a report: the very functions the chat buttons call.

Each POST runs in one unit of work with a ``Turn`` for the signed-in user, is checked with
``handlers.handling.actions.may_handle`` and the same status rules as the chat, and goes through
``handlers.handling.outcomes``: the status change, its audit line and the citizens' notices in the
outbox commit together. Refusals are written to the audit trail as in the chat.
"""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy

from bot.web.ops.html import attrs, csrf_field, esc, options
from bot.web.ops.state import language_of, ops_of, user_of
from bot.web.ops.texts import t
from handlers import City, PhotoRef, Turn
from handlers.handling import outcomes
from handlers.handling.actions import ACTIVE, REASONS, may_handle
from storage.handling import Change
from storage.records import ReportRecord, Status, UserRecord
from storage.staff import SUPERVISING

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]
ACTIONS = ("accept", "transfer", "ask", "reject", "resolve", "confirm")


def allowed_actions(user: UserRecord, report: ReportRecord) -> tuple[str, ...]:
    """What ``user`` may do with ``report`` now (the chat's rules)."""
    if user.role == "official" and user.unit_code != report.unit_code:
        return ()
    if user.role != "official" and user.role not in SUPERVISING:
        return ()
    if report.status == Status.REJECTED and user.role in SUPERVISING:
        return ("transfer", "confirm") if outcomes.awaiting_reassignment(report) else ("transfer",)
    if report.status not in ACTIVE:
        return ()
    chat = tuple(a for a in ACTIONS if a != "confirm")
    return tuple(a for a in chat if not (a == "accept" and report.status == Status.IN_PROGRESS))


def forms(request: web.Request, report: ReportRecord, allowed: tuple[str, ...], city: City) -> str:
    """One small form per allowed action."""
    language = language_of(request)
    if not allowed:
        return f'<p class="muted">{esc(t(language, "detail.no_actions"))}</p>'
    return "".join(_form(request, report, action, city, language) for action in allowed)


def _form(request: web.Request, report: ReportRecord, action: str, city: City, lang: str) -> str:
    fields = {
        "accept": "",
        "confirm": "",
        "transfer": _unit_field(report, city, lang) + _text("reason", t(lang, "act.reason")),
        "ask": _text("question", t(lang, "act.question")),
        "reject": _reason_field(lang) + _text("reason", t(lang, "act.reason"), required=False),
        "resolve": _text("note", t(lang, "act.note")) + _photo_field(lang),
    }[action]
    encoding = "multipart/form-data" if action == "resolve" else None
    href = f"/ops/reports/{report.code}/{action}"
    label = esc(t(lang, f"act.{action}"))
    if not fields:
        return (
            f'<form method="post" {attrs(action=href, class_="act act-accept")}>'
            f'{csrf_field(request)}<button class="primary" type="submit">{label}</button></form>'
        )
    return (
        f'<details class="act act-{action}"><summary>{label}</summary>'
        f'<form method="post" {attrs(action=href, enctype=encoding)}>{csrf_field(request)}'
        f'{fields}<button class="primary" type="submit">{esc(t(lang, "act.submit"))}</button>'
        f"</form></details>"
    )


def _photo_field(language: str) -> str:
    accept = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
    field = attrs(type="file", name="photo", accept=accept)
    return f"<label>{esc(t(language, 'act.photo'))}<input {field}></label>"


def _unit_field(report: ReportRecord, city: City, language: str) -> str:
    units = [
        (u.code, u.name.in_language(language)) for u in city.units if u.code != report.unit_code
    ]
    return (
        f'<label>{esc(t(language, "act.transfer_to"))}<select name="unit" required>'
        f"{options(units, None)}</select></label>"
    )


def _reason_field(language: str) -> str:
    reasons = [(r, t(language, f"act.reason.{r}")) for r in REASONS]
    return (
        f'<label>{esc(t(language, "act.reason"))}<select name="why">'
        f"{options(reasons, None)}</select></label>"
    )


def _text(name: str, label: str, required: bool = True) -> str:
    field = attrs(name=name, rows=3, maxlength=2000, required=required)
    return f"<label>{esc(label)}<textarea {field}></textarea></label>"


async def act(request: web.Request) -> web.StreamResponse:
    """POST /ops/reports/{code}/{action}: do it, then show the report again."""
    ops, user, language = ops_of(request), user_of(request), language_of(request)
    code, action = request.match_info["code"].upper(), request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    form = await request.post()
    async with ops.turn(user.id, language) as turn:
        report = await turn.ctx.store.reports.by_code(code)
        if report is None:
            outcome = "missing"
        elif not may_handle(turn, report):
            await _refused(turn, report, action)  # committed with the unit of work
            outcome = "denied"
        elif action not in allowed_actions(turn.user, report):
            outcome = "stale"
        else:  # only an allowed action keeps its upload
            photo = await _photo(request, form) if action == "resolve" else None
            outcome = await _apply(turn, report, action, form, photo)
    if outcome == "missing":
        raise web.HTTPNotFound()
    if outcome == "denied":
        raise web.HTTPForbidden(text=t(language, "act.denied"))
    raise web.HTTPSeeOther(f"/ops/reports/{code}?done={outcome}")


async def _apply(
    turn: Turn, report: ReportRecord, action: str, form: Form,
    photo: PhotoRef | bool | None,
) -> str:  # fmt: skip
    words = {k: str(form.get(k, "")).strip()[:2000] for k in ("reason", "question", "note")}
    if action == "accept":
        await outcomes.accept(turn, report)
    elif action == "transfer":
        unit = str(form.get("unit", ""))
        if unit not in turn.ctx.city.units_by_code or not words["reason"]:
            return "words"
        await outcomes.transfer(turn, report, unit, words["reason"])
    elif action == "ask":
        if not words["question"]:
            return "words"
        await outcomes.ask_citizen(turn, report, words["question"])
    elif action == "reject":
        why = str(form.get("why", ""))
        if why not in REASONS:
            return "words"
        reason = " — ".join(filter(None, (turn.say(f"act.reason.{why}"), words["reason"])))
        await outcomes.reject(turn, report, reason, why == "not_ours")
    elif action == "confirm":
        await outcomes.confirm_reject(turn, report)
        after = await turn.ctx.store.reports.by_code(report.code)
        return "ok" if after and not outcomes.awaiting_reassignment(after) else "stale"
    else:
        return await _resolve(turn, report, words["note"], photo)
    return await _verdict(turn, report)


async def _resolve(
    turn: Turn, report: ReportRecord, note: str, photo: PhotoRef | bool | None
) -> str:
    if not note:
        return "words"
    if photo is False:
        return "photo"
    sha256 = None
    if isinstance(photo, PhotoRef):
        store = turn.ctx.store
        dims = (photo.width, photo.height)
        photo_id = await store.reports.add_photo(
            turn.user.id, photo.sha256, photo.content_type, photo.size, dims, turn.ctx.now
        )
        await store.handling.attach_photo(report.id, photo_id)
        sha256 = photo.sha256
    await outcomes.resolve(turn, report, note, sha256)
    return await _verdict(turn, report)


async def _verdict(turn: Turn, before: ReportRecord) -> str:
    after = await turn.ctx.store.reports.by_code(before.code)
    return "ok" if after is not None and after.status != before.status else "stale"


async def _photo(request: web.Request, form: Form) -> PhotoRef | bool | None:
    """The uploaded result photo: None when there is none, False when it is not a photo."""
    upload = form.get("photo")
    if not isinstance(upload, web.FileField):
        return None
    data = upload.file.read()
    if not data:
        return None
    media = ops_of(request).media
    kept = await media.accept(data, upload.filename)
    return kept if isinstance(kept, PhotoRef) else False


async def _refused(turn: Turn, report: ReportRecord, action: str) -> None:
    """Keep the refusal in the audit trail, as the chat does."""
    note = f"refused {action[:20]!r} from the dashboard: not allowed for role {turn.user.role}"
    change = Change(
        actor=f"user:{turn.user.id}", old_status=report.status, new_status="",
        at=turn.ctx.now, actor_user_id=turn.user.id, note=note,
    )  # fmt: skip
    await turn.ctx.store.handling.note(report.id, change)
