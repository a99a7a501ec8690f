"""DeepLinks (BiPRO 440): short-lived, single-use, signed links into the portal.

A link is ``{public_base_url}/portal/deeplink?t=<token>`` with

    token = 1.<firm>.<user|0>.<c|p>.<target>.<expires>.<nonce>.<mac>

``nonce`` is 256 random bits (base64url); only its SHA-256 is stored, in ``deeplink_tokens``,
together with the same binding (firm, user, target kind and id, expiry). ``mac`` is
HMAC-SHA256 over everything before it, with a key derived from ``Settings.secret_key`` for
DeepLinks only. Following a link (:func:`follow`) checks the MAC and the expiry before any
token lookup, then claims the row with one conditional ``UPDATE`` (unused, unexpired, same
binding), rebuilds the principal from the firm and user *as they are now*, and reads the target
through a unit of work scoped to that principal. Every jump, successful or refused, is one
audit record, written in the transaction that claims the link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bipro_service.adapters.db.models import (
    BrokerFirm,
    Contract,
    Customer,
    DeeplinkToken,
    User,
    UserState,
)
from bipro_service.adapters.passwords import new_secret, secret_hash
from bipro_service.config import Settings
from bipro_service.domain.status import BiproError, MeldungID, NotFound
from bipro_service.service_layer.audit import AuditEntry, add_audit, write_audit
from bipro_service.service_layer.deeplink_views import (
    ContractView,
    CustomerView,
    TargetKind,
    _load_view,
)
from bipro_service.service_layer.principal import AuthMethod, Principal
from bipro_service.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

PATH = "/portal/deeplink"
QUERY_PARAMETER = "t"
MAX_TOKEN_LENGTH = 200
AUDIT_SERVICE = "Portal"
AUDIT_OPERATION = "deeplink"

_KEY_LABEL = b"bipro_service DeepLink v1"
_PROCESS_SECRET = secrets.token_bytes(32)
"""Used when ``secret_key`` is empty (development only: links then die with the process)."""
_TOKEN = re.compile(
    r"(?P<signed>1\.(?P<firm>[1-9]\d{0,11})\.(?P<user>0|[1-9]\d{0,11})\.(?P<kind>[cp])"
    r"\.(?P<target>[1-9]\d{0,11})\.(?P<expires>[1-9]\d{0,11})\.(?P<nonce>[A-Za-z0-9_-]{43}))"
    r"\.(?P<mac>[A-Za-z0-9_-]{43})"
)


@dataclass(frozen=True, slots=True)
class LinkClaims:
    """What a correctly signed token says."""

    nonce: str
    firm_id: int
    user_id: int | None
    kind: TargetKind
    target_id: int
    expires: int
    """Unix time; the stored ``expires_at`` is the same instant with its fraction."""


class DeeplinkSigner:
    """Signs and verifies tokens with the DeepLink key derived from the secret key."""

    def __init__(self, secret_key: str) -> None:
        base = secret_key.encode() if secret_key else _PROCESS_SECRET
        self._key = hmac.new(base, _KEY_LABEL, hashlib.sha256).digest()

    def sign(self, claims: LinkClaims) -> str:
        signed = ".".join(
            (
                "1",
                str(claims.firm_id),
                str(claims.user_id or 0),
                claims.kind.code,
                str(claims.target_id),
                str(claims.expires),
                claims.nonce,
            )
        )
        return f"{signed}.{self._mac(signed)}"

    def verify(self, token: str | None) -> LinkClaims | None:
        """The claims of a well-formed token with a valid MAC; None for anything else."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        match = _TOKEN.fullmatch(token)
        if match is None or not hmac.compare_digest(
            match["mac"].encode(), self._mac(match["signed"]).encode()
        ):
            return None
        user = int(match["user"])
        return LinkClaims(
            nonce=match["nonce"],
            firm_id=int(match["firm"]),
            user_id=user or None,
            kind=TargetKind.from_code(match["kind"]),
            target_id=int(match["target"]),
            expires=int(match["expires"]),
        )

    def _mac(self, signed: str) -> str:
        digest = hmac.new(self._key, signed.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# -- issuing (SOAP getLinks) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedLink:
    url: str
    link_id: int
    expires_at: datetime


def find_customer(uow: UnitOfWork, partnernummer: str) -> Customer:
    """A customer the caller's firm serves today; 01101 when unknown *or* not served."""
    customer = uow.repos.customer_by_number(partnernummer[:20])
    if customer is None:
        raise NotFound(
            f"Partner {partnernummer[:20]} nicht gefunden.",
            quelle="Extranetsuche/Partnersuche/PartnernummerVu",
        )
    return customer


class TooManyMatches(BiproError):
    """A name search that matches several customers of the firm (official code 01402)."""

    meldung_id = MeldungID.TOO_MANY_MATCHES


def search_customer(
    uow: UnitOfWork,
    *,
    partnernummer: str | None,
    name: str | None,
    vorname: str | None = None,
    postleitzahl: str | None = None,
    ort: str | None = None,
) -> Customer:
    """The one customer the firm serves today with this partner number, or else with this
    (company or last) name and the optional first name, postcode and town; 01101 when none,
    01402 when several match."""
    if partnernummer:
        return find_customer(uow, partnernummer)
    query = select(Customer).where(or_(Customer.last_name == name, Customer.company_name == name))
    if vorname:
        query = query.where(Customer.first_name == vorname)
    if postleitzahl:
        query = query.where(Customer.postal_code == postleitzahl)
    if ort:
        query = query.where(Customer.city == ort)
    found = list(uow.session.scalars(query.limit(2)))
    if not found:
        raise NotFound(
            "Kein Partner zu dieser Suche gefunden.", quelle="Extranetsuche/Partnersuche"
        )
    if len(found) > 1:
        raise TooManyMatches(
            "Mehrere Partner passen zu dieser Suche; bitte PartnernummerVu oder Anschrift angeben.",
            quelle="Extranetsuche/Partnersuche",
        )
    return found[0]


def issue_link(
    session: Session,
    settings: Settings,
    principal: Principal,
    kind: TargetKind,
    target_id: int,
    now: datetime,
) -> IssuedLink:
    """Store a new link for ``principal`` to the target (already checked visible) and sign it."""
    expires_at = now + timedelta(seconds=settings.deeplink_lifetime_seconds)
    nonce = new_secret(32)
    row = DeeplinkToken(
        id_hash=secret_hash(nonce),
        firm_id=principal.firm_id,
        user_id=principal.user_id,
        target_kind=kind.value,
        target_id=target_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    claims = LinkClaims(
        nonce=nonce,
        firm_id=principal.firm_id,
        user_id=principal.user_id,
        kind=kind,
        target_id=target_id,
        expires=int(expires_at.timestamp()),
    )
    token = DeeplinkSigner(settings.secret_key).sign(claims)
    url = f"{settings.public_base_url}{PATH}?{QUERY_PARAMETER}={token}"
    return IssuedLink(url, row.id, expires_at)


# -- following a link (portal GET /portal/deeplink) -----------------------------------------


@dataclass(frozen=True, slots=True)
class Jump:
    """The outcome of following a link: the view, or None with the (internal) reason."""

    view: ContractView | CustomerView | None
    reason: str | None = None


class _Refused(Exception):
    def __init__(self, reason: str, *, target: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.target = target


@dataclass
class _Record:
    """The audit record of one jump, filled in as the checks pass."""

    started: float
    now: datetime
    source_address: str | None
    prozess_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    vermittlernummer: str | None = None
    login: str | None = None
    objects: dict[str, list[str]] = field(default_factory=dict)

    def entry(self, outcome: str, meldung_id: str | None, detail: str | None) -> AuditEntry:
        return AuditEntry(
            occurred_at=self.now,
            prozess_id=self.prozess_id,
            service=AUDIT_SERVICE,
            operation=AUDIT_OPERATION,
            outcome=outcome,
            duration_ms=int((time.perf_counter() - self.started) * 1000),
            vermittlernummer=self.vermittlernummer,
            user_login=self.login,
            auth_method=AuthMethod.DEEPLINK.value,
            objects={k: sorted(v) for k, v in self.objects.items()},
            meldung_id=meldung_id,
            source_address=self.source_address,
            detail=detail,
        )


def follow(
    session_factory: sessionmaker[Session],
    settings: Settings,
    token: str | None,
    *,
    now: datetime,
    today: date,
    source_address: str | None,
) -> Jump:
    """Check, claim and resolve a link; audit the jump (one record, success or refusal)."""
    record = _Record(time.perf_counter(), now, source_address)
    claims = DeeplinkSigner(settings.secret_key).verify(token)
    try:
        with UnitOfWork(session_factory) as uow:
            try:
                if claims is None:
                    # Forged, modified or malformed: refused before any token lookup.
                    raise _Refused("signature invalid or token malformed")
                _describe(uow.session, claims, record)
                if claims.expires <= int(now.astimezone(UTC).timestamp()):
                    raise _Refused("expired")
                view = _claim_and_load(uow.session, session_factory, claims, record, now, today)
            except _Refused as refused:
                # The refusal commits with the claim: a refused link stays used.
                meldung = MeldungID.OBJECT_NOT_FOUND if refused.target else MeldungID.INVALID_TOKEN
                add_audit(uow.session, record.entry("NOK", meldung.value, refused.reason))
                uow.commit()
                return Jump(None, refused.reason)
            add_audit(uow.session, record.entry("OK", None, None))
            uow.commit()
            return Jump(view)
    except Exception as exc:
        # Rolled back (the link is not used up); the attempt is still audited if possible.
        try:
            write_audit(
                session_factory, record.entry("FAULT", MeldungID.OTHER.value, type(exc).__name__)
            )
        except Exception:
            log.exception("DeepLink: audit record of a failed jump could not be written")
        raise


def _describe(session: Session, claims: LinkClaims, record: _Record) -> None:
    """Name firm, user and target in the audit record (the MAC vouches for the ids).

    Read without the firm scope, for the insurer's audit only; never shown to the caller.
    """
    firm = session.get(BrokerFirm, claims.firm_id)
    record.vermittlernummer = firm.vermittlernummer if firm else None
    user = session.get(User, claims.user_id) if claims.user_id else None
    record.login = user.login if user else None
    if claims.kind is TargetKind.CONTRACT:
        number = session.scalar(
            select(Contract.versicherungsscheinnummer).where(Contract.id == claims.target_id)
        )
    else:
        number = session.scalar(
            select(Customer.partnernummer).where(Customer.id == claims.target_id)
        )
    if number is not None:
        record.objects[claims.kind.value] = [number]


def _claim_and_load(
    session: Session,
    session_factory: sessionmaker[Session],
    claims: LinkClaims,
    record: _Record,
    now: datetime,
    today: date,
) -> ContractView | CustomerView:
    owner = (
        DeeplinkToken.user_id.is_(None)
        if claims.user_id is None
        else DeeplinkToken.user_id == claims.user_id
    )
    link_id = session.execute(
        update(DeeplinkToken)
        .where(
            DeeplinkToken.id_hash == secret_hash(claims.nonce),
            DeeplinkToken.used_at.is_(None),
            DeeplinkToken.expires_at > now,
            DeeplinkToken.firm_id == claims.firm_id,
            owner,
            DeeplinkToken.target_kind == claims.kind.value,
            DeeplinkToken.target_id == claims.target_id,
        )
        .values(used_at=now)
        .returning(DeeplinkToken.id)
    ).scalar_one_or_none()
    if link_id is None:
        known = session.scalar(
            select(DeeplinkToken.id).where(DeeplinkToken.id_hash == secret_hash(claims.nonce))
        )
        if known is not None:
            record.objects["deeplink"] = [str(known)]
        raise _Refused("already used, expired or unknown")
    record.objects["deeplink"] = [str(link_id)]
    principal = _principal(session, claims)
    # A fresh unit of work scoped to the principal as it is now: the firm's current customers,
    # test data only on a test access, nothing without portfolio rights.
    with UnitOfWork(session_factory, principal, today) as scoped:
        loaded = _load_view(scoped, claims.kind, claims.target_id)
    if loaded is None:
        raise _Refused("target not served by the firm or not visible to it", target=True)
    view, touched = loaded
    record.objects.update(touched)
    return view


def _principal(session: Session, claims: LinkClaims) -> Principal:
    """The link's firm and user as they are now; refused when either may no longer act."""
    firm = session.get(BrokerFirm, claims.firm_id)
    if firm is None or firm.agency_ended_at is not None:
        raise _Refused("firm unknown or agency ended")
    user: User | None = None
    if claims.user_id is not None:
        user = session.get(User, claims.user_id)
        if user is None or user.firm_id != firm.id or user.state is not UserState.ACTIVE:
            raise _Refused("user unknown, not active or of another firm")
        if not user.portfolio_rights:
            raise _Refused("user without portfolio rights")
    return Principal(
        firm_id=firm.id,
        vermittlernummer=firm.vermittlernummer,
        test_access=firm.is_test_access,
        # A firm certificate is a legal person: user rights are managed in the MVP (T II.4).
        portfolio_rights=user.portfolio_rights if user is not None else True,
        auth_method=AuthMethod.DEEPLINK,
        user_id=user.id if user is not None else None,
        login=user.login if user is not None else None,
        is_admin=user.is_admin if user is not None else False,
    )
