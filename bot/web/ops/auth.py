"""Signing in to /ops: one-time links and codes, session cookies, CSRF, security headers.

Nothing under /ops answers without a live session except the sign-in page and the
language switch. The session cookie is random, HttpOnly, SameSite=Strict, limited to
/ops and to ``ops.session_hours``; the store keeps only its hash. Every POST carries a
CSRF token derived from the session (a form field or the X-CSRF-Token header) and, when
the browser says where it comes from, an Origin of this very host. The sign-in form,
used before any session exists, is protected by a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, NoReturn
from urllib.parse import urlsplit

from aiohttp import web

from bot.web.ops.html import attrs, esc, page
from bot.web.ops.state import (
    CITY,
    CSRF,
    LANG_COOKIE,
    LANGUAGE,
    SESSION,
    USER,
    Ops,
    language_of,
    may_sign_in,
    ops_of,
    report_units,
)
from bot.web.ops.texts import t
from bot.web.ops.throttle import LoginThrottle
from storage.ops import digest, normal_code
from storage.records import UserRecord
from storage.store import Store

log = logging.getLogger(__name__)

SESSION_COOKIE = "huebot_ops"
FORM_COOKIE = "huebot_ops_form"
PUBLIC_PATHS = ("/ops/login", "/ops/lang")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
THROTTLE = web.AppKey("ops_login_throttle", LoginThrottle)


def is_ops(path: str) -> bool:
    """Whether a path belongs to the dashboard."""
    return path == "/ops" or path.startswith("/ops/")


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse /ops requests without a session (or a good CSRF token); add security headers."""
    if not is_ops(request.path):
        return await handler(request)
    ops = ops_of(request)
    request[LANGUAGE], request[CITY] = language_of(request), ops.city
    try:
        if not request.path.startswith(PUBLIC_PATHS):
            await _require_session(request, ops)
            if request.method not in SAFE_METHODS:
                await _check_csrf(request)
        response = await handler(request)
    except web.HTTPException as exc:
        _harden(exc, ops)
        raise
    _harden(response, ops)
    return response


def start_page(user: UserRecord) -> str:
    """Where a user lands: the queue, or the alerts for those who see no reports."""
    return "/ops/queue" if report_units(user) is not None else "/ops/alerts"


def csrf_of(session_token: str) -> str:
    """The CSRF token of a session (derived, so it is never stored)."""
    return hmac.new(session_token.encode(), b"huebot-ops-csrf", hashlib.sha256).hexdigest()


async def _require_session(request: web.Request, ops: Ops) -> None:
    token = request.cookies.get(SESSION_COOKIE, "")
    user = None
    if 20 <= len(token) <= 100:
        async with ops.database.unit_of_work() as store:
            user_id = await store.ops.session_user(token, ops.clock())
            user = await store.users.get(user_id) if user_id is not None else None
    if user is None or not may_sign_in(user):
        _refuse(request)
    request[USER], request[SESSION], request[CSRF] = user, token, csrf_of(token)


def _refuse(request: web.Request) -> NoReturn:
    if request.method == "GET" and not request.path.startswith("/ops/api/"):
        raise web.HTTPSeeOther("/ops/login")
    raise web.HTTPUnauthorized(
        text='{"error": {"code": "no_session", "message": "sign in at /ops/login"}}',
        content_type="application/json",
    )


async def _check_csrf(request: web.Request) -> None:
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise web.HTTPForbidden(text="cross-site request refused")
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent = str((await request.post()).get("csrf", ""))
    if not sent or not hmac.compare_digest(sent, request[CSRF]):
        raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the page")


def _harden(response: web.StreamResponse, ops: Ops) -> None:
    tiles = _origin(ops.config.tile_url)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; img-src 'self' data: blob: {tiles}; style-src 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "no-referrer")  # map pages: basemap.py
    response.headers.setdefault("Cache-Control", "no-store")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


# --- the sign-in pages -----------------------------------------------------------------


async def login_page(request: web.Request) -> web.StreamResponse:
    """The sign-in page: a code to type (or, from a link, a button to press)."""
    if await _signed_in(request):
        raise web.HTTPSeeOther("/ops/queue")
    return _login_form(request, request.match_info.get("token"))


async def login(request: web.Request) -> web.StreamResponse:
    """Use a link token or a code once, open a session, set its cookie.

    Too many failures from one address or for one code answer 429 (Retry-After) for
    ``ops.login_lock_minutes``, and a user's live codes are voided after
    ``ops.login_failures_per_user`` failures of anyone.
    """
    ops, form = ops_of(request), await request.post()
    sent, kept = str(form.get("form", "")), request.cookies.get(FORM_COOKIE, "")
    if not kept or not hmac.compare_digest(sent, kept):
        return _login_form(request, None, "login.expired_form", 400)
    token, code = str(form.get("token", "")) or None, str(form.get("code", "")) or None
    keys = _throttle_keys(request, code)
    wait = request.app[THROTTLE].retry_after(keys)
    if wait is not None:
        return _locked(request, wait)
    now = ops.clock()
    async with ops.database.unit_of_work() as store:
        user_id = await store.ops.redeem_login(token, code, now)
        user = await store.users.get(user_id) if user_id is not None else None
        if user is None:
            await _failed(request, store, keys)
            return _login_form(request, None, "login.bad", 401)
        if not may_sign_in(user):
            return _login_form(request, None, "login.no_role", 403)
        hours = timedelta(hours=ops.config.session_hours)
        cookie = await store.ops.open_session(user.id, now, hours)
    response = web.HTTPSeeOther(start_page(user))
    response.set_cookie(SESSION_COOKIE, cookie, **_cookie_options(ops, hours))
    response.del_cookie(FORM_COOKIE, path="/ops")
    raise response


def throttle_for(ops: Ops) -> LoginThrottle:
    """The sign-in throttle with the limits of ``ops.config``."""
    config = ops.config
    limits = {"ip": config.login_failures_per_ip, "code": config.login_failures_per_code}
    return LoginThrottle(ops.clock, limits, timedelta(minutes=config.login_lock_minutes))


def _throttle_keys(request: web.Request, code: str | None) -> list[str]:
    keys = [f"ip:{request.remote or '-'}"]
    if code:
        keys.append(f"code:{digest(normal_code(code))}")
    return keys


async def _failed(request: web.Request, store: Store, keys: list[str]) -> None:
    """Count a failed sign-in: in memory per key, in the store against live codes."""
    ops = ops_of(request)
    request.app[THROTTLE].failed(keys)
    limit = ops.config.login_failures_per_user
    voided = await store.ops.count_failure(ops.clock(), limit)
    if voided:
        log.warning("ops sign-in codes of users %s voided after %d failures", voided, limit)


def _locked(request: web.Request, wait: int) -> web.Response:
    minutes = max(1, math.ceil(wait / 60))
    response = _login_form(request, None, "login.locked", 429, minutes=minutes)
    response.headers["Retry-After"] = str(wait)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """End this browser's session."""
    ops = ops_of(request)
    async with ops.database.unit_of_work() as store:
        await store.ops.end_session(request[SESSION], ops.clock())
    response = web.HTTPSeeOther("/ops/login")
    response.del_cookie(SESSION_COOKIE, path="/ops")
    raise response


async def switch_language(request: web.Request) -> web.StreamResponse:
    """Remember the chosen language and go back to the page."""
    chosen = "en" if request.query.get("to") == "en" else "vi"
    back = request.query.get("next", "/ops/queue")
    parts = urlsplit(back)
    if parts.scheme or parts.netloc or not is_ops(parts.path) or "\\" in back:
        back = "/ops/queue"
    response = web.HTTPSeeOther(back)
    response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, path="/ops", samesite="Lax")
    raise response


async def _signed_in(request: web.Request) -> bool:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return False
    ops = ops_of(request)
    async with ops.database.unit_of_work() as store:
        return await store.ops.session_user(token, ops.clock()) is not None


def _login_form(
    request: web.Request, token: str | None, problem: str | None = None, status: int = 200,
    **values: object,
) -> web.Response:  # fmt: skip
    language = language_of(request)
    value = secrets.token_urlsafe(24)
    if token:
        fields = f"<input {attrs(type='hidden', name='token', value=token)}>"
        ask = f"<p>{esc(t(language, 'login.confirm'))}</p>"
    else:
        field = attrs(name="code", required=True, autocomplete="one-time-code",
                      placeholder="ABCD-EFGH", maxlength=12, autofocus=True)  # fmt: skip
        fields = f"<label>{esc(t(language, 'login.code'))}<input {field}></label>"
        ask = f"<p>{esc(t(language, 'login.intro'))}</p>"
    error = (
        f'<p class="error" role="alert">{esc(t(language, problem, **values))}</p>'
        if problem
        else ""
    )
    body = (
        f'<section class="login card"><h1>{esc(t(language, "login.title"))}</h1>{ask}{error}'
        f'<form method="post" action="/ops/login">{fields}'
        f"<input {attrs(type='hidden', name='form', value=value)}>"
        f'<button class="primary" type="submit">{esc(t(language, "login.submit"))}</button>'
        f"</form></section>"
    )
    response = page(request, t(language, "login.title"), body, status=status)
    response.set_cookie(FORM_COOKIE, value, **_cookie_options(ops_of(request), None))
    return response


def _cookie_options(ops: Ops, lifetime: timedelta | None) -> dict[str, Any]:
    options: dict[str, Any] = {"httponly": True, "samesite": "Strict", "path": "/ops",
                               "secure": ops.config.cookie_secure}  # fmt: skip
    if lifetime is not None:
        options["max_age"] = int(lifetime.total_seconds())
    return options
