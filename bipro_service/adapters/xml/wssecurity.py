"""Reading the ``wsse:Security`` header: UsernameToken and SecurityContextToken."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from bipro_service.domain.status import BiproError, MeldungID
from bipro_service.namespaces import PASSWORD_TEXT, WSC, WSSE, WSU

_SECURITY = f"{{{WSSE}}}Security"


@dataclass(frozen=True, slots=True)
class UsernameToken:
    username: str
    password: str
    nonce: str | None = None
    """``wsse:Nonce`` when the client sent one: it may be used once (replay protection)."""
    created: str | None = None
    """``wsu:Created`` of the token, as sent."""


class NoSecurityHeader(BiproError):
    meldung_id = MeldungID.NO_SECURITY_HEADER

    def __init__(self) -> None:
        super().__init__("Kein WS-Security-Header (wsse:Security) im Request.")


class NoTokenIdentifier(BiproError):
    meldung_id = MeldungID.NO_SCT_IDENTIFIER

    def __init__(self) -> None:
        super().__init__("Kein SecurityContextToken-Identifier im WS-Security-Header.")


def security_header(header: etree._Element | None) -> etree._Element | None:
    """The single ``wsse:Security`` header; more than one is refused."""
    if header is None:
        return None
    found = header.findall(_SECURITY)
    if len(found) > 1:
        raise BiproError("Mehr als ein wsse:Security-Header.", meldung_id=MeldungID.INCOMPLETE_DATA)
    return found[0] if found else None


def username_token(security: etree._Element | None) -> UsernameToken | None:
    """The UsernameToken with a PasswordText password, if present."""
    if security is None:
        return None
    tokens = security.findall(f"{{{WSSE}}}UsernameToken")
    if not tokens:
        return None
    if len(tokens) > 1:
        raise BiproError("Mehr als ein UsernameToken.", meldung_id=MeldungID.INCOMPLETE_DATA)
    token = tokens[0]
    username = (token.findtext(f"{{{WSSE}}}Username") or "").strip()
    password_element = token.find(f"{{{WSSE}}}Password")
    nonce = (token.findtext(f"{{{WSSE}}}Nonce") or "").strip() or None
    created = (token.findtext(f"{{{WSU}}}Created") or "").strip() or None
    if password_element is None:
        return UsernameToken(username, "", nonce, created)
    password_type = password_element.get("Type", PASSWORD_TEXT).strip()
    if password_type != PASSWORD_TEXT:
        raise BiproError(
            "Nur PasswordText wird unterstützt (über TLS).",
            meldung_id=MeldungID.INVALID_CREDENTIALS,
        )
    return UsernameToken(username[:64], password_element.text or "", nonce, created)


def context_token_identifier(element: etree._Element | None) -> str | None:
    """The ``wsc:Identifier`` of a ``wsc:SecurityContextToken`` directly inside ``element``."""
    if element is None:
        return None
    sct = element.findall(f"{{{WSC}}}SecurityContextToken")
    if len(sct) != 1:
        return None
    identifier = sct[0].findtext(f"{{{WSC}}}Identifier")
    return identifier.strip() if identifier else None


def require_context_token(header: etree._Element | None) -> str:
    """The token identifier of a service call: 00905 without header, 00909 without identifier."""
    security = security_header(header)
    if security is None:
        raise NoSecurityHeader()
    identifier = context_token_identifier(security)
    if not identifier:
        raise NoTokenIdentifier()
    return identifier
