"""WS-Trust (February 2005) and WS-SecureConversation types of the Security Token Service."""

from __future__ import annotations

from spyne import ComplexModel, Unicode

from bipro_service.entrypoints.soap.messages import optional, required
from bipro_service.namespaces import WSC, WST, WSU


class SecurityContextTokenType(ComplexModel):
    __namespace__ = WSC
    __type_name__ = "SecurityContextTokenType"
    _type_info = [("Identifier", required(Unicode))]


class TokenTargetType(ComplexModel):
    """``wst:CancelTarget`` / ``wst:ValidateTarget`` holding the token itself.

    The STS also accepts a ``wsse:SecurityTokenReference`` whose ``Reference/@URI`` is the
    token identifier, as some clients send it."""

    # In the WSC namespace so that its child element is ``wsc:SecurityContextToken``.
    __namespace__ = WSC
    __type_name__ = "TokenTargetType"
    _type_info = [("SecurityContextToken", required(SecurityContextTokenType))]


class RequestSecurityTokenType(ComplexModel):
    """``wst:RequestSecurityToken``. WS-Trust allows its children in any order and extensions;
    the STS therefore reads it itself (see ``sts.parse_rst``) and publishes this shape."""

    __namespace__ = WST
    __type_name__ = "RequestSecurityTokenType"
    _type_info = [
        ("TokenType", optional(Unicode)),
        ("RequestType", required(Unicode)),
        ("CancelTarget", optional(TokenTargetType)),
        ("ValidateTarget", optional(TokenTargetType)),
    ]


class RequestedSecurityTokenType(ComplexModel):
    # In the WSC namespace so that its child element is ``wsc:SecurityContextToken``.
    __namespace__ = WSC
    __type_name__ = "RequestedSecurityTokenType"
    _type_info = [("SecurityContextToken", required(SecurityContextTokenType))]


class LifetimeType(ComplexModel):
    # In the WSU namespace so that its children are ``wsu:Created`` / ``wsu:Expires``.
    __namespace__ = WSU
    __type_name__ = "LifetimeType"
    _type_info = [("Created", required(Unicode)), ("Expires", required(Unicode))]


class StatusType(ComplexModel):
    __namespace__ = WST
    __type_name__ = "StatusType"
    _type_info = [("Code", required(Unicode)), ("Reason", optional(Unicode))]


class RequestSecurityTokenResponseType(ComplexModel):
    __namespace__ = WST
    __type_name__ = "RequestSecurityTokenResponseType"
    _type_info = [
        ("TokenType", required(Unicode)),
        ("RequestedSecurityToken", optional(RequestedSecurityTokenType)),
        ("Lifetime", optional(LifetimeType)),
        ("Status", optional(StatusType)),
        ("RequestedTokenCancelled", optional(Unicode)),
    ]
