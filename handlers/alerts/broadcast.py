"""The broadcaster's ``/alert`` dialog: text, area, severity, preview, confirm.

Only users with role "broadcaster" or "admin" may send alerts. The preview shows the
alert exactly as citizens will see it and how many people it will reach; on confirm the
alert and its outbox rows are stored in one transaction (``issue.issue``), and the
delivery worker posts the broadcast's progress in this chat. ``/alert cancel ID`` stops
an alert. Drawn in broadcast.mmd.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from handlers.alerts.issue import BROADCASTER_ROLES, audience_of, cancel, draft, issue
from handlers.alerts.render import SEVERITIES, area_name, render_alert
from handlers.core.context import Turn
from handlers.core.flow import CHOICES_KEY, Step
from handlers.core.i18n import say
from handlers.core.model import Choice, IncomingMessage, Reply
from nlu import find_wards, fold
from storage.alerts import AlertContent
from storage.records import ConversationRecord

FLOW = "alert"
YES_WORDS = frozenset({"ok", "oke", "yes", "y", "co", "gui", "dong y", "send"})
WHOLE_CITY_WORDS = r"toan thanh pho|ca thanh pho|tat ca|toan tp|all|whole city|everyone"
INSTRUCTION_MARK = re.compile(r"^\s*(huong dan|instruction)s?\s*:\s*", re.IGNORECASE)


class State(StrEnum):
    """What the dialog last asked for."""

    TEXT = "text"
    AREA = "area"
    SEVERITY = "severity"
    PREVIEW = "preview"


async def command(turn: Turn, argument: str | None) -> Step:
    """``/alert`` starts the dialog; ``/alert cancel ID`` stops an alert."""
    if turn.user.role not in BROADCASTER_ROLES:
        return Step.stay([Reply(turn.say("alert.not_allowed"))])
    action, _, rest = (argument or "").strip().partition(" ")
    if fold(action) in ("cancel", "huy") and rest.strip().lstrip("#").isdigit():
        return await _stop(turn, int(rest.strip().lstrip("#")))
    return _ask_text(turn, {})


async def proceed(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step:
    """Take a typed answer (or a photo) for the step the dialog is at."""
    assert conversation is not None  # the router calls this only while the flow is open
    state, data, text = State(conversation.state), dict(conversation.data), message.text or ""
    if state == State.TEXT:
        return _on_text(turn, data, message)
    if state == State.AREA:
        return await _on_area(turn, data, text)
    if state == State.SEVERITY:
        severity = _typed_severity(text)
        if severity is not None:
            return await _preview(turn, {**data, "severity": severity})
        return _ask_severity(turn, data)
    if fold(text).strip() in YES_WORDS:
        return await _confirm(turn, data)
    return await _preview(turn, data)


async def press(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step:
    """An ``alert:`` button."""
    payload = message.choice or ""
    if turn.user.role not in BROADCASTER_ROLES:
        return Step.stay([Reply(turn.say("alert.not_allowed"))])
    if payload == "alert:cancel":
        return Step.end([Reply(turn.say("alert.cancelled"))])
    if conversation is None or conversation.flow != FLOW:
        return Step.stay([Reply(turn.say("alert.stale"))])
    state, data = State(conversation.state), dict(conversation.data)
    if payload == "alert:edit":
        return _ask_text(turn, {})
    if payload == "alert:area:all" and state == State.AREA:
        return _ask_severity(turn, {**data, "whole_city": True, "wards": []})
    severity = payload.removeprefix("alert:sev:")
    if state == State.SEVERITY and severity in SEVERITIES:
        return await _preview(turn, {**data, "severity": severity})
    if payload == "alert:confirm" and state == State.PREVIEW:
        return await _confirm(turn, data)
    return Step.stay([Reply(turn.say("alert.stale"))])


def _ask_text(turn: Turn, data: dict[str, Any]) -> Step:
    cancel_button = Choice(turn.say("alert.button.cancel"), "alert:cancel")
    return _save(State.TEXT, data, Reply(turn.say("alert.ask_text"), (cancel_button,)))


def _on_text(turn: Turn, data: dict[str, Any], message: IncomingMessage) -> Step:
    if message.photos:
        data["photo"] = message.photos[0].sha256
    text = (message.text or "").strip()
    if not text:
        key = "alert.photo_kept" if message.photos else "alert.ask_text"
        return _save(State.TEXT, data, Reply(turn.say(key)))
    headline, _, body = text.partition("\n")
    description, instruction = _split_instruction(body)
    data.update(headline=headline.strip()[:300], description=description,
                instruction=instruction)  # fmt: skip
    whole = Choice(turn.say("alert.button.whole_city"), "alert:area:all")
    return _save(State.AREA, data, Reply(turn.say("alert.ask_area"), (whole,)))


def _split_instruction(body: str) -> tuple[str, str | None]:
    lines = body.strip().splitlines()
    for index, line in enumerate(lines):
        mark = INSTRUCTION_MARK.match(fold(line))
        if mark:
            rest = "\n".join([line[mark.end() :], *lines[index + 1 :]]).strip()
            return "\n".join(lines[:index]).strip(), rest or None
    return body.strip(), None


def _typed_severity(text: str) -> str | None:
    typed = fold(text).strip()
    for severity in SEVERITIES:
        names = {fold(say(language, f"alert.sev.{severity}")) for language in ("vi", "en")}
        if typed in names | {severity.lower()}:
            return severity
    return None


async def _on_area(turn: Turn, data: dict[str, Any], text: str) -> Step:
    if re.search(rf"\b(?:{WHOLE_CITY_WORDS})\b", fold(text)):
        return _ask_severity(turn, {**data, "whole_city": True, "wards": []})
    wards = find_wards(text)
    if not wards:
        whole = Choice(turn.say("alert.button.whole_city"), "alert:area:all")
        return _save(State.AREA, data, Reply(turn.say("alert.area_unknown"), (whole,)))
    return _ask_severity(turn, {**data, "whole_city": False, "wards": wards})


def _ask_severity(turn: Turn, data: dict[str, Any]) -> Step:
    area = area_name(_content(turn, data, "Minor"), turn.language, turn.ctx.city)
    choices = tuple(
        Choice(turn.say(f"alert.sev.{severity}"), f"alert:sev:{severity}")
        for severity in SEVERITIES
    )
    reply = Reply(turn.say("alert.ask_severity", area=area), choices)
    return _save(State.SEVERITY, data, reply)


async def _preview(turn: Turn, data: dict[str, Any]) -> Step:
    content = _content(turn, data, data["severity"])
    count = await turn.ctx.store.alerts.count_audience(audience_of(content, turn.ctx.city))
    shown = render_alert(content, None, turn.language, turn.ctx.city)
    choices = (
        Choice(turn.say("alert.button.send"), "alert:confirm"),
        Choice(turn.say("alert.button.edit"), "alert:edit"),
        Choice(turn.say("alert.button.cancel"), "alert:cancel"),
    )
    ask = Reply(turn.say("alert.preview", count=count), choices)
    return _save(State.PREVIEW, data, shown[-1], before=shown[:-1], after=[ask])


async def _confirm(turn: Turn, data: dict[str, Any]) -> Step:
    ctx = turn.ctx
    content = _content(turn, data, data["severity"])
    issued = await issue(ctx.store, ctx.city, content, ctx.now, watcher=turn.user.id)
    return Step.end([Reply(turn.say("alert.issued", id=issued.alert_id, count=issued.recipients))])


async def _stop(turn: Turn, alert_id: int) -> Step:
    stopped = await cancel(turn.ctx.store, alert_id, turn.ctx.now)
    if stopped is None:
        return Step.stay([Reply(turn.say("alert.not_found", id=alert_id))])
    return Step.stay([Reply(turn.say("alert.stopped", id=alert_id, count=stopped))])


def _content(turn: Turn, data: dict[str, Any], severity: str) -> AlertContent:
    return draft(
        data["headline"], data.get("description") or "", severity=severity,
        whole_city=bool(data.get("whole_city")), wards=tuple(data.get("wards") or ()),
        now=turn.ctx.now, sender=turn.ctx.city.name.vi, instruction=data.get("instruction"),
        photo_sha256=data.get("photo"), source="chat", created_by=turn.user.id,
    )  # fmt: skip


def _save(
    state: State,
    data: dict[str, Any],
    reply: Reply,
    before: Sequence[Reply] = (),
    after: Sequence[Reply] = (),
) -> Step:
    """Keep the dialog at ``state``; a bare number picks one of ``reply``'s buttons."""
    data = {**data, CHOICES_KEY: [choice.payload for choice in reply.choices]}
    return Step.goto(FLOW, state, data, [*before, reply, *after])
