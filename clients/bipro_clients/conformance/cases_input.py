"""Rejected input a client can provoke safely: each case sends one small malformed request
with the run's (valid) token to ``listShipments`` (read only) and expects a SOAP fault about
the *content*: an authentication fault (009xx) never passes, it would mean the request was
refused before it was looked at. Nothing here is large, slow or repeated: no load on the
endpoint, no lockout."""

from __future__ import annotations

from bipro_clients.conformance.context import Context, Outcome, case
from bipro_clients.conformance.wire import envelope, expect_fault, token_header, transfer_body

SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"


@case("doctype_rejected", "A request with a DOCTYPE: fault 00001 (Client)")
def doctype_rejected(ctx: Context) -> Outcome:
    doctype = '<?xml version="1.0"?><!DOCTYPE soapenv:Envelope [<!ENTITY v "2.6.1.1.0">]>'
    body = envelope(transfer_body("&v;"), token_header(ctx.token()), doctype)
    return expect_fault(ctx, body, "00001", "fault 00001, faultcode Client", code="Client")


@case("unknown_version_rejected", "An unknown BiPROVersion release: fault 00001 (Client)")
def unknown_version_rejected(ctx: Context) -> Outcome:
    body = envelope(transfer_body("9.9.9.9.9"), token_header(ctx.token()))
    return expect_fault(ctx, body, "00001", "fault 00001, faultcode Client", code="Client")


@case("schema_violation_rejected", "A Request with an element the schema does not know: 00007")
def schema_violation_rejected(ctx: Context) -> Outcome:
    extra = '<tns:Konformitaetstest xmlns:tns="http://www.bipro.net/namespace/transfer">x'
    extra += "</tns:Konformitaetstest>"
    body = envelope(transfer_body(extra=extra), token_header(ctx.token()))
    return expect_fault(ctx, body, "00007", "fault 00007, faultcode Client", code="Client")


@case("unknown_operation_rejected", "A Body element that is no operation of the service: 00009")
def unknown_operation_rejected(ctx: Context) -> Outcome:
    body = envelope(
        transfer_body(operation="conformanceNoSuchOperation"), token_header(ctx.token())
    )
    return expect_fault(ctx, body, "00009", "fault 00009, faultcode Client", code="Client")


@case("soap12_rejected", "A SOAP 1.2 envelope at the SOAP 1.1 endpoint: VersionMismatch")
def soap12_rejected(ctx: Context) -> Outcome:
    body = envelope(transfer_body(), token_header(ctx.token()), env=SOAP12_ENV)
    expected = "a SOAP 1.1 fault with faultcode VersionMismatch (SOAP 1.1, 4.4.1; ours: 00001)"
    return expect_fault(ctx, body, None, expected, code="VersionMismatch")
