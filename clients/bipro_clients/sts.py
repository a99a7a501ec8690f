"""Security Token Service (BiPRO 410): log in, validate, cancel; the token header for calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig, make_client
from bipro_clients.signing import security_header

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSC = "http://schemas.xmlsoap.org/ws/2005/02/sc"
WST = "http://schemas.xmlsoap.org/ws/2005/02/trust"
SCT = "http://schemas.xmlsoap.org/ws/2005/02/sc/sct"
ISSUE = f"{WST}/Issue"
VALIDATE = f"{WST}/Validate"
CANCEL = f"{WST}/Cancel"
STATUS_VALID = f"{WST}/status/valid"
# Names of the password-login STS WSDL and URL path (not secrets).
PASSWORD_STS = "STS_UserPasswordLogin_2.6.1.1.0"  # noqa: S105
PASSWORD_PATH = "/bipro/STS/UserPasswordLogin_2.6.1.1.0"  # noqa: S105


@dataclass(frozen=True)
class Token:
    """A security context token and its lifetime (UTC)."""

    identifier: str
    created: datetime
    expires: datetime

    def expires_within(self, margin: timedelta) -> bool:
        return datetime.now(UTC) + margin >= self.expires


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class SecurityContextToken:
    """zeep ``wsse`` plug-in that sends ``wsse:Security/wsc:SecurityContextToken``."""

    def __init__(self, identifier: str) -> None:
        self.identifier = identifier

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

    def _call(self, wsse: Any, **request: Any) -> Any:
        _, service = make_client(PASSWORD_STS, self.endpoint, self.config, wsse=wsse)
        try:
            return service.RequestSecurityToken(**request)
        except Fault as fault:
            raise BiproFault.from_zeep(fault) from None

    def login(self, login: str, password: str) -> Token:
        """Issue a token; raises :class:`BiproFault` (00960, 00964, 00966 …)."""
        answer = self._call(UsernameToken(login, password), TokenType=SCT, RequestType=ISSUE)
        return Token(
            identifier=answer.RequestedSecurityToken.SecurityContextToken.Identifier,
            created=_utc(answer.Lifetime.Created),
            expires=_utc(answer.Lifetime.Expires),
        )

    def validate(self, token: Token | str) -> bool:
        identifier = token.identifier if isinstance(token, Token) else token
        answer = self._call(
            SecurityContextToken(identifier), TokenType=f"{WST}/RSTR/Status", RequestType=VALIDATE
        )
        return bool(answer.Status is not None and answer.Status.Code == STATUS_VALID)

    def cancel(self, token: Token | str) -> None:
        identifier = token.identifier if isinstance(token, Token) else token
        target = {"SecurityContextToken": {"Identifier": identifier}}
        self._call(None, TokenType=SCT, RequestType=CANCEL, CancelTarget=target)
