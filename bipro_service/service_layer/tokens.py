"""Security context tokens: issue, authenticate, validate, cancel, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from bipro_service.adapters.db.models import BrokerFirm, SecurityToken, User, UserState
from bipro_service.adapters.passwords import new_secret, secret_hash
from bipro_service.config import Settings
from bipro_service.domain.accounts import TokenState, TokenTimes, token_state
from bipro_service.domain.status import AccountLocked, InvalidToken
from bipro_service.service_layer.principal import AuthMethod, Principal

TOKEN_PREFIX = "bipro:"
#: ``last_used_at`` is written at most this often, to keep token checks read-mostly.
TOUCH_INTERVAL = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    identifier: str
    created_at: datetime
    expires_at: datetime


def issue_token(
    session: Session,
    settings: Settings,
    *,
    firm_id: int,
    user_id: int | None,
    method: AuthMethod,
    now: datetime,
    source_address: str | None,
) -> IssuedToken:
    """Create a token (256 random bits) bound to firm and user; store only its hash."""
    identifier = TOKEN_PREFIX + new_secret(32)
    expires = now + timedelta(seconds=settings.token_lifetime_seconds)
    session.add(
        SecurityToken(
            token_hash=secret_hash(identifier),
            firm_id=firm_id,
            user_id=user_id,
            auth_method=method.value,
            created_at=now,
            expires_at=expires,
            last_used_at=now,
            source_address=source_address,
        )
    )
    return IssuedToken(identifier, now, expires)


def _lookup(
    session: Session, identifier: str
) -> tuple[SecurityToken, BrokerFirm, User | None] | None:
    if not identifier.startswith(TOKEN_PREFIX) or len(identifier) > 200:
        return None
    row = session.execute(
        select(SecurityToken, BrokerFirm, User)
        .join(BrokerFirm, BrokerFirm.id == SecurityToken.firm_id)
        .outerjoin(User, User.id == SecurityToken.user_id)
        .where(SecurityToken.token_hash == secret_hash(identifier))
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


def check_token(
    session: Session, settings: Settings, identifier: str, now: datetime
) -> tuple[SecurityToken, BrokerFirm, User | None] | None:
    """The token with its firm and user if it may be used at ``now``; else None."""
    found = _lookup(session, identifier)
    if found is None:
        return None
    token, firm, user = found
    times = TokenTimes(token.expires_at, token.last_used_at, token.revoked_at)
    if (
        token_state(times, now, timedelta(seconds=settings.token_idle_seconds))
        is not TokenState.VALID
    ):
        return None
    if firm.agency_ended_at is not None:
        return None
    if user is not None and (user.state is not UserState.ACTIVE or user.firm_id != firm.id):
        return None
    return found


def authenticate(session: Session, settings: Settings, identifier: str, now: datetime) -> Principal:
    """The principal of a token, refreshing its inactivity clock; 00962 when unusable."""
    found = check_token(session, settings, identifier, now)
    if found is None:
        raise InvalidToken()
    token, firm, user = found
    if now - token.last_used_at >= TOUCH_INTERVAL:
        session.execute(
            update(SecurityToken).where(SecurityToken.id == token.id).values(last_used_at=now)
        )
    method = AuthMethod(token.auth_method)
    return Principal(
        firm_id=firm.id,
        vermittlernummer=firm.vermittlernummer,
        test_access=firm.is_test_access,
        # A firm certificate is a legal person: user rights are managed in the MVP (T II.4).
        portfolio_rights=user.portfolio_rights if user is not None else True,
        auth_method=method,
        user_id=user.id if user is not None else None,
        login=user.login if user is not None else None,
        is_admin=user.is_admin if user is not None else False,
        token_id=token.id,
        signature_required=firm.signature_required,
        inline_documents=firm.document_delivery == "inline",
    )


def certificate_principal(session: Session, firm_id: int) -> Principal:
    """The firm itself as caller of a certificate-only call (TLS client certificate through
    the trusted proxy, no token): a legal person, user rights are managed in the MVP (T II.4).
    An ended agency answers 00964."""
    firm = session.get(BrokerFirm, firm_id)
    if firm is None or not firm.is_active:
        raise AccountLocked()
    return Principal(
        firm_id=firm.id,
        vermittlernummer=firm.vermittlernummer,
        test_access=firm.is_test_access,
        portfolio_rights=True,
        auth_method=AuthMethod.CERTIFICATE_DIRECT,
        signature_required=firm.signature_required,
        inline_documents=firm.document_delivery == "inline",
    )


def belongs_to(
    found: tuple[SecurityToken, BrokerFirm, User | None], firm_id: int, user_id: int | None
) -> bool:
    """The token was issued to this firm and this user (``None``: to the firm's certificate)."""
    token = found[0]
    return token.firm_id == firm_id and token.user_id == user_id


def cancel_token(session: Session, identifier: str, now: datetime) -> bool:
    """Revoke a token (WS-Trust Cancel). True when it was live."""
    return bool(_revoke(session, now, SecurityToken.token_hash == secret_hash(identifier)))


def revoke_user_tokens(session: Session, user_id: int, now: datetime) -> None:
    _revoke(session, now, SecurityToken.user_id == user_id)


def revoke_firm_tokens(
    session: Session, firm_id: int, now: datetime, method: AuthMethod | None = None
) -> None:
    """Revoke the firm's live tokens; with ``method`` only those issued by that login."""
    conditions = [SecurityToken.firm_id == firm_id]
    if method is not None:
        conditions.append(SecurityToken.auth_method == method.value)
    _revoke(session, now, *conditions)


def _revoke(session: Session, now: datetime, *conditions: ColumnElement[bool]) -> int:
    """Revoke the live tokens that meet ``conditions``; the number revoked."""
    result = session.execute(
        update(SecurityToken)
        .where(*conditions, SecurityToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
