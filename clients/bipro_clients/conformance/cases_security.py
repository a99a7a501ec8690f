"""Certificate login, signed requests, the lockout threshold and token expiry.

Run only when asked: the certificate cases with a certificate (``--cert/--key`` for the
WS-Security signature, or ``--tls-cert/--tls-key`` for mutual TLS), the lockout case with
``--allow-lockout`` (it locks the sheet's sacrificial user of the own firm, nobody else), the
expiry case when the token's lifetime fits into ``--token-wait``."""

from __future__ import annotations

import math
import secrets
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from lxml import etree

from bipro_clients.conformance.context import Context, Outcome, case, skip
from bipro_clients.conformance.wire import DS, describe, expect_bipro_fault, last_response
from bipro_clients.errors import NACHR, BiproFault
from bipro_clients.namespaces import WSSE
from bipro_clients.signing import WsseChain
from bipro_clients.sts import CertificateStsClient, StsClient, Token

#: Seconds waited beyond a token's lifetime (second-precision times, a slow worker).
EXPIRY_SLACK = 2.0


def _certificate_summary(path: str) -> str:
    from cryptography import x509

    try:
        certificate = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        return f"certificate unreadable: {error}"
    until = certificate.not_valid_after_utc.astimezone(UTC)
    return f"{certificate.subject.rfc4514_string()}, valid until {until:%Y-%m-%d}"


def _scoping(ctx: Context, token: Token, signing: Any) -> tuple[str, bool]:
    answer = ctx.transfer(token, signing=signing).list_shipments()
    if not ctx.has_sheet:
        return f"listShipments {describe(answer)} (no sheet: scoping not checked)", answer.ok
    shown = {lieferung.id for lieferung in answer.payload or []}
    own, foreign = shown & set(ctx.own_shipments), shown & set(ctx.other_shipments)
    observed = f"listShipments {describe(answer)}, {len(own)} own, {len(foreign)} foreign"
    return observed, answer.ok and bool(own) and not foreign


@case("x509_login", "Certificate login (X509Login): token; calls see the own firm's data only")
def x509_login(ctx: Context) -> Outcome:
    expected = (
        "X509Login with the firm certificate: token with Created < Expires (UTC); listShipments "
        f"with it OK: {ctx.own_firm}'s shipments, none of {ctx.other_firm}'s"
    )
    if ctx.signing is None and ctx.config.client_cert is None:
        return skip(expected, "no certificate: give --cert/--key (or --tls-cert/--tls-key)")
    signing = ctx.signed_requests() if ctx.signing is not None else None
    how = "signed request" if signing is not None else "TLS client certificate"
    if ctx.signing is not None:
        how += f" ({_certificate_summary(ctx.signing.cert_file)})"
    sts = CertificateStsClient(ctx.base, ctx.config, signing=signing)
    token = sts.login()
    try:
        observed, passed = _scoping(ctx, token, signing)
    finally:
        sts.cancel(token)
    passed = passed and token.created < token.expires
    return Outcome(expected, f"{how}: token until {token.expires:%H:%M:%SZ}; {observed}", passed)


@case("signed_request", "A WS-Security signed call (password token) is answered, signed")
def signed_request(ctx: Context) -> Outcome:
    check = " and verifies with --service-cert" if ctx.service_cert else ""
    expected = f"signed listShipments: OK; the answer carries a signature{check}"
    if ctx.signing is None:
        return skip(expected, "no signing certificate: give --cert/--key")
    ctx.recorder.clear()
    answer = ctx.transfer(signing=ctx.signed_requests()).list_shipments()
    root = last_response(ctx)
    signature = None
    if root is not None:
        signature = root.find(f".//{{{WSSE}}}Security/{{{DS}}}Signature")
    signed = signature is not None
    shown = "answer signed" if signed else "answer not signed"
    verified = ", verified" if ctx.service_cert and signed else ""
    return Outcome(expected, f"{describe(answer)}, {shown}{verified}", answer.ok and signed)


#: The request's ConsumerID as signed, and as a man in the middle changes it afterwards: both
#: schema-valid, so only the signature check can refuse the request.
CONSUMER_ID = "Konformitaetstest"
TAMPERED_CONSUMER_ID = "Konformitaetstest-geaendert"


class _Tamper:
    """Changes the Body after it was signed (as a man in the middle would): the ConsumerID's
    text, which stays valid, so a server that checks content before signature still must
    answer with the signature fault."""

    def apply(
        self, envelope: etree._Element, headers: dict[str, str]
    ) -> tuple[etree._Element, dict[str, str]]:
        consumer = envelope.find(f".//{{{NACHR}}}ConsumerID")
        if consumer is None or consumer.text != CONSUMER_ID:
            raise ValueError("no ConsumerID to tamper with in the signed request")
        consumer.text = TAMPERED_CONSUMER_ID
        return envelope, headers

    def verify(self, envelope: etree._Element) -> etree._Element:
        return envelope


@case("tampered_signature", "A signed call whose Body was changed after signing: fault 00961")
def tampered_signature(ctx: Context) -> Outcome:
    if ctx.signing is None:
        return skip("fault 00961", "no signing certificate: give --cert/--key")
    signing = WsseChain(ctx.signed_requests(verify_answers=False), _Tamper())
    transfer = ctx.transfer(signing=signing, consumer_id=CONSUMER_ID)
    return expect_bipro_fault("00961", "fault 00961 (ConsumerID changed)", transfer.list_shipments)


def _attempt(sts: StsClient, login: str, password: str) -> str:
    """``token`` (then logged out again) or the MeldungID of the fault."""
    try:
        token = sts.login(login, password)
    except BiproFault as fault:
        return fault.meldung_id or "?"
    sts.cancel(token)
    return "token"


@case(
    "lockout_threshold",
    "Lockout: not locked after N-1 wrong entries, locked after N",
    needs_sheet=True,
)
def lockout_threshold(ctx: Context) -> Outcome:
    n = ctx.lockout_threshold
    expected = (
        f"{n - 1} wrong: 00960 each, then the right password works; {n} wrong: 00960 "
        "(the last may be 00964), then the right password is refused with 00964"
    )
    user = ctx.lockout_user
    if user is None:
        return skip(expected, "locks a user: run with --allow-lockout (sacrificial sheet user)")
    sts = StsClient(ctx.base, ctx.config)
    log: list[str] = []

    def right() -> str:
        result = _attempt(sts, user.login, user.password)
        log.append(f"right: {result}")
        return result

    def wrong(count: int) -> list[str]:
        results = [_attempt(sts, user.login, "wrong-" + secrets.token_hex(8)) for _ in range(count)]
        log.append(f"{count} wrong: {','.join(results) or '-'}")
        return results

    def outcome(passed: bool, note: str = "") -> Outcome:
        return Outcome(expected, f"{user.login}: {'; '.join(log)}{note}", passed)

    if right() != "token":
        return outcome(False, " (must log in first: reset the test access, demo-data)")
    if any(r != "00960" for r in wrong(n - 1)) or right() != "token":
        return outcome(False, f" (locked after {n - 1} wrong entries: too early)")
    results = wrong(n)
    if any(r != "00960" for r in results[:-1]) or results[-1] not in ("00960", "00964"):
        return outcome(False)
    final = right()
    late = "" if final == "00964" else f" (not locked after {n} wrong entries)"
    return outcome(final == "00964", late)


@case("token_expiry", "A token used after its Expires: fault 00962")
def token_expiry(ctx: Context) -> Outcome:
    expected = "the token works before Expires; after it: call fault 00962, Validate invalid"
    sts = StsClient(ctx.base, ctx.config)
    token = sts.login(ctx.login, ctx.password)
    received = time.monotonic()
    lifetime = token.lifetime.total_seconds()
    if lifetime + EXPIRY_SLACK > ctx.token_wait:
        sts.cancel(token)
        wait = math.ceil(lifetime + EXPIRY_SLACK)
        return skip(expected, f"token lifetime {lifetime:.0f} s: give --token-wait {wait}")
    before = ctx.transfer(token).list_shipments()
    if not before.ok:
        return Outcome(expected, f"before Expires: {describe(before)}", False)
    time.sleep(max(0.0, received + lifetime + EXPIRY_SLACK - time.monotonic()))
    after = expect_bipro_fault("00962", "", ctx.transfer(token).list_shipments)
    try:
        valid = "valid" if sts.validate(token) else "invalid"
    except BiproFault as fault:
        valid = f"fault {fault.meldung_id}"
    observed = (
        f"lifetime {lifetime:.0f} s; before: {describe(before)}; after: {after.observed}; "
        f"Validate {valid}"
    )
    return Outcome(expected, observed, after.passed and valid in ("invalid", "fault 00962"))
