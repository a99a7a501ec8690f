"""CSRF protection of the portal forms: a signed token bound to a random cookie (double submit).

Every form page sets (or reuses) a random cookie value ``C`` (``HttpOnly; SameSite=Strict;
Path=/portal``) and embeds the token ``<issued>.<mac>`` in a hidden field, where ``mac`` is
``HMAC-SHA256(key, form | C | issued)``. A POST is accepted only when the cookie is present,
the token's MAC matches that cookie and that form, and the token is younger than
``TOKEN_LIFETIME``. The key is derived from ``Settings.secret_key`` (so every worker agrees) or,
when that is empty, from random bytes drawn once per process (development only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

COOKIE_NAME = "bipro_portal_csrf"
FIELD_NAME = "csrf_token"
TOKEN_LIFETIME = 3600
"""Seconds a form may stay open before it has to be reloaded."""
CLOCK_SKEW = 60
"""Seconds a token may lie in the future (several workers' clocks)."""

_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]{43}")
_TOKEN = re.compile(r"(\d{1,12})\.([A-Za-z0-9_-]{43})")
_KEY_LABEL = b"bipro_service portal CSRF v1"


def new_cookie_value() -> str:
    """A fresh random cookie value (256 bits)."""
    return secrets.token_urlsafe(32)


def valid_cookie_value(value: str | None) -> bool:
    return value is not None and _COOKIE_VALUE.fullmatch(value) is not None


class CsrfGuard:
    """Issues and checks the tokens of one process."""

    def __init__(self, secret_key: str) -> None:
        base = secret_key.encode() if secret_key else secrets.token_bytes(32)
        # A key of its own, so that CSRF tokens can never be confused with other uses of
        # the secret key (e.g. DeepLinks).
        self._key = hmac.new(base, _KEY_LABEL, hashlib.sha256).digest()

    def issue(self, cookie: str, form: str, now: int) -> str:
        """The token for ``form`` in the browser holding ``cookie``, issued at ``now``."""
        issued = str(now)
        return f"{issued}.{self._mac(cookie, form, issued)}"

    def check(self, token: str | None, cookie: str | None, form: str, now: int) -> str | None:
        """``None`` when the token is good, else the reason (for the log, never the values)."""
        if not valid_cookie_value(cookie):
            return "cookie missing or malformed"
        assert cookie is not None
        if not token:
            return "token missing"
        match = _TOKEN.fullmatch(token)
        if match is None:
            return "token malformed"
        issued, mac = match.groups()
        if not hmac.compare_digest(mac, self._mac(cookie, form, issued)):
            return "token does not match cookie or form"
        age = now - int(issued)
        if age > TOKEN_LIFETIME:
            return "token expired"
        if age < -CLOCK_SKEW:
            return "token from the future"
        return None

    def _mac(self, cookie: str, form: str, issued: str) -> str:
        message = "\x00".join((form, cookie, issued)).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
