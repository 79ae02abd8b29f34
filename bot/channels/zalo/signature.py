"""The one place that checks a Zalo webhook's ``X-ZEvent-Signature``.

The formula of Zalo's Official Account webhook documentation (developers.zalo.me), as the
sources listed in docs/zalo.md quote it and as maintained public code applies it::

    X-ZEvent-Signature: mac=<sha256(appId + data + timeStamp + OAsecretKey)>

``appId`` is the Zalo app's id, ``data`` the request body exactly as received,
``timeStamp`` the event's ``timestamp`` field (milliseconds, in the body) and
``OAsecretKey`` the secret key of the Official Account linked to the app (the OA's key,
not the app's secret). It is a plain SHA-256 of the concatenation, lower-case hex, not an
HMAC. Refused variants that public code uses: HMAC-SHA256 keyed with a secret, the app
secret instead of the OA key, the timestamp from a header instead of the signed body.

Accepted forms of the header, and nothing else: ``mac=<hex>`` (Zalo's) and the bare
``<hex>``, hex in either case. Everything fails closed: no key, no app id, no timestamp
or no header means not authentic.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-ZEvent-Signature"
PREFIX = "mac="


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value Zalo sends for this body: ``mac=`` and the SHA-256 hex."""
    data = app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    return PREFIX + hashlib.sha256(data).hexdigest()


def authentic(
    header: str | None, app_id: str, body: bytes, timestamp: str | None, oa_secret_key: str
) -> bool:
    """True when ``header`` is Zalo's signature of ``body`` (compared in constant time).

    Args:
        header: The ``X-ZEvent-Signature`` value, or None when absent.
        app_id: Our Zalo app's id (ZALO_APP_ID).
        body: The raw request body.
        timestamp: The body's ``timestamp`` field, as text.
        oa_secret_key: ZALO_OA_SECRET_KEY; empty means every event is refused.

    Returns:
        Whether the event is Zalo's.
    """
    if not header or not app_id or not timestamp or not oa_secret_key:
        return False
    given = header.strip()
    if given[: len(PREFIX)].lower() == PREFIX:
        given = given[len(PREFIX) :]
    expected = signature(app_id, body, timestamp, oa_secret_key)[len(PREFIX) :]
    return hmac.compare_digest(given.lower().encode(), expected.encode())
