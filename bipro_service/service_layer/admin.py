"""Administration by the insurer and by a firm's Makleradministrator (T II.1, I.3d, I.13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bipro_service.adapters.db.models import ActivationLink, BrokerFirm, User, UserState
from bipro_service.adapters.passwords import (
    hash_password,
    initial_password,
    new_secret,
    secret_hash,
)
from bipro_service.config import Settings
from bipro_service.domain.status import AdminError, InvalidToken
from bipro_service.service_layer.accounts import lock_user, set_password
from bipro_service.service_layer.audit import AuditEntry, add_audit
from bipro_service.service_layer.tokens import revoke_firm_tokens, revoke_user_tokens
from bipro_service.service_layer.unit_of_work import UnitOfWork

ACTIVATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who administers: the insurer (``firm_id`` None) or a firm's administrator."""

    label: str
    firm_id: int | None = None

    @property
    def is_insurer(self) -> bool:
        return self.firm_id is None


INSURER = Actor("insurer")


@dataclass(frozen=True, slots=True)
class NewUser:
    login: str
    initial_password: str
    activation_secret: str


def actor_for_admin(uow: UnitOfWork, login: str) -> Actor:
    """The actor for a firm administrator's user key; refuses users who are not admins."""
    user = uow.repos.user_by_login(login)
    if user is None or not user.is_admin or user.state is not UserState.ACTIVE:
        raise AdminError(f"{login} ist kein aktiver Makleradministrator.")
    return Actor(f"admin:{login}", user.firm_id)


def create_firm(
    uow: UnitOfWork, vermittlernummer: str, name: str, test_access: bool, now: datetime
) -> BrokerFirm:
    """Register a broker firm (insurer only)."""
    if uow.repos.firm_by_number(vermittlernummer) is not None:
        raise AdminError(f"Vermittlernummer {vermittlernummer} ist schon vergeben.")
    firm = BrokerFirm(
        vermittlernummer=vermittlernummer, name=name, is_test_access=test_access, created_at=now
    )
    uow.session.add(firm)
    audit_admin_action(uow, INSURER, "createFirm", now, firm=vermittlernummer)
    uow.commit()
    return firm


def _firm_for(uow: UnitOfWork, actor: Actor, vermittlernummer: str) -> BrokerFirm:
    firm = uow.repos.firm_by_number(vermittlernummer)
    if firm is None or (not actor.is_insurer and firm.id != actor.firm_id):
        raise AdminError(f"Unbekannte Vermittlernummer {vermittlernummer}.")
    return firm


def _user_for(uow: UnitOfWork, actor: Actor, login: str) -> User:
    user = uow.repos.user_by_login(login)
    # Another firm's user is answered like an unknown one.
    if user is None or (not actor.is_insurer and user.firm_id != actor.firm_id):
        raise AdminError(f"Unbekannte Benutzerkennung {login}.")
    return user


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    vermittlernummer: str,
    login: str,
    display_name: str,
    *,
    portfolio_rights: bool,
    admin: bool,
    now: datetime,
    password: str | None = None,
) -> NewUser:
    """Enable a user with an initial password and an activation link.

    ``password`` sets a known initial password (demo data); otherwise one is generated.
    """
    firm = _firm_for(uow, actor, vermittlernummer)
    if not firm.is_active:
        raise AdminError("Die Vereinbarung dieser Firma ist beendet.")
    if uow.repos.user_by_login(login) is not None:
        raise AdminError(f"Benutzerkennung {login} ist schon vergeben.")
    initial = password or initial_password()
    user = User(
        firm_id=firm.id,
        login=login,
        display_name=display_name,
        portfolio_rights=portfolio_rights,
        is_admin=admin,
        state=UserState.INVITED,
        initial_password_hash=hash_password(initial),
        failed_logins=0,
        created_at=now,
    )
    uow.session.add(user)
    uow.session.flush()
    secret = _activation_link(uow, user, now)
    audit_admin_action(uow, actor, "createUser", now, firm=firm.vermittlernummer, user=login)
    uow.commit()
    return NewUser(login, initial, secret)


def _activation_link(uow: UnitOfWork, user: User, now: datetime) -> str:
    secret = new_secret(32)
    uow.session.add(
        ActivationLink(
            token_hash=secret_hash(secret),
            user_id=user.id,
            created_at=now,
            expires_at=now + ACTIVATION_LIFETIME,
        )
    )
    return secret


def reset_initial_password(uow: UnitOfWork, actor: Actor, login: str, now: datetime) -> NewUser:
    """Give a user a new initial password and activation link (e.g. after a revocation)."""
    user = _user_for(uow, actor, login)
    initial = initial_password()
    user.state = UserState.INVITED
    user.password_hash = None
    user.initial_password_hash = hash_password(initial)
    user.failed_logins = 0
    user.locked_at = None
    revoke_user_tokens(uow.session, user.id, now)
    secret = _activation_link(uow, user, now)
    audit_admin_action(uow, actor, "resetInitialPassword", now, user=login)
    uow.commit()
    return NewUser(login, initial, secret)


def unlock_user(uow: UnitOfWork, actor: Actor, login: str, now: datetime) -> None:
    """Unlock a locked user (T I.5b); the user is informed out of band."""
    user = _user_for(uow, actor, login)
    if user.state is not UserState.LOCKED:
        raise AdminError(f"{login} ist nicht gesperrt.")
    user.state = UserState.ACTIVE if user.password_hash else UserState.INVITED
    user.failed_logins = 0
    user.locked_at = None
    audit_admin_action(uow, actor, "unlockUser", now, user=login)
    uow.commit()


def revoke_user(uow: UnitOfWork, actor: Actor, login: str, now: datetime) -> None:
    """Withdraw a user's access (left the firm, right revoked): tokens die at once."""
    user = _user_for(uow, actor, login)
    user.state = UserState.REVOKED
    revoke_user_tokens(uow.session, user.id, now)
    audit_admin_action(uow, actor, "revokeUser", now, user=login)
    uow.commit()


def lock(uow: UnitOfWork, actor: Actor, login: str, now: datetime) -> None:
    """Lock a user by hand."""
    user = _user_for(uow, actor, login)
    lock_user(uow, user.id, now)
    audit_admin_action(uow, actor, "lockUser", now, user=login)
    uow.commit()


def end_agency(uow: UnitOfWork, vermittlernummer: str, now: datetime) -> None:
    """End a firm's agency agreement: all its users and tokens stop at once (T I.13a bb)."""
    firm = _firm_for(uow, INSURER, vermittlernummer)
    firm.agency_ended_at = now
    revoke_firm_tokens(uow.session, firm.id, now)
    audit_admin_action(uow, INSURER, "endAgency", now, firm=vermittlernummer)
    uow.commit()


DOCUMENT_DELIVERIES = ("mtom", "inline")


def set_document_delivery(
    uow: UnitOfWork, vermittlernummer: str, delivery: str, now: datetime
) -> None:
    """How getShipment sends this firm's documents: MTOM parts (default) or inline base64."""
    if delivery not in DOCUMENT_DELIVERIES:
        raise AdminError(f"Unbekannte Zustellart {delivery[:20]!r} (mtom oder inline).")
    firm = _firm_for(uow, INSURER, vermittlernummer)
    firm.document_delivery = delivery
    audit_admin_action(
        uow, INSURER, "setDocumentDelivery", now, firm=vermittlernummer, delivery=delivery
    )
    uow.commit()


def redeem_activation(
    uow: UnitOfWork, settings: Settings, secret: str, new_password: str, now: datetime
) -> str:
    """Set a personal password through a one-time activation link; returns the user key."""
    link = uow.session.scalar(
        select(ActivationLink)
        .where(ActivationLink.token_hash == secret_hash(secret))
        .with_for_update()
    )
    if link is None or link.used_at is not None or now >= link.expires_at:
        raise InvalidToken()
    user = uow.session.get(User, link.user_id)
    if user is None or user.state not in (UserState.INVITED, UserState.ACTIVE):
        raise InvalidToken()
    firm = uow.session.get(BrokerFirm, user.firm_id)
    if firm is None or not firm.is_active:
        raise InvalidToken()
    # Claim the link first: of two parallel redemptions exactly one gets it.
    used = uow.session.execute(
        update(ActivationLink)
        .where(ActivationLink.id == link.id, ActivationLink.used_at.is_(None))
        .values(used_at=now)
    )
    if not used.rowcount:  # type: ignore[attr-defined]
        raise InvalidToken()
    set_password(uow, settings, user, new_password, now)  # voids the user's other links
    audit_admin_action(
        uow, Actor(f"user:{user.login}", user.firm_id), "activate", now, user=user.login
    )
    uow.commit()
    return user.login


def activation_user(uow: UnitOfWork, secret: str, now: datetime) -> User | None:
    """The user an unused, unexpired activation link belongs to."""
    link = uow.session.scalar(
        select(ActivationLink).where(ActivationLink.token_hash == secret_hash(secret))
    )
    if link is None or link.used_at is not None or now >= link.expires_at:
        return None
    return uow.session.get(User, link.user_id)


def audit_admin_action(
    uow: UnitOfWork, actor: Actor, operation: str, now: datetime, **objects: str
) -> None:
    """Record an administrative action in the caller's transaction."""
    add_audit(
        uow.session,
        AuditEntry(
            occurred_at=now,
            prozess_id=new_secret(12),
            service="Administration",
            operation=operation,
            outcome="OK",
            duration_ms=0,
            user_login=actor.label,
            auth_method="admin",
            objects={k: [v] for k, v in objects.items()},
        ),
    )
