"""Account lifecycle: password login, lockout, initial passwords, password changes (T I.5, II.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bipro_service.adapters.db.models import ActivationLink, BrokerFirm, User, UserState
from bipro_service.adapters.passwords import hash_password, verify_password
from bipro_service.config import Settings
from bipro_service.domain.accounts import PasswordPolicy, locks_after
from bipro_service.domain.status import (
    AccountLocked,
    InvalidCredentials,
    PasswordChangeRequired,
    PolicyViolation,
)
from bipro_service.service_layer.principal import AuthMethod
from bipro_service.service_layer.tokens import IssuedToken, issue_token, revoke_user_tokens
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """Who tried to log in, for the audit trail (never the password)."""

    login: str
    vermittlernummer: str | None = None


def _load(uow: UnitOfWork, login: str) -> tuple[User, BrokerFirm] | None:
    row = uow.session.execute(
        select(User, BrokerFirm).join(BrokerFirm).where(User.login == login)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def password_login(
    uow: UnitOfWork,
    settings: Settings,
    login: str,
    password: str,
    now: datetime,
    source_address: str | None,
    attempt: dict[str, str | None] | None = None,
) -> IssuedToken:
    """Check user key and password and add a token to ``uow`` (the caller commits it together
    with the audit record).

    Raises 00960 for unknown users and wrong passwords alike, 00964 when locked (also with
    the right password), 00966 for an initial password. Three consecutive wrong entries lock
    the account; the counter is updated atomically in the database, so parallel attempts and
    several workers count correctly.
    """
    found = _load(uow, login) if login else None
    if found is None:
        verify_password(None, password)
        raise InvalidCredentials()
    user, firm = found
    if attempt is not None:
        attempt["vermittlernummer"] = firm.vermittlernummer
    if user.state is UserState.LOCKED:
        verify_password(user.password_hash, password)
        raise AccountLocked()
    if user.state is UserState.INVITED:
        if verify_password(user.initial_password_hash, password):
            raise PasswordChangeRequired()
        _count_failure(uow, settings, user.id, now, attempt)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        _count_failure(uow, settings, user.id, now, attempt)
        raise InvalidCredentials()
    if user.state is UserState.REVOKED or not firm.is_active:
        raise AccountLocked()
    reset = uow.session.execute(
        update(User)
        .where(User.id == user.id, User.state == UserState.ACTIVE)
        .values(failed_logins=0)
    )
    if not reset.rowcount:  # type: ignore[attr-defined]
        # Locked by a parallel wrong attempt between our read and now.
        raise AccountLocked()
    token = issue_token(
        uow.session,
        settings,
        firm_id=firm.id,
        user_id=user.id,
        method=AuthMethod.PASSWORD,
        now=now,
        source_address=source_address,
    )
    return token


def _count_failure(
    uow: UnitOfWork,
    settings: Settings,
    user_id: int,
    now: datetime,
    attempt: dict[str, str | None] | None = None,
) -> None:
    """Increment the failure counter atomically; lock (once) when it reaches the limit."""
    count = uow.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).scalar_one()
    locked = locks_after(count, settings.max_failed_logins) and lock_user(uow, user_id, now)
    if locked and attempt is not None:
        attempt["locked"] = "account locked by this attempt"
    # Committed now although the request fails: the counter must survive the fault.
    uow.commit(audited=False)


def lock_user(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Lock the account and kill its live tokens. True when this call locked it."""
    locked = uow.session.execute(
        update(User)
        .where(User.id == user_id, User.state.in_([UserState.ACTIVE, UserState.INVITED]))
        .values(state=UserState.LOCKED, locked_at=now)
    )
    revoke_user_tokens(uow.session, user_id, now)
    return bool(locked.rowcount)  # type: ignore[attr-defined]


def set_password(
    uow: UnitOfWork,
    settings: Settings,
    user: User,
    new_password: str,
    now: datetime,
) -> None:
    """Set a personal password; an initial password can never be used again afterwards."""
    policy = PasswordPolicy(settings.password_min_length)
    same = user.password_hash is not None and verify_password(user.password_hash, new_password)
    same = same or (
        user.initial_password_hash is not None
        and verify_password(user.initial_password_hash, new_password)
    )
    problems = policy.problems(new_password, user.login, same_as_current=same)
    if problems:
        raise PolicyViolation(" ".join(problems), quelle="Passwort")
    user.password_hash = hash_password(new_password)
    user.initial_password_hash = None
    user.password_changed_at = now
    user.failed_logins = 0
    if user.state is UserState.INVITED:
        user.state = UserState.ACTIVE
    revoke_user_tokens(uow.session, user.id, now)
    # A password set any other way voids open activation links: whoever holds one could
    # otherwise reset the password without knowing the current one.
    uow.session.execute(
        update(ActivationLink)
        .where(ActivationLink.user_id == user.id, ActivationLink.used_at.is_(None))
        .values(used_at=now)
    )


def change_password(
    uow: UnitOfWork,
    settings: Settings,
    login: str,
    current_password: str,
    new_password: str,
    now: datetime,
) -> None:
    """Change the password with the current (or initial) one; wrong entries count to the lock."""
    found = _load(uow, login) if login else None
    if found is None:
        verify_password(None, current_password)
        raise InvalidCredentials()
    user, firm = found
    if user.state is UserState.LOCKED:
        raise AccountLocked()
    stored = user.initial_password_hash if user.state is UserState.INVITED else user.password_hash
    if not verify_password(stored, current_password):
        _count_failure(uow, settings, user.id, now)
        raise InvalidCredentials()
    if user.state is UserState.REVOKED or not firm.is_active:
        raise AccountLocked()
    set_password(uow, settings, user, new_password, now)
    uow.commit()
