"""Cases of the STS (410), of tokens in service calls and of the Status/fault conventions.
All read only; the wrong-password cases use a random user key that does not exist."""

from __future__ import annotations

import re
import secrets
from typing import Any

from zeep.wsse.username import UsernameToken

from bipro_clients.conformance.context import Context, Outcome, case
from bipro_clients.conformance.wire import (
    TRANSFER_PATH,
    UTC_Z,
    describe,
    describe_fault,
    envelope,
    expect_bipro_fault,
    expect_fault,
    last_response,
    parse,
    status_problems,
    transfer_body,
)
from bipro_clients.errors import NACHR, BiproFault
from bipro_clients.namespaces import SOAP11_ENV
from bipro_clients.sts import ISSUE, SCT, StsClient, parse_utc

MIN_TOKEN_BITS = 128


def issue(ctx: Context) -> tuple[str, str, str]:
    """Password login, tolerant of the lifetime's format: (identifier, Created, Expires)."""
    answer = _sts(ctx, UsernameToken(ctx.login, ctx.password), TokenType=SCT, RequestType=ISSUE)
    lifetime = answer.Lifetime
    return (
        str(answer.RequestedSecurityToken.SecurityContextToken.Identifier),
        str(lifetime.Created) if lifetime is not None else "",
        str(lifetime.Expires) if lifetime is not None else "",
    )


def _sts(ctx: Context, wsse: Any, **request: Any) -> Any:
    return StsClient(ctx.base, ctx.config).request(wsse, **request)


def nobody() -> UsernameToken:
    """Credentials of a user key that does not exist (no real user's lockout counter moves)."""
    return UsernameToken(f"conformance-nonexistent-{secrets.token_hex(6)}", secrets.token_hex(8))


def token_bits(identifier: str) -> int:
    """Lower bound of the random bits in an identifier (``bipro:`` / ``urn:uuid:`` stripped)."""
    value = identifier.rsplit(":", 1)[-1]
    if re.fullmatch(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value
    ):
        return 122
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return 4 * len(value)
    if re.fullmatch(r"[A-Za-z0-9_\-+/]+=*", value):
        return 6 * len(value.rstrip("="))
    return 0


def lifetime_problems(created: str, expires: str) -> list[str]:
    problems = [
        f"{name} {value!r} not UTC with Z"
        for name, value in (("Created", created), ("Expires", expires))
        if not UTC_Z.match(value)
    ]
    if not problems and not parse_utc(created) < parse_utc(expires):
        problems.append("Expires not after Created")
    return problems


@case("sts_login", "STS login: UTC lifetime ending in Z, identifier of at least 128 bits")
def sts_login(ctx: Context) -> Outcome:
    expected = f"token, Created/Expires UTC with Z, Created < Expires, >= {MIN_TOKEN_BITS} bits"
    identifier, created, expires = issue(ctx)
    try:
        StsClient(ctx.base, ctx.config).cancel(identifier)
    except BiproFault as fault:
        return Outcome(expected, f"Cancel of the new token: {describe_fault(fault)}", False)
    bits = token_bits(identifier)
    problems = lifetime_problems(created, expires)
    if bits < MIN_TOKEN_BITS:
        problems.append(f"identifier has ~{bits} bits")
    observed = f"Expires {expires}, identifier ~{bits} bits" + (
        f"; {'; '.join(problems)}" if problems else ""
    )
    return Outcome(expected, observed, not problems)


@case("sts_wrong_password", "STS: unknown user key / wrong password answers fault 00960")
def sts_wrong_password(ctx: Context) -> Outcome:
    return expect_bipro_fault(
        "00960",
        "fault 00960 (non-existing user key)",
        lambda: _sts(ctx, nobody(), TokenType=SCT, RequestType=ISSUE),
    )


@case("sts_wrong_token_type", "STS Issue with another TokenType: fault 00910")
def sts_wrong_token_type(ctx: Context) -> Outcome:
    wrong = "urn:conformance:not-a-token-type"
    return expect_bipro_fault(
        "00910", "fault 00910", lambda: _sts(ctx, nobody(), TokenType=wrong, RequestType=ISSUE)
    )


@case("sts_wrong_request_type", "STS with an unknown RequestType: fault 00911")
def sts_wrong_request_type(ctx: Context) -> Outcome:
    wrong = "urn:conformance:not-a-request-type"
    return expect_bipro_fault(
        "00911", "fault 00911", lambda: _sts(ctx, nobody(), TokenType=SCT, RequestType=wrong)
    )


@case("sts_validate_cancel", "STS: Validate says valid; after Cancel invalid")
def sts_validate_cancel(ctx: Context) -> Outcome:
    expected = "valid, then after Cancel invalid (or fault 00962); a call with it: fault 00962"
    sts = StsClient(ctx.base, ctx.config)
    identifier = issue(ctx)[0]
    before = sts.validate(identifier)
    sts.cancel(identifier)
    try:
        after = "valid" if sts.validate(identifier) else "invalid"
    except BiproFault as fault:
        after = describe_fault(fault)
    call = expect_bipro_fault("00962", "", lambda: ctx.transfer(identifier).list_shipments())
    passed = before and (after == "invalid" or after.startswith("fault 00962")) and call.passed
    observed = f"{'valid' if before else 'invalid'}, after Cancel {after}; call {call.observed}"
    return Outcome(expected, observed, passed)


_RE_IDENTIFIER = re.compile(r"<wsc:Identifier>([^<]+)</wsc:Identifier>")
_RE_EXPIRES = re.compile(r"<wsu:Expires>([^<]+Z)</wsu:Expires>")
_RE_VERSION = re.compile(r"<nac:BiPROVersion>([^<]+)</nac:BiPROVersion>")
_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
_WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_WSC = "http://schemas.xmlsoap.org/ws/2005/02/sc"
_WST = "http://schemas.xmlsoap.org/ws/2005/02/trust"


def _rst(request_type: str, extra: str = "") -> str:
    return (
        f'<wst:RequestSecurityToken xmlns:wst="{_WST}"><wst:TokenType>{SCT}</wst:TokenType>'
        f"<wst:RequestType>{request_type}</wst:RequestType>{extra}</wst:RequestSecurityToken>"
    )


@case(
    "sts_regex_and_cancel_reference",
    "STS answer read by regex (wsc:Identifier, wsu:Expires…Z, nac:BiPROVersion); Cancel by "
    'wsse:Reference URI="#…" to the SCT in the header cancels that token',
)
def sts_regex_and_cancel_reference(ctx: Context) -> Outcome:
    expected = (
        "<wsc:Identifier>, <wsu:Expires> ending in Z, <nac:BiPROVersion>; after the Cancel a "
        "call with the token: fault 00962"
    )
    login = (
        f'<wsse:Security xmlns:wsse="{_WSSE}"><wsse:UsernameToken>'
        f"<wsse:Username>{ctx.login}</wsse:Username><wsse:Password>{ctx.password}</wsse:Password>"
        "</wsse:UsernameToken></wsse:Security>"
    )
    path = StsClient(ctx.base, ctx.config).endpoint.removeprefix(ctx.base)
    status_code, text = ctx.post_raw(path, envelope(_rst(ISSUE), login))
    identifier, expires = _RE_IDENTIFIER.search(text), _RE_EXPIRES.search(text)
    problems = [f"login HTTP {status_code}"] if status_code != 200 else []
    problems += [] if identifier else ["no <wsc:Identifier>"]
    problems += [] if expires else ["no <wsu:Expires> ending in Z"]
    problems += [] if _RE_VERSION.search(text) else ["no <nac:BiPROVersion>"]
    if identifier is None:
        return Outcome(expected, "; ".join(problems), False)
    header = (
        f'<wsse:Security xmlns:wsse="{_WSSE}"><wsc:SecurityContextToken xmlns:wsc="{_WSC}" '
        f'xmlns:wsu="{_WSU}" wsu:Id="sct"><wsc:Identifier>{identifier.group(1)}</wsc:Identifier>'
        "</wsc:SecurityContextToken></wsse:Security>"
    )
    target = (
        f'<wst:CancelTarget><wsse:SecurityTokenReference xmlns:wsse="{_WSSE}">'
        '<wsse:Reference URI="#sct"/></wsse:SecurityTokenReference></wst:CancelTarget>'
    )
    status_code, text = ctx.post_raw(path, envelope(_rst(f"{_WST}/Cancel", target), header))
    if status_code != 200 or "RequestedTokenCancelled" not in text:
        problems.append(f"Cancel HTTP {status_code}")
    call = expect_bipro_fault(
        "00962", "", lambda: ctx.transfer(identifier.group(1)).list_shipments()
    )
    if not call.passed:
        problems.append(f"call after Cancel: {call.observed}")
    return Outcome(expected, "; ".join(problems) or "as expected", not problems)


@case("token_in_call", "A service call with the token is answered")
def token_in_call(ctx: Context) -> Outcome:
    answer = ctx.transfer().list_shipments()
    return Outcome("listShipments: StatusID OK", describe(answer), answer.ok)


@case("call_without_token", "A service call without security header: fault 00905")
def call_without_token(ctx: Context) -> Outcome:
    return expect_fault(ctx, envelope(transfer_body()), "00905", "fault 00905")


@case("forged_token", "A service call with a forged token: fault 00962")
def forged_token(ctx: Context) -> Outcome:
    forged = "bipro:" + secrets.token_hex(32)
    return expect_bipro_fault("00962", "fault 00962", ctx.transfer(forged).list_shipments)


@case("status_fields", "Status: ProzessID, Zeitstempel, StatusID, Meldung conventions")
def status_fields(ctx: Context) -> Outcome:
    expected = (
        "BiPROVersion; Status with ProzessID, Zeitstempel YYYY-MM-DDThh:mm:ss, StatusID OK/NOK; "
        "each Meldung ArtID Fehler/Warnung/Hinweis and a five-digit MeldungID"
    )
    ctx.recorder.clear()
    ctx.transfer().list_shipments()
    root = last_response(ctx)
    status = root.find(f".//{{{NACHR}}}Status") if root is not None else None
    if root is None or status is None:
        return Outcome(expected, "no nachr:Status in the answer", False)
    problems = status_problems(status, ("OK", "NOK"))
    if root.find(f".//{{{NACHR}}}BiPROVersion") is None:
        problems.append("no BiPROVersion")
    observed = (
        f"ProzessID {status.findtext(f'{{{NACHR}}}ProzessID')!r}, "
        f"Zeitstempel {status.findtext(f'{{{NACHR}}}Zeitstempel')!r}, "
        f"StatusID {status.findtext(f'{{{NACHR}}}StatusID')!r}"
    )
    return Outcome(
        expected, observed + (f"; {'; '.join(problems)}" if problems else ""), not problems
    )


@case("fault_fields", "A fault: HTTP 500, detail nachr:BiproException with a NOK Status")
def fault_fields(ctx: Context) -> Outcome:
    expected = (
        "HTTP 500, soap:Fault with faultcode and faultstring, detail/BiproException with "
        "BiPROVersion and Status (ProzessID, Zeitstempel, StatusID NOK, Meldung ArtID Fehler)"
    )
    status_code, text = ctx.post_raw(TRANSFER_PATH, envelope(transfer_body()))
    root = parse(text)
    fault = root.find(f".//{{{SOAP11_ENV}}}Fault") if root is not None else None
    if fault is None:
        return Outcome(expected, f"HTTP {status_code}, no SOAP 1.1 fault", False)
    problems = [] if status_code == 500 else [f"HTTP {status_code}"]
    if not (fault.findtext("faultcode") or "").strip():
        problems.append("no faultcode")
    if not (fault.findtext("faultstring") or "").strip():
        problems.append("no faultstring")
    exception = fault.find(f"detail/{{{NACHR}}}BiproException")
    status = exception.find(f"{{{NACHR}}}Status") if exception is not None else None
    if exception is None or status is None:
        problems.append("no detail/nachr:BiproException/nachr:Status")
    else:
        if exception.find(f"{{{NACHR}}}BiPROVersion") is None:
            problems.append("no BiPROVersion")
        problems += status_problems(status, ("NOK",))
        arts = [m.findtext(f"{{{NACHR}}}ArtID") for m in status.iterfind(f"{{{NACHR}}}Meldung")]
        if "Fehler" not in arts:
            problems.append("no Meldung of ArtID Fehler")
    observed = f"HTTP {status_code}, faultcode {fault.findtext('faultcode')!r}" + (
        f"; {'; '.join(problems)}" if problems else ", BiproException complete"
    )
    return Outcome(expected, observed, not problems)
