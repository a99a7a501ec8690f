"""Who is calling: the result of authentication, handed to every use case."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class AuthMethod(enum.StrEnum):
    PASSWORD = "password"
    CERTIFICATE = "certificate"
    CERTIFICATE_DIRECT = "x509-direct"
    """A service call with the firm's TLS client certificate and no token (no STS)."""
    DEEPLINK = "deeplink"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: always a firm, usually one of its users.

    With a firm certificate (legal person) there is no individual user: rights management
    of individual users happens in the MVP (T II.4).
    """

    firm_id: int
    vermittlernummer: str
    test_access: bool
    portfolio_rights: bool
    auth_method: AuthMethod
    user_id: int | None = None
    login: str | None = None
    is_admin: bool = False
    token_id: int | None = None
    signature_required: bool = False
    """The firm must sign every request (WS-Security)."""
    inline_documents: bool = False
    """getShipment sends documents as inline base64 instead of MTOM parts (firm setting)."""
