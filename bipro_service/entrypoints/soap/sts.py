"""Security Token Service (BiPRO 410): Issue, Validate and Cancel security context tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from spyne import rpc

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import BrokerFirm
from bipro_service.adapters.xml.wssecurity import (
    NoSecurityHeader,
    NoTokenIdentifier,
    context_token_identifier,
    security_header,
    username_token,
)
from bipro_service.adapters.xml.wssig import SignaturePolicy
from bipro_service.adapters.xml.wssign import wsu_time
from bipro_service.domain.status import AccountLocked, BiproError, InvalidToken, MeldungID
from bipro_service.entrypoints.soap.base import BiproService, request_context
from bipro_service.entrypoints.soap.context import ENVELOPE_KEY, RequestContext
from bipro_service.entrypoints.soap.faults import make_status
from bipro_service.entrypoints.soap.sts_messages import (
    LifetimeType,
    RequestedSecurityTokenType,
    RequestSecurityTokenResponseType,
    RequestSecurityTokenType,
    SecurityContextTokenType,
    StatusType,
)
from bipro_service.namespaces import (
    REQUEST_CANCEL,
    REQUEST_ISSUE,
    REQUEST_VALIDATE,
    RSTR_STATUS_TOKEN_TYPE,
    SCT_TOKEN_TYPE,
    SOAP11_ENV,
    STATUS_INVALID,
    STATUS_VALID,
    WSC,
    WSSE,
    WST,
    WSU,
)
from bipro_service.service_layer import accounts, replay, tokens
from bipro_service.service_layer.principal import AuthMethod


@dataclass(frozen=True, slots=True)
class RstRequest:
    """The parts of a ``wst:RequestSecurityToken`` the STS acts on."""

    request_type: str
    token_type: str | None
    target: etree._Element | None


def parse_rst(element: etree._Element) -> RstRequest:
    """Read an RST; WS-Trust allows any order and extension elements, which are ignored."""
    request_type = (element.findtext(f"{{{WST}}}RequestType") or "").strip()
    token_type = element.findtext(f"{{{WST}}}TokenType")
    target = element.find(f"{{{WST}}}CancelTarget")
    if target is None:
        target = element.find(f"{{{WST}}}ValidateTarget")
    return RstRequest(request_type, token_type.strip() if token_type else None, target)


class WrongRequestType(BiproError):
    meldung_id = MeldungID.WRONG_REQUEST_TYPE


class WrongTokenType(BiproError):
    meldung_id = MeldungID.WRONG_TOKEN_TYPE


_WSU_ID = f"{{{WSU}}}Id"


class CancelRefused(BiproError):
    """A Cancel whose target cannot be resolved or is not the caller's; audited with ``reason``."""

    def __init__(self, meldung_id: MeldungID, text: str, reason: str) -> None:
        super().__init__(text, meldung_id=meldung_id, quelle="CancelTarget")
        self.reason = reason


def _referenced_token(reference: etree._Element, security: etree._Element | None) -> str:
    """The identifier of the header's SCT that ``wsse:Reference URI="#<wsu:Id>"`` names.

    Only a ``wsc:SecurityContextToken`` directly in this message's ``wsse:Security`` header
    can be referenced: an identifier in the URI, or an Id of anything else, is refused (00916)."""
    uri = reference.get("URI", "").strip()
    if not uri:
        raise CancelRefused(
            MeldungID.REFERENCE_WITHOUT_URI, "wsse:Reference ohne URI-Attribut.", "no URI"
        )
    wanted = uri[1:] if uri.startswith("#") else None
    for sct in security.iterfind(f"{{{WSC}}}SecurityContextToken") if security is not None else ():
        if wanted and sct.get(_WSU_ID, sct.get("Id")) == wanted:
            identifier = (sct.findtext(f"{{{WSC}}}Identifier") or "").strip()
            if identifier:
                return identifier
    raise CancelRefused(
        MeldungID.REFERENCE_MISMATCH,
        "SCT im Header stimmt nicht mit der Referenz im Body überein: wsse:Reference URI muss "
        "auf die wsu:Id des wsc:SecurityContextToken im wsse:Security-Header verweisen.",
        "dangling token reference",
    )


def _target_identifier(
    rst: RstRequest, security: etree._Element | None, *, strict: bool
) -> str | None:
    """The token named by Cancel/ValidateTarget (the SCT itself, or a reference to the SCT in
    the header), else — for Validate — the one in the security header."""
    target = rst.target
    if target is None:
        if strict:
            raise CancelRefused(
                MeldungID.CANCEL_TARGET_MISSING, "wst:CancelTarget fehlt.", "no CancelTarget"
            )
        return context_token_identifier(security)
    if target.find(f"{{{WSC}}}SecurityContextToken") is not None:
        identifier = context_token_identifier(target)
        if not identifier and strict:
            raise NoTokenIdentifier()
        return identifier
    str_ = target.find(f"{{{WSSE}}}SecurityTokenReference")
    if str_ is None:
        if not strict:
            return None
        raise CancelRefused(
            MeldungID.NO_TOKEN_REFERENCE,
            "wsse:SecurityTokenReference oder wsc:SecurityContextToken fehlt im CancelTarget.",
            "no SecurityTokenReference",
        )
    reference = str_.find(f"{{{WSSE}}}Reference")
    if reference is None:
        if not strict:
            return None
        raise CancelRefused(MeldungID.NO_REFERENCE, "wsse:Reference fehlt.", "no Reference")
    try:
        return _referenced_token(reference, security)
    except CancelRefused:
        if strict:
            raise
        return None


def _issued(issued: tokens.IssuedToken) -> RequestSecurityTokenResponseType:
    return RequestSecurityTokenResponseType(
        TokenType=SCT_TOKEN_TYPE,
        RequestedSecurityToken=RequestedSecurityTokenType(
            SecurityContextToken=SecurityContextTokenType(Identifier=issued.identifier)
        ),
        Lifetime=LifetimeType(
            Created=wsu_time(issued.created_at), Expires=wsu_time(issued.expires_at)
        ),
    )


def _who(rc: RequestContext, found: tuple[Any, Any, Any] | None) -> None:
    if found is not None:
        rc.vermittlernummer = found[1].vermittlernummer
        rc.login = found[2].login if found[2] is not None else None


def _validate(
    rc: RequestContext, rst: RstRequest, header: etree._Element | None
) -> RequestSecurityTokenResponseType:
    identifier = _target_identifier(rst, security_header(header), strict=False)
    found = None
    if identifier:
        with rc.runtime.uow() as uow:
            found = tokens.check_token(uow.session, rc.runtime.settings, identifier, utcnow())
            _who(rc, found)
    return RequestSecurityTokenResponseType(
        TokenType=RSTR_STATUS_TOKEN_TYPE,
        Status=StatusType(Code=STATUS_VALID if found is not None else STATUS_INVALID),
    )


def _cancel(
    rc: RequestContext, rst: RstRequest, header: etree._Element | None
) -> RequestSecurityTokenResponseType:
    """Cancel the target token (log out) — only one the caller holds.

    The caller is the SCT in the header (the usual form: the token cancels itself via
    ``wsse:Reference URI="#<wsu:Id>"``), else the firm certificate the request came with.
    Without either, the target's identifier itself is the credential (bearer token)."""
    security = security_header(header)
    identifier = _target_identifier(rst, security, strict=True)
    assert identifier is not None
    caller_sct = context_token_identifier(security)
    now = utcnow()
    with rc.unit_of_work() as uow:
        settings = rc.runtime.settings
        target = tokens.check_token(uow.session, settings, identifier, now)
        caller = target
        if caller_sct and caller_sct != identifier:
            caller = tokens.check_token(uow.session, settings, caller_sct, now)
        _who(rc, caller)
        if target is None or caller is None:
            raise InvalidToken()
        owner = (caller[1].id, caller[2].id if caller[2] is not None else None)
        certificate = rc.caller_certificate
        if certificate is not None and not caller_sct:
            owner = (certificate.firm_id, None)
        if not tokens.belongs_to(target, *owner):
            raise CancelRefused(
                MeldungID.REFERENCE_MISMATCH,
                "Das referenzierte SecurityContextToken gehört nicht zum Aufrufer.",
                "token of another caller",
            )
        tokens.cancel_token(uow.session, identifier, now)
        make_status(rc, True)
        uow.commit()
    return RequestSecurityTokenResponseType(TokenType=SCT_TOKEN_TYPE, RequestedTokenCancelled="")


def _dispatch(
    ctx: Any, issue: Callable[[RequestContext, etree._Element | None], tokens.IssuedToken]
) -> RequestSecurityTokenResponseType:
    """Issue with the login method's own ``issue``; Validate and Cancel are the same for both."""
    rc = request_context(ctx)
    header = ctx.transport.req_env[ENVELOPE_KEY].find(f"{{{SOAP11_ENV}}}Header")
    rst = parse_rst(ctx.in_body_doc)
    if rst.request_type == REQUEST_ISSUE:
        if rst.token_type not in (None, SCT_TOKEN_TYPE):
            raise WrongTokenType(f"TokenType muss {SCT_TOKEN_TYPE} sein.", quelle="TokenType")
        return _issued(issue(rc, header))
    if rst.request_type == REQUEST_VALIDATE:
        return _validate(rc, rst, header)
    if rst.request_type == REQUEST_CANCEL:
        return _cancel(rc, rst, header)
    raise WrongRequestType(
        f"RequestType muss Issue, Validate oder Cancel sein: {rst.request_type[:100]!r}",
        quelle="RequestType",
    )


def _password_issue(rc: RequestContext, header: etree._Element | None) -> tokens.IssuedToken:
    credentials = username_token(security_header(header))
    if credentials is None:
        raise NoSecurityHeader()
    rc.login = credentials.username or None
    rc.auth_method = AuthMethod.PASSWORD.value
    if credentials.nonce is not None:
        _nonce_not_replayed(rc, credentials.nonce, credentials.created)
    attempt: dict[str, str | None] = {}
    try:
        with rc.unit_of_work() as uow:
            issued = accounts.password_login(
                uow,
                rc.runtime.settings,
                credentials.username,
                credentials.password,
                utcnow(),
                rc.source_address,
                attempt,
            )
            rc.vermittlernummer = attempt.get("vermittlernummer")
            uow.commit()
    finally:
        rc.vermittlernummer = attempt.get("vermittlernummer")
        rc.detail = attempt.get("locked")
    return issued


def _nonce_not_replayed(rc: RequestContext, nonce: str, created: str | None) -> None:
    """A UsernameToken nonce is good once within the WS-Security time window (as in WSS4J)."""
    now = utcnow()
    policy = SignaturePolicy()
    moment = now
    if created is not None:
        try:
            moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            raise ReplayedCredentials("UsernameToken Created unreadable") from None
        if (
            moment.tzinfo is None
            or now - moment > policy.max_age
            or moment - now > policy.max_future
        ):
            raise ReplayedCredentials("UsernameToken Created outside the time window")
    key = "nonce:" + hashlib.sha256(nonce.encode()).hexdigest()[:58]
    until = max(moment, now) + policy.max_age + policy.max_future
    if not replay.first_sighting(rc.runtime.session_factory, key, until, now):
        raise ReplayedCredentials("UsernameToken nonce used before")


class ReplayedCredentials(BiproError):
    """A reused nonce or a stale UsernameToken: refused before the password is looked at."""

    meldung_id = MeldungID.INVALID_CREDENTIALS

    def __init__(self, reason: str) -> None:
        super().__init__("Benutzerkennung oder Passwort ungültig.")
        self.reason = reason


def _certificate_issue(rc: RequestContext, header: etree._Element | None) -> tokens.IssuedToken:
    """A firm certificate (signature, or TLS through the trusted proxy) logs in as the firm."""
    rc.auth_method = AuthMethod.CERTIFICATE.value
    caller = rc.caller_certificate
    if caller is None:
        raise CertificateRequired()
    with rc.unit_of_work() as uow:
        firm = uow.session.get(BrokerFirm, caller.firm_id)
        if firm is None or not firm.is_active:
            raise AccountLocked()
        rc.vermittlernummer = firm.vermittlernummer
        issued = tokens.issue_token(
            uow.session,
            rc.runtime.settings,
            firm_id=firm.id,
            user_id=None,
            method=AuthMethod.CERTIFICATE,
            now=utcnow(),
            source_address=rc.source_address,
        )
        uow.commit()
    return issued


class CertificateRequired(BiproError):
    meldung_id = MeldungID.NO_SECURITY_HEADER

    def __init__(self) -> None:
        super().__init__(
            "Zertifikatsanmeldung: Request mit dem Firmenzertifikat signieren "
            "(wsse:BinarySecurityToken) oder per TLS-Clientzertifikat senden."
        )


class PasswordSecurityTokenService(BiproService):
    """STS for user key + password (``wsse:UsernameToken``, PasswordText)."""

    @rpc(RequestSecurityTokenType, _body_style="bare", _returns=RequestSecurityTokenResponseType)
    def RequestSecurityToken(ctx: Any, _rst: Any) -> RequestSecurityTokenResponseType:
        return _dispatch(ctx, _password_issue)


class CertificateSecurityTokenService(BiproService):
    """STS for a firm's X.509 certificate (legal person; user rights are managed in the MVP)."""

    @rpc(RequestSecurityTokenType, _body_style="bare", _returns=RequestSecurityTokenResponseType)
    def RequestSecurityToken(ctx: Any, _rst: Any) -> RequestSecurityTokenResponseType:
        return _dispatch(ctx, _certificate_issue)
