"""Account rules of the terms of use: lockout, password policy, token lifetime.

Sources: T I.5 (lockout), I.6 (inactivity), II.1 (initial password).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_PASSWORD_LENGTH = 128


def locks_after(failed_logins: int, max_failed: int) -> bool:
    """True when ``failed_logins`` consecutive wrong entries lock the access (T I.5b: three)."""
    return failed_logins >= max_failed


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """What a personal password must satisfy."""

    min_length: int = 12

    def problems(self, password: str, login: str, *, same_as_current: bool) -> list[str]:
        """Every rule ``password`` breaks, as texts for the user; empty when acceptable."""
        found: list[str] = []
        if len(password) < self.min_length:
            found.append(f"Das Passwort muss mindestens {self.min_length} Zeichen lang sein.")
        if len(password) > MAX_PASSWORD_LENGTH:
            found.append(f"Das Passwort darf höchstens {MAX_PASSWORD_LENGTH} Zeichen lang sein.")
        if login and login.casefold() in password.casefold():
            found.append("Das Passwort darf die Benutzerkennung nicht enthalten.")
        if len(set(password)) < 5:
            found.append("Das Passwort muss mindestens fünf verschiedene Zeichen enthalten.")
        if same_as_current:
            found.append("Das neue Passwort muss sich vom bisherigen unterscheiden.")
        return found


class TokenState(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    IDLE = "idle"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class TokenTimes:
    expires_at: datetime
    last_used_at: datetime
    revoked_at: datetime | None


def token_state(times: TokenTimes, now: datetime, idle: timedelta) -> TokenState:
    """Whether a token may still be used at ``now`` (lifetime and inactivity, T I.6b bb)."""
    if times.revoked_at is not None:
        return TokenState.REVOKED
    if now >= times.expires_at:
        return TokenState.EXPIRED
    if now - times.last_used_at >= idle:
        return TokenState.IDLE
    return TokenState.VALID
