"""Web chat identities: issued by the server, signed, and refused when not ours.

A chat cookie is ``ID.SIGNATURE``: a random id and its HMAC-SHA256 under a server
secret. A cookie the server did not sign (a client-chosen value, an old unsigned id, a
forged one) is never taken as an identity: the visitor gets a fresh id instead, so
knowing or guessing another chat's id gives nothing without the secret. The secret
comes from ``HUEBOT_WEBCHAT_SECRET`` or, without it, is generated once and kept in the
data directory (``webchat.secret``, readable by the service only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

SECRET_ENV = "HUEBOT_WEBCHAT_SECRET"
SECRET_FILE = "webchat.secret"
MIN_SECRET = 16
SIGNATURE_CHARS = 43  # the whole SHA-256, base64url without padding


class ChatIdentity:
    """Issues and checks signed chat ids."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET:
            raise ValueError(f"the web chat secret needs at least {MIN_SECRET} bytes")
        self._secret = secret

    def issue(self) -> str:
        """A new signed chat id (the cookie's value)."""
        chat_id = secrets.token_urlsafe(24)
        return f"{chat_id}.{self._sign(chat_id)}"

    def verify(self, cookie: str | None) -> bool:
        """Whether ``cookie`` is an id this server issued."""
        if not cookie or len(cookie) > 200 or cookie.count(".") != 1:
            return False
        chat_id, signature = cookie.split(".")
        return len(chat_id) >= 20 and hmac.compare_digest(signature, self._sign(chat_id))

    def _sign(self, chat_id: str) -> str:
        digest = hmac.new(self._secret, b"huebot-webchat:" + chat_id.encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def load_identity(data_dir: Path, env: Mapping[str, str] | None = None) -> ChatIdentity:
    """The signer: the secret from the environment, else the one kept in ``data_dir``.

    Args:
        data_dir: Where a generated secret is kept (created with mode 0600).
        env: The environment (``os.environ`` when None).
    """
    env = os.environ if env is None else env
    given = env.get(SECRET_ENV, "").strip()
    if given:
        return ChatIdentity(given.encode())
    return ChatIdentity(_kept_secret(data_dir / SECRET_FILE))


def _kept_secret(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48).encode()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret)
    return secret
