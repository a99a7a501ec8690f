"""Security Token Service (BiPRO 410): log in, validate, cancel; the token header for calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig, make_client
from bipro_clients.namespaces import WSC
from bipro_clients.signing import security_header

WST = "http://schemas.xmlsoap.org/ws/2005/02/trust"
SCT = "http://schemas.xmlsoap.org/ws/2005/02/sc/sct"
ISSUE = f"{WST}/Issue"
VALIDATE = f"{WST}/Validate"
CANCEL = f"{WST}/Cancel"
STATUS_VALID = f"{WST}/status/valid"
# Names of the STS WSDLs and URL paths (not secrets).
PASSWORD_STS = "STS_UserPasswordLogin_2.6.1.1.0"  # noqa: S105
PASSWORD_PATH = "/bipro/STS/UserPasswordLogin_2.6.1.1.0"  # noqa: S105
CERTIFICATE_STS = "STS_X509Login_2.6.1.1.0"
CERTIFICATE_PATH = "/bipro/STS/X509Login_2.6.1.1.0"


@dataclass(frozen=True)
class Token:
    """A security context token and its lifetime as the STS stated it (UTC)."""

    identifier: str
    created: datetime
    expires: datetime

    @property
    def lifetime(self) -> timedelta:
        """``Expires - Created``: independent of the difference between our and their clock."""
        return self.expires - self.created


def parse_utc(text: str) -> datetime:
    """``2026-11-21T15:39:47Z`` (fractions and ``+00:00`` tolerated) as an aware UTC datetime."""
    moment = datetime.fromisoformat(str(text).strip())
    if moment.tzinfo is None:
        raise ValueError(f"lifetime {text!r} without time zone (BiPRO: UTC with Z)")
    return moment.astimezone(UTC)


def cancel_fields(token: Token | str) -> dict[str, Any]:
    """The fields of an STS Cancel of ``token``."""
    identifier = token.identifier if isinstance(token, Token) else token
    target = {"SecurityContextToken": {"Identifier": identifier}}
    return {"TokenType": SCT, "RequestType": CANCEL, "CancelTarget": target}


def _request(
    wsdl: str, endpoint: str, config: ClientConfig, wsse: Any, fields: dict[str, Any]
) -> Any:
    _, service = make_client(wsdl, endpoint, config, wsse=wsse)
    try:
        return service.RequestSecurityToken(**fields)
    except Fault as fault:
        raise BiproFault.from_zeep(fault) from None


def _token(answer: Any) -> Token:
    return Token(
        identifier=answer.RequestedSecurityToken.SecurityContextToken.Identifier,
        created=parse_utc(answer.Lifetime.Created),
        expires=parse_utc(answer.Lifetime.Expires),
    )


class SecurityContextToken:
    """zeep ``wsse`` plug-in that sends ``wsse:Security/wsc:SecurityContextToken``.

    ``identifier`` is the token, or a function returning the current one (asked on every
    request: a :class:`bipro_clients.session.TokenSource` renews it behind the scenes).
    """

    def __init__(self, identifier: str | Callable[[], str]) -> None:
        self._identifier = identifier

    @property
    def identifier(self) -> str:
        value = self._identifier
        return value if isinstance(value, str) else value()

    def element(self) -> etree._Element:
        sct = etree.Element(f"{{{WSC}}}SecurityContextToken", nsmap={"wsc": WSC})
        etree.SubElement(sct, f"{{{WSC}}}Identifier").text = self.identifier
        return sct

    def apply(
        self, envelope: etree._Element, headers: dict[str, str]
    ) -> tuple[etree._Element, dict[str, str]]:
        security_header(envelope).append(self.element())
        return envelope, headers

    def verify(self, envelope: etree._Element) -> etree._Element:
        return envelope


class StsClient:
    """Password login against ``base_url`` + the STS path (or a full ``endpoint``)."""

    def __init__(
        self, base_url: str, config: ClientConfig | None = None, endpoint: str | None = None
    ):
        self.endpoint = endpoint or base_url.rstrip("/") + PASSWORD_PATH
        self.config = config or ClientConfig()

    def request(self, wsse: Any, **fields: Any) -> Any:
        """One ``RequestSecurityToken`` with ``fields`` and the zeep ``wsse`` plug-in (or None):
        the raw answer; a fault raises :class:`BiproFault`."""
        return _request(PASSWORD_STS, self.endpoint, self.config, wsse, fields)

    def login(self, login: str, password: str) -> Token:
        """Issue a token; raises :class:`BiproFault` (00960, 00964, 00966 …)."""
        answer = self.request(UsernameToken(login, password), TokenType=SCT, RequestType=ISSUE)
        return _token(answer)

    def validate(self, token: Token | str) -> bool:
        """STS Validate: True when the service still accepts the token."""
        identifier = token.identifier if isinstance(token, Token) else token
        answer = self.request(
            SecurityContextToken(identifier), TokenType=f"{WST}/RSTR/Status", RequestType=VALIDATE
        )
        return bool(answer.Status is not None and answer.Status.Code == STATUS_VALID)

    def cancel(self, token: Token | str) -> None:
        """STS Cancel (log out): the token is refused from now on. The token travels in the
        header too: the STS cancels only a token of the caller."""
        identifier = token.identifier if isinstance(token, Token) else token
        self.request(SecurityContextToken(identifier), **cancel_fields(token))


class CertificateStsClient:
    """Certificate login (``/bipro/STS/X509Login_2.6.1.1.0``) as a broker firm (legal person).

    The firm certificate is presented either in a WS-Security signature over the request
    (``signing``: a :class:`bipro_clients.signing.SignedRequests` with the firm's key and
    certificate) or as the TLS client certificate of ``config.client_cert`` (mutual TLS,
    terminated by the insurer's proxy). The token has no user: user rights live in the MVP.
    """

    def __init__(
        self,
        base_url: str,
        config: ClientConfig | None = None,
        *,
        signing: Any = None,
        endpoint: str | None = None,
    ):
        self.endpoint = endpoint or base_url.rstrip("/") + CERTIFICATE_PATH
        self.config = config or ClientConfig()
        self.signing = signing

    def login(self) -> Token:
        """Issue a token; raises :class:`BiproFault` (00905 no certificate, 00960 refused …)."""
        fields = {"TokenType": SCT, "RequestType": ISSUE}
        return _token(_request(CERTIFICATE_STS, self.endpoint, self.config, self.signing, fields))

    def cancel(self, token: Token | str) -> None:
        """STS Cancel at this (the issuing) STS, signed like the login when ``signing`` is set."""
        _request(CERTIFICATE_STS, self.endpoint, self.config, self.signing, cancel_fields(token))
