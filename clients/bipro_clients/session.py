"""Tokens for long-running clients: log in once, reuse the token, renew it before it expires.

``TokenSource`` wraps a login (password or firm certificate). Give it to any service client
instead of a token::

    tokens = TokenSource.password("https://bipro.example.de", "muster.bestand", password)
    post = TransferClient("https://bipro.example.de", tokens)
    post.list_shipments()          # logs in on first use
    ...                            # a new token is fetched `margin` before Expires
    tokens.close()                 # STS Cancel (log out)

The expiry is computed from the token's own lifetime (``Expires - Created``) counted from the
moment the login was *sent* (never later than the server's own count), on a monotonic clock: a
client whose clock is off by minutes still renews in time. The margin is at most half the
lifetime, so short-lived tokens are reused too. When a renewal inside the margin fails, the old
token is used until its end (the next try after ``RETRY_AFTER``).

A login the STS *refuses* (wrong password, locked, initial password: any 009xx fault) is
remembered: the source raises the same fault again and never logs in again, so a stale password
costs one failed attempt, not one per call (which would lock the account). Build a new source
with the right password.
When the service nevertheless refuses the token (fault 00962 "token invalid/expired", or 00909)
— it was cancelled, idled out, or the server restarted its sessions — the service clients ask
for a new one and repeat the call once; such a call was refused before it was processed, so
repeating it is safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bipro_clients.errors import BiproFault, is_auth_code
from bipro_clients.factory import ClientConfig
from bipro_clients.sts import CertificateStsClient, StsClient, Token

#: MeldungIDs meaning "this token is not (or no longer) accepted": log in again, once.
RENEW_FAULTS = frozenset({"00962", "00909"})

#: Renew this long before the token expires (at most half of the token's lifetime).
DEFAULT_MARGIN = timedelta(seconds=60)

#: After a failed renewal inside the margin, the old token is used this long before the next try.
RETRY_AFTER = 5.0


def is_login_refusal(fault: BiproFault) -> bool:
    """An authentication fault of the STS (00960 wrong credentials, 00964 locked, 00966 initial
    password, 00905 no credentials …): logging in again with the same credentials cannot help
    and may lock the account."""
    return is_auth_code(fault.meldung_id)


class TokenSource:
    """A cached security context token, renewed ``margin`` before it expires.

    ``login`` is called whenever a new token is needed; ``logout`` (optional) is called by
    :meth:`close` with the current token. ``clock`` is a monotonic clock in seconds (tests).
    Thread-safe: parallel calls share one token and log in once.
    """

    def __init__(
        self,
        login: Callable[[], Token],
        *,
        margin: timedelta = DEFAULT_MARGIN,
        logout: Callable[[Token], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if margin < timedelta(0):
            raise ValueError("margin must not be negative")
        self._login = login
        self._logout = logout
        self._clock = clock
        self.margin = margin
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._renew_at = 0.0
        self._ends_at = 0.0
        self._refused: BiproFault | None = None
        self.logins = 0
        """How many tokens were issued so far."""

    @classmethod
    def password(
        cls,
        base_url: str,
        login: str,
        password: str,
        config: ClientConfig | None = None,
        *,
        margin: timedelta = DEFAULT_MARGIN,
        endpoint: str | None = None,
    ) -> TokenSource:
        """Tokens from the user-key/password STS (``/bipro/STS/UserPasswordLogin_…``)."""
        sts = StsClient(base_url, config, endpoint)
        return cls(lambda: sts.login(login, password), margin=margin, logout=sts.cancel)

    @classmethod
    def certificate(
        cls,
        base_url: str,
        config: ClientConfig | None = None,
        *,
        signing: Any = None,
        margin: timedelta = DEFAULT_MARGIN,
        endpoint: str | None = None,
    ) -> TokenSource:
        """Tokens from the certificate STS (``/bipro/STS/X509Login_…``, or ``endpoint``): signed
        with ``signing`` (a :class:`bipro_clients.signing.SignedRequests`) or, without it, the
        TLS client certificate of ``config``. Logging out is a Cancel at the same STS."""
        sts = CertificateStsClient(base_url, config, signing=signing, endpoint=endpoint)
        return cls(sts.login, margin=margin, logout=sts.cancel)

    @property
    def refusal(self) -> BiproFault | None:
        """The STS's refusal of the login, once it happened (then no login is tried again)."""
        return self._refused

    def token(self) -> Token:
        """The current token; a new one when there is none or it is due for renewal.

        Raises the login's :class:`BiproFault`; a remembered refusal without logging in."""
        with self._lock:
            old = self._token
            if old is not None and self._clock() < self._renew_at:
                return old
            try:
                return self._fetch()
            except Exception:
                if old is None or self._clock() >= self._ends_at:
                    raise
                # Renewal failed inside the margin: the old token still works until its end.
                self._token = old
                self._renew_at = min(self._clock() + RETRY_AFTER, self._ends_at)
                return old

    def identifier(self) -> str:
        """The current token's identifier (what the service clients send)."""
        return self.token().identifier

    def renew(self) -> Token:
        """Log in now, whatever the state of the current token."""
        with self._lock:
            return self._fetch()

    def _fetch(self) -> Token:
        if self._refused is not None:
            raise self._refused
        self._token = None
        sent = self._clock()  # the server counts the lifetime from no earlier than this
        try:
            token = self._login()
        except BiproFault as fault:
            if is_login_refusal(fault):
                self._refused = fault
            raise
        lifetime = token.lifetime.total_seconds()
        if lifetime <= 0:
            raise ValueError(
                f"the STS issued a token with lifetime {lifetime:g} s "
                f"(Created {token.created:%Y-%m-%dT%H:%M:%SZ}, Expires "
                f"{token.expires:%Y-%m-%dT%H:%M:%SZ}): not usable"
            )
        margin = min(self.margin.total_seconds(), lifetime / 2)
        self._token, self._ends_at = token, sent + lifetime
        self._renew_at = self._ends_at - margin
        self.logins += 1
        return token

    def invalidate(self, token: Token | None = None) -> None:
        """Forget the current token (only if it is still ``token``, when given)."""
        with self._lock:
            if token is None or self._token == token:
                self._token = None

    def close(self) -> None:
        """Log out (STS Cancel) and forget the token; a token already refused is ignored."""
        with self._lock:
            token, self._token = self._token, None
        if token is not None and self._logout is not None:
            try:
                self._logout(token)
            except BiproFault as fault:
                if fault.meldung_id not in RENEW_FAULTS:
                    raise

    def __enter__(self) -> TokenSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
